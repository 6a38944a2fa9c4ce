// hakmem-relacy-crosscheck: the optional Relacy cross-check of issue 4.
//
// Runs the spill stack and the remote list, re-expressed for Relacy (spill_stack_rl.h,
// remote_list_rl.h), and their broken variants (mirroring interleave/decoys/) under Relacy's
// schedulers and memory model, then prints one table row per case: Relacy's verdict, the
// expected verdict, and whether the project's interleaving checker says the same of its
// matching scenario.
//
//   hakmem-relacy-crosscheck                 all cases, the table; exit 1 on any disagreement
//   hakmem-relacy-crosscheck --case NAME     one case; exit 0 iff its verdict is the expected one
//                                            (a decoy must be reported, by the expected detector)
//   --list                                   case names
//   --expect-cases NAME...                   exit 0 iff NAME... is exactly the case list (ctest
//                                            uses it so no case goes unregistered)
//   --checker PATH                           ask PATH (interleave-replay) for the checker's
//                                            verdicts live instead of the recorded ones
//   --verbose                                Relacy's own output (a failing schedule's history)
#include <sys/wait.h>  // before rl_prelude.h: nothing may be included after Relacy

#include "remote_suite.h"
#include "spill_suite.h"

namespace hkrl {
namespace {

// Verdict classes, common to Relacy and the project's checker.
enum class Verdict { kPass, kCheck, kRace, kOther };  // kCheck: an assertion/invariant fired

const char* name_of(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "pass";
    case Verdict::kCheck: return "check";
    case Verdict::kRace: return "data-race";
    case Verdict::kOther: return "other";
  }
  return "?";
}

Verdict classify(rl::test_result_e r) {
  switch (r) {
    case rl::test_result_success: return Verdict::kPass;
    case rl::test_result_user_assert_failed:
    case rl::test_result_user_invariant_failed: return Verdict::kCheck;
    case rl::test_result_data_race: return Verdict::kRace;
    default: return Verdict::kOther;
  }
}

struct Outcome {
  rl::test_result_e result = rl::test_result_success;
  unsigned long long iterations = 0;  // to the first failure, or all explored on a pass
  const char* scheduler = "";
  const char* what = nullptr;         // the failed check, if ours
};

std::ostream* g_out = nullptr;

Outcome simulate_one(rl::test_params& p, const char* sched, Outcome so_far,
                     bool (*sim)(rl::test_params&)) {
  p.output_stream = g_out;
  p.progress_stream = g_out;
  p.execution_depth_limit = 20000;  // invariant() loads count as steps too
  g_last_check = nullptr;
  sim(p);
  Outcome o;
  o.result = p.test_result;
  o.iterations = so_far.iterations + p.stop_iteration;
  o.scheduler = sched;
  o.what = g_last_check;
  return o;
}

// Random schedules first (fast to a first failure), then, if nothing was found, every
// schedule with at most `bound` preemptions (Relacy's context-bound scheduler: exhaustive).
template <class Suite>
Outcome run(unsigned long long random_iterations, unsigned bound) {
  rl::test_params p;
  p.iteration_count = random_iterations;
  p.search_type = rl::random_scheduler_type;
  Outcome o = simulate_one(p, "random", {}, &rl::simulate<Suite>);
  if (o.result != rl::test_result_success || bound == 0) return o;
  rl::test_params b;
  b.search_type = rl::fair_context_bound_scheduler_type;
  b.context_bound = bound;
  return simulate_one(b, "ctx-bound", o, &rl::simulate<Suite>);
}

// ---- the cases -------------------------------------------------------------------------------
using enum SpillOp;
using Bug = SpillBug;

// Correct-algorithm scripts: those of interleave/scenarios/spill_scenarios.cpp.
constexpr SpillScript sPushPop{2, 2, 64, {{kPush, kPop}, {kPop, kPush}}};
constexpr SpillScript sPopReuse{2, 3, 64, {{kPop}, {kPopReuse, kPop}}};
constexpr SpillScript sChainDrain{2, 1, 64, {{kPushChain2, kPop}, {kDrain}}};
constexpr SpillScript sFlow{3, 1, 2, {{kPush, kPop}, {kPush, kPush}, {kPop}}};
constexpr SpillScript sMixed{3, 2, 64, {{kPush, kPop}, {kPopReuse}, {kDrain}}};
// Decoy scripts: those of interleave/decoys/*.cpp (the correct algorithm runs them as controls).
constexpr SpillScript sAba{2, 3, 64, {{kPop}, {kPop2Push1}}};
constexpr SpillScript sPushVsPops{2, 2, 64, {{kPush}, {kPop, kPop}}};
constexpr SpillScript sPushVsPopEmpty{2, 0, 64, {{kPush}, {kPop}}};
constexpr SpillScript sPopsForLast{2, 1, 64, {{kPop}, {kPop}}};
constexpr SpillScript sPopsVsPush{2, 2, 64, {{kPop, kPop}, {kPush}}};
// interleave/scenarios/remote_scenarios.cpp and decoys/relaxed_publish.cpp.
constexpr RemoteScript k1p{1, 2, 2};
constexpr RemoteScript k2p{2, 2, 2};
constexpr RemoteScript k3p{3, 1, 2};
constexpr RemoteScript kOnePush{1, 1, 1};

struct Case {
  const char* name;
  const char* algorithm;
  const char* variant;
  Verdict expected;
  const char* checker;        // the project checker's matching scenario, or nullptr (control)
  Verdict checker_recorded;   // its verdict: interleave-bench / interleave-replay at 82c0058
  Outcome (*run)();
};

constexpr unsigned long long kCorrectRandom = 20000, kDecoyRandom = 200000;
template <Bug kBug, const SpillScript& kS>
Outcome spill() {
  return run<SpillSuite<kBug, kS>>(kBug == Bug::kNone ? kCorrectRandom : kDecoyRandom, 2);
}
template <bool kRelaxed, const RemoteScript& kS>
Outcome remote() {
  return run<RemoteSuite<kRelaxed, kS>>(kRelaxed ? kDecoyRandom : kCorrectRandom, 2);
}

constexpr Verdict P = Verdict::kPass, C = Verdict::kCheck, R = Verdict::kRace;
const Case kCases[] = {
    {"spill.push_pop.2t", "spill stack", "correct", P, "spill.push_pop.2t", P, spill<Bug::kNone, sPushPop>},
    {"spill.pop_reuse.2t", "spill stack", "correct", P, "spill.pop_reuse.2t", P, spill<Bug::kNone, sPopReuse>},
    {"spill.chain_drain.2t", "spill stack", "correct", P, "spill.chain_drain.2t", P,
     spill<Bug::kNone, sChainDrain>},
    {"spill.flow.3t", "spill stack", "correct", P, "spill.flow.3t", P, spill<Bug::kNone, sFlow>},
    {"spill.mixed.3t", "spill stack", "correct", P, "spill.mixed.3t", P, spill<Bug::kNone, sMixed>},
    {"spill.control.aba", "spill stack", "correct, ABA script", P, nullptr, P, spill<Bug::kNone, sAba>},
    {"spill.control.push_vs_pops", "spill stack", "correct, push vs pops", P, nullptr, P,
     spill<Bug::kNone, sPushVsPops>},
    {"spill.control.push_vs_pop", "spill stack", "correct, push vs pop", P, nullptr, P,
     spill<Bug::kNone, sPushVsPopEmpty>},
    {"spill.control.pops_for_last", "spill stack", "correct, 2 pops of 1", P, nullptr, P,
     spill<Bug::kNone, sPopsForLast>},
    {"spill.control.pops_vs_push", "spill stack", "correct, pops vs push", P, nullptr, P,
     spill<Bug::kNone, sPopsVsPush>},
    {"decoy.treiber_no_tag", "spill stack", "CAS pop without tag", C, "decoy.treiber_no_tag.noaba", C,
     spill<Bug::kNoTag, sAba>},
    {"decoy.publish_before_link", "spill stack", "publish before link", C, "decoy.publish_before_link", C,
     spill<Bug::kPublishBeforeLink, sPushVsPops>},
    {"decoy.length_after_publish", "spill stack", "length after publish", C, "decoy.length_after_publish", C,
     spill<Bug::kLengthAfterPublish, sPushVsPopEmpty>},
    {"decoy.length_before_unlink", "spill stack", "length before unlink", C, "decoy.length_before_unlink", C,
     spill<Bug::kLengthBeforeUnlink, sPopsForLast>},
    {"decoy.relaxed_push", "spill stack", "relaxed publish (push)", C, "decoy.relaxed_push", C,
     spill<Bug::kRelaxedPush, sPopsVsPush>},
    {"remote.1p.2t", "remote list", "correct", P, "remote.1p.2t", P, remote<false, k1p>},
    {"remote.2p.3t", "remote list", "correct", P, "remote.2p.3t", P, remote<false, k2p>},
    {"remote.3p.4t", "remote list", "correct", P, "remote.3p.4t", P, remote<false, k3p>},
    {"remote.control.one_push", "remote list", "correct, one push", P, nullptr, P, remote<false, kOnePush>},
    {"decoy.relaxed_publish", "remote list", "relaxed publish", R, "decoy.relaxed_publish", R,
     remote<true, kOnePush>},
};

// The checker's verdict class from interleave-replay's exit status (0: nothing reported). Its
// failure kind is not parsed: any report of a decoy counts as the recorded kind.
Verdict live_checker(const char* replay, const Case& c) {
  const std::string cmd = std::string(replay) + " --test " + c.checker + " --explore >/dev/null 2>&1";
  const int rc = std::system(cmd.c_str());
  if (rc == -1 || !WIFEXITED(rc)) return Verdict::kOther;
  return WEXITSTATUS(rc) == 0 ? Verdict::kPass : c.checker_recorded == P ? Verdict::kOther : c.checker_recorded;
}

struct Row {
  Outcome o;
  Verdict relacy;
  bool as_expected;
  const char* agree;  // "yes", "no", "n/a" (a control without a checker scenario)
};

Row evaluate(const Case& c, const char* replay) {
  Row r;
  r.o = c.run();
  r.relacy = classify(r.o.result);
  r.as_expected = r.relacy == c.expected;
  if (!c.checker) {
    r.agree = "n/a";
  } else {
    const Verdict checker = replay ? live_checker(replay, c) : c.checker_recorded;
    r.agree = checker == r.relacy ? "yes" : "no";
  }
  return r;
}

void print_row(const Case& c, const Row& r) {
  char iters[48];
  if (r.relacy == Verdict::kPass)
    std::snprintf(iters, sizeof iters, "- (%llu, none failed)", r.o.iterations);
  else
    std::snprintf(iters, sizeof iters, "%llu (%s)", r.o.iterations, r.o.scheduler);
  std::printf("%-12s %-24s %-9s %-24s %-9s %-28s %-5s %s\n", c.algorithm, c.variant, name_of(r.relacy), iters,
              name_of(c.expected), c.checker ? c.checker : "-", r.agree, r.as_expected ? "" : "  <== UNEXPECTED");
  if (r.relacy != Verdict::kPass)
    std::printf("%12s relacy: %s%s%s\n", "", rl::test_result_str(r.o.result), r.o.what ? ": " : "",
                r.o.what ? r.o.what : "");
}

bool same_cases(int n, char** names) {
  bool ok = n == static_cast<int>(std::size(kCases));
  for (const Case& c : kCases) {
    int found = 0;
    for (int i = 0; i < n; ++i) found += std::string_view(names[i]) == c.name;
    if (found != 1) {
      std::fprintf(stderr, "case %s is registered %d times (expected once)\n", c.name, found);
      ok = false;
    }
  }
  if (n != static_cast<int>(std::size(kCases)))
    std::fprintf(stderr, "%d names given, %zu cases exist (see --list)\n", n, std::size(kCases));
  return ok;
}

int usage() {
  std::fprintf(stderr,
               "usage: hakmem-relacy-crosscheck [--case NAME] [--list] [--expect-cases NAME...]\n"
               "                                [--checker PATH] [--verbose]\n");
  return 2;
}

}  // namespace
}  // namespace hkrl

int main(int argc, char** argv) {
  using namespace hkrl;
  const char* only = nullptr;
  const char* replay = nullptr;
  std::ostream null_stream(nullptr);  // drops Relacy's output without allocating (rl_prelude.h)
  g_out = &null_stream;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--case" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--checker" && i + 1 < argc) {
      replay = argv[++i];
    } else if (a == "--verbose") {
      g_out = &std::cout;
    } else if (a == "--list") {
      for (const Case& c : kCases) std::printf("%s\n", c.name);
      return 0;
    } else if (a == "--expect-cases") {
      return same_cases(argc - i - 1, argv + i + 1) ? 0 : 1;
    } else {
      return usage();
    }
  }
  std::printf("%-12s %-24s %-9s %-24s %-9s %-28s %-5s\n", "algorithm", "variant", "relacy", "iterations to failure",
              "expected", "checker scenario", "agree");
  int ran = 0, bad = 0;
  for (const Case& c : kCases) {
    if (only && std::string_view(only) != c.name) continue;
    const Row r = evaluate(c, replay);
    print_row(c, r);
    std::fflush(stdout);
    ++ran;
    if (!r.as_expected || std::string_view(r.agree) == "no") ++bad;
  }
  if (ran == 0) {
    std::fprintf(stderr, "no case named '%s' (see --list)\n", only ? only : "");
    return 2;
  }
  std::printf("%d case(s), %d disagreeing\n", ran, bad);
  return bad ? 1 : 0;
}
