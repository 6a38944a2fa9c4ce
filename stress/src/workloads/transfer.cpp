// transfer: threads swap blocks through a shared array; whoever takes a block frees it. At the
// end of each round every thread frees about half of its stripe and exits; the other half
// survives into the next round, whose fresh threads free blocks of threads that are gone
// (orphaned heaps: invariant 5, thread exit with live blocks, orphan and adopt).
#include "sizes.h"
#include "workloads/common.h"
#include "workloads/registry.h"

namespace stress {
namespace {

class Transfer final : public Workload {
 public:
  const char* name() const override { return "transfer"; }
  const char* describe() const override {
    return "threads swap blocks through a shared array; each round threads exit while half the blocks survive";
  }
  void setup(Run& run) override {
    shared_.reset(static_cast<std::size_t>(run.threads) * static_cast<std::size_t>(run.opt->slots));
  }
  void thread_main(Worker& w) override {
    while (!w.stopping()) {
      Block fresh;
      if (w.rng.percent(60)) alloc_block(w, w.rng.one_in(5) ? mid_size(w.rng) : tiny_size(w.rng), &fresh);
      Block old = shared_.exchange(w.rng.below(shared_.size()), fresh);
      if (old) free_block(w, &old);
    }
    // Leave with about half of this thread's stripe still allocated.
    const auto n = static_cast<std::size_t>(w.run->threads);
    for (std::size_t i = static_cast<std::size_t>(w.index); i < shared_.size(); i += n) {
      if (!w.rng.percent(50)) continue;
      Block old = shared_.exchange(i, Block{});
      if (old) free_block(w, &old);
    }
  }
  void teardown(Run& run) override { shared_.free_all(run.coordinator); }

 private:
  SharedSlots shared_;
};

}  // namespace

Workload& transfer_workload() {
  static Transfer w;
  return w;
}

}  // namespace stress
