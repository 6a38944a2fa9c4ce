// The real hakmem::RemoteInbox under the checker, with two ways (the production eight only add
// more of the same exchanges to the state space) and with eight.
#include <new>

#include "hakmem/core/remote_inbox.h"
#include "interleave/checked_atomics.h"
#include "interleave/registry.h"
#include "remote_inbox_test.h"

namespace interleave {
namespace {

template <unsigned Ways>
void add(const std::string& name, InboxScript s, std::string about) {
  Options o;
  o.strategy = StrategyKind::kDfs;
  o.preemption_bound = 2;
  o.max_runs = 200000;
  o.aba_fatal = false;  // push-only CAS per way: ABA is benign here
  using Inbox = hakmem::RemoteInbox<CheckedAtomics, Ways>;
  register_scenario({name, [name, s] { return std::make_unique<InboxTest<Inbox>>(name, s); }, false, o,
                     std::move(about)});
}

[[maybe_unused]] const bool registered = [] {
  add<2>("remote.inbox.1p.2t", {1, 1, 1, 2}, "a batch and a single push race with two of the owner's drains");
  add<2>("remote.inbox.2p.3t", {2, 1, 0, 1}, "two producers' batches land on both ways while the owner drains");
  add<2>("remote.inbox.1p3.2t", {1, 2, 1, 3}, "two batches and a single push race with three drains");
  add<2>("remote.inbox.2p2.3t", {2, 1, 1, 2}, "two producers (a batch and a single each), two drains");
  add<1>("remote.inbox1.2p.3t", {2, 1, 1, 1}, "a one-way inbox: two producers' batches and single pushes onto one list");
  add<hakmem::kRemoteWays>("remote.inbox8.2p.3t", {2, 1, 0, 1}, "the production inbox: two batches, eight ways");
  return true;
}();

}  // namespace
}  // namespace interleave
