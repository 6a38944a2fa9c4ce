// Scheduling strategies. The engine asks the strategy at every scheduling point which enabled
// logical thread runs the next operation. A strategy may run many runs; begin_run() returns
// false when it has nothing left (DFS exhausted its tree).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace interleave {

// kThread: which thread runs next. kRead (weak tier): which store a load reads, bit k = the
// k-th newest visible store (bit 0, the newest, is what a sequentially consistent run reads).
// kMo (Options::free_mo): where a store, RMW or CAS goes in modification order (bit k = the
// slot above the k-th newest store; bit 0 on top, as a sequentially consistent run puts it),
// or which stale store a failing CAS reads.
// kFault (Options::os_faults): whether an OS call (commit, map, remap) fails; bit 0 = it
// succeeds (the default choice), bit 1 = it fails.
enum class DecisionKind : std::uint8_t { kThread, kRead, kFault, kMo };

// What a suspended thread does when it runs next, for the exhaustive strategy's sleep sets:
// an atomic load or write (store, RMW, CAS) of `addr`, a pause() (reads the engine's global
// count of value changes, so it conflicts with every write), or unknown (a thread not started
// yet, notify_all: conflicts with everything).
enum class AccessKind : std::uint8_t { kUnknown, kLoad, kWrite, kYield };
struct PendingOp {
  std::uintptr_t addr = 0;
  AccessKind kind = AccessKind::kUnknown;
};

struct Decision {
  std::uint32_t enabled = 0;     // bit t: thread t may run the next operation
  int current = -1;              // the thread that ran the previous operation, -1 at the start
  bool current_yielded = false;  // it reached a pause(): switching away is not a preemption
  std::uint32_t step = 0;        // 0-based index of this decision in the run
  DecisionKind kind = DecisionKind::kThread;
  const PendingOp* pending = nullptr;  // kThread: each thread's next operation
};


// Does running `next` at `d` preempt the current thread?
inline bool is_preemption(const Decision& d, int next) noexcept {
  return d.current >= 0 && next != d.current && (d.enabled >> d.current & 1u) &&
         !d.current_yielded;
}

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual bool begin_run() = 0;
  virtual int pick(const Decision& d) = 0;
  virtual void end_run(std::uint32_t /*steps*/) {}
  // "random", "pct(d=3)", "dfs(pb=2)", "replay"
  virtual std::string name() const = 0;
  // Seed of the current run (random and PCT); 0 for deterministic strategies.
  virtual std::uint64_t run_seed() const { return 0; }
  // True once a DFS has explored every schedule within its bound.
  virtual bool exhausted() const { return false; }
  // Exhaustive: does the run just ended count as one of this shard's executions?
  virtual bool run_counted() const { return true; }
  // Exhaustive: counts beyond runs (sleep-set blocked runs, ...), for the summary.
  virtual std::string stats() const { return {}; }
};

std::unique_ptr<Strategy> make_random(std::uint64_t seed);
std::unique_ptr<Strategy> make_pct(std::uint64_t seed, int depth);
std::unique_ptr<Strategy> make_dfs(int preemption_bound);
// Stateless model checking: every thread at every point, every store a load may read.
struct ExhaustiveConfig {
  bool reduction = true;  // sleep sets
  int shard_index = 0, shard_count = 1;
  int shard_depth = 6;      // shards split the tree at this many branching decisions
  std::uint32_t quirks = 0;  // ExhaustiveQuirk bits: deliberately broken variants
  // Search order: round b explores the executions with at most b writes off the top of mo
  // (kMo choices other than bit 0) and counts those with exactly b; rounds go on until one
  // cuts nothing. The same executions, found in order of how much free mo they need.
  bool mo_deepening = false;
};
enum ExhaustiveQuirk : std::uint32_t {
  kQuirkDropStaleReads = 1,    // never branch on which store a load reads (newest only)
  kQuirkSleepIgnoresConflicts = 2,  // treat every pair of operations as independent
  kQuirkShardOverlap = 4,      // every shard also explores the first subtree
  kQuirkInterleavingMo = 8,    // modification order = execution order (no Options::free_mo)
  kQuirkFloorOwnReadsOnly = 16,  // free mo: coherence ignores other threads' reads that happen-before
  kQuirkSplitRmw = 32,         // free mo: a write may go between an RMW and the store it read
  kQuirkIgnoreFences = 64,     // atomic_thread_fence does nothing
};
std::unique_ptr<Strategy> make_exhaustive(const ExhaustiveConfig& c);
// Follows `choices` (one thread id per scheduling point), then runs without preemption.
std::unique_ptr<Strategy> make_replay(std::string choices);

// A small, fast PRNG (splitmix64) shared by the randomised strategies.
struct SplitMix {
  std::uint64_t s;
  std::uint64_t next() noexcept {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint32_t below(std::uint32_t n) noexcept {
    return static_cast<std::uint32_t>((next() >> 32) * n >> 32);
  }
};

// Set bits of a thread mask (kMaxThreads <= 8; no libgcc call without -mpopcnt).
inline std::uint32_t popcount8(std::uint32_t m) noexcept {
  m = m - ((m >> 1) & 0x55u);
  m = (m & 0x33u) + ((m >> 2) & 0x33u);
  return (m + (m >> 4)) & 0x0Fu;
}

// The n-th (0-based) set bit of mask.
inline int nth_bit(std::uint32_t mask, std::uint32_t n) noexcept {
  for (; n; --n) mask &= mask - 1;
  return __builtin_ctz(mask);
}

// The thread a non-preemptive scheduler runs: the current one if it may continue, else the
// lowest enabled.
inline int default_choice(const Decision& d) noexcept {
  if (d.current >= 0 && (d.enabled >> d.current & 1u) && !d.current_yielded) return d.current;
  return __builtin_ctz(d.enabled);
}

}  // namespace interleave
