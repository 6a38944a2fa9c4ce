#include "block_ops.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "pattern.h"

namespace stress {
namespace {

std::size_t page_size() {
  static const std::size_t p = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return p;
}

const char* api_name(Api a) {
  switch (a) {
    case Api::Malloc: return "malloc";
    case Api::Calloc: return "calloc";
    case Api::ReallocNull: return "realloc(NULL)";
    case Api::AlignedAlloc: return "aligned_alloc";
    case Api::PosixMemalign: return "posix_memalign";
    case Api::Memalign: return "memalign";
    case Api::Valloc: return "valloc";
    case Api::Pvalloc: return "pvalloc";
  }
  return "?";
}

// The alignment a block must have: 16 (invariant 2) or, for requests under 16 bytes, the
// largest power of two not above the size (all the C standard promises); more if asked.
std::size_t required_alignment(const AllocRequest& r) {
  std::size_t a = 16;
  if (r.size < 16) {
    a = 1;
    while (a * 2 <= r.size) a *= 2;
  }
  if (r.api == Api::Valloc || r.api == Api::Pvalloc) return page_size();
  if (r.align > a) a = r.align;  // only the aligned APIs set align
  return a;
}

void add_live(Worker& w, int64_t delta) {
  w.live_pending += delta;
  if (++w.unpublished >= 64 || w.live_pending > (1 << 20) || w.live_pending < -(1 << 20)) flush_live(w);
}

bool track(Worker& w, const Block& b, const char* call) {
  Clash c;
  if (w.run->ranges.insert(b, &c)) return true;
  const Check check = c.requested_overlap ? Check::Overlap : Check::UsableOverlap;
  violation(w.run->rc, check, w.report_thread(),
            "%s returned %p size %zu usable %zu: overlaps live block %p size %zu usable %zu (id %llu, "
            "allocated by thread %u)",
            call, static_cast<void*>(b.p), b.size, b.usable, reinterpret_cast<void*>(c.start),
            static_cast<std::size_t>(c.other.end_size - c.start), static_cast<std::size_t>(c.other.end_usable - c.start),
            static_cast<unsigned long long>(c.other.id), c.other.owner);
  return false;
}

}  // namespace

void flush_live(Worker& w) {
  w.unpublished = 0;
  if (w.live_pending == 0) return;
  Run& r = *w.run;
  const int64_t now = r.live_bytes.fetch_add(w.live_pending, std::memory_order_relaxed) + w.live_pending;
  w.live_pending = 0;
  int64_t peak = r.peak_live_bytes.load(std::memory_order_relaxed);
  while (now > peak && !r.peak_live_bytes.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

bool null_is_expected(Worker& w, const char* call, std::size_t size, int err) {
  if (w.run->faults_injected.load(std::memory_order_relaxed)) {
    if (err == ENOMEM) {
      w.run->enomem_results.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
    violation(w.run->rc, Check::OsFault, w.report_thread(), "%s(%zu) returned NULL with errno %d, expected ENOMEM (%d)",
              call, size, err, ENOMEM);
    return false;
  }
  violation(w.run->rc, Check::NullResult, w.report_thread(), "%s(%zu) returned NULL (errno %d)", call, size, err);
  return false;
}

bool alloc_block(Worker& w, const AllocRequest& req, Block* out) {
  const Target& t = *w.run->target;
  void* p = nullptr;
  errno = 0;
  switch (req.api) {
    case Api::Malloc: p = t.malloc_(req.size); break;
    case Api::Calloc: p = t.calloc_(req.count, req.size / req.count); break;
    case Api::ReallocNull: p = t.realloc_(nullptr, req.size); break;
    case Api::AlignedAlloc: p = t.aligned_alloc_(req.align, req.size); break;
    case Api::PosixMemalign: {
      const int rc = t.posix_memalign_(&p, req.align, req.size);
      if (rc != 0) {
        p = nullptr;
        errno = rc;
      }
      break;
    }
    case Api::Memalign: p = t.memalign_(req.align, req.size); break;
    case Api::Valloc: p = t.valloc_(req.size); break;
    case Api::Pvalloc: p = t.pvalloc_(req.size); break;
  }
  const char* call = api_name(req.api);
  if (!p) {
    null_is_expected(w, call, req.size, errno);
    return false;
  }
  w.count_ops();
  Block b;
  b.p = static_cast<unsigned char*>(p);
  b.size = req.size;
  b.align = static_cast<uint32_t>(req.align);
  b.id = w.new_id();
  b.owner = w.tid;
  b.usable = t.usable_size_(p);

  const std::size_t need = required_alignment(req);
  if (reinterpret_cast<uintptr_t>(p) % need != 0) {
    violation(w.run->rc, Check::Alignment, w.report_thread(), "%s(size %zu, align %zu) returned %p: not %zu-aligned",
              call, req.size, req.align, p, need);
  }
  std::size_t min_usable = req.size;
  if (req.api == Api::Pvalloc) min_usable = (req.size + page_size() - 1) / page_size() * page_size();
  if (b.usable < min_usable) {
    violation(w.run->rc, Check::UsableSize, w.report_thread(), "%s(%zu) returned %p with usable size %zu < %zu", call,
              req.size, p, b.usable, min_usable);
    b.usable = req.size;  // only the requested bytes are ours
  }
  if (!track(w, b, call)) return false;
  Mismatch m;
  if (req.api == Api::Calloc && !verify_zero(b.p, b.size, &m)) {
    violation(w.run->rc, Check::CallocZero, w.report_thread(),
              "calloc(%zu, %zu) returned %p whose byte at offset %zu is 0x%02x, not 0", req.count,
              req.size / req.count, p, m.offset, m.actual);
  }
  fill(b);
  add_live(w, static_cast<int64_t>(b.size));
  *out = b;
  return true;
}

namespace {

// After a violation the target's heap may be corrupt (a lying usable size lets the tool's own
// pattern writes smash a neighbour's header), and one more call into it can crash the run
// before its report is out. So a failed run stops handing blocks back: it forgets them and
// leaks them. The tool reads only the block's own bytes, never the target's metadata.
void abandon_block(Worker& w, Block* b) {
  w.run->ranges.erase(*b);
  add_live(w, -static_cast<int64_t>(b->size));
  *b = Block{};
}

}  // namespace

void free_block(Worker& w, Block* b) {
  Mismatch m;
  if (!verify(*b, &m)) {
    violation(w.run->rc, Check::Contents, w.report_thread(),
              "block %p size %zu usable %zu (id %llu, thread %u): byte at offset %zu is 0x%02x, expected 0x%02x at free",
              static_cast<void*>(b->p), b->size, b->usable, static_cast<unsigned long long>(b->id), b->owner, m.offset,
              m.actual, m.expected);
  }
  if (w.run->failed.load(std::memory_order_relaxed)) {
    abandon_block(w, b);
    return;
  }
  const uint64_t leak_every = w.run->opt->leak_every;
  if (leak_every && ++w.frees % leak_every == 0) {  // the footprint checks' decoy
    abandon_block(w, b);
    return;
  }
  const std::size_t usable = w.run->target->usable_size_(b->p);
  if (usable < b->size) {
    violation(w.run->rc, Check::UsableSize, w.report_thread(),
              "block %p size %zu: usable size was %zu at allocation and is %zu at free", static_cast<void*>(b->p),
              b->size, b->usable, usable);
  }
  if (!w.run->ranges.erase(*b)) {
    violation(w.run->rc, Check::Internal, w.report_thread(), "block %p size %zu id %llu not in the live-range map",
              static_cast<void*>(b->p), b->size, static_cast<unsigned long long>(b->id));
  }
  w.run->target->free_(b->p);
  w.count_ops();
  add_live(w, -static_cast<int64_t>(b->size));
  *b = Block{};
}

bool realloc_block(Worker& w, Block* b, std::size_t n) {
  Mismatch m;
  const bool intact = verify(*b, &m);
  if (!intact) {
    violation(w.run->rc, Check::Contents, w.report_thread(),
              "block %p size %zu (id %llu, thread %u): byte at offset %zu is 0x%02x, expected 0x%02x before realloc",
              static_cast<void*>(b->p), b->size, static_cast<unsigned long long>(b->id), b->owner, m.offset, m.actual,
              m.expected);
  }
  // Forget the old range first: once realloc returns, the old memory may already be another
  // thread's new block.
  if (!w.run->ranges.erase(*b)) {
    violation(w.run->rc, Check::Internal, w.report_thread(), "block %p id %llu not in the live-range map",
              static_cast<void*>(b->p), static_cast<unsigned long long>(b->id));
  }
  errno = 0;
  void* q = w.run->target->realloc_(b->p, n);
  if (!q) {
    const int err = errno;
    Clash c;
    if (!w.run->ranges.insert(*b, &c)) {
      violation(w.run->rc, Check::Overlap, w.report_thread(),
                "block %p was reused by another thread while realloc(%p, %zu) failed", static_cast<void*>(b->p),
                static_cast<void*>(b->p), n);
    }
    null_is_expected(w, "realloc", n, err);
    return false;
  }
  w.count_ops();
  Block nb;
  nb.p = static_cast<unsigned char*>(q);
  nb.size = n;
  nb.usable = w.run->target->usable_size_(q);
  nb.id = w.new_id();
  nb.owner = w.tid;
  if (reinterpret_cast<uintptr_t>(q) % 16 != 0 && n >= 16) {
    violation(w.run->rc, Check::Alignment, w.report_thread(), "realloc(%p, %zu) returned %p: not 16-aligned",
              static_cast<void*>(b->p), n, q);
  }
  if (nb.usable < n) {
    violation(w.run->rc, Check::UsableSize, w.report_thread(), "realloc(%p, %zu) returned %p with usable size %zu",
              static_cast<void*>(b->p), n, q, nb.usable);
    nb.usable = n;
  }
  if (!track(w, nb, "realloc")) return false;
  // The old pattern, read at the new address, up to what realloc must preserve.
  Block moved = *b;
  moved.p = nb.p;
  const std::size_t keep = b->size < n ? b->size : n;
  if (intact && !verify(moved, keep, &m)) {
    violation(w.run->rc, Check::ReallocContents, w.report_thread(),
              "realloc(%p size %zu, %zu) returned %p: byte at offset %zu is 0x%02x, expected 0x%02x (of %zu kept)",
              static_cast<void*>(b->p), b->size, n, q, m.offset, m.actual, m.expected, keep);
  }
  fill(nb);
  add_live(w, static_cast<int64_t>(n) - static_cast<int64_t>(b->size));
  *b = nb;
  return true;
}

}  // namespace stress
