// The hak_* C API over the production instance.
#include <errno.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "hakmem/core/stats.h"
#include "hakmem/hakmem.h"
#include "production.h"

using hakmem::production;

#define HAKMEM_API extern "C" __attribute__((visibility("default")))

HAKMEM_API void* hak_malloc(size_t size) { return production().malloc(size); }
HAKMEM_API void hak_free(void* p) { production().free(p); }
HAKMEM_API void* hak_calloc(size_t n, size_t size) { return production().calloc(n, size); }
HAKMEM_API void* hak_realloc(void* p, size_t size) { return production().realloc(p, size); }
HAKMEM_API void* hak_reallocarray(void* p, size_t n, size_t size) { return production().reallocarray(p, n, size); }
HAKMEM_API void* hak_aligned_alloc(size_t align, size_t size) { return production().aligned_alloc(align, size); }
HAKMEM_API int hak_posix_memalign(void** out, size_t align, size_t size) {
  return production().posix_memalign(out, align, size);
}
HAKMEM_API void* hak_memalign(size_t align, size_t size) { return production().memalign(align, size); }
HAKMEM_API void* hak_valloc(size_t size) { return production().valloc(size); }
HAKMEM_API void* hak_pvalloc(size_t size) { return production().pvalloc(size); }
HAKMEM_API size_t hak_usable_size(const void* p) { return production().usable_size(p); }

HAKMEM_API void hak_thread_flush(void) { production().thread_flush(); }
HAKMEM_API void hak_drain_spill(void) { production().drain_spill(); }
HAKMEM_API void hak_quiesce(void) { production().quiesce(); }
HAKMEM_API void hak_pool_v2_set_enabled(int enabled) { production().set_pool_v2(enabled != 0); }
HAKMEM_API void hak_bg_spill_set_enabled(int enabled) { production().set_bg_spill(enabled != 0); }
HAKMEM_API void hak_os_fault_inject(uint64_t nth, uint64_t every) { production().os().inject_faults(nth, every); }
HAKMEM_API int hak_heap_check(hak_heap_report* report) { return production().check(report); }

HAKMEM_API uint32_t hak_telemetry_mask(void) { return hakmem::kProductionMask; }

HAKMEM_API size_t hak_stats_count(void) {
  size_t n = 0;
  hakmem::StatsReader::visit(production().telemetry(), [&](const char*, const char*, int, uint64_t) { ++n; });
  return n;
}

HAKMEM_API int hak_stats_get(size_t i, const char** family, const char** name, uint64_t* value) {
  static thread_local char name_buf[64];
  size_t k = 0;
  int found = -1;
  hakmem::StatsReader::visit(production().telemetry(), [&](const char* fam, const char* base, int cls, uint64_t v) {
    if (k++ != i) return;
    if (cls >= 0)
      std::snprintf(name_buf, sizeof name_buf, "%s[C%d]", base, cls);
    else
      std::snprintf(name_buf, sizeof name_buf, "%s", base);
    if (family) *family = fam;
    if (name) *name = name_buf;
    if (value) *value = v;
    found = 0;
  });
  return found;
}

HAKMEM_API void hak_stats_dump(int fd) {
  char line[160];
  int n = std::snprintf(line, sizeof line, "hakmem stats: telemetry mask %#x\n", hakmem::kProductionMask);
  ssize_t ignored = write(fd, line, static_cast<size_t>(n));
  hakmem::StatsReader::visit(production().telemetry(), [&](const char* fam, const char* base, int cls, uint64_t v) {
    if (cls >= 0)
      n = std::snprintf(line, sizeof line, "hakmem stats: %-28s %s[C%d] = %llu\n", fam, base, cls, (unsigned long long)v);
    else
      n = std::snprintf(line, sizeof line, "hakmem stats: %-28s %s = %llu\n", fam, base, (unsigned long long)v);
    ignored = write(fd, line, static_cast<size_t>(n));
  });
  (void)ignored;
}
