// Checks of the remote inbox inside the allocator, shared by the unit tests and the decoy that
// must fail them.
#pragma once
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "test_config.h"

namespace hakmem::test {

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
  std::mutex m;
  std::condition_variable cv;
  bool freed = false, checked = false;
  std::thread t([&] {
    void* own = a.malloc(64);
    for (void* p : blocks) a.free(p);
    {
      std::unique_lock<std::mutex> lock(m);
      freed = true;
      cv.notify_all();
      cv.wait(lock, [&] { return checked; });  // the heap stays alive, undrained, for the check
    }
    a.free(own);
    a.thread_exit();
  });
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return freed; });
  }
  hak_heap_report r;
  const int errors = a.check(&r);
  {
    std::lock_guard<std::mutex> lock(m);
    checked = true;
    cv.notify_all();
  }
  t.join();
  ASSERT_EQ(errors, 0) << r.first_error;
  EXPECT_EQ(r.remote_pending, kBlocks);
  a.thread_flush();
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.remote_pending, 0u);
  EXPECT_EQ(r.tiny_live_blocks, 0u);
}

}  // namespace hakmem::test
