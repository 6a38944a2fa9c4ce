// mid-pool: mid-size blocks (1 KiB..128 KiB, the pool classes) with pool v2 off in even rounds
// and on in odd ones (hak_pool_v2_set_enabled). A quarter of the blocks pass through a shared
// array that outlives the round, so blocks allocated under one setting are freed under the
// other. With --target=system the same sizes run without the switch.
#include <cstdio>

#include "sizes.h"
#include "workloads/common.h"
#include "workloads/registry.h"

namespace stress {
namespace {

class MidPool final : public Workload {
 public:
  const char* name() const override { return "mid-pool"; }
  const char* describe() const override {
    return "mid-size pool blocks, pool v2 off and on in alternate rounds, blocks crossing the switch";
  }
  void setup(Run& run) override {
    shared_.reset(static_cast<std::size_t>(run.threads) * static_cast<std::size_t>(run.opt->slots) / 4);
    ops_on_ = ops_off_ = 0;
    rounds_on_ = rounds_off_ = 0;
  }
  void before_round(Run& run) override {
    v2_ = run.round % 2 == 1;
    hak::set_pool_v2(v2_);
    ops_before_ = ops_now(run);
  }
  void thread_main(Worker& w) override {
    ToolArray<Block> slots(static_cast<std::size_t>(w.run->opt->slots) / 2);
    while (!w.stopping()) {
      Block& b = slots[w.rng.below(slots.size())];
      if (w.rng.one_in(4)) {
        b = shared_.exchange(w.rng.below(shared_.size()), b);
      } else if (b) {
        free_block(w, &b);
      } else {
        alloc_block(w, w.rng.one_in(8) ? std::size_t{1} << w.rng.range(11, 15) : mid_size(w.rng), &b);
      }
    }
    free_all(w, slots);
  }
  void after_round(Run& run) override {
    const uint64_t d = ops_now(run) - ops_before_;
    (v2_ ? ops_on_ : ops_off_) += d;
    ++(v2_ ? rounds_on_ : rounds_off_);
  }
  void teardown(Run& run) override {
    shared_.free_all(run.coordinator);
    hak::set_pool_v2(false);
  }
  void finish(Run& run, char* note, std::size_t n) override {
    if (!run.target->hakmem) return;
    const int len = std::snprintf(note, n, "v2 off: %d rounds %.2f Mops, on: %d rounds %.2f Mops", rounds_off_,
                                  ops_off_ / 1e6, rounds_on_, ops_on_ / 1e6);
    // The seed's Phase 29 lesson: show the gated path ran. Only possible when its counters exist.
    uint64_t v2 = 0;
    if (hak::stats_family_sum("POOL_HOTBOX_V2_STATS", &v2) && len > 0 && static_cast<std::size_t>(len) < n) {
      std::snprintf(note + len, n - static_cast<std::size_t>(len), ", v2 counters %llu",
                    static_cast<unsigned long long>(v2));
      if (v2 == 0 && rounds_on_ > 0 && run.violations.load() == 0) {
        violation(run.rc, Check::NotExercised, -1, "pool v2 was on for %d rounds but its counters stayed 0",
                  rounds_on_);
      }
    }
  }

 private:
  static uint64_t ops_now(const Run& run) { return run.ops(); }

  SharedSlots shared_;
  bool v2_ = false;
  uint64_t ops_before_ = 0;
  double ops_on_ = 0, ops_off_ = 0;
  int rounds_on_ = 0, rounds_off_ = 0;
};

}  // namespace

Workload& mid_pool_workload() {
  static MidPool w;
  return w;
}

}  // namespace stress
