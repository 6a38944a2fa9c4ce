// The behaviour trace (DESIGN.md, "What behaviour means"). The allocator reports every result,
// path, flow-control decision and OS call to its Config's trace policy. Production uses NoTrace
// (no code). Blocks are named by (region, offset), never by raw address, so traces of two
// instances compare equal; large blocks get region kLargeRegion | their sequence number.
// Telemetry is never part of the trace.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace hakmem {

enum class Ev : std::uint8_t {
  kAlloc,        // a = size requested (the pool: its block size), b = usable size, path
  kFree,         // path (kSlab: a thread without a heap adopted the block's owner, so it went to its slab)
  kRefill,       // cls; a = from remote drain, b = from spill, c = from slabs
  kFlowControl,  // cls; a = spill length read, b = target, c = blocks pushed to spill
  kSlabReturn,   // cls; a = blocks returned to slabs (or owners) by a flush
  kRemotePush,   // a freed block went to its owner's remote list
  kRemoteDrain,  // a = blocks taken from a heap's remote list, b = of those, put into front caches
  kSpillDrain,   // cls; a = blocks drained from the spill queue
  kSlabAcquire, kSlabRelease,
  kOsCommit, kOsDecommit, kOsMap, kOsUnmap, kOsFail,
  kHeapCreate, kHeapAdopt, kHeapOrphan,
  kFailure,      // a request returned NULL; a = errno
  kFinalSlab,    // final state: region/offset = slab, a = class, b = carved, c = free
  kFinalQueue,   // final state: cls, a = spill length, b = blocks on the stack
  kOsRemap,      // a large block's mapping resized by realloc (a = new bytes)
};

enum class Path : std::uint8_t { kNone, kFront, kRefill, kSlab, kRemote, kSpill, kPoolV1, kPoolV2, kLarge };

inline constexpr std::uint32_t kLargeRegion = 0x80000000u;

struct TraceEvent {
  Ev kind;
  Path path;
  std::uint8_t cls;
  std::uint32_t region;
  std::uint64_t offset;
  std::uint64_t a, b, c;

  bool operator==(const TraceEvent&) const = default;
  std::string to_string() const;
};

inline const char* to_string(Ev e) {
  static const char* const names[] = {
      "alloc", "free", "refill", "flow-control", "slab-return", "remote-push", "remote-drain",
      "spill-drain", "slab-acquire", "slab-release", "os-commit", "os-decommit", "os-map",
      "os-unmap", "os-fail", "heap-create", "heap-adopt", "heap-orphan", "failure",
      "final-slab", "final-queue", "os-remap"};
  return names[static_cast<unsigned>(e)];
}

inline const char* to_string(Path p) {
  static const char* const names[] = {"-", "front", "refill", "slab", "remote", "spill",
                                      "pool-v1", "pool-v2", "large"};
  return names[static_cast<unsigned>(p)];
}

inline std::string TraceEvent::to_string() const {
  char buf[200];
  std::snprintf(buf, sizeof buf, "%s path=%s cls=%u region=%#x off=%llu a=%llu b=%llu c=%llu",
                hakmem::to_string(kind), hakmem::to_string(path), cls, region,
                static_cast<unsigned long long>(offset), static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b), static_cast<unsigned long long>(c));
  return buf;
}

struct NoTrace {
  static constexpr bool kOn = false;
  void record(const TraceEvent&) noexcept {}
};

// Records every event in order (tests, fuzzers, the equivalence check).
struct RecordingTrace {
  static constexpr bool kOn = true;
  std::vector<TraceEvent> events;
  void record(const TraceEvent& e) { events.push_back(e); }
};

}  // namespace hakmem
