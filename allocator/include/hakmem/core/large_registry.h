// Registry of live large blocks: an open-addressing hash set of user pointers, so free() can
// tell a live large block from a pointer hakmem never returned (or already freed) without
// touching memory it does not own. Large frees are rare next to tiny ones; one lock is enough.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hakmem/core/os_layer.h"
#include "hakmem/core/spinlock.h"

namespace hakmem {

// Sits in the 64 bytes before a large block's user pointer.
struct LargeHeader {
  std::uint64_t magic;
  void* map_base;
  std::size_t map_bytes;
  std::size_t usable;
  std::uint64_t sequence;  // the trace's name for the block
  std::uint64_t origin;    // which OS mapping map_base was cut from (the large cache joins pieces of one),
                           // or kArenaOrigin: a run of a large-arena chunk
  std::uint64_t pad[2];
};
static_assert(sizeof(LargeHeader) == 64);
inline constexpr std::uint64_t kArenaOrigin = ~std::uint64_t{0};
inline constexpr std::uint64_t kLargeMagic = 0x48414b4d454d4c47ull;  // "HAKMEMLG"

// InsertLocked = false only in a decoy configuration (NoQuirks::kRegistryInsertUnlocked).
template <class A, bool InsertLocked = true>
class LargeRegistry {
 public:
  SpinLock<A> lock;  // public so fork handling can take it

  // The table's first size (a power of two); tests shrink it to reach growth in a few blocks.
  void set_initial_capacity(std::size_t slots) noexcept {
    for (initial_ = 4; initial_ < slots && initial_ < (std::size_t{1} << 40);) initial_ *= 2;
  }

  // All of these take the lock themselves. insert() returns false when the table cannot grow.
  bool insert(OsLayer& os, std::uintptr_t p) noexcept {
    MaybeLockGuard<SpinLock<A>, InsertLocked> g(lock);
    if ((count_.get() + moving_.get() + 1) * 2 > capacity_ && !grow(os)) return false;
    place(p);
    count_.set(count_.get() + 1);
    return true;
  }
  bool remove(std::uintptr_t p) noexcept {
    LockGuard g(lock);
    if (!erase(p)) return false;
    count_.set(count_.get() - 1);
    return true;
  }
  // A block about to move (realloc's remap): out of the table, so no other block's pointer
  // meets its old address there, but its room stays reserved until put_back_moved(), which
  // therefore never grows the table and cannot fail. Another thread's insert in between sees
  // the table as full as before (issue 10: it used that room, the re-insert had to grow the
  // table, an injected map failure made the growth fail, and the process aborted).
  bool take_for_move(std::uintptr_t p) noexcept {
    LockGuard g(lock);
    if (!erase(p)) return false;
    count_.set(count_.get() - 1);
    moving_.set(moving_.get() + 1);
    return true;
  }
  void put_back_moved(std::uintptr_t p) noexcept {
    LockGuard g(lock);
    place(p);  // room reserved by take_for_move: (count_ + moving_) * 2 <= capacity_
    moving_.set(moving_.get() - 1);
    count_.set(count_.get() + 1);
  }
  bool contains(std::uintptr_t p) noexcept {
    LockGuard g(lock);
    if (!capacity_) return false;
    for (std::size_t i = slot_of(p); table_[i]; i = (i + 1) & (capacity_ - 1))
      if (table_[i] == p) return true;
    return false;
  }
  // Calls f(user pointer) for each live block (quiescent callers only).
  template <class F>
  void for_each(F&& f) noexcept {
    for (std::size_t i = 0; i < capacity_; ++i)
      if (table_[i]) f(table_[i]);
  }
  std::size_t size() const noexcept { return count_.get(); }  // live blocks, not those mid-move
  void release(OsLayer& os) noexcept {
    if (table_) os.unmap(table_, capacity_ * sizeof(std::uintptr_t));
    table_ = nullptr;
    capacity_ = 0;
    count_.set(0);
    moving_.set(0);
  }

 private:
  bool erase(std::uintptr_t p) noexcept {
    if (!capacity_) return false;
    for (std::size_t i = slot_of(p); table_[i]; i = (i + 1) & (capacity_ - 1))
      if (table_[i] == p) {
        erase_at(i);
        return true;
      }
    return false;
  }
  std::size_t slot_of(std::uintptr_t p) const noexcept {
    return static_cast<std::size_t>((p >> 4) * 0x9E3779B97F4A7C15ull >> 20) & (capacity_ - 1);
  }
  void place(std::uintptr_t p) noexcept {
    std::size_t i = slot_of(p);
    while (table_[i]) i = (i + 1) & (capacity_ - 1);
    table_[i] = p;
  }
  // Backward-shift deletion keeps probe chains intact without tombstones.
  void erase_at(std::size_t i) noexcept {
    const std::size_t mask = capacity_ - 1;
    std::size_t j = i;
    for (;;) {
      table_[i] = 0;
      for (;;) {
        j = (j + 1) & mask;
        if (!table_[j]) return;
        const std::size_t home = slot_of(table_[j]);
        // Move table_[j] into the hole at i unless its home lies cyclically in (i, j].
        if (i <= j ? (i < home && home <= j) : (i < home || home <= j)) continue;
        break;
      }
      table_[i] = table_[j];
      i = j;
    }
  }
  bool grow(OsLayer& os) noexcept {
    const std::size_t new_cap = capacity_ ? capacity_ * 2 : initial_;
    auto* fresh = static_cast<std::uintptr_t*>(os.map(new_cap * sizeof(std::uintptr_t)));
    if (!fresh) return false;
    std::uintptr_t* old = table_;
    const std::size_t old_cap = capacity_;
    table_ = fresh;
    capacity_ = new_cap;
    for (std::size_t i = 0; i < old_cap; ++i)
      if (old[i]) place(old[i]);
    if (old) os.unmap(old, old_cap * sizeof(std::uintptr_t));
    return true;
  }

  std::uintptr_t* table_ = nullptr;
  std::size_t capacity_ = 0;
  // Plain cells (plain fields in production): under the interleaving checker an access not
  // ordered by `lock` is reported as a data race.
  typename A::template Plain<std::size_t> count_{};
  typename A::template Plain<std::size_t> moving_{};  // blocks between take_for_move and put_back_moved
  std::size_t initial_ = 512;
};

}  // namespace hakmem
