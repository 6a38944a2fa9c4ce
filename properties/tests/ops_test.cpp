// The op interpreter on its own: seeded random sequences run clean under both thread-context
// policies, decoding is total and deterministic, and each check fires on a broken input.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include "hakmem_ops/decode.h"
#include "hakmem_ops/executor.h"

namespace hakmem_ops {
namespace {

using Logical = hakmem::Allocator<hakmem::Config<0, hakmem::StdAtomics, LogicalContext>>;
using Tls = hakmem::Allocator<hakmem::Config<0>>;

std::uint64_t base_seed() {
  const char* s = std::getenv("HAKMEM_SEED");
  const std::uint64_t seed = s ? std::strtoull(s, nullptr, 0) : 0x5eed;
  std::printf("seed %#llx (replay: HAKMEM_SEED=%#llx)\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(seed));
  return seed;
}

TEST(Ops, DecodeIsTotalAndDeterministic) {
  std::vector<std::uint8_t> junk(1000);
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<std::uint8_t>(i * 37 + 11);
  EXPECT_EQ(decode_ops(junk), decode_ops(junk));
  EXPECT_FALSE(decode_ops(junk).empty());
  EXPECT_TRUE(decode_ops({}).empty());
  EXPECT_EQ(random_ops(7, 300), random_ops(7, 300));
  EXPECT_EQ(random_ops(7, 300).size(), 300u);
}

TEST(Ops, RandomSequencesRunCleanOnLogicalThreads) {
  const std::uint64_t seed = base_seed();
  for (std::uint64_t i = 0; i < 16; ++i) {
    Executor<Logical> ex(default_options(), ExecOptions{.verify_each_op = i < 2});
    const auto ops = random_ops(seed + i, 1000);
    auto v = ex.run(ops);
    ASSERT_FALSE(v) << "seed " << seed + i << ": " << v->to_string();
  }
}

TEST(Ops, RandomSequencesRunCleanOnRealThreads) {
  const std::uint64_t seed = base_seed();
  for (std::uint64_t i = 0; i < 3; ++i) {
    Executor<Tls> ex;
    auto v = ex.run(random_ops(seed + 100 + i, 1000));
    ASSERT_FALSE(v) << "seed " << seed + 100 + i << ": " << v->to_string();
  }
}

// The checks have teeth: corrupting a live block, or the allocator's own accounting, is caught
// and named.
TEST(Ops, CorruptedBlockIsReported) {
  Executor<Logical> ex;
  ASSERT_FALSE(ex.step(Op{.kind = OpKind::kMalloc, .slot = 3, .size = 100}));
  ASSERT_FALSE(ex.step(Op{.kind = OpKind::kMalloc, .slot = 4, .size = 100}));
  static_cast<char*>(ex.model().at(3).ptr)[50] ^= 1;
  auto v = ex.step(Op{.kind = OpKind::kFree, .slot = 3});
  ASSERT_TRUE(v);
  std::printf("caught: %s\n", v->to_string().c_str());
  EXPECT_NE(v->to_string().find("invariant 1"), std::string::npos);
  EXPECT_NE(v->to_string().find("slot=3"), std::string::npos);
  EXPECT_NE(v->to_string().find("op #2"), std::string::npos);
  // Restore, so finish() can run clean.
  static_cast<char*>(ex.model().at(3).ptr)[50] ^= 1;
}

TEST(Ops, LeakedBlockIsReported) {
  Executor<Logical> ex;
  ASSERT_FALSE(ex.step(Op{.kind = OpKind::kMalloc, .slot = 1, .size = 40}));
  void* leak = ex.alloc().malloc(40);  // behind the model's back: the heap check must see it
  auto v = ex.check_heap();
  ASSERT_TRUE(v);
  std::printf("caught: %s\n", v->to_string().c_str());
  EXPECT_NE(v->to_string().find("invariant 4"), std::string::npos);
  ex.alloc().free(leak);
  EXPECT_FALSE(ex.finish());
}
}  // namespace
}  // namespace hakmem_ops
