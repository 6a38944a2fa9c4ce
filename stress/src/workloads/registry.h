// Every workload, in the order `all` runs them.
#pragma once
#include <cstddef>
#include <span>
#include <string_view>

#include "workload.h"

namespace stress {

std::span<Workload* const> all_workloads();
Workload* find_workload(std::string_view name);

// One accessor per workload file.
Workload& random_mixed_workload();
Workload& remote_free_workload();
Workload& transfer_workload();
Workload& spill_flood_workload();
Workload& larson_workload();
Workload& realloc_chain_workload();
Workload& calloc_zero_workload();
Workload& aligned_workload();
Workload& large_workload();
Workload& mid_pool_workload();
Workload& fork_workload();
Workload& os_faults_workload();

}  // namespace stress
