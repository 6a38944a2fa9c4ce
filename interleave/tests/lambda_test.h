// A Test assembled from lambdas, for the checker's own small tests.
#pragma once
#include <functional>
#include <string>
#include <utility>

#include "interleave/checker.h"

namespace interleave::testing {

struct LambdaTest : Test {
  std::string test_name;
  int n = 2;
  std::function<void()> on_setup = [] {};
  std::function<void(int)> body = [](int) {};
  std::function<void()> on_invariant = [] {};
  std::function<void()> on_finish = [] {};

  std::string name() const override { return test_name; }
  int threads() const override { return n; }
  void setup() override { on_setup(); }
  void thread(int t) override { body(t); }
  void invariant() override { on_invariant(); }
  void finish() override { on_finish(); }
};

inline Options dfs(int bound, std::uint64_t runs = 100000) {
  Options o;
  o.strategy = StrategyKind::kDfs;
  o.preemption_bound = bound;
  o.max_runs = runs;
  return o;
}

// Every execution, no budget, no report printed (the exhaustive tests).
inline Options exhaustive(std::uint32_t quirks = 0) {
  Options o;
  o.strategy = StrategyKind::kExhaustive;
  o.max_runs = ~std::uint64_t{0};
  o.exhaustive_quirks = quirks;
  o.quiet = true;
  return o;
}

// One replay of a schedule string a failure printed.
inline Options replay_of(const std::string& schedule) {
  Options o;
  o.strategy = StrategyKind::kReplay;
  o.schedule = schedule;
  o.max_runs = 1;
  o.quiet = true;
  return o;
}

inline Options quiet(Options o) {
  o.quiet = true;
  return o;
}

}  // namespace interleave::testing
