// A workload: what its threads do each round, plus hooks around the rounds.
//
// The runner (runner.cpp) repeats rounds until the time is up: before_round(), start
// `threads` fresh threads running thread_main(), let them run for the round's time, ask them to
// stop, wait until every one has returned from thread_main() and parked (alive but idle),
// at_boundary(), check the heap, let the threads exit, after_round(). Fresh threads every round
// means every workload also exercises thread exit with cached blocks; a workload that wants
// blocks to outlive their threads keeps them in its own shared state.
#pragma once
#include <atomic>
#include <cstdint>

#include "block.h"
#include "cli.h"
#include "live_ranges.h"
#include "rng.h"
#include "target.h"
#include "violation.h"

namespace stress {

struct Run;

// The per-thread state a workload's thread_main() receives.
struct alignas(64) Worker {
  Run* run = nullptr;
  int index = 0;          // 0..threads-1 within the round (-1: the coordinator)
  uint32_t tid = 0;       // unique within the workload run; the owner of its blocks
  Rng rng;
  uint64_t seq = 0;
  int64_t live_pending = 0;  // live-byte delta not yet published
  uint32_t unpublished = 0;
  uint64_t frees = 0;     // for --leak-every
  std::atomic<uint64_t> ops{0};  // cumulative for this slot across rounds; read by the monitor

  bool stopping() const;  // the round is over or the workload failed
  uint64_t new_id() { return (uint64_t{tid} << 40) | ++seq; }
  void count_ops(uint64_t n = 1) { ops.store(ops.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  int64_t report_thread() const { return index < 0 ? -1 : tid; }
};

class Workload {
 public:
  virtual ~Workload() = default;
  virtual const char* name() const = 0;
  virtual const char* describe() const = 0;
  // Why this workload cannot run against `t` in this build (reported as SKIP), or nullptr.
  virtual const char* skip_reason(const Target&) const { return nullptr; }
  // Steady workloads must not grow hakmem's footprint round after round (invariant 7).
  virtual bool steady() const { return true; }
  // The minimum number of threads the workload needs (it raises --threads if fewer).
  virtual int min_threads() const { return 1; }

  virtual void setup(Run&) {}
  virtual void before_round(Run&) {}
  virtual void thread_main(Worker& w) = 0;
  virtual void at_boundary(Run&) {}
  virtual void after_round(Run&) {}
  // Frees every block still held; afterwards the tool holds no block of this workload.
  virtual void teardown(Run&) {}
  // Final checks and a short note for the summary (e.g. how often a gated path ran).
  virtual void finish(Run&, char* note, std::size_t note_size) {
    if (note_size) note[0] = '\0';
  }
};

// Everything one workload run shares between the coordinator, the workers and the monitor.
struct Run {
  const Options* opt = nullptr;
  const Target* target = nullptr;
  Workload* workload = nullptr;
  ReportContext rc;
  LiveRanges ranges;
  uint64_t seed = 0;      // the run seed (as printed)
  uint64_t stream = 0;    // seed mixed with the workload name: per-thread streams derive from it
  int threads = 0;
  std::atomic<int> round{0};  // the monitor reads it while the coordinator advances it
  Worker coordinator;     // used by hooks that allocate or free from the coordinator thread
  Worker* workers = nullptr;  // `threads` slots, reused by each round's threads

  std::atomic<bool> stop_round{false};
  std::atomic<bool> failed{false};
  std::atomic<uint64_t> violations{0};
  std::atomic<int64_t> live_bytes{0};
  std::atomic<int64_t> peak_live_bytes{0};
  // Set by os-faults while failures are injected: NULL with errno ENOMEM is then expected.
  std::atomic<bool> faults_injected{false};
  std::atomic<uint64_t> enomem_results{0};
  // Last mapped_bytes seen at a round boundary (hakmem), for progress lines.
  std::atomic<uint64_t> last_mapped{0};

  // Operations so far (cumulative over rounds; any thread may read it).
  uint64_t ops() const {
    uint64_t n = coordinator.ops.load(std::memory_order_relaxed);
    for (int i = 0; i < threads; ++i) n += workers[i].ops.load(std::memory_order_relaxed);
    return n;
  }

  // A fresh random stream for the hook or thread identified by `salt`.
  Rng rng_for(uint64_t salt) const { return Rng(mix64(stream ^ mix64(salt))); }
};

inline bool Worker::stopping() const {
  return run->stop_round.load(std::memory_order_relaxed) || run->failed.load(std::memory_order_relaxed);
}

}  // namespace stress
