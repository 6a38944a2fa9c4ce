#include "decoy_heap.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

enum { kHeader = 32, kClasses = 17, kMinShift = 4, kChunk = 4 << 20 };
#define LARGE_FLAG (1ull << 63)

/* In front of every user pointer. For an aligned block, `offset` leads back to the raw one. */
struct hdr {
  uint64_t info;   /* class index, or LARGE_FLAG | mapped length */
  uint32_t owner;  /* dh_self() of the allocating thread */
  uint32_t offset; /* user pointer - raw user pointer */
  struct hdr* next;
  uint64_t pad;
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hdr* g_free[kClasses];
static char* g_bump;
static size_t g_bump_left;
static uint32_t g_next_tid = 1;
static __thread uint32_t t_tid __attribute__((tls_model("initial-exec")));

uint32_t dh_self(void) {
  if (!t_tid) t_tid = __atomic_fetch_add(&g_next_tid, 1, __ATOMIC_RELAXED);
  return t_tid;
}

static struct hdr* header(const void* p) { return (struct hdr*)((char*)p - kHeader); }
static size_t class_size(unsigned c) { return (size_t)1 << (c + kMinShift); }

static void* map(size_t n) {
  void* p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

/* Returns the raw user pointer of a block of at least n bytes. */
static char* raw_alloc(size_t n) {
  if (n > (size_t)PTRDIFF_MAX - kHeader - 4096) return NULL; /* the rounding below would wrap */
  if (n > class_size(kClasses - 1)) {
    const size_t len = (n + kHeader + 4095) & ~(size_t)4095;
    char* base = map(len);
    if (!base) return NULL;
    struct hdr* h = (struct hdr*)base;
    h->info = LARGE_FLAG | len;
    h->owner = dh_self();
    h->offset = 0;
    return base + kHeader;
  }
  unsigned c = 0;
  while (class_size(c) < n) ++c;
  const size_t block = kHeader + class_size(c);
  pthread_mutex_lock(&g_lock);
  struct hdr* h = g_free[c];
  if (h) {
    g_free[c] = h->next;
  } else {
    if (g_bump_left < block) {
      const size_t len = block > kChunk ? block : kChunk;
      g_bump = map(len);
      g_bump_left = g_bump ? len : 0;
    }
    if (!g_bump) {
      pthread_mutex_unlock(&g_lock);
      return NULL;
    }
    h = (struct hdr*)g_bump;
    g_bump += block;
    g_bump_left -= block;
  }
  pthread_mutex_unlock(&g_lock);
  h->info = c;
  h->owner = dh_self();
  h->offset = 0;
  h->next = NULL;
  return (char*)h + kHeader;
}

void* dh_malloc(size_t n) {
  void* p = raw_alloc(n ? n : 1);
  if (!p) errno = ENOMEM;
  return p;
}

void dh_free(void* p) {
  if (!p) return;
  struct hdr* h = header((char*)p - header(p)->offset);
  if (h->info & LARGE_FLAG) {
    munmap(h, (size_t)(h->info & ~LARGE_FLAG));
    return;
  }
  pthread_mutex_lock(&g_lock);
  h->next = g_free[h->info];
  g_free[h->info] = h;
  pthread_mutex_unlock(&g_lock);
}

size_t dh_usable(const void* p) {
  if (!p) return 0;
  const struct hdr* h = header(p);
  const struct hdr* raw = header((const char*)p - h->offset);
  const size_t total = (raw->info & LARGE_FLAG) ? (size_t)(raw->info & ~LARGE_FLAG) - kHeader : class_size((unsigned)raw->info);
  return total - h->offset;
}

uint32_t dh_owner(const void* p) { return header(p)->owner; }

void* dh_calloc(size_t count, size_t size) {
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) {
    errno = ENOMEM;
    return NULL;
  }
  void* p = dh_malloc(n);
  if (p) memset(p, 0, n);
  return p;
}

void* dh_realloc(void* p, size_t n) {
  if (!p) return dh_malloc(n);
  const size_t have = dh_usable(p);
  if (n <= have) return p;
  void* q = dh_malloc(n);
  if (!q) return NULL;
  memcpy(q, p, have);
  dh_free(p);
  return q;
}

void* dh_memalign_skewed(size_t align, size_t n, size_t skew) {
  if (align <= 16 && skew == 0) return dh_malloc(n);
  size_t total;
  const int wraps = __builtin_add_overflow(n, align + skew + kHeader, &total);
  char* raw = wraps ? NULL : raw_alloc(total);
  if (!raw) {
    errno = ENOMEM;
    return NULL;
  }
  uintptr_t u = ((uintptr_t)raw + kHeader + align - 1) & ~(uintptr_t)(align - 1);
  u += skew;
  struct hdr* h = header((void*)u);
  const struct hdr* rh = header(raw);
  h->info = rh->info;
  h->owner = rh->owner;
  h->offset = (uint32_t)(u - (uintptr_t)raw);
  return (void*)u;
}

/* fork(): hold the lock across it, so the child never inherits it locked by a thread that
 * does not exist there. (The fork-unsafe decoy skips exactly this.) */
static void lock_heap(void) { pthread_mutex_lock(&g_lock); }
static void unlock_heap(void) { pthread_mutex_unlock(&g_lock); }

__attribute__((constructor)) static void decoy_init(void) {
  if (!decoy.skip_atfork) pthread_atfork(lock_heap, unlock_heap, unlock_heap);
}
