// Waits that end. A forked child or a thread that never finishes would otherwise hang the test
// until ctest kills it without a word; here the wait has a bound, and running out of it names
// what was waited for (a deadlocked fork child usually means a lock held across fork).
#pragma once
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace hakmem::test {

// Sanitized builds run several times slower: their bounds are five times longer.
inline double bound_seconds(double seconds) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return seconds * 5;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
  return seconds * 5;
#else
  return seconds;
#endif
#else
  return seconds;
#endif
}

// waitpid with a bound: the child's status, or -1 after killing a child still running then
// (with one line on stderr naming it and `what`).
inline int wait_child(pid_t pid, double seconds, const char* what) {
  const double limit = bound_seconds(seconds);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit);
  int status = 0;
  for (;;) {
    const pid_t got = waitpid(pid, &status, WNOHANG);
    if (got == pid) return status;
    if (got < 0) {
      std::fprintf(stderr, "wait_child: waitpid(%d) failed while waiting for %s\n", static_cast<int>(pid), what);
      return -1;
    }
    if (std::chrono::steady_clock::now() > give_up) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      std::fprintf(stderr, "TIMEOUT: child %d (%s) still running after %.0f s: killed (hung: a lock held across fork?)\n",
                   static_cast<int>(pid), what, limit);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Bounds everything in its scope (typically joins): if the scope is still running after the
// bound, prints what it was waiting for and aborts, so the hang has a name and a stack.
class Watchdog {
 public:
  Watchdog(double seconds, std::string what)
      : what_(std::move(what)), limit_(bound_seconds(seconds)), thread_([this] { watch(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> g(m_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  void watch() {
    std::unique_lock<std::mutex> g(m_);
    if (cv_.wait_for(g, std::chrono::duration<double>(limit_), [this] { return done_; })) return;
    std::fprintf(stderr, "TIMEOUT: still waiting after %.0f s for %s\n", limit_, what_.c_str());
    std::fflush(stderr);
    std::abort();
  }

  std::string what_;
  double limit_;
  std::mutex m_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace hakmem::test
