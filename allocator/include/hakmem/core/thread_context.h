// The "current thread context" hook. Allocator code never names thread_local directly: it asks
// its Config's context policy for the calling logical thread's slot. Production (TlsContext)
// keeps the slot in real thread-local storage; the interleaving checker supplies a policy whose
// slot belongs to the running fiber, so several logical threads share one OS thread without
// sharing a cache.
//
// A context policy C provides:
//   C::slot<Key>()      the calling logical thread's ThreadSlot for allocator type Key.
//   C::kRealThreads     true when logical threads are OS threads, so the allocator registers a
//                       pthread exit destructor to orphan the heap of a thread that exits.
#pragma once

namespace hakmem {

struct ThreadSlot {
  const void* instance = nullptr;  // which allocator instance `heap` belongs to
  void* heap = nullptr;            // that instance's heap for this logical thread
};

struct TlsContext {
  static constexpr bool kRealThreads = true;
  template <class Key>
  static ThreadSlot& slot() noexcept {
    static thread_local ThreadSlot s;
    return s;
  }
};

}  // namespace hakmem
