// The full allocator under the checker: Allocator<Config<0, CheckedAtomics, FiberContext>>.
// Every logical thread has its own heap (FiberContext), remote frees go through the real
// RemoteList, heap hand-over through the real orphan list and its spin lock.
//
// Setup (main context) allocates four tiny blocks and orphans the main heap H, so the logical
// threads find H waiting to be adopted. Then, per scenario:
//   alloc.remote_vs_drain.2t  t0 adopts H and allocates/frees (draining H's remote list);
//                             t1 frees two of H's blocks remotely.
//   alloc.exit_vs_remote.3t   t0 adopts H and exits (orphaning it again); t1 frees H's blocks
//                             meanwhile (remotely, or locally if its first free adopted H) and
//                             exits; t2 starts later and adopts whatever is free.
//   alloc.drainer_vs_spill.2t t0 is the background drainer (run_drainer, sleeping in A::wait);
//                             t1 overflows its 1 KiB front cache so blocks spill under flow
//                             control, then asks the drainer to stop. The drainer has no heap,
//                             so what it drains goes back through t1's remote list.
//   alloc.exit_vs_adopt.2t    t0 and t1 each allocate (adopting H or creating a heap), free
//                             and exit (orphaning it again): the hand-over races both ways.
//   alloc.exit_vs_adopt_remote.2t  the same, t1 first frees one of H's blocks remotely.
//   alloc.two_spillers.2t     t0 and t1 each overflow their 1 KiB front cache at once: flow
//                             control must keep the spill length within the target at every
//                             step (its room is reserved in the length, not read then pushed).
// Checked: no malloc returns a block that is live (invariant 1); at quiescence (after
// quiesce()), the heap check is clean (invariant 4) and exactly the blocks never freed are
// live: each remote free arrived exactly once (invariant 5; a lost free stays live, a
// duplicated one is a block on two lists).
#include <memory>
#include <new>
#include <optional>
#include <type_traits>

#include "hakmem/core/allocator.h"
#include "interleave/checked_atomics.h"
#include "interleave/fiber_context.h"
#include "interleave/registry.h"

namespace interleave {
namespace {

enum class Shape { kRemoteVsDrain, kBatchVsDrain, kExitVsRemote, kDrainerVsSpill, kTwoSpillers, kExitVsAdopt, kExitVsAdoptRemote };

template <class Quirks>
class AllocatorTest : public Test {
  using Alloc = hakmem::Allocator<hakmem::Config<0, CheckedAtomics, FiberContext, hakmem::NoTrace, Quirks>>;

 public:
  AllocatorTest(std::string name, Shape shape) : name_(std::move(name)), shape_(shape) {}
  ~AllocatorTest() override { alloc_.reset(); }

  std::string name() const override { return name_; }
  int threads() const override { return shape_ == Shape::kExitVsRemote ? 3 : 2; }

  void setup() override {
    alloc_.reset();
    hakmem::Options o;
    o.arena_bytes = std::size_t{64} << 20;  // small reservation: one instance per run
    o.spill_target = kSpillTarget;          // flow control engages within a few frees
    alloc_.emplace(o);
    spilled_ = false;
    for (int i = 0; i < kBlocks; ++i) {
      blocks_[i] = alloc_->malloc(16);
      live_[i] = blocks_[i] != nullptr;
    }
    alloc_->thread_exit();  // H becomes an orphan for the logical threads to adopt
  }

  void thread(int t) override {
    Alloc& a = *alloc_;
    if (shape_ == Shape::kDrainerVsSpill) return t == 0 ? a.run_drainer() : spill_and_stop(a);
    if (shape_ == Shape::kTwoSpillers) return spill(a, t);
    if (shape_ == Shape::kExitVsAdopt || shape_ == Shape::kExitVsAdoptRemote) return exit_vs_adopt(a, t);
    if (t == 1) {  // the remote freer: its first free attaches a heap (H, if it wins the race)...
      if (shape_ == Shape::kRemoteVsDrain) a.thread_exit();  // ...unless it has exited: one push each
      for (int i = 0; i < 2; ++i) {
        live_[i] = false;  // before the free: once freed the block may come back at once
        a.free(blocks_[i]);
      }
      if (shape_ != Shape::kRemoteVsDrain) a.thread_exit();  // pushes what it gathered (as a real exit)
      return;
    }
    // t0 (and t2): adopt or create a heap, allocate and free locally, maybe exit.
    for (int round = 0; round < 2; ++round) {
      void* p = a.malloc(16);
      check(p != nullptr, "malloc succeeds");
      for (int i = 0; i < kBlocks; ++i)
        check(!(live_[i] && blocks_[i] == p), "malloc never returns a live block (invariant 1)", p);
      a.free(p);
    }
    if (shape_ == Shape::kExitVsRemote) a.thread_exit();
  }

  void exit_vs_adopt(Alloc& a, int t) {
    if (t == 1 && shape_ == Shape::kExitVsAdoptRemote) {
      live_[0] = false;  // before the free: once freed the block may come back at once
      a.free(blocks_[0]);
    }
    void* p = a.malloc(16);
    check(p != nullptr, "malloc succeeds");
    for (int i = 0; i < kBlocks; ++i)
      check(!(live_[i] && blocks_[i] == p), "malloc never returns a live block (invariant 1)", p);
    a.free(p);
    a.thread_exit();
  }

  // Fills and overflows the 1 KiB class's front cache: half of it goes to the spill queue as
  // far as flow control allows, the rest back to slabs.
  void spill(Alloc& a, int t) {
    void** burst = burst_[t];
    for (int i = 0; i < kBurst; ++i) burst[i] = a.malloc(1024);
    for (int i = 0; i < kBurst; ++i) {
      check(burst[i] != nullptr, "malloc succeeds");
      a.free(burst[i]);
    }
    a.thread_exit();
  }
  void spill_and_stop(Alloc& a) {
    spill(a, 1);
    a.request_drainer_stop();
  }

  void invariant() override {
    const std::uint32_t length = alloc_->spill(kSpillClass).length();
    if (length != 0) spilled_ = true;
    if (shape_ == Shape::kTwoSpillers)
      check(length <= kSpillTarget, "flow control keeps the spill length within its target (invariant 6)");
  }

  void finish() override {
    Alloc& a = *alloc_;
    if (shape_ == Shape::kDrainerVsSpill || shape_ == Shape::kTwoSpillers)
      check(spilled_, "the spill path ran in this run (a gated path must be shown active)");
    a.quiesce();
    hak_heap_report r{};
    check(a.check(&r) == 0, "heap check is clean at quiescence (invariant 4)");
    int live = 0;
    for (bool l : live_) live += l ? 1 : 0;
    check(r.tiny_live_blocks == static_cast<std::uint64_t>(live),
          "exactly the blocks never freed are live: every remote free arrived once (invariant 5)");
    // t0 of remote_vs_drain never exits, so frees that reach its heap after its last drain stay
    // pending (and count as in transit, not live); an exited heap is drained by quiesce().
    if (shape_ != Shape::kRemoteVsDrain && shape_ != Shape::kBatchVsDrain)
      check(r.remote_pending == 0, "no remote free left pending after quiesce");
  }

 private:
  static constexpr int kBlocks = 4;
  static constexpr unsigned kSpillClass = hakmem::tiny_class_of(1024);
  static constexpr int kBurst = static_cast<int>(hakmem::kFrontCapacity[kSpillClass]) + 2;
  static constexpr std::uint32_t kSpillTarget = 6;
  void* burst_[2][kBurst] = {};
  bool spilled_ = false;
  std::string name_;
  Shape shape_;
  std::optional<Alloc> alloc_;
  void* blocks_[kBlocks] = {};
  bool live_[kBlocks] = {};
};

template <class Quirks = hakmem::NoQuirks>
void add(const std::string& name, Shape shape, std::string about) {
  Options o;
  o.strategy = StrategyKind::kDfs;
  o.preemption_bound = 2;
  o.max_runs = 20000;
  o.aba_fatal = false;  // the remote list's push CAS may see benign ABA
  register_scenario({name, [name, shape] { return std::make_unique<AllocatorTest<Quirks>>(name, shape); },
                     !std::is_same_v<Quirks, hakmem::NoQuirks>, o, std::move(about)});
}

[[maybe_unused]] const bool registered = [] {
  add("alloc.remote_vs_drain.2t", Shape::kRemoteVsDrain, "remote frees race with the owner's drain");
  add("alloc.batch_vs_drain.2t", Shape::kBatchVsDrain,
      "a thread that only frees attaches a heap (racing the owner's adoption), batches and exits");
  add("alloc.exit_vs_remote.3t", Shape::kExitVsRemote,
      "thread exit (orphan hand-over) races with remote frees into its slabs");
  add("alloc.exit_vs_adopt.2t", Shape::kExitVsAdopt,
      "thread exit (orphan hand-over) races with another thread's adoption");
  add("alloc.exit_vs_adopt_remote.2t", Shape::kExitVsAdoptRemote,
      "thread exit (orphan hand-over) races with a remote free and another thread's adoption");
  add("alloc.drainer_vs_spill.2t", Shape::kDrainerVsSpill,
      "the background drainer (wait/notify) races with frees that spill under flow control");
  add("alloc.two_spillers.2t", Shape::kTwoSpillers,
      "two threads overflow their front caches at once: the spill length stays within its target");
  add<hakmem::FlowReadThenPushQuirk>("decoy.alloc.flow_read_then_push", Shape::kTwoSpillers,
                                     "decoy: flow control reads the length, then pushes");
  return true;
}();

}  // namespace
}  // namespace interleave
