// The entry points the policies and tests call: thin forwards to the one engine.
#include <string>

#include "engine.h"
#include "interleave/os_faults.h"
#include "interleave/runtime.h"

namespace interleave {

// ---- runtime hooks -------------------------------------------------------------------------

namespace rt {

bool g_tracking = false;
bool g_weak = false;
bool g_free_mo = false;

ShadowEntry& atomic_point(const void* addr, AccessKind kind) { return g_engine->atomic_point(addr, kind); }
void on_load(ShadowEntry& e, std::memory_order mo) { g_engine->on_load(e, mo); }
void on_store(ShadowEntry& e, std::memory_order mo, bool changed) { g_engine->on_store(e, mo, changed); }
void on_rmw(ShadowEntry& e, std::memory_order mo, bool changed) { g_engine->on_rmw(e, mo, changed); }
void on_cas_success(ShadowEntry& e, std::memory_order mo, bool changed) {
  g_engine->on_cas_success(e, mo, changed);
}
std::uint64_t weak_record(ShadowEntry& e, std::memory_order mo, std::uint64_t old_bits, std::uint64_t new_bits) {
  return g_engine->weak_record(e, mo, old_bits, new_bits);
}
std::uint64_t weak_load(ShadowEntry& e, std::memory_order mo, std::uint64_t current_bits) {
  return g_engine->weak_load(e, mo, current_bits);
}
std::uint64_t mo_rmw_read(ShadowEntry& e, std::memory_order mo, std::uint64_t current_bits) {
  return g_engine->mo_rmw_read(e, mo, current_bits);
}
std::uint64_t mo_rmw_write(ShadowEntry& e, std::memory_order mo, std::uint64_t prev_bits, std::uint64_t new_bits) {
  return g_engine->mo_rmw_write(e, mo, prev_bits, new_bits);
}
CasOutcome mo_cas(ShadowEntry& e, std::memory_order success, std::memory_order failure,
                  std::uint64_t current_bits, std::uint64_t expected_bits, std::uint64_t desired_bits) {
  return g_engine->mo_cas(e, success, failure, current_bits, expected_bits, desired_bits);
}
void plain_access(const void* addr, bool write) { g_engine->plain_access(addr, write); }
void pause() { g_engine->pause(); }
void fence(std::memory_order mo) { g_engine->fence(mo); }
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
bool os_fault_oracle(void*, hakmem::OsLayer::Call, std::size_t) noexcept {
  return g_engine && g_engine->os_fault();
}
int current_thread() noexcept { return g_engine ? g_engine->current() : -1; }
std::uint32_t current_step() noexcept { return g_engine ? g_engine->step() : 0; }

}  // namespace interleave
