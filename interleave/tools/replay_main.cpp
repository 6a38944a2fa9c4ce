// interleave-replay: replays a schedule printed by a failure, or explores a named scenario.
//   interleave-replay --list
//   interleave-replay --test NAME --schedule STRING [--weak]   replay one run
//   interleave-replay --test NAME --explore [--strategy dfs|random|pct] [--seed N]
//                     [--runs N] [--depth D] [--bound B] [--weak]
//   interleave-replay --test NAME --explore --strategy exhaustive [--runs N] [--seconds S]
//                     [--shard I/N] [--shard-depth K] [--no-reduction] [--mo-deepening]
//                     [--quirk NAME]
// --weak turns on the weak-memory tier (scenarios registered with it have it already).
// Exit status: 1 if the checker reported a failure, 0 if not, 2 on usage errors.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "interleave/registry.h"
#include "interleave/strategy.h"

namespace {

// --help prints it to stdout and succeeds; a usage error prints it to stderr (exit 2).
int usage(std::FILE* f = stderr, int status = 2) {
  std::fputs(
      "usage: interleave-replay --list\n"
      "       interleave-replay --test NAME --schedule STRING [--weak]\n"
      "       interleave-replay --test NAME --explore [--strategy dfs|random|pct] [--seed N]\n"
      "                         [--runs N] [--depth D] [--bound B] [--weak]\n"
      "       interleave-replay --test NAME --explore --strategy exhaustive [--runs N]\n"
      "                         [--seconds S] [--shard I/N] [--shard-depth K] [--no-reduction]\n"
      "                         [--mo-deepening]\n"
      "                         [--quirk drop_stale_reads|sleep_ignores_conflicts|shard_overlap|\n"
      "                                  interleaving_mo|floor_own_reads_only|split_rmw|\n"
      "                                  ignore_fences]\n"
      "  --list       the scenarios, [decoy] marks the deliberately broken ones\n"
      "  --schedule   replay the schedule a failure printed\n"
      "  --explore    search new schedules with a strategy (default: the scenario's own)\n"
      "  --weak       turn on the weak-memory tier\n"
      "  exhaustive   every thread at every point, every store a load may read (all stores kept),\n"
      "               every place in modification order a store or RMW may take, sleep sets;\n"
      "               prints 'exhaustive: N executions, F failures, complete' or says\n"
      "               it was stopped. --runs/--seconds are budgets (default: none). --shard I/N\n"
      "               explores the I-th of N disjoint parts. --mo-deepening: the same executions,\n"
      "               those with fewer writes off the top of mo first. --quirk: a broken variant\n"
      "exit status: 0 no failure, 1 the checker reported a failure, 2 bad arguments,\n"
      "             3 exhaustive stopped by its budget (not complete)\n",
      f);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace interleave;
  std::string test, schedule, strategy;
  bool explore_mode = false, list = false, weak_memory = false;
  long long seed = -1, runs = -1, depth = -1, bound = -1, shard_depth = -1;
  int shard_index = 0, shard_count = 1;
  double seconds = 0;
  bool no_reduction = false;
  bool mo_deepening = false;
  std::uint32_t quirks = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--help" || a == "-h") return usage(stdout, 0);
    if (a == "--list") list = true;
    else if (a == "--explore") explore_mode = true;
    else if (a == "--weak") weak_memory = true;
    else if (a == "--test" && (v = value())) test = v;
    else if (a == "--schedule" && (v = value())) schedule = v;
    else if (a == "--strategy" && (v = value())) strategy = v;
    else if (a == "--seed" && (v = value())) seed = std::atoll(v);
    else if (a == "--runs" && (v = value())) runs = std::atoll(v);
    else if (a == "--depth" && (v = value())) depth = std::atoll(v);
    else if (a == "--bound" && (v = value())) bound = std::atoll(v);
    else if (a == "--seconds" && (v = value())) seconds = std::atof(v);
    else if (a == "--shard-depth" && (v = value())) shard_depth = std::atoll(v);
    else if (a == "--no-reduction") no_reduction = true;
    else if (a == "--mo-deepening") mo_deepening = true;
    else if (a == "--shard" && (v = value())) {
      if (std::sscanf(v, "%d/%d", &shard_index, &shard_count) != 2 || shard_count < 1 ||
          shard_index < 0 || shard_index >= shard_count)
        return usage();
    } else if (a == "--quirk" && (v = value())) {
      if (std::strcmp(v, "drop_stale_reads") == 0) quirks |= kQuirkDropStaleReads;
      else if (std::strcmp(v, "sleep_ignores_conflicts") == 0) quirks |= kQuirkSleepIgnoresConflicts;
      else if (std::strcmp(v, "shard_overlap") == 0) quirks |= kQuirkShardOverlap;
      else if (std::strcmp(v, "interleaving_mo") == 0) quirks |= kQuirkInterleavingMo;
      else if (std::strcmp(v, "floor_own_reads_only") == 0) quirks |= kQuirkFloorOwnReadsOnly;
      else if (std::strcmp(v, "split_rmw") == 0) quirks |= kQuirkSplitRmw;
      else if (std::strcmp(v, "ignore_fences") == 0) quirks |= kQuirkIgnoreFences;
      else return usage();
    }
    else return usage();
  }
  if (mo_deepening && shard_count > 1) {
    std::fputs("interleave-replay: --mo-deepening cannot be combined with --shard (each shard would end its rounds alone)\n", stderr);
    return 2;
  }
  if (list) {
    for (const Scenario& s : scenarios())
      std::printf("%-40s %s%s\n", s.name.c_str(), s.decoy ? "[decoy] " : "", s.about.c_str());
    return 0;
  }
  const Scenario* sc = find_scenario(test);
  if (!sc) {
    std::fprintf(stderr, "interleave-replay: no scenario '%s' (try --list)\n", test.c_str());
    return 2;
  }
  Options o = sc->options;
  if (weak_memory) o.weak_memory = true;
  if (!explore_mode) {
    if (schedule.empty()) return usage();
    o.strategy = StrategyKind::kReplay;
    o.schedule = schedule;
    o.max_runs = 1;
  } else {
    if (strategy == "random") o.strategy = StrategyKind::kRandom;
    else if (strategy == "pct") o.strategy = StrategyKind::kPct;
    else if (strategy == "dfs") o.strategy = StrategyKind::kDfs;
    else if (strategy == "exhaustive") {
      o.strategy = StrategyKind::kExhaustive;
      o.max_runs = ~std::uint64_t{0};  // no budget unless --runs or --seconds
    }
    else if (!strategy.empty()) return usage();
    if (seed >= 0) o.seed = static_cast<std::uint64_t>(seed);
    if (runs >= 0) o.max_runs = static_cast<std::uint64_t>(runs);
    if (depth >= 0) o.pct_depth = static_cast<int>(depth);
    if (bound >= 0) o.preemption_bound = static_cast<int>(bound);
    o.max_seconds = seconds;
    o.reduction = !no_reduction;
    o.mo_deepening = mo_deepening;
    o.shard_index = shard_index;
    o.shard_count = shard_count;
    if (shard_depth >= 0) o.shard_depth = static_cast<int>(shard_depth);
    o.exhaustive_quirks = quirks;
  }
  auto t = sc->make();
  const Result r = explore(*t, o);
  if (o.strategy == StrategyKind::kExhaustive)
    std::printf("%s\n", r.exhaustive_line().c_str());
  else
    std::printf("%s\n", r.summary().c_str());
  if (r.failed) return 1;
  return o.strategy == StrategyKind::kExhaustive && !r.exhausted ? 3 : 0;
}
