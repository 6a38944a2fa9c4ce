// The real hakmem::RemoteList under the checker.
#include <new>

#include "hakmem/core/remote_list.h"
#include "interleave/checked_atomics.h"
#include "interleave/registry.h"
#include "remote_test.h"

namespace interleave {
namespace {

using Real = hakmem::RemoteList<CheckedAtomics>;

void add(const std::string& name, RemoteScript s, std::string about) {
  Options o;
  o.strategy = StrategyKind::kDfs;
  o.preemption_bound = 2;
  o.max_runs = 200000;
  o.aba_fatal = false;  // push-only CAS: ABA is benign here
  register_scenario({name, [name, s] { return std::make_unique<RemoteTest<Real>>(name, s); }, false, o,
                     std::move(about)});
}

[[maybe_unused]] const bool registered = [] {
  add("remote.1p.2t", {1, 2, 2}, "one producer, the owner takes twice");
  add("remote.2p.3t", {2, 2, 2}, "two producers race with the owner's take_all");
  add("remote.3p.4t", {3, 1, 2}, "three producers, one push each");
  add("remote.1p3.2t", {1, 3, 3}, "one producer pushes three times, the owner takes three times");
  return true;
}();

}  // namespace
}  // namespace interleave
