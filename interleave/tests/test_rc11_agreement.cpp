// The fiber engine against RC11: every litmus test of rc11/ (a program and the exact outcome
// set RC11 allows, with its source) is run by an interpreter over CheckedAtomics under the
// exhaustive strategy, and the outcomes it reaches must be exactly that set. Two independent
// checkers, one running real atomics on fibers, the other building execution graphs, agree on
// the memory model, fences and seq_cst included. The quirks that break the engine must each
// make some test disagree.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "interleave/checked_atomics.h"
#include "interleave/strategy.h"
#include "lambda_test.h"
#include "rc11/litmus.h"

namespace interleave::testing {
namespace {

using A = CheckedAtomics;
using rc11::Litmus;
using rc11::OpKind;
using rc11::Order;

std::memory_order to_std(Order o) {
  switch (o) {
    case Order::relaxed: return std::memory_order_relaxed;
    case Order::acquire: return std::memory_order_acquire;
    case Order::release: return std::memory_order_release;
    case Order::acq_rel: return std::memory_order_acq_rel;
    case Order::seq_cst: return std::memory_order_seq_cst;
  }
  return std::memory_order_seq_cst;
}

// Runs a litmus program on fibers: one Atomic per location, registers in program order.
class Interpreter {
 public:
  explicit Interpreter(const rc11::Program& p) : p_(p), regs_(p.registers.size(), 0) {
    for (std::size_t l = 0; l < p.locations.size(); ++l) mem_.push_back(std::make_unique<A::Atomic<std::int64_t>>(0));
    t_.test_name = "self.rc11_agreement";
    t_.n = static_cast<int>(p.threads.size());
    t_.on_setup = [this] {
      for (auto& m : mem_) m->store(0);
      std::fill(regs_.begin(), regs_.end(), 0);
    };
    t_.body = [this](int id) { run(p_.threads[static_cast<std::size_t>(id)]); };
    t_.on_finish = [this] { seen_.insert(outcome()); };
  }

  std::set<std::string> outcomes(std::uint32_t quirks, Result* result = nullptr) {
    seen_.clear();
    const Result r = explore(t_, exhaustive(quirks));
    EXPECT_FALSE(r.failed) << r.report();
    EXPECT_TRUE(r.exhausted) << r.exhaustive_line();
    if (result) *result = r;
    return seen_;
  }

 private:
  void run(const std::vector<rc11::Op>& ops) {
    for (const rc11::Op& op : ops) {
      const std::memory_order mo = to_std(op.order);
      if (op.kind == OpKind::fence) {  // no location (loc is -1)
        A::fence(mo);
        continue;
      }
      auto& x = *mem_[static_cast<std::size_t>(op.loc)];
      std::int64_t read = 0;
      switch (op.kind) {
        case OpKind::load: read = x.load(mo); break;
        case OpKind::store: x.store(op.value, mo); break;
        case OpKind::fetch_add: read = x.fetch_add(op.value, mo); break;
        case OpKind::exchange: read = x.exchange(op.value, mo); break;
        case OpKind::cas: {
          std::int64_t expected = op.expected;
          x.compare_exchange_strong(expected, op.value, mo);
          read = expected;  // the value read, whether it succeeded or not
          break;
        }
        case OpKind::fence: break;  // handled above
      }
      if (op.reads()) regs_[static_cast<std::size_t>(op.reg)] = read;
    }
  }

  // As rc11::Graph::outcome(): "r0=1 r1=0 x=1 y=1".
  std::string outcome() const {
    std::string s;
    for (const auto& thread : p_.threads)
      for (const rc11::Op& op : thread)
        if (op.reads()) {
          if (!s.empty()) s += ' ';
          s += p_.registers[static_cast<std::size_t>(op.reg)] + "=" +
               std::to_string(regs_[static_cast<std::size_t>(op.reg)]);
        }
    for (std::size_t l = 0; l < mem_.size(); ++l) {
      if (!s.empty()) s += ' ';
      s += p_.locations[l] + "=" + std::to_string(mem_[l]->peek());
    }
    return s;
  }

  const rc11::Program& p_;
  std::vector<std::unique_ptr<A::Atomic<std::int64_t>>> mem_;
  std::vector<std::int64_t> regs_;
  std::set<std::string> seen_;
  LambdaTest t_;
};

std::string describe(const std::set<std::string>& s) {
  std::string out;
  for (const auto& o : s) out += "\n    " + o;
  return out.empty() ? "\n    (none)" : out;
}

class Rc11Agreement : public ::testing::TestWithParam<std::string> {};

TEST_P(Rc11Agreement, ExhaustiveReachesExactlyTheOutcomesRc11Allows) {
  const Litmus& t = *rc11::find_litmus(GetParam());
  Interpreter run(t.program);
  const std::set<std::string> got = run.outcomes(0);
  std::set<std::string> missing, extra;
  for (const auto& o : t.allowed)
    if (!got.count(o)) missing.insert(o);
  for (const auto& o : got)
    if (!t.allowed.count(o)) extra.insert(o);
  EXPECT_TRUE(missing.empty() && extra.empty())
      << t.name << " (" << t.source << ")\n  allowed by RC11, never reached:" << describe(missing)
      << "\n  reached, forbidden by RC11:" << describe(extra);
}

std::vector<std::string> litmus_names() {
  std::vector<std::string> names;
  for (const Litmus& t : rc11::litmus_tests()) names.push_back(t.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Litmus, Rc11Agreement, ::testing::ValuesIn(litmus_names()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

// The comparison's teeth: every quirk that breaks the engine's model must make at least one
// comparable litmus test miss an allowed outcome or reach a forbidden one.
TEST(Rc11Agreement, EveryBrokenModelDisagreesSomewhere) {
  for (const std::uint32_t quirk : {std::uint32_t{kQuirkInterleavingMo}, std::uint32_t{kQuirkDropStaleReads},
                                    std::uint32_t{kQuirkSplitRmw}, std::uint32_t{kQuirkIgnoreFences}}) {
    std::vector<std::string> differ;
    for (const Litmus& t : rc11::litmus_tests()) {
      Interpreter run(t.program);
      if (run.outcomes(quirk) != t.allowed) differ.push_back(t.name);
    }
    EXPECT_FALSE(differ.empty()) << "quirk " << quirk << " agrees with RC11 on every litmus test";
    std::string list;
    for (const auto& n : differ) list += " " + n;
    std::printf("quirk %u disagrees on %zu tests:%s\n", quirk, differ.size(), list.c_str());
  }
}

}  // namespace
}  // namespace interleave::testing
