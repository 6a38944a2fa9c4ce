// Pieces several workloads share.
#pragma once
#include <sched.h>

#include <atomic>
#include <cstddef>

#include "block.h"
#include "block_ops.h"
#include "tool_memory.h"
#include "workload.h"

namespace stress {

// Frees every live block of an array.
inline void free_all(Worker& w, ToolArray<Block>& blocks) {
  for (auto& b : blocks)
    if (b) free_block(w, &b);
}

// A tiny test-and-set lock: held only to copy a Block in or out.
class SpinLock {
 public:
  void lock() {
    for (int spins = 0; flag_.exchange(true, std::memory_order_acquire); ++spins) {
      if (spins > 64) sched_yield();  // 2 cores, more threads: let the holder run
    }
  }
  void unlock() { flag_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> flag_{false};
};

// An array of blocks that any thread may swap with: how blocks change hands (and outlive the
// thread that allocated them) in transfer, realloc-chain and mid-pool.
class SharedSlots {
 public:
  void reset(std::size_t n) { slots_.reset(n); }
  std::size_t size() const { return slots_.size(); }
  // Puts b (possibly empty) into slot i and returns what was there.
  Block exchange(std::size_t i, const Block& b) {
    Slot& s = slots_[i];
    s.lock.lock();
    const Block old = s.block;
    s.block = b;
    s.lock.unlock();
    return old;
  }
  void free_all(Worker& w) {
    for (std::size_t i = 0; i < size(); ++i) {
      Block b = exchange(i, Block{});
      if (b) free_block(w, &b);
    }
  }

 private:
  struct alignas(64) Slot {
    SpinLock lock;
    Block block;
  };
  ToolArray<Slot> slots_;
};

}  // namespace stress
