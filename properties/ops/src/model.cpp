#include "hakmem_ops/model.h"

#include <algorithm>
#include <cstring>

namespace hakmem_ops {

const char* to_string(BlockKind k) {
  static const char* const names[] = {"tiny", "pool", "large"};
  return names[static_cast<unsigned>(k)];
}

std::uint64_t pattern_seed(unsigned slot, std::size_t size, std::uint64_t generation) {
  std::uint64_t z = (std::uint64_t{slot} << 48) ^ (std::uint64_t{size} << 8) ^ (generation * 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (z ^ (z >> 31)) | 1;
}

namespace {
// Word k of the pattern; distinct blocks have distinct seeds, so a stray write from one block
// into another shows up as a wrong word.
inline std::uint64_t word(std::uint64_t seed, std::size_t k) { return seed * (2 * k + 1) + k; }
}  // namespace

void fill_pattern(void* p, std::size_t bytes, std::uint64_t seed) {
  auto* b = static_cast<unsigned char*>(p);
  std::size_t k = 0;
  for (; (k + 1) * 8 <= bytes; ++k) {
    const std::uint64_t w = word(seed, k);
    std::memcpy(b + k * 8, &w, 8);
  }
  const std::uint64_t w = word(seed, k);
  std::memcpy(b + k * 8, &w, bytes - k * 8);
}

std::optional<std::size_t> check_pattern(const void* p, std::size_t bytes, std::uint64_t seed,
                                         std::size_t from) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (std::size_t k = from / 8; k * 8 < bytes; ++k) {
    const std::uint64_t w = word(seed, k);
    const std::size_t first = k * 8 < from ? from - k * 8 : 0;
    const std::size_t last = bytes - k * 8 < 8 ? bytes - k * 8 : 8;
    if (first == 0 && last == 8) {  // a whole word: one compare (the common case)
      std::uint64_t got;
      std::memcpy(&got, b + k * 8, 8);
      if (got == w) continue;
    }
    unsigned char expect[8];  // a partial word, or a mismatch: find the exact byte
    std::memcpy(expect, &w, 8);
    for (std::size_t i = first; i < last; ++i)
      if (b[k * 8 + i] != expect[i]) return k * 8 + i;
  }
  return std::nullopt;
}

namespace {
using Entry = std::pair<std::uintptr_t, unsigned>;
bool before(const Entry& e, std::uintptr_t a) { return e.first < a; }
}  // namespace

std::optional<unsigned> Model::overlapping(const void* p, std::size_t n) const {
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  const std::size_t len = n ? n : 1;
  // first block starting after a
  auto it = std::upper_bound(by_addr_.begin(), by_addr_.end(), a,
                             [](std::uintptr_t x, const Entry& e) { return x < e.first; });
  if (it != by_addr_.end() && it->first < a + len) return it->second;
  if (it != by_addr_.begin()) {
    --it;
    const LiveBlock& b = slots_[it->second];
    if (it->first + (b.usable ? b.usable : 1) > a) return it->second;
  }
  return std::nullopt;
}

void Model::insert(unsigned slot, const LiveBlock& b) {
  slots_[slot] = b;
  const auto a = reinterpret_cast<std::uintptr_t>(b.ptr);
  by_addr_.insert(std::lower_bound(by_addr_.begin(), by_addr_.end(), a, before), Entry{a, slot});
  ++counts_[static_cast<unsigned>(b.kind)];
}

LiveBlock Model::erase(unsigned slot) {
  LiveBlock b = slots_[slot];
  const auto a = reinterpret_cast<std::uintptr_t>(b.ptr);
  auto it = std::lower_bound(by_addr_.begin(), by_addr_.end(), a, before);
  if (it != by_addr_.end() && it->first == a) by_addr_.erase(it);
  --counts_[static_cast<unsigned>(b.kind)];
  slots_[slot] = LiveBlock{};
  return b;
}

}  // namespace hakmem_ops
