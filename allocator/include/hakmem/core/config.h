// Config: everything an allocator instance is templated over. The production library uses
// Config<kProductionMask>; tests instantiate any of the 512 telemetry masks side by side, and
// the interleaving checker swaps the atomic and context policies.
#pragma once
#include <cstdint>

#include "hakmem/core/atomic_policy.h"
#include "hakmem/core/telemetry_flags.h"
#include "hakmem/core/thread_context.h"
#include "hakmem/core/trace.h"

namespace hakmem {

// Deliberate defects that a test may switch on to prove a check has teeth. Never set in
// production; each one names the lesson it re-creates.
struct NoQuirks {
  // Phase 28 re-created: flow control reads a spill length that lives behind a telemetry flag,
  // so compiling that flag out changes behaviour. The equivalence check must catch it.
  static constexpr bool kFlowLengthIsTelemetry = false;
  static constexpr Flag kFlowLengthFlag = Flag::TINY_FREE_STATS;
  // Issue 10 re-created: realloc's remap takes its block out of the large registry and inserts
  // it again, giving up its room in between; the checker's decoy must find the abort.
  static constexpr bool kLargeMoveGivesUpRoom = false;
  // A counter site that random op mixes never reach: the free_overflow increment is skipped.
  // Counter exactness must catch it through its directed workloads (it cannot without them).
  static constexpr bool kSkipFreeOverflowCount = false;
  // Flow control as a read of the spill length followed by a push: two threads that overflow
  // at once both see the same room and push past the target together (a stress run once found
  // 288 blocks against 256). The checker's two-spiller scenario must report it.
  static constexpr bool kFlowReadThenPush = false;
  // A lock-order inversion: prefork takes the arena lock before the pool locks, while a pool
  // refill holds its class lock and then takes the arena lock. The checker's fork scenario
  // must report the two spinners.
  static constexpr bool kPreforkArenaFirst = false;
  // Missing locks: pool v1's take, and the large registry's insert, run unlocked. Their shared
  // fields are Plain cells, so the checker's locked-path scenarios must report a data race.
  static constexpr bool kPoolTakeUnlocked = false;
  static constexpr bool kRegistryInsertUnlocked = false;
  // Pool v1's free pushes the blocks it purged onto the purged list without retaking the class
  // lock. The checker's purge scenario must report a data race.
  static constexpr bool kPurgeListUnlocked = false;
  // A slab record naming the wrong front cache: every tiny free caches its block in C0's cache,
  // so C0 requests get bigger blocks and the other classes never see theirs again. The heap
  // check's per-class test of cached blocks must catch it.
  static constexpr bool kFreeIntoFirstClassCache = false;
  // Slabs without colours: every slab of a class starts its data at the same cache-line offset,
  // so big blocks crowd a few cache sets. The colouring test must catch it.
  static constexpr bool kNoSlabColour = false;
  // A pool that never purges: freed blocks of every class stay resident however many there
  // are. The purge test must catch it.
  static constexpr bool kNoPoolPurge = false;
  // A pool that keeps every superslab it ever carved, however many of them are wholly free: a
  // program that frees one size and then allocates another needs new pages. The release test
  // must catch it.
  static constexpr bool kNoPoolRelease = false;
  // A pool that gives a wholly free superslab back to the arena but leaves its blocks on the
  // class's free lists: the class later hands out memory the arena decommitted or gave to
  // another class. The heap check's walk of the free lists must catch it.
  static constexpr bool kPoolReleaseLeavesBlocks = false;
  // Pool v1's cache refill leaves the blocks it carves without the free canary, so the free of
  // one the thread cached but never handed out passes as a valid free and caches it twice. The
  // bad-free test and the heap check's test of cached pool blocks must catch it.
  static constexpr bool kPoolCacheUnmarked = false;
  // A free into a full slab leaves that slab off its class's partial list, so its free blocks
  // are stranded: refills carve new slabs while they wait. The heap check's walk of the slab
  // lists must catch it (the free lists and counts are all still right).
  static constexpr bool kFreeLeavesFullSlabUnlisted = false;
  // The large arena's free leaves the block's last page marked in use: a page lost at every
  // free. The heap check's recount of the arena's bitmaps must catch it.
  static constexpr bool kArenaGiveLeaksPage = false;
  // The large arena's free runs without the arena's lock. Its counts are Plain cells, so the
  // checker's arena scenario must report a data race.
  static constexpr bool kArenaGiveUnlocked = false;
  // The owner's drain takes every way of its remote inbox but walks all but the last: a
  // collection that misses a batch. Its blocks are lost (neither free nor in transit); the heap
  // check must count them as live.
  static constexpr bool kDrainSkipsLastWay = false;
  // A freeing thread's batch of remote frees goes to its own heap's inbox instead of the blocks'
  // owner: a batch delivered to the wrong owner, whose drain then frees into slabs it does not
  // own. The heap check (an inbox holds only its heap's blocks) must catch it.
  static constexpr bool kBatchToWrongOwner = false;
  // A freeing thread's flush pushes only the first lane of its batch: a lost batch (seven eighths
  // of it). The heap check must count the blocks of the other lanes as live.
  static constexpr bool kFlushPushesOneLane = false;
  // A refill's drain puts every block into the first class's front cache: blocks delivered to the
  // wrong cache, handed out for requests bigger than they are. The heap check's per-class test of
  // cached blocks must catch it.
  static constexpr bool kDrainIntoFirstCache = false;
  // A refill's drain fills the front caches in the order the inbox held the blocks: correct, but
  // a class's blocks come back scattered. The test of the order they are handed out in must
  // catch it.
  static constexpr bool kDrainKeepsInboxOrder = false;
  // A thread without a heap pushes each remote free alone, as before it got a heap: one CAS per
  // block. The test that a thread that only frees gathers its frees in a batch must catch it.
  static constexpr bool kFreeOnlyThreadsPushEach = false;
  // The arena never decommits its warm superslabs, neither after the purge delay nor at
  // quiesce(): an idle program keeps their memory. The superslab cache tests must catch it.
  static constexpr bool kNoWarmPurge = false;
  // The pool's carving leaves the slab records' carved counts at 0: every pool free fails its
  // check by record and takes validate_pool (slow, still right). The heap check's comparison of
  // each record with the blocks carved must catch it.
  static constexpr bool kPoolRecordsNotCarved = false;
  // release_superslab leaves a pool superslab's records as they were: a stray free into the
  // released region passes the check by record and caches memory the arena may hand to anyone.
  // The released-region death test and the heap check (no pool record outside the pool) must
  // catch it.
  static constexpr bool kReleaseKeepsPoolRecords = false;
  // set_pool_v2 leaves the records' front_offset as it was: with v2 turned on, frees of the
  // blocks of existing pool superslabs keep going to v1's thread caches, not to the hotbox. The
  // hotbox counters test and the heap check (a record's routing against pool_v2()) must catch it.
  static constexpr bool kPoolV2KeepsRecordRouting = false;
};

struct Phase28Quirk : NoQuirks {
  static constexpr bool kFlowLengthIsTelemetry = true;
};

struct FlowReadThenPushQuirk : NoQuirks {
  static constexpr bool kFlowReadThenPush = true;
};

struct SkipOverflowCountQuirk : NoQuirks {
  static constexpr bool kSkipFreeOverflowCount = true;
};

struct FreeIntoFirstClassCacheQuirk : NoQuirks {
  static constexpr bool kFreeIntoFirstClassCache = true;
};

struct NoSlabColourQuirk : NoQuirks {
  static constexpr bool kNoSlabColour = true;
};

struct NoPoolPurgeQuirk : NoQuirks {
  static constexpr bool kNoPoolPurge = true;
};

struct NoPoolReleaseQuirk : NoQuirks {
  static constexpr bool kNoPoolRelease = true;
};

struct PoolReleaseLeavesBlocksQuirk : NoQuirks {
  static constexpr bool kPoolReleaseLeavesBlocks = true;
};

struct PoolCacheUnmarkedQuirk : NoQuirks {
  static constexpr bool kPoolCacheUnmarked = true;
};

struct FreeLeavesFullSlabUnlistedQuirk : NoQuirks {
  static constexpr bool kFreeLeavesFullSlabUnlisted = true;
};
struct ArenaGiveLeaksPageQuirk : NoQuirks {
  static constexpr bool kArenaGiveLeaksPage = true;
};

struct PoolRecordsNotCarvedQuirk : NoQuirks {
  static constexpr bool kPoolRecordsNotCarved = true;
};

struct ReleaseKeepsPoolRecordsQuirk : NoQuirks {
  static constexpr bool kReleaseKeepsPoolRecords = true;
};

struct PoolV2KeepsRecordRoutingQuirk : NoQuirks {
  static constexpr bool kPoolV2KeepsRecordRouting = true;
};

struct NoWarmPurgeQuirk : NoQuirks {
  static constexpr bool kNoWarmPurge = true;
};

struct DrainSkipsLastWayQuirk : NoQuirks {
  static constexpr bool kDrainSkipsLastWay = true;
};

struct BatchToWrongOwnerQuirk : NoQuirks {
  static constexpr bool kBatchToWrongOwner = true;
};

struct FlushPushesOneLaneQuirk : NoQuirks {
  static constexpr bool kFlushPushesOneLane = true;
};

struct DrainIntoFirstCacheQuirk : NoQuirks {
  static constexpr bool kDrainIntoFirstCache = true;
};

struct DrainKeepsInboxOrderQuirk : NoQuirks {
  static constexpr bool kDrainKeepsInboxOrder = true;
};

struct FreeOnlyThreadsPushEachQuirk : NoQuirks {
  static constexpr bool kFreeOnlyThreadsPushEach = true;
};

struct ArenaGiveUnlockedQuirk : NoQuirks {
  static constexpr bool kArenaGiveUnlocked = true;
};

struct PreforkOrderQuirk : NoQuirks {
  static constexpr bool kPreforkArenaFirst = true;
};

struct PoolTakeUnlockedQuirk : NoQuirks {
  static constexpr bool kPoolTakeUnlocked = true;
};

struct PurgeListUnlockedQuirk : NoQuirks {
  static constexpr bool kPurgeListUnlocked = true;
};

struct RegistryInsertUnlockedQuirk : NoQuirks {
  static constexpr bool kRegistryInsertUnlocked = true;
};

struct LargeMoveRoomQuirk : NoQuirks {
  static constexpr bool kLargeMoveGivesUpRoom = true;
};

template <std::uint32_t Mask, class AtomicPolicy = StdAtomics, class ContextPolicy = TlsContext,
          class TracePolicy = NoTrace, class QuirkSet = NoQuirks>
struct Config {
  static_assert((Mask & ~kAllFlagsMask) == 0, "telemetry mask has bits beyond the nine flags");
  static constexpr std::uint32_t kMask = Mask;
  using Atomics = AtomicPolicy;
  using Context = ContextPolicy;
  using Trace = TracePolicy;
  using Quirks = QuirkSet;
};

}  // namespace hakmem
