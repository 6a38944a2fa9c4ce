// hakmem-equivalence-mt: multi-threaded workloads under the interleaving checker's fixed
// schedules; for each mask of the subset below, the trace of every (workload seed) equals the
// all-off trace. The subset is every single flag, every all-but-one and all flags: a behaviour
// that depends on any one flag differs in one of these from mask 0. (All 512 masks with the
// checker's atomics would double the suite's compile time; the single-threaded check covers
// all 512.)   hakmem-equivalence-mt [--seed S] [--schedules N]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "../workloads.h"
#include "mt_workload.h"

namespace {

constexpr std::uint32_t kAll = hakmem::kAllFlagsMask;
constexpr std::uint32_t kMasks[] = {
    0, 1u << 0, 1u << 1, 1u << 2, 1u << 3, 1u << 4, 1u << 5, 1u << 6, 1u << 7, 1u << 8,
    kAll & ~(1u << 0), kAll & ~(1u << 1), kAll & ~(1u << 2), kAll & ~(1u << 3), kAll & ~(1u << 4),
    kAll & ~(1u << 5), kAll & ~(1u << 6), kAll & ~(1u << 7), kAll & ~(1u << 8), kAll};
static_assert(hakmem::kFlagCount == 9, "the subset lists single flags 0..8");

using MtFn = hakmem_equiv::MtResult (*)(std::uint64_t seed);
template <std::uint32_t M, class Quirks = hakmem::NoQuirks>
hakmem_equiv::MtResult run_mt(std::uint64_t seed) {
  hakmem_equiv::MtWorkload<M, Quirks> w(seed);
  return w.run();
}
// The Phase 28 decoy (--quirk): its all-off and TINY_FREE_STATS-only traces must differ.
constexpr std::uint32_t kQuirkMasks[] = {0, 1u << static_cast<unsigned>(hakmem::Flag::TINY_FREE_STATS)};
constexpr MtFn kQuirkTable[] = {&run_mt<0, hakmem::Phase28Quirk>,
                                &run_mt<1u << static_cast<unsigned>(hakmem::Flag::TINY_FREE_STATS), hakmem::Phase28Quirk>};
template <std::size_t... I>
constexpr std::array<MtFn, sizeof...(I)> make_table(std::index_sequence<I...>) {
  return {&run_mt<kMasks[I]>...};
}
constexpr auto kTable = make_table(std::make_index_sequence<std::size(kMasks)>{});

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  unsigned schedules = 32;
  bool quirk = false;
  for (int i = 1; i < argc; ++i) quirk |= !std::strcmp(argv[i], "--quirk");
  if (const char* s = std::getenv("HAKMEM_SEED")) seed = std::strtoull(s, nullptr, 0);
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--seed")) seed = std::strtoull(argv[i + 1], nullptr, 0);
    else if (!std::strcmp(argv[i], "--schedules")) schedules = static_cast<unsigned>(std::atoi(argv[i + 1]));
  }
  std::printf("equivalence-mt: %zu masks x %u schedules (checker seeds %llu..%llu; replay with --seed)\n",
              std::size(kMasks), schedules, static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(seed + schedules - 1));
  const MtFn* table = quirk ? kQuirkTable : kTable.data();
  const std::uint32_t* mask_of = quirk ? kQuirkMasks : kMasks;
  const std::size_t masks = quirk ? std::size(kQuirkTable) : std::size(kMasks);
  unsigned failures = 0;
  std::uint64_t flow_control = 0;
  std::uint64_t events = 0, totals[std::size(kMasks)][hakmem::kFlagCount] = {};
  for (unsigned k = 0; k < schedules; ++k) {
    const hakmem_equiv::MtResult ref = table[0](seed + k);
    for (const hakmem::TraceEvent& e : ref.trace) flow_control += e.kind == hakmem::Ev::kFlowControl;
    for (std::size_t i = 0; i < masks; ++i) {
      const hakmem_equiv::MtResult r = i == 0 ? ref : table[i](seed + k);
      events += r.trace.size();
      for (unsigned f = 0; f < hakmem::kFlagCount; ++f) totals[i][f] += r.family_total[f];
      if (!r.failure.empty()) {
        std::printf("CHECKER FAILURE: mask %#05x, schedule seed %llu:\n%s\n", mask_of[i],
                    static_cast<unsigned long long>(seed + k), r.failure.c_str());
        ++failures;
        continue;
      }
      const long d = hakmem_equiv::first_difference(ref.trace, r.trace);
      if (d >= 0) {
        hakmem_equiv::Workload w;
        w.name = "mt (3 fibers)";
        w.seed = seed + k;
        std::fputs(hakmem_equiv::describe_mismatch(mask_of[i], w, ref.trace, r.trace, d).c_str(), stdout);
        ++failures;
      }
    }
  }
  if (flow_control == 0) {  // else the workload never reached the Phase 28 decision
    std::printf("WEAK WORKLOAD: no flow-control decision in any schedule\n");
    ++failures;
  }
  for (std::size_t i = 0; i < masks && !quirk; ++i)
    for (const hakmem::FlagInfo& f : hakmem::kFlags)
      if ((kMasks[i] & (1u << f.bit)) && totals[i][f.bit] == 0 &&
          f.bit != static_cast<unsigned>(hakmem::Flag::POOL_HOTBOX_V2_STATS)) {  // no pool v2 in this workload
        std::printf("INACTIVE: flag %s compiled in (mask %#05x) but its counters stayed zero\n", f.name, kMasks[i]);
        ++failures;
      }
  std::printf("%llu trace events compared, %llu flow-control decisions: %s\n", static_cast<unsigned long long>(events),
              static_cast<unsigned long long>(flow_control),
              failures ? "FAILED" : "all traces equal");
  return failures ? 1 : 0;
}
