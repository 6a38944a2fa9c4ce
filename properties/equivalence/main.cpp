// hakmem-equivalence: for every telemetry mask, the behaviour trace of each workload equals the
// all-off trace (invariant 10), every invariant holds, and every compiled-in flag counts
// something (the flag is ACTIVE: Phase 29). A plain main, no gtest, so MSan can build it.
//
//   hakmem-equivalence [--masks A-B] [--seed S] [--workloads N] [--ops N] [--quirk]
// --quirk runs the Phase 28 decoy instead; it must report a mismatch (exit 1).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runner.h"
#include "workloads.h"

namespace {

struct Args {
  std::uint32_t first = 0, last = hakmem::kMaskCount - 1;
  std::uint64_t seed = 1;
  unsigned workloads = 4, ops = 600;
  bool quirk = false;
};

void usage(std::FILE* f, const char* argv0) {
  std::fprintf(f,
               "usage: %s [--masks A-B] [--seed S] [--workloads N] [--ops N] [--quirk]\n"
               "  --masks A-B    telemetry masks to compare with the all-off trace (default 0-511)\n"
               "  --seed S       first random workload seed (default 1, or HAKMEM_SEED)\n"
               "  --workloads N  random workloads per mask (default 4)\n"
               "  --ops N        operations per random workload (default 600)\n"
               "  --quirk        run the Phase 28 decoy instead: it must report a mismatch\n"
               "exit status: 0 every mask equivalent, 1 a mismatch or a silent flag, 2 bad arguments\n",
               argv0);
}

Args parse(int argc, char** argv) {
  Args a;
  if (const char* s = std::getenv("HAKMEM_SEED")) a.seed = std::strtoull(s, nullptr, 0);
  for (int i = 1; i < argc; ++i) {
    const char* v = i + 1 < argc ? argv[i + 1] : "";
    if (!std::strcmp(argv[i], "--masks")) {
      std::sscanf(v, "%u-%u", &a.first, &a.last);
      ++i;
    } else if (!std::strcmp(argv[i], "--seed")) {
      a.seed = std::strtoull(v, nullptr, 0);
      ++i;
    } else if (!std::strcmp(argv[i], "--workloads")) {
      a.workloads = static_cast<unsigned>(std::atoi(v));
      ++i;
    } else if (!std::strcmp(argv[i], "--ops")) {
      a.ops = static_cast<unsigned>(std::atoi(v));
      ++i;
    } else if (!std::strcmp(argv[i], "--quirk")) {
      a.quirk = true;
    } else if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      usage(stdout, argv[0]);
      std::exit(0);
    } else {
      usage(stderr, argv[0]);
      std::exit(2);
    }
  }
  if (a.last >= hakmem::kMaskCount) a.last = hakmem::kMaskCount - 1;
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace hakmem_equiv;
  const Args args = parse(argc, argv);
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<Workload> ws = make_workloads(args.seed, args.workloads, args.ops);
  std::printf("equivalence: masks %u-%u, %zu workloads (random seeds %llu..%llu, %u ops each; replay with --seed)%s\n",
              args.first, args.last, ws.size(), static_cast<unsigned long long>(args.seed),
              static_cast<unsigned long long>(args.seed + args.workloads - 1), args.ops, args.quirk ? ", PHASE 28 DECOY" : "");

  // The reference: all flags off (with the decoy: the decoy's own all-off configuration, so a
  // mismatch shows that the decoy's behaviour depends on the mask).
  std::vector<RunResult> ref;
  for (const Workload& w : ws) ref.push_back((args.quirk ? quirk_runner(0) : runner(0))(w));

  unsigned failures = 0, masks_run = 0;
  std::uint64_t events = 0;
  // active[f]: masks with flag f compiled in that ran, and those whose f counters stayed zero.
  unsigned with_flag[hakmem::kFlagCount] = {}, silent[hakmem::kFlagCount] = {};
  for (std::uint32_t m = args.first; m <= args.last; ++m) {
    const RunFn fn = args.quirk ? quirk_runner(m) : runner(m);
    if (!fn) continue;
    ++masks_run;
    std::uint64_t totals[hakmem::kFlagCount] = {};
    bool reported = false;
    for (std::size_t k = 0; k < ws.size(); ++k) {
      const RunResult r = fn(ws[k]);
      events += r.trace.size();
      for (unsigned f = 0; f < hakmem::kFlagCount; ++f) totals[f] += r.family_total[f];
      if (!r.violation.empty()) {
        std::printf("VIOLATION: mask %#05x, workload '%s' (seed %llu): %s\n", m, ws[k].name.c_str(),
                    static_cast<unsigned long long>(ws[k].seed), r.violation.c_str());
        ++failures;
      }
      const long d = first_difference(ref[k].trace, r.trace);
      if (d >= 0 && !reported) {  // the first mismatch of a mask is enough to name it
        std::fputs(describe_mismatch(m, ws[k], ref[k].trace, r.trace, d).c_str(), stdout);
        reported = true;
        ++failures;
      }
    }
    for (const hakmem::FlagInfo& f : hakmem::kFlags) {
      if (!(m & (1u << f.bit))) continue;
      ++with_flag[f.bit];
      if (totals[f.bit] == 0) {
        if (silent[f.bit]++ == 0)
          std::printf("INACTIVE: flag %s compiled in (mask %#05x) but its counters stayed zero\n", f.name, m);
        ++failures;
      }
    }
  }

  for (const hakmem::FlagInfo& f : hakmem::kFlags)
    if (with_flag[f.bit])
      std::printf("flag %-27s active in %u/%u masks that compile it in\n", f.name, with_flag[f.bit] - silent[f.bit],
                  with_flag[f.bit]);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%u masks x %zu workloads, %llu trace events compared, %.1f s: %s\n", masks_run, ws.size(),
              static_cast<unsigned long long>(events), secs, failures ? "FAILED" : "all traces equal");
  return failures ? 1 : 0;
}
