// The executor: runs ops against one Allocator<Cfg> instance and checks every result against
// the model (invariants 1-6 and 8 of DESIGN.md). It owns the instance so it can reset the
// logical-thread slots around it.
//
// Threads: with LogicalContext an op of logical thread t runs on this OS thread after switching
// the current logical thread to t (deterministic, traceable). With any other context policy
// (production TlsContext) ops of threads t != 0 run on a fresh std::thread each, which exits
// after the op (its heap is orphaned and adopted by the next one).
#pragma once
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <type_traits>

#include "hakmem/core/allocator.h"
#include "hakmem_ops/logical_context.h"
#include "hakmem_ops/model.h"
#include "hakmem_ops/op.h"
#include "hakmem_ops/violation.h"

namespace hakmem_ops {

// What the API calls made reached inside the allocator, counted from the model's side: the
// counter-exactness tests compare telemetry with these.
struct Ledger {
  std::uint64_t malloc_beyond_tiny = 0;  // malloc() (direct or from calloc/realloc/aligned<=16) > 1024 B
  std::uint64_t tiny_frees[hakmem::kTinyClassCount] = {};  // frees of tiny blocks, by class
  std::uint64_t nontiny_frees = 0;       // frees of pool and large blocks
  std::uint64_t pool_allocs_v2 = 0;      // pool allocations while pool v2 was on
  std::uint64_t pool_frees_v2 = 0;       // pool frees while pool v2 was on, by a thread with a heap
  // Of pool_allocs_v2: those whose hotbox refill met an OS failure (then served, or not, by v1).
  // An allocation whose heap could not be created never reaches v2 and is not counted at all.
  std::uint64_t pool_refill_fails_v2 = 0;
};

struct ExecOptions {
  bool verify_each_op = false;  // after every op: every live block's pattern + the heap check
};

// Small arena, a low flow-control target and halved front caches, so short sequences reach
// every path.
inline hakmem::Options default_options() {
  hakmem::Options o;
  o.arena_bytes = std::size_t{256} << 20;
  o.spill_target = 16;
  o.front_capacity_divisor = 2;
  return o;
}

// The first front-cache capacity of class c under default_options().
inline std::uint32_t front_capacity(unsigned c) { return hakmem::kFrontCapacity[c] / default_options().front_capacity_divisor; }

template <class Alloc>
class Executor {
 public:
  using Ctx = typename Alloc::Ctx;
  static constexpr bool kLogical = std::is_same_v<Ctx, LogicalContext>;
  // The process's malloc (process_malloc.h): no heap report, so the heap checks are skipped.
  static constexpr bool kHeapCheck = !requires { Alloc::kProcessMalloc; };

  explicit Executor(const hakmem::Options& opt = default_options(), const ExecOptions& eo = {})
      : eo_(eo), arena_bytes_(opt.arena_bytes) {
    if constexpr (kLogical) LogicalContext::reset<Alloc>();
    a_ = std::make_unique<Alloc>(opt);
  }
  ~Executor() {
    a_.reset();
    if constexpr (kLogical) LogicalContext::reset<Alloc>();
  }
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  Alloc& alloc() noexcept { return *a_; }
  const Model& model() const noexcept { return m_; }
  const Ledger& ledger() const noexcept { return ledger_; }
  std::size_t ops_run() const noexcept { return index_; }

  // Runs every op, stopping at the first violation, then finish().
  std::optional<Violation> run(std::span<const Op> ops) {
    for (const Op& op : ops)
      if (auto v = step(op)) return v;
    return finish();
  }

  // One op. Ops on empty slots (free, usable_size) and allocations into live slots are no-ops,
  // so every decoded sequence is valid.
  std::optional<Violation> step(const Op& op) {
    cur_ = op;
    in_finish_ = false;
    pending_v2_ = false;
    const std::uint64_t failures = a_->os().failures();
    std::size_t trace_before = 0;
    if constexpr (Alloc::TraceT::kOn) trace_before = a_->trace().events.size();
    const bool had_heap = has_heap(op.thread % kMaxLogicalThreads);
    std::optional<Violation> v = dispatch(op);
    if (pending_v2_) settle_v2(op.thread % kMaxLogicalThreads, had_heap, failures, trace_before);
    if (!v && eo_.verify_each_op) {
      v = verify_all();
      if (!v) v = check_heap();
    }
    ++index_;
    return v;
  }

  // Frees every live block (each from its owner), retires every logical thread, quiesces and
  // requires the heap report to show nothing live, nothing in transit and no errors.
  std::optional<Violation> finish() {
    in_finish_ = true;
    a_->os().inject_faults(0, 0);
    if (auto v = verify_all()) return v;
    for (unsigned s = 0; s < kModelSlots; ++s)
      if (m_.live(s))
        if (auto v = free_slot(s, m_.at(s).owner)) return v;
    if constexpr (kLogical)
      for (unsigned t = 1; t < kMaxLogicalThreads; ++t) on_thread(t, [&] { a_->thread_exit(); });
    on_thread(0, [&] { a_->quiesce(); });
    hak_heap_report r;
    if (auto v = report(r)) return v;
    if (r.tiny_live_blocks || r.pool_live_blocks || r.large_live_blocks)
      return fail("4 (every freed block comes back)", nullptr, 0, 0,
                  "after freeing everything and quiescing: tiny live " + std::to_string(r.tiny_live_blocks) +
                      ", pool live " + std::to_string(r.pool_live_blocks) + ", large live " +
                      std::to_string(r.large_live_blocks));
    if (r.tiny_transit_blocks || r.remote_pending)
      return fail("5 (remote frees reach the owner; exited threads lose nothing)", nullptr, 0, 0,
                  "after quiescing: " + std::to_string(r.tiny_transit_blocks) + " blocks still in transit, " +
                      std::to_string(r.remote_pending) + " on remote lists");
    return std::nullopt;
  }

  // Every live block still holds its pattern (invariant 1: contents survive until freed).
  std::optional<Violation> verify_all() {
    for (unsigned s = 0; s < kModelSlots; ++s)
      if (m_.live(s))
        if (auto v = verify_block(s, "1 (contents survive until freed)")) return v;
    return std::nullopt;
  }

  // The heap walk agrees with the model: no errors, live counts equal (invariants 4-6).
  std::optional<Violation> check_heap() {
    hak_heap_report r;
    return report(r);
  }

 private:
  template <class F>
  void on_thread(unsigned t, F&& f) {
    if constexpr (kLogical) {
      LogicalContext::current() = t;
      f();
      LogicalContext::current() = 0;
    } else if (t == 0) {
      f();
    } else {
      std::thread(std::forward<F>(f)).join();
    }
  }

  bool has_heap(unsigned t) {
    if constexpr (kLogical) {  // an exited thread's slot names the instance, with no heap
      const hakmem::ThreadSlot& s = LogicalContext::slots<Alloc>()[t];
      return s.instance == a_.get() && s.heap != nullptr;
    }
    return true;  // unknown with real threads; only the counter tests (logical) use it
  }

  Violation fail(const char* inv, const void* p, unsigned slot, std::size_t size, std::string detail) const {
    Violation v;
    v.invariant = inv;
    v.op_index = index_;
    v.op = cur_;
    v.in_finish = in_finish_;
    v.ptr = p;
    v.slot = slot;
    v.size = size;
    v.detail = std::move(detail);
    return v;
  }

  std::optional<Violation> report(hak_heap_report& r) {
    if constexpr (!kHeapCheck) {
      r = hak_heap_report{};
      return std::nullopt;
    }
    if (a_->check(&r) != 0 || r.errors)
      return fail("4/6 (heap accounting)", nullptr, 0, 0,
                  std::to_string(r.errors) + " errors; first: " + r.first_error);
    const std::uint64_t model_counts[] = {m_.count(BlockKind::kTiny), m_.count(BlockKind::kPool), m_.count(BlockKind::kLarge)};
    const std::uint64_t heap_counts[] = {r.tiny_live_blocks, r.pool_live_blocks, r.large_live_blocks};
    for (unsigned k = 0; k < 3; ++k)
      if (model_counts[k] != heap_counts[k])
        return fail("4 (free + live = capacity)", nullptr, 0, 0,
                    std::string("heap check counts ") + std::to_string(heap_counts[k]) + " live " +
                        to_string(static_cast<BlockKind>(k)) + " blocks, the model " + std::to_string(model_counts[k]));
    for (unsigned c = 0; c < hakmem::kTinyClassCount; ++c)
      if (r.spill_length[c] != r.spill_blocks[c])
        return fail("6 (spill length equals list length at quiescence)", nullptr, 0, 0,
                    "class " + std::to_string(c) + ": length " + std::to_string(r.spill_length[c]) + ", blocks " +
                        std::to_string(r.spill_blocks[c]));
    return std::nullopt;
  }

  BlockKind kind_of(const void* p, std::size_t usable) const {
    const auto off = reinterpret_cast<std::uintptr_t>(p) - reinterpret_cast<std::uintptr_t>(a_->arena_base());
    if (off >= arena_bytes_) return BlockKind::kLarge;
    return usable <= hakmem::kMaxTiny ? BlockKind::kTiny : BlockKind::kPool;
  }

  static unsigned tiny_class(std::size_t usable) {
    unsigned c = 0;
    while (c + 1 < hakmem::kTinyClassCount && hakmem::kTinySizes[c] < usable) ++c;
    return c;
  }

  void note_malloc(std::size_t size) {
    if (size > hakmem::kMaxTiny) ledger_.malloc_beyond_tiny++;
  }
  void note_pool_alloc(std::size_t size, std::size_t align) {
    // Requests served by the pool (as alloc_beyond_tiny / aligned_alloc route them).
    const bool pool = align <= hakmem::kMinAlign
                          ? hakmem::pool_class_of(size) != hakmem::kNoClass
                          : hakmem::tiny_class_aligned(size, align) == hakmem::kNoClass &&
                                hakmem::pool_class_aligned(size, align) != hakmem::kNoClass;
    if (pool && size > (align <= hakmem::kMinAlign ? hakmem::kMaxTiny : 0) && a_->pool_v2()) {
      ledger_.pool_allocs_v2++;
      pending_v2_ = true;
    }
  }
  // After an op that made a v2 pool allocation and met an OS failure: either the heap could not
  // be created (v2 was never reached, the allocation went to v1) or the hotbox refill failed
  // (v1's fallback then served it: faults are one-shot, so it succeeds), or neither: the refill
  // got some blocks before its superslab's commit failed (a class of 128 KiB blocks has 7 a
  // superslab). The trace tells them apart: a block from v2 (path kPoolV2) or from v1 with the
  // thread's heap in place (the refill failed) or without it. Without a trace, whether the
  // thread has a heap now decides (inexact for partial refills, and when a realloc's free of
  // the old block created the heap afterwards).
  void settle_v2(unsigned t, bool had_heap, std::uint64_t failures_before, std::size_t trace_before) {
    if (a_->os().failures() == failures_before) return;
    bool refill_failed = false;
    if constexpr (Alloc::TraceT::kOn) {
      const auto& ev = a_->trace().events;
      bool heap = had_heap;  // only thread t ran: the op's heap events are its own
      for (std::size_t i = trace_before; i < ev.size(); ++i) {
        if (ev[i].kind == hakmem::Ev::kHeapCreate || ev[i].kind == hakmem::Ev::kHeapAdopt) heap = true;
        if (ev[i].kind != hakmem::Ev::kAlloc) continue;
        if (ev[i].path == hakmem::Path::kPoolV2) return;  // served by v2: no refill failed
        if (ev[i].path == hakmem::Path::kPoolV1) refill_failed = heap;
      }
    } else {
      refill_failed = has_heap(t);
    }
    if (refill_failed)
      ledger_.pool_refill_fails_v2++;
    else
      ledger_.pool_allocs_v2--;
  }
  void note_free(const LiveBlock& b, unsigned t) {
    if (b.kind == BlockKind::kTiny) {
      ledger_.tiny_frees[tiny_class(b.usable)]++;
    } else {
      ledger_.nontiny_frees++;
      if (b.kind == BlockKind::kPool && a_->pool_v2() && has_heap(t)) ledger_.pool_frees_v2++;
    }
  }

  std::optional<Violation> verify_block(unsigned s, const char* inv) {
    const LiveBlock& b = m_.at(s);
    if (auto bad = check_pattern(b.ptr, b.usable, b.seed)) {
      char d[160];
      std::snprintf(d, sizeof d, "byte %zu of %zu usable bytes (owner t%u, %s) changed while live", *bad,
                    b.usable, b.owner, to_string(b.kind));
      return fail(inv, b.ptr, s, b.requested, d);
    }
    return std::nullopt;
  }

  // A new block for slot s: checks NULL handling, alignment, usable size, overlap and zeroing,
  // then fills it with its pattern. `keep` bytes must still hold `keep_seed`'s pattern (realloc).
  std::optional<Violation> adopt(unsigned s, void* p, int err, std::size_t requested, std::size_t align,
                                 bool zeroed, std::uint64_t failures_before, std::size_t keep = 0,
                                 std::uint64_t keep_seed = 0) {
    if (!p) {
      if (a_->os().failures() == failures_before)
        return fail("8 (requests succeed unless the OS fails)", nullptr, s, requested, "NULL without an OS failure");
      if (err != ENOMEM)
        return fail("8 (OS failure yields NULL with ENOMEM)", nullptr, s, requested,
                    "errno " + std::to_string(err) + " instead of ENOMEM");
      return std::nullopt;
    }
    const std::size_t want_align = align < hakmem::kMinAlign ? hakmem::kMinAlign : align;
    if (reinterpret_cast<std::uintptr_t>(p) % want_align != 0)
      return fail("2 (alignment)", p, s, requested, "not aligned to " + std::to_string(want_align));
    const std::size_t usable = a_->usable_size(p);
    if (usable < requested)
      return fail("3 (usable_size >= requested)", p, s, requested, "usable_size " + std::to_string(usable));
    if (auto o = m_.overlapping(p, usable)) {
      const LiveBlock& other = m_.at(*o);
      char d[160];
      std::snprintf(d, sizeof d, "[%p, +%zu) overlaps live slot %u [%p, +%zu)", p, usable, *o, other.ptr, other.usable);
      return fail("1 (no block handed out while live; no overlap)", p, s, requested, d);
    }
    if (zeroed)
      for (std::size_t i = 0; i < requested; ++i)
        if (static_cast<const unsigned char*>(p)[i] != 0)
          return fail("calloc (memory is zeroed)", p, s, requested, "byte " + std::to_string(i) + " is not zero");
    if (keep)
      if (auto bad = check_pattern(p, keep, keep_seed))
        return fail("realloc (contents preserved up to the smaller size)", p, s, requested,
                    "byte " + std::to_string(*bad) + " of " + std::to_string(keep) + " kept bytes differs");
    LiveBlock b;
    b.ptr = p;
    b.requested = requested;
    b.usable = usable;
    b.seed = pattern_seed(s, requested, generation_++);
    b.owner = cur_.thread;
    b.kind = kind_of(p, usable);
    fill_pattern(p, usable, b.seed);
    m_.insert(s, b);
    return std::nullopt;
  }

  std::optional<Violation> free_slot(unsigned s, unsigned t) {
    if (auto v = verify_block(s, "1 (contents survive until freed)")) return v;
    const LiveBlock b = m_.erase(s);
    note_free(b, t);
    on_thread(t, [&] { a_->free(b.ptr); });
    return std::nullopt;
  }

  std::optional<Violation> dispatch(const Op& op) {
    const unsigned t = op.thread % kMaxLogicalThreads;
    const unsigned s = op.slot % kModelSlots;
    const std::uint64_t failures = a_->os().failures();
    void* p = nullptr;
    int err = 0;
    switch (op.kind) {
      case OpKind::kMalloc:
        if (m_.live(s)) return std::nullopt;
        note_malloc(op.size);
        note_pool_alloc(op.size, 0);
        on_thread(t, [&] { errno = 0; p = a_->malloc(op.size); err = errno; });
        return adopt(s, p, err, op.size, 0, false, failures);
      case OpKind::kCalloc: {
        if (m_.live(s)) return std::nullopt;
        std::size_t bytes;
        const bool overflow = __builtin_mul_overflow(op.arg, op.size, &bytes);
        if (!overflow) {
          note_malloc(bytes);
          note_pool_alloc(bytes, 0);
        }
        on_thread(t, [&] { errno = 0; p = a_->calloc(op.arg, op.size); err = errno; });
        if (overflow) {
          if (p) {
            a_->free(p);
            return fail("calloc (n * size overflow fails)", p, s, op.size, "returned a block");
          }
          if (err != ENOMEM) return fail("calloc (overflow sets ENOMEM)", nullptr, s, op.size, "errno " + std::to_string(err));
          return std::nullopt;
        }
        return adopt(s, p, err, bytes, 0, true, failures);
      }
      case OpKind::kRealloc:
        return do_realloc(op, t, s, failures);
      case OpKind::kAligned: {
        if (m_.live(s)) return std::nullopt;
        if (op.arg <= hakmem::kMinAlign) note_malloc(op.size);
        note_pool_alloc(op.size, op.arg);
        int rc = 0;
        on_thread(t, [&] {
          errno = 0;
          if (op.variant & 1) {
            rc = a_->posix_memalign(&p, op.arg, op.size);
            err = rc;
          } else {
            p = a_->aligned_alloc(op.arg, op.size);
            err = errno;
          }
        });
        return adopt(s, p, err, op.size, op.arg, false, failures);
      }
      case OpKind::kFree:
        if (!m_.live(s)) return std::nullopt;
        return free_slot(s, t);
      case OpKind::kRemoteFree: {
        if (!m_.live(s)) return std::nullopt;
        const unsigned owner = m_.at(s).owner;
        return free_slot(s, (owner + 1 + t % (kMaxLogicalThreads - 1)) % kMaxLogicalThreads);
      }
      case OpKind::kUsableSize: {
        if (!m_.live(s)) return std::nullopt;
        const LiveBlock& b = m_.at(s);
        const std::size_t u = a_->usable_size(b.ptr);
        if (u != b.usable)
          return fail("3 (usable_size is stable)", b.ptr, s, b.requested,
                      "usable_size " + std::to_string(u) + ", was " + std::to_string(b.usable));
        return std::nullopt;
      }
      case OpKind::kThreadExit:
        if constexpr (kLogical) on_thread(t, [&] { a_->thread_exit(); });
        else if (t == 0) a_->thread_exit();
        return std::nullopt;
      case OpKind::kFlush:
        on_thread(t, [&] { a_->thread_flush(); });
        return std::nullopt;
      case OpKind::kDrainSpill:
        on_thread(t, [&] { a_->drain_spill(); });
        return std::nullopt;
      case OpKind::kPoolV2:
        a_->set_pool_v2(op.arg != 0);
        return std::nullopt;
      case OpKind::kInjectFault:
        a_->os().inject_faults(op.arg, 0);
        return std::nullopt;
      case OpKind::kCheck:
        return check_heap();
      case OpKind::kCount:
        break;
    }
    return std::nullopt;
  }

  std::optional<Violation> do_realloc(const Op& op, unsigned t, unsigned s, std::uint64_t failures) {
    void* p = nullptr;
    int err = 0;
    if (!m_.live(s)) {  // realloc(NULL, n) is malloc(n)
      note_malloc(op.size);
      note_pool_alloc(op.size, 0);
      on_thread(t, [&] { errno = 0; p = a_->realloc(nullptr, op.size); err = errno; });
      return adopt(s, p, err, op.size, 0, false, failures);
    }
    if (auto v = verify_block(s, "1 (contents survive until freed)")) return v;
    const LiveBlock old = m_.at(s);
    if (op.size == 0) {  // frees, returns NULL (glibc behaviour)
      m_.erase(s);
      note_free(old, t);
      on_thread(t, [&] { p = a_->realloc(old.ptr, 0); });
      if (p && !kHeapCheck) {  // the process's malloc: C also allows a new (0-byte) block
        a_->free(p);
        return std::nullopt;
      }
      if (p) return fail("realloc (size 0 frees and returns NULL)", p, s, 0, "returned a block");
      return std::nullopt;
    }
    const bool pool_v2 = a_->pool_v2();
    const bool had_heap = has_heap(t);
    on_thread(t, [&] { errno = 0; p = a_->realloc(old.ptr, op.size); err = errno; });
    if (!p) {
      if (auto v = verify_block(s, "realloc (a failed realloc leaves the block intact)")) return v;
      note_malloc(op.size);
      return adopt(s, nullptr, err, op.size, 0, false, failures);
    }
    m_.erase(s);
    if (p != old.ptr) {  // moved: malloc(size), copy, free(old)
      note_malloc(op.size);
      if (pool_v2 && hakmem::pool_class_of(op.size) != hakmem::kNoClass && op.size > hakmem::kMaxTiny) {
        ledger_.pool_allocs_v2++;
        pending_v2_ = true;
      }
      if (old.kind == BlockKind::kTiny) ledger_.tiny_frees[tiny_class(old.usable)]++;
      else {
        ledger_.nontiny_frees++;
        if (old.kind == BlockKind::kPool && pool_v2 && (had_heap || has_heap(t))) ledger_.pool_frees_v2++;
      }
    }
    const std::size_t keep = op.size < old.usable ? op.size : old.usable;
    return adopt(s, p, err, op.size, 0, false, failures, keep, old.seed);
  }

  ExecOptions eo_;
  std::size_t arena_bytes_;
  std::unique_ptr<Alloc> a_;
  Model m_;
  Ledger ledger_;
  Op cur_{};
  std::size_t index_ = 0;
  std::uint64_t generation_ = 0;
  bool in_finish_ = false;
  bool pending_v2_ = false;  // the current op made a pool allocation with v2 on (settle_v2)
};

}  // namespace hakmem_ops
