// aligned: aligned_alloc, posix_memalign, memalign, valloc and pvalloc with alignments from 16
// up to the page size (and rarely beyond), sizes in every class. Each block must honour its
// alignment (invariant 2). Also: posix_memalign with an invalid alignment -> EINVAL.
#include <unistd.h>

#include <cerrno>
#include <utility>

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
  void setup(Run& run) override {
    error_paths_ = (run.target->hakmem || !built_with_sanitizer()) && run.target->posix_memalign_;
    const Target& t = *run.target;
    napis_ = 0;
    // Weighted by how common each call is; entry points the allocator lacks are left out.
    const std::pair<Api, bool> all[] = {{Api::AlignedAlloc, t.aligned_alloc_ != nullptr},
                                        {Api::PosixMemalign, t.posix_memalign_ != nullptr},
                                        {Api::Memalign, t.memalign_ != nullptr},
                                        {Api::Valloc, t.valloc_ != nullptr},
                                        {Api::Pvalloc, t.pvalloc_ != nullptr}};
    const int weight[] = {7, 7, 4, 1, 1};
    for (int i = 0; i < 5; ++i)
      for (int k = 0; all[i].second && k < weight[i]; ++k) apis_[napis_++] = all[i].first;
  }
  void thread_main(Worker& w) override {
    ToolArray<Block> slots(static_cast<std::size_t>(w.run->opt->slots) / 2);
    while (!w.stopping()) {
      Block& b = slots[w.rng.below(slots.size())];
      if (b) {
        free_block(w, &b);
        continue;
      }
      if (error_paths_ && w.rng.one_in(1024)) invalid(w);
      if (napis_ == 0) {
        alloc_block(w, mixed_size(w.rng), &b);
        continue;
      }
      alloc_block(w, request(w.rng), &b);
    }
    free_all(w, slots);
  }

 private:
  AllocRequest request(Rng& r) const {
    AllocRequest q;
    q.align = std::size_t{1} << r.range(4, 12);                      // 16 .. 4096
    if (r.one_in(32)) q.align = std::size_t{1} << r.range(13, 16);   // 8 KiB .. 64 KiB
    q.size = r.one_in(8) ? r.range(1, 64) : mixed_size(r);
    q.api = apis_[r.below(static_cast<uint64_t>(napis_))];
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
  Api apis_[20] = {};
  int napis_ = 0;
};

}  // namespace

Workload& aligned_workload() {
  static Aligned w;
  return w;
}

}  // namespace stress
