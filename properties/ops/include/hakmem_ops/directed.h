// Directed workloads: op sequences built to reach the allocator's rarely taken paths, which
// random op mixes (64 slots spread over every class and thread) never reach: a front cache
// overflowing into the spill queue for every class with the flow-control target low and high,
// spill drains by other threads, remote frees drained by a refill, pool v2 hotboxes that fill
// up and refills that meet an OS failure. Counter exactness runs them so that every counter
// site is checked, not only the common ones.
#pragma once
#include <string>
#include <vector>

#include "hakmem/core/options.h"
#include "hakmem_ops/op.h"

namespace hakmem_ops {

struct DirectedWorkload {
  std::string name;
  hakmem::Options options;
  std::vector<Op> ops;
};

std::vector<DirectedWorkload> directed_workloads();

}  // namespace hakmem_ops
