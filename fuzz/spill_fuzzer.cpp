// Fuzz target `spill`: hakmem::SpillStack on its own against a sequential model (a vector used
// as a stack). Single-threaded, so the length must equal the list length after every operation
// (invariant 6 with zero operations in flight), pops must be LIFO, a chain push must keep the
// chain's order, and the stack may touch only a block's first word.
//
// Input: a sequence of ops, one byte each plus operands.
//   op % 5 == 0  push(block b)            b: next byte, the first free block from b on
//   op % 5 == 1  push_chain(k blocks)     k = 1 + next byte % 8
//   op % 5 == 2  pop
//   op % 5 == 3  pop until empty
//   op % 5 == 4  walk (for_each_quiescent) and compare with the model
// Built with HAKMEM_FUZZ_DECOY it runs against a stack that loses a length decrement.
#include <cstdint>
#include <vector>

#include "common/block_pool.h"
#include "common/byte_reader.h"
#include "common/fail.h"
#include "hakmem/core/spill_stack.h"
#include "seeded/lazy_length_spill_stack.h"

namespace {

using hakmem::fuzz::BlockPool;
#if HAKMEM_FUZZ_DECOY
using Stack = hakmem::fuzz::LazyLengthSpillStack<hakmem::StdAtomics>;
#else
using Stack = hakmem::SpillStack<hakmem::StdAtomics>;
#endif
constexpr const char* kTarget = "spill";

struct Run {
  BlockPool<64> pool;
  Stack stack{pool.base()};
  std::vector<std::size_t> model;  // block indices, bottom .. top
  bool on_stack[64] = {};
  unsigned long step = 0;

  long first_free_from(std::size_t b) const {
    for (std::size_t k = 0; k < 64; ++k)
      if (!on_stack[(b + k) % 64]) return static_cast<long>((b + k) % 64);
    return -1;
  }
  void push(std::size_t i) {
    pool.stamp(i);
    on_stack[i] = true;
    model.push_back(i);
  }
  void pop() {
    void* p = stack.pop();
    if (model.empty()) {
      HAKMEM_FUZZ_CHECK(p == nullptr, kTarget, "pop of an empty stack returns nullptr", p, 0, step);
      return;
    }
    const std::size_t want = model.back();
    HAKMEM_FUZZ_CHECK(p == pool.block(want), kTarget, "pop returns the last pushed block (LIFO)", p, 0, step);
    HAKMEM_FUZZ_CHECK(pool.stamped(want), kTarget, "the stack touches only a block's first word", p, 0, step);
    model.pop_back();
    on_stack[want] = false;
  }
  void walk() {
    std::size_t k = model.size();
    const std::uint32_t n = stack.for_each_quiescent([&](void* p) {
      HAKMEM_FUZZ_CHECK(k > 0 && p == pool.block(model[k - 1]), kTarget,
                        "the quiescent walk sees the model's blocks top to bottom", p, 0, step);
      --k;
    });
    HAKMEM_FUZZ_CHECK(n == model.size(), kTarget, "the walk counts every block once", nullptr, 0, step);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hakmem::fuzz::ByteReader in(data, size);
  static Run* run = new Run;  // reused: a fresh Run is placement-built below
  run->~Run();
  new (run) Run;
  Run& r = *run;
  while (!in.empty()) {
    ++r.step;
    switch (in.u8() % 5) {
      case 0: {
        const long i = r.first_free_from(in.u8());
        if (i < 0) break;
        r.push(static_cast<std::size_t>(i));
        r.stack.push(r.pool.block(static_cast<std::size_t>(i)));
        break;
      }
      case 1: {
        const unsigned k = 1 + in.u8() % 8;
        std::vector<std::size_t> chain;  // chain[0] ends on top
        for (unsigned j = 0; j < k; ++j) {
          const long i = r.first_free_from(in.u8());
          if (i < 0) break;
          r.on_stack[i] = true;  // reserve while the chain is built
          chain.push_back(static_cast<std::size_t>(i));
        }
        if (chain.empty()) break;
        for (std::size_t j = 0; j + 1 < chain.size(); ++j)
          Stack::link_of(r.pool.block(chain[j]))
              .store(reinterpret_cast<std::uintptr_t>(r.pool.block(chain[j + 1])), std::memory_order_relaxed);
        for (std::size_t j = chain.size(); j-- > 0;) r.push(chain[j]);
        r.stack.push_chain(r.pool.block(chain.front()), r.pool.block(chain.back()),
                           static_cast<std::uint32_t>(chain.size()));
        break;
      }
      case 2:
        r.pop();
        break;
      case 3:
        while (!r.model.empty()) r.pop();
        r.pop();
        break;
      case 4:
        r.walk();
        break;
    }
    HAKMEM_FUZZ_CHECK(r.stack.length() == r.model.size(), kTarget,
                      "invariant 6: spill length equals the list length at quiescence", nullptr, 0, r.step);
  }
  r.walk();
  return 0;
}
