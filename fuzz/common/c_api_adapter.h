// The hak_* functions that allocator/src/c_api.cpp defines on top of the Allocator API
// (reallocarray, memalign, valloc, pvalloc), over an arbitrary instance instead of the process
// one. A thin adapter: it must stay line-for-line what c_api.cpp does, so that the `api` target
// tests the shim's semantics without touching the process malloc. (Asked the lead to move
// these into the core as templates so this copy can go; see the fuzz report.)
#pragma once
#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace hakmem::fuzz {

inline constexpr std::size_t kPage = 4096;

template <class Alloc>
void* reallocarray(Alloc& a, void* p, std::size_t n, std::size_t size) {
  std::size_t bytes;
  if (__builtin_mul_overflow(n, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return a.realloc(p, bytes);
}

template <class Alloc>
void* memalign(Alloc& a, std::size_t align, std::size_t size) {
  if (align > (std::size_t{1} << 40)) {
    errno = EINVAL;
    return nullptr;
  }
  std::size_t pow2 = 1;
  while (pow2 < align) pow2 <<= 1;
#if HAKMEM_FUZZ_DECOY
  pow2 = align;  // DECOY: forgets glibc's rounding up of a non-power-of-two alignment
#endif
  return a.aligned_alloc(pow2, size);
}

template <class Alloc>
void* valloc(Alloc& a, std::size_t size) {
  return a.aligned_alloc(kPage, size);
}

template <class Alloc>
void* pvalloc(Alloc& a, std::size_t size) {
  if (size > SIZE_MAX - kPage) {
    errno = ENOMEM;
    return nullptr;
  }
  const std::size_t rounded = (size + kPage - 1) & ~(kPage - 1);
  return a.aligned_alloc(kPage, rounded ? rounded : kPage);
}

}  // namespace hakmem::fuzz
