// The bag linearizability check on hand-written histories.
#include <gtest/gtest.h>

#include "interleave/linearizability.h"

namespace interleave {
namespace {

using K = History::Kind;

TEST(Linearizability, SequentialHistoryPasses) {
  History h;
  h.respond(h.invoke(0, K::kAdd, 0b11));
  h.respond(h.invoke(0, K::kTake), 0b10);
  h.respond(h.invoke(0, K::kTake), 0b01);
  h.respond(h.invoke(0, K::kTake), 0);
  std::string why;
  EXPECT_TRUE(h.check(&why)) << why;
}

TEST(Linearizability, OverlappingOpsMayReorder) {
  // take() returns item 1 while add({1}) is still running: fine, they overlap.
  History h;
  const int add = h.invoke(0, K::kAdd, 0b10);
  const int take = h.invoke(1, K::kTake);
  h.respond(take, 0b10);
  h.respond(add);
  EXPECT_TRUE(h.check(nullptr));
}

TEST(Linearizability, TakingWhatWasNeverAddedFails) {
  History h;
  h.respond(h.invoke(0, K::kAdd, 0b01));
  h.respond(h.invoke(1, K::kTake), 0b10);
  std::string why;
  EXPECT_FALSE(h.check(&why));
  EXPECT_NE(why.find("t1:take[2]"), std::string::npos) << why;
}

TEST(Linearizability, EmptyWhileCertainlyNonEmptyFails) {
  History h;
  h.respond(h.invoke(0, K::kAdd, 0b01));
  h.respond(h.invoke(1, K::kTake), 0);  // after the add finished: the bag holds item 0
  EXPECT_FALSE(h.check(nullptr));
}

TEST(Linearizability, DuplicateTakeFails) {
  History h;
  h.respond(h.invoke(0, K::kAdd, 0b01));
  const int a = h.invoke(1, K::kTake);
  const int b = h.invoke(2, K::kTake);
  h.respond(a, 0b01);
  h.respond(b, 0b01);
  EXPECT_FALSE(h.check(nullptr));
}

TEST(Linearizability, TakeAllMustTakeEverything) {
  History h;
  h.respond(h.invoke(1, K::kAdd, 0b01));
  h.respond(h.invoke(2, K::kAdd, 0b10));
  h.respond(h.invoke(0, K::kTakeAll), 0b01);  // item 1 was certainly there: wrong
  EXPECT_FALSE(h.check(nullptr));
  History ok;
  const int add = ok.invoke(2, K::kAdd, 0b10);
  ok.respond(ok.invoke(1, K::kAdd, 0b01));
  ok.respond(ok.invoke(0, K::kTakeAll), 0b01);  // the overlapping add lands afterwards
  ok.respond(add);
  ok.respond(ok.invoke(0, K::kTakeAll), 0b10);
  EXPECT_TRUE(ok.check(nullptr));
}

}  // namespace
}  // namespace interleave

namespace interleave {
namespace {

TEST(Linearizability, SpuriousEmptyIsAcceptedOnlyWhenAsked) {
  History h;
  h.respond(h.invoke(0, History::Kind::kAdd, 0b01));
  h.respond(h.invoke(1, History::Kind::kTake), 0);        // stale "empty"
  h.respond(h.invoke(1, History::Kind::kTakeAll), 0);     // stale "empty"
  h.respond(h.invoke(1, History::Kind::kTake), 0b01);
  EXPECT_FALSE(h.check(nullptr));
  EXPECT_TRUE(h.check(nullptr, true));
  History dup;  // a duplicate is never excused
  dup.respond(dup.invoke(0, History::Kind::kAdd, 0b01));
  dup.respond(dup.invoke(1, History::Kind::kTake), 0b01);
  dup.respond(dup.invoke(2, History::Kind::kTake), 0b01);
  EXPECT_FALSE(dup.check(nullptr, true));
}

}  // namespace
}  // namespace interleave
