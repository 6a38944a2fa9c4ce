// Fuzz target `threads`: multi-threaded allocator programs under the interleaving checker
// (interleave/), so bugs in the spill queue, remote frees and thread exit are fuzzable and an
// input replays exactly: the input encodes each logical thread's program AND the schedule.
//
// The allocator is Allocator<Config<0, interleave::CheckedAtomics, interleave::FiberContext>>:
// every atomic is a scheduling point, Plain cells (remote-list links) are race-checked, each
// fiber has its own heap. Threads hand blocks to each other through mailboxes (release/acquire
// atomics), so frees by non-owners go through the remote lists; threads flush, drain the spill
// queues and exit mid-program (their heaps are orphaned and adopted by later attaches).
//
// Checked: invariant 1 (a block is never handed out twice while live; contents survive; the
// harness keeps a live set and patterns), invariant 6 after every step (spill length within the
// list length plus what can be in flight, never "negative"), and at the end, after every thread
// exited and the main context freed the mailboxes' blocks and quiesced, check() must report no
// errors, zero live blocks and nothing in transit (invariants 4, 5). Data races, deadlocks and
// livelocks are the checker's own reports.
//
// The locked paths too (issue 10): op sizes reach pool v1 or the v2 hotbox and large blocks
// (registry of 8 slots, so its growth is reached; mapping cache), realloc grows and shrinks
// large blocks (remap), and with OS faults on, each commit/map/remap is a decision read from
// the input like a thread choice: a failing malloc must say ENOMEM, a failing realloc must
// leave its block intact, and nothing may abort.
//
// Input: byte 0: threads (2..4), spill target, pool v2 (bit 4), OS faults (bit 5: at most two
// failed OS calls per run); then per thread a length byte (ops = b % 24) and two bytes per op;
// every remaining byte is one decision: the (b % n)-th of the n runnable threads runs next, or
// for an OS call, b % 2 == 1 fails it. Once they run out, threads run without preemption and
// OS calls succeed.
// Built with HAKMEM_FUZZ_DECOY the harness leaks a block at the end: the final check must fail.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/instance.h"
#include "common/input_schedule.h"
#include "common/pattern.h"
#include "hakmem/core/allocator.h"
#include "interleave/checked_atomics.h"
#include "interleave/checker.h"
#include "interleave/fiber_context.h"
#include "interleave/os_faults.h"
#include "interleave/strategy.h"

namespace {

using Alloc = hakmem::Allocator<hakmem::Config<0, interleave::CheckedAtomics, interleave::FiberContext>>;
using MailBox = interleave::CheckedAtomics::Atomic<std::uintptr_t>;
constexpr int kMaxThreads = 4;
constexpr unsigned kOwnSlots = 4, kMailboxes = 4;

struct ThreadOp {
  std::uint8_t kind, arg;
};

// The tag of a block's pattern: its address, so a mailbox carries only the pointer.
std::uint32_t tag_of(const void* p) { return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p) >> 4); }

class ProgramTest final : public interleave::Test {
 public:
  int n = 2;
  std::uint32_t spill_target = 16;
  bool pool_v2 = false;
  bool os_faults = false;
  std::vector<ThreadOp> programs[kMaxThreads];

  std::string name() const override { return "fuzz.threads"; }
  int threads() const override { return n; }

  void setup() override {
    hakmem::Options o = hakmem::fuzz::fuzz_options(spill_target);
    o.pool_v2 = pool_v2;
    o.large_registry_slots = 8;  // growth after four live large blocks
    a_ = &instance_.fresh(o);
    a_->os().set_fault_oracle(os_faults ? &interleave::os_fault_oracle : nullptr, nullptr);
    for (auto& m : mail_) m.store(0, std::memory_order_relaxed);
    for (auto& t : own_)
      for (auto& s : t) s = nullptr;
    live_.clear();
    sizes_.clear();
  }

  void thread(int t) override {
    for (const ThreadOp& op : programs[t]) run(t, op);
    for (auto& s : own_[t]) release(s);
    a_->thread_exit();
  }

  // Invariant 6 while running: list length <= length <= list length + in flight (a push raises
  // the length before publishing, a pop lowers it after unlinking; a chain push is at most half
  // a front cache, 64 blocks, and each thread has at most one operation in flight).
  void invariant() override {
    for (unsigned c = 0; c < hakmem::kTinyClassCount; ++c) {
      auto& st = a_->spill(c);
      const std::uint32_t len = st.length();
      std::uint32_t blocks = 0;
      st.for_each_quiescent([&](void*) { ++blocks; });
      interleave::check(len < 0x80000000u, "invariant 6: the spill length never goes negative", &st);
      interleave::check(blocks <= len, "invariant 6: spill length >= list length", &st);
      interleave::check(len <= blocks + 64u * static_cast<std::uint32_t>(n), "invariant 6: spill length <= list length + pushes in flight", &st);
    }
  }

  void finish() override {
    for (auto& m : mail_) {  // the main context frees what is left: remote frees to orphans
      void* p = reinterpret_cast<void*>(m.peek());
#if HAKMEM_FUZZ_DECOY
      if (&m == &mail_[0]) continue;  // DECOY: leaks mailbox 0's block; invariant 4 must see it
#endif
      if (p) release_block(p);
    }
    a_->quiesce();
    hak_heap_report r;
    const int rc = a_->check(&r);
    interleave::check(rc == 0, r.first_error[0] ? r.first_error : "heap check after quiescence");
    interleave::check(r.tiny_live_blocks == 0 && r.pool_live_blocks == 0 && r.large_live_blocks == 0,
                      "invariant 4: every freed block comes back (zero live after quiesce)");
    interleave::check(r.tiny_transit_blocks == 0 && r.remote_pending == 0,
                      "invariant 5: remote frees reach the owner; exited threads lose nothing");
  }

 private:
  void run(int t, ThreadOp op) {
    void*& own = own_[t][op.arg % kOwnSlots];
    switch (op.kind % 8) {
      case 0:
      case 1: {  // malloc into an own slot: mostly tiny sizes at class boundaries, some mid-size
        release(own);
        const std::size_t size = size_of(op);
        errno = 0;
        void* p = a_->malloc(size);
        if (!succeeded(p)) break;
        interleave::check(live_.insert(p).second, "invariant 1: no block is handed out while it is live", p);
        hakmem::fuzz::fill_pattern(p, size, tag_of(p));
        sizes_[p] = size;
        own = p;
        break;
      }
      case 2:
        if (own && (op.kind & 0x20)) {
          resize(own, op);
          break;
        }
        release(own);
        break;
      case 3: {  // hand an own block to whoever takes mailbox m; free what was there
        if (!own) break;
        void* old = reinterpret_cast<void*>(mail_[op.arg % kMailboxes].exchange(reinterpret_cast<std::uintptr_t>(own), std::memory_order_acq_rel));
        own = nullptr;
        if (old) release_block(old);
        break;
      }
      case 4: {  // take mailbox m and free its block (usually a remote free)
        void* p = reinterpret_cast<void*>(mail_[op.arg % kMailboxes].exchange(0, std::memory_order_acq_rel));
        if (p) release_block(p);
        break;
      }
      case 5:
        a_->thread_flush();
        break;
      case 6:
        a_->drain_spill();
        break;
      case 7:
        a_->thread_exit();  // the next allocation attaches (adopts an orphan or makes a heap)
        break;
    }
  }
  // Bits 3-4 of the op kind: tiny at class boundaries (00, 10; the arg picks the class, and
  // whether one byte less), mid-size (01), large (11: 33 KiB .. 543 KiB, so a realloc between
  // two of them may remap).
  static std::size_t size_of(ThreadOp op) {
    switch (op.kind >> 3 & 3) {
      case 1: return 1025 + op.arg * 64u;
      case 3: return 33000 + op.arg * 2048u;
      default: return hakmem::kTinySizes[op.arg % hakmem::kTinyClassCount] - (op.arg / hakmem::kTinyClassCount) % 2;
    }
  }
  // A call's result: a block, or NULL with ENOMEM and only when an OS call was failed.
  bool succeeded(void* p) {
    if (p) return true;
    interleave::check(os_faults, "invariant 8: a request succeeds when the OS does");
    interleave::check(errno == ENOMEM, "invariant 8: a failed request reports ENOMEM");
    return false;
  }
  // realloc of an own block to the op's size: contents kept up to the smaller size; on
  // failure the block stays as it was.
  void resize(void*& slot, ThreadOp op) {
    void* p = slot;
    const std::size_t old_size = sizes_[p], size = size_of(op);
    interleave::check(hakmem::fuzz::find_pattern_damage(p, old_size, tag_of(p)) == SIZE_MAX,
                      "invariant 1: contents survive until realloc", p);
    live_.erase(p);  // before the call: once moved the old block may come back at once
    errno = 0;
    void* q = a_->realloc(p, size);
    if (!succeeded(q)) {
      live_.insert(p);
      interleave::check(hakmem::fuzz::find_pattern_damage(p, old_size, tag_of(p)) == SIZE_MAX,
                        "invariant 8: a failed realloc leaves its block intact", p);
      return;
    }
    sizes_.erase(p);
    interleave::check(kept_contents(q, old_size, size < old_size ? size : old_size, tag_of(p)),
                      "realloc keeps the contents up to the smaller size", q);
    interleave::check(live_.insert(q).second, "invariant 1: no block is handed out while it is live", q);
    hakmem::fuzz::fill_pattern(q, size, tag_of(q));
    sizes_[q] = size;
    slot = q;
  }
  // The old block's patterned bytes (all of a small block, the edges of a large one) that lie
  // below `kept` are in q.
  static bool kept_contents(const void* q, std::size_t old_size, std::size_t kept, std::uint32_t tag) {
    const auto* b = static_cast<const std::uint8_t*>(q);
    bool ok = true;
    hakmem::fuzz::for_pattern_range(old_size, [&](std::size_t i) {
      if (i < kept && b[i] != hakmem::fuzz::pattern_byte(tag, i)) ok = false;
    });
    return ok;
  }
  void release(void*& slot) {
    if (slot) release_block(slot);
    slot = nullptr;
  }
  void release_block(void* p) {
    const std::size_t size = sizes_[p];
    interleave::check(hakmem::fuzz::find_pattern_damage(p, size, tag_of(p)) == SIZE_MAX,
                      "invariant 1: contents survive until freed", p);
    interleave::check(live_.erase(p) == 1, "harness: freeing a block that is not live", p);
    a_->free(p);
  }

  hakmem::fuzz::Instance<Alloc> instance_;
  Alloc* a_ = nullptr;
  MailBox mail_[kMailboxes];
  void* own_[kMaxThreads][kOwnSlots] = {};
  std::set<void*> live_;
  std::map<void*, std::size_t> sizes_;
};


ProgramTest& test() {
  static ProgramTest* t = new ProgramTest;  // lives for the process: fibers are reused
  return *t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::uint8_t* p = data;
  const std::uint8_t* end = data + size;
  auto next = [&]() -> std::uint8_t { return p < end ? *p++ : 0; };
  ProgramTest& t = test();
  const std::uint8_t head = next();
  t.n = 2 + head % 3;
  static constexpr std::uint32_t kTargets[] = {1, 4, 16, 256};
  t.spill_target = kTargets[(head >> 2) % 4];
  t.pool_v2 = head & 0x10;
  t.os_faults = head & 0x20;
  for (int k = 0; k < kMaxThreads; ++k) {
    t.programs[k].clear();
    if (k >= t.n) continue;
    for (unsigned len = next() % 24; len; --len) {
      const std::uint8_t kind = next();
      t.programs[k].push_back({kind, next()});
    }
  }
  hakmem::fuzz::InputSchedule schedule(p, end);
  interleave::Options opt;
  opt.max_steps = 200000;
  opt.aba_fatal = false;  // remote-list heads see benign ABA (empty again after a take_all)
  opt.os_faults = t.os_faults ? 2 : 0;
  const interleave::Result r = interleave::run_once(t, schedule, opt);
  if (r.failed) {
    const interleave::Failure& f = r.failure;
    std::fprintf(stderr, "FUZZ FAILURE [threads] %s: %s: pointer=%p thread=%d step=%u\n  schedule %s\n",
                 interleave::to_string(f.kind), f.what.c_str(), f.address, f.thread, f.step, r.schedule.c_str());
    std::fflush(stderr);
    std::abort();
  }
  return 0;
}
