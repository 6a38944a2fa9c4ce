// The engine: owns the logical threads (fibers), runs one schedule at a time under a
// strategy, and implements the runtime hooks (vector clocks, race/ABA/UAF detection,
// blocking). One engine per process; its fibers and tables are reused by every run.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "interleave/checker.h"
#include "interleave/fiber.h"
#include "interleave/runtime.h"
#include "interleave/shadow.h"
#include "interleave/strategy.h"

namespace interleave {

class Engine;
extern Engine* g_engine;               // the process's engine, set by Engine::instance()
std::string hex(const void* p);        // "0x..." for failure messages

class Engine {
 public:
  static Engine& instance();

  // Runs one schedule of `test`. Returns false if it failed (see failure()).
  bool run_once(Test& test, Strategy& strategy, const Options& options);

  const Failure& failure() const noexcept { return failure_; }
  const std::string& choices() const noexcept { return choices_; }
  std::uint32_t steps() const noexcept { return step_; }
  std::uint64_t aba_events() const noexcept { return aba_events_; }

  // Runtime hooks (see runtime.h).
  ShadowEntry& atomic_point(const void* addr, AccessKind kind);
  void on_load(ShadowEntry& e, std::memory_order mo);
  void on_store(ShadowEntry& e, std::memory_order mo, bool changed);
  void on_rmw(ShadowEntry& e, std::memory_order mo, bool changed);
  void on_cas_success(ShadowEntry& e, std::memory_order mo, bool changed);
  std::uint64_t weak_record(ShadowEntry& e, std::memory_order mo, std::uint64_t old_bits, std::uint64_t new_bits);
  std::uint64_t weak_load(ShadowEntry& e, std::memory_order mo, std::uint64_t current_bits);
  // Options::free_mo (modification_order.cpp).
  std::uint64_t mo_rmw_read(ShadowEntry& e, std::memory_order mo, std::uint64_t current_bits);
  std::uint64_t mo_rmw_write(ShadowEntry& e, std::memory_order mo, std::uint64_t prev_bits,
                             std::uint64_t new_bits);
  rt::CasOutcome mo_cas(ShadowEntry& e, std::memory_order success, std::memory_order failure,
                        std::uint64_t current_bits, std::uint64_t expected_bits, std::uint64_t desired_bits);
  void plain_access(const void* addr, bool write);
  void pause();
  void wait_block(const void* addr);
  void notify_all(const void* addr);
  bool check(bool ok, const char* invariant, const void* address);
  void report(FailureKind kind, const std::string& what, const void* address) {
    fail(kind, what, address);
  }
  void poison(const void* p, std::size_t n, bool on);
  void fence(std::memory_order mo);
  int current() const noexcept { return cur_; }
  std::uint32_t step() const noexcept { return step_; }
  void register_slot_reset(void (*reset)()) { slot_resets_.push_back(reset); }
  // Options::os_faults: does the OS call being made fail? A decision of the strategy.
  bool os_fault();
  // hakmem's fatal error inside a logical thread: ends the run as a kAbort failure.
  void fatal(const char* line);

 private:
  enum class State : std::uint8_t { kRunnable, kSpinning, kWaiting, kDone };
  struct Thread {
    explicit Thread(std::size_t stack) : fiber(stack) {}
    Fiber fiber;
    State state = State::kRunnable;
    int id = 0;
    VectorClock clock;
    bool started = false;
    bool skip_point = false;  // started by a decision: its first scheduling point is that one
    bool paused_before = false;
    std::uint64_t pause_changes = 0;  // value-changing writes seen at the last pause
    const void* wait_addr = nullptr;
    int saved_errno = 0;  // its errno while another logical thread runs
    PendingOp pending;    // what it does when it runs next (exhaustive sleep sets)
    VectorClock acquire_pending;  // syncs of the stores its relaxed reads read (an acquire fence joins them)
    VectorClock fence_release;    // its clock at its last release fence
    bool has_fence_release = false;
  };

  Engine();
  static void thread_entry(void* arg);
  [[noreturn]] void thread_exit();
  void schedule(bool yielded);
  int decide();
  int decide_read(std::uint32_t candidates, DecisionKind kind = DecisionKind::kRead);
  // Options::full_history: the stores of `a` this run (one vector per location, reused).
  std::vector<StoreRecord>& full_history(AtomicShadow& a);
  // A write's bookkeeping shared by every path: use-after-free, version, value-change counts.
  void check_not_freed(const ShadowEntry& e, const char* what);
  void count_write(ShadowEntry& e, bool changed);
  // A read of a store carrying `sync`: an acquire read joins it, a relaxed one keeps it for a
  // later acquire fence.
  void read_sync(bool has_sync, const VectorClock& sync, std::memory_order mo);
  // A write that heads a release sequence without being a release: after a release fence.
  void join_fence_release(bool& has_sync, VectorClock& sync);
  // An RMW continues the release sequence it read (has_sync, sync); a releasing one adds its
  // own clock, one after a release fence the fence's.
  void continue_release_sequence(bool& has_sync, VectorClock& sync, std::memory_order mo);
  // The store just counted by on_store, as a history record holding `bits`.
  StoreRecord last_write(const AtomicShadow& a, std::uint64_t bits) const;
  // ABA detector of a successful CAS (Options::aba_fatal): check_aba tests in execution order,
  // report_aba counts (and with aba_fatal fails) one event.
  void check_aba(ShadowEntry& e);
  void report_aba(ShadowEntry& e);
  // Options::free_mo: the location's stores in mo order (the initial value first) and reads.
  std::vector<StoreRecord>& mo_stores(AtomicShadow& a, std::uint64_t current_bits, std::uint32_t init_version);
  bool on_top(std::memory_order mo);
  int mo_floor(const AtomicShadow& a) const;
  std::uint64_t mo_write_slots(const std::vector<StoreRecord>& all, int floor) const;
  int mo_decide(std::uint64_t options, const void* addr, DecisionKind kind);
  void mo_read_from(AtomicShadow& a, int index, std::memory_order mo);
  std::uint64_t mo_load(ShadowEntry& e, std::memory_order mo, std::uint64_t current_bits);
  std::uint64_t mo_store(ShadowEntry& e, std::memory_order mo, std::uint64_t old_bits, std::uint64_t new_bits);
  std::uint64_t mo_insert_rmw(ShadowEntry& e, std::memory_order mo, int pred, std::uint64_t new_bits,
                              bool changed);
  void run_invariant();
  // Records the first failure of the run; from a logical thread it ends the run (no return).
  void fail(FailureKind kind, std::string what, const void* addr);
  bool poisoned(const void* addr) const noexcept;
  Thread& me() noexcept { return *threads_[static_cast<std::size_t>(cur_)]; }

  Fiber main_;
  std::vector<std::unique_ptr<Thread>> threads_;
  int n_ = 0;
  int cur_ = -1;
  Test* test_ = nullptr;
  Strategy* strategy_ = nullptr;
  const Options* options_ = nullptr;
  ShadowTable shadow_;
  std::uint32_t step_ = 0;
  std::uint64_t changes_ = 0;  // value-changing atomic writes this run
  bool yielded_ = false;
  bool failed_ = false;
  bool in_run_ = false;
  Failure failure_;
  std::uint64_t aba_events_ = 0;
  std::uint32_t faults_ = 0;  // OS calls failed by decision this run
  std::string choices_;
  VectorClock sc_fences_;  // the clock of the last seq_cst fence: S is their execution order
  std::vector<std::vector<StoreRecord>> full_;
  std::vector<std::vector<ReadRecord>> full_reads_;  // Options::free_mo, parallel to full_
  int rmw_pred_ = -1;  // free_mo: mo index of the store the RMW in progress read
  std::size_t full_used_ = 0;
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> poisoned_;
  std::vector<void (*)()> slot_resets_;
};

}  // namespace interleave
