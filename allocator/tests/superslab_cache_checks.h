// Checks of the arena's warm superslabs (free, data still committed) under an injected clock,
// shared by the unit tests and the decoy that must fail them.
#pragma once
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "test_config.h"

namespace hakmem::test {

inline std::atomic<std::uint64_t> g_fake_ms{1000};
inline std::uint64_t fake_clock_ms() noexcept { return g_fake_ms.load(std::memory_order_relaxed); }

inline Options warm_options(std::uint32_t delay_ms) {
  Options o = small_options();
  o.superslab_cache = 8;
  o.clock_ms = fake_clock_ms;
  o.purge_delay_ms = delay_ms;
  return o;
}

template <class Alloc>
std::uint64_t mapped_of(Alloc& a) {
  hak_heap_report r;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  return r.mapped_bytes;
}

// Fills `n` superslabs with 64-byte blocks and frees them all: they go back to the arena warm.
template <class Alloc>
void fill_and_free_superslabs(Alloc& a, unsigned n) {
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < n * (kSuperslabSize / 64); ++i) blocks.push_back(a.malloc(64));
  for (void* p : blocks) a.free(p);
  a.thread_flush();
}

// The same operations on three instances: `clocked` keeps superslabs warm for purge_delay_ms on
// the fake clock, `timeless` keeps them warm with no clock, `cold` keeps none. What each has
// mapped tells whether a warm superslab was kept, reused or decommitted.
template <class Alloc>
struct Trio {
  Alloc clocked;
  Alloc timeless, cold;  // one type: instances of one type share the thread slot alike
  explicit Trio(std::uint32_t delay_ms)
      : clocked(warm_options(delay_ms)), timeless(timeless_options()), cold(cold_options()) {}
  static Options timeless_options() {
    Options o = warm_options(0);
    o.clock_ms = nullptr;
    return o;
  }
  static Options cold_options() {
    Options o = small_options();
    o.superslab_cache = 0;
    return o;
  }
  template <class F>
  void each(F&& f) {
    f(clocked);
    f(timeless);
    f(cold);
  }
};

// Superslabs freed stay committed for reuse until purge_delay_ms has passed on the clock; the
// arena's next acquire or release after that decommits them.
template <class Alloc>
void warm_superslabs_are_purged_after_the_delay() {
  Trio<Alloc> t(100);
  std::vector<void*> keep;
  t.each([&](auto& a) { keep.push_back(a.malloc(16)); fill_and_free_superslabs(a, 4); });
  ASSERT_GE(mapped_of(t.clocked), mapped_of(t.cold) + 2 * kSuperslabSize) << "freed superslabs were decommitted at once";
  g_fake_ms += 99;
  t.each([&](auto& a) { keep.push_back(a.malloc(2048)); });  // a pool class: acquires a superslab
  EXPECT_EQ(mapped_of(t.clocked), mapped_of(t.timeless)) << "a warm superslab reused within the delay needs no commit";
  g_fake_ms += 100;
  t.each([&](auto& a) { keep.push_back(a.malloc(8192)); });  // another class: the next acquire
  EXPECT_EQ(mapped_of(t.clocked), mapped_of(t.cold)) << "warm superslabs outlived purge_delay_ms";
  std::size_t i = 0;
  t.each([&](auto& a) {
    for (std::size_t k = i; k < keep.size(); k += 3) a.free(keep[k]);
    ++i;
  });
}

// A program that goes quiet gives its warm superslabs back at quiesce(), whatever the clock says.
template <class Alloc>
void quiesce_gives_back_warm_superslabs() {
  Trio<Alloc> t(1000000);
  std::vector<void*> keep;
  t.each([&](auto& a) { keep.push_back(a.malloc(16)); fill_and_free_superslabs(a, 4); });
  ASSERT_GE(mapped_of(t.clocked), mapped_of(t.cold) + 2 * kSuperslabSize);
  t.each([&](auto& a) { a.quiesce(); });
  EXPECT_EQ(mapped_of(t.clocked), mapped_of(t.cold)) << "an idle program kept its warm superslabs committed";
  EXPECT_EQ(mapped_of(t.timeless), mapped_of(t.cold)) << "quiesce() without a clock kept warm superslabs";
  t.clocked.free(keep[0]);
  t.timeless.free(keep[1]);
  t.cold.free(keep[2]);
}

}  // namespace hakmem::test
