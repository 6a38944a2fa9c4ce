// Heap lifecycle (create, adopt, orphan), the background drainer, quiescence and fork.
#pragma once
#include <new>
#include <pthread.h>
#include <sys/random.h>
#include <time.h>

namespace hakmem {

template <class Cfg>
Allocator<Cfg>::Allocator(const Options& opt) : opt_(opt) {
  if constexpr (kSingleInstance)
    if (live_instance().exchange(true)) fatal_internal("a second live instance of a single-instance allocator type");
  const std::uint32_t d = opt_.front_capacity_divisor;
  if (d == 0 || d > 8 || (d & (d - 1)) != 0) fatal_internal("front_capacity_divisor must be 1, 2, 4 or 8");
  // The double-free canary key: unpredictable, so no user data matches it by accident.
  if (getrandom(&secret_, sizeof secret_, GRND_NONBLOCK) != sizeof secret_)
    secret_ = reinterpret_cast<std::uintptr_t>(this) * 0x9E3779B97F4A7C15ull ^ 0x5bd1e995u;
  secret_ |= 1;  // never zero: live blocks have a zero second word
  pool_v2_.store(opt_.pool_v2, std::memory_order_relaxed);
  large_.set_initial_capacity(opt_.large_registry_slots);
  if constexpr (TraceT::kOn) os_.set_observer(&Allocator::os_observer, this);
  if (!reserve_arena()) fatal_internal("cannot reserve the arena address space");
  for (auto& s : spill_) s.stack.set_base(base_);
  if constexpr (kSingleInstance) {
    process_.base = reinterpret_cast<std::uintptr_t>(base_);
    process_.secret = secret_;
    process_.self = this;
  }
  if constexpr (Ctx::kRealThreads) has_exit_key_ = pthread_key_create(&exit_key_, &Allocator::on_thread_exit) == 0;
  if (opt_.bg_spill) start_drainer();
}

template <class Cfg>
Allocator<Cfg>::~Allocator() {
  stop_drainer();
  if (has_exit_key_) pthread_key_delete(exit_key_);
  if constexpr (kSingleInstance) {
    process_.top.store(0, std::memory_order_relaxed);  // the shim's free no longer sees this arena
    process_.self = nullptr;
    live_instance().store(false);
  }
  ThreadSlot& s = Ctx::template slot<Allocator>();
  if (s.instance == this) s = ThreadSlot{};
  // No thread uses a dying instance, but one abandoned mid-call may still hold a lock (the
  // interleaving checker leaves its logical threads where a failing run stopped them): the
  // teardown below takes locks and must not wait for it.
  reset_locks();
  large_.for_each([&](std::uintptr_t u) {
    auto* hdr = reinterpret_cast<LargeHeader*>(u - sizeof(LargeHeader));
    if (hdr->origin != kArenaOrigin) os_.unmap(hdr->map_base, hdr->map_bytes);
  });
  large_.release(os_);
  large_arena_.release(os_);
  large_cache_.flush(os_);
  huge_cache_.flush(os_);
  for (HeapT* h = all_heaps_; h;) {
    HeapT* next = h->next_all;
    os_.unmap(h, h->map_bytes);
    h = next;
  }
  os_.release(reservation_, reservation_bytes_);
}

template <class Cfg>
void Allocator<Cfg>::os_observer(void* self, OsLayer::Call call, const void* p, std::size_t bytes, bool ok) noexcept {
  auto* a = static_cast<Allocator*>(self);
  static constexpr Ev kinds[] = {Ev::kOsCommit, Ev::kOsDecommit, Ev::kOsMap, Ev::kOsUnmap, Ev::kOsRemap};
  // Arena calls are named by arena offset; independent mappings only by size (their address
  // is the kernel's choice).
  const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(p) - reinterpret_cast<std::uintptr_t>(a->base_);
  const bool in_arena = p && off < a->opt_.arena_bytes;
  a->trace_.record({ok ? kinds[static_cast<unsigned>(call)] : Ev::kOsFail, Path::kNone, 0,
                    in_arena ? static_cast<std::uint32_t>(off >> kSuperslabShift) : 0xFFFFFFFFu,
                    in_arena ? (off & (kSuperslabSize - 1)) : 0, bytes, static_cast<std::uint64_t>(call), 0});
}

template <class Cfg>
typename Allocator<Cfg>::HeapT* Allocator<Cfg>::heap_or_attach() noexcept {
  HeapT* h = heap();
  return h ? h : attach_heap();
}

// First allocation of a logical thread: adopt an orphaned heap if there is one, else make one.
template <class Cfg>
typename Allocator<Cfg>::HeapT* Allocator<Cfg>::attach_heap() noexcept {
  HeapT* h = nullptr;
  {
    LockGuard g(heaps_lock_);
    if ((h = orphans_) != nullptr) {
      orphans_ = h->next_orphan;
      h->next_orphan = nullptr;
      h->orphaned = false;
    }
  }
  if (h) {
    if constexpr (TraceT::kOn) trace_.record({Ev::kHeapAdopt, Path::kNone, 0, h->id, 0, 0, 0, 0});
  } else {
    const std::size_t bytes = (sizeof(HeapT) + OsLayer::page_size() - 1) & ~(OsLayer::page_size() - 1);
    void* mem = os_.map(bytes);
    if (!mem) return nullptr;
    h = new (mem) HeapT(opt_.front_capacity_divisor, opt_.pool_cache_bytes);
    h->instance = this;
    h->map_bytes = static_cast<std::uint32_t>(bytes);
    LockGuard g(heaps_lock_);
    h->id = heap_count_++;
    h->next_all = all_heaps_;
    all_heaps_ = h;
    if constexpr (TraceT::kOn) trace_.record({Ev::kHeapCreate, Path::kNone, 0, h->id, 0, 0, 0, 0});
  }
  Ctx::template slot<Allocator>() = ThreadSlot{this, h};
  if constexpr (Ctx::kRealThreads)
    if (has_exit_key_) pthread_setspecific(exit_key_, h);
  drain_remote(h);  // frees that reached the heap while it was orphaned
  return h;
}

template <class Cfg>
void Allocator<Cfg>::orphan(HeapT* h) noexcept {
  flush_heap(h);
  ThreadSlot& s = Ctx::template slot<Allocator>();
  if (s.heap == h) s = ThreadSlot{};
  if constexpr (TraceT::kOn) trace_.record({Ev::kHeapOrphan, Path::kNone, 0, h->id, 0, 0, 0, 0});
  LockGuard g(heaps_lock_);
  h->orphaned = true;
  h->next_orphan = orphans_;
  orphans_ = h;
}

template <class Cfg>
void Allocator<Cfg>::on_thread_exit(void* heap) noexcept {
  auto* h = static_cast<HeapT*>(heap);
  auto* a = static_cast<Allocator*>(const_cast<void*>(h->instance));
  a->orphan(h);
  a->mark_exited();
}

template <class Cfg>
void Allocator<Cfg>::thread_flush() noexcept {
  if (HeapT* h = heap()) flush_heap(h);
}

template <class Cfg>
void Allocator<Cfg>::thread_exit() noexcept {
  if (HeapT* h = heap()) {
    if constexpr (Ctx::kRealThreads)
      if (has_exit_key_) pthread_setspecific(exit_key_, nullptr);
    orphan(h);
  }
  mark_exited();
}

// The calling logical thread has ended for this instance: its later frees attach no heap (one
// attached in a thread's exit could never be orphaned). A malloc still attaches one.
template <class Cfg>
void Allocator<Cfg>::mark_exited() noexcept {
  Ctx::template slot<Allocator>() = ThreadSlot{this, nullptr, true};
}

template <class Cfg>
void Allocator<Cfg>::quiesce() noexcept {
  flush_large_cache();
  HeapT* self = heap();
  if (self) flush_heap(self);
  while (drain_spill() != 0) {
  }
  // Orphans are ours while we hold the lock. Flushing one may push blocks to another's remote
  // list, so all caches are flushed first and all remote lists drained after.
  LockGuard g(heaps_lock_);
  for (HeapT* h = all_heaps_; h; h = h->next_all)
    if (h == self || h->orphaned) flush_heap(h);
  for (HeapT* h = all_heaps_; h; h = h->next_all)
    if (h == self || h->orphaned) drain_remote(h);
  // A quiet program gives back the superslabs it keeps warm for reuse.
  LockGuard ga(arena_lock_);
  purge_warm_superslabs(true);
}

// ---- background drainer ----

template <class Cfg>
void Allocator<Cfg>::run_drainer() noexcept {
  // A logical thread of the checker runs this body itself (no start_drainer()): announce it so
  // that frees wake it through the same protocol as the real thread.
  if constexpr (!Ctx::kRealThreads) drainer_running_.store(true);
  for (;;) {
    // Read the wake count before draining: a push after this read changes it, so the wait
    // below returns at once instead of sleeping through the push (no lost wakeup).
    const std::uint32_t seen = drainer_wake_.load(std::memory_order_acquire);
    if (drainer_stop_.load(std::memory_order_acquire)) break;
    if (drain_spill() == 0) A::wait(drainer_wake_, seen);
  }
  if constexpr (!Ctx::kRealThreads) drainer_running_.store(false);
}

template <class Cfg>
void Allocator<Cfg>::request_drainer_stop() noexcept {
  drainer_stop_.store(1, std::memory_order_release);
  drainer_wake_.fetch_add(1, std::memory_order_release);
  A::notify_all(drainer_wake_);
}

template <class Cfg>
void Allocator<Cfg>::start_drainer() noexcept {
  if constexpr (Ctx::kRealThreads) {
    bool expected = false;
    if (!drainer_running_.compare_exchange_strong(expected, true)) return;
    drainer_stop_.store(0, std::memory_order_relaxed);
    auto body = [](void* self) -> void* {
      static_cast<Allocator*>(self)->run_drainer();
      return nullptr;
    };
    if (pthread_create(&drainer_thread_, nullptr, body, this) != 0) drainer_running_.store(false);
  }
}

template <class Cfg>
void Allocator<Cfg>::stop_drainer() noexcept {
  if constexpr (Ctx::kRealThreads) {
    if (!drainer_running_.load()) return;
    request_drainer_stop();
    // Bounded: the drainer leaves within one drain of the wake just sent. One still running
    // a minute later is wedged, and that deserves a message rather than a silent hang.
    timespec deadline{};
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 60;
    if (pthread_timedjoin_np(drainer_thread_, nullptr, &deadline) != 0)
      fatal_internal("the background spill drainer did not stop within 60 s of being asked");
    drainer_running_.store(false);
  }
}

template <class Cfg>
void Allocator<Cfg>::set_bg_spill(bool on) noexcept {
  opt_.bg_spill = on;
  if (on)
    start_drainer();
  else
    stop_drainer();
}

// ---- fork: no lock may be held by a thread that the child will not have ----

template <class Cfg>
void Allocator<Cfg>::prefork() noexcept {
  heaps_lock_.lock();
  if constexpr (Cfg::Quirks::kPreforkArenaFirst) arena_lock_.lock();  // the decoy's inversion
  for (auto& p : pool_) p.lock.lock();
  if constexpr (!Cfg::Quirks::kPreforkArenaFirst) arena_lock_.lock();
  large_.lock.lock();
  large_arena_.lock.lock();
  large_cache_.lock.lock();
  huge_cache_.lock.lock();
}

template <class Cfg>
void Allocator<Cfg>::postfork_parent() noexcept {
  huge_cache_.lock.unlock();
  large_cache_.lock.unlock();
  large_arena_.lock.unlock();
  large_.lock.unlock();
  arena_lock_.unlock();
  for (auto& p : pool_) p.lock.unlock();
  heaps_lock_.unlock();
}

template <class Cfg>
void Allocator<Cfg>::reset_locks() noexcept {
  huge_cache_.lock.reset();
  large_cache_.lock.reset();
  large_arena_.lock.reset();
  large_.lock.reset();
  arena_lock_.reset();
  for (auto& p : pool_) p.lock.reset();
  heaps_lock_.reset();
}

template <class Cfg>
void Allocator<Cfg>::postfork_child() noexcept {
  reset_locks();
  // Only the forking thread exists in the child. Another thread may have been inside an
  // operation on its own heap when fork() copied memory, so those heaps may be inconsistent:
  // they are retired, never adopted. Their blocks stay valid; frees of them go to their remote
  // lists and are simply never drained (the child leaks them rather than risk corruption).
  HeapT* self = heap();
  for (HeapT* h = all_heaps_; h; h = h->next_all)
    if (h != self && !h->orphaned) h->retired = true;
  // A push or pop in flight in a vanished thread leaves the length off by its count.
  for (auto& s : spill_) s.stack.repair_length_quiescent();
  drainer_running_.store(false);  // restarted by the next wake_drainer() if opt_.bg_spill
}

}  // namespace hakmem
