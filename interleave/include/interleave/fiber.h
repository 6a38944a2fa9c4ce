// A fiber: a stack plus a saved stack pointer, switched by a dozen instructions of x86-64
// assembly (src/fiber_switch_x86_64.cpp). No signal masks are saved (unlike swapcontext), so a
// switch costs a few nanoseconds. A fiber's stack is allocated once and reused by every run:
// prepare() just rewrites the initial frame.
//
// Sanitizers: ASan and TSan are told about every switch (start/finish_switch_fiber and
// __tsan_switch_to_fiber), so they follow the stack changes and see each switch as a
// synchronisation (all fibers run on one OS thread, in sequence).
#pragma once
#include <cstddef>

#include "interleave/config.h"

namespace interleave {

class Fiber {
 public:
  using Entry = void (*)(void* arg);

  Fiber() noexcept;  // the calling OS thread's own context ("main")
  explicit Fiber(std::size_t stack_size);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // (Re)starts the fiber: the next switch to it calls entry(arg) on a fresh frame. Any frame
  // left by a previous, abandoned run is discarded without unwinding.
  void prepare(Entry entry, void* arg) noexcept;

  // Saves the current context into `from` and resumes `to`. `from_done` tells the sanitizers
  // that `from` will never be resumed (its frames are dead).
  static void switch_to(Fiber& from, Fiber& to, bool from_done = false) noexcept;

 private:
  [[noreturn]] static void start(void* self);
  void after_switch() noexcept;

  void* sp_ = nullptr;
  char* stack_ = nullptr;  // lowest usable byte (above the guard page)
  std::size_t size_ = 0;
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
  // ASan bookkeeping.
  [[maybe_unused]] void* fake_stack_ = nullptr;
  [[maybe_unused]] const void* asan_bottom_ = nullptr;
  [[maybe_unused]] std::size_t asan_size_ = 0;
  // TSan fiber handle.
  [[maybe_unused]] void* tsan_fiber_ = nullptr;
  [[maybe_unused]] bool tsan_owned_ = false;
};

}  // namespace interleave
