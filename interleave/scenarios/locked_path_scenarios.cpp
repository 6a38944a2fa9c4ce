// The allocator's locked paths under the checker, with OS failures as schedule choices (issue
// 10). The spin locks of the arena, the pool, the large registry, the mapping cache and the
// orphan list are built on the atomic policy, so every lock and unlock is a scheduling point;
// the OS layer asks os_fault_oracle whether each commit, map and remap fails, so which call
// fails is part of the replayable schedule. Scenarios:
//   alloc.large_move_vs_malloc.2t  the registry is at its growth threshold; t0 reallocs a large
//                                  block (remap: out of the registry, remap, back in) while t1
//                                  mallocs and frees large blocks (registry insert and growth,
//                                  mapping cache take and give) and frees one of t0's era.
//   alloc.large_arena.2t           the same threads with blocks from the large arena: t0's realloc
//                                  grows its block where it lies (into t1's freed neighbour) or
//                                  copies, t1's mallocs carve runs (commits) and its frees join them.
//   alloc.arena_growth.2t          both threads take fresh superslabs from the arena (commit
//                                  under the arena lock) for tiny and pool classes at once.
//   alloc.pool.2t / .pool_v2.2t    mid-size blocks through pool v1 (thread caches over per-class
//                                  locks) or the v2 hotbox, with frees of blocks from another heap.
//   alloc.pool_purge.2t            frees straight to the class (no caches) purge its oldest block
//                                  outside the lock while the other thread reuses blocks.
//   alloc.pool_cache_purge.2t      the same through caches of two: batches of one and two.
//   alloc.pool_release.2t          t0's frees leave a superslab wholly free: it leaves the class
//                                  (its blocks off the free lists) and goes back to the arena
//                                  (decommitted), while t1 takes a block of the class (perhaps
//                                  one of that superslab, which then stays) and a block of
//                                  another class (perhaps that superslab, committed again).
//   alloc.heap_create.3t           heap creation (a map) fails or not; t0 exits, t2 adopts.
//   alloc.fork_handlers.2t         t0 runs prefork/postfork_parent (every lock, in order) while
//                                  t1 allocates tiny, pool and large blocks: a lock-order
//                                  inversion shows as a livelock of two spinners (its decoy,
//                                  decoy.alloc.prefork_lock_order, is caught that way).
// The fork child (only the forking thread survives) is not modelled: the engine cannot make a
// logical thread vanish mid-operation; tests/threads_fork_test.cpp covers it on real forks.
// Checked in every scenario: malloc and realloc return a usable block or NULL with ENOMEM
// (never an abort: invariant 8), a failed realloc leaves its block intact and live, no call
// returns a block that is live (invariant 1), and at quiescence the heap check is clean and
// exactly the blocks never freed are live (invariants 4 and 5).
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "hakmem/core/allocator.h"
#include "interleave/checked_atomics.h"
#include "interleave/fiber_context.h"
#include "interleave/os_faults.h"
#include "interleave/registry.h"

namespace interleave {
namespace {

template <class Quirks>
using AllocWith = hakmem::Allocator<hakmem::Config<0, CheckedAtomics, FiberContext, hakmem::NoTrace, Quirks>>;

enum class Shape { kLargeMove, kLargeArena, kArenaGrowth, kPool, kPoolV2, kPoolPurge, kPoolCachePurge, kPoolRelease, kHeapCreate, kForkHandlers };

constexpr std::size_t kLarge = 160 << 10;         // one mapping each (beyond the pool)
constexpr std::size_t kBigLarge = 320 << 10;      // realloc of it remaps (copy >= 256 KiB)
constexpr std::size_t kBiggerLarge = 640 << 10;
constexpr std::size_t kRegistrySlots = 8;         // grows when a 5th block is inserted
constexpr std::size_t kPoolBig = 100000;          // the pool's 128 KiB class: it purges
constexpr std::size_t kPoolOther = 16384;         // another pool class
constexpr int kPoolBigPerSuperslab = 7;           // (1 MiB - the header page) / 128 KiB

template <class Quirks>
class LockedPathTest : public Test {
  using Alloc = AllocWith<Quirks>;

 public:
  LockedPathTest(std::string name, Shape shape) : name_(std::move(name)), shape_(shape) {}
  ~LockedPathTest() override { alloc_.reset(); }

  std::string name() const override { return name_; }
  int threads() const override { return shape_ == Shape::kHeapCreate ? 3 : 2; }

  void setup() override {
    alloc_.reset();
    hakmem::Options o;
    o.arena_bytes = std::size_t{64} << 20;  // small reservation: one instance per run
    o.superslab_cache = 0;                  // released superslabs are decommitted
    o.large_registry_slots = kRegistrySlots;
    o.large_arena = shape_ == Shape::kLargeArena;  // elsewhere a mapping each: the remap and cache paths
    o.pool_v2 = shape_ == Shape::kPoolV2;
    if (shape_ == Shape::kPoolPurge || shape_ == Shape::kPoolCachePurge || shape_ == Shape::kPoolRelease)
      o.pool_keep_free_bytes = 1;  // keep what is in use, no more
    // kPoolPurge: every free goes to the class itself. kPoolCachePurge: caches of two blocks,
    // which give blocks back one at a time when full and two at once when their thread exits.
    if (shape_ == Shape::kPoolPurge || shape_ == Shape::kPoolRelease) o.pool_cache_bytes = 0;
    if (shape_ == Shape::kPoolCachePurge) o.pool_cache_bytes = 2 * hakmem::kMaxPool;
    alloc_.emplace(o);
    for (auto& b : blocks_) b = Block{};
    Alloc& a = *alloc_;
    // Blocks of the main heap for the threads to free (remote frees, registry removes).
    if (shape_ == Shape::kLargeMove || shape_ == Shape::kLargeArena) {
      // Four live blocks: the table of 8 is at its threshold, the next insert grows it.
      take(a, 0, a.malloc(kBigLarge), kBigLarge);
      // In the arena slot 1 is slot 0's neighbour: freed, its pages are room enough for t0's
      // realloc to grow in place.
      const std::size_t second = shape_ == Shape::kLargeArena ? kBigLarge : kLarge;
      take(a, 1, a.malloc(second), second);
      for (int i = 2; i < 4; ++i) take(a, i, a.malloc(kLarge), kLarge);
    } else if (shape_ == Shape::kPool || shape_ == Shape::kPoolV2) {
      take(a, 0, a.malloc(4096), 4096);
      take(a, 1, a.malloc(8192), 8192);
    } else if (shape_ == Shape::kPoolPurge || shape_ == Shape::kPoolCachePurge) {
      for (int i = 0; i < 3; ++i) take(a, i, a.malloc(kPoolBig), kPoolBig);
    } else if (shape_ == Shape::kPoolRelease) {
      // Slots 0..6 fill the first superslab, 7..9 start the second (the one being carved);
      // all but 5 and 6 are freed: the first superslab is two frees from wholly free.
      for (int i = 0; i < kPoolBigPerSuperslab + 3; ++i) take(a, i, a.malloc(kPoolBig), kPoolBig);
      for (int i = 0; i < kPoolBigPerSuperslab + 3; ++i)
        if (i != 5 && i != 6) free_slot(a, i);
    } else if (shape_ == Shape::kArenaGrowth || shape_ == Shape::kHeapCreate) {
      take(a, 0, a.malloc(64), 64);
    }
    a.thread_exit();  // the main heap becomes an orphan the logical threads may adopt
    // From here on every OS call of a logical thread is a schedule choice.
    a.os().set_fault_oracle(&os_fault_oracle, nullptr);
  }

  void thread(int t) override {
    Alloc& a = *alloc_;
    switch (shape_) {
      case Shape::kLargeMove:
      case Shape::kLargeArena: return t == 0 ? large_mover(a) : large_churn(a);
      case Shape::kArenaGrowth: return arena_grower(a, t);
      case Shape::kPool:
      case Shape::kPoolV2: return pool_user(a, t);
      case Shape::kPoolPurge: return t == 0 ? pool_purger(a) : pool_reuser(a);
      case Shape::kPoolCachePurge: return t == 0 ? pool_cache_purger(a) : pool_cache_reuser(a);
      case Shape::kPoolRelease: return t == 0 ? pool_releaser(a) : pool_release_bystander(a);
      case Shape::kHeapCreate: return heap_creator(a, t);
      case Shape::kForkHandlers: return t == 0 ? fork_handlers(a) : fork_bystander(a);
    }
  }

  void finish() override {
    Alloc& a = *alloc_;
    a.os().set_fault_oracle(nullptr, nullptr);
    a.quiesce();
    hak_heap_report r{};
    check(a.check(&r) == 0, "heap check is clean at quiescence (invariant 4)");
    std::uint64_t tiny = 0, pool = 0, large = 0;
    for (const Block& b : blocks_) {
      if (!b.p) continue;
      (b.bytes <= hakmem::kMaxTiny ? tiny : b.bytes <= hakmem::kMaxPool ? pool : large) += 1;
      check(intact(b), "a live block kept its contents", b.p);
    }
    check(r.tiny_live_blocks == tiny, "exactly the tiny blocks never freed are live (invariant 5)");
    check(r.pool_live_blocks == pool, "exactly the pool blocks never freed are live (invariant 5)");
    check(r.large_live_blocks == large, "exactly the large blocks never freed are live (invariant 5)");
    check(r.remote_pending == 0, "no remote free left pending after quiesce");
  }

 private:
  struct Block {
    void* p = nullptr;
    std::size_t bytes = 0;
  };
  static constexpr int kSlots = 16;

  static unsigned char tag(int slot) { return static_cast<unsigned char>(0xA0 + slot); }
  bool intact(const Block& b) const {
    const auto* c = static_cast<const unsigned char*>(b.p);
    const int slot = static_cast<int>(&b - blocks_);
    return c[0] == tag(slot) && c[b.bytes - 1] == tag(slot);
  }

  // A malloc/realloc result in slot `slot`: usable, or NULL with ENOMEM (invariant 8), and
  // never a block that is live (invariant 1). False when the call failed.
  bool take(Alloc&, int slot, void* p, std::size_t bytes) {
    if (!p) {
      check(errno == ENOMEM, "a failed allocation reports ENOMEM (invariant 8)");
      return false;
    }
    for (const Block& b : blocks_)
      check(b.p != p, "no call returns a block that is live (invariant 1)", p);
    blocks_[slot] = {p, bytes};
    auto* c = static_cast<unsigned char*>(p);
    c[0] = c[bytes - 1] = tag(slot);
    return true;
  }
  bool malloc_into(Alloc& a, int slot, std::size_t bytes) {
    errno = 0;
    return take(a, slot, a.malloc(bytes), bytes);
  }
  void free_slot(Alloc& a, int slot) {
    Block& b = blocks_[slot];
    if (!b.p) return;
    check(intact(b), "a block kept its contents until its free", b.p);
    void* p = b.p;
    b = Block{};  // before the free: once freed the block may come back at once
    a.free(p);
  }

  // t0: grow slot 0 by realloc (a remap), then free it.
  void large_mover(Alloc& a) {
    Block old = blocks_[0];
    errno = 0;
    void* q = a.realloc(old.p, kBiggerLarge);
    if (!q) {
      check(errno == ENOMEM, "a failed realloc reports ENOMEM (invariant 8)");
      check(intact(blocks_[0]), "a failed realloc leaves its block intact", old.p);
    } else {
      const auto* c = static_cast<const unsigned char*>(q);
      check(c[0] == tag(0) && c[old.bytes - 1] == tag(0), "realloc kept the contents", q);
      blocks_[0] = Block{};
      take(a, 0, q, kBiggerLarge);
    }
    free_slot(a, 0);
  }

  // t1: a large malloc/free pair (registry insert, growth, cache give), a free of a block of
  // the setup, and a malloc the cache can serve.
  void large_churn(Alloc& a) {
    if (malloc_into(a, 8, kLarge)) free_slot(a, 8);
    free_slot(a, 1);
    malloc_into(a, 9, kLarge);
  }

  // Each thread takes a tiny and a pool class no other heap has used: fresh superslabs.
  void arena_grower(Alloc& a, int t) {
    const std::size_t sizes[2][2] = {{16, 2048}, {1024, 16384}};
    for (int i = 0; i < 2; ++i) malloc_into(a, 8 + 2 * t + i, sizes[t][i]);
    if (t == 1) free_slot(a, 0);  // a remote free into the orphaned main heap
    free_slot(a, 8 + 2 * t);
    a.thread_exit();
  }

  void pool_user(Alloc& a, int t) {
    malloc_into(a, 8 + 2 * t, 4096);
    malloc_into(a, 9 + 2 * t, t == 0 ? 8192 : 4096);
    free_slot(a, t);  // a block of the main heap
    free_slot(a, 8 + 2 * t);
    if (t == 0) a.thread_exit();
  }

  // t0's second free leaves more free than in use: the oldest free block is purged outside the
  // class lock, on no list, while t1 takes blocks (resident, purged or carved: a commit that
  // may fail) and frees them, the last with nothing of the class in use.
  void pool_purger(Alloc& a) {
    free_slot(a, 0);
    free_slot(a, 1);
  }
  void pool_reuser(Alloc& a) {
    malloc_into(a, 8, kPoolBig);
    free_slot(a, 2);
    malloc_into(a, 9, kPoolBig);
    free_slot(a, 8);
    free_slot(a, 9);
  }

  // t0 takes a block (so it has a heap and a cache), frees three: the third overflows its cache
  // (a batch of one back to the class), and its exit gives the last two back in one batch; each
  // may purge the class's oldest free blocks outside the lock. Meanwhile t1 refills its cache
  // one block at a time (resident, purged or carved), overflows it and exits the same way.
  void pool_cache_purger(Alloc& a) {
    malloc_into(a, 10, kPoolBig);
    free_slot(a, 0);
    free_slot(a, 1);
    free_slot(a, 10);
    a.thread_exit();
  }
  void pool_cache_reuser(Alloc& a) {
    malloc_into(a, 8, kPoolBig);
    malloc_into(a, 9, kPoolBig);
    free_slot(a, 2);
    free_slot(a, 8);
    free_slot(a, 9);
    a.thread_exit();
  }

  // t0 frees the first superslab's last two blocks: with little else in use, the class gives
  // it back. t1 takes a block of the class (resident, purged, or carved), which it keeps, and
  // one of another class (a superslab from the arena: perhaps the one given back, whose commit
  // may fail).
  void pool_releaser(Alloc& a) {
    free_slot(a, 5);
    free_slot(a, 6);
  }
  void pool_release_bystander(Alloc& a) {
    malloc_into(a, 10, kPoolBig);
    malloc_into(a, 11, kPoolOther);
    free_slot(a, 11);
  }

  // t0 and t1 each need a heap (a map that may fail: then malloc says ENOMEM and a second try
  // may succeed); t0 exits so t2 may adopt its heap or the main one. Every thread exits at
  // the end: a remote free that reaches a live heap after its last drain stays pending.
  void heap_creator(Alloc& a, int t) {
    if (t < 2 && !malloc_into(a, 8 + t, 32)) malloc_into(a, 8 + t, 32);
    if (t == 1) free_slot(a, 0);
    if (t == 0) free_slot(a, 8);
    if (t == 2) malloc_into(a, 10, 32);
    a.thread_exit();
  }

  void fork_handlers(Alloc& a) {
    for (int i = 0; i < 2; ++i) {
      a.prefork();
      a.postfork_parent();
    }
  }
  void fork_bystander(Alloc& a) {
    malloc_into(a, 8, 16);
    malloc_into(a, 9, 4096);
    malloc_into(a, 10, kLarge);
    free_slot(a, 9);
    free_slot(a, 10);
  }

  std::string name_;
  Shape shape_;
  std::optional<Alloc> alloc_;
  Block blocks_[kSlots];
};

template <class Quirks = hakmem::NoQuirks>
void add(const std::string& name, Shape shape, std::uint32_t os_faults, std::string about, bool decoy = false) {
  Options o;
  o.strategy = StrategyKind::kDfs;
  o.preemption_bound = 2;
  o.max_runs = 20000;
  o.aba_fatal = false;  // the remote list's push CAS may see benign ABA
  o.os_faults = os_faults;
  register_scenario({name, [name, shape] { return std::make_unique<LockedPathTest<Quirks>>(name, shape); },
                     decoy, o, std::move(about)});
}

[[maybe_unused]] const bool registered = [] {
  add("alloc.large_move_vs_malloc.2t", Shape::kLargeMove, 1,
      "realloc's remap (registry out and in) races with large malloc/free, one OS call may fail");
  add("alloc.large_arena.2t", Shape::kLargeArena, 1,
      "realloc in place or by copy in the large arena races with large malloc/free, one OS call may fail");
  add("alloc.arena_growth.2t", Shape::kArenaGrowth, 1,
      "two heaps take fresh superslabs at once (commit under the arena lock), one may fail");
  add("alloc.pool.2t", Shape::kPool, 1, "pool v1 per-class locks, frees from another heap, one OS call may fail");
  add("alloc.pool_v2.2t", Shape::kPoolV2, 1, "the pool v2 hotbox under the same races");
  add("alloc.pool_purge.2t", Shape::kPoolPurge, 1,
      "a free purges the class's oldest free block outside its lock while another thread reuses blocks");
  add("alloc.pool_cache_purge.2t", Shape::kPoolCachePurge, 1,
      "thread caches give batches back to the class, which purge, while another thread refills");
  add("alloc.pool_release.2t", Shape::kPoolRelease, 1,
      "a free leaves a superslab wholly free: it leaves the class and goes back to the arena while another "
      "thread takes blocks of that class and of another");
  add("alloc.heap_create.3t", Shape::kHeapCreate, 1, "heap creation may fail; exit and adoption race");
  add("alloc.fork_handlers.2t", Shape::kForkHandlers, 0,
      "prefork/postfork_parent take every lock while another thread allocates");
  add<hakmem::LargeMoveRoomQuirk>(
      "decoy.alloc.large_move_gives_up_room", Shape::kLargeMove, 1,
      "issue 10's race re-created: the remap's re-insert finds its room taken, the growth fails, abort",
      true);
  add<hakmem::PoolTakeUnlockedQuirk>("decoy.alloc.pool_take_unlocked", Shape::kPool, 1,
                                     "pool v1 takes blocks without its class lock: a data race", true);
  add<hakmem::PurgeListUnlockedQuirk>("decoy.alloc.pool_purge_list_unlocked", Shape::kPoolPurge, 1,
                                       "pool v1's free pushes purged blocks without its class lock: a data race",
                                       true);
  add<hakmem::PurgeListUnlockedQuirk>("decoy.alloc.pool_cache_purge_list_unlocked", Shape::kPoolCachePurge, 1,
                                       "the same, from a cache's batch: the cache scenario reaches the purge",
                                       true);
  add<hakmem::PoolReleaseLeavesBlocksQuirk>(
      "decoy.alloc.pool_release_leaves_blocks", Shape::kPoolRelease, 1,
      "the class gives the superslab back but leaves its blocks listed: the heap check names one",
      true);
  add<hakmem::ArenaGiveUnlockedQuirk>("decoy.alloc.large_arena_give_unlocked", Shape::kLargeArena, 1,
                                      "the large arena's free runs without its lock: a data race", true);
  add<hakmem::RegistryInsertUnlockedQuirk>("decoy.alloc.registry_insert_unlocked", Shape::kLargeMove, 1,
                                           "the large registry inserts without its lock: a data race", true);
  add<hakmem::PreforkOrderQuirk>("decoy.alloc.prefork_lock_order", Shape::kForkHandlers, 0,
                                 "prefork takes the arena lock before the pool locks: a pool refill deadlocks it",
                                 true);
  return true;
}();

}  // namespace
}  // namespace interleave
