// A lock hands an atomic word from holder to holder: each holder takes the next ticket (an
// RMW on its own counter) and stores it into the word with a relaxed store, as the pool lock
// guards pool_carved (stored under the lock, read without it). The last holder's ticket must
// be what stays. With SpinLock's release unlock the earlier holder's store happens-before the
// later one's, so coherence keeps it lower in mo (lock.handoff.2t passes under every strategy).
// With a relaxed unlock (decoy.lock_relaxed_unlock) nothing orders the two stores, and RC11
// lets the later one land below: the word ends with the earlier ticket. Every interleaving
// stores in lock order, and the weak tier only varies what loads read, so only the exhaustive
// strategy's free modification order finds it (its quirk interleaving_mo misses it).
#include <atomic>
#include <memory>
#include <string>

#include "decoy_registry.h"
#include "hakmem/core/spinlock.h"
#include "interleave/checked_atomics.h"
#include "interleave/registry.h"
#include "relaxed_unlock.h"

namespace interleave {
namespace {

template <class Lock>
class LockHandoffTest : public Test {
 public:
  explicit LockHandoffTest(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  int threads() const override { return 2; }
  void setup() override {
    word_.store(0);
    tickets_.store(0);
  }
  void thread(int) override {
    lock_.lock();
    const std::uint32_t ticket = tickets_.fetch_add(1, std::memory_order_relaxed) + 1;
    word_.store(ticket, std::memory_order_relaxed);
    lock_.unlock();
  }
  void finish() override {
    check(word_.peek() == tickets_.peek(), "the last lock holder's store stays (word == last ticket)");
  }

 private:
  std::string name_;
  Lock lock_;
  CheckedAtomics::Atomic<std::uint32_t> word_{0};
  CheckedAtomics::Atomic<std::uint32_t> tickets_{0};
};

[[maybe_unused]] const bool registered = [] {
  Options o;
  o.strategy = StrategyKind::kDfs;
  o.max_runs = 100000;
  register_scenario({"lock.handoff.2t",
                     [] { return std::make_unique<LockHandoffTest<hakmem::SpinLock<CheckedAtomics>>>("lock.handoff.2t"); },
                     false, o, "SpinLock hands a relaxed-stored word to the next holder: its ticket stays"});
  decoy::add("decoy.lock_relaxed_unlock",
             [](const std::string& n) {
               return std::make_unique<LockHandoffTest<decoy::RelaxedUnlockLock<CheckedAtomics>>>(n);
             },
             "relaxed unlock: the later holder's relaxed store may land below in mo (only free mo finds it)");
  return true;
}();

}  // namespace
}  // namespace interleave
