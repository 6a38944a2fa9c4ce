// Every litmus test under both strategies: exhaustive, and exactly the expected outcome set.
#include <gtest/gtest.h>

#include <tuple>

#include "rc11/litmus.h"
#include "rc11/explore.h"

namespace interleave::rc11 {
namespace {

class Exact : public ::testing::TestWithParam<std::tuple<std::size_t, Strategy>> {};

TEST_P(Exact, OutcomeSet) {
  const Litmus& l = litmus_tests()[std::get<0>(GetParam())];
  const Result r = explore(l.program, std::get<1>(GetParam()), Options{});
  SCOPED_TRACE(l.program.describe() + "source: " + l.source);
  std::printf("%s\n", summary(r, &l.allowed).c_str());
  ASSERT_TRUE(r.complete);
  std::set<std::string> found;
  for (const auto& [outcome, count] : r.outcomes) found.insert(outcome);
  for (const auto& o : found) EXPECT_TRUE(l.allowed.count(o)) << "extra outcome: " << o;
  for (const auto& o : l.allowed) EXPECT_TRUE(found.count(o)) << "missing outcome: " << o;
}

std::vector<std::size_t> indices() {
  std::vector<std::size_t> v(litmus_tests().size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = i;
  return v;
}

INSTANTIATE_TEST_SUITE_P(Litmus, Exact,
                         ::testing::Combine(::testing::ValuesIn(indices()),
                                            ::testing::Values(Strategy::brute, Strategy::dpor)),
                         [](const auto& info) {
                           return litmus_tests()[std::get<0>(info.param)].name + "_" +
                                  to_string(std::get<1>(info.param));
                         });

TEST(LitmusSuite, AtLeastFortyWithDistinctNames) {
  std::set<std::string> names;
  for (const Litmus& l : litmus_tests()) {
    EXPECT_TRUE(names.insert(l.name).second) << l.name;
    EXPECT_EQ(l.program.validate(), "") << l.name;
    EXPECT_FALSE(l.source.empty()) << l.name;
  }
  EXPECT_GE(names.size(), 40u);
}

}  // namespace
}  // namespace interleave::rc11
