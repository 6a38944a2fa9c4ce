#include "workloads.h"

#include <cstdio>

#include "hakmem_ops/decode.h"
#include "hakmem_ops/directed.h"
#include "hakmem_ops/executor.h"

namespace hakmem_equiv {

using hakmem_ops::Op;
using hakmem_ops::OpKind;

namespace {

// Fills and empties the 1024-B and 768-B classes repeatedly on one thread, so the front cache
// overflows and the spill queue reaches its target (flow control decides), with drains and
// a remote round between.
Workload churn() {
  Workload w;
  w.name = "flow-control churn";
  w.options = hakmem_ops::default_options();
  for (unsigned round = 0; round < 6; ++round) {
    const std::uint64_t size = round % 2 ? 768 : 1024;
    for (std::uint16_t s = 0; s < hakmem_ops::kSlotCount; ++s)
      w.ops.push_back(Op{.kind = OpKind::kMalloc, .slot = s, .size = size});
    for (std::uint16_t s = 0; s < hakmem_ops::kSlotCount; ++s)
      w.ops.push_back(Op{.kind = round == 3 ? OpKind::kRemoteFree : OpKind::kFree, .slot = s});
    if (round == 4) w.ops.push_back(Op{.kind = OpKind::kDrainSpill, .thread = 1});
  }
  return w;
}

// Mid-size blocks with pool v2 on, from two threads, then off again.
Workload pool_v2() {
  Workload w;
  w.name = "pool v2 hotbox";
  w.options = hakmem_ops::default_options();
  w.ops.push_back(Op{.kind = OpKind::kPoolV2, .arg = 1});
  for (unsigned round = 0; round < 4; ++round) {
    for (std::uint16_t s = 0; s < 24; ++s)
      w.ops.push_back(Op{.kind = OpKind::kMalloc, .thread = std::uint8_t(round % 2), .slot = s,
                         .size = 2048u << (s % 5)});
    for (std::uint16_t s = 0; s < 24; ++s) w.ops.push_back(Op{.kind = OpKind::kFree, .thread = std::uint8_t(s % 2), .slot = s});
  }
  w.ops.push_back(Op{.kind = OpKind::kPoolV2, .arg = 0});
  return w;
}

}  // namespace

std::vector<Workload> make_workloads(std::uint64_t seed, unsigned random_count, unsigned ops_per_workload) {
  std::vector<Workload> ws;
  ws.push_back(churn());
  ws.push_back(pool_v2());
  // The rare paths (every class's overflow with the spill target low and high, drains, pool v2
  // edges and a refill failure): a flag that changes behaviour only there must show here too.
  for (hakmem_ops::DirectedWorkload& d : hakmem_ops::directed_workloads())
    ws.push_back(Workload{"directed: " + d.name, 0, std::move(d.ops), d.options});
  for (unsigned i = 0; i < random_count; ++i) {
    Workload w;
    w.seed = seed + i;
    w.name = "random";
    w.ops = hakmem_ops::random_ops(w.seed, ops_per_workload);
    w.options = hakmem_ops::default_options();
    ws.push_back(std::move(w));
  }
  return ws;
}

long first_difference(const std::vector<hakmem::TraceEvent>& a, const std::vector<hakmem::TraceEvent>& b) {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i)
    if (!(a[i] == b[i])) return static_cast<long>(i);
  return a.size() == b.size() ? -1 : static_cast<long>(n);
}

std::string describe_mismatch(std::uint32_t mask, const Workload& w, const std::vector<hakmem::TraceEvent>& ref,
                              const std::vector<hakmem::TraceEvent>& got, long index) {
  const auto i = static_cast<std::size_t>(index);
  char head[200];
  std::snprintf(head, sizeof head, "TRACE MISMATCH: mask %#05x, workload '%s' (seed %llu), event #%ld of %zu/%zu:\n",
                mask, w.name.c_str(), static_cast<unsigned long long>(w.seed), index, ref.size(), got.size());
  std::string s = head;
  s += "  all-off: " + (i < ref.size() ? ref[i].to_string() : std::string("<end of trace>")) + "\n";
  s += "  mask:    " + (i < got.size() ? got[i].to_string() : std::string("<end of trace>")) + "\n";
  return s;
}

}  // namespace hakmem_equiv
