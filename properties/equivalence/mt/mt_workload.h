// A multi-threaded workload for the equivalence check: three logical threads (fibers of the
// interleaving checker) allocate, free locally, free each other's blocks remotely through a
// mailbox, flush, drain the spill queue and exit, under one fixed schedule (the checker's
// random strategy with a given seed, one run). Allocator<Config<M, CheckedAtomics,
// FiberContext, RecordingTrace>>; telemetry is not a scheduling point, so equal behaviour
// means an equal schedule and an equal trace.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hakmem/core/allocator.h"
#include "hakmem/core/stats.h"
#include "hakmem_ops/decode.h"
#include "interleave/checked_atomics.h"
#include "interleave/checker.h"
#include "interleave/fiber_context.h"

namespace hakmem_equiv {

struct MtResult {
  std::vector<hakmem::TraceEvent> trace;
  std::uint64_t family_total[hakmem::kFlagCount] = {};
  std::string failure;  // the checker's report, if a run failed
};

inline constexpr int kMtThreads = 3;
// Per thread: mostly 1 KiB blocks, enough of them to overflow that class's first front capacity.
inline constexpr int kMtSlots = 3 * static_cast<int>(hakmem::kFrontCapacity[hakmem::kTinyClassCount - 1]);
inline constexpr int kMtSteps = 4 * kMtSlots;  // ops per thread: allocation-heavy first half, free-heavy second

template <std::uint32_t M, class Quirks = hakmem::NoQuirks>
class MtWorkload : public interleave::Test {
 public:
  using Alloc = hakmem::Allocator<hakmem::Config<M, interleave::CheckedAtomics, interleave::FiberContext,
                                                 hakmem::RecordingTrace, Quirks>>;
  explicit MtWorkload(std::uint64_t seed) : seed_(seed) {}
  ~MtWorkload() override { alloc_.reset(); }

  std::string name() const override { return "equivalence.mt"; }
  int threads() const override { return kMtThreads; }

  void setup() override {
    alloc_.reset();
    hakmem::Options o;
    o.arena_bytes = std::size_t{64} << 20;
    o.spill_target = 6;  // flow control engages within a few frees
    alloc_.emplace(o);
    for (auto& row : slot_) for (void*& p : row) p = nullptr;
    for (auto& m : mailbox_) m.store(0, std::memory_order_relaxed);
  }

  void thread(int t) override {
    Alloc& a = *alloc_;
    std::uint64_t r = seed_ * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(t) + 1;
    for (int step = 0; step < kMtSteps; ++step) {
      r ^= r << 13, r ^= r >> 7, r ^= r << 17;  // xorshift: the op stream of thread t
      const int s = static_cast<int>(r % kMtSlots);
      void*& p = slot_[t][s];
      unsigned op = (r >> 8) % 8;
      if (step < kMtSteps / 2 && (op == 3 || op == 6)) op = 0;  // first half: fill up
      if (step >= kMtSteps / 2 && op < 3) op = 3;  // second half: frees overflow the front cache
      switch (op) {
        case 0: case 1: case 2:  // allocate: mostly 1024 B (the smallest front cache), some of any size
          if (!p) p = a.malloc((r >> 16) % 4 ? 1024
                                             : hakmem_ops::biased_size(static_cast<std::uint8_t>(r >> 20) % 6,
                                                                       static_cast<std::uint8_t>(r >> 24),
                                                                       static_cast<std::uint16_t>(r >> 32)));
          break;
        case 3:  // free locally
          a.free(p);
          p = nullptr;
          break;
        case 4: {  // hand a block to the next thread's mailbox (it frees it remotely)
          // Release/acquire through a checked atomic: the hand-over is what orders the two
          // threads' accesses to the block, for the checker as for real threads. Thread t is
          // the mailbox's only writer of a block, so a load and a store suffice.
          auto& m = mailbox_[(t + 1) % kMtThreads];
          if (p && m.load(std::memory_order_relaxed) == 0) {
            m.store(reinterpret_cast<std::uintptr_t>(p), std::memory_order_release);
            p = nullptr;
          }
          break;
        }
        case 5:  // free whatever another thread handed over (taken first: free may switch threads)
          a.free(reinterpret_cast<void*>(mailbox_[t].exchange(0, std::memory_order_acquire)));
          break;
        case 6:
          if (r & (1u << 20)) a.thread_flush(); else a.drain_spill();
          break;
        default:  // second half: a burst frees every block of the thread, as batch-freeing
                  // programs do, overflowing the front cache whatever its capacity grew to
          if (step >= kMtSteps / 2)
            for (void*& q : slot_[t]) {
              a.free(q);
              q = nullptr;
            }
          break;
      }
    }
    for (void*& p : slot_[t]) {
      a.free(p);
      p = nullptr;
    }
    a.thread_exit();
  }

  void finish() override {
    Alloc& a = *alloc_;
    for (auto& m : mailbox_) a.free(reinterpret_cast<void*>(m.exchange(0, std::memory_order_acquire)));
    a.quiesce();
    hak_heap_report r;
    if (a.check(&r) != 0 || r.tiny_live_blocks || r.pool_live_blocks || r.large_live_blocks)
      interleave::report(interleave::FailureKind::kInvariant,
                         std::string("heap check after the run: ") + r.first_error + ", live " +
                             std::to_string(r.tiny_live_blocks + r.pool_live_blocks + r.large_live_blocks));
    a.record_final_state();
    result_.trace = a.trace().events;
    for (const hakmem::FlagInfo& f : hakmem::kFlags)
      result_.family_total[f.bit] = hakmem::StatsReader::family_total(a.telemetry(), static_cast<hakmem::Flag>(f.bit));
  }

  MtResult run() {
    interleave::Options opt;
    opt.strategy = interleave::StrategyKind::kRandom;
    opt.seed = seed_;
    opt.max_runs = 1;
    opt.quiet = true;
    const interleave::Result res = interleave::explore(*this, opt);
    if (res.failed) result_.failure = res.report();
    return result_;
  }

 private:
  std::uint64_t seed_;
  std::optional<Alloc> alloc_;
  void* slot_[kMtThreads][kMtSlots] = {};
  interleave::CheckedAtomics::Atomic<std::uintptr_t> mailbox_[kMtThreads];
  MtResult result_;
};

}  // namespace hakmem_equiv
