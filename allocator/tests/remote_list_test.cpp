// The remote-free list and the inbox of several lists alone: many producers, one consumer, each
// block exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "hakmem/core/remote_inbox.h"

namespace hakmem {
namespace {

TEST(RemoteList, TakeAllReturnsEverythingPushedOnce) {
  RemoteList<StdAtomics> list;
  std::vector<std::uint64_t> blocks(10 * 2);
  EXPECT_EQ(list.take_all(), nullptr);
  for (int i = 0; i < 10; ++i) list.push(&blocks[i * 2]);
  std::set<void*> got;
  for (void* p = list.take_all(); p; p = RemoteList<StdAtomics>::next(p)) got.insert(p);
  EXPECT_EQ(got.size(), 10u);
  EXPECT_EQ(list.take_all(), nullptr);
}

TEST(RemoteList, ProducersRacingTheConsumerDeliverEachBlockExactlyOnce) {
  constexpr int kProducers = 3, kPer = 30000;
  RemoteList<StdAtomics> list;
  std::vector<std::uint64_t> blocks(std::size_t{kProducers} * kPer * 2);
  std::atomic<int> done{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < kProducers; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < kPer; ++i) list.push(&blocks[(static_cast<std::size_t>(t) * kPer + i) * 2]);
      done.fetch_add(1);
    });
  std::vector<char> seen(std::size_t{kProducers} * kPer, 0);
  std::size_t total = 0;
  auto consume = [&] {
    for (void* p = list.take_all(); p; p = RemoteList<StdAtomics>::next(p)) {
      const std::size_t i = (static_cast<std::uint64_t*>(p) - blocks.data()) / 2;
      ASSERT_EQ(seen[i], 0) << "block " << i << " delivered twice";
      seen[i] = 1;
      ++total;
    }
  };
  while (done.load() < kProducers) consume();
  for (auto& t : ts) t.join();
  consume();
  EXPECT_EQ(total, seen.size());
}

using Inbox = RemoteInbox<StdAtomics>;
constexpr unsigned kWays = Inbox::kWays;

// Links blocks[from..to) into a chain (in that order) and returns {first, last}.
std::pair<void*, void*> chain_of(std::vector<std::uint64_t>& blocks, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i + 1 < to; ++i) Inbox::link_of(&blocks[i * 2]).set(reinterpret_cast<std::uintptr_t>(&blocks[(i + 1) * 2]));
  return {&blocks[from * 2], &blocks[(to - 1) * 2]};
}

TEST(RemoteInbox, EachChainWaitsOnItsWayAndTakeAllReturnsEveryBlockOnce) {
  Inbox inbox;
  std::vector<std::uint64_t> blocks(kWays * 5 * 2);
  void* heads[kWays];
  EXPECT_FALSE(inbox.take_all(heads));
  for (unsigned w = 0; w < kWays; ++w) {
    auto [first, last] = chain_of(blocks, w * 5, w * 5 + 5);
    inbox.push_chain(first, last, w + kWays);  // the way number wraps
  }
  EXPECT_TRUE(inbox.maybe_nonempty());
  std::size_t visited = 0;
  inbox.for_each_quiescent([&](void*) { ++visited; });
  EXPECT_EQ(visited, kWays * 5u);
  ASSERT_TRUE(inbox.take_all(heads));
  for (unsigned w = 0; w < kWays; ++w) {
    std::size_t i = w * 5;
    for (void* p = heads[w]; p; p = Inbox::next(p), ++i) ASSERT_EQ(p, &blocks[i * 2]) << "way " << w;
    EXPECT_EQ(i, w * 5 + 5u) << "way " << w << " lost blocks";
  }
  EXPECT_FALSE(inbox.maybe_nonempty());
  EXPECT_FALSE(inbox.take_all(heads));
}

// Single pushes (threads without a batch) spread over the ways by address, so a drain of many
// of them walks several chains side by side too.
TEST(RemoteInbox, SinglePushesSpreadOverTheWays) {
  Inbox inbox;
  std::vector<std::uint64_t> blocks(256 * 8);  // 64-byte blocks: the address's low 6 bits are equal
  for (std::size_t i = 0; i < 256; ++i) inbox.push(&blocks[i * 8]);
  void* heads[kWays];
  ASSERT_TRUE(inbox.take_all(heads));
  std::size_t total = 0;
  for (unsigned w = 0; w < kWays; ++w) {
    std::size_t n = 0;
    for (void* p = heads[w]; p; p = Inbox::next(p)) ++n;
    EXPECT_GE(n, 256u / kWays / 3) << "way " << w << " got few of 256 blocks";
    total += n;
  }
  EXPECT_EQ(total, 256u);
}

// The degenerate inbox of one way: single pushes and chains all land on its one list.
TEST(RemoteInbox, AOneWayInboxTakesSinglePushesAndChainsOnItsOneList) {
  using One = RemoteInbox<StdAtomics, 1>;
  One inbox;
  std::vector<std::uint64_t> blocks(16 * 2);
  for (std::size_t i = 0; i < 4; ++i) inbox.push(&blocks[i * 2]);
  auto [first, last] = chain_of(blocks, 4, 16);
  inbox.push_chain(first, last, 5);  // any way number is way 0
  void* heads[1] = {};
  ASSERT_TRUE(inbox.take_all(heads));
  std::set<void*> seen;
  for (void* p = heads[0]; p; p = One::next(p)) EXPECT_TRUE(seen.insert(p).second);
  EXPECT_EQ(seen.size(), 16u);
  EXPECT_FALSE(inbox.maybe_nonempty());
}

TEST(RemoteInbox, ProducersRacingTheConsumerDeliverEachBlockExactlyOnce) {
  constexpr int kProducers = 3, kChains = 2000, kPerChain = 7;
  Inbox inbox;
  std::vector<std::uint64_t> blocks(std::size_t{kProducers} * kChains * kPerChain * 2);
  std::atomic<int> done{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < kProducers; ++t)
    ts.emplace_back([&, t] {
      for (int c = 0; c < kChains; ++c) {
        const std::size_t from = (static_cast<std::size_t>(t) * kChains + c) * kPerChain;
        auto [first, last] = chain_of(blocks, from, from + kPerChain);
        inbox.push_chain(first, last, static_cast<std::uint32_t>(c + t));
      }
      done.fetch_add(1);
    });
  std::vector<char> seen(blocks.size() / 2, 0);
  std::size_t total = 0;
  auto consume = [&] {
    void* heads[kWays];
    if (!inbox.take_all(heads)) return;
    for (void* head : heads)
      for (void* p = head; p; p = Inbox::next(p)) {
        const std::size_t i = (static_cast<std::uint64_t*>(p) - blocks.data()) / 2;
        ASSERT_EQ(seen[i], 0) << "block " << i << " delivered twice";
        seen[i] = 1;
        ++total;
      }
  };
  while (done.load() < kProducers) consume();
  for (auto& t : ts) t.join();
  consume();
  EXPECT_EQ(total, seen.size());
}

}  // namespace
}  // namespace hakmem
