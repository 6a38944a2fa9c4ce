#include "expected_counters.h"

#include <cstdio>
#include <cstring>
#include <utility>

#include "hakmem/core/size_classes.h"

namespace hakmem_ops {

using hakmem::Ev;
using hakmem::Path;

std::string counter_key(const char* family, const char* name, int cls) {
  char buf[96];  // snprintf: gcc 12 -O3 warns falsely (-Wrestrict) on chained string +
  if (cls >= 0) std::snprintf(buf, sizeof buf, "%s/%s[%d]", family, name, cls);
  else std::snprintf(buf, sizeof buf, "%s/%s", family, name);
  return buf;
}

namespace {
int class_of_size(std::uint64_t block) {
  for (unsigned c = 0; c < hakmem::kTinyClassCount; ++c)
    if (hakmem::kTinySizes[c] == block) return static_cast<int>(c);
  return -1;
}
}  // namespace

CounterMap expected_counters(const std::vector<hakmem::TraceEvent>& trace, const Ledger& ledger) {
  constexpr unsigned N = hakmem::kTinyClassCount;
  // empty_refills: refills that found no block (an OS failure): a miss with no allocation.
  // slab_direct_frees: a thread without a heap adopted the block's owner at the free.
  std::uint64_t allocs[N] = {}, refills[N] = {}, empty_refills[N] = {}, local_frees[N] = {}, remote_frees[N] = {}, overflows[N] = {},
                pushed[N] = {}, slab_direct_frees[N] = {};
  std::uint64_t refill_blocks = 0, slab_frees = 0, not_tiny = 0, v2_allocs = 0, v2_fast_frees = 0;
  std::map<std::pair<std::uint32_t, std::uint64_t>, int> tiny_class_at;  // (region, offset) -> class
  for (const hakmem::TraceEvent& e : trace) {
    const auto where = std::make_pair(e.region, e.offset);
    switch (e.kind) {
      case Ev::kAlloc:
        if (e.path == Path::kFront) {
          const int c = class_of_size(e.b);
          tiny_class_at[where] = c;
          if (c >= 0) ++allocs[c];
        } else if (e.path == Path::kPoolV2) {
          ++v2_allocs;
        }
        break;
      case Ev::kRefill:
        ++refills[e.cls];
        if (e.b + e.c == 0) ++empty_refills[e.cls];
        refill_blocks += e.b + e.c;
        break;
      case Ev::kFree:
        if (e.path == Path::kFront) {
          ++local_frees[tiny_class_at.at(where)];
        } else if (e.path == Path::kSlab) {
          ++slab_direct_frees[tiny_class_at.at(where)];
          ++slab_frees;
        } else {
          ++not_tiny;
        }
        if (e.path == Path::kPoolV2) ++v2_fast_frees;
        break;
      case Ev::kRemotePush:
        if (e.a == 0) ++remote_frees[tiny_class_at.at(where)];  // from free(); a = 1: from a cache
        else slab_frees -= 1;  // counted in a slab-return below, but went to its owner instead
        break;
      case Ev::kFlowControl:
        ++overflows[e.cls];
        pushed[e.cls] += e.c;
        break;
      case Ev::kSlabReturn:
      case Ev::kSpillDrain:
        slab_frees += e.a;
        break;
      case Ev::kRemoteDrain:
        slab_frees += e.a - e.b;  // the rest went into front caches
        break;
      default:
        break;
    }
  }

  CounterMap x;
  std::uint64_t hits = 0, misses = 0, tiny_frees = 0, remote = 0;
  for (unsigned c = 0; c < N; ++c) {
    const int k = static_cast<int>(c);
    const std::uint64_t hit = allocs[c] - (refills[c] - empty_refills[c]);  // the rest came by a refill
    x[counter_key("TINY_CLASS_STATS", "alloc_hit", k)] = hit;
    x[counter_key("TINY_CLASS_STATS", "alloc_miss", k)] = refills[c];
    x[counter_key("TINY_CLASS_STATS", "free_hit", k)] = local_frees[c];
    x[counter_key("TINY_CLASS_STATS", "free_overflow", k)] = overflows[c];
    x[counter_key("TINY_CLASS_STATS", "spill_pushed", k)] = pushed[c];
    x[counter_key("TINY_UNIFIED_CACHE_MEASURE", "class_hits", k)] = hit;
    x[counter_key("TINY_UNIFIED_CACHE_MEASURE", "class_misses", k)] = refills[c];
    hits += hit;
    misses += refills[c];
    tiny_frees += local_frees[c] + remote_frees[c] + slab_direct_frees[c];
    remote += remote_frees[c];
  }
  x["TINY_FREE_STATS/slab_free_enter"] = slab_frees;
  x["TINY_UNIFIED_CACHE_MEASURE/hits"] = hits;
  x["TINY_UNIFIED_CACHE_MEASURE/misses"] = misses;
  x["TINY_UNIFIED_CACHE_MEASURE/refill_cycles"] = misses;
  x["TINY_UNIFIED_CACHE_MEASURE/refill_blocks"] = refill_blocks;
  // Two independent counts of tiny frees: the trace's and the ledger's. Both must agree.
  x["C7_FREE_COUNT/frees"] = local_frees[N - 1] + remote_frees[N - 1] + slab_direct_frees[N - 1];
  if (ledger.tiny_frees[N - 1] != x["C7_FREE_COUNT/frees"]) x["C7_FREE_COUNT/frees(ledger)"] = ledger.tiny_frees[N - 1];
  x["HDR_MISMATCH_LOG/not_tiny"] = not_tiny;
  if (ledger.nontiny_frees != not_tiny) x["HDR_MISMATCH_LOG/not_tiny(ledger)"] = ledger.nontiny_frees;
  x["HDR_META_MISMATCH/owner_mismatch"] = remote;
  x["METRIC_BAD_CLASS/no_tiny_class"] = ledger.malloc_beyond_tiny;
  x["HDR_META_FAST/fast_lookups"] = tiny_frees;
  // Pool v2. A refill that meets an OS failure falls back to v1, which may still succeed (the
  // trace then shows a v2 allocation) or not (no allocation event at all).
  x["POOL_HOTBOX_V2_STATS/alloc_calls"] = ledger.pool_allocs_v2;
  if (v2_allocs > ledger.pool_allocs_v2 || v2_allocs + ledger.pool_refill_fails_v2 < ledger.pool_allocs_v2)
    x["POOL_HOTBOX_V2_STATS/alloc_calls(trace)"] = v2_allocs;
  x["POOL_HOTBOX_V2_STATS/alloc_refill_fail"] = ledger.pool_refill_fails_v2;
  x["POOL_HOTBOX_V2_STATS/alloc_fallback_v1"] = ledger.pool_refill_fails_v2;
  x["POOL_HOTBOX_V2_STATS/free_calls"] = ledger.pool_frees_v2;
  x["POOL_HOTBOX_V2_STATS/free_fast"] = v2_fast_frees;
  x["POOL_HOTBOX_V2_STATS/free_fallback_v1"] = ledger.pool_frees_v2 - v2_fast_frees;
  for (const char* n : {"page_of_fail_foreign", "page_of_fail_unaligned", "page_of_fail_class", "page_of_fail_not_pool"})
    x[std::string("POOL_HOTBOX_V2_STATS/") + n] = 0;
  x["POOL_HOTBOX_V2_STATS/alloc_fast+alloc_refill"] = ledger.pool_allocs_v2 - ledger.pool_refill_fails_v2;
  return x;
}

std::vector<std::string> compare_counters(const CounterMap& actual, const CounterMap& expected) {
  std::vector<std::string> diffs;
  CounterMap act = actual;
  // The sum-only pair becomes one synthetic counter.
  if (act.count(kSumOnlyCounters[0]))
    act["POOL_HOTBOX_V2_STATS/alloc_fast+alloc_refill"] = act[kSumOnlyCounters[0]] + act[kSumOnlyCounters[1]];
  for (const char* k : kSumOnlyCounters) act.erase(k);
  for (const auto& [key, value] : act) {
    auto it = expected.find(key);
    if (it == expected.end())
      diffs.push_back(key + ": actual " + std::to_string(value) + ", no expectation");
    else if (it->second != value)
      diffs.push_back(key + ": actual " + std::to_string(value) + ", expected " + std::to_string(it->second));
  }
  // Model-internal disagreements (trace vs ledger) are reported too.
  for (const auto& [key, value] : expected)
    if (key.find('(') != std::string::npos)
      diffs.push_back(key + ": the trace and the ledger disagree (" + std::to_string(value) + ")");
  return diffs;
}

}  // namespace hakmem_ops
