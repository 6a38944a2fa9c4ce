// The "current thread context" hook. Allocator code never names thread_local directly: it asks
// its Config's context policy for the calling logical thread's slot. Production keeps the slot
// in real thread-local storage; the interleaving checker supplies a policy whose slot belongs to
// the running fiber, so several logical threads share one OS thread without sharing a cache.
//
// A context policy C provides:
//   C::slot<Key>()      the calling logical thread's ThreadSlot for allocator type Key.
//   C::kRealThreads     true when logical threads are OS threads, so the allocator registers a
//                       pthread exit destructor to orphan the heap of a thread that exits.
//   C::kSingleInstance  (optional, default false) true when at most one allocator of each type
//                       lives in the process at a time: then a slot's heap needs no instance
//                       compare on the hot path. The constructor enforces it.
#pragma once

namespace hakmem {

struct ThreadSlot {
  const void* instance = nullptr;  // which allocator instance `heap` belongs to
  void* heap = nullptr;            // that instance's heap for this logical thread
  bool exited = false;             // the thread ended for `instance`: its frees attach no heap
};

// Tests run many instances of one type side by side, so a slot also names its instance.
struct TlsContext {
  static constexpr bool kRealThreads = true;
  template <class Key>
  static ThreadSlot& slot() noexcept {
    static thread_local ThreadSlot s;
    return s;
  }
};

// The production library's policy: its one process-wide instance is never destroyed.
struct ProcessTlsContext : TlsContext {
  static constexpr bool kSingleInstance = true;
};

template <class C>
inline constexpr bool is_single_instance() noexcept {
  if constexpr (requires { C::kSingleInstance; })
    return C::kSingleInstance;
  else
    return false;
}

}  // namespace hakmem
