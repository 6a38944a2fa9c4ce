// calloc-zero: calloc must zero memory, including recycled blocks that held a pattern a moment
// ago (every freed block here is dirty). Also: calloc whose byte count overflows -> NULL, ENOMEM.
#include <cerrno>
#include <cstdint>

#include "footprint.h"
#include "sizes.h"
#include "workloads/common.h"
#include "workloads/registry.h"

namespace stress {
namespace {

class CallocZero final : public Workload {
 public:
  const char* name() const override { return "calloc-zero"; }
  const char* describe() const override {
    return "calloc zeroing of recycled (dirty) blocks of every class; calloc overflow";
  }
  void setup(Run& run) override { error_paths_ = run.target->hakmem || !built_with_sanitizer(); }
  void thread_main(Worker& w) override {
    ToolArray<Block> slots(static_cast<std::size_t>(w.run->opt->slots) / 2);
    while (!w.stopping()) {
      Block& b = slots[w.rng.below(slots.size())];
      if (b) {
        free_block(w, &b);
        continue;
      }
      if (error_paths_ && w.rng.one_in(1024)) overflow(w);
      // count x element size, as programs call it.
      const std::size_t elem = std::size_t{1} << w.rng.below(5);
      const std::size_t count = (mixed_size(w.rng) + elem - 1) / elem;
      alloc_block(w, AllocRequest{count * elem, Api::Calloc, 0, count}, &b);
    }
    free_all(w, slots);
  }

 private:
  static void overflow(Worker& w) {
    errno = 0;
    void* p = w.run->target->calloc_(SIZE_MAX / 16 + 1, 32);
    const int err = errno;
    if (p) {
      violation(w.run->rc, Check::Errno, w.report_thread(), "calloc(%zu, 32) overflows but returned %p",
                SIZE_MAX / 16 + 1, p);
    } else if (err != ENOMEM) {
      violation(w.run->rc, Check::Errno, w.report_thread(), "calloc overflow: errno %d, expected ENOMEM", err);
    }
  }
  bool error_paths_ = true;
};

}  // namespace

Workload& calloc_zero_workload() {
  static CallocZero w;
  return w;
}

}  // namespace stress
