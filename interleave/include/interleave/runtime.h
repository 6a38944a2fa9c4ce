// Hooks between the policies (CheckedAtomics, FiberContext) and the engine. Kept tiny and
// non-template so the policies compile to one flag test plus a call.
#pragma once
#include <atomic>
#include <cstdint>

#include "interleave/shadow.h"
#include "interleave/strategy.h"

namespace interleave::rt {

// True while a logical thread runs test code inside a run. Off in setup(), finish() and
// invariant(): there the policies behave like plain memory and record nothing.
extern bool g_tracking;

// A scheduling point before an atomic operation of `kind` (kLoad or kWrite) on `addr`; returns
// its shadow entry.
ShadowEntry& atomic_point(const void* addr, AccessKind kind);
void on_load(ShadowEntry& e, std::memory_order mo);
void on_store(ShadowEntry& e, std::memory_order mo, bool changed);
void on_rmw(ShadowEntry& e, std::memory_order mo, bool changed);
// A successful CAS: checks for ABA, then behaves as an RMW.
void on_cas_success(ShadowEntry& e, std::memory_order mo, bool changed);

// Weak-memory tier (Options::weak_memory): g_weak is set for the run. weak_record() adds the
// store just made (after on_store/on_rmw) and returns the value that is now newest in mo (the
// object holds it); weak_load() replaces on_load() for non-RMW loads and returns the bits of
// the store the load reads (possibly an older one).
extern bool g_weak;
std::uint64_t weak_record(ShadowEntry& e, std::memory_order mo, std::uint64_t old_bits, std::uint64_t new_bits);
std::uint64_t weak_load(ShadowEntry& e, std::memory_order mo, std::uint64_t current_bits);

// Options::free_mo (g_free_mo, set with g_weak): an RMW picks the store it reads, its
// mo-predecessor (mo_rmw_read, returns its bits), then goes right after it (mo_rmw_write,
// returns the newest value). A CAS picks either a place where it succeeds or a store it fails
// on. These replace on_rmw/on_cas_success/weak_record for RMWs.
extern bool g_free_mo;
std::uint64_t mo_rmw_read(ShadowEntry& e, std::memory_order mo, std::uint64_t current_bits);
std::uint64_t mo_rmw_write(ShadowEntry& e, std::memory_order mo, std::uint64_t prev_bits, std::uint64_t new_bits);
struct CasOutcome {
  bool success = false;
  std::uint64_t read_bits = 0;    // the value it read (on failure: the new `expected`)
  std::uint64_t newest_bits = 0;  // the value newest in mo afterwards (the object holds it)
};
CasOutcome mo_cas(ShadowEntry& e, std::memory_order success, std::memory_order failure,
                  std::uint64_t current_bits, std::uint64_t expected_bits, std::uint64_t desired_bits);

void plain_access(const void* addr, bool write);

void pause();
// std::atomic_thread_fence(mo) under the checker.
void fence(std::memory_order mo);
void wait_block(const void* addr);  // the caller saw the awaited value: sleep until notified
void notify_all(const void* addr);

// Index of the running logical thread's context slot (kMaxThreads for the main context).
int slot_index() noexcept;
// Context slot arrays register a reset function, called at the start of every run.
void register_slot_reset(void (*reset)());

inline bool acquires(std::memory_order mo) noexcept {
  return mo == std::memory_order_acquire || mo == std::memory_order_consume ||
         mo == std::memory_order_acq_rel || mo == std::memory_order_seq_cst;
}
inline bool releases(std::memory_order mo) noexcept {
  return mo == std::memory_order_release || mo == std::memory_order_acq_rel ||
         mo == std::memory_order_seq_cst;
}

}  // namespace interleave::rt
