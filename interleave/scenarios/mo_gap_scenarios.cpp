// A shape only a modification order that no interleaving has can break (2+2W): two writers
// store a pair of relaxed words in opposite orders, and the check says the pair never ends as
// (x=1, y=1). Every run of the fiber engine keeps mo = interleaving order, so every strategy
// (exhaustive too) passes it; RC11 allows the outcome (litmus 2p2W_rlx of interleave-rc11
// finds it, and forbids it with seq_cst stores, 2p2W_sc). Kept as a scenario, not a decoy, so
// the gap stays visible: ctest exhaustive.gap.mo_two_writers expects a clean complete run and
// fails the day the engine explores such orders (then it becomes a decoy test).
#include <atomic>
#include <memory>

#include "interleave/checked_atomics.h"
#include "interleave/registry.h"

namespace interleave {
namespace {

class TwoWritersTest : public Test {
 public:
  std::string name() const override { return "mo.two_writers_rlx.2t"; }
  int threads() const override { return 2; }
  void setup() override {
    x_.store(0);
    y_.store(0);
  }
  void thread(int t) override {
    auto& first = t == 0 ? x_ : y_;
    auto& second = t == 0 ? y_ : x_;
    first.store(1, std::memory_order_relaxed);
    second.store(2, std::memory_order_relaxed);
  }
  void finish() override {
    check(!(x_.peek() == 1 && y_.peek() == 1), "2+2W: the pair never ends as x=1, y=1");
  }

 private:
  CheckedAtomics::Atomic<int> x_{0};
  CheckedAtomics::Atomic<int> y_{0};
};

[[maybe_unused]] const bool registered = [] {
  Options o;
  o.strategy = StrategyKind::kDfs;
  o.max_runs = 100000;
  register_scenario({"mo.two_writers_rlx.2t", [] { return std::make_unique<TwoWritersTest>(); }, false, o,
                     "2+2W with relaxed stores: only a non-interleaving mo ends it x=1, y=1 (rc11 finds it)"});
  return true;
}();

}  // namespace
}  // namespace interleave
