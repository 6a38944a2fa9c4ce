#include "interleave/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(INTERLEAVE_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(INTERLEAVE_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

extern "C" void interleave_switch_context(void** save_sp, void* new_sp);
extern "C" void interleave_fiber_trampoline();

namespace interleave {
namespace {

// The fiber we are switching away from, so the arriving side can complete the ASan handshake.
Fiber* g_switch_from = nullptr;

std::size_t page_size() noexcept { return static_cast<std::size_t>(sysconf(_SC_PAGESIZE)); }

}  // namespace

Fiber::Fiber() noexcept {
#if defined(INTERLEAVE_TSAN)
  tsan_fiber_ = __tsan_get_current_fiber();
#endif
}

Fiber::Fiber(std::size_t stack_size) {
  const std::size_t page = page_size();
  size_ = (stack_size + page - 1) / page * page;
  // One guard page below the stack turns an overflow into a clean SIGSEGV.
  void* m = mmap(nullptr, size_ + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) {
    std::perror("interleave: fiber stack mmap");
    std::abort();
  }
  mprotect(m, page, PROT_NONE);
  stack_ = static_cast<char*>(m) + page;
  asan_bottom_ = stack_;
  asan_size_ = size_;
}

Fiber::~Fiber() {
#if defined(INTERLEAVE_TSAN)
  if (tsan_owned_) __tsan_destroy_fiber(tsan_fiber_);
#endif
  if (stack_) munmap(stack_ - page_size(), size_ + page_size());
}

void Fiber::prepare(Entry entry, void* arg) noexcept {
  entry_ = entry;
  arg_ = arg;
#if defined(INTERLEAVE_ASAN)
  // An abandoned run leaves its frames' redzones poisoned; the new frames must start clean.
  __asan_unpoison_memory_region(stack_, size_);
  fake_stack_ = nullptr;
#endif
#if defined(INTERLEAVE_TSAN)
  // TSan keeps a shadow call stack per fiber; a fiber abandoned mid-run never pops its frames,
  // so each run gets a fresh TSan fiber.
  if (tsan_owned_) __tsan_destroy_fiber(tsan_fiber_);
  tsan_fiber_ = __tsan_create_fiber(0);
  tsan_owned_ = true;
#endif
  // Initial frame, from the new stack pointer upwards: MXCSR + x87 CW, r15, r14, r13 (entry),
  // r12 (argument), rbx, rbp (0 ends frame-pointer walks), return address (the trampoline).
  auto top = reinterpret_cast<std::uintptr_t>(stack_ + size_) & ~std::uintptr_t{15};
  auto* frame = reinterpret_cast<std::uint64_t*>(top - 16 - 8 * 8);
  const std::uint32_t mxcsr = 0x1F80;
  const std::uint16_t fpcw = 0x037F;
  std::memset(frame, 0, 8 * 8);
  std::memcpy(&frame[0], &mxcsr, sizeof mxcsr);
  std::memcpy(reinterpret_cast<char*>(&frame[0]) + 4, &fpcw, sizeof fpcw);
  frame[3] = reinterpret_cast<std::uint64_t>(&Fiber::start);
  frame[4] = reinterpret_cast<std::uint64_t>(this);
  frame[7] = reinterpret_cast<std::uint64_t>(&interleave_fiber_trampoline);
  sp_ = frame;
}

void Fiber::start(void* self) {
  auto* f = static_cast<Fiber*>(self);
  f->after_switch();
  f->entry_(f->arg_);
  std::fputs("interleave: a fiber entry function returned\n", stderr);
  std::abort();
}

void Fiber::after_switch() noexcept {
#if defined(INTERLEAVE_ASAN)
  const void* from_bottom = nullptr;
  std::size_t from_size = 0;
  __sanitizer_finish_switch_fiber(fake_stack_, &from_bottom, &from_size);
  // The main context learns its stack bounds from the first switch away from it.
  if (g_switch_from && g_switch_from->stack_ == nullptr) {
    g_switch_from->asan_bottom_ = from_bottom;
    g_switch_from->asan_size_ = from_size;
  }
#endif
  g_switch_from = nullptr;
}

void Fiber::switch_to(Fiber& from, Fiber& to, bool from_done) noexcept {
  g_switch_from = &from;
#if defined(INTERLEAVE_ASAN)
  __sanitizer_start_switch_fiber(from_done ? nullptr : &from.fake_stack_, to.asan_bottom_,
                                 to.asan_size_);
#else
  (void)from_done;
#endif
#if defined(INTERLEAVE_TSAN)
  __tsan_switch_to_fiber(to.tsan_fiber_, 0);
#endif
  interleave_switch_context(&from.sp_, to.sp_);
  from.after_switch();
}

}  // namespace interleave
