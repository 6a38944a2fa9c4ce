// The api target reaches memalign/valloc/pvalloc/reallocarray through the instance's own
// methods: the same code allocator/src/c_api.cpp runs for the process allocator. Only the decoy
// build swaps in a broken memalign, to prove the target's checks catch it.
#pragma once
#include <cstddef>

namespace hakmem::fuzz {

inline constexpr std::size_t kPage = 4096;  // what valloc/pvalloc align to

template <class Alloc>
void* reallocarray(Alloc& a, void* p, std::size_t n, std::size_t size) {
  return a.reallocarray(p, n, size);
}

template <class Alloc>
void* memalign(Alloc& a, std::size_t align, std::size_t size) {
#if HAKMEM_FUZZ_DECOY
  return a.aligned_alloc(align, size);  // DECOY: forgets glibc's rounding up of a non-power-of-two alignment
#else
  return a.memalign(align, size);
#endif
}

template <class Alloc>
void* valloc(Alloc& a, std::size_t size) {
  return a.valloc(size);
}

template <class Alloc>
void* pvalloc(Alloc& a, std::size_t size) {
  return a.pvalloc(size);
}

}  // namespace hakmem::fuzz
