// LogicalContext: a thread-context policy (shape of hakmem::TlsContext) whose "current thread"
// is an index the executor sets between ops. Several logical threads then run on one OS thread
// deterministically: remote frees, thread exit, orphaning and adoption without std::thread.
// Slots are per OS thread, so independent executors may run on several OS threads at once.
#pragma once
#include "hakmem/core/thread_context.h"
#include "hakmem_ops/op.h"

namespace hakmem_ops {

struct LogicalContext {
  static constexpr bool kRealThreads = false;

  static unsigned& current() noexcept {
    static thread_local unsigned c = 0;
    return c;
  }
  template <class Key>
  static hakmem::ThreadSlot* slots() noexcept {
    static thread_local hakmem::ThreadSlot s[kMaxLogicalThreads];
    return s;
  }
  template <class Key>
  static hakmem::ThreadSlot& slot() noexcept {
    return slots<Key>()[current()];
  }
  // The allocator's destructor clears only the current slot; clear all of them so a later
  // instance at the same address never sees a stale heap.
  template <class Key>
  static void reset() noexcept {
    for (unsigned t = 0; t < kMaxLogicalThreads; ++t) slots<Key>()[t] = hakmem::ThreadSlot{};
    current() = 0;
  }
};

}  // namespace hakmem_ops
