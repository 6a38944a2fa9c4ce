#include "relaxed_publish.h"

#include "decoy_registry.h"
#include "interleave/checked_atomics.h"
#include "remote_test.h"

namespace interleave::decoy {
namespace {

using List = RelaxedPublish<CheckedAtomics>;

[[maybe_unused]] const bool registered = [] {
  add("decoy.relaxed_publish",
      [](const std::string& n) { return std::make_unique<RemoteTest<List>>(n, RemoteScript{1, 1, 1}); },
      "remote push with a relaxed CAS: the owner's read of the link is a data race", false);
  return true;
}();

}  // namespace
}  // namespace interleave::decoy
