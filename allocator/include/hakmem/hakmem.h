/* hakmem: the public C API of the allocator under test.
 *
 * The hak_* allocation functions behave like their C/POSIX namesakes (errno ENOMEM/EINVAL,
 * calloc overflow gives NULL). libhakmem.so additionally exports malloc, free, ... so that
 * LD_PRELOAD makes hakmem the process allocator; both names reach the same single instance.
 *
 * Environment (read once, at the first allocation; a malformed value is a fatal error):
 *   HAKMEM_BG_SPILL=0|1          start the background spill drainer thread (default 0)
 *   HAKMEM_BG_SPILL_TARGET=N     spill-queue flow-control target per class, 1..1048576 (32)
 *   HAKMEM_POOL_V2_ENABLED=0|1   route mid-size requests through the v2 hotbox (default 0)
 *   HAKMEM_POOL_CACHE_BYTES=N    free bytes of each mid-size class a thread keeps at first,
 *                                0..67108864 (131072; at least two blocks a class; the classes
 *                                a thread trades both ways grow by 16x this in all; 0: no caches)
 *   HAKMEM_STATS_DUMP=0|1        print every compiled-in telemetry counter at exit (default 0)
 */
#ifndef HAKMEM_HAKMEM_H
#define HAKMEM_HAKMEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- allocation ---------------------------------------------------------------------------- */
void* hak_malloc(size_t size);
void hak_free(void* ptr);
void* hak_calloc(size_t count, size_t size);
void* hak_realloc(void* ptr, size_t size);
void* hak_reallocarray(void* ptr, size_t count, size_t size);
void* hak_aligned_alloc(size_t alignment, size_t size);
int hak_posix_memalign(void** out, size_t alignment, size_t size);
void* hak_memalign(size_t alignment, size_t size);
void* hak_valloc(size_t size);
void* hak_pvalloc(size_t size);
size_t hak_usable_size(const void* ptr);

/* ---- maintenance: deterministic versions of background work ------------------------------- */
/* Returns this thread's front-cache, pool-cache and hotbox blocks to their slabs / the pool. */
void hak_thread_flush(void);
/* One full drain pass of every spill queue (what the background drainer does). */
void hak_drain_spill(void);
/* Brings the allocator to quiescence: flushes this thread, drains every spill queue, and drains
 * the remote lists of this thread's heap and of every orphaned heap. Call only while no other
 * thread allocates or frees. */
void hak_quiesce(void);
/* Turns the v2 hotbox on or off at run time (overrides HAKMEM_POOL_V2_ENABLED). */
void hak_pool_v2_set_enabled(int enabled);
/* Starts (1) or stops (0) the background spill drainer (overrides HAKMEM_BG_SPILL). */
void hak_bg_spill_set_enabled(int enabled);
/* OS-layer fault injection: fail the fail_nth-th map from now (1-based; 0 = off) and/or every
 * fail_every-th map (0 = off). Failed maps make requests return NULL with errno ENOMEM. */
void hak_os_fault_inject(uint64_t fail_nth, uint64_t fail_every);

/* ---- accounting ---------------------------------------------------------------------------- */
#define HAK_TINY_CLASSES 20 /* tiny size classes, 16..1024 B */

typedef struct hak_heap_report {
  uint64_t tiny_live_blocks;     /* capacity - free - in transit, summed over tiny slabs */
  uint64_t tiny_free_blocks;     /* blocks on slab free lists or never carved */
  uint64_t tiny_capacity_blocks; /* blocks of all assigned tiny slabs */
  uint64_t tiny_transit_blocks;  /* blocks in front caches, spill queues and remote lists */
  uint64_t tiny_slabs;           /* assigned tiny slabs */
  uint64_t pool_live_blocks;     /* mid-size blocks handed out and not freed */
  uint64_t large_live_blocks;    /* large blocks mapped for callers */
  uint64_t large_live_bytes;
  uint64_t superslabs;           /* superslabs committed from the arena */
  uint64_t mapped_bytes;         /* bytes currently committed or mapped from the OS */
  uint64_t peak_mapped_bytes;
  uint64_t heaps;                /* heaps ever created (live + orphaned) */
  uint64_t orphaned_heaps;
  uint64_t retired_heaps;        /* in a fork child: heaps of threads the fork left behind,
                                    never reused and left out of the walk (their state may be torn) */
  uint64_t spill_length[HAK_TINY_CLASSES]; /* per tiny class: the flow-control length */
  uint64_t spill_blocks[HAK_TINY_CLASSES]; /* per tiny class: blocks actually on the stack */
  uint64_t remote_pending;       /* blocks on remote lists of orphaned heaps and this thread's */
  uint64_t os_map_calls, os_unmap_calls, os_map_failures;
  uint64_t errors;               /* inconsistencies found by the walk (0 when healthy) */
  char first_error[192];         /* the first inconsistency: invariant, slab, values */
  uint64_t spill_target;         /* the flow-control target spill_length is held to */
  uint64_t pool_cached_blocks;   /* mid-size free blocks in threads' pool caches and hotboxes */
} hak_heap_report;

/* Walks every superslab, slab, cache and queue. Exact only at quiescence (after hak_quiesce()
 * with no other thread running). Returns 0 when consistent, -1 and report->errors > 0 if not. */
int hak_heap_check(hak_heap_report* report);

/* ---- telemetry (write-only to allocator code; read here) ---------------------------------- */
/* Number of counters compiled into this build (0 when every flag is off). */
size_t hak_stats_count(void);
/* Reads counter i: its flag family (e.g. "TINY_CLASS_STATS"), its name, and its value.
 * Returns 0, or -1 when i is out of range. */
int hak_stats_get(size_t i, const char** family, const char** name, uint64_t* value);
/* Writes every compiled-in counter, one per line, to the file descriptor. */
void hak_stats_dump(int fd);
/* The telemetry mask this build was compiled with (bit i = flag i of telemetry_flags.def). */
uint32_t hak_telemetry_mask(void);

#ifdef __cplusplus
}
#endif
#endif /* HAKMEM_HAKMEM_H */
