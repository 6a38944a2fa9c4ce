// The remote-free list alone: many producers, one consumer, each block exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "hakmem/core/remote_list.h"

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

}  // namespace
}  // namespace hakmem
