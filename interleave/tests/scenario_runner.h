// Runs a registered scenario under the three strategies with budgets that keep the whole
// interleave label fast (smaller under sanitizers), printing every seed.
#pragma once
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "interleave/config.h"
#include "interleave/registry.h"

namespace interleave::testing {

#if defined(INTERLEAVE_SANITIZED)
inline constexpr std::uint64_t kRandomRuns = 300;
// The weak tier's DFS trees reach ~10^6 runs for 3 threads: exhaust them only without
// sanitizers (the release run covers them), sample under them.
inline constexpr std::uint64_t kWeakDfsRuns = 20000;
inline constexpr bool kExpectWeakExhausted = false;
#else
inline constexpr std::uint64_t kRandomRuns = 3000;
inline constexpr std::uint64_t kWeakDfsRuns = 2000000;
inline constexpr bool kExpectWeakExhausted = true;
#endif

// INTERLEAVE_SEED overrides the fixed default so CI can rotate seeds; the seed is printed.
inline std::uint64_t test_seed() {
  const char* s = std::getenv("INTERLEAVE_SEED");
  return s ? std::strtoull(s, nullptr, 0) : 20240601;
}

inline Result run_scenario(const std::string& name, StrategyKind kind, std::uint64_t runs,
                           int bound = 2, bool quiet = false, bool weak_memory = false) {
  const Scenario* sc = find_scenario(name);
  if (!sc) {
    ADD_FAILURE() << "no scenario " << name;
    return {};
  }
  Options o = sc->options;
  o.strategy = kind;
  o.max_runs = runs;
  o.preemption_bound = bound;
  o.seed = test_seed();
  o.quiet = quiet;
  o.weak_memory = o.weak_memory || weak_memory;
  auto t = sc->make();
  const Result r = explore(*t, o);
  std::printf("[interleave] %s\n", r.summary().c_str());
  return r;
}

// A gtest-safe name for a scenario ("spill.push_pop.2t" -> "spill_push_pop_2t").
inline std::string test_name(std::string scenario) {
  for (char& c : scenario)
    if (c == '.') c = '_';
  return scenario;
}

}  // namespace interleave::testing
