// hakmem::RemoteList (allocator/include/hakmem/core/remote_list.h) re-expressed for Relacy.
//
// A faithful re-expression, not a copy: the real link is a Plain cell placed in the block's
// first word (cell_at<Link>), raw memory that cannot hold Relacy's types. Here a block is a
// RemoteBlock whose link is an rl::var, so Relacy checks every access to it for data races,
// exactly as the project's checker checks the Plain cell. push / take_all / next are
// line-for-line the real ones (same orders: relaxed load, release CAS, acquire exchange).
//
// kRelaxedPublish mirrors interleave/decoys/relaxed_publish.h: the publishing CAS is relaxed,
// so the owner's read of the link after take_all is a data race.
#pragma once
#include "rl_prelude.h"

namespace hkrl {

struct RemoteBlock {
  rl::var<std::uintptr_t> link;  // the real block's first word: Plain<uintptr_t> link_of()
};

template <bool kRelaxedPublish>
class RlRemoteList {
 public:
  void init() { head_($).store(0, rl::mo_relaxed); }

  void push(RemoteBlock* block) {
    std::uintptr_t old = head_($).load(rl::mo_relaxed);
    for (;;) {
      link_of(block)($) = old;  // link_of(block).set(old)
      if (head_($).compare_exchange_weak(old, reinterpret_cast<std::uintptr_t>(block), kPublishOrder,
                                         rl::mo_relaxed))
        return;
      pause();
    }
  }

  // Takes every pushed block; returns the first (walk with next()), or nullptr.
  RemoteBlock* take_all() {
    if (head_($).load(rl::mo_relaxed) == 0) return nullptr;  // cheap check, no RMW
    return reinterpret_cast<RemoteBlock*>(head_($).exchange(0, rl::mo_acquire));
  }

  static RemoteBlock* next(RemoteBlock* block) {
    return reinterpret_cast<RemoteBlock*>(static_cast<std::uintptr_t>(link_of(block)($)));
  }
  static rl::var<std::uintptr_t>& link_of(RemoteBlock* block) { return block->link; }

 private:
  static constexpr rl::memory_order kPublishOrder =
      kRelaxedPublish ? rl::mo_relaxed : rl::mo_release;  // BUG when relaxed

  rl::atomic<std::uintptr_t> head_;
};

}  // namespace hkrl
