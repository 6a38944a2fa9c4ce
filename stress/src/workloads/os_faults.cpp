// os-faults (hakmem only): hak_os_fault_inject(0, k) makes every k-th OS map fail. In fault
// rounds (even) every NULL must come with errno ENOMEM and nothing may crash or be corrupted;
// in the rounds between (faults off) every allocation must succeed again (recovery). At the end
// the usual audit proves nothing leaked: zero live blocks after quiescence, footprint bounded.
// The run fails if no map failure was ever injected: then it proved nothing (invariant 8).
#include <cstdio>

#include "sizes.h"
#include "workloads/common.h"
#include "workloads/registry.h"

namespace stress {
namespace {

constexpr uint64_t kEvery[] = {2, 3, 5, 8};

class OsFaults final : public Workload {
 public:
  const char* name() const override { return "os-faults"; }
  const char* describe() const override {
    return "every k-th OS map fails: NULL with ENOMEM, no crash, no leak, recovery after";
  }
  const char* skip_reason(const Target& t) const override {
    return t.hakmem ? nullptr : "needs --target=hakmem (hak_os_fault_inject)";
  }
  bool steady() const override { return false; }
  void setup(Run&) override {
    hak_heap_report r{};
    failures_before_ = hak::heap_check(&r) ? r.os_map_failures : 0;
  }
  void before_round(Run& run) override {
    const bool faults = run.round % 2 == 0;
    hak::os_fault_inject(0, faults ? kEvery[(run.round / 2) % 4] : 0);
    run.faults_injected.store(faults);
  }
  void thread_main(Worker& w) override {
    ToolArray<Block> slots(static_cast<std::size_t>(w.run->opt->slots));
    while (!w.stopping()) {
      Block& b = slots[w.rng.below(slots.size())];
      if (b && w.rng.one_in(6)) {
        realloc_block(w, &b, size(w.rng));
      } else if (b) {
        free_block(w, &b);
      } else {
        const auto roll = w.rng.below(16);
        AllocRequest q{size(w.rng)};
        if (roll == 0) q.api = Api::Calloc;
        if (roll == 1) {
          q.api = Api::PosixMemalign;
          q.align = std::size_t{1} << w.rng.range(5, 12);
        }
        alloc_block(w, q, &b);
      }
    }
    free_all(w, slots);
  }
  void teardown(Run& run) override {
    hak::os_fault_inject(0, 0);
    run.faults_injected.store(false);
  }
  void finish(Run& run, char* note, std::size_t n) override {
    hak_heap_report r{};
    if (!hak::heap_check(&r)) return;
    const uint64_t failures = r.os_map_failures - failures_before_;
    const uint64_t nulls = run.enomem_results.load();
    std::snprintf(note, n, "%llu map failures injected, %llu NULL+ENOMEM results",
                  static_cast<unsigned long long>(failures), static_cast<unsigned long long>(nulls));
    if ((failures == 0 || nulls == 0) && run.violations.load() == 0) {
      violation(run.rc, Check::NotExercised, -1,
                "fault injection never bit: %llu map failures, %llu NULL results in %d rounds",
                static_cast<unsigned long long>(failures), static_cast<unsigned long long>(nulls), run.round.load());
    }
  }

 private:
  // Large and mid requests need fresh maps often; tiny ones when a new superslab is due.
  static std::size_t size(Rng& r) {
    const auto roll = r.below(100);
    return roll < 50 ? tiny_size(r) : roll < 75 ? mid_size(r) : large_size(r, 2 << 20);
  }
  uint64_t failures_before_ = 0;
};

}  // namespace

Workload& os_faults_workload() {
  static OsFaults w;
  return w;
}

}  // namespace stress
