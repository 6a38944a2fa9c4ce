// Fuzz target `api`: the malloc API of the LD_PRELOAD shim (malloc, free, calloc, realloc,
// reallocarray, aligned_alloc, posix_memalign, memalign, valloc, pvalloc, malloc_usable_size)
// against a model of what POSIX/glibc promise, on a private Allocator instance (never the
// process malloc). Checked on every call: results are 16-byte aligned and aligned as asked
// (invariant 2), usable_size >= requested (3), no overlap with any live block (1), contents
// survive realloc and neighbours' writes (1, 3), calloc zeroes, invalid requests fail with
// EINVAL / ENOMEM as specified, OS faults give NULL + ENOMEM and later requests succeed (8).
// At the end every block is freed and quiesce + check() must show zero live blocks (4).
//
// Built with HAKMEM_FUZZ_DECOY the memalign adapter forgets to round alignments up.
//
// HAKMEM_FUZZ_TARGET=system runs the same checks against the process's malloc (glibc, or what
// LD_PRELOAD put in place; common/system_malloc.h) instead. There the hakmem-only steps are
// skipped (OS fault injection, pool v2, flush, quiesce, the final heap check and live counts)
// and five hakmem/glibc habits are relaxed to what POSIX/C allow: realloc(p, 0) may return a block,
// aligned_alloc/memalign with a non-power-of-two alignment may fail, and requests of 2^46 ..
// PTRDIFF_MAX bytes may be served (overcommit) or fail with ENOMEM; posix_memalign may set errno, pvalloc(0) may
// give less than a page (glibc).
//
// Input: one op byte (op % 12 selects the call) followed by its operands; see the switch.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>

#include "common/byte_reader.h"
#include "common/c_api_adapter.h"
#include "common/fail.h"
#include "common/instance.h"
#include "common/pattern.h"
#include "common/system_malloc.h"
#include "hakmem/core/allocator.h"

namespace {

using Alloc = hakmem::Allocator<hakmem::Config<0>>;
using hakmem::fuzz::ByteReader;
constexpr const char* kTarget = "api";
constexpr unsigned kSlots = 32;
constexpr std::size_t kHugeSizes[] = {(std::size_t{1} << 46) + 1, SIZE_MAX, SIZE_MAX - 4095, std::size_t{1} << 62};

struct Block {
  void* p = nullptr;
  std::size_t requested = 0, usable = 0;
  std::uint32_t tag = 0;
};

template <class A>
struct Run {
  static constexpr bool kSystem = std::is_same_v<A, hakmem::fuzz::SystemMalloc>;
  A* a = nullptr;
  Block slots[kSlots];
  unsigned long step = 0;
  std::uint32_t next_tag = 1;
  bool faults_armed = false;
  bool may_fail = false;  // system: this op's request may fail with ENOMEM (see impossible())

  [[noreturn]] void fail(const char* invariant, const void* p, const char* detail = "") {
    hakmem::fuzz::fail(kTarget, invariant, p, 0, step, detail);
  }
  void expect(bool ok, const char* invariant, const void* p) {
    if (!ok) fail(invariant, p);
  }

  // A size: mostly tiny, some mid-size and large, a few impossible ones.
  static std::size_t size(ByteReader& in) {
    switch (in.u8() % 8) {
      case 0: case 1: case 2: case 3: return in.u16() % 1100;
      case 4: case 5: return in.u16() % 40000;
      case 6: return 32769 + in.u32() % 300000;
      default: return kHugeSizes[in.u8() % 4];
    }
  }
  static bool huge(std::size_t n) { return n > (std::size_t{1} << 46); }
  // A request that must fail. hakmem: anything huge. system: only beyond PTRDIFF_MAX; a huge
  // request below it may be served or fail with ENOMEM (noted in may_fail).
  bool impossible(std::size_t n) {
    if (kSystem && huge(n) && n <= PTRDIFF_MAX) {
      may_fail = true;
      return false;
    }
    return huge(n);
  }
  static std::size_t pow2_at_least(std::size_t al) {
    std::size_t pow2 = 1;
    while (pow2 < al) pow2 <<= 1;
    return pow2;
  }
  static std::size_t alignment(ByteReader& in) {
    const std::uint8_t b = in.u8();
    if (b & 0x80) return b & 0x7F;          // anything, mostly not a power of two
    return std::size_t{1} << (b % 21);      // 1 .. 1 MiB
  }

  void check_intact(const Block& b) {
    const std::size_t bad = hakmem::fuzz::find_pattern_damage(b.p, b.usable, b.tag);
    if (bad != SIZE_MAX) fail("invariant 1/3: a live block's contents changed", static_cast<char*>(b.p) + bad);
  }
  void release(unsigned s) {
    Block& b = slots[s];
    if (!b.p) return;
    check_intact(b);
    a->free(b.p);
    b = Block{};
  }

  // A call returned p for `requested` bytes with at least `align` alignment.
  void adopt(unsigned s, void* p, std::size_t requested, std::size_t align, const char* call) {
    const auto u = reinterpret_cast<std::uintptr_t>(p);
    if (u % 16 != 0) fail("invariant 2: every block is 16-byte aligned", p, call);
    if (align > 1 && u % align != 0) fail("invariant 2: a block is aligned as requested", p, call);
    const std::size_t usable = a->usable_size(p);
    if (usable < requested) fail("invariant 3: usable_size >= requested", p, call);
    for (const Block& o : slots)
      if (o.p && u < reinterpret_cast<std::uintptr_t>(o.p) + o.usable && reinterpret_cast<std::uintptr_t>(o.p) < u + usable)
        fail("invariant 1: a new block overlaps a live block", p, call);
    slots[s] = Block{p, requested, usable, next_tag++};
    hakmem::fuzz::fill_pattern(p, usable, slots[s].tag);
  }
  // A call returned NULL: only impossible requests, or any request while faults are armed.
  void expect_failure(void* p, bool impossible, int err, const char* call) {
    if (p) fail(impossible ? "an impossible request must fail" : "unreachable", p, call);
    if (!impossible && !faults_armed && !may_fail) fail("invariant 8: a valid request succeeds when the OS does", nullptr, call);
    if (const int got = errno, want = impossible ? err : ENOMEM; got != want) {
      char d[96];
      std::snprintf(d, sizeof d, "%s: errno %d, expected %d", call, got, want);
      fail("a failed request sets errno as POSIX says", nullptr, d);
    }
  }
  // Common tail of every allocating call.
  void result(unsigned s, void* p, std::size_t requested, std::size_t align, bool impossible, int err, const char* call) {
    if (p && !impossible)
      adopt(s, p, requested, align, call);
    else
      expect_failure(p, impossible, err, call);
  }

  void op(ByteReader& in) {
    const std::uint8_t op = in.u8();
    const unsigned s = in.u8() % kSlots;
    errno = 0;
    may_fail = false;
    switch (op % 12) {
      case 0: {
        release(s);
        const std::size_t n = size(in);
        result(s, a->malloc(n), n, 16, impossible(n), ENOMEM, "malloc");
        break;
      }
      case 1:
        release(s);
        break;
      case 2: {  // calloc, sometimes with count * size overflowing
        release(s);
        const std::size_t m = size(in) % 70000 + 1;
        const std::size_t n = in.u8() & 1 ? SIZE_MAX / m + 1 + in.u8() : in.u8() % 8;
        std::size_t bytes;
        const bool overflow = __builtin_mul_overflow(n, m, &bytes);
        void* p = a->calloc(n, m);
        if (p && !overflow) {
          const auto* z = static_cast<const std::uint8_t*>(p);
          hakmem::fuzz::for_pattern_range(bytes, [&](std::size_t i) {
            if (z[i] != 0) fail("calloc returns zeroed memory", z + i);
          });
        }
        result(s, p, bytes, 16, overflow, ENOMEM, "calloc");
        break;
      }
      case 3:
      case 4:
        realloc_op(in, s, op % 12 == 4);
        break;
      case 5: {
        release(s);
        const std::size_t al = alignment(in), n = size(in);
        const bool bad = al == 0 || (al & (al - 1)) != 0;
        void* p = a->aligned_alloc(al, n);
        if (kSystem && bad) {  // C17: an unsupported alignment fails; glibc < 2.38 rounds it up
          if (p && !impossible(n)) adopt(s, p, n, pow2_at_least(al), "aligned_alloc");
          else if (p) fail("an impossible request must fail", p, "aligned_alloc");
          break;
        }
        result(s, p, n, al, bad || impossible(n), bad ? EINVAL : ENOMEM, "aligned_alloc");
        break;
      }
      case 6: {
        release(s);
        const std::size_t al = alignment(in), n = size(in);
        const bool bad = al < sizeof(void*) || (al & (al - 1)) != 0;
        const bool imp = impossible(n);
        void* out = &slots;  // a sentinel: must be left alone on failure
        errno = 1234;
        const int rc = a->posix_memalign(&out, al, n);
        if (!kSystem && errno != 1234) fail("posix_memalign leaves errno alone", nullptr);  // POSIX: may set it
        if (rc == 0) {
          if (bad || imp) fail("posix_memalign rejects bad alignments and impossible sizes", out);
          adopt(s, out, n, al, "posix_memalign");
        } else {
          if (out != &slots) fail("a failing posix_memalign leaves *out alone", out);
          if (rc != (bad ? EINVAL : ENOMEM) || (!bad && !imp && !may_fail && !faults_armed))
            fail("posix_memalign returns EINVAL for bad alignments, ENOMEM only when out of memory", nullptr);
        }
        break;
      }
      case 7: {  // memalign: a non-power-of-two alignment rounds up
        release(s);
        const std::size_t al = alignment(in), n = size(in);
        const std::size_t pow2 = pow2_at_least(al);
        void* p = hakmem::fuzz::memalign(*a, al, n);
        if (kSystem && pow2 != al && !p) break;  // a glibc extension: others may refuse it
        result(s, p, n, pow2, impossible(n), ENOMEM, "memalign");
        break;
      }
      case 8: {
        release(s);
        const std::size_t n = size(in);
        result(s, hakmem::fuzz::valloc(*a, n), n, hakmem::fuzz::kPage, impossible(n), ENOMEM, "valloc");
        break;
      }
      case 9: {  // pvalloc: usable covers the size rounded up to whole pages (one page for 0)
        release(s);
        const std::size_t n = size(in);
        const std::size_t pages = n > SIZE_MAX - 4096 ? n : ((n + 4095) & ~std::size_t{4095});
        result(s, hakmem::fuzz::pvalloc(*a, n), pages ? pages : (kSystem ? 0 : 4096), hakmem::fuzz::kPage, impossible(n), ENOMEM, "pvalloc");
        break;
      }
      case 10:  // write every usable byte (invariant 3); neighbours are checked when freed
        if (Block& b = slots[s]; b.p) {
          check_intact(b);
          expect(a->usable_size(b.p) == b.usable, "usable_size is stable while a block lives", b.p);
          b.tag = next_tag++;
          std::memset(b.p, 0xEE, b.usable);
          hakmem::fuzz::fill_pattern(b.p, b.usable, b.tag);
        }
        break;
      case 11:
        maintenance(in.u8());
        break;
    }
  }

  void realloc_op(ByteReader& in, unsigned s, bool array) {
    Block old = slots[s];
    if (old.p) check_intact(old);
    std::size_t n = size(in);
    bool overflow = false;
    void* p;
    if (array) {  // n = count * m, sometimes overflowing
      const std::size_t m = n % 70000 + 1;
      const std::size_t count = in.u8() & 1 ? SIZE_MAX / m + 1 + in.u8() : in.u8() % 4;
      overflow = __builtin_mul_overflow(count, m, &n);
      p = hakmem::fuzz::reallocarray(*a, old.p, count, m);
    } else {
      p = a->realloc(old.p, n);
    }
    if (old.p && n == 0 && !overflow) {  // glibc: realloc(p, 0) frees p and returns NULL
      if (kSystem && p) {  // C17: or returns a block, as for a new request of 0 bytes
        slots[s] = Block{};
        adopt(s, p, 0, 16, array ? "reallocarray" : "realloc");
        return;
      }
      expect(p == nullptr, "realloc(p, 0) frees p and returns NULL", p);
      slots[s] = Block{};
      return;
    }
    const bool imp = impossible(n);
    if (!p) {  // p must be untouched
      expect_failure(p, overflow || imp, ENOMEM, array ? "reallocarray" : "realloc");
      if (old.p) check_intact(old);
      return;
    }
    if (overflow || imp) fail("an impossible realloc must fail", p);
    // The old contents, up to the smaller size, moved with the block (the first KiB is
    // checked: large blocks carry the pattern only at their edges).
    std::size_t keep = old.p ? (n < old.usable ? n : old.usable) : 0;
    if (keep > hakmem::fuzz::kPatternEdge) keep = hakmem::fuzz::kPatternEdge;
    const std::size_t bad = hakmem::fuzz::find_pattern_damage(p, keep, old.tag);
    if (bad != SIZE_MAX) fail("realloc preserves the contents up to the smaller size", static_cast<char*>(p) + bad);
    slots[s] = Block{};
    adopt(s, p, n, 16, array ? "reallocarray" : "realloc");
  }

  void maintenance(std::uint8_t b) {
    if constexpr (!kSystem) maintain_hakmem(b);
  }
  void maintain_hakmem(std::uint8_t b) {
    switch (b % 6) {
      case 0: a->os().inject_faults(1 + b / 6 % 4, 0); faults_armed = true; break;
      case 1: a->os().inject_faults(0, 2 + b / 6 % 3); faults_armed = true; break;
      case 2: a->os().inject_faults(0, 0); faults_armed = false; break;
      case 3: a->set_pool_v2(!a->pool_v2()); break;
      case 4: a->thread_flush(); break;
      case 5: a->quiesce(); break;
    }
  }
};

hakmem::fuzz::Instance<Alloc> g_instance;

template <class A>
void run_input(A& alloc, const std::uint8_t* data, std::size_t size) {
  ByteReader in(data, size);
  Run<A> r;
  r.a = &alloc;
  while (!in.empty()) {
    ++r.step;
    r.op(in);
  }
  // Invariant 8: once the OS recovers, requests succeed again.
  if constexpr (!Run<A>::kSystem) r.a->os().inject_faults(0, 0);
  r.faults_armed = false;
  ++r.step;
  r.release(0);
  r.result(0, r.a->malloc(100), 100, 16, false, 0, "malloc after faults");
  for (unsigned s = 0; s < kSlots; ++s) r.release(s);
  if constexpr (!Run<A>::kSystem) {
    r.a->quiesce();
    hak_heap_report rep;
    if (r.a->check(&rep) != 0) r.fail("heap check after quiescence", nullptr, rep.first_error);
    if (rep.tiny_live_blocks || rep.pool_live_blocks || rep.large_live_blocks)
      r.fail("invariant 4: every freed block comes back (zero live after quiesce)", nullptr);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (hakmem::fuzz::target_choice() == hakmem::fuzz::Target::kSystem) {
    static const bool announced = [] {
      std::fprintf(stderr,
                   "api fuzzer: target system (the process's malloc). Skipped, hakmem only: OS fault "
                   "injection (inv. 8), pool v2, flush, quiesce, heap check, zero live after quiesce "
                   "(inv. 4). Relaxed: realloc(p, 0) may return a block; aligned_alloc/memalign with a "
                   "non-power-of-two alignment may fail; 2^46..PTRDIFF_MAX bytes may be served; "
                   "posix_memalign may set errno; pvalloc(0) may "
                   "give less than a page.\n");
      return true;
    }();
    (void)announced;
    hakmem::fuzz::SystemMalloc sys;
    run_input(sys, data, size);
    return 0;
  }
  run_input(g_instance.fresh(hakmem::fuzz::fuzz_options()), data, size);
  return 0;
}
