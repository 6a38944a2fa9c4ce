// remote-free: producers allocate, consumers free. Consumers never allocate at all, so every
// free is remote: it must travel to the owner's remote list and come back exactly once
// (invariant 5), even when the owner has already exited (each round's threads exit).
#include <mutex>

#include "sizes.h"
#include "workloads/common.h"
#include "workloads/registry.h"

namespace stress {
namespace {

constexpr std::size_t kRing = 4096;
constexpr std::size_t kBatch = 32;

// A bounded queue of blocks, one per consumer; producers push batches.
struct alignas(64) Queue {
  std::mutex mu;
  std::size_t head = 0, tail = 0;  // tail - head = queued
  Block ring[kRing];

  bool push(const Block* b, std::size_t n) {
    std::lock_guard<std::mutex> lock(mu);
    if (tail - head + n > kRing) return false;
    for (std::size_t i = 0; i < n; ++i) ring[(tail++) % kRing] = b[i];
    return true;
  }
  std::size_t pop(Block* out, std::size_t max) {
    std::lock_guard<std::mutex> lock(mu);
    std::size_t n = 0;
    while (n < max && head != tail) out[n++] = ring[(head++) % kRing];
    return n;
  }
};

class RemoteFree final : public Workload {
 public:
  const char* name() const override { return "remote-free"; }
  const char* describe() const override {
    return "producers allocate, consumers (threads that never allocate) free every block";
  }
  int min_threads() const override { return 2; }

  void setup(Run& run) override {
    producers_ = run.threads / 2;
    queues_.reset(static_cast<std::size_t>(run.threads - producers_));
  }
  void before_round(Run&) override { producers_done_.store(0); }

  void thread_main(Worker& w) override {
    if (w.index < producers_) {
      produce(w);
    } else {
      consume(w, queues_[static_cast<std::size_t>(w.index - producers_)]);
    }
  }

 private:
  void produce(Worker& w) {
    Block batch[kBatch];
    std::size_t n = 0;
    while (!w.stopping()) {
      if (alloc_block(w, w.rng.one_in(4) ? mid_size(w.rng) : tiny_size(w.rng), &batch[n])) ++n;
      if (n == kBatch) {
        push(w, batch, n);
        n = 0;
      }
    }
    if (n) push(w, batch, n);
    producers_done_.fetch_add(1);
  }

  // Hands a batch to some consumer; waits while every queue is full.
  void push(Worker& w, const Block* batch, std::size_t n) {
    const std::size_t nq = queues_.size();
    for (std::size_t start = w.rng.below(nq);; sched_yield()) {
      for (std::size_t k = 0; k < nq; ++k)
        if (queues_[(start + k) % nq].push(batch, n)) return;
    }
  }

  void consume(Worker& w, Queue& q) {
    Block batch[kBatch];
    while (true) {
      // Producers push before they count themselves done, so once all are done an empty
      // queue stays empty.
      const bool last_look = producers_done_.load() == producers_;
      const std::size_t n = q.pop(batch, kBatch);
      for (std::size_t i = 0; i < n; ++i) free_block(w, &batch[i]);
      if (n == 0 && last_look) break;
      if (n == 0) sched_yield();
    }
  }

  int producers_ = 1;
  std::atomic<int> producers_done_{0};
  ToolArray<Queue> queues_;
};

}  // namespace

Workload& remote_free_workload() {
  static RemoteFree w;
  return w;
}

}  // namespace stress
