// random-mixed: each thread allocates and frees its own blocks, random sizes over every class.
// The baseline: the local fast paths (front cache, refill, pool, large) under contention for
// shared structures only.
#include "sizes.h"
#include "workloads/common.h"
#include "workloads/registry.h"

namespace stress {
namespace {

class RandomMixed final : public Workload {
 public:
  const char* name() const override { return "random-mixed"; }
  const char* describe() const override {
    return "per-thread local alloc/free of random sizes: tiny 16..1024, mid to 128 KiB, some large";
  }
  void thread_main(Worker& w) override {
    ToolArray<Block> slots(static_cast<std::size_t>(w.run->opt->slots));
    while (!w.stopping()) {
      Block& b = slots[w.rng.below(slots.size())];
      if (b) {
        free_block(w, &b);
      } else {
        alloc_block(w, mixed_size(w.rng), &b);
      }
    }
    free_all(w, slots);
  }
};

}  // namespace

Workload& random_mixed_workload() {
  static RandomMixed w;
  return w;
}

}  // namespace stress
