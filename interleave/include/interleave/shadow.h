// Shadow state of the memory a run touches, kept beside it (an Atomic<T> must stay sizeof(T)
// because it lives in a block's first word). Keyed by address; reset in O(1) per run by
// bumping a generation number.
#pragma once
#include <cstdint>
#include <vector>

#include "interleave/vector_clock.h"

namespace interleave {

// An atomic location: its modification count, the last value-changing write (for ABA), the
// release sequence's clock, and what each thread last read.
// Weak-memory tier: the last few stores of an atomic location, so a relaxed or acquire load
// may return an older one that happens-before does not hide.
struct StoreRecord {
  std::uint64_t bits = 0;      // the stored value
  std::uint32_t version = 0;   // its place in the location's modification order
  std::uint32_t epoch = 0;     // writer's own clock component when it stored
  std::int8_t tid = -1;        // -1: the value the run started with
  bool has_sync = false;
  bool rmw = false;            // Options::free_mo: it read its mo-predecessor (nothing goes between)
  VectorClock sync;            // what an acquire load reading this store joins
};
// Options::free_mo: a load that read the store of `version`, at (tid, epoch). A later event
// that this read happens-before may not read or write below that store in mo (coherence).
struct ReadRecord {
  std::uint32_t version = 0;
  std::uint32_t epoch = 0;
  std::int8_t tid = -1;
};
inline constexpr int kStoreHistory = 4;
// Read choices a schedule string can name: letters 'a'..'w' ('x' separates repeat counts).
inline constexpr int kMaxReadChoices = 23;

struct AtomicShadow {
  std::uint32_t version = 0;      // writes so far this run
  std::uint32_t last_change = 0;  // version of the last write that changed the value
  std::uint32_t change_step = 0;
  std::int8_t change_tid = -1;
  bool has_sync = false;
  VectorClock sync;                            // clock a reader with acquire joins
  std::uint32_t read_version[kMaxThreads]{};   // version + 1 at thread's last read, 0 = never
  std::uint32_t read_step[kMaxThreads]{};
  std::uint32_t store_epoch = 0;  // writer's clock component at the last store
  int history = 0;                // valid entries of stores (weak tier only)
  std::int32_t full = -1;         // Options::full_history: index of its history in the engine
  StoreRecord stores[kStoreHistory];
};

// A plain location: FastTrack-style last-write epoch and per-thread read epochs.
struct PlainShadow {
  std::int8_t write_tid = -1;
  bool poisoned = false;
  std::uint32_t write_clock = 0;
  std::uint32_t write_step = 0;
  std::uint32_t read_clock[kMaxThreads]{};
  std::uint32_t read_step[kMaxThreads]{};
};

struct ShadowEntry {
  std::uintptr_t addr = 0;
  std::uint64_t gen = 0;
  AtomicShadow atomic;
  PlainShadow plain;
};

class ShadowTable {
 public:
  ShadowTable() : slots_(256) {}

  void reset() noexcept {
    ++gen_;
    used_ = 0;
  }

  // The entry for `addr`, created fresh (never written, never read) on first use in a run.
  ShadowEntry& get(std::uintptr_t addr) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    ShadowEntry* e = probe(addr);
    if (e->gen != gen_) {
      *e = ShadowEntry{};
      e->addr = addr;
      e->gen = gen_;
      ++used_;
    }
    return *e;
  }

  // The entry for `addr` if it was touched this run.
  ShadowEntry* find(std::uintptr_t addr) noexcept {
    ShadowEntry* e = probe(addr);
    return e->gen == gen_ ? e : nullptr;
  }

 private:
  ShadowEntry* probe(std::uintptr_t addr) noexcept {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>((addr >> 3) * 0x9E3779B97F4A7C15ull >> 40) & mask;
    for (;; i = (i + 1) & mask) {
      ShadowEntry& e = slots_[i];
      if (e.gen != gen_ || e.addr == addr) return &e;
    }
  }

  void grow() {
    std::vector<ShadowEntry> old(slots_.size() * 2);
    old.swap(slots_);
    used_ = 0;
    for (ShadowEntry& e : old)
      if (e.gen == gen_) {
        *probe(e.addr) = e;
        ++used_;
      }
  }

  std::vector<ShadowEntry> slots_;
  std::uint64_t gen_ = 1;
  std::size_t used_ = 0;
};

}  // namespace interleave
