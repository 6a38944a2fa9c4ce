// Large blocks (> 32 KiB, or alignments the classes cannot give): one OS mapping each, with a
// 64-byte header just before the user pointer and an entry in the registry that validates frees.
#pragma once

namespace hakmem {

// `zeroed`: the caller (calloc) needs zero bytes. A fresh mapping is zero already; a mapping
// from the cache holds an earlier block's data.
template <class Cfg>
void* Allocator<Cfg>::large_alloc(std::size_t size, std::size_t align, bool zeroed) noexcept {
  const std::size_t page = OsLayer::page_size();
  if (align < sizeof(LargeHeader)) align = sizeof(LargeHeader);
  // size + header + alignment slack, rounded to pages; reject sizes that would overflow.
  if (size > (std::size_t{1} << 46) || align > (std::size_t{1} << 30)) return fail(ENOMEM);
  const std::size_t slack = align > sizeof(LargeHeader) ? align : 0;
  const std::size_t bytes = (size + sizeof(LargeHeader) + slack + page - 1) & ~(page - 1);
  std::size_t mapped = bytes;
  char* base = static_cast<char*>(large_cache_.take(bytes, &mapped));
  const bool recycled = base != nullptr;
  if (!base && (base = static_cast<char*>(os_.map(bytes))) == nullptr) return fail(ENOMEM);
  const std::uintptr_t user =
      (reinterpret_cast<std::uintptr_t>(base) + sizeof(LargeHeader) + align - 1) & ~(std::uintptr_t{align} - 1);
  auto* hdr = reinterpret_cast<LargeHeader*>(user - sizeof(LargeHeader));
  hdr->magic = kLargeMagic;
  hdr->map_base = base;
  hdr->map_bytes = mapped;
  hdr->usable = mapped - sizeof(LargeHeader) - slack;  // not base-dependent: traces reproduce
  hdr->sequence = large_sequence_.fetch_add(1, std::memory_order_relaxed);
  if (!large_.insert(os_, user)) {
    large_cache_.give(os_, base, mapped);
    return fail(ENOMEM);
  }
  void* p = reinterpret_cast<void*>(user);
  if (zeroed && recycled) std::memset(p, 0, size);
  if constexpr (TraceT::kOn) trace_block(Ev::kAlloc, Path::kLarge, p, size, hdr->usable);
  return p;
}

template <class Cfg>
LargeHeader* Allocator<Cfg>::validate_large(const void* p, const char* op) noexcept {
  const std::uintptr_t u = reinterpret_cast<std::uintptr_t>(p);
  if ((u & (sizeof(LargeHeader) - 1)) != 0 || !large_.contains(u))
    fatal_bad_pointer(op, p, "not allocated by hakmem (or already freed)");
  return reinterpret_cast<LargeHeader*>(u - sizeof(LargeHeader));
}

template <class Cfg>
void Allocator<Cfg>::large_free(void* p) noexcept {
  const std::uintptr_t u = reinterpret_cast<std::uintptr_t>(p);
  // remove() is the validation: exactly one free can take a live block out of the registry.
  if ((u & (sizeof(LargeHeader) - 1)) != 0 || !large_.remove(u))
    fatal_bad_pointer("free", p, "not allocated by hakmem (or already freed)");
  if constexpr (TraceT::kOn) trace_block(Ev::kFree, Path::kLarge, p, 0, 0);
  auto* hdr = reinterpret_cast<LargeHeader*>(u - sizeof(LargeHeader));
  large_cache_.give(os_, hdr->map_base, hdr->map_bytes);
}

template <class Cfg>
void Allocator<Cfg>::flush_large_cache() noexcept {
  large_cache_.flush(os_);
}

}  // namespace hakmem
