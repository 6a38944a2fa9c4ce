// Relacy test suite over RlRemoteList<kRelaxedPublish>: the same script and checks as the
// project's interleave/scenarios/remote_test.h.
//
// Producers (threads 1..P) push their own blocks (remote frees); the owner (thread 0) takes the
// whole list `owner_takes` times while they run and walks it through next(), reading each link
// (an rl::var) like the real owner does: a missing release/acquire pair is a Relacy data race.
// Checked: a walk returns only pushed blocks, each at most once; at the end (after a final
// take in after()) every block reached the owner exactly once (invariant 5).
#pragma once
#include "remote_list_rl.h"

namespace hkrl {

struct RemoteScript {
  int producers;
  int pushes_each;
  int owner_takes;  // take_all calls by the owner while producers run
};

template <bool kRelaxedPublish, const RemoteScript& kS>
struct RemoteSuite : rl::test_suite<RemoteSuite<kRelaxedPublish, kS>, 1 + kS.producers> {
  static constexpr int kBlocks = kS.producers * kS.pushes_each;
  static_assert(kBlocks <= 32);

  RemoteBlock pool_[kBlocks];
  RlRemoteList<kRelaxedPublish> list_;
  int received_[kBlocks] = {};

  void before() { list_.init(); }

  void thread(unsigned tu) {
    const int t = static_cast<int>(tu);
    if (t == 0) {
      for (int i = 0; i < kS.owner_takes; ++i) take();
      return;
    }
    for (int i = 0; i < kS.pushes_each; ++i) list_.push(&pool_[(t - 1) * kS.pushes_each + i]);
  }

  void after() {
    take();  // the owner's final drain at quiescence
    for (int i = 0; i < kBlocks; ++i)
      check(received_[i] == 1, "every remote-freed block reaches the owner exactly once (invariant 5)");
  }

 private:
  void take() {
    unsigned got = 0;
    int walked = 0;
    for (RemoteBlock* b = list_.take_all(); b; b = RlRemoteList<kRelaxedPublish>::next(b)) {
      const int id = index_of(b);
      check(id >= 0 && ++walked <= kBlocks, "the remote list holds only pushed blocks");
      check(!(got >> id & 1), "a take_all returns each block once");
      got |= 1u << id;
      ++received_[id];
    }
  }

  int index_of(RemoteBlock* b) const {
    for (int i = 0; i < kBlocks; ++i)
      if (b == &pool_[i]) return i;
    return -1;
  }
};

}  // namespace hkrl
