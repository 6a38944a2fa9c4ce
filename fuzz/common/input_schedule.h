// A schedule for the interleaving checker read from the fuzz input: each scheduling decision
// consumes one byte and picks among the runnable threads, so an input replays one interleaving
// exactly. When the bytes run out, the checker's default choice continues the run.
#pragma once
#include <cstdint>
#include <string>
#include <utility>

#include "interleave/strategy.h"

namespace hakmem::fuzz {

class InputSchedule final : public interleave::Strategy {
 public:
  InputSchedule(const std::uint8_t* p, const std::uint8_t* end) : p_(p), end_(end) {}
  bool begin_run() override { return !std::exchange(ran_, true); }
  int pick(const interleave::Decision& d) override {
    if (p_ == end_) return interleave::default_choice(d);
    return interleave::nth_bit(d.enabled, *p_++ % static_cast<unsigned>(__builtin_popcount(d.enabled)));
  }
  std::string name() const override { return "fuzz-input"; }

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
  bool ran_ = false;
};

}  // namespace hakmem::fuzz
