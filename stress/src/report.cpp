#include "report.h"

#include <cstdio>

#include "runner.h"
#include "workload.h"

namespace stress {
namespace {
constexpr double kMiB = 1 << 20;

// "12.3 M" style rates and counts keep the table narrow.
void human(char* buf, std::size_t n, double v) {
  if (v >= 1e9) {
    std::snprintf(buf, n, "%.2f G", v / 1e9);
  } else if (v >= 1e6) {
    std::snprintf(buf, n, "%.2f M", v / 1e6);
  } else if (v >= 1e3) {
    std::snprintf(buf, n, "%.1f k", v / 1e3);
  } else {
    std::snprintf(buf, n, "%.0f", v);
  }
}
}  // namespace

void print_progress(const Run& run, double elapsed, double ops_per_s, uint64_t rss) {
  char rate[32];
  human(rate, sizeof rate, ops_per_s);
  char mapped[48] = "";
  if (run.target->hakmem) {
    std::snprintf(mapped, sizeof mapped, "  mapped %.1f MiB",
                  static_cast<double>(run.last_mapped.load(std::memory_order_relaxed)) / kMiB);
  }
  std::printf("  [%7.1fs] %-14s round %-4d %9sops/s  live %7.1f MiB (peak %.1f)  rss %.1f MiB%s\n", elapsed,
              run.workload->name(), run.round.load(), rate,
              static_cast<double>(run.live_bytes.load(std::memory_order_relaxed)) / kMiB,
              static_cast<double>(run.peak_live_bytes.load(std::memory_order_relaxed)) / kMiB,
              static_cast<double>(rss) / kMiB, mapped);
  std::fflush(stdout);
}

void print_summary(const Result* results, std::size_t n) {
  std::printf("\n%-14s %-7s %7s %8s %12s %11s %10s  %-6s %s\n", "workload", "target", "threads", "seconds", "ops",
              "ops/s", "violations", "status", "notes");
  uint64_t total_violations = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Result& r = results[i];
    char ops[32], rate[32];
    human(ops, sizeof ops, static_cast<double>(r.ops));
    human(rate, sizeof rate, r.seconds > 0 ? static_cast<double>(r.ops) / r.seconds : 0);
    std::printf("%-14s %-7s %7d %8.2f %12s %11s %10llu  %-6s %s\n", r.workload, r.target, r.threads, r.seconds, ops,
                rate, static_cast<unsigned long long>(r.violations), r.status, r.note);
    total_violations += r.violations;
  }
  std::printf("%s: %llu violation(s) in %zu workload(s)\n", total_violations ? "FAILED" : "OK",
              static_cast<unsigned long long>(total_violations), n);
  std::fflush(stdout);
}

}  // namespace stress
