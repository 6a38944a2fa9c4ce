// Large blocks (> 128 KiB, or alignments the classes cannot give): a run of a large-arena chunk
// up to LargeArena::kMaxBlock, else an OS mapping each; a 64-byte header just before the user
// pointer, and an entry in the registry that validates frees.
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
  LargeRange range{nullptr, bytes, kArenaOrigin};
  bool recycled = false;  // whether the range may hold an earlier block's data
  using Took = typename LargeArenaT::Took;
  const Took took = opt_.large_arena && bytes <= LargeArenaT::kMaxBlock
                        ? large_arena_.take(os_, bytes, &range.base, &recycled)
                        : Took::kNoRoom;
  if (took == Took::kOsFailed) return fail(ENOMEM);
  if (took == Took::kNoRoom) {
    range.origin = kFreshOrigin;
    recycled = bytes > LargeCache<A>::kMaxMapping ? huge_cache_.take(os_, bytes, &range, huge_now(), opt_.purge_delay_ms)
                                                   : large_cache_.take(os_, bytes, &range);
    if (!recycled) {
      if ((range.base = static_cast<char*>(os_.map(bytes))) == nullptr) return fail(ENOMEM);
      range.bytes = bytes;
      if (bytes > LargeCache<A>::kMaxMapping) huge_cache_.note_mapped(bytes);
    }
  }
  char* const base = range.base;
  const std::size_t mapped = range.bytes;
  const std::uintptr_t user =
      (reinterpret_cast<std::uintptr_t>(base) + sizeof(LargeHeader) + align - 1) & ~(std::uintptr_t{align} - 1);
  auto* hdr = reinterpret_cast<LargeHeader*>(user - sizeof(LargeHeader));
  hdr->magic = kLargeMagic;
  hdr->map_base = base;
  hdr->map_bytes = mapped;
  hdr->usable = mapped - sizeof(LargeHeader) - slack;  // not base-dependent: traces reproduce
  hdr->sequence = large_sequence_.fetch_add(1, std::memory_order_relaxed);
  hdr->origin = range.origin != kFreshOrigin ? range.origin : new_origin(hdr->sequence);
  if (!large_.insert(os_, user)) {
    give_large_range(hdr);
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
  if ((u & (sizeof(LargeHeader) - 1)) != 0 || !large_.contains(u)) fatal_not_large(op, p);
  return reinterpret_cast<LargeHeader*>(u - sizeof(LargeHeader));
}

// A pointer that is no live large block. When its mapping sits in the cache, the block was
// freed already (the common double free); beyond that the registry cannot tell.
template <class Cfg>
void Allocator<Cfg>::fatal_not_large(const char* op, const void* p) noexcept {
  const char* hdr = static_cast<const char*>(p) - sizeof(LargeHeader);
  if (large_arena_.holds(hdr) || large_cache_.holds(hdr) || huge_cache_.holds(hdr))
    fatal_bad_pointer(op, p, "double free (large block already freed; its pages are free or cached)");
  fatal_bad_pointer(op, p, "not allocated by hakmem (or already freed)");
}

template <class Cfg>
void Allocator<Cfg>::large_free(void* p) noexcept {
  const std::uintptr_t u = reinterpret_cast<std::uintptr_t>(p);
  // remove() is the validation: exactly one free can take a live block out of the registry.
  if ((u & (sizeof(LargeHeader) - 1)) != 0 || !large_.remove(u)) fatal_not_large("free", p);
  if constexpr (TraceT::kOn) trace_block(Ev::kFree, Path::kLarge, p, 0, 0);
  give_large_range(reinterpret_cast<LargeHeader*>(u - sizeof(LargeHeader)));
}

// The block's pages back to where they came from (the header is read before they go).
template <class Cfg>
void Allocator<Cfg>::give_large_range(const LargeHeader* hdr) noexcept {
  const LargeRange r{static_cast<char*>(hdr->map_base), hdr->map_bytes, hdr->origin};
  if (r.origin == kArenaOrigin) {
    large_arena_.give(os_, r.base, r.bytes);
  } else if (r.bytes > LargeCache<A>::kMaxMapping) {
    huge_cache_.give(os_, r, huge_now(), opt_.purge_delay_ms);
  } else {
    large_cache_.give(os_, r);
  }
}

// realloc from one large size to another that would copy at least kRemapMinCopy bytes: the
// kernel resizes the mapping, moving its pages if it must, and nothing is copied. nullptr (p
// untouched) sends the caller to its copying path: when a cached mapping fits (its pages are
// already faulted in, which beats not copying), for an over-aligned block (slack before its
// header), or when the mremap fails.
template <class Cfg>
void* Allocator<Cfg>::large_realloc(void* p, std::size_t size) noexcept {
  const std::uintptr_t u = reinterpret_cast<std::uintptr_t>(p);
  auto* hdr = reinterpret_cast<LargeHeader*>(u - sizeof(LargeHeader));
  if (static_cast<void*>(hdr) != hdr->map_base || size > kMaxRequest) return nullptr;
  const std::size_t page = OsLayer::page_size();
  const std::size_t bytes = (size + sizeof(LargeHeader) + page - 1) & ~(page - 1);
  if (hdr->origin == kArenaOrigin) return arena_realloc(hdr, bytes) ? p : nullptr;
  if (large_cache_.fits(bytes)) return nullptr;
  // Out of the registry first: once the old range is unmapped another thread may map it, and
  // its block's pointer must not meet ours in the table. The block's room stays reserved, so
  // putting it back (moved or not) cannot need the table to grow, and cannot fail.
  if (!take_for_move(u)) fatal_not_large("realloc", p);
  const std::uint64_t old_sequence = hdr->sequence;  // hdr may be unmapped after the remap
  char* base = static_cast<char*>(os_.remap(hdr->map_base, hdr->map_bytes, bytes));
  if (!base) {
    put_back_moved(u);
    return nullptr;
  }
  hdr = reinterpret_cast<LargeHeader*>(base);  // the header moved with the pages
  hdr->map_base = base;
  hdr->map_bytes = bytes;
  hdr->usable = bytes - sizeof(LargeHeader);
  const std::uintptr_t user = reinterpret_cast<std::uintptr_t>(base) + sizeof(LargeHeader);
  put_back_moved(user);
  void* q = reinterpret_cast<void*>(user);
  if (q != p) {  // moved: a new block, counted as the malloc and free of a copying realloc
    hdr->sequence = large_sequence_.fetch_add(1, std::memory_order_relaxed);
    hdr->origin = new_origin(hdr->sequence);  // a new kernel mapping
    tel_.bad_class.no_tiny_class.inc();
    tel_.hdr_mismatch.not_tiny.inc();
    if constexpr (TraceT::kOn) {
      trace_.record({Ev::kFree, Path::kLarge, 0, kLargeRegion | static_cast<std::uint32_t>(old_sequence), 0, 0, 0, 0});
      trace_block(Ev::kAlloc, Path::kLarge, q, size, hdr->usable);
    }
  }
  return q;
}

// An arena block resized where it lies: a shrink gives its tail pages back, a growth takes the
// free pages after it. False (a growth with a used page in the way, or past kMaxBlock): the
// caller copies.
template <class Cfg>
bool Allocator<Cfg>::arena_realloc(LargeHeader* hdr, std::size_t bytes) noexcept {
  char* const base = static_cast<char*>(hdr->map_base);
  if (bytes < hdr->map_bytes) {
    large_arena_.give(os_, base + bytes, hdr->map_bytes - bytes);
  } else if (bytes > LargeArenaT::kMaxBlock || !large_arena_.grow(os_, base, hdr->map_bytes, bytes)) {
    return false;
  }
  hdr->map_bytes = bytes;
  hdr->usable = bytes - sizeof(LargeHeader);
  return true;
}

// The registry's side of a move. Quirks::kLargeMoveGivesUpRoom re-creates the defect of issue
// 10 for the checker's decoy: a plain remove and insert, so another thread's insert in between
// can take the room, the insert must grow the table, and an OS failure there aborted.
template <class Cfg>
bool Allocator<Cfg>::take_for_move(std::uintptr_t u) noexcept {
  if constexpr (Cfg::Quirks::kLargeMoveGivesUpRoom) return large_.remove(u);
  return large_.take_for_move(u);
}

template <class Cfg>
void Allocator<Cfg>::put_back_moved(std::uintptr_t u) noexcept {
  if constexpr (Cfg::Quirks::kLargeMoveGivesUpRoom) {
    if (!large_.insert(os_, u)) fatal_internal("large registry: inserting a remapped block failed");
    return;
  }
  large_.put_back_moved(u);
}

template <class Cfg>
void Allocator<Cfg>::flush_large_cache() noexcept {
  large_arena_.flush(os_);
  large_cache_.flush(os_);
  huge_cache_.flush(os_);
}

}  // namespace hakmem
