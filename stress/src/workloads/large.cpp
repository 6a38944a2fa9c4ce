// large: blocks from just above the pool to 8 MiB, mapped on their own: allocation, realloc
// that grows and shrinks them, and frees by other threads through a shared array. Filling is
// sparse above 64 KiB (pattern.h) but touches every page.
#include "sizes.h"
#include "workloads/common.h"
#include "workloads/registry.h"

namespace stress {
namespace {

constexpr std::size_t kPerThread = 6;

std::size_t big_size(Rng& r) {
  std::size_t s = std::size_t{1} << r.range(15, 22);  // 32 KiB .. 4 MiB, then up to twice that
  s += r.below(s);
  if (r.one_in(4)) s = (s + 4095) & ~std::size_t{4095};  // exact page multiples
  return s < kMidMax + 1 ? kMidMax + 1 : s;
}

class Large final : public Workload {
 public:
  const char* name() const override { return "large"; }
  const char* describe() const override { return "large blocks (32 KiB..8 MiB): alloc, realloc, remote free"; }
  bool steady() const override { return false; }  // live bytes swing by megabytes
  void setup(Run& run) override { shared_.reset(static_cast<std::size_t>(run.threads) * 2); }
  void thread_main(Worker& w) override {
    ToolArray<Block> mine(kPerThread);
    while (!w.stopping()) {
      Block& b = mine[w.rng.below(kPerThread)];
      if (!b) {
        alloc_block(w, big_size(w.rng), &b);
      } else if (w.rng.one_in(3)) {
        realloc_block(w, &b, w.rng.one_in(4) ? tiny_size(w.rng) : big_size(w.rng));
      } else if (w.rng.one_in(3)) {
        b = shared_.exchange(w.rng.below(shared_.size()), b);
      } else {
        free_block(w, &b);
      }
    }
    free_all(w, mine);
  }
  void teardown(Run& run) override { shared_.free_all(run.coordinator); }

 private:
  SharedSlots shared_;
};

}  // namespace

Workload& large_workload() {
  static Large w;
  return w;
}

}  // namespace stress
