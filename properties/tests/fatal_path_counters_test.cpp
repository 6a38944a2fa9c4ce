// The counters whose site is the line before a fatal error: each bad free that reaches one is
// provoked in a death test, and a fatal hook prints the allocator's nonzero counters just
// before the abort, so the test sees the counter at exactly 1 (no exactness workload can reach
// these: the process dies there).
#include <gtest/gtest.h>

#include <cstdio>

#include "hakmem/core/allocator.h"
#include "hakmem/core/fatal.h"
#include "hakmem/core/stats.h"
#include "hakmem/core/superslab.h"

namespace {

using AllFlags = hakmem::Allocator<hakmem::Config<hakmem::kAllFlagsMask>>;
AllFlags* g_alloc = nullptr;

void print_pool_counters(const char*) noexcept {
  hakmem::StatsReader::visit(g_alloc->telemetry(), [](const char* family, const char* name, int, std::uint64_t v) {
    if (v && std::string_view(family) == "POOL_HOTBOX_V2_STATS") std::fprintf(stderr, "%s=%llu\n", name, (unsigned long long)v);
  });
}

// A pool block of `size` in an allocator whose fatal errors print its pool counters first.
char* pool_block(AllFlags& a, std::size_t size) {
  g_alloc = &a;
  hakmem::set_fatal_hook(&print_pool_counters);
  return static_cast<char*>(a.malloc(size));
}

hakmem::Options small() {
  hakmem::Options o;
  o.arena_bytes = std::size_t{64} << 20;
  return o;
}

TEST(FatalPathCountersDeathTest, InteriorPointerCountsPageOfFailUnaligned) {
  EXPECT_DEATH(
      {
        AllFlags a(small());
        a.free(pool_block(a, 4096) + 16);
      },
      "page_of_fail_unaligned=1\n(.|\n)*interior pointer");
}

TEST(FatalPathCountersDeathTest, HeaderPointerCountsPageOfFailNotPool) {
  EXPECT_DEATH(
      {
        AllFlags a(small());
        char* p = pool_block(a, 4096);
        a.free(reinterpret_cast<char*>(hakmem::superslab_of(p)) + 256);
      },
      "page_of_fail_not_pool=1\n(.|\n)*superslab header");
}

TEST(FatalPathCountersDeathTest, NeverCarvedBlockCountsPageOfFailForeign) {
  EXPECT_DEATH(
      {
        AllFlags a(small());
        char* p = pool_block(a, 32768);
        hakmem::SuperslabHeader* ss = hakmem::superslab_of(p);
        const std::size_t last = (hakmem::kSuperslabSize - hakmem::kHeaderBytes) / ss->pool_block_size - 1;
        a.free(reinterpret_cast<char*>(ss) + hakmem::kHeaderBytes + last * ss->pool_block_size);
      },
      "page_of_fail_foreign=1\n(.|\n)*never handed out");
}

TEST(FatalPathCountersDeathTest, CorruptPoolClassCountsPageOfFailClass) {
  EXPECT_DEATH(
      {
        AllFlags a(small());
        char* p = pool_block(a, 4096);
        // A corrupted header: the broken input. A valid free reads only the slab record, so the
        // records say no block was carved yet (as one read before the carving reached it), and
        // free re-validates from the header.
        hakmem::SuperslabHeader* ss = hakmem::superslab_of(p);
        ss->pool_class = 200;
        for (hakmem::Slab& s : ss->slabs()) s.set_carved(0);
        a.free(p);
      },
      "page_of_fail_class=1\n(.|\n)*bad pool class");
}

}  // namespace
