// A scenario over a remote-free list (the real hakmem::RemoteList or a decoy): producers push
// their own blocks (remote frees), the owner (thread 0) races with them, taking the whole list
// and walking it as it returns blocks to their slabs.
//
// Checked: the owner's walk reads each link as a Plain cell, so a missing release/acquire is
// a data race; every block reaches the consumer exactly once (invariant 5); the history of
// pushes and take_alls is linearizable as a bag. A CAS on the head may see ABA (the head went
// back to empty after a take_all): that is benign for a push-only stack, so these scenarios
// count ABA events instead of failing on them.
#pragma once
#include <cstdint>
#include <string>
#include <utility>

#include "block_pool.h"
#include "interleave/checker.h"
#include "interleave/linearizability.h"

namespace interleave {

struct RemoteScript {
  int producers = 2;
  int pushes_each = 2;
  int owner_takes = 2;  // take_all calls by the owner while producers run
};

template <class List>
class RemoteTest : public Test {
 public:
  RemoteTest(std::string name, RemoteScript s) : name_(std::move(name)), s_(s) {}

  std::string name() const override { return name_; }
  int threads() const override { return 1 + s_.producers; }

  void setup() override {
    pool_.clear();
    list_.~List();
    new (&list_) List();
    for (int& r : received_) r = 0;
    history_.clear();
  }

  void thread(int t) override {
    if (t == 0) {
      for (int i = 0; i < s_.owner_takes; ++i) take(0);
      return;
    }
    for (int i = 0; i < s_.pushes_each; ++i) {
      const int id = (t - 1) * s_.pushes_each + i;
      const int op = history_.invoke(t, History::Kind::kAdd, 1ull << id);
      list_.push(pool_.block(id));
      history_.respond(op);
    }
  }

  void finish() override {
    take(-1);  // the owner's final drain at quiescence
    const int total = s_.producers * s_.pushes_each;
    for (int i = 0; i < total; ++i)
      check(received_[i] == 1, "every remote-freed block reaches the owner exactly once (invariant 5)",
            pool_.block(i));
    std::string why;
    if (!history_.check(&why, weak_memory())) report(FailureKind::kLinearizability, why, &list_);
  }

 private:
  void take(int t) {
    const int op = history_.invoke(t, History::Kind::kTakeAll);
    std::uint64_t got = 0;
    int guard = 0;
    for (void* b = list_.take_all(); b; b = List::next(b)) {
      const int id = pool_.id_of(b);
      check(id >= 0 && ++guard <= BlockPool<32>::kBlocks, "the remote list holds only pushed blocks",
            b);
      if (id < 0) break;
      check(!(got >> id & 1), "a take_all returns each block once", b);
      got |= 1ull << id;
      ++received_[id];
    }
    history_.respond(op, got);
  }

  std::string name_;
  RemoteScript s_;
  BlockPool<32> pool_;
  List list_;
  int received_[32] = {};
  History history_;
};

}  // namespace interleave
