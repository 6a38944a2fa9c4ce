// After real traffic through the shim (threads, remote frees, thread exits, every tier), the
// preloaded library's own walk must find its heap consistent, and a steady workload must not
// keep growing the mapped footprint. Uses hakmem's C API through dlsym; glibc has none.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "active_allocator.h"
#include "hakmem/hakmem.h"

namespace {

struct HakApi {
  decltype(&hak_quiesce) quiesce = nullptr;
  decltype(&hak_heap_check) heap_check = nullptr;
};

HakApi hak_api() {
  return {reinterpret_cast<decltype(&hak_quiesce)>(dlsym(RTLD_DEFAULT, "hak_quiesce")),
          reinterpret_cast<decltype(&hak_heap_check)>(dlsym(RTLD_DEFAULT, "hak_heap_check"))};
}

// Replace-a-slot churn over all tiers, like the random-mixed benchmark.
void churn(unsigned seed, size_t ops, size_t max_size) {
  std::vector<void*> slots(512, nullptr);
  unsigned x = seed;
  for (size_t i = 0; i < ops; ++i) {
    x = x * 1103515245u + 12345u;
    size_t idx = (x >> 8) % slots.size();
    std::free(slots[idx]);
    size_t n = 1 + (x >> 4) % max_size;
    slots[idx] = std::malloc(n);
    static_cast<char*>(slots[idx])[n - 1] = 1;
  }
  for (void* p : slots) std::free(p);
}

TEST(HeapCheck, ConsistentAfterThreadsRemoteFreesAndExits) {
  if (!preload::kExpectHakmem) GTEST_SKIP() << "hakmem's own heap walk; glibc has none";
  HakApi api = hak_api();
  ASSERT_TRUE(api.quiesce && api.heap_check);

  std::vector<void*> handed;  // allocated by exiting threads, freed here (remote frees)
  for (int round = 0; round < 4; ++round) {
    std::vector<std::thread> ts;
    std::vector<std::vector<void*>> per(3);
    for (unsigned t = 0; t < 3; ++t)
      ts.emplace_back([&, t] {
        churn(t + 10 * round, 20000, t == 2 ? 70000 : 1024);
        for (int i = 0; i < 500; ++i) per[t].push_back(std::malloc(16 + (i * 37) % 5000));
      });
    for (auto& t : ts) t.join();
    for (auto& v : per) handed.insert(handed.end(), v.begin(), v.end());
  }
  for (void* p : handed) std::free(p);

  api.quiesce();
  hak_heap_report r{};
  EXPECT_EQ(api.heap_check(&r), 0) << r.first_error;
  EXPECT_EQ(r.errors, 0u) << r.first_error;
  RecordProperty("orphaned_heaps", std::to_string(r.orphaned_heaps));
}

TEST(HeapCheck, SteadyWorkloadKeepsTheFootprintBounded) {
  if (!preload::kExpectHakmem) GTEST_SKIP() << "reads hakmem's mapped_bytes";
  HakApi api = hak_api();
  ASSERT_TRUE(api.quiesce && api.heap_check);
  auto mapped_after_round = [&](unsigned seed) {
    std::thread t([seed] { churn(seed, 60000, 40000); });  // a new thread every round
    t.join();
    api.quiesce();
    hak_heap_report r{};
    EXPECT_EQ(api.heap_check(&r), 0) << r.first_error;
    return r.mapped_bytes;
  };
  mapped_after_round(1);  // warm-up: the footprint the workload needs
  const uint64_t first = mapped_after_round(2);
  uint64_t last = first;
  for (unsigned round = 3; round < 10; ++round) last = mapped_after_round(round);
  std::printf("mapped bytes after round 2: %llu, after round 9: %llu\n",
              static_cast<unsigned long long>(first), static_cast<unsigned long long>(last));
  // Same workload, new threads each time: orphaned heaps must be reused or released.
  EXPECT_LE(last, first + first / 4 + (4u << 20)) << "first " << first << " last " << last;
}

}  // namespace
