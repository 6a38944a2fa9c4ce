// FiberContext: the context policy of hakmem (see hakmem/core/thread_context.h) for the
// interleaving checker. slot<Key>() returns the running logical thread's slot, so each fiber
// has its own heap; slots are cleared at the start of every run.
#pragma once
#include "hakmem/core/thread_context.h"
#include "interleave/config.h"
#include "interleave/runtime.h"

namespace interleave {

struct FiberContext {
  static constexpr bool kRealThreads = false;

  template <class Key>
  static hakmem::ThreadSlot& slot() noexcept {
    return Slots<Key>::get().slots[rt::slot_index()];
  }

 private:
  template <class Key>
  struct Slots {
    hakmem::ThreadSlot slots[kMaxThreads + 1];  // one per logical thread, plus main
    static Slots& get() noexcept {
      static Slots s = [] {
        rt::register_slot_reset(&reset);
        return Slots{};
      }();
      return s;
    }
    static void reset() {
      for (auto& s : get().slots) s = hakmem::ThreadSlot{};
    }
  };
};

}  // namespace interleave
