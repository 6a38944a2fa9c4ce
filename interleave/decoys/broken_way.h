// DECOYS for the remote inbox's ways: a remote list (the interface of hakmem::RemoteList) with
// one deliberate bug in the push of a batch, for an inbox whose other parts are the real ones.
//   kRelaxedChainPublish: the batch's CAS is relaxed, so the freeing thread's plain writes of the
//     links are not ordered before the owner's reads after its acquire exchange: a data race.
//   kChainStoreNotCas: the batch is published with a load and a store instead of a CAS, so a
//     take or push between them is overwritten: a batch lost, or handed over twice.
#pragma once
#include <atomic>
#include <cstdint>

namespace interleave::decoy {

enum class WayBug { kRelaxedChainPublish, kChainStoreNotCas };

template <class A, WayBug Bug>
class BrokenWay {
 public:
  using Link = typename A::template Plain<std::uintptr_t>;

  void push(void* block) { push_chain(block, block); }

  void push_chain(void* first, void* last) {
    std::uintptr_t old = head_.load(std::memory_order_relaxed);
    if constexpr (Bug == WayBug::kChainStoreNotCas) {
      link_of(last).set(old);
      head_.store(reinterpret_cast<std::uintptr_t>(first), std::memory_order_release);  // BUG: not a CAS
      return;
    }
    for (;;) {
      link_of(last).set(old);
      if (head_.compare_exchange_weak(old, reinterpret_cast<std::uintptr_t>(first),
                                      std::memory_order_relaxed,  // BUG: must be release
                                      std::memory_order_relaxed))
        return;
      A::pause();
    }
  }

  void* take_all() {
    if (head_.load(std::memory_order_relaxed) == 0) return nullptr;
    return reinterpret_cast<void*>(head_.exchange(0, std::memory_order_acquire));
  }
  bool maybe_nonempty() const { return head_.load(std::memory_order_relaxed) != 0; }
  void* peek_quiescent() const { return reinterpret_cast<void*>(head_.load(std::memory_order_acquire)); }
  static void* next(void* block) { return reinterpret_cast<void*>(link_of(block).get()); }
  static Link& link_of(void* block) { return *static_cast<Link*>(block); }

 private:
  typename A::template Atomic<std::uintptr_t> head_{0};
};

}  // namespace interleave::decoy
