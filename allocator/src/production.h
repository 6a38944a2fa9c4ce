// The production instance: one Allocator<Config<kProductionMask>> per process, created on the
// first call (from whichever thread makes it) and never destroyed, so allocations made during
// static destruction and by exiting threads stay valid.
#pragma once
#include <atomic>

#include "hakmem/core/allocator.h"
#include "hakmem/core/production_mask.h"

namespace hakmem {

// Its one instance is never destroyed, so the thread context needs no instance compare.
using ProductionAllocator = Allocator<Config<kProductionMask, StdAtomics, ProcessTlsContext>>;

extern std::atomic<ProductionAllocator*> g_production;
ProductionAllocator* production_init() noexcept;

inline ProductionAllocator& production() noexcept {
  ProductionAllocator* a = g_production.load(std::memory_order_acquire);
  if (HAKMEM_LIKELY(a != nullptr)) return *a;
  return *production_init();
}

}  // namespace hakmem
