// Runs one workload: rounds of fresh threads, the monitor (RSS bound, progress lines), the
// per-round and final heap audits. See workload.h for the round protocol.
#pragma once
#include <cstdint>

#include "cli.h"
#include "target.h"
#include "workload.h"

namespace stress {

struct Result {
  const char* workload = "";
  const char* target = "";
  int threads = 0;
  int rounds = 0;
  double seconds = 0;  // time spent in rounds (excludes setup and the final audit)
  uint64_t ops = 0;    // allocations + frees (+ reallocs, forks... as the workload counts)
  uint64_t violations = 0;
  const char* status = "";  // PASS, FAIL or SKIP
  char note[240] = "";
};

Result run_workload(Workload& w, const Options& opt, const Target& target);

// Monotonic seconds.
double now_seconds();
void sleep_seconds(double s);

}  // namespace stress
