// The rest of the malloc API, built on the three allocators (tiny, pool, large).
#pragma once

namespace hakmem {

template <class Cfg>
void* Allocator<Cfg>::alloc_beyond_tiny(std::size_t size) noexcept {
  const unsigned pc = pool_class_of(size);
  if (pc != kNoClass) return pool_alloc(pc);
  if (size > kMaxRequest) return fail(ENOMEM);
  return large_alloc(size, kMinAlign, /*zeroed=*/false);
}

template <class Cfg>
void* Allocator<Cfg>::calloc(std::size_t n, std::size_t size) noexcept {
  std::size_t bytes;
  if (__builtin_mul_overflow(n, size, &bytes)) return fail(ENOMEM);
  if (bytes > kMaxPool) {
    tel_.bad_class.no_tiny_class.inc();  // as malloc() counts it
    return bytes > kMaxRequest ? fail(ENOMEM) : large_alloc(bytes, kMinAlign, /*zeroed=*/true);
  }
  void* p = malloc(bytes);
  if (p) std::memset(p, 0, bytes);
  return p;
}

template <class Cfg>
void* Allocator<Cfg>::realloc(void* p, std::size_t size) noexcept {
  if (!p) return malloc(size);
  if (size == 0) {  // as glibc: free and return NULL
    free(p);
    return nullptr;
  }
  const std::size_t have = checked_usable_size(p, "realloc");
  // Keep the block when the new size fits and would not waste most of it.
  if (size <= have && (have <= kMaxPool || size >= have / 2)) return p;
  // A large block growing by less than half again gets a quarter more than asked: a buffer
  // that grows by appends then takes O(log n) moves instead of one per page crossed.
  const std::size_t want = have > kMaxPool && size > have && size - have < have / 2 ? size + size / 4 : size;
  // A big copy costs more than a remap (a syscall and page-table moves); a small one is cheaper
  // through the mapping cache.
  if (have > kMaxPool && size > kMaxPool && (size < have ? size : have) >= kRemapMinCopy)
    if (void* q = large_realloc(p, want)) return q;
  void* q = malloc(want);
  if (!q) return nullptr;  // errno ENOMEM; p is untouched
  std::memcpy(q, p, size < have ? size : have);
  free(p);
  return q;
}

template <class Cfg>
void* Allocator<Cfg>::aligned_alloc(std::size_t align, std::size_t size) noexcept {
  if (align == 0 || (align & (align - 1)) != 0) return fail(EINVAL);
  if (align <= kMinAlign) return malloc(size);
  if (size > kMaxRequest) return fail(ENOMEM);
  const unsigned cls = tiny_class_aligned(size, align);
  if (cls != kNoClass) {
    void* p = tiny_alloc(cls);
    if constexpr (TraceT::kOn)
      if (p) trace_block(Ev::kAlloc, Path::kFront, p, size, kTinySizes[cls]);
    return p;
  }
  const unsigned pc = pool_class_aligned(size, align);
  if (pc != kNoClass) return pool_alloc(pc);
  return large_alloc(size, align, /*zeroed=*/false);
}

template <class Cfg>
int Allocator<Cfg>::posix_memalign(void** out, std::size_t align, std::size_t size) noexcept {
  if (align < sizeof(void*) || (align & (align - 1)) != 0) return EINVAL;
  const int saved = errno;  // POSIX: the result is the return value; errno is not set
  void* p = aligned_alloc(align, size);
  const int err = errno;
  errno = saved;
  if (!p) return err;
  *out = p;
  return 0;
}

template <class Cfg>
void* Allocator<Cfg>::memalign(std::size_t align, std::size_t size) noexcept {
  // As glibc: a non-power-of-two alignment is rounded up to the next power of two.
  if (align > (std::size_t{1} << 40)) return fail(EINVAL);
  std::size_t pow2 = 1;
  while (pow2 < align) pow2 <<= 1;
  return aligned_alloc(pow2, size);
}

template <class Cfg>
void* Allocator<Cfg>::valloc(std::size_t size) noexcept {
  return aligned_alloc(OsLayer::page_size(), size);
}

template <class Cfg>
void* Allocator<Cfg>::pvalloc(std::size_t size) noexcept {
  const std::size_t page = OsLayer::page_size();
  if (size > SIZE_MAX - page) return fail(ENOMEM);
  const std::size_t rounded = (size + page - 1) & ~(page - 1);
  return aligned_alloc(page, rounded ? rounded : page);
}

template <class Cfg>
void* Allocator<Cfg>::reallocarray(void* p, std::size_t n, std::size_t size) noexcept {
  std::size_t bytes;
  if (__builtin_mul_overflow(n, size, &bytes)) return fail(ENOMEM);
  return realloc(p, bytes);
}

template <class Cfg>
std::size_t Allocator<Cfg>::usable_size(const void* p) noexcept {
  return p ? checked_usable_size(p, "malloc_usable_size") : 0;
}

// The usable size of a live block; a bad pointer aborts naming `op`, the caller's function.
template <class Cfg>
std::size_t Allocator<Cfg>::checked_usable_size(const void* p, const char* op) noexcept {
  SuperslabHeader* ss;
  switch (classify(p, &ss)) {
    case Kind::kTiny:
      return validate_tiny(p, ss, op)->block_size;
    case Kind::kPool:
      return kPoolSizes[validate_pool(p, ss, op)];
    case Kind::kLarge:
      return validate_large(p, op)->usable;
  }
  return 0;
}

}  // namespace hakmem
