// Fuzz target `remote`: hakmem::RemoteList on its own against a sequential model. Three lists
// (three heaps' remote lists) and 64 blocks; a block is pushed to a list, taken back by that
// list's take_all, and may then be pushed again anywhere. Checked: take_all returns exactly the
// blocks pushed since the last take_all, newest first, each once (invariant 5: a remote free
// reaches its owner exactly once); maybe_nonempty and peek agree with the model; the list
// touches only a block's first word.
//
// Input: one byte per op plus operands.
//   op % 4 == 0  push(block b, list l)   b: first block from the next byte that is not on a list
//   op % 4 == 1  take_all(list l) and walk it
//   op % 4 == 2  probe(list l): maybe_nonempty and peek_quiescent
//   op % 4 == 3  push k = 1 + byte % 8 blocks to list l
// Built with HAKMEM_FUZZ_SEEDED_BUG it runs against a deliberately broken list instead.
#include <cstdint>
#include <vector>

#include "common/block_pool.h"
#include "common/byte_reader.h"
#include "common/fail.h"
#include "hakmem/core/remote_list.h"

#if HAKMEM_FUZZ_SEEDED_BUG
#include "seeded/drop_third_remote_list.h"
using List = hakmem::fuzz::DropThirdRemoteList<hakmem::StdAtomics>;
#else
using List = hakmem::RemoteList<hakmem::StdAtomics>;
#endif

namespace {

using hakmem::fuzz::BlockPool;
constexpr const char* kTarget = "remote";
constexpr unsigned kLists = 3;

struct Run {
  BlockPool<64> pool;
  List lists[kLists];
  std::vector<std::size_t> model[kLists];  // pushed and not yet taken, oldest first
  bool pushed[64] = {};
  unsigned long step = 0;

  void push(std::uint8_t b, unsigned l) {
    for (std::size_t k = 0; k < 64; ++k) {
      const std::size_t i = (b + k) % 64;
      if (pushed[i]) continue;
      pushed[i] = true;
      pool.stamp(i);
      model[l].push_back(i);
      lists[l].push(pool.block(i));
      return;
    }
  }
  void take(unsigned l) {
    std::size_t k = model[l].size();
    for (void* p = lists[l].take_all(); p; p = List::next(p)) {
      HAKMEM_FUZZ_CHECK(k > 0, kTarget, "invariant 5: take_all returns only blocks pushed since the last take_all",
                        p, static_cast<int>(l), step);
      const std::size_t want = model[l][--k];
      HAKMEM_FUZZ_CHECK(p == pool.block(want), kTarget, "take_all returns the pushed blocks newest first", p,
                        static_cast<int>(l), step);
      HAKMEM_FUZZ_CHECK(pool.stamped(want), kTarget, "the list touches only a block's first word", p,
                        static_cast<int>(l), step);
      pushed[want] = false;
    }
    HAKMEM_FUZZ_CHECK(k == 0, kTarget, "invariant 5: every remote-freed block reaches its owner exactly once",
                      k ? pool.block(model[l][k - 1]) : nullptr, static_cast<int>(l), step);
    model[l].clear();
  }
  void probe(unsigned l) {
    HAKMEM_FUZZ_CHECK(lists[l].maybe_nonempty() == !model[l].empty(), kTarget,
                      "maybe_nonempty agrees with the pushed blocks", nullptr, static_cast<int>(l), step);
    void* head = lists[l].peek_quiescent();
    HAKMEM_FUZZ_CHECK(head == (model[l].empty() ? nullptr : pool.block(model[l].back())), kTarget,
                      "peek_quiescent sees the newest push", head, static_cast<int>(l), step);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hakmem::fuzz::ByteReader in(data, size);
  static Run* run = new Run;
  run->~Run();
  new (run) Run;
  Run& r = *run;
  while (!in.empty()) {
    ++r.step;
    const std::uint8_t op = in.u8();
    const unsigned l = in.u8() % kLists;
    switch (op % 4) {
      case 0:
        r.push(in.u8(), l);
        break;
      case 1:
        r.take(l);
        break;
      case 2:
        r.probe(l);
        break;
      case 3:
        for (unsigned k = 1 + in.u8() % 8; k; --k) r.push(in.u8(), l);
        break;
    }
  }
  for (unsigned l = 0; l < kLists; ++l) r.take(l);  // the owners' final drains
  return 0;
}
