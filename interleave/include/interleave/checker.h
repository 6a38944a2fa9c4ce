// The public face of the interleaving checker.
//
// A Test describes a small concurrent scenario: setup() on the main context, thread(t) on
// logical thread t (a fiber), invariant() after every step, finish() at quiescence. explore()
// runs it under a strategy many times and returns the first failure with a replayable
// schedule.
//
// Thread bodies must not own heap memory in their frames: a failing run abandons the fibers
// without unwinding (allocator code is noexcept, so exceptions cannot be used), so keep
// per-run state in the Test object.
#pragma once
#include <cstdint>
#include <string>

#include "interleave/failure.h"

namespace interleave {

class Test {
 public:
  virtual ~Test() = default;
  virtual std::string name() const = 0;
  virtual int threads() const = 0;
  virtual void setup() {}
  virtual void thread(int tid) = 0;
  virtual void invariant() {}
  virtual void finish() {}
};

enum class StrategyKind : std::uint8_t { kRandom, kPct, kDfs, kReplay, kExhaustive };

struct Options {
  StrategyKind strategy = StrategyKind::kRandom;
  std::uint64_t seed = 1;           // random / PCT: run i uses seed + i
  std::uint64_t max_runs = 1000;    // DFS stops earlier when exhausted
  int pct_depth = 3;
  int preemption_bound = 2;
  std::uint32_t max_steps = 20000;  // per run; more is reported as a livelock
  bool aba_fatal = true;            // false: ABA events are only counted (benign CAS sites)
  // Weak-memory tier: relaxed/acquire loads (not RMWs, not seq_cst) may return any of the last
  // few stores that happens-before and coherence allow; the choice is part of the schedule.
  bool weak_memory = false;
  // OS faults as schedule choices: while fewer than this many OS calls (commit, map, remap of a
  // hakmem OsLayer wired to os_fault_oracle) have failed in the run, each one is a decision of
  // the strategy ('S' succeeds, 'F' fails in the schedule string). 0: every OS call succeeds.
  std::uint32_t os_faults = 0;
  // Weak tier with every store of the run kept (not the last 4): a load may read any store
  // that coherence and happens-before allow. kExhaustive turns it (and weak_memory) on.
  bool full_history = false;
  // With full_history: a store or RMW also chooses its place in the location's modification
  // order (every place coherence and RMW atomicity allow, not only after the newest), and a
  // failed CAS may read any visible store: RC11's rf x mo branching. kExhaustive turns it on
  // (its quirk interleaving_mo turns it off).
  bool free_mo = false;
  // kExhaustive: sleep-set reduction, --shard I/N, quirks (see strategy.h), time budget.
  bool reduction = true;
  int shard_index = 0, shard_count = 1, shard_depth = 6;
  std::uint32_t exhaustive_quirks = 0;
  bool mo_deepening = false;  // kExhaustive: see ExhaustiveConfig::mo_deepening
  double max_seconds = 0;  // 0: no time budget
  bool stop_on_failure = true;
  bool quiet = false;               // do not print the failure report
  std::string schedule;             // kReplay: the schedule string printed by a failure
};

struct Result {
  bool failed = false;
  Failure failure;
  std::string test;
  std::string strategy;
  std::uint64_t seed = 0;          // seed of the failing run (random/PCT)
  std::uint64_t runs = 0;          // runs executed
  std::uint64_t failing_run = 0;   // 1-based index of the first failing run
  std::uint64_t failures = 0;      // failing runs (when not stopping at the first)
  bool exhausted = false;          // DFS explored its whole bounded tree
  std::uint64_t aba_events = 0;
  std::uint64_t steps = 0;         // scheduling points over all runs
  std::uint64_t executions = 0;    // exhaustive: complete runs this shard counts
  std::string stats;               // exhaustive: the strategy's extra counts
  double seconds = 0;              // wall time of explore()
  std::string schedule;            // replayable schedule of the failing run
  std::string report() const;      // multi-line, names everything needed to replay
  std::string summary() const;     // one line
  // Exhaustive: "exhaustive: N executions, F failures, complete (...)" or "... stopped by ...".
  std::string exhaustive_line() const;
};

// Runs `test` under `options`. When the environment has INTERLEAVE_REPLAY=<test name>=<schedule>
// and the name matches, the run replays that schedule instead (that is how a failure printed
// by a gtest is reproduced in the same binary).
Result explore(Test& test, const Options& options);

// One run of `test` under a caller's strategy (e.g. a fuzzer decoding its input into
// choices). Fills failure and schedule like explore(); never prints.
class Strategy;
Result run_once(Test& test, Strategy& strategy, const Options& options);

// Inside a test: report `invariant` violated unless `ok`. In a logical thread or invariant()
// this ends the run (it does not return); in setup()/finish() it records and returns false.
bool check_failed(const char* invariant, const void* address);
inline bool check(bool ok, const char* invariant, const void* address = nullptr) {
  return ok || check_failed(invariant, address);  // invariants run at every step: keep it cheap
}

// Report a failure of any kind (e.g. kLinearizability from finish()). Same control flow as
// check(): from a logical thread it ends the run.
void report(FailureKind kind, const std::string& what, const void* address = nullptr);

// Mark [p, p+n) freed: a Plain access or atomic write to it is reported as use after free.
void poison(const void* p, std::size_t n);
void unpoison(const void* p, std::size_t n);

// Is the weak-memory tier on for the current (or last) run?
bool weak_memory() noexcept;

// The running logical thread (-1 on the main context) and the current step.
int current_thread() noexcept;
std::uint32_t current_step() noexcept;

// Run-length encoding of a per-step choice string ("0001112" <-> "0x3.1x3.2").
std::string encode_schedule(const std::string& choices);
bool decode_schedule(const std::string& text, std::string& choices);

}  // namespace interleave
