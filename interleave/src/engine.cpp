// The run loop: prepares the logical threads, asks the strategy at every scheduling point,
// switches fibers, and ends a run at its first failure (abandoning the fibers). Also blocking:
// pause() deprioritising spinners, wait()/notify_all(), deadlock and livelock detection.
#include "engine.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "hakmem/core/fatal.h"
#include "interleave/runtime.h"

namespace interleave {
namespace {

#if defined(INTERLEAVE_SANITIZED)
constexpr std::size_t kStackSize = 512 * 1024;  // sanitizer frames are several times larger
#else
constexpr std::size_t kStackSize = 128 * 1024;
#endif

}  // namespace

Engine* g_engine = nullptr;

std::string hex(const void* p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%p", p);
  return buf;
}

Engine& Engine::instance() {
  static Engine e;
  return e;
}

Engine::Engine() {
  g_engine = this;
  hakmem::set_fatal_hook([](const char* line) noexcept { g_engine->fatal(line); });
}

void Engine::fatal(const char* line) {
  // Only a logical thread's fatal error becomes a failure (fail() does not return there);
  // elsewhere (setup, finish, no run) the process aborts as it would in production.
  if (in_run_ && cur_ >= 0) fail(FailureKind::kAbort, std::string("the allocator aborted: ") + line, nullptr);
}

bool Engine::os_fault() {
  if (!in_run_ || cur_ < 0 || !rt::g_tracking || faults_ >= options_->os_faults) return false;
  const Decision d{0b11u, -1, false, step_, DecisionKind::kFault};
  const int k = strategy_->pick(d);
  if (k != 0 && k != 1) {
    fail(FailureKind::kDiverged, "the schedule has no OS-call choice here (is the schedule for this test?)", nullptr);
    return false;
  }
  choices_.push_back(k ? 'F' : 'S');
  ++step_;
  faults_ += static_cast<std::uint32_t>(k);
  return k == 1;
}

bool Engine::run_once(Test& test, Strategy& strategy, const Options& options) {
  test_ = &test;
  strategy_ = &strategy;
  options_ = &options;
  n_ = test.threads();
  if (n_ < 1 || n_ > kMaxThreads) {
    std::fprintf(stderr, "interleave: %s asks for %d threads (1..%d)\n", test.name().c_str(), n_,
                 kMaxThreads);
    std::abort();
  }
  while (threads_.size() < static_cast<std::size_t>(n_))
    threads_.push_back(std::make_unique<Thread>(kStackSize));

  shadow_.reset();
  step_ = 0;
  changes_ = 0;
  yielded_ = false;
  failed_ = false;
  full_used_ = 0;
  sc_fences_.clear();
  failure_ = Failure{};
  aba_events_ = 0;
  faults_ = 0;
  choices_.clear();
  poisoned_.clear();
  for (auto reset : slot_resets_) reset();
  for (int t = 0; t < n_; ++t) {
    Thread& th = *threads_[static_cast<std::size_t>(t)];
    th.state = State::kRunnable;
    th.id = t;
    th.clock.clear();
    th.clock.c[static_cast<std::size_t>(t)] = 1;
    th.started = t == 0;
    th.skip_point = false;
    th.paused_before = false;
    th.wait_addr = nullptr;
    th.pending = PendingOp{};
    th.acquire_pending.clear();
    th.has_fence_release = false;
    th.fiber.prepare(&Engine::thread_entry, &th);
  }

  cur_ = -1;
  rt::g_tracking = false;
  rt::g_weak = options.weak_memory;
  rt::g_free_mo = options.weak_memory && options.full_history && options.free_mo;
  in_run_ = true;
  test.setup();
  if (!failed_) {
    // Thread 0 starts without a decision: nothing it does before its first scheduling point
    // is visible to others, and that point may still pick any thread (for free, see decide()).
    cur_ = 0;
    rt::g_tracking = true;
    Fiber::switch_to(main_, threads_[0]->fiber);
  }
  // Back on the main context: every thread finished, or the run failed and was abandoned.
  rt::g_tracking = false;
  cur_ = -1;
  if (!failed_) test.finish();
  in_run_ = false;
  strategy.end_run(step_);
  return !failed_;
}

void Engine::thread_entry(void* arg) {
  Thread& th = *static_cast<Thread*>(arg);
  errno = 0;
  g_engine->test_->thread(th.id);
  g_engine->thread_exit();
}

void Engine::thread_exit() {
  run_invariant();
  me().state = State::kDone;
  yielded_ = false;
  const int next = decide();
  Fiber& from = me().fiber;
  if (next < 0) {
    cur_ = -1;
    rt::g_tracking = false;
    Fiber::switch_to(from, main_, true);
  } else {
    cur_ = next;
    Fiber::switch_to(from, threads_[static_cast<std::size_t>(next)]->fiber, true);
  }
  std::abort();  // a finished fiber is never resumed
}

void Engine::run_invariant() {
  rt::g_tracking = false;
  test_->invariant();
  rt::g_tracking = true;
}

void Engine::schedule(bool yielded) {
  if (me().skip_point && me().state == State::kRunnable) {
    // This thread was just started by a decision to run it: that decision already chose its
    // first operation, so deciding again here would only repeat schedules.
    me().skip_point = false;
    return;
  }
  run_invariant();
  yielded_ = yielded;
  const int next = decide();
  yielded_ = false;
  if (next != cur_) {
    // errno is per OS thread, and all logical threads share one: each keeps its own here, so
    // another thread's failing call cannot overwrite an errno this one is about to read.
    Thread& from = me();
    from.saved_errno = errno;
    cur_ = next;
    Fiber::switch_to(from.fiber, threads_[static_cast<std::size_t>(next)]->fiber);
    errno = from.saved_errno;
  }
}

int Engine::decide() {
  std::uint32_t enabled = 0, spinning = 0;
  const Thread* waiter = nullptr;
  for (int t = 0; t < n_; ++t) {
    Thread& th = *threads_[static_cast<std::size_t>(t)];
    // A spinner that paused twice with no value change in between is deprioritised until
    // some atomic write changes a value (or nobody else can run).
    if (th.state == State::kSpinning && th.pause_changes != changes_) th.state = State::kRunnable;
    if (th.state == State::kRunnable) enabled |= 1u << t;
    if (th.state == State::kSpinning) spinning |= 1u << t;
    if (th.state == State::kWaiting && !waiter) waiter = &th;
  }
  if (!enabled) enabled = spinning;
  if (!enabled) {
    if (waiter)
      fail(FailureKind::kDeadlock,
           "every live thread is blocked in wait() (deadlock or lost wakeup); thread " +
               std::to_string(waiter->id) + " waits on " + hex(waiter->wait_addr),
           waiter->wait_addr);
    return -1;
  }
  if (step_ >= options_->max_steps) {
    fail(FailureKind::kLivelock,
         "no progress: the run exceeded " + std::to_string(options_->max_steps) + " steps",
         nullptr);
    return -1;
  }
  PendingOp pending[kMaxThreads];
  for (int t = 0; t < n_; ++t) pending[t] = threads_[static_cast<std::size_t>(t)]->pending;
  const Decision d{enabled, step_ == 0 ? -1 : cur_, yielded_, step_, DecisionKind::kThread, pending};
  const int t = strategy_->pick(d);
  if (t < 0 || t >= n_ || !(enabled >> t & 1u)) {
    fail(FailureKind::kDiverged,
         "the schedule chose thread " + std::to_string(t) +
             ", which cannot run here (is the test deterministic? is the schedule for this test?)",
         nullptr);
    return -1;
  }
  choices_.push_back(static_cast<char>('0' + t));
  ++step_;
  Thread& chosen = *threads_[static_cast<std::size_t>(t)];
  if (!chosen.started) {
    chosen.started = true;
    chosen.skip_point = true;
  }
  return t;
}

void Engine::fail(FailureKind kind, std::string what, const void* addr) {
  if (!failed_) {
    failed_ = true;
    failure_ = Failure{kind, std::move(what), addr, cur_, step_};
  }
  if (cur_ >= 0) {
    // End the run: abandon every fiber where it stands; the next run re-prepares them.
    Thread& from = me();
    cur_ = -1;
    rt::g_tracking = false;
    Fiber::switch_to(from.fiber, main_, true);
    std::abort();
  }
}

bool Engine::check(bool ok, const char* invariant, const void* address) {
  if (ok) return true;
  if (!in_run_) {
    std::fprintf(stderr, "interleave: check '%s' failed outside a run\n", invariant);
    return false;
  }
  fail(FailureKind::kInvariant, std::string("invariant violated: ") + invariant, address);
  return false;
}

// ---- blocking ------------------------------------------------------------------------------

void Engine::pause() {
  Thread& th = me();
  if (th.paused_before && th.pause_changes == changes_) th.state = State::kSpinning;
  th.pending = PendingOp{0, AccessKind::kYield};
  th.paused_before = true;
  th.pause_changes = changes_;
  schedule(true);
}

void Engine::wait_block(const void* addr) {
  Thread& th = me();
  th.state = State::kWaiting;
  th.wait_addr = addr;
  th.pending = PendingOp{};  // woken by a notify: conflicts with everything
  schedule(false);
}

void Engine::notify_all(const void* addr) {
  me().pending = PendingOp{};  // wakes waiters: conflicts with everything
  schedule(false);
  for (int t = 0; t < n_; ++t) {
    Thread& th = *threads_[static_cast<std::size_t>(t)];
    if (th.state == State::kWaiting && th.wait_addr == addr) {
      th.state = State::kRunnable;
      th.wait_addr = nullptr;
    }
  }
}

}  // namespace interleave
