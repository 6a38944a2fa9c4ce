// interleave-rc11: runs the RC11 model checker on the built-in litmus tests.
// Exit status: 0 when every run was exhaustive and found exactly the expected outcomes (and,
// with --cross-check, the strategies agreed); 1 when not; 2 on usage errors.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "rc11/cross_check.h"
#include "rc11/litmus.h"

namespace {

using namespace interleave::rc11;

const char kUsage[] =
    "usage: interleave-rc11 --list\n"
    "       interleave-rc11 (--test NAME | --all) [--strategy brute|dpor|both] [--budget N]\n"
    "                       [--quiet] [--quirk Q]...\n"
    "       interleave-rc11 --cross-check [--test NAME] [--quirk Q]...\n"
    "Explores every RC11-consistent execution graph of a litmus test and compares the final\n"
    "outcomes (registers, then memory) with the exact set the test expects.\n"
    "  --strategy   brute: every rf x every mo, filtered; dpor: incremental, pruned (default both)\n"
    "  --budget N   stop after N consistency checks (the run then does not claim completeness)\n"
    "  --quirk Q    deliberately broken variants for decoys: no-thin-air, no-release-sequences,\n"
    "               sc-as-acq-rel, dpor-drop-init-rf, dpor-no-canonical-order\n";

int usage_error(const std::string& why) {
  std::fprintf(stderr, "interleave-rc11: %s\n%s", why.c_str(), kUsage);
  return 2;
}

bool set_quirk(Options& o, const std::string& q) {
  if (q == "no-thin-air") o.model.no_thin_air = false;
  else if (q == "no-release-sequences") o.model.release_sequences = false;
  else if (q == "sc-as-acq-rel") o.model.sc_as_acq_rel = true;
  else if (q == "dpor-drop-init-rf") o.dpor.drop_init_rf = true;
  else if (q == "dpor-no-canonical-order") o.dpor.no_canonical_order = true;
  else return false;
  return true;
}

bool run_one(const Litmus& l, Strategy s, const Options& o, bool quiet) {
  const Result r = explore(l.program, s, o);
  std::printf("%s  %s\n", l.name.c_str(), summary(r, &l.allowed).c_str());
  bool ok = r.complete;
  for (const auto& [outcome, count] : r.outcomes) {
    const bool allowed = l.allowed.count(outcome) != 0;
    ok &= allowed;
    if (!quiet || !allowed)
      std::printf("    %-32s %6llu%s\n", outcome.c_str(), static_cast<unsigned long long>(count),
                  allowed ? "" : "   NOT ALLOWED");
  }
  for (const std::string& want : l.allowed)
    if (!r.outcomes.count(want)) {
      ok = false;
      std::printf("    %-32s %s\n", want.c_str(), r.complete ? "MISSING" : "not seen (incomplete run)");
    }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::string test, strategy = "both";
  bool list = false, all = false, quiet = false, cross = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--list") list = true;
    else if (a == "--all") all = true;
    else if (a == "--quiet") quiet = true;
    else if (a == "--cross-check") cross = true;
    else if (a == "--test" || a == "--strategy" || a == "--budget" || a == "--quirk") {
      if (!(v = value())) return usage_error(a + " needs a value");
      if (a == "--test") test = v;
      else if (a == "--strategy") strategy = v;
      else if (a == "--quirk") {
        if (!set_quirk(o, v)) return usage_error(std::string("unknown quirk '") + v + "'");
      } else {
        char* end = nullptr;
        o.budget = std::strtoull(v, &end, 10);
        if (!*v || *end || o.budget == 0) return usage_error(std::string("bad --budget '") + v + "'");
      }
    } else return usage_error("unknown argument '" + a + "'");
  }
  if (strategy != "brute" && strategy != "dpor" && strategy != "both")
    return usage_error("unknown strategy '" + strategy + "' (brute, dpor or both)");
  if (list) {
    for (const Litmus& l : litmus_tests()) std::printf("%-22s %s\n", l.name.c_str(), l.source.c_str());
    return 0;
  }
  const Litmus* one = test.empty() ? nullptr : find_litmus(test);
  if (!test.empty() && !one) return usage_error("no litmus test '" + test + "' (try --list)");
  if (!one && !all && !cross) return usage_error("nothing to do: --list, --test NAME, --all or --cross-check");

  bool ok = true;
  for (const Litmus& l : litmus_tests()) {
    if (one && &l != one) continue;
    if (cross) {
      const std::string why = cross_check(l.program, o);
      std::printf("%-22s %s\n", l.name.c_str(), why.empty() ? "brute and dpor agree" : why.c_str());
      ok &= why.empty();
      continue;
    }
    if (strategy != "dpor") ok &= run_one(l, Strategy::brute, o, quiet);
    if (strategy != "brute") ok &= run_one(l, Strategy::dpor, o, quiet);
  }
  std::printf("%s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
