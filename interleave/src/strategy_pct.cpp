// PCT (Burckhardt et al., "A randomized scheduler with probabilistic guarantees of finding
// bugs", ASPLOS 2010): threads get random distinct priorities >= d; the highest-priority
// enabled thread always runs; at d-1 random steps the running thread drops to priority 1..d-1.
// A bug of depth d is found with probability >= 1/(n k^(d-1)) per run for k steps.
#include <algorithm>
#include <array>

#include "interleave/config.h"
#include "interleave/strategy.h"

namespace interleave {
namespace {

class PctStrategy final : public Strategy {
 public:
  PctStrategy(std::uint64_t seed, int depth) : base_(seed), depth_(depth < 1 ? 1 : depth) {}

  bool begin_run() override {
    seed_ = base_ + run_++;
    rng_ = SplitMix{seed_};
    SplitMix& rng = rng_;
    for (int i = 0; i < kMaxThreads; ++i) prio_[i] = static_cast<std::uint32_t>(depth_ + i);
    for (int i = kMaxThreads - 1; i > 0; --i)  // Fisher-Yates
      std::swap(prio_[i], prio_[rng.below(static_cast<std::uint32_t>(i + 1))]);
    // The run length k is learnt from earlier runs (the longest seen so far).
    for (int j = 0; j + 1 < depth_; ++j) change_[j] = rng.below(max_steps_ + 1);
    return true;
  }

  int pick(const Decision& d) override {
    // Weak tier: read the newest store half of the time, else any older visible one.
    if (d.kind == DecisionKind::kRead || d.kind == DecisionKind::kMo) {
      const std::uint32_t older = d.enabled & ~1u;
      if (!older || rng_.below(2) == 0) return 0;
      return nth_bit(older, rng_.below(popcount8(older)));
    }
    if (d.kind == DecisionKind::kFault) return rng_.below(4) == 0 ? 1 : 0;  // an OS call fails
    // At a change point the thread that would run next is demoted before it runs.
    for (int j = 0; j + 1 < depth_; ++j)
      if (change_[j] == d.step) prio_[highest(d.enabled)] = static_cast<std::uint32_t>(depth_ - 1 - j);
    return highest(d.enabled);
  }

  void end_run(std::uint32_t steps) override { max_steps_ = std::max(max_steps_, steps); }
  std::string name() const override { return "pct(d=" + std::to_string(depth_) + ")"; }
  std::uint64_t run_seed() const override { return seed_; }

 private:
  int highest(std::uint32_t enabled) const noexcept {
    int best = -1;
    for (std::uint32_t m = enabled; m; m &= m - 1) {
      const int t = __builtin_ctz(m);
      if (best < 0 || prio_[t] > prio_[best]) best = t;
    }
    return best;
  }

  static constexpr int kMaxDepth = 16;
  std::uint64_t base_;
  int depth_;
  std::uint64_t run_ = 0;
  std::uint64_t seed_ = 0;
  std::uint32_t max_steps_ = 16;
  SplitMix rng_{0};
  std::array<std::uint32_t, kMaxThreads> prio_{};
  std::array<std::uint32_t, kMaxDepth> change_{};
};

}  // namespace

std::unique_ptr<Strategy> make_pct(std::uint64_t seed, int depth) {
  return std::make_unique<PctStrategy>(seed, depth > 16 ? 16 : depth);
}

}  // namespace interleave
