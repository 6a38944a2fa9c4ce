// Fork while other threads allocate: the child's heap must be usable and consistent (the
// production library runs prefork/postfork_* from pthread_atfork; here the test does).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "bounded_wait.h"
#include "test_config.h"

namespace hakmem::test {
namespace {

TEST(Fork, ChildOfABusyProcessAllocatesFreesAndChecksClean) {
  Options o = small_options();
  o.spill_target = 64;  // small: flow control decides often
  TestAllocator a(o);
  std::atomic<bool> stop{false};
  std::vector<std::thread> churn;
  for (int t = 0; t < 4; ++t)
    churn.emplace_back([&, t] {
      // Batches overflow the front cache, so the spill queue is pushed and popped all the time:
      // the lock-free windows a fork can cut in half. The fourth thread does the same to its
      // pool caches (mid sizes), which give blocks back to their classes in batches.
      std::vector<void*> batch;
      for (unsigned i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        for (int k = 0; k < 300; ++k)
          batch.push_back(a.malloc(t < 3 ? 16 + (k % 3) * 16 + t : 1100 + (k % 5) * 1500));
        for (void* p : batch) a.free(p);
        batch.clear();
      }
    });
  int bad_children = 0;
  for (int f = 0; f < 100; ++f) {
    a.prefork();
    const pid_t pid = fork();
    if (pid == 0) {
      a.postfork_child();
      for (int i = 0; i < 10000; ++i) a.free(a.malloc(16 + i % 5000));
      a.quiesce();
      hak_heap_report r;
      _exit(a.check(&r) == 0 ? 0 : 7);
    }
    a.postfork_parent();
    const int status = wait_child(pid, 30, "a fork child allocating while the parent's threads churn");
    ASSERT_GE(status, 0) << "fork child " << f << " hung or was lost";
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++bad_children;
  }
  stop = true;
  Watchdog w(60, "the 4 churn threads of ChildOfABusyProcessAllocatesFreesAndChecksClean to join");
  for (auto& t : churn) t.join();
  EXPECT_EQ(bad_children, 0);
  hak_heap_report r;
  a.quiesce();
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.tiny_live_blocks + r.pool_live_blocks, 0u);
}

// Teardown must not wait for a lock: a thread abandoned mid-call (the interleaving checker leaves
// its logical threads where a failing run stopped them) never releases what it holds. prefork
// takes every lock, as such threads might; the destructor must still return.
TEST(Fork, TeardownDoesNotWaitForLocksNobodyWillRelease) {
  const pid_t pid = fork();
  if (pid == 0) {
    auto a = std::make_unique<TestAllocator>(small_options());
    void* blocks[] = {a->malloc(16), a->malloc(4096), a->malloc(std::size_t{1} << 20)};
    for (void* p : blocks)
      if (!p) _exit(3);
    a->prefork();
    a.reset();
    _exit(0);
  }
  ASSERT_GT(pid, 0);
  const int status = wait_child(pid, 10, "an allocator destroyed while every lock is held");
  ASSERT_GE(status, 0) << "the destructor waited for a lock";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
}

}  // namespace
}  // namespace hakmem::test
