// OS failures as schedule choices. Wire an allocator's OS layer to the checker with
//   alloc.os().set_fault_oracle(&interleave::os_fault_oracle, nullptr);
// and set Options::os_faults: then each commit, map and remap in a logical thread (up to that
// many failures per run) is a decision of the strategy, so DFS tries both outcomes, random and
// PCT fail one in four, and the schedule string replays which call failed ('S'/'F').
#pragma once
#include <cstddef>

#include "hakmem/core/os_layer.h"

namespace interleave {

bool os_fault_oracle(void* ctx, hakmem::OsLayer::Call call, std::size_t bytes) noexcept;

}  // namespace interleave
