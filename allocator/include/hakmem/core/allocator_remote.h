// The remote-free path inside the allocator: a freeing heap gathers blocks of another heap in its
// batch and pushes the batch into that heap's inbox (remote_inbox.h); the owner drains its inbox,
// into its front caches at a refill, to its slabs when it flushes.
#pragma once
#include <algorithm>
#include <functional>

namespace hakmem {

// A remote free of p from a thread without a heap: the thread gets one (its remote frees are then
// batched like every other thread's), unless it has exited: a heap attached in its exit could
// never be orphaned. A thread that only frees (a consumer) pushed every block alone: one CAS per
// block, and the blocks spread over the inbox's ways by address, so the owner drained them in no
// order at all (bench_prodcons with batches of 10,000: 52 MiB peak against 7 MiB).
template <class Cfg>
typename Allocator<Cfg>::HeapT* Allocator<Cfg>::heap_for_remote_free() noexcept {
  const ThreadSlot& s = Ctx::template slot<Allocator>();
  if (Cfg::Quirks::kFreeOnlyThreadsPushEach || (s.exited && s.instance == this)) return nullptr;
  return attach_heap();
}

// Gathers a remote free in h's batch; a batch for another heap, or a full one, is pushed first.
// The blocks are dealt to the batch's lanes in turn.
template <class Cfg>
void Allocator<Cfg>::batch_remote(HeapT* h, HeapT* dest, void* p) noexcept {
  auto& b = h->batch;
  if (b.dest != dest) {
    flush_batch(h);
    b.dest = dest;
  }
  const std::uint32_t lane = b.count++ % kRemoteLanes;
  if (!b.first[lane]) b.last[lane] = p;
  RemoteList<A>::link_of(p).set(reinterpret_cast<std::uintptr_t>(b.first[lane]));
  b.first[lane] = p;
  if (b.count == kRemoteBatch) flush_batch(h);
}

// Each lane's chain onto the next way of the owner's inbox (one release CAS each).
template <class Cfg>
void Allocator<Cfg>::flush_batch(HeapT* h) noexcept {
  auto& b = h->batch;
  HeapT* to = Cfg::Quirks::kBatchToWrongOwner ? h : b.dest;  // deliberately wrong (test-only)
  const std::uint32_t lanes = Cfg::Quirks::kFlushPushesOneLane ? 1 : kRemoteLanes;  // likewise
  for (std::uint32_t i = 0; i < lanes; ++i)
    if (b.first[i]) to->remote.push_chain(b.first[i], b.last[i], h->batch_way++);
  b = {};
}

// Takes h's whole inbox and hands it to sink(blocks, n) a window at a time: up to kDrainDepth
// blocks of each way, gathered walking the ways' chains side by side so that their cache misses
// overlap (see remote_inbox.h). Every link of a window is read before the sink sees it, so the
// sink may overwrite them; it returns how many blocks it put into front caches. Returns the
// number of blocks.
template <class Cfg>
template <class Sink>
std::uint32_t Allocator<Cfg>::drain_inbox(HeapT* h, Sink&& sink) noexcept {
  constexpr unsigned kWays = decltype(h->remote)::kWays;
  void* cur[kWays];
  if (!h->remote.take_all(cur)) return 0;
  if constexpr (Cfg::Quirks::kDrainSkipsLastWay) cur[kWays - 1] = nullptr;  // deliberately wrong (test-only)
  std::uint32_t n = 0, cached = 0;
  for (bool more = true; more;) {
    void* window[kWays * kDrainDepth];
    std::uint32_t m = 0;
    for (std::uint32_t step = 0; step < kDrainDepth; ++step)
      for (unsigned i = 0; i < kWays; ++i)
        if (void* p = cur[i]) {
          window[m++] = p;
          cur[i] = RemoteList<A>::next(p);
        }
    more = std::any_of(cur, cur + kWays, [](void* p) { return p != nullptr; });
    cached += sink(window, m);
    n += m;
  }
  if constexpr (TraceT::kOn)
    if (n) trace_.record({Ev::kRemoteDrain, Path::kRemote, 0, 0, 0, n, cached, 0});
  return n;
}

// Every block of h's inbox back to its slab (flushes, adoption, quiesce).
template <class Cfg>
std::uint32_t Allocator<Cfg>::drain_remote(HeapT* h) noexcept {
  return drain_inbox(h, [&](void* const* blocks, std::uint32_t n) {
    for (std::uint32_t i = 0; i < n; ++i) slab_free(h, slab_of(superslab_of(blocks[i]), blocks[i]), blocks[i]);
    return 0u;
  });
}

// A refill's drain: each block goes into its class's front cache while the cache has room (the
// rest to their slabs), a class's blocks highest address first, so that the cache hands them out
// lowest first. Why both: returning drained blocks to their slabs and taking them out again wrote
// and read each one twice, and the blocks came back in the order the inbox held them, scattered
// over the class's slabs; the next thread to read them (a consumer of the producer's batches)
// paid a miss for nearly every one. Ordered, one block in two is the neighbour of the one before
// (as with mimalloc's pages); in no order, one in thirty (bench_prodcons, 16..512 B).
template <class Cfg>
std::uint32_t Allocator<Cfg>::drain_remote_to_caches(HeapT* h) noexcept {
  return drain_inbox(h, [&](void* const* blocks, std::uint32_t n) {
    // Counting sort by class, then each class by address.
    constexpr std::uint32_t kWindow = decltype(h->remote)::kWays * kDrainDepth;
    std::uint8_t cls[kWindow];
    std::uint32_t start[kTinyClassCount + 1] = {};
    for (std::uint32_t i = 0; i < n; ++i) {
      cls[i] = Cfg::Quirks::kDrainIntoFirstCache ? 0 : slab_of(superslab_of(blocks[i]), blocks[i])->cls;
      ++start[cls[i] + 1];
    }
    for (unsigned c = 0; c < kTinyClassCount; ++c) start[c + 1] += start[c];
    std::uint32_t at[kTinyClassCount];
    std::copy(start, start + kTinyClassCount, at);
    void* by_class[kWindow];
    for (std::uint32_t i = 0; i < n; ++i) by_class[at[cls[i]]++] = blocks[i];
    std::uint32_t cached = 0;
    for (unsigned c = 0; c < kTinyClassCount; ++c) {
      void** p = by_class + start[c];
      void** const last = by_class + start[c + 1];
      if (!Cfg::Quirks::kDrainKeepsInboxOrder) std::sort(p, last, std::greater<void*>());
      auto& f = h->front[c];
      const std::size_t room = f.capacity - f.count;
      for (; last - p > static_cast<std::ptrdiff_t>(room); ++p)  // the highest go back to their slabs
        slab_free(h, slab_of(superslab_of(*p), *p), *p);
      cached += static_cast<std::uint32_t>(last - p);
      for (; p != last; ++p) f.slots[f.count++] = *p;
    }
    return cached;
  });
}

}  // namespace hakmem
