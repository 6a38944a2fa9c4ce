/* Defect: hands a live block out twice. Every 64th free of a small block leaves a "ghost"
 * copy of the pointer behind; the next fitting malloc returns the ghost although the block is
 * also still on the free list, so a later malloc returns it again while it is live.
 * Caught by: any workload's live-range check (inv1-overlap). */
#include <pthread.h>

#include "decoy_heap.h"

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static void* g_ghost;
static unsigned long g_frees;

static void ghost_free(void* p) {
  const size_t usable = dh_usable(p);
  dh_free(p);
  if (usable <= 1024 && __atomic_add_fetch(&g_frees, 1, __ATOMIC_RELAXED) % 64 == 0) {
    pthread_mutex_lock(&g_mu);
    g_ghost = p;
    pthread_mutex_unlock(&g_mu);
  }
}

static void* ghost_malloc(size_t n) {
  pthread_mutex_lock(&g_mu);
  void* g = g_ghost;
  if (g && dh_usable(g) >= n && dh_usable(g) <= 2 * n + 16) {
    g_ghost = NULL;
  } else {
    g = NULL;
  }
  pthread_mutex_unlock(&g_mu);
  return g ? g : dh_malloc(n);
}

const struct decoy_ops decoy = {.malloc = ghost_malloc, .free = ghost_free};
