// The memory model of atomic operations: vector clocks through release/acquire (release
// sequences continued by RMWs), value-change tracking for the ABA detector, and the
// weak-memory tier's store histories.
#include <string>

#include "engine.h"
#include "interleave/runtime.h"

namespace interleave {

// ---- atomics: vector clocks and ABA -------------------------------------------------------

ShadowEntry& Engine::atomic_point(const void* addr, AccessKind kind) {
  me().pending = PendingOp{reinterpret_cast<std::uintptr_t>(addr), kind};
  schedule(false);
  return shadow_.get(reinterpret_cast<std::uintptr_t>(addr));
}

void Engine::on_load(ShadowEntry& e, std::memory_order mo) {
  AtomicShadow& a = e.atomic;
  a.read_version[cur_] = a.version + 1;
  a.read_step[cur_] = step_;
  read_sync(a.has_sync, a.sync, mo);
}

void Engine::read_sync(bool has_sync, const VectorClock& sync, std::memory_order mo) {
  if (!has_sync) return;
  (rt::acquires(mo) ? me().clock : me().acquire_pending).join(sync);
}

void Engine::continue_release_sequence(bool& has_sync, VectorClock& sync, std::memory_order mo) {
  Thread& th = me();
  if (!rt::releases(mo)) return join_fence_release(has_sync, sync);
  if (has_sync)
    sync.join(th.clock);
  else
    sync = th.clock;
  has_sync = true;
  ++th.clock.c[cur_];
}

void Engine::join_fence_release(bool& has_sync, VectorClock& sync) {
  const Thread& th = me();
  if (!th.has_fence_release) return;
  if (has_sync)
    sync.join(th.fence_release);
  else
    sync = th.fence_release;
  has_sync = true;
}

// Fences (RC11 section 3): a release fence makes the thread's later writes head release
// sequences carrying its clock at the fence; an acquire fence joins the syncs its earlier
// relaxed reads read. seq_cst fences also synchronise with each other in the order they run
// (S; a scheduling point that conflicts only with other seq_cst fences). For atomics that
// gives psc_F's outcomes (every fence litmus test of rc11/ agrees); RC11 itself puts no
// happens-before between seq_cst fences, so a Plain-cell race ordered only by them is missed.
void Engine::fence(std::memory_order mo) {
  if (options_->exhaustive_quirks & kQuirkIgnoreFences) return;
  if (mo == std::memory_order_seq_cst) {
    me().pending = PendingOp{reinterpret_cast<std::uintptr_t>(&sc_fences_), AccessKind::kWrite};
    schedule(false);
  }
  Thread& th = me();
  if (rt::acquires(mo)) th.clock.join(th.acquire_pending);
  if (mo == std::memory_order_seq_cst) {
    th.clock.join(sc_fences_);
    sc_fences_ = th.clock;
  }
  if (rt::releases(mo)) {
    th.fence_release = th.clock;
    th.has_fence_release = true;
    ++th.clock.c[cur_];
  }
}

void Engine::check_not_freed(const ShadowEntry& e, const char* what) {
  if (!poisoned_.empty() && poisoned(reinterpret_cast<const void*>(e.addr)))
    fail(FailureKind::kUseAfterFree, std::string(what) + " freed memory " + hex(reinterpret_cast<void*>(e.addr)),
         reinterpret_cast<const void*>(e.addr));
}

void Engine::count_write(ShadowEntry& e, bool changed) {
  AtomicShadow& a = e.atomic;
  ++a.version;
  if (changed) {
    a.last_change = a.version;
    a.change_tid = static_cast<std::int8_t>(cur_);
    a.change_step = step_;
    ++changes_;
  }
  a.store_epoch = me().clock.c[cur_];
}

void Engine::on_store(ShadowEntry& e, std::memory_order mo, bool changed) {
  check_not_freed(e, "atomic store to");
  count_write(e, changed);
  AtomicShadow& a = e.atomic;
  Thread& th = me();
  // A plain store heads a new release sequence (C++20: the old one ends here).
  if (rt::releases(mo)) {
    a.sync = th.clock;
    a.has_sync = true;
    ++th.clock.c[cur_];
  } else {
    a.has_sync = false;
    join_fence_release(a.has_sync, a.sync);
  }
}

void Engine::on_rmw(ShadowEntry& e, std::memory_order mo, bool changed) {
  AtomicShadow& a = e.atomic;
  check_not_freed(e, "atomic RMW on");
  read_sync(a.has_sync, a.sync, mo);
  count_write(e, changed);
  a.read_version[cur_] = a.version + 1;
  a.read_step[cur_] = step_;
  // An RMW continues the release sequence it reads from; a releasing RMW adds its own clock.
  continue_release_sequence(a.has_sync, a.sync, mo);
}

void Engine::check_aba(ShadowEntry& e) {
  const std::uint32_t read = e.atomic.read_version[cur_];
  if (read != 0 && e.atomic.last_change >= read) report_aba(e);
}

void Engine::report_aba(ShadowEntry& e) {
  AtomicShadow& a = e.atomic;
  ++aba_events_;
  if (options_->aba_fatal)
    fail(FailureKind::kAba,
         "ABA: CAS by thread " + std::to_string(cur_) + " on " + hex(reinterpret_cast<void*>(e.addr)) +
             " succeeded although the value it read at step " + std::to_string(a.read_step[cur_]) +
             " was changed since (last by thread " + std::to_string(a.change_tid) + " at step " +
             std::to_string(a.change_step) + ") and changed back",
         reinterpret_cast<const void*>(e.addr));
}

void Engine::on_cas_success(ShadowEntry& e, std::memory_order mo, bool changed) {
  check_aba(e);
  on_rmw(e, mo, changed);
}

// ---- weak-memory tier ------------------------------------------------------------------------

std::vector<StoreRecord>& Engine::full_history(AtomicShadow& a) {
  if (a.full < 0) {
    if (full_used_ == full_.size()) full_.emplace_back(), full_reads_.emplace_back();
    a.full = static_cast<std::int32_t>(full_used_++);
    full_[static_cast<std::size_t>(a.full)].clear();  // reused across runs: keeps its capacity
    full_reads_[static_cast<std::size_t>(a.full)].clear();
  }
  return full_[static_cast<std::size_t>(a.full)];
}

std::uint64_t Engine::weak_record(ShadowEntry& e, std::memory_order mo, std::uint64_t old_bits,
                                  std::uint64_t new_bits) {
  if (options_->free_mo && options_->full_history) return mo_store(e, mo, old_bits, new_bits);
  AtomicShadow& a = e.atomic;
  std::vector<StoreRecord>* all = options_->full_history ? &full_history(a) : nullptr;
  auto push = [&a, all](const StoreRecord& r) {
    if (all) {
      all->push_back(r);
      return;
    }
    if (a.history == kStoreHistory) {  // forget the oldest: loads can no longer read it
      for (int i = 1; i < kStoreHistory; ++i) a.stores[i - 1] = a.stores[i];
      --a.history;
    }
    a.stores[a.history++] = r;
  };
  if (all ? all->empty() : a.history == 0) {  // the value the run started with, visible to everyone
    StoreRecord init;
    init.bits = old_bits;
    init.version = a.version - 1;
    push(init);
  }
  push(last_write(a, new_bits));
  return new_bits;
}

StoreRecord Engine::last_write(const AtomicShadow& a, std::uint64_t bits) const {
  StoreRecord r;
  r.bits = bits;
  r.version = a.version;
  r.epoch = a.store_epoch;
  r.tid = static_cast<std::int8_t>(cur_);
  r.has_sync = a.has_sync;
  r.sync = a.sync;
  return r;
}

std::uint64_t Engine::weak_load(ShadowEntry& e, std::memory_order mo, std::uint64_t current_bits) {
  if (options_->free_mo && options_->full_history) return mo_load(e, mo, current_bits);
  AtomicShadow& a = e.atomic;
  const StoreRecord* stores = a.stores;
  int history = a.history;
  if (options_->full_history && a.full >= 0) {
    const auto& all = full_[static_cast<std::size_t>(a.full)];
    stores = all.data();
    history = static_cast<int>(all.size());
  }
  // No store this run, or a seq_cst load (modelled as reading the latest): the newest value.
  // With every store kept, a spinner that runs only because nobody else can (deprioritised,
  // State::kSpinning) reads the newest too: nothing can change while it spins, so reading a
  // stale value again only repeats an iteration, and forever would be an unfair execution.
  const bool fresh = options_->full_history && me().state == State::kSpinning;
  if (history == 0 || mo == std::memory_order_seq_cst || fresh) {
    on_load(e, mo);
    return current_bits;
  }
  const VectorClock& c = me().clock;
  // Visible: stores not older than the newest one that happens-before this load (write-read
  // coherence) nor than the one this thread read last (read-read coherence).
  int lo = history - 1;
  for (; lo > 0; --lo) {
    const StoreRecord& r = stores[lo];
    if (r.tid < 0 || c.covers(r.tid, r.epoch)) break;
    if (a.read_version[cur_] != 0 && r.version + 1 <= a.read_version[cur_]) break;
  }
  const int candidates = history - lo;
  if (candidates > kMaxReadChoices)  // the schedule string could not name the choice
    fail(FailureKind::kDiverged,
         "a load may read " + std::to_string(candidates) + " stores; schedules name at most " +
             std::to_string(kMaxReadChoices),
         reinterpret_cast<const void*>(e.addr));
  const int k = candidates > 1 ? decide_read((1u << candidates) - 1) : 0;
  const StoreRecord& r = stores[history - 1 - k];
  a.read_version[cur_] = r.version + 1;
  a.read_step[cur_] = step_;
  read_sync(r.has_sync, r.sync, mo);
  return r.bits;
}

int Engine::decide_read(std::uint32_t candidates, DecisionKind kind) {
  const Decision d{candidates, -1, false, step_, kind};
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

}  // namespace interleave
