// Test blocks for the lock-free structures: 16-byte-aligned, numbered 0..N-1 so a set of them
// is a bit mask, with a base pointer 16 bytes below block 0 (SpillStack stores offsets from
// its base, and offset 0 means "empty").
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace interleave {

template <int N>
class BlockPool {
  static_assert(N <= 63, "block ids must fit a 64-bit mask");

 public:
  static constexpr int kBlocks = N;
  const void* base() const noexcept { return buf_; }
  void* block(int id) noexcept { return buf_ + 16 * (id + 1); }
  int id_of(const void* p) const noexcept {
    const auto off = static_cast<const unsigned char*>(p) - buf_;
    if (off < 16 || off % 16 != 0 || off / 16 > N) return -1;
    return static_cast<int>(off / 16 - 1);
  }
  // Overwrite a block's first word behind the checker's back, as a user of the block would.
  void scribble(int id) noexcept {
    const std::uint64_t junk = 0xdeadbeefdeadbee0ull;
    std::memcpy(block(id), &junk, sizeof junk);
  }
  void clear() noexcept { std::memset(buf_, 0, sizeof buf_); }

 private:
  alignas(16) unsigned char buf_[16 * (N + 1)] = {};
};

}  // namespace interleave
