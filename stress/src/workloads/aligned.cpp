// aligned: aligned_alloc, posix_memalign, memalign, valloc and pvalloc with alignments from 16
// up to the page size (and rarely beyond), sizes in every class. Each block must honour its
// alignment (invariant 2). Also: posix_memalign with an invalid alignment -> EINVAL.
#include <unistd.h>

#include <cerrno>

#include "footprint.h"
#include "sizes.h"
#include "workloads/common.h"
#include "workloads/registry.h"

namespace stress {
namespace {

class Aligned final : public Workload {
 public:
  const char* name() const override { return "aligned"; }
  const char* describe() const override {
    return "aligned_alloc/posix_memalign/memalign/valloc/pvalloc, alignments 16..page size, all classes";
  }
  void setup(Run& run) override { error_paths_ = run.target->hakmem || !built_with_sanitizer(); }
  void thread_main(Worker& w) override {
    ToolArray<Block> slots(static_cast<std::size_t>(w.run->opt->slots) / 2);
    while (!w.stopping()) {
      Block& b = slots[w.rng.below(slots.size())];
      if (b) {
        free_block(w, &b);
        continue;
      }
      if (error_paths_ && w.rng.one_in(1024)) invalid(w);
      alloc_block(w, request(w.rng), &b);
    }
    free_all(w, slots);
  }

 private:
  static AllocRequest request(Rng& r) {
    AllocRequest q;
    q.align = std::size_t{1} << r.range(4, 12);                      // 16 .. 4096
    if (r.one_in(32)) q.align = std::size_t{1} << r.range(13, 16);   // 8 KiB .. 64 KiB
    q.size = r.one_in(8) ? r.range(1, 64) : mixed_size(r);
    const auto roll = r.below(100);
    q.api = roll < 35 ? Api::AlignedAlloc : roll < 70 ? Api::PosixMemalign : roll < 92 ? Api::Memalign
          : roll < 97 ? Api::Valloc : Api::Pvalloc;
    // C11 (and ASan) want aligned_alloc sizes to be multiples of the alignment.
    if (q.api == Api::AlignedAlloc) q.size = (q.size + q.align - 1) / q.align * q.align;
    return q;
  }
  // posix_memalign must refuse alignments that are not a power-of-two multiple of sizeof(void*).
  static void invalid(Worker& w) {
    for (std::size_t bad : {std::size_t{24}, std::size_t{4}, std::size_t{0}}) {
      void* p = nullptr;
      const int rc = w.run->target->posix_memalign_(&p, bad, 64);
      if (rc != EINVAL) {
        violation(w.run->rc, Check::Errno, w.report_thread(), "posix_memalign(align %zu, 64) returned %d (p=%p), expected EINVAL",
                  bad, rc, p);
      }
    }
  }
  bool error_paths_ = true;
};

}  // namespace

Workload& aligned_workload() {
  static Aligned w;
  return w;
}

}  // namespace stress
