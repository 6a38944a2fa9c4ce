#include "live_ranges.h"

#include <algorithm>

#include "rng.h"
#include "tool_memory.h"

namespace stress {

LiveRanges::Shard::Shard() : pool(tool_resource()), map(&pool) {}

LiveRanges::LiveRanges() {
  shards_ = static_cast<Shard*>(tool_map(sizeof(Shard) * kShards));
  for (unsigned i = 0; i < kShards; ++i) new (&shards_[i]) Shard();
}

LiveRanges::~LiveRanges() {
  for (unsigned i = 0; i < kShards; ++i) shards_[i].~Shard();
  tool_unmap(shards_, sizeof(Shard) * kShards);
}

LiveRanges::ShardSet LiveRanges::shards_of(uintptr_t start, uintptr_t end) {
  ShardSet s;
  const uintptr_t g0 = start >> kGranuleShift;
  const uintptr_t g1 = (end - 1) >> kGranuleShift;
  if (g1 - g0 >= kShards * 4) {  // huge range: it touches (almost surely) every shard
    std::fill(std::begin(s.bits), std::end(s.bits), ~uint64_t{0});
    return s;
  }
  for (uintptr_t g = g0; g <= g1; ++g) {
    const unsigned k = static_cast<unsigned>(mix64(g) >> (64 - kShardBits));
    s.bits[k / 64] |= uint64_t{1} << (k % 64);
  }
  return s;
}

namespace {
template <class F>
void each_shard(const uint64_t* bits, unsigned n, F&& f) {
  for (unsigned w = 0; w < n / 64; ++w)
    for (uint64_t m = bits[w]; m; m &= m - 1) f(w * 64 + static_cast<unsigned>(__builtin_ctzll(m)));
}
}  // namespace

bool LiveRanges::insert(const Block& b, Clash* clash) {
  const auto start = reinterpret_cast<uintptr_t>(b.p);
  const LiveEntry e{start + std::max<std::size_t>({b.usable, b.size, 1}), start + std::max<std::size_t>(b.size, 1),
                    b.id, b.owner};
  const ShardSet set = shards_of(start, e.end_usable);
  ShardSet done;
  bool ok = true;
  each_shard(set.bits, kShards, [&](unsigned k) {
    if (!ok) return;
    Shard& sh = shards_[k];
    std::lock_guard<std::mutex> lock(sh.mu);
    auto next = sh.map.lower_bound(start);
    const auto hit = [&](std::pmr::map<uintptr_t, LiveEntry>::iterator it) {
      ok = false;
      clash->start = it->first;
      clash->other = it->second;
      clash->requested_overlap = it->first < e.end_size && start < it->second.end_size;
    };
    if (next != sh.map.end() && next->first < e.end_usable) return hit(next);
    if (next != sh.map.begin()) {
      auto prev = std::prev(next);
      if (prev->second.end_usable > start) return hit(prev);
    }
    sh.map.emplace_hint(next, start, e);
    done.bits[k / 64] |= uint64_t{1} << (k % 64);
  });
  if (!ok) {  // roll back the shards already written
    each_shard(done.bits, kShards, [&](unsigned k) {
      std::lock_guard<std::mutex> lock(shards_[k].mu);
      shards_[k].map.erase(start);
    });
  }
  return ok;
}

bool LiveRanges::erase(const Block& b) {
  const auto start = reinterpret_cast<uintptr_t>(b.p);
  const ShardSet set = shards_of(start, start + std::max<std::size_t>({b.usable, b.size, 1}));
  bool ok = true;
  each_shard(set.bits, kShards, [&](unsigned k) {
    std::lock_guard<std::mutex> lock(shards_[k].mu);
    auto it = shards_[k].map.find(start);
    if (it == shards_[k].map.end() || it->second.id != b.id) {
      ok = false;
      return;
    }
    shards_[k].map.erase(it);
  });
  return ok;
}

std::size_t LiveRanges::count() const {
  // A range is recorded once per shard it touches; count it in its first granule's shard.
  std::size_t n = 0;
  for (unsigned k = 0; k < kShards; ++k) {
    std::lock_guard<std::mutex> lock(shards_[k].mu);
    for (const auto& [start, e] : shards_[k].map) {
      const unsigned first = static_cast<unsigned>(mix64(start >> kGranuleShift) >> (64 - kShardBits));
      if (first == k) ++n;
    }
  }
  return n;
}

}  // namespace stress
