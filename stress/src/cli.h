// Command line of hakmem-stress.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace stress {

struct Options {
  std::vector<std::string> workloads;  // resolved names, in run order
  int threads = 4;
  double seconds = 5.0;                // per workload
  uint64_t seed = 0;
  bool seed_given = false;
  std::string target = "hakmem";
  double round_seconds = 0;            // 0 = auto: seconds/10 clamped to [0.05, 1]
  double progress_seconds = 5.0;       // 0 = no progress lines
  int slots = 512;                     // live blocks per thread in slot-based workloads
  double rss_factor = 4.0;             // RSS bound: baseline + factor * peak live + slack
  double rss_slack_mib = 128;
  double mapped_factor = 3.0;          // hakmem bound: mapped <= factor * peak live + slack
  double mapped_slack_mib = 64;
  double fork_timeout = 0;             // fork: seconds before a child counts as hung (0 = 10, 60 sanitized)
  bool keep_going = false;             // run the remaining workloads after a failing one
  uint64_t leak_every = 0;             // test the footprint checks: every N-th free is skipped (0 = off)
  bool list = false;
};

// Parses argv. On a bad argument prints one error line and the usage line to stderr and
// returns false (the caller exits 2). --help prints usage to stdout and exits 0.
bool parse_options(int argc, char** argv, Options* o);
void print_usage(FILE* f);

}  // namespace stress
