// brute and dpor must find the same graphs, the same counts, and dpor no graph twice: on every
// litmus test and on extra programs with more writers, RMW chains and fences.
#include <gtest/gtest.h>

#include "rc11/cross_check.h"
#include "rc11/litmus.h"

namespace interleave::rc11 {
namespace {

constexpr Order rlx = Order::relaxed, acq = Order::acquire, rel = Order::release,
                acq_rel = Order::acq_rel, sc = Order::seq_cst;

std::vector<std::pair<std::string, Program>> extra_programs() {
  using B = ProgramBuilder;
  return {
      {"three_writers_two_readers",
       B().thread().store("x", 1, rlx).thread().store("x", 2, rel).thread().store("x", 3, sc)
           .thread().load("x", acq, "a").load("x", rlx, "b").build()},
      {"rmw_chain",
       B().thread().fetch_add("x", 1, acq_rel, "a").thread().fetch_add("x", 10, rlx, "b")
           .thread().exchange("x", 7, sc, "c").thread().load("x", acq, "d").build()},
      {"cas_race_with_store",
       B().thread().cas("x", 0, 1, acq_rel, "a").thread().cas("x", 0, 2, sc, "b")
           .thread().store("x", 5, rel).load("x", rlx, "c").build()},
      {"fenced_sb_with_rmw",
       B().thread().store("x", 1, rlx).fence(sc).fetch_add("y", 1, rlx, "a")
           .thread().store("y", 1, rlx).fence(sc).load("x", rlx, "b").build()},
      {"mixed_fences_mp3",
       B().thread().store("x", 1, rlx).fence(rel).store("y", 1, rlx).store("z", 1, sc)
           .thread().load("z", rlx, "a").fence(acq).load("y", sc, "b").load("x", rlx, "c").build()},
      {"wrc_rmw",
       B().thread().store("x", 1, rel).thread().fetch_add("x", 1, rlx, "a").store("y", 1, rel)
           .thread().load("y", acq, "b").load("x", rlx, "c").build()},
      {"sb3_sc_cycle",
       B().thread().store("x", 1, sc).load("y", sc, "a").thread().store("y", 1, sc).load("z", sc, "b")
           .thread().store("z", 1, sc).load("x", sc, "c").build()},
      // Bigger: brute visits 5^4 rf x 4! mo = 15000 candidates; dpor prunes as it grows.
      {"four_writers_read_back",
       B().thread().store("x", 1, rlx).load("x", rlx, "a").thread().store("x", 2, rel).load("x", acq, "b")
           .thread().store("x", 3, sc).load("x", sc, "c").thread().store("x", 4, rlx).load("x", acq, "d").build()},
  };
}

TEST(CrossCheck, LitmusTests) {
  for (const Litmus& l : litmus_tests()) EXPECT_EQ(cross_check(l.program, Options{}), "") << l.name;
}

TEST(CrossCheck, ExtraPrograms) {
  for (const auto& [name, p] : extra_programs()) {
    ASSERT_EQ(p.validate(), "") << name;
    const Result b = explore(p, Strategy::brute, Options{});
    const Result d = explore(p, Strategy::dpor, Options{});
    std::printf("%-28s brute %llu executions (%llu checks), dpor %llu (%llu checks)\n", name.c_str(),
                static_cast<unsigned long long>(b.executions), static_cast<unsigned long long>(b.checks),
                static_cast<unsigned long long>(d.executions), static_cast<unsigned long long>(d.checks));
    EXPECT_GT(b.executions, 0u) << name;
    EXPECT_EQ(cross_check(p, Options{}), "") << name;
  }
}

TEST(CrossCheck, BudgetNeverClaimsCompleteness) {
  Options o;
  o.budget = 3;
  const Result r = explore(litmus_tests().front().program, Strategy::dpor, o);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(summary(r, nullptr).find("complete"), std::string::npos);
  EXPECT_NE(summary(r, nullptr).find("NOT exhaustive"), std::string::npos);
}

}  // namespace
}  // namespace interleave::rc11
