// larson-like (after Larson & Krishnan's server benchmark): each thread works on a bin of
// blocks, replacing a random one at a time, so lifetimes are random. Bins change hands: a thread
// swaps its bin for a random spare one every few thousand operations, and bins outlive the
// threads, so blocks are freed by threads other than (and long after) their allocators.
#include <mutex>

#include "sizes.h"
#include "workloads/common.h"
#include "workloads/registry.h"

namespace stress {
namespace {

class Larson final : public Workload {
 public:
  const char* name() const override { return "larson"; }
  const char* describe() const override {
    return "larson-like: blocks with random lifetimes and sizes passed between threads in bins";
  }
  void setup(Run& run) override {
    const auto nbins = static_cast<std::size_t>(run.threads) + 2;
    const auto per_bin = static_cast<std::size_t>(run.opt->slots);
    blocks_.reset(nbins * per_bin);
    per_bin_ = per_bin;
    spare_.reset(nbins);
    nspare_ = nbins;
    for (std::size_t i = 0; i < nbins; ++i) spare_[i] = i;
  }
  void thread_main(Worker& w) override {
    std::size_t bin = take(w, SIZE_MAX);
    for (uint64_t ops = 1; !w.stopping(); ++ops) {
      Block& b = blocks_[bin * per_bin_ + w.rng.below(per_bin_)];
      if (b) free_block(w, &b);
      alloc_block(w, size(w), &b);
      if (ops % 4096 == 0) bin = take(w, bin);
    }
    give(bin);
  }
  void teardown(Run& run) override { free_all(run.coordinator, blocks_); }

 private:
  static std::size_t size(Worker& w) {
    const auto roll = w.rng.below(100);
    return roll < 2 ? sub16_size(w.rng) : roll < 82 ? tiny_size(w.rng) : mid_size(w.rng);
  }
  // Returns `mine` (if not SIZE_MAX) to the spares and takes a random spare bin.
  std::size_t take(Worker& w, std::size_t mine) {
    std::lock_guard<std::mutex> lock(mu_);
    if (mine != SIZE_MAX) spare_[nspare_++] = mine;
    const std::size_t k = w.rng.below(nspare_);
    const std::size_t bin = spare_[k];
    spare_[k] = spare_[--nspare_];
    return bin;
  }
  void give(std::size_t bin) {
    std::lock_guard<std::mutex> lock(mu_);
    spare_[nspare_++] = bin;
  }

  ToolArray<Block> blocks_;
  std::size_t per_bin_ = 0;
  std::mutex mu_;
  ToolArray<std::size_t> spare_;
  std::size_t nspare_ = 0;
};

}  // namespace

Workload& larson_workload() {
  static Larson w;
  return w;
}

}  // namespace stress
