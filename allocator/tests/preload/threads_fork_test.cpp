// Threads and fork through the plain API: fork while other threads allocate, blocks that outlive
// the thread that allocated them, and the very first allocation of a brand-new thread.
#include <gtest/gtest.h>
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "../bounded_wait.h"

namespace {

// Allocates and frees a mix of sizes (tiny, mid, large) until told to stop.
void churn(const std::atomic<bool>& stop, unsigned seed) {
  std::vector<void*> live(64, nullptr);
  for (unsigned i = seed; !stop.load(std::memory_order_relaxed); ++i) {
    size_t slot = (i * 2654435761u) % live.size();
    std::free(live[slot]);
    size_t n = (i % 97 == 0) ? 200000 : (i % 13 == 0) ? 5000 : 16 + i % 1000;
    live[slot] = std::malloc(n);
    if (live[slot]) std::memset(live[slot], static_cast<int>(i), n < 64 ? n : 64);
  }
  for (void* p : live) std::free(p);
}

// Runs in the forked child: must not deadlock on a lock a parent thread held at fork time.
[[noreturn]] void child_allocates_and_exits() {
  alarm(20);  // a deadlocked child dies by SIGALRM instead of hanging the test
  std::vector<void*> blocks;
  for (size_t n = 1; n < 300000; n = n * 3 / 2 + 1) {
    void* p = std::malloc(n);
    if (!p) _exit(3);
    std::memset(p, 0x11, n);
    blocks.push_back(p);
  }
  void* c = std::calloc(100, 10);
  if (!c) _exit(4);
  for (int i = 0; i < 1000; ++i)
    if (static_cast<unsigned char*>(c)[i]) _exit(5);
  for (void* p : blocks) std::free(p);
  std::free(c);
  _exit(0);
}

TEST(Fork, ChildAllocatesWhileParentThreadsAllocate) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < 3; ++t) workers.emplace_back(churn, std::cref(stop), t * 1000);
  for (int round = 0; round < 30; ++round) {
    pid_t pid = fork();
    ASSERT_NE(pid, -1);
    if (pid == 0) child_allocates_and_exits();
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "round " << round << ": child killed by signal "
                                   << (WIFSIGNALED(status) ? WTERMSIG(status) : 0)
                                   << " (SIGALRM = deadlock)";
    ASSERT_EQ(WEXITSTATUS(status), 0) << "round " << round;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let the workers move on
  }
  stop = true;
  {
    hakmem::test::Watchdog wd(60, "the 3 churn threads of ChildAllocatesWhileParentThreadsAllocate to join");
    for (auto& w : workers) w.join();
  }
  // The parent's heap still works after all those forks.
  void* p = std::malloc(1000);
  ASSERT_NE(p, nullptr);
  std::free(p);
}

TEST(Fork, ChildFreesBlocksOfAThreadThatDoesNotExistInIt) {
  // A parent thread owns live blocks at fork time; in the child that thread does not exist,
  // so the child's frees of its blocks are remote frees to an owner that will never drain.
  std::vector<void*> owned;
  std::atomic<bool> ready{false}, done{false};
  std::thread owner([&] {
    for (size_t i = 0; i < 2000; ++i) owned.push_back(std::malloc(16 + i % 2000));
    ready = true;
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  while (!ready) std::this_thread::yield();
  pid_t pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    alarm(20);
    for (void* p : owned) std::free(p);
    std::thread t([] {  // a thread of the child, allocating from scratch
      for (int i = 0; i < 20000; ++i) std::free(std::malloc(16 + i % 3000));
    });
    t.join();
    for (int i = 0; i < 20000; ++i) std::free(std::malloc(16 + i % 3000));
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "child status " << status << (WIFSIGNALED(status) ? " (signal)" : "");
  done = true;
  owner.join();
  for (void* p : owned) std::free(p);
}

TEST(ThreadExit, LiveBlocksOutliveTheirThreadAndAreFreedElsewhere) {
  struct Block {
    unsigned char* p;
    size_t n;
  };
  for (int round = 0; round < 5; ++round) {
    std::vector<Block> blocks;
    std::thread t([&] {
      for (size_t i = 0; i < 3000; ++i) {
        size_t n = (i % 50 == 0) ? 100000 : (i % 7 == 0) ? 3000 + i : 16 + i % 1009;
        auto* p = static_cast<unsigned char*>(std::malloc(n));
        ASSERT_NE(p, nullptr);
        std::memset(p, static_cast<int>(i & 0xff), n);
        blocks.push_back({p, n});
        if (i % 3 == 0) {  // also leave some freed blocks in the exiting thread's caches
          std::free(std::malloc(n));
        }
      }
    });
    t.join();  // the owner is gone: its blocks are orphaned, not lost
    // New threads must not be handed the orphan's live blocks.
    std::vector<void*> fresh;
    std::thread t2([&] {
      for (int i = 0; i < 3000; ++i) fresh.push_back(std::malloc(16 + i % 1009));
    });
    t2.join();
    for (size_t i = 0; i < blocks.size(); ++i) {
      const auto& b = blocks[i];
      auto expect = static_cast<unsigned char>(i & 0xff);
      ASSERT_TRUE(b.p[0] == expect && b.p[b.n - 1] == expect && b.p[b.n / 2] == expect)
          << "block " << i << " of an exited thread was overwritten";
    }
    for (const auto& b : blocks) std::free(b.p);  // remote frees to a dead owner
    for (void* p : fresh) std::free(p);
  }
}

TEST(NewThread, FirstOperationsOfABrandNewThread) {
  // Each thread's very first call is a different entry point: the lazy per-thread setup must
  // work from any of them, including a free of another thread's block.
  void* from_main = std::malloc(48);
  ASSERT_NE(from_main, nullptr);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    void* p = std::malloc(32);
    if (!p || reinterpret_cast<uintptr_t>(p) % 16) ++failures;
    std::free(p);
  });
  threads.emplace_back([&] { std::free(from_main); });
  threads.emplace_back([&] {
    auto* p = static_cast<unsigned char*>(std::calloc(10, 10));
    if (!p) ++failures;
    for (int i = 0; p && i < 100; ++i) failures += p[i] != 0;
    std::free(p);
  });
  threads.emplace_back([&] {
    void* p = nullptr;
    if (posix_memalign(&p, 4096, 100) || reinterpret_cast<uintptr_t>(p) % 4096) ++failures;
    std::free(p);
  });
  threads.emplace_back([&] {
    void* p = std::realloc(nullptr, 5000);
    if (!p || malloc_usable_size(p) < 5000) ++failures;
    std::free(p);
  });
  threads.emplace_back([&] { std::free(nullptr); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(CrossThread, ReallocAndUsableSizeOfAnotherThreadsBlocks) {
  // Blocks of every tier, allocated here, are resized and freed by another thread.
  std::vector<std::pair<unsigned char*, size_t>> blocks;
  for (size_t n : {24, 500, 1024, 3000, 20000, 100000})
    for (int i = 0; i < 50; ++i) {
      auto* p = static_cast<unsigned char*>(std::malloc(n));
      std::memset(p, static_cast<int>(n & 0xff), n);
      blocks.push_back({p, n});
    }
  std::atomic<int> failures{0};
  std::thread t([&] {
    for (auto& [p, n] : blocks) {
      if (malloc_usable_size(p) < n) ++failures;
      size_t grown = n * 3 + 5;
      auto* q = static_cast<unsigned char*>(std::realloc(p, grown));
      if (!q || q[0] != static_cast<unsigned char>(n & 0xff) || q[n - 1] != q[0]) ++failures;
      std::free(q);
    }
  });
  t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(NewThread, ManyShortLivedThreads) {
  for (int i = 0; i < 200; ++i) {
    std::thread t([i] {
      void* p = std::malloc(16 + static_cast<size_t>(i) * 5);
      std::memset(p, 1, 16);
      std::free(p);
    });
    t.join();
  }
}

}  // namespace
