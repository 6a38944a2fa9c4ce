// The bounded waits of the tests themselves must fire: a child that never exits is killed and
// named, a scope that never ends aborts with what it waited for.
#include <gtest/gtest.h>

#include "bounded_wait.h"

namespace hakmem::test {
namespace {

TEST(BoundedWait, AChildThatNeverExitsIsKilledAndNamed) {
  const pid_t pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    for (;;) pause();
  }
  testing::internal::CaptureStderr();
  const int status = wait_child(pid, 0.2, "a child that sleeps forever");
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, -1);
  EXPECT_NE(err.find("TIMEOUT: child"), std::string::npos) << err;
  EXPECT_NE(err.find("(a child that sleeps forever) still running"), std::string::npos) << err;
}

TEST(BoundedWait, AChildThatExitsGivesItsStatus) {
  const pid_t pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) _exit(3);
  const int status = wait_child(pid, 5, "a child that exits 3");
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
}

TEST(BoundedWaitDeathTest, AScopeThatNeverEndsAbortsNamingWhatItWaitedFor) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Watchdog w(0.1, "a join that never returns");
        for (;;) pause();
      },
      "TIMEOUT: still waiting after [0-9.]+ s for a join that never returns");
}

}  // namespace
}  // namespace hakmem::test
