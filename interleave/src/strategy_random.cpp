// Uniform random: every enabled thread is equally likely at every scheduling point.
#include "interleave/strategy.h"

namespace interleave {
namespace {

class RandomStrategy final : public Strategy {
 public:
  explicit RandomStrategy(std::uint64_t seed) : base_(seed) {}
  bool begin_run() override {
    seed_ = base_ + run_++;
    rng_ = SplitMix{seed_};
    return true;
  }
  int pick(const Decision& d) override {
    if (d.kind == DecisionKind::kFault) return rng_.below(4) == 0 ? 1 : 0;  // an OS call fails
    return nth_bit(d.enabled, rng_.below(popcount8(d.enabled)));
  }
  std::string name() const override { return "random"; }
  std::uint64_t run_seed() const override { return seed_; }

 private:
  std::uint64_t base_;
  std::uint64_t run_ = 0;
  std::uint64_t seed_ = 0;
  SplitMix rng_{0};
};

}  // namespace

std::unique_ptr<Strategy> make_random(std::uint64_t seed) {
  return std::make_unique<RandomStrategy>(seed);
}

}  // namespace interleave
