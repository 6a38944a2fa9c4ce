// run_one<Cfg>: the executor over one configuration, then the final state, the trace and the
// counter totals. Included by the mask tables only (each includes the whole allocator).
#pragma once
#include "hakmem/core/stats.h"
#include "hakmem_ops/executor.h"
#include "runner.h"

namespace hakmem_equiv {

template <class Cfg>
RunResult run_one(const Workload& w) {
  using Alloc = hakmem::Allocator<Cfg>;
  RunResult r;
  hakmem_ops::Executor<Alloc> ex(w.options);
  if (auto v = ex.run(w.ops)) r.violation = v->to_string();
  ex.alloc().record_final_state();
  r.trace = std::move(ex.alloc().trace().events);
  for (const hakmem::FlagInfo& f : hakmem::kFlags)
    r.family_total[f.bit] = hakmem::StatsReader::family_total(ex.alloc().telemetry(), static_cast<hakmem::Flag>(f.bit));
  return r;
}

template <std::uint32_t M, class Quirks = hakmem::NoQuirks>
using EquivConfig = hakmem::Config<M, hakmem::StdAtomics, hakmem_ops::LogicalContext, hakmem::RecordingTrace, Quirks>;

}  // namespace hakmem_equiv
