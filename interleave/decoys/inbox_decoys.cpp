// DECOYS: a remote inbox whose take-all drops its last way (the collection misses a batch): the
// blocks there never reach the owner, and the checker must report invariant 5. And one whose
// second take-all leaves way 0 for the next (blocks arrive once, but late): that drain then
// misses frees made before it began, which the sequentially consistent runs must report. (A
// take begins when its thread reaches it; the second begins right after the first reads the
// last way, so a push that ends before it landed on way 0 after the first took that way.)
// And the real inbox over broken ways (broken_way.h): a batch pushed with a relaxed CAS (the
// owner's walk of its links is a data race), and a batch published by a load and a store (a
// batch lost, or taken twice: invariant 5).
#include "broken_way.h"
#include "decoy_registry.h"
#include "hakmem/core/remote_inbox.h"
#include "interleave/checked_atomics.h"
#include "remote_inbox_test.h"

namespace interleave::decoy {
namespace {

class InboxSkipsAWay : public hakmem::RemoteInbox<CheckedAtomics, 2> {
 public:
  bool take_all(void* (&heads)[kWays]) noexcept {
    const bool any = RemoteInbox::take_all(heads);
    heads[kWays - 1] = nullptr;  // BUG: way 1's chains are taken and lost
    return any;
  }
};

class InboxDefersAWay : public hakmem::RemoteInbox<CheckedAtomics, 2> {
 public:
  bool take_all(void* (&heads)[kWays]) noexcept {
    const bool any = RemoteInbox::take_all(heads);
    if (++calls_ == 2 && heads[0]) {  // BUG: the second take-all puts way 0's chain back for the next
      void* last = heads[0];
      while (next(last)) last = next(last);
      push_chain(heads[0], last, 0);
      heads[0] = nullptr;
    }
    return any;
  }

 private:
  unsigned calls_ = 0;
};

// The real inbox over ways whose batch push is broken (broken_way.h).
template <WayBug Bug>
using InboxOfBrokenWays = hakmem::RemoteInbox<CheckedAtomics, 2, BrokenWay<CheckedAtomics, Bug>>;

[[maybe_unused]] const bool registered = [] {
  add("decoy.inbox_skips_a_way",
      [](const std::string& n) { return std::make_unique<InboxTest<InboxSkipsAWay>>(n, InboxScript{2, 1, 0, 1}); },
      "remote inbox whose drain skips a way: blocks pushed there are lost", false);
  add("decoy.inbox_defers_a_way",
      [](const std::string& n) { return std::make_unique<InboxTest<InboxDefersAWay>>(n, InboxScript{2, 1, 0, 2}); },
      "remote inbox whose drain leaves a way for later: a drain misses frees made before it", false);
  add("decoy.inbox_relaxed_publish",
      [](const std::string& n) {
        return std::make_unique<InboxTest<InboxOfBrokenWays<WayBug::kRelaxedChainPublish>>>(n, InboxScript{1, 1, 0, 1});
      },
      "remote inbox whose batches are pushed with a relaxed CAS: the owner's walk is a data race", false);
  add("decoy.inbox_lost_batch",
      [](const std::string& n) {
        // Two batches each, onto both ways in turn, so the producers collide on a way; no single
        // pushes, whose way follows from an address (a replay must meet the same ways).
        return std::make_unique<InboxTest<InboxOfBrokenWays<WayBug::kChainStoreNotCas>>>(n, InboxScript{2, 2, 0, 1});
      },
      "remote inbox whose batches are published by a load and a store: a batch lost or taken twice, or (the "
      "relaxed load ends the release sequence) a data race on a link",
      false);
  return true;
}();

}  // namespace
}  // namespace interleave::decoy
