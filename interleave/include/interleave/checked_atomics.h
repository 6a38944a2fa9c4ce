// CheckedAtomics: the atomic policy of hakmem (see hakmem/core/atomic_policy.h) for the
// interleaving checker. Every atomic operation is a scheduling point and updates vector
// clocks; Plain cells are race-checked; pause() lets the scheduler deprioritise a spinner.
// Values live in the object itself (sizeof(Atomic<T>) == sizeof(T)); everything the checker
// knows about a location lives in the engine's shadow table, keyed by address.
#pragma once
#include <atomic>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "interleave/runtime.h"

namespace interleave {

struct CheckedAtomics {
  template <class T>
  class Atomic {
    static_assert(std::is_trivially_copyable_v<T>);

   public:
    Atomic() noexcept : v_() {}
    constexpr Atomic(T v) noexcept : v_(v) {}  // NOLINT: implicit like std::atomic
    Atomic(const Atomic&) = delete;
    Atomic& operator=(const Atomic&) = delete;

    T load(std::memory_order mo = std::memory_order_seq_cst) const noexcept {
      if (!rt::g_tracking) return v_;
      ShadowEntry& e = rt::atomic_point(this, AccessKind::kLoad);
      if (rt::g_weak) return from_bits(rt::weak_load(e, mo, to_bits(v_)));
      const T r = v_;
      rt::on_load(e, mo);
      return r;
    }

    void store(T v, std::memory_order mo = std::memory_order_seq_cst) noexcept {
      if (!rt::g_tracking) {
        v_ = v;
        return;
      }
      ShadowEntry& e = rt::atomic_point(this, AccessKind::kWrite);
      const bool changed = !(v_ == v);
      const T old = v_;
      v_ = v;
      rt::on_store(e, mo, changed);
      // Options::free_mo: the store may go below the newest in mo; the object keeps the newest.
      if (rt::g_weak) v_ = from_bits(rt::weak_record(e, mo, to_bits(old), to_bits(v)));
    }

    T exchange(T v, std::memory_order mo = std::memory_order_seq_cst) noexcept {
      return rmw(mo, [v](T) { return v; });
    }

    bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                                 std::memory_order failure) noexcept {
      if (!rt::g_tracking) return cas_untracked(expected, desired);
      ShadowEntry& e = rt::atomic_point(this, AccessKind::kWrite);
      if (rt::g_free_mo) {
        const rt::CasOutcome c =
            rt::mo_cas(e, success, failure, to_bits(v_), to_bits(expected), to_bits(desired));
        v_ = from_bits(c.newest_bits);
        if (!c.success) expected = from_bits(c.read_bits);
        return c.success;
      }
      if (v_ == expected) {
        rt::on_cas_success(e, success, !(v_ == desired));
        if (rt::g_weak) rt::weak_record(e, success, to_bits(v_), to_bits(desired));
        v_ = desired;
        return true;
      }
      expected = v_;
      rt::on_load(e, failure);
      return false;
    }
    // Weak CAS never fails spuriously here: a spurious failure only adds a retry.
    bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                               std::memory_order failure) noexcept {
      return compare_exchange_strong(expected, desired, success, failure);
    }
    bool compare_exchange_strong(T& expected, T desired,
                                 std::memory_order mo = std::memory_order_seq_cst) noexcept {
      return compare_exchange_strong(expected, desired, mo, failure_order(mo));
    }
    bool compare_exchange_weak(T& expected, T desired,
                               std::memory_order mo = std::memory_order_seq_cst) noexcept {
      return compare_exchange_strong(expected, desired, mo, failure_order(mo));
    }

    T fetch_add(T d, std::memory_order mo = std::memory_order_seq_cst) noexcept
      requires std::integral<T>
    {
      return rmw(mo, [d](T x) { return static_cast<T>(x + d); });
    }
    T fetch_sub(T d, std::memory_order mo = std::memory_order_seq_cst) noexcept
      requires std::integral<T>
    {
      return rmw(mo, [d](T x) { return static_cast<T>(x - d); });
    }

    // For check code that must look without creating a scheduling point.
    T peek() const noexcept { return v_; }

   private:
    static_assert(sizeof(T) <= sizeof(std::uint64_t), "the weak tier keeps values as 64 bits");
    static std::uint64_t to_bits(T v) noexcept {
      std::uint64_t b = 0;
      std::memcpy(&b, &v, sizeof v);
      return b;
    }
    static T from_bits(std::uint64_t b) noexcept {
      T v;
      std::memcpy(&v, &b, sizeof v);
      return v;
    }
    static std::memory_order failure_order(std::memory_order mo) noexcept {
      if (mo == std::memory_order_acq_rel) return std::memory_order_acquire;
      if (mo == std::memory_order_release) return std::memory_order_relaxed;
      return mo;
    }
    bool cas_untracked(T& expected, T desired) noexcept {
      if (v_ == expected) {
        v_ = desired;
        return true;
      }
      expected = v_;
      return false;
    }
    template <class F>
    T rmw(std::memory_order mo, F f) noexcept {
      if (!rt::g_tracking) {
        const T old = v_;
        v_ = f(old);
        return old;
      }
      ShadowEntry& e = rt::atomic_point(this, AccessKind::kWrite);
      if (rt::g_free_mo) {
        const T read = from_bits(rt::mo_rmw_read(e, mo, to_bits(v_)));
        v_ = from_bits(rt::mo_rmw_write(e, mo, to_bits(read), to_bits(f(read))));
        return read;
      }
      const T prev = v_;  // read after the scheduling point: other threads may have run
      const T next = f(prev);
      v_ = next;
      rt::on_rmw(e, mo, !(prev == next));
      if (rt::g_weak) rt::weak_record(e, mo, to_bits(prev), to_bits(next));
      return prev;
    }

    T v_;
  };

  template <class T>
  class Plain {
   public:
    T get() const noexcept {
      if (rt::g_tracking) rt::plain_access(this, false);
      return value_;
    }
    void set(T v) noexcept {
      if (rt::g_tracking) rt::plain_access(this, true);
      value_ = v;
    }
    T value_;
  };

  // std::atomic_thread_fence under the checker (hakmem's core uses none; tests and decoys may).
  static void fence(std::memory_order mo) noexcept {
    if (rt::g_tracking) rt::fence(mo);
  }

  static void pause() noexcept {
    if (rt::g_tracking) rt::pause();
  }
  static void yield() noexcept { pause(); }

  template <class T>
  static void wait(Atomic<T>& a, T old) noexcept {
    for (;;) {
      if (!(a.load(std::memory_order_acquire) == old)) return;
      if (!rt::g_tracking) return;  // outside a run nobody could wake us
      // The load read an older store (weak tier): a futex compares the latest value and would
      // not sleep, so retry instead of blocking (blocking here loses a notify already made).
      if (!(a.peek() == old)) {
        pause();
        continue;
      }
      rt::wait_block(&a);
    }
  }
  template <class T>
  static void notify_all(Atomic<T>& a) noexcept {
    if (rt::g_tracking) rt::notify_all(&a);
  }
};

}  // namespace interleave
