// The arena: one reservation cut into superslabs. New superslabs come from the bump top; a
// released superslab keeps its header page committed (so stray frees into it can be diagnosed)
// and goes on one of two free lists: warm (data still committed, newest first, at most
// opt_.superslab_cache of them, each for at most opt_.purge_delay_ms when there is a clock) or
// cold (data decommitted). Acquires take warm ones first: their pages need no fault.
#pragma once

namespace hakmem {

template <class Cfg>
bool Allocator<Cfg>::reserve_arena() noexcept {
  // Spill-stack links are 32-bit offsets in 16-byte units from the arena base.
  if (opt_.arena_bytes > (std::size_t{64} << 30)) opt_.arena_bytes = std::size_t{64} << 30;
  opt_.arena_bytes &= ~(kSuperslabSize - 1);
  reservation_bytes_ = opt_.arena_bytes + kSuperslabSize;
  reservation_ = os_.reserve(reservation_bytes_);
  if (!reservation_) return false;
  const std::uintptr_t r = reinterpret_cast<std::uintptr_t>(reservation_);
  base_ = reinterpret_cast<char*>((r + kSuperslabSize - 1) & ~(kSuperslabSize - 1));
  return true;
}

template <class Cfg>
SuperslabHeader* Allocator<Cfg>::acquire_superslab(SsKind kind) noexcept {
  LockGuard g(arena_lock_);
  purge_warm_superslabs(false);
  SuperslabHeader* ss = warm_superslabs_;
  if (ss) {
    warm_superslabs_ = ss->next;
    --committed_free_;
  } else if ((ss = free_superslabs_) != nullptr) {
    if (!os_.commit(reinterpret_cast<char*>(ss) + kHeaderBytes, kSuperslabSize - kHeaderBytes))
      return nullptr;
    ss->data_committed = true;
    free_superslabs_ = ss->next;
  } else {
    const std::uintptr_t top = top_.load(std::memory_order_relaxed);
    if (top + kSuperslabSize > opt_.arena_bytes) return nullptr;
    char* at = base_ + top;
    if (!os_.commit(at, kSuperslabSize)) return nullptr;
    ss = new (at) SuperslabHeader();
    ss->region = static_cast<std::uint32_t>(top >> kSuperslabShift);
    top_.store(top + kSuperslabSize, std::memory_order_release);
    if constexpr (kSingleInstance) process_.top.store(top + kSuperslabSize, std::memory_order_release);
  }
  ss->kind = kind;
  ss->slabs_used = 0;
  ss->owner = nullptr;
  ss->prev = ss->next = nullptr;
  return ss;
}

template <class Cfg>
void Allocator<Cfg>::release_superslab(SuperslabHeader* ss) noexcept {
  LockGuard g(arena_lock_);
  ss->kind = SsKind::kFree;
  ss->owner = nullptr;
  ss->slabs_used = 0;
  ss->pool_class = kNoClass;  // a pool superslab's: its blocks are gone with it
  ss->pool_carved.store(0, std::memory_order_relaxed);
  for (auto& s : ss->slabs()) {  // no data: a free into this superslab fails tiny_free's first compare
    s.cls = kNoClass;
    if constexpr (Cfg::Quirks::kReleaseKeepsPoolRecords)
      if (s.pool_class != kNoClass) continue;
    s.pool_class = kNoClass;
    s.freer_caches.store(0, std::memory_order_relaxed);
    s.data_start = Slab::kNoData;
    s.carved.store(0, std::memory_order_relaxed);
    s.carved_bytes.store(0, std::memory_order_relaxed);
  }
  purge_warm_superslabs(false);
  if (committed_free_ < opt_.superslab_cache) {
    ++committed_free_;
    ss->released_ms = opt_.clock_ms ? opt_.clock_ms() : 0;
    ss->next = warm_superslabs_;
    warm_superslabs_ = ss;
  } else {
    os_.decommit(reinterpret_cast<char*>(ss) + kHeaderBytes, kSuperslabSize - kHeaderBytes);
    ss->data_committed = false;
    ss->next = free_superslabs_;
    free_superslabs_ = ss;
  }
}

// Decommits the warm superslabs released purge_delay_ms or longer ago (all of them if `all`) and
// moves them to the cold list. The warm list is newest first, so the expired ones are its tail.
// Without a clock only `all` purges: the decision then never depends on timing.
template <class Cfg>
void Allocator<Cfg>::purge_warm_superslabs(bool all) noexcept {
  if (Cfg::Quirks::kNoWarmPurge || (!all && !opt_.clock_ms)) return;  // the quirk: deliberately wrong (test-only)
  const std::uint64_t now = all ? 0 : opt_.clock_ms();
  SuperslabHeader** link = &warm_superslabs_;
  while (*link && !all && now - (*link)->released_ms < opt_.purge_delay_ms) link = &(*link)->next;
  SuperslabHeader* ss = *link;
  *link = nullptr;
  while (ss) {
    SuperslabHeader* next = ss->next;
    os_.decommit(reinterpret_cast<char*>(ss) + kHeaderBytes, kSuperslabSize - kHeaderBytes);
    ss->data_committed = false;
    ss->next = free_superslabs_;
    free_superslabs_ = ss;
    --committed_free_;
    ss = next;
  }
}

template <class Cfg>
bool Allocator<Cfg>::owns(const void* p) const noexcept {
  const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(p) - reinterpret_cast<std::uintptr_t>(base_);
  if (off < arena_top()) return superslab_of(p)->kind != SsKind::kFree;
  return const_cast<decltype(large_)&>(large_).contains(reinterpret_cast<std::uintptr_t>(p));
}

}  // namespace hakmem
