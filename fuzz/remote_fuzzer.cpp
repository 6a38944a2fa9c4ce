// Fuzz target `remote`: hakmem::RemoteList on its own, and hakmem::RemoteInbox (four ways of the
// same lists), against a sequential model. Three lists (three heaps' remote lists), one inbox and
// 64 blocks; a block is pushed to a list or the inbox, taken back by its take_all, and may then be
// pushed again anywhere. Checked: take_all returns exactly the blocks pushed since the last
// take_all, newest first, each once (invariant 5: a remote free reaches its owner exactly once);
// the inbox's ways each hold exactly their pushes (a batch on the way it was sent to, in its
// order; a single block on the way its address hashes to); maybe_nonempty, peek and the heap
// check's walk agree with the model; lists touch only a block's first word.
//
// Input: one byte per op plus operands. The second byte picks the structure: with its top bit
// set, the inbox (ops on the inbox: push, take, probe, batch), else list byte % 3.
//   op % 4 == 0  push(block b)             b: first block from the next byte that is not pushed
//   op % 4 == 1  take_all and walk it      (the inbox: every way)
//   op % 4 == 2  probe: maybe_nonempty and peek_quiescent (the inbox: for_each_quiescent)
//   op % 4 == 3  lists: push k = 1 + byte % 8 blocks one by one; the inbox: a batch of k blocks
//                linked first to last, pushed with one push_chain onto way (next byte) % 4
// Built with HAKMEM_FUZZ_SEEDED_BUG it runs against a deliberately broken list instead (also
// the inbox's ways).
#include <cstdint>
#include <vector>

#include "common/block_pool.h"
#include "common/byte_reader.h"
#include "common/fail.h"
#include "hakmem/core/remote_inbox.h"
#include "hakmem/core/remote_list.h"

#if HAKMEM_FUZZ_SEEDED_BUG
#include "seeded/drop_third_remote_list.h"
using List = hakmem::fuzz::DropThirdRemoteList<hakmem::StdAtomics>;
#else
using List = hakmem::RemoteList<hakmem::StdAtomics>;
#endif
using Inbox = hakmem::RemoteInbox<hakmem::StdAtomics, 4, List>;

namespace {

using hakmem::fuzz::BlockPool;
constexpr const char* kTarget = "remote";
constexpr unsigned kLists = 3;

struct Run {
  BlockPool<64> pool;
  List lists[kLists];
  std::vector<std::size_t> model[kLists];  // pushed and not yet taken, oldest first
  Inbox inbox;
  std::vector<std::size_t> inbox_model[Inbox::kWays];  // per way, as a list: its head last
  bool pushed[64] = {};
  unsigned long step = 0;

  // The first block from b on that is on no list (or -1: all 64 are).
  long claim(std::uint8_t b) {
    for (std::size_t k = 0; k < 64; ++k) {
      const std::size_t i = (b + k) % 64;
      if (pushed[i]) continue;
      pushed[i] = true;
      pool.stamp(i);
      return static_cast<long>(i);
    }
    return -1;
  }
  void push(std::uint8_t b, unsigned l) {
    const long i = claim(b);
    if (i < 0) return;
    model[l].push_back(i);
    lists[l].push(pool.block(i));
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

  // The inbox (reported as list 3).
  void inbox_push(std::uint8_t b) {
    const long i = claim(b);
    if (i < 0) return;
    inbox_model[Inbox::way_of(pool.block(i))].push_back(i);
    inbox.push(pool.block(i));
  }
  void inbox_batch(unsigned k, std::uint8_t way, const std::uint8_t* picks) {
    std::vector<std::size_t> chain;
    for (unsigned j = 0; j < k; ++j) {
      const long i = claim(picks[j]);
      if (i >= 0) chain.push_back(i);
    }
    if (chain.empty()) return;
    for (std::size_t j = 0; j + 1 < chain.size(); ++j)
      Inbox::link_of(pool.block(chain[j])).set(reinterpret_cast<std::uintptr_t>(pool.block(chain[j + 1])));
    inbox.push_chain(pool.block(chain.front()), pool.block(chain.back()), way);
    // The way reads first..last from its head: in the model (head last) that is last..first.
    for (std::size_t j = chain.size(); j-- > 0;) inbox_model[way % Inbox::kWays].push_back(chain[j]);
  }
  void inbox_take() {
    void* heads[Inbox::kWays];
    const bool any = inbox.take_all(heads);
    bool expected_any = false;
    for (unsigned w = 0; w < Inbox::kWays; ++w) {
      auto& m = inbox_model[w];
      expected_any |= !m.empty();
      std::size_t k = m.size();
      for (void* p = heads[w]; p; p = Inbox::next(p)) {
        HAKMEM_FUZZ_CHECK(k > 0, kTarget, "invariant 5: a way of the inbox returns only blocks pushed to it", p, 3,
                          step);
        const std::size_t want = m[--k];
        HAKMEM_FUZZ_CHECK(p == pool.block(want), kTarget,
                          "a way of the inbox returns its pushes newest first, a batch in its order", p, 3, step);
        HAKMEM_FUZZ_CHECK(pool.stamped(want), kTarget, "the inbox touches only a block's first word", p, 3, step);
        pushed[want] = false;
      }
      HAKMEM_FUZZ_CHECK(k == 0, kTarget, "invariant 5: every block pushed to the inbox reaches its owner exactly once",
                        k ? pool.block(m[k - 1]) : nullptr, 3, step);
      m.clear();
    }
    HAKMEM_FUZZ_CHECK(any == expected_any, kTarget, "take_all says whether it took anything", nullptr, 3, step);
  }
  void inbox_probe() {
    std::size_t expected = 0;
    for (const auto& m : inbox_model) expected += m.size();
    HAKMEM_FUZZ_CHECK(inbox.maybe_nonempty() == (expected != 0), kTarget,
                      "the inbox's maybe_nonempty agrees with the pushed blocks", nullptr, 3, step);
    std::size_t seen = 0;
    inbox.for_each_quiescent([&](void* p) {
      const long i = pool.index_of(p);
      HAKMEM_FUZZ_CHECK(i >= 0 && i < 64 && pushed[i], kTarget, "the inbox's walk visits only pushed blocks", p, 3, step);
      ++seen;
    });
    HAKMEM_FUZZ_CHECK(seen == expected, kTarget, "the inbox's walk visits every pushed block", nullptr, 3, step);
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
    const std::uint8_t target = in.u8();
    if (target & 0x80) {
      switch (op % 4) {
        case 0:
          r.inbox_push(in.u8());
          break;
        case 1:
          r.inbox_take();
          break;
        case 2:
          r.inbox_probe();
          break;
        case 3: {
          const unsigned k = 1 + in.u8() % 8;
          const std::uint8_t way = in.u8();
          std::uint8_t picks[8];
          for (unsigned j = 0; j < k; ++j) picks[j] = in.u8();
          r.inbox_batch(k, way, picks);
          break;
        }
      }
      continue;
    }
    const unsigned l = target % kLists;
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
  r.inbox_take();
  return 0;
}
