#include "rc11/explore.h"

#include <chrono>
#include <cstdio>

namespace interleave::rc11 {

const char* to_string(Strategy s) { return s == Strategy::brute ? "brute" : "dpor"; }

Result explore(const Program& p, Strategy s, const Options& o) {
  const auto t0 = std::chrono::steady_clock::now();
  Result r = s == Strategy::brute ? explore_brute(p, o) : explore_dpor(p, o);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::string summary(const Result& r, const std::set<std::string>* allowed) {
  std::uint64_t failures = 0;
  if (allowed)
    for (const auto& [outcome, count] : r.outcomes)
      if (!allowed->count(outcome)) failures += count;
  const double per_s = r.seconds > 0 ? static_cast<double>(r.executions) / r.seconds : 0;
  char buf[256];
  if (r.complete)
    std::snprintf(buf, sizeof buf, "%s: exhaustive: %llu executions, %llu failures, complete",
                  to_string(r.strategy), static_cast<unsigned long long>(r.executions),
                  static_cast<unsigned long long>(failures));
  else
    std::snprintf(buf, sizeof buf,
                  "%s: stopped by the budget after %llu executions, %llu failures: NOT exhaustive, "
                  "outcomes may be missing",
                  to_string(r.strategy), static_cast<unsigned long long>(r.executions),
                  static_cast<unsigned long long>(failures));
  char tail[160];
  std::snprintf(tail, sizeof tail, " (%llu checks, %.3f ms, %.0f executions/s)",
                static_cast<unsigned long long>(r.checks), r.seconds * 1e3, per_s);
  return std::string(buf) + tail;
}

}  // namespace interleave::rc11
