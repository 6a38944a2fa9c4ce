// A scenario over a remote inbox (the real hakmem::RemoteInbox, or a decoy): producers push
// two-block chains onto ways in turn, as a freeing thread's batches do, and single blocks by
// address; the owner (thread 0) races with them, taking every way and walking the chains side
// by side, as drain_remote does.
//
// Checked: the owner's walk reads each link as a Plain cell (a missing release/acquire is a
// data race); every block reaches the owner exactly once (invariant 5: a way skipped or a
// chain cut loses blocks); and, in sequentially consistent runs, every push that finished before
// a take began is in that take or an earlier one (a drain sees every free made before it started).
//
// Not checked, because it does not hold: that a take is one atomic snapshot (the bag
// linearizability that RemoteTest checks for a single list). The take exchanges the ways one
// after another, so it may return a push to way 1 that began after a push to way 0 had
// finished, without the latter. The checker found exactly that history (PCT, schedule
// 0.2x2.1x2.0x2 of remote.inbox.2p.3t) when this scenario still asked for a snapshot. Nothing
// in the allocator needs one: each way alone is a RemoteList, linearizable as a bag (remote.*).
#pragma once
#include <cstdint>
#include <string>
#include <utility>

#include "block_pool.h"
#include "interleave/checker.h"

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
    clock_ = adds_ = takes_ = 0;
    delivered_ = 0;
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
      inbox_.push_chain(first, last, static_cast<std::uint32_t>(t + i));
      pushed(3ull << id);
    }
    for (int i = 0; i < s_.singles_each; ++i, ++id) {
      inbox_.push(pool_.block(id));
      pushed(1ull << id);
    }
  }

  void finish() override {
    take(-1);  // the owner's final drain at quiescence
    const int total = s_.producers * per_producer();
    for (int i = 0; i < total; ++i)
      check(received_[i] == 1, "every remote-freed block reaches the owner exactly once (invariant 5)",
            pool_.block(i));
    // Under the weak tier a push that finished earlier in the interleaving need not happen
    // before the take (nothing synchronizes them), and the take's relaxed emptiness check may
    // still read an older head: the block then waits for the next drain. So real-time order
    // binds only in sequentially consistent runs, as in History::check.
    if (weak_memory()) return;
    for (int k = 0; k < takes_; ++k)
      for (int a = 0; a < adds_; ++a)
        if (add_[a].finished < take_[k].began && (add_[a].items & ~take_[k].delivered))
          report(FailureKind::kLinearizability,
                 "a drain missed blocks whose push finished before it began (take " + std::to_string(k) +
                     ", push " + std::to_string(a) + ")",
                 &inbox_);
  }

 private:
  int per_producer() const { return 2 * s_.chains_each + s_.singles_each; }

  // Test-side clock of begins and ends (fibers switch only at atomics, so plain counts suffice).
  void pushed(std::uint64_t items) { add_[adds_++] = {items, ++clock_}; }

  void take(int) {
    const int began = ++clock_;
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
          if (id < 0) return;
          check(!(got >> id & 1), "a take returns each block once", p);
          got |= 1ull << id;
          ++received_[id];
          p = Inbox::next(p);
          more |= p != nullptr;
        }
      }
    }
    delivered_ |= got;
    take_[takes_++] = {began, delivered_};
  }

  std::string name_;
  InboxScript s_;
  BlockPool<32> pool_;
  Inbox inbox_;
  int received_[32] = {};
  struct Add {
    std::uint64_t items;
    int finished;
  };
  struct Take {
    int began;
    std::uint64_t delivered;  // by this take and the ones before it
  };
  Add add_[32] = {};
  Take take_[8] = {};
  int clock_ = 0, adds_ = 0, takes_ = 0;
  std::uint64_t delivered_ = 0;
};

}  // namespace interleave
