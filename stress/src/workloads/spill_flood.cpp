// spill-flood: bursts of thousands of same-class tiny frees overflow the front cache (16..128
// slots) and hit the spill queue, whose flow control admits a push only while its length is
// below the target. Rounds alternate: background drainer on (even rounds), off with explicit
// hak_drain_spill() calls (round % 4 == 1), off with no drain at all so the queue saturates
// (round % 4 == 3). At each boundary the spill length must match the stack (invariant 6).
// With --target=system only the bursts run.
#include <cstdio>

#include "heap_audit.h"
#include "sizes.h"
#include "workloads/common.h"
#include "workloads/registry.h"

namespace stress {
namespace {

constexpr std::size_t kMaxBurst = 4096;
constexpr std::size_t kClassSizes[] = {16, 32, 64, 128, 256, 512, 768, 1024};

class SpillFlood final : public Workload {
 public:
  const char* name() const override { return "spill-flood"; }
  const char* describe() const override {
    return "free bursts that overflow the front cache into the spill queue, background drainer on and off";
  }
  void setup(Run&) override {
    max_spill_ = 0;
    bg_rounds_ = 0;
    drain_calls_.store(0);
  }
  void before_round(Run& run) override {
    bg_on_ = run.round % 2 == 0;
    explicit_drains_ = run.round % 4 == 1;
    if (bg_on_) ++bg_rounds_;
    hak::set_bg_spill(bg_on_);
  }
  void thread_main(Worker& w) override {
    ToolArray<Block> burst(kMaxBurst);
    while (!w.stopping()) {
      // One class per burst, sometimes an odd size that rounds up into it.
      const std::size_t cls = w.rng.below(8);
      const std::size_t n = w.rng.range(kMaxBurst / 8, kMaxBurst);
      for (std::size_t i = 0; i < n && !w.stopping(); ++i) {
        std::size_t size = kClassSizes[cls];
        if (w.rng.one_in(4) && cls > 0) size -= w.rng.below(kClassSizes[cls] - kClassSizes[cls - 1]);
        alloc_block(w, size, &burst[i]);
      }
      // Free in a burst, in a random rotation so blocks do not come back in allocation order.
      const std::size_t rot = w.rng.below(n);
      for (std::size_t i = 0; i < n; ++i) {
        Block& b = burst[(i + rot) % n];
        if (b) free_block(w, &b);
      }
      if (explicit_drains_ && w.rng.one_in(2)) {
        hak::drain_spill();
        drain_calls_.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }
  void at_boundary(Run&) override {
    hak::set_bg_spill(false);  // the heap check must not race the drainer
    hak_heap_report r{};
    if (!hak::heap_check(&r)) return;
    for (uint64_t len : r.spill_length) max_spill_ = len > max_spill_ ? len : max_spill_;
    spill_target_ = r.spill_target;
  }
  void teardown(Run&) override { hak::set_bg_spill(false); }
  void finish(Run& run, char* note, std::size_t n) override {
    if (!run.target->hakmem) {
      std::snprintf(note, n, "bursts only (no spill queue to inspect)");
      return;
    }
    std::snprintf(note, n, "spill max %llu/%llu, bg on %d rounds, %llu drains",
                  static_cast<unsigned long long>(max_spill_), static_cast<unsigned long long>(spill_target_), bg_rounds_,
                  static_cast<unsigned long long>(drain_calls_.load()));
    if (max_spill_ == 0 && run.round >= 4 && run.violations.load() == 0) {
      violation(run.rc, Check::NotExercised, -1,
                "the spill queue was empty at every round boundary (%d rounds): bursts never reached it", run.round.load());
    }
  }

 private:
  bool bg_on_ = false;
  bool explicit_drains_ = false;
  int bg_rounds_ = 0;
  uint64_t max_spill_ = 0;
  uint64_t spill_target_ = 0;  // from the heap report
  std::atomic<uint64_t> drain_calls_{0};
};

}  // namespace

Workload& spill_flood_workload() {
  static SpillFlood w;
  return w;
}

}  // namespace stress
