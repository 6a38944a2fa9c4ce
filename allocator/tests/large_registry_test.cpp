// The large-block registry on its own: an open-addressing set of live large blocks whose table
// grows by doubling, keeps room for blocks mid-move, and gives its mapping back.
#include <gtest/gtest.h>

#include <cstdint>

#include "hakmem/core/large_registry.h"
#include "test_config.h"

namespace hakmem::test {
namespace {

using Registry = LargeRegistry<StdAtomics>;
constexpr std::uintptr_t kStep = 64;  // user pointers are 64-byte aligned

// A table of 8 slots doubles whenever one more block would fill it past half: 1000 blocks take
// 2048 slots, nine mappings in all, each old one given back; every block is found, and removed
// ones are not.
TEST(LargeRegistry, ATableDoublesPastHalfFullFindsEveryBlockAndGivesBackEachOldTable) {
  OsLayer os;
  Registry r;
  r.set_initial_capacity(8);
  constexpr std::uintptr_t kBlocks = 1000;
  for (std::uintptr_t i = 1; i <= kBlocks; ++i) ASSERT_TRUE(r.insert(os, i * kStep)) << i;
  EXPECT_EQ(r.size(), kBlocks);
  EXPECT_EQ(os.map_calls(), 9u) << "8, 16, ..., 2048 slots";
  EXPECT_EQ(os.unmap_calls(), 8u) << "each table but the last given back";
  EXPECT_EQ(os.mapped_bytes(), 2048 * sizeof(std::uintptr_t));
  for (std::uintptr_t i = 1; i <= kBlocks; ++i) ASSERT_TRUE(r.contains(i * kStep)) << i;
  for (std::uintptr_t i = 1; i <= kBlocks; i += 2) ASSERT_TRUE(r.remove(i * kStep)) << i;
  for (std::uintptr_t i = 1; i <= kBlocks; ++i) ASSERT_EQ(r.contains(i * kStep), i % 2 == 0) << i;
  EXPECT_EQ(r.size(), kBlocks / 2);
  r.release(os);
  EXPECT_EQ(os.mapped_bytes(), 0u) << "release gives the table back";
}

// A block moved and put back returns the room it reserved: many moves in a row leave the table
// as full as before, so the next insert that fits needs no growth.
TEST(LargeRegistry, MovesGiveBackTheRoomTheyReserve) {
  OsLayer os;
  Registry r;
  r.set_initial_capacity(8);
  for (std::uintptr_t i = 1; i <= 3; ++i) ASSERT_TRUE(r.insert(os, i * kStep));
  ASSERT_EQ(os.map_calls(), 1u);
  std::uintptr_t at = kStep;
  for (int move = 0; move < 5; ++move) {
    ASSERT_TRUE(r.take_for_move(at));
    at += 100 * kStep;  // the remap put it elsewhere
    r.put_back_moved(at);
  }
  EXPECT_EQ(r.size(), 3u);
  ASSERT_TRUE(r.insert(os, 4 * kStep)) << "the fourth block: exactly half of 8 slots";
  EXPECT_EQ(os.map_calls(), 1u) << "the moves kept room they had given back";
  EXPECT_TRUE(r.contains(at));
  r.release(os);
}

}  // namespace
}  // namespace hakmem::test
