// ByteReader: turns a fuzz input into small integers, front to back. An exhausted input reads
// as zeros, so every prefix of an input is itself a valid input (good for minimisation).
#pragma once
#include <cstddef>
#include <cstdint>

namespace hakmem::fuzz {

class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) noexcept : p_(data), end_(data + size) {}

  bool empty() const noexcept { return p_ == end_; }
  std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - p_); }
  std::size_t offset(const std::uint8_t* start) const noexcept { return static_cast<std::size_t>(p_ - start); }

  std::uint8_t u8() noexcept { return p_ == end_ ? 0 : *p_++; }
  std::uint16_t u16() noexcept { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }
  std::uint32_t u32() noexcept { return u16() | (std::uint32_t{u16()} << 16); }
  std::uint64_t u64() noexcept { return u32() | (std::uint64_t{u32()} << 32); }
  // A value in [0, n) (n > 0); one byte when n <= 256.
  std::uint32_t below(std::uint32_t n) noexcept { return (n <= 256 ? u8() : u32()) % n; }

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

}  // namespace hakmem::fuzz
