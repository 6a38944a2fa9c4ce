// The spill stack's head encoding (32-bit block offset from a base, 32-bit ABA tag), shared by
// the decoys that break something else and must keep this part right.
#pragma once
#include <cstdint>

namespace interleave::decoy {

struct TaggedHead {
  std::uintptr_t base = 0;

  static std::uint64_t pack(std::uint32_t off, std::uint32_t tag) { return std::uint64_t{tag} << 32 | off; }
  static std::uint32_t offset(std::uint64_t h) { return static_cast<std::uint32_t>(h); }
  static std::uint32_t tag(std::uint64_t h) { return static_cast<std::uint32_t>(h >> 32); }
  std::uint32_t offset_of(std::uintptr_t p) const {
    return p ? static_cast<std::uint32_t>((p - base) >> 4) : 0;
  }
  std::uintptr_t pointer(std::uint64_t h) const { return offset(h) ? base + (std::uintptr_t{offset(h)} << 4) : 0; }
};

}  // namespace interleave::decoy
