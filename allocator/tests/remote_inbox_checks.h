// Checks of the remote inbox inside the allocator, shared by the unit tests and the decoy that
// must fail them.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "test_config.h"

namespace hakmem::test {

// Runs before() on another thread, then, while that thread waits (alive: its heap neither
// drained nor orphaned), inspect() on this one; then the other thread runs after() and ends.
template <class Before, class Inspect, class After>
void inspect_while_freer_waits(Before before, Inspect inspect, After after) {
  std::mutex m;
  std::condition_variable cv;
  bool freed = false, inspected = false;
  std::thread t([&] {
    before();
    {
      std::unique_lock<std::mutex> lock(m);
      freed = true;
      cv.notify_all();
      cv.wait(lock, [&] { return inspected; });
    }
    after();
  });
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return freed; });
  }
  inspect();
  {
    std::lock_guard<std::mutex> lock(m);
    inspected = true;
    cv.notify_all();
  }
  t.join();
}

// Another thread frees many batches of this thread's blocks: they wait in this heap's inbox,
// spread over its ways, in transit; this thread's flush drains every way, and each block is back
// on its slab, none live, none lost (invariants 4 and 5).
template <class Alloc>
void remote_batches_on_every_way_reach_their_slabs() {
  Alloc a(small_options());
  constexpr std::size_t kBlocks = 4 * kRemoteWays * kRemoteBatch;
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < kBlocks; ++i) {
    blocks.push_back(a.malloc(16 + (i * 40) % 497));  // 16..512 B: most tiny classes
    ASSERT_NE(blocks.back(), nullptr);
  }
  a.thread_flush();  // this heap's caches empty: what follows is the remote frees alone
  std::thread t([&] {
    void* own = a.malloc(64);  // a heap of its own: its remote frees are batched
    for (void* p : blocks) a.free(p);
    a.free(own);
    a.thread_exit();  // pushes the last batch
  });
  t.join();
  hak_heap_report r;
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.remote_pending, kBlocks) << "every freed block waits in this heap's inbox";
  EXPECT_EQ(r.tiny_live_blocks, 0u);
  a.thread_flush();  // drains the inbox
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.remote_pending, 0u);
  EXPECT_EQ(r.tiny_live_blocks, 0u) << "remote-freed blocks that the drain never returned to their slabs";
  EXPECT_EQ(r.tiny_transit_blocks, 0u);
}

// While the freeing thread still lives (its heap not drained), every full batch it sent waits in
// the inbox of the blocks' owner, and the heap check finds each inbox holding only its own
// heap's blocks; the owner's flush then returns them all.
template <class Alloc>
void full_batches_wait_in_their_owners_inbox() {
  Alloc a(small_options());
  constexpr std::size_t kBlocks = 3 * kRemoteBatch;  // three full batches, nothing left gathered
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < kBlocks; ++i) blocks.push_back(a.malloc(48));
  a.thread_flush();
  void* own = nullptr;
  hak_heap_report r;
  int errors = 0;
  inspect_while_freer_waits(
      [&] {
        own = a.malloc(64);
        for (void* p : blocks) a.free(p);
      },
      [&] { errors = a.check(&r); },
      [&] {
        a.free(own);
        a.thread_exit();
      });
  ASSERT_EQ(errors, 0) << r.first_error;
  EXPECT_EQ(r.remote_pending, kBlocks);
  a.thread_flush();
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.remote_pending, 0u);
  EXPECT_EQ(r.tiny_live_blocks, 0u);
}

// A thread that has never allocated frees this thread's blocks: it gets a heap and gathers the
// frees in its batch, so while it lives nothing it freed (fewer than a batch) reaches the owner's
// inbox, and the owner's flush finds none; its exit pushes them all.
template <class Alloc>
void a_thread_that_only_frees_gathers_its_frees() {
  Alloc a(small_options());
  constexpr std::size_t kBlocks = kRemoteBatch - 1;  // one short of a push
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < kBlocks; ++i) blocks.push_back(a.malloc(48));
  a.thread_flush();
  hak_heap_report r;
  int errors = 0;
  inspect_while_freer_waits(
      [&] {
        for (void* p : blocks) a.free(p);  // no malloc first: the free attaches the heap
      },
      [&] {
        a.thread_flush();  // the owner drains its inbox: empty if the frees were gathered
        errors = a.check(&r);
      },
      [] {});  // ends without thread_exit(): the exit hook orphans its heap and pushes the batch
  ASSERT_EQ(errors, 0) << r.first_error;
  EXPECT_EQ(r.remote_pending, kBlocks) << "the freeing thread pushed its frees one by one";
  EXPECT_EQ(r.tiny_live_blocks, 0u);
  a.thread_flush();
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.remote_pending, 0u) << "the exit pushed the gathered frees";
  EXPECT_EQ(r.tiny_live_blocks, 0u);
}

// Another thread frees blocks of two classes in a shuffled order; this thread's next refill of
// each class drains them into its front cache, so malloc hands that class's blocks out lowest
// address first, starting from the lowest of them all. The heap check then finds every cached
// block in its own class's cache.
template <class Alloc>
void a_refill_drain_hands_a_class_out_lowest_address_first() {
  Alloc a(small_options());
  constexpr std::size_t kSizes[] = {32, 64};
  constexpr std::size_t kPerClass = 3 * kRemoteBatch;  // more than a front cache takes
  std::vector<void*> blocks[2];
  for (int k = 0; k < 2; ++k)
    for (std::size_t i = 0; i < kPerClass; ++i) blocks[k].push_back(a.malloc(kSizes[k]));
  a.thread_flush();  // this heap's caches empty: a malloc of either class refills
  std::vector<void*> shuffled(blocks[0]);
  shuffled.insert(shuffled.end(), blocks[1].begin(), blocks[1].end());
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(42));
  std::thread([&] {
    for (void* p : shuffled) a.free(p);
  }).join();  // its exit pushed the last batch: all wait in this heap's inbox
  for (int k = 0; k < 2; ++k) {
    const std::uintptr_t lowest = reinterpret_cast<std::uintptr_t>(*std::min_element(blocks[k].begin(), blocks[k].end()));
    const std::uint32_t cached = kFrontCapacity[tiny_class_of(kSizes[k])];
    std::uintptr_t prev = 0;
    for (std::uint32_t i = 0; i < cached; ++i) {
      const auto p = reinterpret_cast<std::uintptr_t>(a.malloc(kSizes[k]));
      if (i == 0) {
        EXPECT_EQ(p, lowest) << kSizes[k] << " B: the first block after the drain is not the lowest freed";
      }
      EXPECT_GT(p, prev) << kSizes[k] << " B: block " << i << " after the drain is below the one before";
      prev = p;
    }
    hak_heap_report r;
    ASSERT_EQ(a.check(&r), 0) << r.first_error;
  }
}

}  // namespace hakmem::test
