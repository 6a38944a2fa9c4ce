// DECOY (never used outside fuzz/): a spill stack whose pop forgets to lower the length when it
// empties the stack, so the flow-control length drifts above the list length (invariant 6).
// The `spill` target's decoy build runs against it: the committed corpus must expose it.
#pragma once
#include <cstdint>

#include "hakmem/core/spill_stack.h"

namespace hakmem::fuzz {

template <class A>
class LazyLengthSpillStack : public SpillStack<A> {
 public:
  using SpillStack<A>::SpillStack;
  void* pop() noexcept {
    const std::uint32_t before = SpillStack<A>::length();
    void* p = SpillStack<A>::pop();
    if (p && before == 1) ++drift_;  // the forgotten decrement
    return p;
  }
  std::uint32_t length() const noexcept { return SpillStack<A>::length() + drift_; }

 private:
  std::uint32_t drift_ = 0;
};

}  // namespace hakmem::fuzz
