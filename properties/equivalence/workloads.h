// The deterministic workloads of the equivalence check: seeded random op sequences over four
// logical threads (remote frees, thread exit/adopt, spill drains, pool v2 on/off, OS faults),
// plus two fixed ones that surely reach flow control and the v2 hotbox.
#pragma once
#include <cstdint>
#include <vector>

#include "runner.h"

namespace hakmem_equiv {

std::vector<Workload> make_workloads(std::uint64_t seed, unsigned random_count, unsigned ops_per_workload);

// Index of the first differing event of two traces (the shorter length when one is a prefix
// of the other), or -1 when they are equal.
long first_difference(const std::vector<hakmem::TraceEvent>& a, const std::vector<hakmem::TraceEvent>& b);

// "mask M, workload W (seed S): event #i: reference <...>, this mask <...>"
std::string describe_mismatch(std::uint32_t mask, const Workload& w, const std::vector<hakmem::TraceEvent>& ref,
                              const std::vector<hakmem::TraceEvent>& got, long index);

}  // namespace hakmem_equiv
