// Options::free_mo: RC11's modification-order branching on top of the full store history.
// Every store of a location is kept in mo order, the value the run started with first. A load
// reads any store at or above its floor. A store or an RMW goes into any slot at or above the
// floor that does not split an RMW from the store it read (atomicity); an RMW reads the store
// just below its slot. A CAS either succeeds in such a slot above a store holding `expected`,
// or fails reading a store at or above the floor that does not hold it.
//
// The floor is coherence (RC11 section 3, write-read, read-read, write-write and read-write):
// the newest store in mo that happens-before the operation, or that a read happening-before it
// read. Happens-before is the engine's vector clocks: an event (t, epoch) happens-before the
// running thread when its clock covers the epoch.
//
// A load's choice is a kRead decision, a write's (and a CAS's) a kMo decision: bit k names the
// store (or the slot right above the store) k places below the newest, so k = 0 is what a
// sequentially consistent run does.
#include <string>

#include "engine.h"
#include "interleave/config.h"

namespace interleave {

// seq_cst reads and extends the newest store (there is no total order S: with every access
// seq_cst that is exactly sequential consistency, RC11's guarantee for such programs). A
// spinner that runs only because nobody else can does the same (see weak_load).
bool Engine::on_top(std::memory_order mo) {
  return mo == std::memory_order_seq_cst || me().state == State::kSpinning;
}

std::vector<StoreRecord>& Engine::mo_stores(AtomicShadow& a, std::uint64_t current_bits,
                                            std::uint32_t init_version) {
  std::vector<StoreRecord>& all = full_history(a);
  if (all.empty()) {  // the value the run started with, visible to everyone
    StoreRecord init;
    init.bits = current_bits;
    init.version = init_version;
    all.push_back(init);
  }
  return all;
}

int Engine::mo_floor(const AtomicShadow& a) const {
  const auto& all = full_[static_cast<std::size_t>(a.full)];
  const VectorClock& c = threads_[static_cast<std::size_t>(cur_)]->clock;
  const int top = static_cast<int>(all.size()) - 1;
  int floor = 0;
  for (int i = top; i > 0; --i)
    if (c.covers(all[static_cast<std::size_t>(i)].tid, all[static_cast<std::size_t>(i)].epoch)) {
      floor = i;
      break;
    }
  const bool own_only = options_->exhaustive_quirks & kQuirkFloorOwnReadsOnly;
  for (const ReadRecord& r : full_reads_[static_cast<std::size_t>(a.full)]) {
    if (!c.covers(r.tid, r.epoch) || (own_only && r.tid != cur_)) continue;
    for (int i = top; i > floor; --i)
      if (all[static_cast<std::size_t>(i)].version == r.version) {
        floor = i;
        break;
      }
  }
  return floor;
}

// Bit k: the slot right above the store k places below the newest may take a write. A slot
// further down than 63 sets bit 63 (mo_decide then reports it).
std::uint64_t Engine::mo_write_slots(const std::vector<StoreRecord>& all, int floor) const {
  const int top = static_cast<int>(all.size()) - 1;
  const bool split = options_->exhaustive_quirks & kQuirkSplitRmw;
  std::uint64_t slots = 0;
  for (int k = 0; k <= top - floor; ++k)
    if (k == 0 || split || !all[static_cast<std::size_t>(top - k + 1)].rmw) slots |= std::uint64_t{1} << (k < 63 ? k : 63);
  return slots;
}

int Engine::mo_decide(std::uint64_t options, const void* addr, DecisionKind kind) {
  if (options >> kMaxReadChoices)  // a choice the schedule string could not name
    fail(FailureKind::kDiverged,
         "an atomic operation may read or follow a store " +
             std::to_string(63 - __builtin_clzll(options)) + " places below the newest; schedules name at most " +
             std::to_string(kMaxReadChoices),
         addr);
  const auto narrow = static_cast<std::uint32_t>(options);
  return (narrow & (narrow - 1)) ? decide_read(narrow, kind) : __builtin_ctz(narrow);
}

void Engine::mo_read_from(AtomicShadow& a, int index, std::memory_order mo) {
  const StoreRecord& r = full_[static_cast<std::size_t>(a.full)][static_cast<std::size_t>(index)];
  Thread& th = me();
  a.read_version[cur_] = r.version + 1;
  a.read_step[cur_] = step_;
  if (index > 0)  // the initial value bounds nothing
    full_reads_[static_cast<std::size_t>(a.full)].push_back(
        ReadRecord{r.version, th.clock.c[cur_], static_cast<std::int8_t>(cur_)});
  read_sync(r.has_sync, r.sync, mo);
}

std::uint64_t Engine::mo_load(ShadowEntry& e, std::memory_order mo, std::uint64_t current_bits) {
  AtomicShadow& a = e.atomic;
  const auto& all = mo_stores(a, current_bits, a.version);
  const int top = static_cast<int>(all.size()) - 1;
  int k = 0;
  if (!on_top(mo)) {
    const int floor = mo_floor(a);
    const int n = top - floor + 1;
    const std::uint64_t every = n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
    k = mo_decide(every, reinterpret_cast<const void*>(e.addr), DecisionKind::kRead);
  }
  mo_read_from(a, top - k, mo);
  return all[static_cast<std::size_t>(top - k)].bits;
}

std::uint64_t Engine::mo_store(ShadowEntry& e, std::memory_order mo, std::uint64_t old_bits,
                               std::uint64_t new_bits) {
  AtomicShadow& a = e.atomic;  // on_store has counted this store and set its release head
  auto& all = mo_stores(a, old_bits, a.version - 1);
  const StoreRecord r = last_write(a, new_bits);
  const int floor = on_top(mo) ? static_cast<int>(all.size()) - 1 : mo_floor(a);
  const int k = mo_decide(mo_write_slots(all, floor), reinterpret_cast<const void*>(e.addr),
                          DecisionKind::kMo);
  all.insert(all.end() - k, r);
  return all.back().bits;
}

std::uint64_t Engine::mo_rmw_read(ShadowEntry& e, std::memory_order mo, std::uint64_t current_bits) {
  check_not_freed(e, "atomic RMW on");
  AtomicShadow& a = e.atomic;
  const auto& all = mo_stores(a, current_bits, a.version);
  const int floor = on_top(mo) ? static_cast<int>(all.size()) - 1 : mo_floor(a);
  const int k = mo_decide(mo_write_slots(all, floor), reinterpret_cast<const void*>(e.addr),
                          DecisionKind::kMo);
  rmw_pred_ = static_cast<int>(all.size()) - 1 - k;
  const StoreRecord& p = all[static_cast<std::size_t>(rmw_pred_)];
  read_sync(p.has_sync, p.sync, mo);
  return p.bits;
}

std::uint64_t Engine::mo_rmw_write(ShadowEntry& e, std::memory_order mo, std::uint64_t prev_bits,
                                   std::uint64_t new_bits) {
  return mo_insert_rmw(e, mo, rmw_pred_, new_bits, prev_bits != new_bits);
}

// The RMW goes right above `pred` (which it read), continuing pred's release sequence.
std::uint64_t Engine::mo_insert_rmw(ShadowEntry& e, std::memory_order mo, int pred,
                                    std::uint64_t new_bits, bool changed) {
  AtomicShadow& a = e.atomic;
  count_write(e, changed);
  a.read_version[cur_] = a.version + 1;
  a.read_step[cur_] = step_;
  auto& all = full_[static_cast<std::size_t>(a.full)];
  StoreRecord r;
  r.bits = new_bits;
  r.version = a.version;
  r.epoch = a.store_epoch;
  r.tid = static_cast<std::int8_t>(cur_);
  r.rmw = true;
  r.has_sync = all[static_cast<std::size_t>(pred)].has_sync;
  r.sync = all[static_cast<std::size_t>(pred)].sync;
  continue_release_sequence(r.has_sync, r.sync, mo);
  all.insert(all.begin() + pred + 1, r);
  return all.back().bits;
}

rt::CasOutcome Engine::mo_cas(ShadowEntry& e, std::memory_order success, std::memory_order failure,
                              std::uint64_t current_bits, std::uint64_t expected_bits,
                              std::uint64_t desired_bits) {
  AtomicShadow& a = e.atomic;
  const auto& all = mo_stores(a, current_bits, a.version);
  const int top = static_cast<int>(all.size()) - 1;
  const int floor = on_top(success) ? top : mo_floor(a);
  const std::uint64_t slots = mo_write_slots(all, floor);
  std::uint64_t options = 0;  // never empty: the newest store is a slot or a failure
  for (int k = 0; k <= top - floor; ++k) {
    const bool holds_expected = all[static_cast<std::size_t>(top - k)].bits == expected_bits;
    const int bit = k < 63 ? k : 63;
    if (!holds_expected || (slots >> bit & 1u)) options |= std::uint64_t{1} << bit;
  }
  const int i = top - mo_decide(options, reinterpret_cast<const void*>(e.addr), DecisionKind::kMo);
  rt::CasOutcome out;
  out.read_bits = all[static_cast<std::size_t>(i)].bits;
  if (out.read_bits != expected_bits) {
    mo_read_from(a, i, failure);
    out.newest_bits = all.back().bits;
    return out;
  }
  out.success = true;
  check_not_freed(e, "atomic RMW on");
  // ABA in mo terms: the value this thread read last was changed and changed back below i.
  const std::uint32_t read = a.read_version[cur_];
  bool changed_since = false;
  for (int m = i; m > 0 && read != 0 && all[static_cast<std::size_t>(m)].version + 1 != read; --m)
    changed_since |= all[static_cast<std::size_t>(m)].bits != all[static_cast<std::size_t>(m - 1)].bits;
  if (changed_since) report_aba(e);
  read_sync(all[static_cast<std::size_t>(i)].has_sync, all[static_cast<std::size_t>(i)].sync, success);
  out.newest_bits = mo_insert_rmw(e, success, i, desired_bits, expected_bits != desired_bits);
  return out;
}

}  // namespace interleave
