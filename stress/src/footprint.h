// Invariant 7: memory stays bounded.
//
// Two measures:
//  - RSS (any target): sampled every 20 ms by the monitor thread while the workload runs. Bound:
//    RSS <= RSS at workload start + rss_factor * peak live bytes + rss_slack. A leak (e.g. frees
//    that are silently dropped) blows through it within a fraction of a second. Off under
//    sanitizers, whose shadow memory and quarantine dominate RSS.
//  - hakmem's mapped_bytes (hakmem target): read at every round boundary and after the final
//    quiescence. Bound: mapped <= mapped_factor * peak live bytes + mapped_slack. And no creep:
//    in steady workloads the footprint of the last third of the rounds may not exceed that of
//    the first third by more than 25% + 8 MiB, plus mapped_factor times whatever the peak of
//    live bytes grew by in between (a workload whose queues fill up slowly, as remote-free's
//    do under TSan, needs more memory later for more live blocks; that is not creep).
#pragma once
#include <cstddef>
#include <cstdint>

#include "tool_memory.h"

namespace stress {

struct Run;

// Resident set size of this process in bytes (0 if /proc is unreadable). No malloc.
uint64_t current_rss();

// Built with a sanitizer (the CMake preset defines STRESS_SANITIZER).
bool built_with_sanitizer();

class FootprintTracker {
 public:
  explicit FootprintTracker(Run& run);
  bool rss_checked() const { return rss_checked_; }
  // Monitor thread: checks one RSS sample against the bound; returns the sample.
  uint64_t sample_rss();
  // Coordinator: one mapped_bytes sample from a round boundary (or the final audit).
  void sample_mapped(uint64_t mapped, const char* when);
  // After the last round: the creep check.
  void finish();
  uint64_t max_rss_over_baseline() const { return max_rss_over_; }

 private:
  uint64_t mapped_bound() const;
  Run& run_;
  bool rss_checked_;
  uint64_t rss_baseline_;
  uint64_t max_rss_over_ = 0;
  bool rss_reported_ = false;
  bool mapped_reported_ = false;
  struct Sample {
    uint64_t mapped;
    uint64_t peak_live;  // the run's peak of live bytes when the sample was taken
  };
  ToolArray<Sample> samples_;
  std::size_t nsamples_ = 0;
};

}  // namespace stress
