#include "production.h"

#include <pthread.h>
#include <unistd.h>

#include <cstdlib>
#include <new>

#include "hakmem/core/stats.h"

namespace hakmem {

std::atomic<ProductionAllocator*> g_production{nullptr};

namespace {

alignas(ProductionAllocator) unsigned char g_storage[sizeof(ProductionAllocator)];
std::atomic<int> g_init_lock{0};
thread_local bool t_initialising = false;

void dump_stats_at_exit() { hak_stats_dump(STDERR_FILENO); }

}  // namespace

ProductionAllocator* production_init() noexcept {
  // Nothing in construction allocates; if that ever changes this names the problem instead of
  // deadlocking on our own lock.
  if (t_initialising) fatal_internal("allocation while constructing the allocator");
  while (g_init_lock.exchange(1, std::memory_order_acquire)) sched_yield();
  ProductionAllocator* a = g_production.load(std::memory_order_acquire);
  if (!a) {
    t_initialising = true;
    Options opt = Options::from_env();
    const bool bg = opt.bg_spill;
    opt.bg_spill = false;  // started below, once the instance is published (pthread_create allocates)
    a = new (g_storage) ProductionAllocator(opt);
    g_production.store(a, std::memory_order_release);
    t_initialising = false;
    g_init_lock.store(0, std::memory_order_release);
    pthread_atfork([] { g_production.load()->prefork(); }, [] { g_production.load()->postfork_parent(); },
                   [] { g_production.load()->postfork_child(); });
    if (opt.stats_dump) std::atexit(dump_stats_at_exit);
    if (bg) a->set_bg_spill(true);
    return a;
  }
  g_init_lock.store(0, std::memory_order_release);
  return a;
}

}  // namespace hakmem
