// A scenario over a remote inbox (the real hakmem::RemoteInbox, or a decoy): producers push
// two-block chains onto ways in turn, as a freeing thread's batches do, and single blocks by
// address; the owner (thread 0) races with them, taking every way and walking the chains side
// by side, as drain_remote does.
//
// Checked: the owner's walk reads each link as a Plain cell (a missing release/acquire is a
// data race); every block reaches the owner exactly once (invariant 5: a way skipped or a
// chain cut loses blocks); the history of pushes and takes is linearizable as a bag.
#pragma once
#include <cstdint>
#include <string>
#include <utility>

#include "block_pool.h"
#include "interleave/checker.h"
#include "interleave/linearizability.h"

namespace interleave {

struct InboxScript {
  int producers = 2;
  int chains_each = 1;  // two-block chains onto ways producer + i
  int singles_each = 1;
  int owner_takes = 1;  // take-all walks while producers run
};

template <class Inbox>
class InboxTest : public Test {
 public:
  InboxTest(std::string name, InboxScript s) : name_(std::move(name)), s_(s) {}

  std::string name() const override { return name_; }
  int threads() const override { return 1 + s_.producers; }

  void setup() override {
    pool_.clear();
    inbox_.~Inbox();
    new (&inbox_) Inbox();
    for (int& r : received_) r = 0;
    history_.clear();
  }

  void thread(int t) override {
    if (t == 0) {
      for (int i = 0; i < s_.owner_takes; ++i) take(0);
      return;
    }
    int id = (t - 1) * per_producer();
    for (int i = 0; i < s_.chains_each; ++i, id += 2) {
      void* first = pool_.block(id);
      void* last = pool_.block(id + 1);
      Inbox::link_of(first).set(reinterpret_cast<std::uintptr_t>(last));
      const int op = history_.invoke(t, History::Kind::kAdd, 3ull << id);
      inbox_.push_chain(first, last, static_cast<std::uint32_t>(t + i));
      history_.respond(op);
    }
    for (int i = 0; i < s_.singles_each; ++i, ++id) {
      const int op = history_.invoke(t, History::Kind::kAdd, 1ull << id);
      inbox_.push(pool_.block(id));
      history_.respond(op);
    }
  }

  void finish() override {
    take(-1);  // the owner's final drain at quiescence
    const int total = s_.producers * per_producer();
    for (int i = 0; i < total; ++i)
      check(received_[i] == 1, "every remote-freed block reaches the owner exactly once (invariant 5)",
            pool_.block(i));
    std::string why;
    if (!history_.check(&why, weak_memory())) report(FailureKind::kLinearizability, why, &inbox_);
  }

 private:
  int per_producer() const { return 2 * s_.chains_each + s_.singles_each; }

  void take(int t) {
    const int op = history_.invoke(t, History::Kind::kTakeAll);
    std::uint64_t got = 0;
    void* cur[Inbox::kWays];
    int guard = 0;
    if (inbox_.take_all(cur)) {
      for (bool more = true; more;) {  // the ways side by side, as drain_remote walks them
        more = false;
        for (void*& p : cur) {
          if (!p) continue;
          const int id = pool_.id_of(p);
          check(id >= 0 && ++guard <= BlockPool<32>::kBlocks, "the inbox holds only pushed blocks", p);
          if (id < 0) return history_.respond(op, got);
          check(!(got >> id & 1), "a take returns each block once", p);
          got |= 1ull << id;
          ++received_[id];
          p = Inbox::next(p);
          more |= p != nullptr;
        }
      }
    }
    history_.respond(op, got);
  }

  std::string name_;
  InboxScript s_;
  BlockPool<32> pool_;
  Inbox inbox_;
  int received_[32] = {};
  History history_;
};

}  // namespace interleave
