// Tiny slow paths: refill, overflow with spill-queue flow control, slabs.
#pragma once

namespace hakmem {

template <class Cfg>
void* Allocator<Cfg>::fail(int err) noexcept {
  errno = err;
  if constexpr (TraceT::kOn) trace_.record({Ev::kFailure, Path::kNone, 0, 0, 0, std::uint64_t(err), 0, 0});
  return nullptr;
}

template <class Cfg>
void Allocator<Cfg>::trace_block(Ev ev, Path path, const void* p, std::uint64_t a, std::uint64_t b) noexcept {
  const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(p) - reinterpret_cast<std::uintptr_t>(base_);
  std::uint32_t region;
  std::uint64_t offset;
  if (off < top_.load(std::memory_order_relaxed)) {
    region = static_cast<std::uint32_t>(off >> kSuperslabShift);
    offset = off & (kSuperslabSize - 1);
  } else {  // large: named by its sequence number
    region = kLargeRegion | static_cast<std::uint32_t>(
        reinterpret_cast<const LargeHeader*>(static_cast<const char*>(p) - sizeof(LargeHeader))->sequence);
    offset = 0;
  }
  trace_.record({ev, path, 0, region, offset, a, b, 0});
}

// Flow control: room for up to `want` blocks below the spill target, reserved in the spill
// stack's own length (a correctness atomic), so overflows on several threads at once never push
// past the target together. *len: the length the decision saw.
template <class Cfg>
std::uint32_t Allocator<Cfg>::reserve_spill(unsigned cls, std::uint32_t want, std::uint32_t* len) noexcept {
  const std::uint32_t target = opt_.spill_target;
  if constexpr (Cfg::Quirks::kFlowLengthIsTelemetry) {
    // Deliberately wrong (test-only): the length behaves like telemetry of this flag, so with the
    // flag compiled out flow control sees zero and pushes without limit.
    if constexpr ((kMask & flag_bit(Cfg::Quirks::kFlowLengthFlag)) == 0) {
      std::uint32_t ignored;
      *len = 0;
      return spill_[cls].stack.reserve(~std::uint32_t{0}, target < want ? target : want, &ignored);
    }
  }
  if constexpr (Cfg::Quirks::kFlowReadThenPush) {  // deliberately racy (test-only)
    std::uint32_t ignored;
    *len = spill_[cls].stack.length();
    const std::uint32_t room = *len < target ? target - *len : 0;
    return spill_[cls].stack.reserve(~std::uint32_t{0}, room < want ? room : want, &ignored);
  }
  return spill_[cls].stack.reserve(target, want, len);
}

template <class Cfg>
void* Allocator<Cfg>::tiny_alloc_slow(unsigned cls) noexcept {
  HeapT* h = heap_or_attach();
  if (!h) return fail(ENOMEM);
  tel_.tiny_class.alloc_miss[cls].inc();
  tel_.unified_cache.misses.inc();
  tel_.unified_cache.class_misses[cls].inc();
  tel_.unified_cache.refill_cycles.inc();

  auto& f = h->front[cls];
  void** slots = f.slots;
  h->refilled[cls] = true;
  flush_batch(h);  // a refill is rare enough to bound how long gathered frees wait
  const std::uint32_t from_remote = drain_remote_to_caches(h);
  const std::uint32_t want = kFrontCapacity[cls] / opt_.front_capacity_divisor / 2;
  // The thread's own free blocks first: they are in cache and cost no atomic. Then the shared
  // spill queue (one CAS per block, and blocks of other heaps), then new blocks from slabs.
  // The drain may have filled the cache past `want` already.
  std::uint32_t from_slabs = f.count < want ? take_slab_free(h, cls, want - f.count, &slots[f.count]) : 0;
  f.count += from_slabs;
  std::uint32_t from_spill = 0;
  if (f.count < want && spill_[cls].stack.length() != 0) {
    while (f.count < want) {
      void* p = spill_[cls].stack.pop();
      if (!p) break;
      slots[f.count++] = p;
      ++from_spill;
    }
  }
  const std::uint32_t carved = f.count < want ? refill_from_slabs(h, cls, want - f.count, &slots[f.count]) : 0;
  f.count += carved;
  from_slabs += carved;
  tel_.unified_cache.refill_blocks.inc(from_spill + from_slabs);
  if constexpr (TraceT::kOn)
    trace_.record({Ev::kRefill, Path::kRefill, std::uint8_t(cls), 0, 0, from_remote, from_spill, from_slabs});
  if (f.count == 0) return fail(ENOMEM);
  void* p = slots[--f.count];
  mark_live(p);
  return p;
}

// The front cache of the class of `freed` (and of its slab s) is full: its older half leaves,
// then `freed` goes in. Flow control: push to the spill queue while its length is below the
// target; the rest goes back to slabs (or owners). If the class was refilled since its last
// overflow, the cache doubles (up to kFrontCapacityMax, within the heap's growth budget). Out of line, so the free fast path
// stays small.
template <class Cfg>
void Allocator<Cfg>::front_overflow(HeapT* h, const Slab* s, void* freed) noexcept {
  const unsigned cls = s->cls;
  auto& f = h->front[cls];
  void** slots = f.slots;
  const std::uint32_t half = f.capacity / 2;
  const std::uint32_t target = opt_.spill_target;
  std::uint32_t len;
  const std::uint32_t to_spill = reserve_spill(cls, half, &len);
  if constexpr (!Cfg::Quirks::kSkipFreeOverflowCount) tel_.tiny_class.free_overflow[cls].inc();
  if (to_spill) {
    using Link = typename SpillStack<A>::Link;
    for (std::uint32_t i = 0; i + 1 < to_spill; ++i)
      cell_at<Link>(slots[i]).store(reinterpret_cast<std::uintptr_t>(slots[i + 1]), std::memory_order_relaxed);
    spill_[cls].stack.publish_chain(slots[0], slots[to_spill - 1]);
    tel_.tiny_class.spill_pushed[cls].inc(to_spill);
  }
  return_blocks(h, &slots[to_spill], half - to_spill);
  std::memmove(&slots[0], &slots[half], (f.count - half) * sizeof(void*));
  f.count -= half;
  if constexpr (TraceT::kOn) {
    trace_.record({Ev::kFlowControl, Path::kSpill, std::uint8_t(cls), 0, 0, len, target, to_spill});
    trace_.record({Ev::kSlabReturn, Path::kSlab, std::uint8_t(cls), 0, 0, half - to_spill, 0, 0});
  }
  if (to_spill && len + to_spill >= target / 2) wake_drainer();
  if (h->refilled[cls] && f.capacity < kFrontCapacityMax[cls] / opt_.front_capacity_divisor) {
    // Double, as far as the heap's growth budget pays for the added blocks.
    const std::size_t more = std::min<std::size_t>(f.capacity, h->front_growth_left / kTinySizes[cls]);
    f.capacity += more;
    h->front_growth_left -= more * kTinySizes[cls];
  }
  h->refilled[cls] = false;
  slots[f.count++] = freed;
  tel_.tiny_class.free_hit[cls].inc();
}

// A free block leaves a cache or queue: to its slab if `h` owns it, else to its owner.
template <class Cfg>
void Allocator<Cfg>::return_block(HeapT* h, void* p) noexcept {
  SuperslabHeader* ss = superslab_of(p);
  auto* owner = static_cast<HeapT*>(ss->owner);
  if (owner == h) {
    slab_free(h, slab_of(ss, p), p);
  } else {
    if constexpr (TraceT::kOn) trace_block(Ev::kRemotePush, Path::kRemote, p, 1, 0);
    owner->remote.push(p);
  }
}

// Gives blocks[0..n) back as return_block would, one after the other. A run of neighbours in one
// slab of this heap (the usual case: a cache empties in the order it filled) goes onto the slab's
// free list in one splice, so each block costs a link store instead of a chain of loads and
// stores through the slab record (measured: 62% of front_overflow on glibc_simple's big batches).
template <class Cfg>
void Allocator<Cfg>::return_blocks(HeapT* h, void* const* blocks, std::uint32_t n) noexcept {
  for (std::uint32_t i = 0; i < n;) {
    void* tail = blocks[i];
    SuperslabHeader* ss = superslab_of(tail);
    if (ss->owner != h) {
      return_block(h, tail);
      ++i;
      continue;
    }
    Slab* s = slab_of(ss, tail);
    // The list's order is the one single frees give: the later block in front of the earlier.
    void* head = tail;
    std::uint32_t run = 1;
    for (; i + run < n && superslab_of(blocks[i + run]) == ss && slab_of(ss, blocks[i + run]) == s; ++run) {
      *static_cast<void**>(blocks[i + run]) = head;
      head = blocks[i + run];
    }
    slab_free_run(h, s, head, tail, run);
    i += run;
  }
}

// Puts the chain head..tail (n blocks, linked head to tail) in front of slab s's free list.
template <class Cfg>
void Allocator<Cfg>::slab_free_run(HeapT* h, Slab* s, void* head, void* tail, std::uint32_t n) noexcept {
  tel_.tiny_free.slab_free_enter.inc(n);
  *static_cast<void**>(tail) = s->free_list;
  s->free_list = head;
  s->free_count += n;
  auto& cs = h->slabs[s->cls];
  if (!s->listed && !Cfg::Quirks::kFreeLeavesFullSlabUnlisted) {  // it was full: it has a free block again
    s->prev = nullptr;
    s->next = cs.partial;
    if (cs.partial) cs.partial->prev = s;
    cs.partial = s;
    s->listed = true;
  }
  if (s->free_count == s->carved.load(std::memory_order_relaxed) && s != cs.current)
    release_slab(h, s);
}

// Moves blocks from slab s's free list to out[n..want); returns the new n.
template <class Cfg>
std::uint32_t Allocator<Cfg>::pop_free_list(Slab* s, std::uint32_t want, void** out, std::uint32_t n) noexcept {
  while (n < want && s->free_list) {
    void* p = s->free_list;
    s->free_list = *static_cast<void**>(p);
    --s->free_count;
    out[n++] = p;
  }
  return n;
}

// Free blocks already on h's slabs of `cls`: the current slab's free list and partial slabs'
// (which are fully carved, so a partial slab whose list runs dry leaves the list until a block
// comes back, as refill_from_slabs does with an exhausted slab), until `want` or none is left.
// Never carves.
// A list freed long ago is cold: each block costs a cache miss, and one list's misses come one
// after another, since each link lies in the block before. So a round walks up to kWalkWays
// lists side by side and their misses overlap (python: 63% less time in refills, 1.27x faster).
// Each slab gives an even share (less if its list is shorter; the others make up the rest), in
// its list's order, its blocks together in `out`.
template <class Cfg>
std::uint32_t Allocator<Cfg>::take_slab_free(HeapT* h, unsigned cls, std::uint32_t want, void** out) noexcept {
  std::uint32_t n = 0;
  while (n < want) {  // a round that falls short has drained its slabs' lists: the next takes others
    const std::uint32_t got = take_slab_free_round(h, cls, want - n, out + n);
    if (got == 0) break;
    n += got;
  }
  return n;
}

template <class Cfg>
std::uint32_t Allocator<Cfg>::take_slab_free_round(HeapT* h, unsigned cls, std::uint32_t want, void** out) noexcept {
  auto& cs = h->slabs[cls];
  Slab* way[kWalkWays];
  unsigned ways = 0;
  if (cs.current && cs.current->free_list) way[ways++] = cs.current;
  for (Slab* s = cs.partial; s && ways < kWalkWays; s = s->next) way[ways++] = s;
  if (ways == 0) return 0;

  const std::uint32_t share = (want + ways - 1) / ways;
  std::uint32_t take[kWalkWays], n = 0;
  for (unsigned i = 0; i < ways; ++i) {
    take[i] = std::min({way[i]->free_count, share, want - n});
    n += take[i];
  }
  for (unsigned i = 0; i < ways && n < want; ++i) {  // the shorter lists' shortfall
    const std::uint32_t more = std::min(way[i]->free_count - take[i], want - n);
    take[i] += more;
    n += more;
  }

  void* head[kWalkWays];
  std::uint32_t at[kWalkWays], longest = 0;
  for (unsigned i = 0, next = 0; i < ways; ++i) {
    head[i] = way[i]->free_list;
    at[i] = next;
    next += take[i];
    longest = std::max(longest, take[i]);
  }
  for (std::uint32_t j = 0; j < longest; ++j)
    for (unsigned i = 0; i < ways; ++i)
      if (j < take[i]) {
        void* p = head[i];
        out[at[i] + j] = p;
        head[i] = *static_cast<void**>(p);
      }

  for (unsigned i = 0; i < ways; ++i) {
    Slab* s = way[i];
    s->free_list = head[i];
    s->free_count -= take[i];
    if (!s->free_list && s != cs.current) cs.unlink_partial(s);  // dry
  }
  return n;
}

template <class Cfg>
std::uint32_t Allocator<Cfg>::refill_from_slabs(HeapT* h, unsigned cls, std::uint32_t want,
                                                void** out) noexcept {
  auto& cs = h->slabs[cls];
  std::uint32_t n = 0;
  while (n < want) {
    Slab* s = cs.current;
    if (!s) {
      if ((s = cs.partial) != nullptr) {
        cs.partial = s->next;
        if (cs.partial) cs.partial->prev = nullptr;
      } else if ((s = acquire_slab(h, cls)) == nullptr) {
        break;
      }
      s->listed = true;
      cs.current = s;
    }
    n = pop_free_list(s, want, out, n);
    std::uint32_t carved = s->carved.load(std::memory_order_relaxed);
    while (n < want && carved < s->capacity) {
      void* p = reinterpret_cast<void*>(s->data_start + std::uintptr_t{carved} * s->block_size);
      mark_free(p);  // cached blocks are free blocks
      out[n++] = p;
      ++carved;
    }
    s->set_carved(carved);
    if (n < want) {  // exhausted: it leaves the lists until a block comes back
      s->listed = false;
      cs.current = nullptr;
    }
  }
  return n;
}

template <class Cfg>
Slab* Allocator<Cfg>::acquire_slab(HeapT* h, unsigned cls) noexcept {
  SuperslabHeader* ss = h->superslabs;
  while (ss && ss->slabs_used == kSlabsPerSuperslab) ss = ss->next;
  if (!ss) {
    ss = acquire_superslab(SsKind::kTiny);
    if (!ss) return nullptr;
    ss->owner = h;
    ss->prev = nullptr;
    ss->next = h->superslabs;
    if (h->superslabs) h->superslabs->prev = ss;
    h->superslabs = ss;
  }
  unsigned i = 0;
  while (ss->slabs()[i].cls != kNoClass) ++i;
  Slab* s = &ss->slabs()[i];
  const std::uintptr_t start = reinterpret_cast<std::uintptr_t>(ss) + i * kSlabSize;
  s->index = static_cast<std::uint8_t>(i);
  s->block_size = kTinySizes[cls];
  s->reciprocal = reciprocal_of(s->block_size);
  auto& cs = h->slabs[cls];
  const std::uint32_t colour = Cfg::Quirks::kNoSlabColour ? 0 : cs.next_colour;
  cs.next_colour = colour + 1 == tiny_slab_colours(s->block_size) ? 0 : colour + 1;
  s->data_start = (i == 0 ? start + kHeaderBytes : start) + colour * kColourStep;
  s->capacity = static_cast<std::uint16_t>((start + kSlabSize - s->data_start) / s->block_size);
  s->set_carved(0);
  s->free_count = 0;
  s->free_list = nullptr;
  s->prev = s->next = nullptr;
  s->listed = false;
  s->cls = static_cast<std::uint8_t>(cls);
  s->front_offset.store(front_offset_of(cls), std::memory_order_relaxed);
  ++ss->slabs_used;
  if constexpr (TraceT::kOn)
    trace_.record({Ev::kSlabAcquire, Path::kSlab, std::uint8_t(cls), ss->region, i * kSlabSize, 0, 0, 0});
  return s;
}

template <class Cfg>
void Allocator<Cfg>::release_slab(HeapT* h, Slab* s) noexcept {
  auto& cs = h->slabs[s->cls];
  if (s->listed) cs.unlink_partial(s);  // never the current slab: slab_free keeps that one
  SuperslabHeader* ss = superslab_of(s);
  if constexpr (TraceT::kOn)
    trace_.record({Ev::kSlabRelease, Path::kSlab, s->cls, ss->region, s->index * kSlabSize, 0, 0, 0});
  s->cls = kNoClass;
  s->data_start = Slab::kNoData;
  s->set_carved(0);
  s->free_count = 0;
  s->free_list = nullptr;
  s->prev = s->next = nullptr;
  s->listed = false;
  if (--ss->slabs_used == 0) {
    if (ss->prev) ss->prev->next = ss->next; else h->superslabs = ss->next;
    if (ss->next) ss->next->prev = ss->prev;
    release_superslab(ss);
  }
}

// Every cached block of `h` back to slabs (tiny) or pool v1's class lists (mid-size), then its
// remote list.
template <class Cfg>
void Allocator<Cfg>::flush_heap(HeapT* h) noexcept {
  for (unsigned c = 0; c < kTinyClassCount; ++c) {
    auto& f = h->front[c];
    for (std::uint32_t i = 0; i < f.count; ++i) return_block(h, f.slots[i]);
    if constexpr (TraceT::kOn)
      if (f.count) trace_.record({Ev::kSlabReturn, Path::kSlab, std::uint8_t(c), 0, 0, f.count, 1, 0});
    f.count = 0;
  }
  for (unsigned c = 0; c < kPoolClassCount; ++c) {
    auto& hb = h->hot[c];
    if (hb.count) pool_v1_free(c, hb.slots, hb.count);
    hb.count = 0;
    auto& pcache = h->pool_cache[c];
    if (pcache.count) pool_v1_free(c, pcache.slots, pcache.count);
    pcache.count = 0;
    pcache.refilled = false;  // the next holder's trading starts afresh
  }
  flush_batch(h);
  drain_remote(h);
}

template <class Cfg>
void Allocator<Cfg>::wake_drainer() noexcept {
  if (!drainer_running_.load(std::memory_order_relaxed)) {
    if (opt_.bg_spill) start_drainer();  // e.g. in a forked child, which has no drainer thread
    return;
  }
  drainer_wake_.fetch_add(1, std::memory_order_release);
  A::notify_all(drainer_wake_);
}

template <class Cfg>
std::size_t Allocator<Cfg>::drain_spill() noexcept {
  HeapT* h = heap();
  std::size_t total = 0;
  for (unsigned c = 0; c < kTinyClassCount; ++c) {
    std::uint64_t n = 0;
    while (void* p = spill_[c].stack.pop()) {
      return_block(h, p);
      ++n;
    }
    if constexpr (TraceT::kOn)
      if (n) trace_.record({Ev::kSpillDrain, Path::kSpill, std::uint8_t(c), 0, 0, n, 0, 0});
    total += n;
  }
  return total;
}

}  // namespace hakmem
