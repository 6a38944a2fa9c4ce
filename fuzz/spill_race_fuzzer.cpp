// Fuzz target `spill_race`: hakmem::SpillStack under the interleaving checker, with per-thread
// push/pop programs and the schedule both taken from the input (the lock-free races of the
// spill queue, fuzzable and exactly replayable). Checked: a pop returns only a block that is on
// the stack (never one another thread holds: invariant 1 / ABA), and at the end every block is
// either held or on the stack exactly once, with length == list length (invariant 6).
//
// Input: byte 0: threads (2..3); per thread a length byte (ops = b % 12) and one byte per op
// (b % 3: 0 push a held block, 1 pop, 2 push two held blocks as a chain); the remaining bytes
// are the schedule (the (b % n)-th runnable thread runs next).
// Built with HAKMEM_FUZZ_SEEDED_BUG it runs against a stack without the ABA tag.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/block_pool.h"
#include "common/fail.h"
#include "common/input_schedule.h"
#include "hakmem/core/spill_stack.h"
#include "interleave/checked_atomics.h"
#include "interleave/checker.h"
#include "interleave/strategy.h"
#include "seeded/no_tag_spill_stack.h"

namespace {

using A = interleave::CheckedAtomics;
#if HAKMEM_FUZZ_SEEDED_BUG
using Stack = hakmem::fuzz::NoTagSpillStack<A>;
#else
using Stack = hakmem::SpillStack<A>;
#endif
constexpr int kThreads = 3;
constexpr int kPerThread = 8;
constexpr int kBlocks = kThreads * kPerThread;
constexpr int kOnStack = -1;

class RaceTest final : public interleave::Test {
 public:
  int n = 2;
  std::vector<std::uint8_t> programs[kThreads];

  std::string name() const override { return "fuzz.spill_race"; }
  int threads() const override { return n; }
  void setup() override {
    stack_.~Stack();
    new (&stack_) Stack(pool_.base());
    for (int i = 0; i < kBlocks; ++i) holder_[i] = i / kPerThread;
  }
  void thread(int t) override {
    for (std::uint8_t op : programs[t]) {
      switch (op % 3) {
        case 0:
          if (int b = held(t, op / 3); b >= 0) push(b, b);
          break;
        case 1:
          pop(t);
          break;
        case 2: {
          const int b = held(t, op / 3);
          if (b < 0) break;
          holder_[b] = kOnStack;  // reserve it while the chain is built
          const int c = held(t, op / 3 + 1);
          holder_[b] = t;
          if (c < 0) break;
          push(b, c);
          break;
        }
      }
    }
  }
  void finish() override {
    int on_stack = 0;
    bool seen[kBlocks] = {};
    const std::uint32_t walked = stack_.for_each_quiescent([&](void* p) {
      const long i = pool_.index_of(p);
      if (!interleave::check(i >= 0 && !seen[i] && holder_[i] == kOnStack,
                             "invariant 1: each stacked block is on the stack once", p))
        return;
      seen[i] = true;
    });
    for (int i = 0; i < kBlocks; ++i) on_stack += holder_[i] == kOnStack;
    interleave::check(static_cast<int>(walked) == on_stack, "every pushed, unpopped block is on the stack");
    interleave::check(stack_.length() == walked, "invariant 6: spill length equals the list length at quiescence");
  }

 private:
  int held(int t, unsigned from) const {
    for (int k = 0; k < kBlocks; ++k)
      if (const int i = static_cast<int>((from + k) % kBlocks); holder_[i] == t) return i;
    return -1;
  }
  // Pushes b (and c after it when c != b) as one chain.
  void push(int b, int c) {
    holder_[b] = holder_[c] = kOnStack;  // poppable from the publishing CAS on: mark first
    if (b != c)
      Stack::link_of(pool_.block(b)).store(reinterpret_cast<std::uintptr_t>(pool_.block(c)), std::memory_order_relaxed);
    stack_.push_chain(pool_.block(b), pool_.block(c), b == c ? 1 : 2);
  }
  void pop(int t) {
    void* p = stack_.pop();
    if (!p) return;
    const long i = pool_.index_of(p);
    interleave::check(i >= 0, "pop returns a block of the pool", p);
    interleave::check(holder_[i] == kOnStack, "invariant 1: pop hands out only a block on the stack (ABA)", p);
    holder_[i] = t;
  }

  hakmem::fuzz::BlockPool<kBlocks> pool_;
  Stack stack_{pool_.base()};
  int holder_[kBlocks] = {};
};


}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static RaceTest* test = new RaceTest;
  const std::uint8_t* p = data;
  const std::uint8_t* end = data + size;
  auto next = [&]() -> std::uint8_t { return p < end ? *p++ : 0; };
  test->n = 2 + next() % 2;
  for (int t = 0; t < kThreads; ++t) {
    test->programs[t].clear();
    if (t >= test->n) continue;
    for (unsigned len = next() % 12; len; --len) test->programs[t].push_back(next());
  }
  hakmem::fuzz::InputSchedule schedule(p, end);
  interleave::Options opt;
  opt.aba_fatal = false;  // the model, not the checker's ABA detector, must find the bug
  const interleave::Result r = interleave::run_once(*test, schedule, opt);
  if (r.failed)
    hakmem::fuzz::fail("spill_race", r.failure.what.c_str(), r.failure.address, r.failure.thread, r.failure.step,
                       ("schedule " + r.schedule).c_str());
  return 0;
}
