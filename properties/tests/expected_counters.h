// The expected value of every telemetry counter, derived from the behaviour trace and the
// executor's ledger (the model's count of API calls) -- never from the counters themselves.
// Key: "FAMILY/name" or "FAMILY/name[cls]", as StatsReader::visit names them.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hakmem/core/trace.h"
#include "hakmem_ops/executor.h"

namespace hakmem_ops {

using CounterMap = std::map<std::string, std::uint64_t>;

std::string counter_key(const char* family, const char* name, int cls);

CounterMap expected_counters(const std::vector<hakmem::TraceEvent>& trace, const Ledger& ledger);

// Counters the model cannot predict one by one, with the identity they must satisfy instead.
// Pool v2 alloc_fast / alloc_refill depend on the per-heap hotbox; their sum is checked.
inline const char* const kSumOnlyCounters[] = {"POOL_HOTBOX_V2_STATS/alloc_fast", "POOL_HOTBOX_V2_STATS/alloc_refill"};

// Every difference between actual and expected ("key: actual A, expected E"), plus counters
// with no expectation at all.
std::vector<std::string> compare_counters(const CounterMap& actual, const CounterMap& expected);

}  // namespace hakmem_ops
