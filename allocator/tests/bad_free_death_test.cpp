// Invariant 9: bad frees are caught and abort with one line naming the pointer and the reason.
#include <gtest/gtest.h>

#include <cstdlib>

#include "test_config.h"

namespace hakmem::test {
namespace {

class BadFree : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
  TestAllocator a{small_options()};
};

TEST_F(BadFree, DoubleFreeOfATinyBlock) {
  void* p = a.malloc(24);
  a.free(p);
  EXPECT_DEATH(a.free(p), "hakmem: free\\(0x[0-9a-f]+\\): double free");
}

TEST_F(BadFree, DoubleFreeAfterTheBlockWentToTheSpillQueue) {
  std::vector<void*> ps;
  for (int i = 0; i < 400; ++i) ps.push_back(a.malloc(16));
  for (void* p : ps) a.free(p);  // most of them overflow to the spill queue or slabs
  EXPECT_DEATH(a.free(ps[0]), "double free");
}

TEST_F(BadFree, InteriorPointer) {
  auto* p = static_cast<char*>(a.malloc(64));
  EXPECT_DEATH(a.free(p + 16), "interior pointer");
}

TEST_F(BadFree, PointerNeverReturned) {
  alignas(64) static char foreign[256];  // memory hakmem never handed out
  EXPECT_DEATH(a.free(foreign + 64), "not allocated by hakmem");
  void* p = a.malloc(64);  // its slab exists, but the next block was never carved
  EXPECT_DEATH(a.free(static_cast<char*>(p) + 64 * 5), "never handed out");
}

// The bound against the carved blocks is exact. A fresh class's first refill carves a batch
// into the front cache and malloc hands out the batch's last block first (the cache is LIFO):
// the block just below p was carved (cached, so free: freeing it is a double free), the block
// just above p is the first one never carved.
TEST_F(BadFree, TheFirstBlockNeverCarvedIsRejectedRightAtTheBound) {
  auto* p = static_cast<char*>(a.malloc(64));
  EXPECT_DEATH(a.free(p - 64), "double free");
  EXPECT_DEATH(a.free(p + 64), "never handed out");
  EXPECT_DEATH(a.usable_size(p + 64), "never handed out");
}

TEST_F(BadFree, PoolAndLargeDoubleFrees) {
  void* mid = a.malloc(5000);
  a.free(mid);
  EXPECT_DEATH(a.free(mid), "double free");
  void* big = a.malloc(200000);
  a.free(big);
  EXPECT_DEATH(a.free(big), "hakmem: free\\(0x[0-9a-f]+\\): double free \\(large block already freed");
  // Once its mapping has left the cache, the registry cannot tell a double free from a foreign
  // pointer, and says so.
  a.quiesce();
  EXPECT_DEATH(a.free(big), "not allocated by hakmem \\(or already freed\\)");
}

TEST_F(BadFree, ReallocNamesItselfForABadPointer) {
  alignas(64) static char foreign[256];
  EXPECT_DEATH(a.realloc(foreign + 64, 100), "hakmem: realloc\\(0x[0-9a-f]+\\): not allocated by hakmem");
}

TEST_F(BadFree, UsableSizeOfAFreedBlockIsCaughtToo) {
  void* p = a.malloc(100);
  a.free(p);
  EXPECT_DEATH(a.usable_size(p), "malloc_usable_size\\(0x[0-9a-f]+\\): double free");
}

TEST(Options, MalformedEnvironmentValuesAreFatalWithAClearMessage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        setenv("HAKMEM_BG_SPILL_TARGET", "12abc", 1);
        Options::from_env();
      },
      "hakmem: invalid HAKMEM_BG_SPILL_TARGET='12abc': expected an integer 1..1048576");
  EXPECT_DEATH(
      {
        setenv("HAKMEM_POOL_V2_ENABLED", "yes", 1);
        Options::from_env();
      },
      "invalid HAKMEM_POOL_V2_ENABLED='yes': expected 0 or 1");
  EXPECT_DEATH(
      {
        setenv("HAKMEM_POOL_CACHE_BYTES", "67108865", 1);
        Options::from_env();
      },
      "invalid HAKMEM_POOL_CACHE_BYTES='67108865': expected an integer 0..67108864");
  EXPECT_DEATH(
      {
        setenv("HAKMEM_SUPERSLAB_CACHE", "1025", 1);
        Options::from_env();
      },
      "invalid HAKMEM_SUPERSLAB_CACHE='1025': expected an integer 0..1024");
  EXPECT_DEATH(
      {
        setenv("HAKMEM_PURGE_DELAY_MS", "10ms", 1);
        Options::from_env();
      },
      "invalid HAKMEM_PURGE_DELAY_MS='10ms': expected an integer 0..3600000");
}

// Production keeps superslabs warm on a real clock; the environment sets how many and how long.
TEST(Options, WarmSuperslabsComeFromTheEnvironment) {
  Options o = Options::from_env();
  EXPECT_EQ(o.superslab_cache, kProductionSuperslabCache);
  EXPECT_EQ(o.purge_delay_ms, 1000u);
  ASSERT_NE(o.clock_ms, nullptr);
  const std::uint64_t t0 = o.clock_ms();
  EXPECT_GE(o.clock_ms(), t0) << "the clock is monotonic";
  setenv("HAKMEM_SUPERSLAB_CACHE", "0", 1);
  setenv("HAKMEM_PURGE_DELAY_MS", "3600000", 1);
  o = Options::from_env();
  EXPECT_EQ(o.superslab_cache, 0u);
  EXPECT_EQ(o.purge_delay_ms, 3600000u);
  unsetenv("HAKMEM_SUPERSLAB_CACHE");
  unsetenv("HAKMEM_PURGE_DELAY_MS");
  EXPECT_EQ(Options().clock_ms, nullptr) << "tests and the checker get no clock unless they set one";
}

TEST(Options, PoolCacheBytesComesFromTheEnvironment) {
  setenv("HAKMEM_POOL_CACHE_BYTES", "0", 1);
  EXPECT_EQ(Options::from_env().pool_cache_bytes, 0u);
  setenv("HAKMEM_POOL_CACHE_BYTES", "262144", 1);
  EXPECT_EQ(Options::from_env().pool_cache_bytes, 262144u);
  unsetenv("HAKMEM_POOL_CACHE_BYTES");
  EXPECT_EQ(Options::from_env().pool_cache_bytes, std::size_t{128} << 10);
}

TEST(Options, ParsersAcceptExactlyTheDocumentedForms) {
  std::uint64_t v;
  bool b;
  EXPECT_TRUE(Options::parse_uint("256", 1, 1048576, &v));
  EXPECT_EQ(v, 256u);
  EXPECT_FALSE(Options::parse_uint("0", 1, 1048576, &v));
  EXPECT_FALSE(Options::parse_uint("1048577", 1, 1048576, &v));
  EXPECT_FALSE(Options::parse_uint("99999999999999999999999", 1, 1048576, &v));
  EXPECT_FALSE(Options::parse_uint("", 1, 10, &v));
  EXPECT_FALSE(Options::parse_uint("-1", 1, 10, &v));
  EXPECT_TRUE(Options::parse_bool("1", &b));
  EXPECT_TRUE(b);
  EXPECT_FALSE(Options::parse_bool("true", &b));
  EXPECT_FALSE(Options::parse_bool("", &b));
}

}  // namespace
}  // namespace hakmem::test
