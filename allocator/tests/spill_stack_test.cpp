// The spill stack alone: LIFO order, chains, the length discipline, ABA tags, and many threads.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "hakmem/core/spill_stack.h"

namespace hakmem {
namespace {

struct alignas(16) Node {
  unsigned char bytes[32];
};

struct Fixture {
  std::vector<Node> nodes;
  SpillStack<StdAtomics> stack;
  explicit Fixture(std::size_t n) : nodes(n + 1), stack(&nodes[0]) {}  // nodes[0] is never pushed
  void* node(std::size_t i) { return &nodes[i + 1]; }
};

TEST(SpillStack, PushPopIsLifoAndLengthTracksTheList) {
  Fixture f(8);
  EXPECT_EQ(f.stack.pop(), nullptr);
  for (int i = 0; i < 8; ++i) f.stack.push(f.node(i));
  EXPECT_EQ(f.stack.length(), 8u);
  for (int i = 7; i >= 0; --i) EXPECT_EQ(f.stack.pop(), f.node(i));
  EXPECT_EQ(f.stack.length(), 0u);
  EXPECT_EQ(f.stack.pop(), nullptr);
}

TEST(SpillStack, ChainPushPublishesAllBlocksInOrder) {
  Fixture f(5);
  for (int i = 0; i + 1 < 5; ++i)
    SpillStack<StdAtomics>::link_of(f.node(i)).store(reinterpret_cast<std::uintptr_t>(f.node(i + 1)));
  f.stack.push_chain(f.node(0), f.node(4), 5);
  EXPECT_EQ(f.stack.length(), 5u);
  EXPECT_EQ(f.stack.for_each_quiescent([](void*) {}), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(f.stack.pop(), f.node(i));
}

// reserve() raises the length by what it grants, however little: one block of room is one
// block counted (the free path then publishes exactly that many).
TEST(SpillStack, ReserveRaisesTheLengthByWhatItGrantsEvenOneBlock) {
  Fixture f(4);
  std::uint32_t seen = 99;
  EXPECT_EQ(f.stack.reserve(8, 1, &seen), 1u);
  EXPECT_EQ(seen, 0u);
  EXPECT_EQ(f.stack.length(), 1u);
  EXPECT_EQ(f.stack.reserve(3, 5, &seen), 2u) << "up to the limit";
  EXPECT_EQ(seen, 1u);
  EXPECT_EQ(f.stack.length(), 3u);
  EXPECT_EQ(f.stack.reserve(3, 1, &seen), 0u) << "no room";
  EXPECT_EQ(f.stack.length(), 3u);
}

// A fork child's stack may count blocks that a vanished thread reserved and never published:
// repair_length_quiescent() sets the length back to what the list holds.
TEST(SpillStack, RepairSetsTheLengthToTheListsLength) {
  Fixture f(4);
  f.stack.push(f.node(0));
  f.stack.push(f.node(1));
  std::uint32_t seen = 0;
  ASSERT_EQ(f.stack.reserve(64, 3, &seen), 3u);  // reserved, never published
  EXPECT_EQ(f.stack.length(), 5u);
  f.stack.repair_length_quiescent();
  EXPECT_EQ(f.stack.length(), 2u);
  EXPECT_EQ(f.stack.pop(), f.node(1));
  EXPECT_EQ(f.stack.pop(), f.node(0));
  EXPECT_EQ(f.stack.length(), 0u);
}

TEST(SpillStack, ConcurrentPushersAndPoppersLoseAndDuplicateNothing) {
  constexpr int kThreads = 4, kPerThread = 20000;
  Fixture f(kThreads * 64);
  std::vector<std::vector<void*>> popped(kThreads);
  std::atomic<bool> go{false};
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      std::vector<void*> mine;
      for (int i = 0; i < 64; ++i) mine.push_back(f.node(t * 64 + i));
      while (!go) {
      }
      for (int round = 0; round < kPerThread; ++round) {
        if (!mine.empty() && (round % 3 != 2)) {
          f.stack.push(mine.back());
          mine.pop_back();
        } else if (void* p = f.stack.pop()) {
          mine.push_back(p);
        }
      }
      popped[t] = mine;
    });
  go = true;
  for (auto& t : ts) t.join();
  std::multiset<void*> all;
  for (auto& v : popped) all.insert(v.begin(), v.end());
  f.stack.for_each_quiescent([&](void* p) { all.insert(p); });
  EXPECT_EQ(all.size(), std::size_t{kThreads} * 64);
  EXPECT_EQ(std::set<void*>(all.begin(), all.end()).size(), all.size()) << "a node is in two places";
  EXPECT_EQ(f.stack.length(), f.stack.for_each_quiescent([](void*) {}));
}

}  // namespace
}  // namespace hakmem
