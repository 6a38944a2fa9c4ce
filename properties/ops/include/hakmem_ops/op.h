// The op language shared by the property tests, the equivalence check and the fuzzers: one
// allocator API call (or maintenance call) by one logical thread, naming blocks by slot.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace hakmem_ops {

inline constexpr unsigned kMaxLogicalThreads = 4;  // logical threads 0..3 (0 = "main")
inline constexpr unsigned kSlotCount = 64;         // decoded ops name blocks by slot 0..63
// The model and executor hold this many: directed workloads (directed.h) name up to 256 live
// blocks, enough to overflow the 128-slot front cache of the smallest classes.
inline constexpr unsigned kModelSlots = 256;

enum class OpKind : std::uint8_t {
  kMalloc,       // slot = malloc(size)
  kCalloc,       // slot = calloc(arg, size)
  kRealloc,      // slot = realloc(slot, size)  (an empty slot: realloc(NULL, size))
  kAligned,      // slot = aligned_alloc(arg, size), or posix_memalign when variant is odd
  kFree,         // free(slot) by `thread`
  kRemoteFree,   // free(slot) by a logical thread other than the slot's owner
  kUsableSize,   // usable_size(slot) >= requested
  kThreadExit,   // logical thread `thread` exits (its heap is orphaned, later adopted)
  kFlush,        // thread_flush() of `thread`
  kDrainSpill,   // one full spill drain pass (by `thread`)
  kPoolV2,       // set_pool_v2(arg != 0)
  kInjectFault,  // the arg-th OS map from now fails (invariant 8)
  kCheck,        // heap check mid-run: accounting equals the model (invariants 4-6)
  kCount
};

const char* to_string(OpKind k);

struct Op {
  OpKind kind = OpKind::kMalloc;
  std::uint8_t thread = 0;   // the logical thread that performs the op
  std::uint8_t variant = 0;  // kAligned: odd = posix_memalign
  std::uint16_t slot = 0;
  std::uint64_t size = 0;    // bytes (calloc: element size)
  std::uint64_t arg = 0;     // calloc: count; aligned: alignment; pool v2: on; fault: nth

  bool operator==(const Op&) const = default;
  std::string to_string() const;
};

std::string to_string(const std::vector<Op>& ops);

}  // namespace hakmem_ops
