// The reference model: which slots hold live blocks, what each block must contain, and the
// address ranges of all live blocks (to detect overlap, invariant 1).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "hakmem_ops/op.h"

namespace hakmem_ops {

enum class BlockKind : std::uint8_t { kTiny, kPool, kLarge };
const char* to_string(BlockKind k);

struct LiveBlock {
  void* ptr = nullptr;           // nullptr: the slot is empty
  std::size_t requested = 0;
  std::size_t usable = 0;
  std::uint64_t seed = 0;        // pattern seed: from (slot, size, generation)
  unsigned owner = 0;            // logical thread that allocated it
  BlockKind kind = BlockKind::kTiny;
};

// The pattern of a block: a word sequence derived from its seed, written over every usable byte.
std::uint64_t pattern_seed(unsigned slot, std::size_t size, std::uint64_t generation);
void fill_pattern(void* p, std::size_t bytes, std::uint64_t seed);
// Index of the first byte in [from, bytes) that differs from the pattern, or nullopt.
std::optional<std::size_t> check_pattern(const void* p, std::size_t bytes, std::uint64_t seed,
                                         std::size_t from = 0);

class Model {
 public:
  const LiveBlock& at(unsigned slot) const { return slots_[slot]; }
  bool live(unsigned slot) const { return slots_[slot].ptr != nullptr; }

  // The live block whose range [ptr, ptr + usable) intersects [p, p + n), if any.
  std::optional<unsigned> overlapping(const void* p, std::size_t n) const;
  void insert(unsigned slot, const LiveBlock& b);
  LiveBlock erase(unsigned slot);

  std::size_t count(BlockKind k) const { return counts_[static_cast<unsigned>(k)]; }
  std::size_t live_count() const { return by_addr_.size(); }

 private:
  std::array<LiveBlock, kModelSlots> slots_{};
  // (block start, slot), sorted. A sorted vector rather than std::map: the map's rebalancing
  // lives in uninstrumented libstdc++, which MSan would misreport.
  std::vector<std::pair<std::uintptr_t, unsigned>> by_addr_;
  std::size_t counts_[3] = {0, 0, 0};
};

}  // namespace hakmem_ops
