// A fixed pool of 16-byte-aligned blocks for fuzzing the lock-free lists on their own. Block i
// lives at base() + 32 * (i + 1), so base() lies below every block as SpillStack requires.
// Each block's words after the first (the link) hold a pattern that the lists must not touch.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hakmem::fuzz {

template <std::size_t N>
class BlockPool {
 public:
  static constexpr std::size_t kBlocks = N;
  static constexpr std::size_t kBlockBytes = 32;

  void* base() noexcept { return bytes_; }
  void* block(std::size_t i) noexcept { return bytes_ + kBlockBytes * (i + 1); }
  // The index of p, or -1 if p is not a block start of this pool.
  long index_of(const void* p) const noexcept {
    const auto off = reinterpret_cast<std::uintptr_t>(p) - reinterpret_cast<std::uintptr_t>(bytes_);
    if (off % kBlockBytes != 0 || off < kBlockBytes || off / kBlockBytes > N) return -1;
    return static_cast<long>(off / kBlockBytes - 1);
  }
  void stamp(std::size_t i) noexcept {
    const std::uint64_t v = pattern(i);
    std::memcpy(static_cast<char*>(block(i)) + 8, &v, 8);
    const std::uint64_t w = ~v;
    std::memcpy(static_cast<char*>(block(i)) + 16, &w, 8);
  }
  bool stamped(std::size_t i) noexcept {
    std::uint64_t a, b;
    std::memcpy(&a, static_cast<char*>(block(i)) + 8, 8);
    std::memcpy(&b, static_cast<char*>(block(i)) + 16, 8);
    return a == pattern(i) && b == ~pattern(i);
  }

 private:
  static std::uint64_t pattern(std::size_t i) noexcept { return 0x5AFE0000ull + i; }
  alignas(64) unsigned char bytes_[kBlockBytes * (N + 1)] = {};
};

}  // namespace hakmem::fuzz
