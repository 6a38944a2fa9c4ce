// interleave-bench: measures the checker against the bars of issue 4 and prints a table.
//   1. Treiber-stack ABA (decoy.treiber_no_tag): runs DFS(pb=2) needs; median runs for random
//      and PCT over 1000 seeds.
//   2. Throughput: runs per second on small 2-3 thread scenarios.
//   3. A correct 3-thread scenario exhausted by DFS at preemption bound 3: time.
//   4. Every decoy: runs each strategy needs (median over seeds for random/PCT).
// Usage: interleave-bench [--seeds N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <tuple>
#include <string>
#include <vector>

#include "interleave/registry.h"

namespace {

using namespace interleave;
using Clock = std::chrono::steady_clock;

// The machine is shared: wall time includes waiting for a CPU, so report CPU time as well.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Result run(const std::string& name, StrategyKind k, std::uint64_t seed, std::uint64_t runs,
           int bound = 2, int depth = 3) {
  const Scenario* sc = find_scenario(name);
  if (!sc) {
    std::fprintf(stderr, "no scenario %s\n", name.c_str());
    std::exit(2);
  }
  Options o = sc->options;
  o.strategy = k;
  o.seed = seed;
  o.max_runs = runs;
  o.preemption_bound = bound;
  o.pct_depth = depth;
  o.quiet = true;
  auto t = sc->make();
  return explore(*t, o);
}

struct Stats {
  double median = 0, p90 = 0, max = 0;
  int missed = 0;
};

// Runs needed to find the bug, over `seeds` seeds (capped at `cap` runs each).
Stats runs_to_find(const std::string& name, StrategyKind k, int seeds, std::uint64_t cap, int depth = 3) {
  std::vector<double> v;
  Stats s;
  for (int i = 0; i < seeds; ++i) {
    const Result r = run(name, k, 1000003ull * static_cast<std::uint64_t>(i + 1), cap, 2, depth);
    if (!r.failed) ++s.missed;
    v.push_back(r.failed ? static_cast<double>(r.failing_run) : static_cast<double>(cap));
  }
  std::sort(v.begin(), v.end());
  s.median = v[v.size() / 2];
  s.p90 = v[v.size() * 9 / 10];
  s.max = v.back();
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int seeds = 1000;
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], "--seeds")) seeds = std::atoi(argv[++i]);

  std::printf("== Bar 1: 2-thread Treiber-stack ABA (classic: no length; no_tag: spill-stack shape)\n");
  std::printf("%-34s %-12s %10s %10s %10s %8s\n", "scenario", "strategy", "median", "p90", "max", "missed");
  for (const char* name : {"decoy.treiber_classic", "decoy.treiber_classic.noaba", "decoy.treiber_no_tag",
                           "decoy.treiber_no_tag.noaba"}) {
    const Result d = run(name, StrategyKind::kDfs, 0, 100000, 2);
    std::printf("%-34s %-12s %10llu %10s %10s %8s   (%s)\n", name, "dfs(pb=2)",
                static_cast<unsigned long long>(d.failing_run), "-", "-", d.failed ? "0" : "1",
                d.failed ? to_string(d.failure.kind) : "missed");
    for (auto [k, label, depth] : {std::tuple{StrategyKind::kRandom, "random", 3},
                                   std::tuple{StrategyKind::kPct, "pct(d=2)", 2},
                                   std::tuple{StrategyKind::kPct, "pct(d=3)", 3}}) {
      const Stats s = runs_to_find(name, k, seeds, 100000, depth);
      std::printf("%-34s %-12s %10.0f %10.0f %10.0f %8d   (%d seeds)\n", name, label, s.median, s.p90,
                  s.max, s.missed, seeds);
    }
  }

  std::printf("\n== Bar 2: throughput (random strategy, no failure)\n");
  std::printf("%-34s %10s %12s %12s %12s %10s\n", "scenario", "runs", "runs/s wall", "runs/s cpu", "steps/run",
              "threads");
  for (const char* name : {"spill.push_pop.2t", "spill.pop_reuse.2t", "remote.1p.2t", "spill.mixed.3t",
                           "remote.2p.3t"}) {
    const std::uint64_t n = 200000;
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    const Result r = run(name, StrategyKind::kRandom, 42, n);
    const double cpu = cpu_seconds() - c0;
    const double sec = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("%-34s %10llu %12.0f %12.0f %12.1f %10d%s\n", name, static_cast<unsigned long long>(r.runs),
                static_cast<double>(r.runs) / sec, static_cast<double>(r.runs) / cpu,
                static_cast<double>(r.steps) / static_cast<double>(r.runs),
                find_scenario(name)->make()->threads(), r.failed ? "  FAILED" : "");
  }

  std::printf("\n== Bar 3: correct 3-thread scenarios exhausted by DFS\n");
  std::printf("%-34s %-10s %10s %10s %10s %10s\n", "scenario", "bound", "runs", "wall s", "cpu s", "exhausted");
  for (const char* name : {"spill.mixed.3t", "spill.flow.3t", "remote.2p.3t", "spill.observed.3t"})
    for (int bound : {2, 3}) {
      const auto t0 = Clock::now();
      const double c0 = cpu_seconds();
      const Result r = run(name, StrategyKind::kDfs, 0, 50000000, bound);
      const double cpu = cpu_seconds() - c0;
      const double sec = std::chrono::duration<double>(Clock::now() - t0).count();
      std::printf("%-34s %-10d %10llu %10.3f %10.3f %10s%s\n", name, bound, static_cast<unsigned long long>(r.runs),
                  sec, cpu, r.exhausted ? "yes" : "no", r.failed ? "  FAILED" : "");
    }

  std::printf("\n== Decoys: runs to the first report (random/PCT: median over %d seeds)\n", seeds / 10);
  std::printf("%-38s %10s %10s %10s %10s  %s\n", "decoy", "dfs(pb=2)", "random", "pct(d=2)", "pct(d=3)", "reported as");
  for (const Scenario& sc : scenarios()) {
    if (!sc.decoy) continue;
    const Result d = run(sc.name, StrategyKind::kDfs, 0, 100000, 2);
    const Stats r = runs_to_find(sc.name, StrategyKind::kRandom, seeds / 10, 100000);
    const Stats p2 = runs_to_find(sc.name, StrategyKind::kPct, seeds / 10, 100000, 2);
    const Stats p3 = runs_to_find(sc.name, StrategyKind::kPct, seeds / 10, 100000, 3);
    std::printf("%-38s %10llu %10.0f %10.0f %10.0f  %s\n", sc.name.c_str(),
                static_cast<unsigned long long>(d.failing_run), r.median, p2.median, p3.median,
                d.failed ? to_string(d.failure.kind) : "MISSED by dfs");
  }
  return 0;
}
