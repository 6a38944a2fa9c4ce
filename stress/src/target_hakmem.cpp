// Built only when the hakmem library target exists (STRESS_HAVE_HAKMEM).
#include <cstring>

#include "target.h"

namespace stress {
namespace {
std::size_t hak_usable(void* p) { return hak_usable_size(p); }
bool g_enabled = false;  // set when --target=hakmem is selected
}  // namespace

const Target* hakmem_target() {
  static const Target t{"hakmem",          true,          &hak_malloc,  &hak_free,   &hak_calloc,
                        &hak_realloc,      &hak_reallocarray,           &hak_aligned_alloc,
                        &hak_posix_memalign, &hak_memalign, &hak_valloc, &hak_pvalloc, &hak_usable, ""};
  g_enabled = true;
  return &t;
}

namespace hak {
bool available() { return g_enabled; }
bool heap_check(hak_heap_report* r) {
  if (!g_enabled) return false;
  hak_heap_check(r);
  return true;
}
void quiesce() {
  if (g_enabled) hak_quiesce();
}
void drain_spill() {
  if (g_enabled) hak_drain_spill();
}
void thread_flush() {
  if (g_enabled) hak_thread_flush();
}
void set_pool_v2(bool on) {
  if (g_enabled) hak_pool_v2_set_enabled(on ? 1 : 0);
}
void set_bg_spill(bool on) {
  if (g_enabled) hak_bg_spill_set_enabled(on ? 1 : 0);
}
void os_fault_inject(uint64_t fail_nth, uint64_t fail_every) {
  if (g_enabled) hak_os_fault_inject(fail_nth, fail_every);
}
bool stats_family_sum(const char* family, uint64_t* sum) {
  if (!g_enabled) return false;
  bool found = false;
  *sum = 0;
  for (std::size_t i = 0, n = hak_stats_count(); i < n; ++i) {
    const char* fam = nullptr;
    const char* name = nullptr;
    uint64_t v = 0;
    if (hak_stats_get(i, &fam, &name, &v) == 0 && fam && std::strcmp(fam, family) == 0) {
      found = true;
      *sum += v;
    }
  }
  return found;
}
}  // namespace hak

}  // namespace stress
