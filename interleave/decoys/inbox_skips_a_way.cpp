// DECOY: a remote inbox whose take-all drops its last way (the collection misses a batch): the
// blocks there never reach the owner. The checker must report invariant 5.
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

[[maybe_unused]] const bool registered = [] {
  add("decoy.inbox_skips_a_way",
      [](const std::string& n) { return std::make_unique<InboxTest<InboxSkipsAWay>>(n, InboxScript{2, 1, 0, 1}); },
      "remote inbox whose drain skips a way: blocks pushed there are lost", false);
  return true;
}();

}  // namespace
}  // namespace interleave::decoy
