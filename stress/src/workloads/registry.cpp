#include "workloads/registry.h"

namespace stress {

std::span<Workload* const> all_workloads() {
  static Workload* const all[] = {
      &random_mixed_workload(), &remote_free_workload(),  &transfer_workload(),    &spill_flood_workload(),
      &larson_workload(),       &realloc_chain_workload(), &calloc_zero_workload(), &aligned_workload(),
      &large_workload(),        &mid_pool_workload(),      &fork_workload(),        &os_faults_workload(),
  };
  return all;
}

Workload* find_workload(std::string_view name) {
  for (Workload* w : all_workloads())
    if (name == w->name()) return w;
  return nullptr;
}

}  // namespace stress
