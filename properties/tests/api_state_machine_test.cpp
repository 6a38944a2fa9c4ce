// The malloc API against the model as a rapidcheck state machine. Each command is one op of the
// op language; the executor checks invariants 1-3 on its result, and after every command all
// live blocks' contents and the heap check (invariants 4-6). Counterexamples shrink to a short
// op list; rapidcheck prints the seed and a RC_PARAMS="reproduce=..." string.
//
// ApiStateMachine.ProcessMalloc drives the process's malloc instead (glibc, or what LD_PRELOAD
// put in place; hakmem_ops/process_malloc.h) when HAKMEM_PROPERTY_TARGET=system, and is skipped
// otherwise. There the heap check and the hakmem-only commands (flush, spill drain, pool v2,
// thread exit) are skipped; the other checks are the same.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <array>
#include <cstdio>
#include <ostream>

#include "hakmem_ops/decode.h"
#include "hakmem_ops/executor.h"
#include "hakmem_ops/process_malloc.h"

namespace hakmem_ops {
namespace {

// The model's view of the allocator: which slots hold a block (and whose), and pool v2.
struct RcModel {
  std::array<int, kSlotCount> owner;  // -1: empty
  bool pool_v2 = false;
  RcModel() { owner.fill(-1); }
};

template <class Alloc>
struct Sut {
  Executor<Alloc> ex{default_options(), ExecOptions{.verify_each_op = true}};
};

// Sizes biased to class boundaries, shrinking towards small sizes.
rc::Gen<std::uint64_t> gen_size() {
  std::vector<std::uint64_t> edges;
  for (std::uint64_t b : kBoundaries)
    for (std::uint64_t d : {b - 1, b, b + 1}) edges.push_back(d);
  return rc::gen::weightedOneOf<std::uint64_t>({
      {6, rc::gen::elementOf(edges)},
      {2, rc::gen::inRange<std::uint64_t>(0, 1025)},
      {2, rc::gen::inRange<std::uint64_t>(1025, 32769)},
      {1, rc::gen::inRange<std::uint64_t>(32769, 300000)}});
}
rc::Gen<std::uint8_t> gen_thread() { return rc::gen::inRange<std::uint8_t>(0, kMaxLogicalThreads); }
rc::Gen<std::uint16_t> gen_slot() { return rc::gen::inRange<std::uint16_t>(0, 16); }  // few slots: more reuse

template <class Alloc>
struct OpCommand : rc::state::Command<RcModel, Sut<Alloc>> {
  Op op;
  void run(const RcModel&, Sut<Alloc>& sut) const override {
    if (auto v = sut.ex.step(op)) RC_FAIL(v->to_string());
  }
  void show(std::ostream& os) const override { os << op.to_string(); }
};

// Commands that create a block in an empty slot.
template <class Alloc>
struct Allocate : OpCommand<Alloc> {
  explicit Allocate(const RcModel&) {
    Op& op = this->op;
    op.slot = *gen_slot();
    op.thread = *gen_thread();
    op.kind = *rc::gen::element(OpKind::kMalloc, OpKind::kCalloc, OpKind::kAligned, OpKind::kRealloc);
    op.size = *gen_size();
    if (op.kind == OpKind::kCalloc) {
      const bool overflow = *rc::gen::weightedOneOf<bool>({{15, rc::gen::just(false)}, {1, rc::gen::just(true)}});
      op.arg = overflow ? (std::uint64_t{1} << 62) : *rc::gen::inRange<std::uint64_t>(1, 8);
      op.size = overflow ? 8 : (op.size / op.arg ? op.size / op.arg : 1);
    } else if (op.kind == OpKind::kAligned) {
      op.arg = std::uint64_t{8} << *rc::gen::inRange(0, 14);
      op.variant = *rc::gen::inRange<std::uint8_t>(0, 2);
    }
  }
  void checkPreconditions(const RcModel& m) const override { RC_PRE(m.owner[this->op.slot] < 0); }
  void apply(RcModel& m) const override {
    const bool overflow = this->op.kind == OpKind::kCalloc && this->op.arg >= (std::uint64_t{1} << 62);
    if (!overflow) m.owner[this->op.slot] = this->op.thread;
  }
};

// Commands on a live slot.
template <class Alloc>
struct UseBlock : OpCommand<Alloc> {
  explicit UseBlock(const RcModel&) {
    Op& op = this->op;
    op.slot = *gen_slot();
    op.thread = *gen_thread();
    op.kind = *rc::gen::element(OpKind::kFree, OpKind::kRemoteFree, OpKind::kUsableSize, OpKind::kRealloc);
    if (op.kind == OpKind::kRealloc)
      op.size = *rc::gen::weightedOneOf<std::uint64_t>({{8, gen_size()}, {1, rc::gen::just<std::uint64_t>(0)}});
  }
  void checkPreconditions(const RcModel& m) const override { RC_PRE(m.owner[this->op.slot] >= 0); }
  void apply(RcModel& m) const override {
    const Op& op = this->op;
    if (op.kind == OpKind::kFree || op.kind == OpKind::kRemoteFree || (op.kind == OpKind::kRealloc && op.size == 0))
      m.owner[op.slot] = -1;
    else if (op.kind == OpKind::kRealloc)
      m.owner[op.slot] = op.thread;
  }
};

// Maintenance: thread exit, flush, spill drain, pool v2 on/off.
template <class Alloc>
struct Maintain : OpCommand<Alloc> {
  explicit Maintain(const RcModel&) {
    Op& op = this->op;
    op.thread = *gen_thread();
    op.kind = *rc::gen::element(OpKind::kThreadExit, OpKind::kFlush, OpKind::kDrainSpill, OpKind::kPoolV2);
    if (op.kind == OpKind::kPoolV2) op.arg = *rc::gen::inRange(0, 2);
  }
  void apply(RcModel& m) const override {
    if (this->op.kind == OpKind::kPoolV2) m.pool_v2 = this->op.arg != 0;
  }
};

template <class Alloc>
void check_api_state_machine() {
  Sut<Alloc> sut;
  rc::state::check(RcModel{}, sut,
                   rc::state::gen::execOneOfWithArgs<Allocate<Alloc>, Allocate<Alloc>, UseBlock<Alloc>,
                                                     UseBlock<Alloc>, Maintain<Alloc>>());
  auto v = sut.ex.finish();
  if (v) RC_FAIL(v->to_string());
}

using Plain = hakmem::Allocator<hakmem::Config<0, hakmem::StdAtomics, LogicalContext>>;
using AllFlags = hakmem::Allocator<hakmem::Config<hakmem::kAllFlagsMask, hakmem::StdAtomics, LogicalContext>>;

RC_GTEST_PROP(ApiStateMachine, AllFlagsOff, ()) { check_api_state_machine<Plain>(); }
RC_GTEST_PROP(ApiStateMachine, AllFlagsOn, ()) { check_api_state_machine<AllFlags>(); }

TEST(ApiStateMachine, ProcessMalloc) {
  if (!process_malloc_selected()) GTEST_SKIP() << "HAKMEM_PROPERTY_TARGET=system drives the process's malloc";
  std::fprintf(stderr, "ApiStateMachine.ProcessMalloc: target system (the process's malloc). Skipped, hakmem "
                       "only: heap check (inv. 4-6), OS faults (inv. 8), flush, spill drain, pool v2, "
                       "thread exit.\n");
  EXPECT_TRUE(rc::check("the process's malloc against the model", [] { check_api_state_machine<ProcessMalloc>(); }));
}

}  // namespace
}  // namespace hakmem_ops
