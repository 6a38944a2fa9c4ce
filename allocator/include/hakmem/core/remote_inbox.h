// The remote-free inbox of one heap: kRemoteWays independent remote lists (MPSC stacks) on one
// cache line. Freeing threads push whole chains (a batch's lanes), each onto one way, the ways in
// turn; the heap's holder takes every way with one exchange each and walks the chains side by
// side (allocator_remote.h).
//
// Why several lists: the owner's drain reads each block's link, and every block was last
// written by the thread that freed it, so each read is a cache miss; one chain's misses come one
// after another, since each link lies in the block before. With the batches spread over several
// chains, a drain keeps several misses in flight at once (prodcons with 1000-block batches spent
// 97% of drain_remote on that one load).
#pragma once
#include <bit>
#include <cstdint>

#include "hakmem/core/remote_list.h"

namespace hakmem {

inline constexpr unsigned kRemoteWays = 8;

// WayList: each way's list; RemoteList, except in the checker's decoys (a broken way).
template <class A, unsigned Ways = kRemoteWays, class WayList = RemoteList<A>>
class RemoteInbox {
  static_assert(Ways > 0 && (Ways & (Ways - 1)) == 0, "ways: a power of two");

 public:
  using List = WayList;
  static constexpr unsigned kWays = Ways;

  // One block from a thread with no batch of its own: its way follows from its address, so such
  // pushes spread over the ways too.
  void push(void* block) noexcept { way_[way_of(block)].push(block); }

  // A chain first..last (already linked, last's link is overwritten) onto way `way % Ways`.
  void push_chain(void* first, void* last, std::uint32_t way) noexcept {
    way_[way & (Ways - 1)].push_chain(first, last);
  }

  // Takes every way; heads[i] is way i's first block or nullptr. Returns whether any was taken.
  bool take_all(void* (&heads)[Ways]) noexcept {
    bool any = false;
    for (unsigned i = 0; i < Ways; ++i) any |= (heads[i] = way_[i].take_all()) != nullptr;
    return any;
  }

  bool maybe_nonempty() const noexcept {
    for (const List& l : way_)
      if (l.maybe_nonempty()) return true;
    return false;
  }

  // Calls f on every pushed block; only meaningful at quiescence (heap checks).
  template <class F>
  void for_each_quiescent(F&& f) const noexcept {
    for (const List& l : way_)
      for (void* p = l.peek_quiescent(); p; p = List::next(p)) f(p);
  }

  static void* next(void* block) noexcept { return List::next(block); }
  static typename List::Link& link_of(void* block) noexcept { return List::link_of(block); }

  // The way a single push of `block` goes to. Fibonacci hashing: every address bit counts.
  static unsigned way_of(const void* block) noexcept {
    if constexpr (Ways == 1)
      return 0;
    else  // not instantiated for one way: its shift by 64 is an error at -O2 (-Wshift-count-overflow)
      return static_cast<unsigned>((reinterpret_cast<std::uintptr_t>(block) * 0x9e3779b97f4a7c15ull) >>
                                   (64 - std::countr_zero(Ways)));
  }

 private:
  List way_[Ways];
};

}  // namespace hakmem
