// explore(): drives a strategy over many runs of one test and reports the first failure.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "engine.h"
#include "interleave/checker.h"

namespace interleave {
namespace {

std::unique_ptr<Strategy> make_strategy(const Options& o, std::string& error) {
  switch (o.strategy) {
    case StrategyKind::kRandom: return make_random(o.seed);
    case StrategyKind::kPct: return make_pct(o.seed, o.pct_depth);
    case StrategyKind::kDfs: return make_dfs(o.preemption_bound);
    case StrategyKind::kExhaustive:
      // A round ends when it cut nothing, which one shard cannot tell for the others.
      if (o.mo_deepening && o.shard_count > 1) {
        error = "--mo-deepening cannot be combined with --shard (each shard would end its rounds alone)";
        return nullptr;
      }
      return make_exhaustive(
          {o.reduction, o.shard_index, o.shard_count, o.shard_depth, o.exhaustive_quirks, o.mo_deepening});
    case StrategyKind::kReplay: {
      std::string choices;
      if (!decode_schedule(o.schedule, choices)) {
        error = "malformed schedule string '" + o.schedule + "'";
        return nullptr;
      }
      return make_replay(std::move(choices));
    }
  }
  return nullptr;
}

// INTERLEAVE_REPLAY=<test name>=<schedule> turns explore() of that test into a replay.
void apply_replay_env(const std::string& test, Options& o) {
  const char* env = std::getenv("INTERLEAVE_REPLAY");
  if (!env) return;
  const std::string s = env;
  const auto eq = s.rfind('=');
  if (eq == std::string::npos || s.substr(0, eq) != test) return;
  o.strategy = StrategyKind::kReplay;
  o.schedule = s.substr(eq + 1);
  o.max_runs = 1;
  std::fprintf(stderr, "interleave: %s: replaying schedule from INTERLEAVE_REPLAY\n", test.c_str());
}

// Schedules of runs with every store kept start with a mark, so a replay reads the same
// candidates (interleave-replay needs no extra flag to replay an exhaustive failure): "E." when
// writes also chose their place in mo (Options::free_mo), "e." when mo was the execution order.
constexpr const char* kFreeMoMark = "E.";
constexpr const char* kFullHistoryMark = "e.";

const char* schedule_mark(const Options& o) {
  if (!o.full_history) return "";
  return o.free_mo ? kFreeMoMark : kFullHistoryMark;
}

void apply_schedule_mark(Options& o) {
  if (o.strategy == StrategyKind::kExhaustive) {
    o.weak_memory = o.full_history = true;
    o.free_mo = !(o.exhaustive_quirks & kQuirkInterleavingMo);
  }
  if (o.strategy != StrategyKind::kReplay) return;
  const bool free_mo = o.schedule.rfind(kFreeMoMark, 0) == 0;
  if (!free_mo && o.schedule.rfind(kFullHistoryMark, 0) != 0) return;
  o.schedule.erase(0, 2);
  o.weak_memory = o.full_history = true;
  o.free_mo = free_mo;
}

}  // namespace

std::string Result::exhaustive_line() const {
  char timing[96];
  std::snprintf(timing, sizeof timing, "%.2f s, %.0f exec/s", seconds,
                seconds > 0 ? static_cast<double>(executions) / seconds : 0.0);
  std::string s = "exhaustive: " + std::to_string(executions) + " executions, " +
                  std::to_string(failures) + (failures == 1 ? " failure, " : " failures, ");
  if (exhausted)
    s += "complete";
  else if (failed)
    s += "stopped at the first failure (not complete)";
  else
    s += "STOPPED by the budget after " + std::to_string(runs) + " runs (not complete)";
  return s + " (" + timing + "; " + std::to_string(runs) + " runs, " + stats + ") [" + strategy + "]";
}

const char* to_string(FailureKind k) noexcept {
  switch (k) {
    case FailureKind::kInvariant: return "invariant";
    case FailureKind::kDataRace: return "data-race";
    case FailureKind::kAba: return "aba";
    case FailureKind::kUseAfterFree: return "use-after-free";
    case FailureKind::kDeadlock: return "deadlock";
    case FailureKind::kLivelock: return "livelock";
    case FailureKind::kDiverged: return "diverged";
    case FailureKind::kLinearizability: return "linearizability";
    case FailureKind::kAbort: return "abort";
  }
  return "?";
}

std::string Result::summary() const {
  std::string s = test + ": " + strategy + " " + std::to_string(runs) + " runs";
  if (seed || strategy.rfind("random", 0) == 0 || strategy.rfind("pct", 0) == 0)
    s += ", seed " + std::to_string(seed);
  if (exhausted) s += ", exhausted";
  if (aba_events) s += ", " + std::to_string(aba_events) + " ABA events";
  s += failed ? ", FAILED at run " + std::to_string(failing_run) + " (" + to_string(failure.kind) + ")"
              : ", no failure";
  return s;
}

std::string Result::report() const {
  if (!failed) return summary();
  char addr[32] = "-";
  if (failure.address) std::snprintf(addr, sizeof addr, "%p", failure.address);
  std::string r = "interleave: FAILED " + test + " [" + to_string(failure.kind) + "] " + failure.what +
                  "\n  logical thread " + std::to_string(failure.thread) + ", step " +
                  std::to_string(failure.step) + ", address " + addr + "\n  strategy " + strategy +
                  ", seed " + std::to_string(seed) + ", run " + std::to_string(failing_run) +
                  " of " + std::to_string(runs) + "\n  schedule " + schedule +
                  "\n  replay: interleave-replay --test " + test + " --schedule " + schedule +
                  "\n     or: INTERLEAVE_REPLAY='" + test + "=" + schedule + "' <this test binary>\n";
  return r;
}

Result run_once(Test& test, Strategy& strategy, const Options& options) {
  Result r;
  r.test = test.name();
  r.strategy = strategy.name();
  if (!strategy.begin_run()) return r;
  Engine& engine = Engine::instance();
  r.runs = 1;
  r.failed = !engine.run_once(test, strategy, options);
  r.steps = engine.steps();
  r.aba_events = engine.aba_events();
  r.schedule = encode_schedule(engine.choices());
  if (r.failed) {
    r.failures = 1;
    r.failing_run = 1;
    r.failure = engine.failure();
    r.seed = strategy.run_seed();
  }
  return r;
}

Result explore(Test& test, const Options& options) {
  Options o = options;
  Result r;
  r.test = test.name();
  apply_replay_env(r.test, o);
  apply_schedule_mark(o);
  std::string error;
  auto strategy = make_strategy(o, error);
  if (!strategy) {
    r.failed = true;
    r.failure.kind = FailureKind::kDiverged;
    r.failure.what = error;
    std::fprintf(stderr, "interleave: %s\n", error.c_str());
    return r;
  }
  r.strategy = strategy->name();
  r.seed = o.seed;
  Engine& engine = Engine::instance();
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  bool out_of_time = false;
  while (r.runs < o.max_runs && !out_of_time && strategy->begin_run()) {
    ++r.runs;
    const bool ok = engine.run_once(test, *strategy, o);
    r.steps += engine.steps();
    r.aba_events += engine.aba_events();
    if (o.max_seconds > 0 && (r.runs & 255) == 0) out_of_time = elapsed() > o.max_seconds;
    if (!strategy->run_counted()) continue;  // sleep-set blocked or another shard's
    ++r.executions;
    if (ok) continue;
    ++r.failures;
    if (!r.failed) {
      r.failed = true;
      r.failure = engine.failure();
      r.seed = strategy->run_seed();
      r.failing_run = r.runs;
      r.schedule = schedule_mark(o) + encode_schedule(engine.choices());
    }
    if (o.stop_on_failure) break;
  }
  r.exhausted = strategy->exhausted();
  r.seconds = elapsed();
  r.stats = strategy->stats();
  if (r.failed && !o.quiet) std::fputs(r.report().c_str(), stderr);
  return r;
}

}  // namespace interleave
