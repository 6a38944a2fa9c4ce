#include "engine.h"

#include <cstdio>
#include <cstdlib>

#include "interleave/runtime.h"

namespace interleave {
namespace {

#if defined(INTERLEAVE_SANITIZED)
constexpr std::size_t kStackSize = 512 * 1024;  // sanitizer frames are several times larger
#else
constexpr std::size_t kStackSize = 128 * 1024;
#endif

Engine* g_engine = nullptr;

std::string hex(const void* p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%p", p);
  return buf;
}

}  // namespace

Engine& Engine::instance() {
  static Engine e;
  return e;
}

Engine::Engine() { g_engine = this; }

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
  failure_ = Failure{};
  aba_events_ = 0;
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
    th.fiber.prepare(&Engine::thread_entry, &th);
  }

  cur_ = -1;
  rt::g_tracking = false;
  rt::g_weak = options.weak_memory;
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
    Thread& from = me();
    cur_ = next;
    Fiber::switch_to(from.fiber, threads_[static_cast<std::size_t>(next)]->fiber);
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
  const Decision d{enabled, step_ == 0 ? -1 : cur_, yielded_, step_};
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

// ---- atomics: vector clocks and ABA -------------------------------------------------------

ShadowEntry& Engine::atomic_point(const void* addr) {
  schedule(false);
  return shadow_.get(reinterpret_cast<std::uintptr_t>(addr));
}

void Engine::on_load(ShadowEntry& e, std::memory_order mo) {
  AtomicShadow& a = e.atomic;
  Thread& th = me();
  a.read_version[cur_] = a.version + 1;
  a.read_step[cur_] = step_;
  if (rt::acquires(mo) && a.has_sync) th.clock.join(a.sync);
}

void Engine::on_store(ShadowEntry& e, std::memory_order mo, bool changed) {
  if (!poisoned_.empty() && poisoned(reinterpret_cast<const void*>(e.addr)))
    fail(FailureKind::kUseAfterFree, "atomic store to freed memory " + hex(reinterpret_cast<void*>(e.addr)),
         reinterpret_cast<const void*>(e.addr));
  AtomicShadow& a = e.atomic;
  Thread& th = me();
  ++a.version;
  if (changed) {
    a.last_change = a.version;
    a.change_tid = static_cast<std::int8_t>(cur_);
    a.change_step = step_;
    ++changes_;
  }
  a.store_epoch = th.clock.c[cur_];
  // A plain store heads a new release sequence (C++20: the old one ends here).
  if (rt::releases(mo)) {
    a.sync = th.clock;
    a.has_sync = true;
    ++th.clock.c[cur_];
  } else {
    a.has_sync = false;
  }
}

void Engine::on_rmw(ShadowEntry& e, std::memory_order mo, bool changed) {
  if (!poisoned_.empty() && poisoned(reinterpret_cast<const void*>(e.addr)))
    fail(FailureKind::kUseAfterFree, "atomic RMW on freed memory " + hex(reinterpret_cast<void*>(e.addr)),
         reinterpret_cast<const void*>(e.addr));
  AtomicShadow& a = e.atomic;
  Thread& th = me();
  if (rt::acquires(mo) && a.has_sync) th.clock.join(a.sync);
  ++a.version;
  if (changed) {
    a.last_change = a.version;
    a.change_tid = static_cast<std::int8_t>(cur_);
    a.change_step = step_;
    ++changes_;
  }
  a.read_version[cur_] = a.version + 1;
  a.read_step[cur_] = step_;
  a.store_epoch = th.clock.c[cur_];
  // An RMW continues the release sequence it reads from; a releasing RMW adds its own clock.
  if (rt::releases(mo)) {
    if (a.has_sync)
      a.sync.join(th.clock);
    else
      a.sync = th.clock;
    a.has_sync = true;
    ++th.clock.c[cur_];
  }
}

void Engine::on_cas_success(ShadowEntry& e, std::memory_order mo, bool changed) {
  AtomicShadow& a = e.atomic;
  const std::uint32_t read = a.read_version[cur_];
  if (read != 0 && a.last_change >= read) {
    ++aba_events_;
    if (options_->aba_fatal)
      fail(FailureKind::kAba,
           "ABA: CAS by thread " + std::to_string(cur_) + " on " + hex(reinterpret_cast<void*>(e.addr)) +
               " succeeded although the value it read at step " +
               std::to_string(a.read_step[cur_]) + " was changed since (last by thread " +
               std::to_string(a.change_tid) + " at step " + std::to_string(a.change_step) +
               ") and changed back",
           reinterpret_cast<const void*>(e.addr));
  }
  on_rmw(e, mo, changed);
}

// ---- weak-memory tier ------------------------------------------------------------------------

void Engine::weak_record(ShadowEntry& e, std::uint64_t old_bits, std::uint64_t new_bits) {
  AtomicShadow& a = e.atomic;
  auto push = [&a](const StoreRecord& r) {
    if (a.history == kStoreHistory) {  // forget the oldest: loads can no longer read it
      for (int i = 1; i < kStoreHistory; ++i) a.stores[i - 1] = a.stores[i];
      --a.history;
    }
    a.stores[a.history++] = r;
  };
  if (a.history == 0) {  // the value the run started with, visible to everyone
    StoreRecord init;
    init.bits = old_bits;
    init.version = a.version - 1;
    push(init);
  }
  StoreRecord r;
  r.bits = new_bits;
  r.version = a.version;
  r.epoch = a.store_epoch;
  r.tid = static_cast<std::int8_t>(cur_);
  r.has_sync = a.has_sync;
  r.sync = a.sync;
  push(r);
}

std::uint64_t Engine::weak_load(ShadowEntry& e, std::memory_order mo, std::uint64_t current_bits) {
  AtomicShadow& a = e.atomic;
  // No store this run, or a seq_cst load (modelled as reading the latest): the newest value.
  if (a.history == 0 || mo == std::memory_order_seq_cst) {
    on_load(e, mo);
    return current_bits;
  }
  const VectorClock& c = me().clock;
  // Visible: stores not older than the newest one that happens-before this load (write-read
  // coherence) nor than the one this thread read last (read-read coherence).
  int lo = a.history - 1;
  for (; lo > 0; --lo) {
    const StoreRecord& r = a.stores[lo];
    if (r.tid < 0 || c.covers(r.tid, r.epoch)) break;
    if (a.read_version[cur_] != 0 && r.version + 1 <= a.read_version[cur_]) break;
  }
  const int candidates = a.history - lo;
  const int k = candidates > 1 ? decide_read((1u << candidates) - 1) : 0;
  const StoreRecord& r = a.stores[a.history - 1 - k];
  a.read_version[cur_] = r.version + 1;
  a.read_step[cur_] = step_;
  if (rt::acquires(mo) && r.has_sync) me().clock.join(r.sync);
  return r.bits;
}

int Engine::decide_read(std::uint32_t candidates) {
  const Decision d{candidates, -1, false, step_, DecisionKind::kRead};
  const int k = strategy_->pick(d);
  if (k < 0 || k >= 32 || !(candidates >> k & 1u)) {
    fail(FailureKind::kDiverged, "the schedule chose a store this load cannot read (is the schedule for this test?)",
         nullptr);
    return 0;
  }
  choices_.push_back(static_cast<char>('a' + k));
  ++step_;
  return k;
}

// ---- plain memory: data races and use after free -------------------------------------------

bool Engine::poisoned(const void* addr) const noexcept {
  const auto a = reinterpret_cast<std::uintptr_t>(addr);
  for (const auto& [lo, hi] : poisoned_)
    if (a >= lo && a < hi) return true;
  return false;
}

void Engine::poison(const void* p, std::size_t n, bool on) {
  const auto lo = reinterpret_cast<std::uintptr_t>(p);
  if (on) {
    poisoned_.emplace_back(lo, lo + n);
    return;
  }
  std::erase_if(poisoned_, [&](const auto& r) { return r.first < lo + n && lo < r.second; });
}

void Engine::plain_access(const void* addr, bool write) {
  const char* what = write ? "write" : "read";
  if (!poisoned_.empty() && poisoned(addr))
    fail(FailureKind::kUseAfterFree,
         std::string("use after free: plain ") + what + " of " + hex(addr) + " by thread " +
             std::to_string(cur_),
         addr);
  PlainShadow& p = shadow_.get(reinterpret_cast<std::uintptr_t>(addr)).plain;
  const VectorClock& c = me().clock;
  if (p.write_tid >= 0 && p.write_tid != cur_ && !c.covers(p.write_tid, p.write_clock))
    fail(FailureKind::kDataRace,
         "data race on " + hex(addr) + ": write by thread " + std::to_string(p.write_tid) +
             " at step " + std::to_string(p.write_step) + " and " + what + " by thread " +
             std::to_string(cur_) + " at step " + std::to_string(step_) +
             " are not ordered by happens-before",
         addr);
  if (write) {
    for (int u = 0; u < n_; ++u)
      if (u != cur_ && p.read_clock[u] && !c.covers(u, p.read_clock[u]))
        fail(FailureKind::kDataRace,
             "data race on " + hex(addr) + ": read by thread " + std::to_string(u) + " at step " +
                 std::to_string(p.read_step[u]) + " and write by thread " + std::to_string(cur_) +
                 " at step " + std::to_string(step_) + " are not ordered by happens-before",
             addr);
    p.write_tid = static_cast<std::int8_t>(cur_);
    p.write_clock = c.c[cur_];
    p.write_step = step_;
    for (auto& r : p.read_clock) r = 0;
  } else {
    p.read_clock[cur_] = c.c[cur_];
    p.read_step[cur_] = step_;
  }
}

// ---- blocking ------------------------------------------------------------------------------

void Engine::pause() {
  Thread& th = me();
  if (th.paused_before && th.pause_changes == changes_) th.state = State::kSpinning;
  th.paused_before = true;
  th.pause_changes = changes_;
  schedule(true);
}

void Engine::wait_block(const void* addr) {
  Thread& th = me();
  th.state = State::kWaiting;
  th.wait_addr = addr;
  schedule(false);
}

void Engine::notify_all(const void* addr) {
  schedule(false);
  for (int t = 0; t < n_; ++t) {
    Thread& th = *threads_[static_cast<std::size_t>(t)];
    if (th.state == State::kWaiting && th.wait_addr == addr) {
      th.state = State::kRunnable;
      th.wait_addr = nullptr;
    }
  }
}

// ---- runtime hooks -------------------------------------------------------------------------

namespace rt {

bool g_tracking = false;
bool g_weak = false;

ShadowEntry& atomic_point(const void* addr) { return g_engine->atomic_point(addr); }
void on_load(ShadowEntry& e, std::memory_order mo) { g_engine->on_load(e, mo); }
void on_store(ShadowEntry& e, std::memory_order mo, bool changed) { g_engine->on_store(e, mo, changed); }
void on_rmw(ShadowEntry& e, std::memory_order mo, bool changed) { g_engine->on_rmw(e, mo, changed); }
void on_cas_success(ShadowEntry& e, std::memory_order mo, bool changed) {
  g_engine->on_cas_success(e, mo, changed);
}
void weak_record(ShadowEntry& e, std::uint64_t old_bits, std::uint64_t new_bits) {
  g_engine->weak_record(e, old_bits, new_bits);
}
std::uint64_t weak_load(ShadowEntry& e, std::memory_order mo, std::uint64_t current_bits) {
  return g_engine->weak_load(e, mo, current_bits);
}
void plain_access(const void* addr, bool write) { g_engine->plain_access(addr, write); }
void pause() { g_engine->pause(); }
void wait_block(const void* addr) { g_engine->wait_block(addr); }
void notify_all(const void* addr) { g_engine->notify_all(addr); }
int slot_index() noexcept {
  const int c = g_engine ? g_engine->current() : -1;
  return c < 0 ? kMaxThreads : c;
}
void register_slot_reset(void (*reset)()) { Engine::instance().register_slot_reset(reset); }

}  // namespace rt

bool check_failed(const char* invariant, const void* address) {
  return Engine::instance().check(false, invariant, address);
}
void report(FailureKind kind, const std::string& what, const void* address) {
  Engine::instance().report(kind, what, address);
}
void poison(const void* p, std::size_t n) { Engine::instance().poison(p, n, true); }
void unpoison(const void* p, std::size_t n) { Engine::instance().poison(p, n, false); }
bool weak_memory() noexcept { return rt::g_weak; }
int current_thread() noexcept { return g_engine ? g_engine->current() : -1; }
std::uint32_t current_step() noexcept { return g_engine ? g_engine->step() : 0; }

}  // namespace interleave
