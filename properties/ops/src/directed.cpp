#include "hakmem_ops/directed.h"

#include "hakmem/core/heap.h"
#include "hakmem/core/size_classes.h"
#include "hakmem_ops/executor.h"

namespace hakmem_ops {
namespace {

Op malloc_op(unsigned t, unsigned slot, std::uint64_t size) {
  return Op{.kind = OpKind::kMalloc, .thread = std::uint8_t(t), .slot = std::uint16_t(slot), .size = size};
}
Op free_op(unsigned t, unsigned slot) {
  return Op{.kind = OpKind::kFree, .thread = std::uint8_t(t), .slot = std::uint16_t(slot)};
}

// Class c overflows: thread 0 holds one and a half front caches of live blocks and frees them
// all, so the cache fills and overflows (half of it to the spill queue as far as the target
// allows, the rest to slabs). Thread 1 then allocates (its refill pops the spill queue), thread 2
// frees some of those remotely, thread 3 drains the spill queue, and thread 1's next refill
// drains its remote list.
DirectedWorkload overflow(unsigned c, std::uint32_t spill_target) {
  DirectedWorkload w;
  w.name = "overflow class " + std::to_string(c) + ", spill target " + std::to_string(spill_target);
  w.options = default_options();
  w.options.spill_target = spill_target;
  const std::uint64_t size = hakmem::kTinySizes[c];
  const unsigned n = front_capacity(c) * 3 / 2;  // <= 96 < kModelSlots
  for (unsigned s = 0; s < n; ++s) w.ops.push_back(malloc_op(0, s, size));
  for (unsigned s = 0; s < n; ++s) w.ops.push_back(free_op(0, s));
  for (unsigned s = 0; s < n / 2; ++s) w.ops.push_back(malloc_op(1, s, size));
  for (unsigned s = 0; s < n / 4; ++s) w.ops.push_back(Op{.kind = OpKind::kRemoteFree, .thread = 2, .slot = std::uint16_t(s)});
  w.ops.push_back(Op{.kind = OpKind::kDrainSpill, .thread = 3});
  for (unsigned s = n / 2; s < n; ++s) w.ops.push_back(malloc_op(1, s, size));
  w.ops.push_back(Op{.kind = OpKind::kCheck});
  return w;
}

// Class c overflows twice with no refill in between (thread 0 frees two and a half caches'
// worth of live blocks: the first overflow doubles the cache): the second overflow finds the
// spill queue at its target of 2, so flow control must push nothing. The Phase 28 decision,
// reached by every run of this workload.
DirectedWorkload double_overflow(unsigned c) {
  DirectedWorkload w;
  w.name = "overflow class " + std::to_string(c) + " twice, spill target 2";
  w.options = default_options();
  w.options.spill_target = 2;
  const std::uint64_t size = hakmem::kTinySizes[c];
  const unsigned n = front_capacity(c) * 5 / 2 + 2;  // <= 162 < kModelSlots
  for (unsigned s = 0; s < n; ++s) w.ops.push_back(malloc_op(0, s, size));
  for (unsigned s = 0; s < n; ++s) w.ops.push_back(free_op(0, s));
  w.ops.push_back(Op{.kind = OpKind::kCheck});
  return w;
}

// Pool v2: a hotbox that fills (frees beyond its capacity fall back to v1), blocks allocated
// under v1 freed under v2, and a refill whose superslab commit fails (the allocation falls back
// to v1, which succeeds: the fault is one-shot).
DirectedWorkload pool_v2_edges() {
  DirectedWorkload w;
  w.name = "pool v2 hotbox full, v1 blocks, refill failure";
  w.options = default_options();
  unsigned s = 0;
  for (; s < 4; ++s) w.ops.push_back(malloc_op(0, s, 4096));  // under v1
  w.ops.push_back(Op{.kind = OpKind::kPoolV2, .arg = 1});
  const unsigned n = hakmem::kHotboxCapacity * 3;
  for (unsigned k = 0; k < n; ++k) w.ops.push_back(malloc_op(1, 4 + k, 2048));
  for (unsigned k = 0; k < n; ++k) w.ops.push_back(free_op(1, 4 + k));  // fills the hotbox, then v1
  for (unsigned k = 0; k < 4; ++k) w.ops.push_back(free_op(1, k));      // v1 blocks, freed under v2
  w.ops.push_back(malloc_op(2, 100, 64));                                // thread 2 has a heap now
  w.ops.push_back(Op{.kind = OpKind::kInjectFault, .arg = 1});           // its next map fails:
  w.ops.push_back(malloc_op(2, 101, 32768));                             // the 32 KiB refill's commit
  w.ops.push_back(malloc_op(2, 102, 32768));
  w.ops.push_back(Op{.kind = OpKind::kPoolV2, .arg = 0});
  w.ops.push_back(Op{.kind = OpKind::kCheck});
  return w;
}

}  // namespace

std::vector<DirectedWorkload> directed_workloads() {
  std::vector<DirectedWorkload> ws;
  for (unsigned c = 0; c < hakmem::kTinyClassCount; ++c)
    for (std::uint32_t target : {2u, 1024u}) ws.push_back(overflow(c, target));
  for (unsigned c = 0; c < hakmem::kTinyClassCount; ++c) ws.push_back(double_overflow(c));
  ws.push_back(pool_v2_edges());
  return ws;
}

}  // namespace hakmem_ops
