// A shape only a modification order that no interleaving has can break (2+2W): two writers
// store a pair of relaxed words in opposite orders, and the check says the pair never ends as
// (x=1, y=1). RC11 allows that outcome (litmus 2p2W_rlx of interleave-rc11; seq_cst stores
// forbid it, 2p2W_sc), so the check is wrong on purpose, like a decoy's: the exhaustive
// strategy, whose stores choose their place in mo, must report it (ctest
// exhaustive.mo.two_writers_rlx.2t), and with mo = execution order (quirk interleaving_mo, the
// engine before free mo) every strategy passes it.
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
  register_scenario({"mo.two_writers_rlx.2t", [] { return std::make_unique<TwoWritersTest>(); }, true, o,
                     "2+2W with relaxed stores: only a non-interleaving mo ends it x=1, y=1"});
  return true;
}();

}  // namespace
}  // namespace interleave
