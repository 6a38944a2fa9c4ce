// hakmem-stress: real threads, real contention, every block verified.
// See stress/README.md for the workloads, the checks and how to run it.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "cli.h"
#include "crash_report.h"
#include "footprint.h"
#include "report.h"
#include "runner.h"
#include "target.h"
#include "violation.h"
#include "tool_memory.h"
#include "workloads/registry.h"

using namespace stress;

namespace {

uint64_t random_seed() {
  uint64_t s = 0;
  const int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    if (read(fd, &s, sizeof s) != static_cast<ssize_t>(sizeof s)) s = 0;
    close(fd);
  }
  if (s == 0) s = static_cast<uint64_t>(time(nullptr)) * 2654435761u;
  return s & 0xFFFFFFFFFFFFull;  // short enough to retype
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_options(argc, argv, &opt)) return 2;
  if (opt.list) {
    for (Workload* w : all_workloads())
      std::printf("%-14s %s\n", w->name(), w->describe());
    return 0;
  }
  const Target* target = &system_target();
  if (opt.target == "hakmem") {
    target = hakmem_target();
    if (!target) {
      std::fprintf(stderr, "hakmem-stress: this build has no hakmem library; use --target=system\n");
      return 2;
    }
  }
  if (!target->usable_size_) {
    std::fprintf(stderr, "hakmem-stress: the process allocator does not provide malloc_usable_size\n");
    return 2;
  }
  if (!opt.seed_given) opt.seed = random_seed();
  install_crash_reporter();

  std::printf("hakmem-stress: target=%s threads=%d seconds=%g seed=%llu workloads=%zu\n", target->name, opt.threads,
              opt.seconds, static_cast<unsigned long long>(opt.seed), opt.workloads.size());
  std::printf("  footprint: rss bound %s", built_with_sanitizer() || opt.rss_factor <= 0 ? "off (sanitizer build)" : "");
  if (!built_with_sanitizer() && opt.rss_factor > 0)
    std::printf("start + %g x peak live + %g MiB", opt.rss_factor, opt.rss_slack_mib);
  if (target->hakmem)
    std::printf("; hakmem mapped <= %g x peak live + %g MiB, no creep", opt.mapped_factor, opt.mapped_slack_mib);
  std::printf("\n");
  if (target->missing[0]) std::printf("  not provided by the process allocator, not exercised: %s\n", target->missing);
  for (int i = 0; i < kCheckCount; ++i)
    if (is_waived(static_cast<Check>(i)))
      std::printf("  WAIVED by --waive: [%s] %s\n", check_tag(static_cast<Check>(i)), check_text(static_cast<Check>(i)));
  std::fflush(stdout);

  // Results live in tool memory: nothing the tool holds may come from a possibly broken malloc.
  ToolArray<Result> results(opt.workloads.size());
  std::size_t n = 0;
  bool failed = false;
  for (const auto& name : opt.workloads) {
    Workload& w = *find_workload(name);
    Result& r = results[n++];
    if (failed && !opt.keep_going) {
      // After a violation the allocator's heap may be corrupt: a crash in a later workload
      // would only bury the report. --keep-going runs them anyway.
      r.workload = w.name();
      r.target = target->name;
      r.threads = opt.threads;
      r.status = "NOTRUN";
      std::snprintf(r.note, sizeof r.note, "not run after a failure (--keep-going runs it)");
      continue;
    }
    if (const char* why = w.skip_reason(*target)) {
      r.workload = w.name();
      r.target = target->name;
      r.threads = opt.threads;
      r.status = "SKIP";
      std::snprintf(r.note, sizeof r.note, "%s", why);
      std::printf("== %s: skipped: %s\n", w.name(), why);
      continue;
    }
    std::printf("== %s: %s\n", w.name(), w.describe());
    std::fflush(stdout);
    r = run_workload(w, opt, *target);
    std::printf("== %s: %s, %d rounds, %llu violation(s)\n", w.name(), r.status, r.rounds,
                static_cast<unsigned long long>(r.violations));
    failed = failed || r.violations != 0;
    std::fflush(stdout);
  }
  print_summary(results.begin(), n);
  // Never silent: every waived check is named again with how often it fired.
  for (int i = 0; i < kCheckCount; ++i) {
    const Check c = static_cast<Check>(i);
    if (is_waived(c))
      std::printf("WAIVED [%s]: %llu report(s) set aside, not counted as violations (%s)\n", check_tag(c),
                  static_cast<unsigned long long>(waived_count(c)), check_text(c));
  }
  std::printf("seed=%llu\n", static_cast<unsigned long long>(opt.seed));
  for (std::size_t i = 0; i < n; ++i) {
    if (results[i].violations) {
      // The heap that served the failing workload may be corrupt, and destructors (opt's strings)
      // and exit handlers still free into it: a crash there would turn a clean report into a
      // signal. Leave without them.
      std::fflush(stdout);
      std::fflush(stderr);
      _exit(1);
    }
  }
  return 0;
}
