#include "cli.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "violation.h"
#include "workloads/registry.h"

namespace stress {
namespace {

constexpr const char* kUsage =
    "usage: hakmem-stress [--workload=NAME[,NAME...]|all] [--threads=N] [--seconds=S] [--seed=N]"
    " [--target=hakmem|system] [--waive=TAG,...] [--list] [--help]";

bool fail(const char* fmt, const char* a, const char* b = "") {
  std::fprintf(stderr, "hakmem-stress: ");
  std::fprintf(stderr, fmt, a, b);
  std::fprintf(stderr, "\n%s\n", kUsage);
  return false;
}

bool parse_u64(const char* s, uint64_t* out) {
  if (!*s || *s == '-') return false;
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s, &end, 0);
  if (errno || *end) return false;
  *out = v;
  return true;
}

bool parse_double(const char* s, double* out) {
  if (!*s) return false;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  if (errno || *end || !(v >= 0) || v > 1e7) return false;
  *out = v;
  return true;
}

bool parse_workloads(const char* list, Options* o) {
  o->workloads.clear();
  std::string_view rest(list);
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    if (name == "all") {
      for (Workload* w : all_workloads()) o->workloads.emplace_back(w->name());
    } else if (find_workload(name)) {
      o->workloads.emplace_back(name);
    } else {
      const std::string n(name);
      return fail("unknown workload '%s' (--list shows them)%s", n.c_str());
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return true;
}

// --waive=TAG[,TAG...]: check tags as printed in VIOLATION lines.
bool parse_waivers(const char* list) {
  std::string_view rest(list);
  while (true) {
    const auto comma = rest.find(',');
    const std::string tag(rest.substr(0, comma));
    Check c;
    if (!check_from_tag(tag.c_str(), &c)) {
      std::string known;
      for (int i = 0; i < kCheckCount; ++i) known += std::string(i ? ", " : "") + check_tag(static_cast<Check>(i));
      return fail("--waive: '%s' is not a check tag (one of: %s)", tag.c_str(), known.c_str());
    }
    set_waived(c);
    if (comma == std::string_view::npos) return true;
    rest.remove_prefix(comma + 1);
  }
}

}  // namespace

void print_usage(FILE* f) {
  std::fprintf(f,
               "%s\n"
               "  --workload=LIST     comma-separated workload names, or all (default all; --list shows them)\n"
               "  --threads=N         threads per workload round, 1..256 (default 4)\n"
               "  --seconds=S         seconds per workload (default 5)\n"
               "  --seed=N            run seed (default: random, printed); replays each thread's op sequence\n"
               "  --target=T          hakmem: call hak_* and check hakmem's accounting (default)\n"
               "                      system: only the plain malloc API (test any allocator via LD_PRELOAD)\n"
               "  --round-seconds=S   length of a round of fresh threads (default seconds/10 in [0.05, 1])\n"
               "  --progress=S        progress line every S seconds, 0 = none (default 5)\n"
               "  --slots=N           live blocks per thread in slot-based workloads (default 512)\n"
               "  --rss-factor=F --rss-slack-mib=M        RSS bound: start + F x peak live + M (default 4, 128)\n"
               "  --mapped-factor=F --mapped-slack-mib=M  hakmem mapped bound: F x peak live + M (default 3, 64)\n"
               "  --fork-timeout=S    fork: a child still running after S seconds has hung (default 10, 60 sanitized)\n"
               "  --keep-going        after a failing workload run the rest (default: stop, the heap may be corrupt)\n"
               "  --waive=TAG[,TAG]   set aside a named check (a known deviation of the allocator under test,\n"
               "                      see stress/README.md): its reports print as WAIVED, do not fail the run,\n"
               "                      and the summary counts them. Tags as in VIOLATION lines, e.g. api-errno\n"
               "  --leak-every=N      testing the checks: skip every N-th free, as a leaking allocator would\n"
               "  --list              list the workloads and exit\n"
               "exit status: 0 no violation, 1 violations, 2 bad arguments\n",
               kUsage);
}

bool parse_options(int argc, char** argv, Options* o) {
  for (Workload* w : all_workloads()) o->workloads.emplace_back(w->name());
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    if (std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-h") == 0) {
      print_usage(stdout);
      std::exit(0);
    }
    if (std::strcmp(arg, "--list") == 0) {
      o->list = true;
      continue;
    }
    if (std::strcmp(arg, "--keep-going") == 0) {
      o->keep_going = true;
      continue;
    }
    if (std::strncmp(arg, "--", 2) != 0) return fail("unexpected argument '%s'%s", arg);
    // --name=value or --name value
    std::string name(arg + 2);
    std::string value;
    const auto eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return fail("option '--%s' needs a value%s", name.c_str());
    }
    const char* v = value.c_str();
    uint64_t u = 0;
    double d = 0;
    if (name == "workload" || name == "workloads") {
      if (!parse_workloads(v, o)) return false;
    } else if (name == "threads") {
      if (!parse_u64(v, &u) || u < 1 || u > 256) return fail("--threads: '%s' is not a number in 1..256%s", v);
      o->threads = static_cast<int>(u);
    } else if (name == "seconds") {
      if (!parse_double(v, &d) || d <= 0) return fail("--seconds: '%s' is not a positive number%s", v);
      o->seconds = d;
    } else if (name == "seed") {
      if (!parse_u64(v, &u)) return fail("--seed: '%s' is not an unsigned 64-bit number%s", v);
      o->seed = u;
      o->seed_given = true;
    } else if (name == "target") {
      if (value != "hakmem" && value != "system") return fail("--target: '%s' is not hakmem or system%s", v);
      o->target = value;
    } else if (name == "round-seconds") {
      if (!parse_double(v, &d) || d <= 0) return fail("--round-seconds: '%s' is not a positive number%s", v);
      o->round_seconds = d;
    } else if (name == "progress") {
      if (!parse_double(v, &d)) return fail("--progress: '%s' is not a number >= 0%s", v);
      o->progress_seconds = d;
    } else if (name == "fork-timeout") {
      if (!parse_double(v, &d) || d <= 0) return fail("--fork-timeout: '%s' is not a positive number%s", v);
      o->fork_timeout = d;
    } else if (name == "waive") {
      if (!parse_waivers(v)) return false;
    } else if (name == "leak-every") {
      if (!parse_u64(v, &u) || u < 1) return fail("--leak-every: '%s' is not a number >= 1%s", v);
      o->leak_every = u;
    } else if (name == "slots") {
      if (!parse_u64(v, &u) || u < 1 || u > 1000000) return fail("--slots: '%s' is not a number in 1..1000000%s", v);
      o->slots = static_cast<int>(u);
    } else if (name == "rss-factor" || name == "rss-slack-mib" || name == "mapped-factor" ||
               name == "mapped-slack-mib") {
      if (!parse_double(v, &d)) return fail("--%s: '%s' is not a number >= 0", name.c_str(), v);
      double* dst = name == "rss-factor"      ? &o->rss_factor
                    : name == "rss-slack-mib" ? &o->rss_slack_mib
                    : name == "mapped-factor" ? &o->mapped_factor
                                              : &o->mapped_slack_mib;
      *dst = d;
    } else {
      return fail("unknown option '%s'%s", arg);
    }
  }
  return true;
}

}  // namespace stress
