// Checks of the pool's slab records (Slab::pool_class): a pool free validates and caches its block
// from the record alone, so every record must describe the blocks that start in its 64 KiB (the
// class's shape and cache, the first block, how many were carved), and no record of a superslab
// given back may still name a class. Shared by the unit tests and the decoys.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "test_config.h"

namespace hakmem::test {

inline char* pool_data_of(const void* p) {
  return reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(p) & ~(kSuperslabSize - 1)) + kHeaderBytes);
}

// Blocks of three classes carved across several records (1280 B: 48 blocks start in the first
// 64 KiB; 128 KiB: one block per record or two), half freed: the heap check compares every record
// with the blocks carved. Then the boundary: a fresh 1280-byte superslab whose first refill carved
// blocks 0..7; block 8, in the same record, was never handed out and must abort as such.
template <class Alloc>
void pool_records_mirror_the_carving() {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Alloc a(small_options());
  auto* first = static_cast<char*>(a.malloc(1200));  // a fresh class: its refill carves 8 blocks
  ASSERT_NE(first, nullptr);
  char* const data = pool_data_of(first);
  ASSERT_LT(first - data, 8 * 1280) << "the first refill of a fresh 1280-byte superslab carves blocks 0..7";
  EXPECT_DEATH(a.free(data + 8 * 1280), "free\\(0x[0-9a-f]+\\): not allocated by hakmem \\(block never handed out\\)")
      << "the block right past the carving, in the record the carving reached";
  std::vector<void*> blocks;
  for (int i = 0; i < 120; ++i) blocks.push_back(a.malloc(1200));
  for (int i = 0; i < 12; ++i) blocks.push_back(a.malloc(40000));
  for (int i = 0; i < 10; ++i) blocks.push_back(a.malloc(131072));
  for (void* p : blocks) ASSERT_NE(p, nullptr);
  hak_heap_report r{};
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  for (std::size_t i = 0; i < blocks.size(); i += 2) a.free(blocks[i]);
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_DEATH(a.free(blocks[0]), "free\\(0x[0-9a-f]+\\): double free \\(block is already free\\)");
  for (std::size_t i = 1; i < blocks.size(); i += 2) a.free(blocks[i]);
  a.free(first);
  a.thread_flush();
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_live_blocks, 0u);
}

// 24 MiB of 128 KiB blocks, all freed: the class keeps 2 MiB and gives the other superslabs
// back. Returns a block of one given back.
template <class Alloc>
void* free_a_pool_class_until_it_gives_superslabs_back(Alloc& a) {
  std::vector<void*> blocks;
  for (int i = 0; i < 192; ++i) blocks.push_back(a.malloc(131072));
  for (void* p : blocks) EXPECT_NE(p, nullptr);
  for (void* p : blocks) a.free(p);
  a.thread_flush();
  for (void* p : blocks)
    if (!a.owns(p)) return p;
  ADD_FAILURE() << "no superslab of the class was given back";
  return nullptr;
}

// The records of a superslab given back name no class any more (the heap check)...
template <class Alloc>
void a_released_pool_superslab_keeps_no_pool_record() {
  Alloc a(small_options());
  ASSERT_NE(free_a_pool_class_until_it_gives_superslabs_back(a), nullptr);
  hak_heap_report r{};
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
}

// ... so a stray free into one aborts naming the released region, instead of caching memory the
// arena may hand to anyone.
template <class Alloc>
void a_stray_free_into_a_released_pool_superslab_aborts() {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Alloc a(small_options());
  void* released = free_a_pool_class_until_it_gives_superslabs_back(a);
  ASSERT_NE(released, nullptr);
  EXPECT_DEATH(a.free(released), "free\\(0x[0-9a-f]+\\): not allocated by hakmem \\(released region\\)");
}

}  // namespace hakmem::test
