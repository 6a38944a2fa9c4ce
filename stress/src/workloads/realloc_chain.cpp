// realloc-chain: blocks are reallocated again and again, growing and shrinking within a class,
// across tiny/mid/large boundaries and back, sometimes by a thread that did not allocate them
// (chains pass through a shared array). Every step must keep the old contents up to the
// smaller size. Also: realloc(NULL, n), and reallocarray overflow (NULL, ENOMEM, block intact).
#include <cerrno>
#include <cstdint>

#include "footprint.h"
#include "sizes.h"
#include "workloads/common.h"
#include "workloads/registry.h"

namespace stress {
namespace {

constexpr std::size_t kChains = 64;
constexpr unsigned kMaxSteps = 12;

std::size_t next_size(Rng& r, std::size_t cur) {
  const auto roll = r.below(100);
  if (roll < 35) return cur + r.range(1, cur / 4 + 16);            // grow a little (often in place)
  if (roll < 55) return cur > 2 ? r.range(cur / 2, cur - 1) : cur;  // shrink
  if (roll < 92) return mixed_size(r);                              // jump anywhere
  return r.one_in(2) ? large_size(r, 512 * 1024) : tiny_size(r);    // cross the large boundary
}

class ReallocChain final : public Workload {
 public:
  const char* name() const override { return "realloc-chain"; }
  const char* describe() const override {
    return "realloc chains across every class boundary, local and by other threads; reallocarray overflow";
  }
  void setup(Run& run) override {
    shared_.reset(static_cast<std::size_t>(run.threads) * 16);
    // Sanitizer allocators abort on overflow by design; some allocators lack reallocarray.
    error_paths_ = (run.target->hakmem || !built_with_sanitizer()) && run.target->reallocarray_;
  }
  void thread_main(Worker& w) override {
    ToolArray<Block> chain(kChains);
    ToolArray<unsigned> steps(kChains);
    while (!w.stopping()) {
      const std::size_t i = w.rng.below(kChains);
      Block& b = chain[i];
      if (!b) {
        alloc_block(w, AllocRequest{mixed_size(w.rng), w.rng.one_in(4) ? Api::ReallocNull : Api::Malloc}, &b);
        steps[i] = 0;
      } else if (steps[i] >= kMaxSteps || w.rng.one_in(16)) {
        free_block(w, &b);
      } else if (w.rng.one_in(8)) {
        b = shared_.exchange(w.rng.below(shared_.size()), b);  // continue someone else's chain
        steps[i] = 0;
      } else if (error_paths_ && w.rng.one_in(256)) {
        overflow(w, b);
      } else {
        realloc_block(w, &b, next_size(w.rng, b.size));
        ++steps[i];
      }
    }
    free_all(w, chain);
  }
  void teardown(Run& run) override { shared_.free_all(run.coordinator); }

 private:
  // reallocarray whose byte count overflows: NULL with ENOMEM, the block untouched (the
  // pattern check at its free proves that).
  static void overflow(Worker& w, const Block& b) {
    errno = 0;
    void* q = w.run->target->reallocarray_(b.p, SIZE_MAX / 4 + 1, 8);
    const int err = errno;
    if (q != nullptr) {
      violation(w.run->rc, Check::Errno, w.report_thread(),
                "reallocarray(%p, %zu, 8) (overflowing) returned %p instead of NULL", static_cast<void*>(b.p),
                SIZE_MAX / 4 + 1, q);
      return;  // the block now lives at q as far as the allocator knows; leak it
    }
    if (err != ENOMEM) {
      violation(w.run->rc, Check::Errno, w.report_thread(), "reallocarray overflow: errno %d, expected ENOMEM", err);
    }
  }

  SharedSlots shared_;
  bool error_paths_ = true;
};

}  // namespace

Workload& realloc_chain_workload() {
  static ReallocChain w;
  return w;
}

}  // namespace stress
