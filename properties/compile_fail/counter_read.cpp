// "Allocator code" that wants a telemetry counter's value for a decision (the seed's Phase 28
// mistake). Counters are write-only: each HAKMEM_READ_* variant must fail to compile; the
// default variant, reading through the stats API (StatsReader), must compile, so the failures
// are about the access and nothing else.
#include <cstdint>

#include "hakmem/core/stats.h"
#include "hakmem/core/telemetry.h"

namespace {
hakmem::Telemetry<hakmem::kAllFlagsMask> tel;
}

std::uint64_t flow_length_from_telemetry() {
#if defined(HAKMEM_READ_PRIVATE)
  return tel.tiny_free.slab_free_enter.value_.load();  // the storage is private
#elif defined(HAKMEM_READ_CONVERT)
  return tel.tiny_free.slab_free_enter;  // no conversion to a number
#elif defined(HAKMEM_READ_ACCESSOR)
  return tel.tiny_free.slab_free_enter.load();  // no reading accessor
#else
  return hakmem::StatsReader::family_total(tel, hakmem::Flag::TINY_FREE_STATS);  // legal
#endif
}

int main() {
  tel.tiny_free.slab_free_enter.inc();
  return flow_length_from_telemetry() == 1 ? 0 : 1;
}
