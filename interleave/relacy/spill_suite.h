// Relacy test suite over RlSpillStack<kBug>: the same scripts and checks as the project's
// interleave/scenarios/spill_test.h, so verdicts can be compared scenario by scenario.
//
// Each thread runs a short script of pushes (under flow control: only while length() <
// target), pops, pop-and-reuse, pop-two-push-one (the ABA sequence) and drains.
// Checked at every scheduling point (invariant()):
//   the list is acyclic and holds only pool blocks;
//   invariant 6: 0 <= list length <= length <= list length + blocks of operations in flight.
// Checked on every pop: the block was in the stack (never handed out twice).
// Checked at the end (after()): length == list length exactly, and every block is in the list
//   xor held by the thread that popped it (none lost, none duplicated).
// Test-side bookkeeping (owner_, in_flight_) is plain data: Relacy runs all threads as fibers on
// one OS thread and switches only at atomic operations, so it is updated atomically with the
// operation next to it and adds no synchronisation of its own.
#pragma once
#include "spill_stack_rl.h"

namespace hkrl {

enum class SpillOp : std::uint8_t { kEnd, kPush, kPushChain2, kPop, kPopReuse, kPop2Push1, kDrain };

struct SpillScript {
  static constexpr int kMaxThreads = 3, kMaxOps = 3;
  int threads;
  int initial;            // blocks in the stack before the threads start
  std::uint32_t target;   // flow control
  SpillOp ops[kMaxThreads][kMaxOps];

  constexpr int blocks() const {  // initial blocks plus one fresh block per pushed block
    int n = initial;
    for (int t = 0; t < threads; ++t)
      for (SpillOp op : ops[t]) n += op == SpillOp::kPush ? 1 : op == SpillOp::kPushChain2 ? 2 : 0;
    return n;
  }
};

template <SpillBug kBug, const SpillScript& kS>
struct SpillSuite : rl::test_suite<SpillSuite<kBug, kS>, kS.threads> {
  static constexpr int kBlocks = 12;
  static constexpr int kInStack = -1, kNobody = -2;  // owner_ values besides a thread id
  static constexpr std::uintptr_t kUserData = 0x5a5a5a5a5a5a5a50;  // what a user writes
  static_assert(kS.blocks() <= kBlocks && kS.threads <= SpillScript::kMaxThreads);

  SpillBlock pool_[kBlocks];
  RlSpillStack<kBug> stack_;
  int owner_[kBlocks] = {};
  int fresh_[SpillScript::kMaxThreads][2 * SpillScript::kMaxOps] = {};  // each thread's own blocks
  int fresh_count_[SpillScript::kMaxThreads] = {};
  int total_ = 0;
  int in_flight_ = 0;

  void before() {
    stack_.init(pool_, kBlocks);
    for (int i = 0; i < kBlocks; ++i) {
      pool_[i].link($).store(0, rl::mo_relaxed);
      owner_[i] = kNobody;
    }
    // Each push op of a thread gets its own fresh block(s), numbered after the initial ones.
    int next = kS.initial;
    for (int t = 0; t < kS.threads; ++t)
      for (SpillOp op : kS.ops[t]) {
        const int n = op == SpillOp::kPush ? 1 : op == SpillOp::kPushChain2 ? 2 : 0;
        for (int i = 0; i < n; ++i) {
          owner_[next] = t;
          fresh_[t][fresh_count_[t]++] = next++;
        }
      }
    total_ = next;
    for (int i = kS.initial - 1; i >= 0; --i) {
      owner_[i] = kInStack;
      stack_.push(&pool_[i]);
    }
  }

  void thread(unsigned tu) {
    const int t = static_cast<int>(tu);
    int next_fresh = 0;
    for (SpillOp op : kS.ops[t]) {
      switch (op) {
        case SpillOp::kEnd: return;
        case SpillOp::kPush: push(fresh_[t][next_fresh], fresh_[t][next_fresh]); ++next_fresh; break;
        case SpillOp::kPushChain2:
          push(fresh_[t][next_fresh], fresh_[t][next_fresh + 1]);
          next_fresh += 2;
          break;
        case SpillOp::kPop: pop(t); break;
        case SpillOp::kPopReuse:
          if (const int id = pop(t); id >= 0) reuse(id);
          break;
        case SpillOp::kPop2Push1: {  // pop A, pop B, push A back: the classic ABA sequence
          const int a = pop(t);
          pop(t);
          if (a >= 0) reuse(a);
          break;
        }
        case SpillOp::kDrain:
          while (pop(t) >= 0) {
          }
          break;
      }
    }
  }

  void invariant() {
    const int count = walk(nullptr);
    const auto len = static_cast<std::int32_t>(stack_.length());
    check(len >= 0, "spill length never negative (invariant 6)");
    check(count <= len, "list length <= spill length (invariant 6)");
    check(len <= count + in_flight_, "spill length <= list length + in flight (invariant 6)");
  }

  void after() {
    unsigned listed = 0;
    const int count = walk(&listed);
    check(static_cast<std::int32_t>(stack_.length()) == count, "spill length == list length at the end");
    for (int i = 0; i < total_; ++i) {
      if (owner_[i] == kInStack)
        check(listed >> i & 1, "no block lost: a pushed block is in the list");
      else
        check(!(listed >> i & 1), "no block duplicated: a popped block is not in the list");
    }
  }

 private:
  void push(int first, int last) {
    const auto n = static_cast<std::uint32_t>(last - first + 1);
    if (stack_.length() >= kS.target) return;  // flow control: the blocks go elsewhere
    for (int i = first; i < last; ++i)
      pool_[i].link($).store(reinterpret_cast<std::uintptr_t>(&pool_[i + 1]), rl::mo_relaxed);
    for (int i = first; i <= last; ++i) owner_[i] = kInStack;
    in_flight_ += static_cast<int>(n);
    stack_.push_chain(&pool_[first], &pool_[last], n);
    in_flight_ -= static_cast<int>(n);
  }

  int pop(int t) {
    ++in_flight_;
    SpillBlock* b = stack_.pop();
    --in_flight_;
    if (!b) return -1;
    const int id = stack_.index_of(reinterpret_cast<std::uintptr_t>(b));
    check(id >= 0, "pop returns a pool block");
    check(owner_[id] == kInStack, "a popped block was in the stack (not handed out twice)");
    owner_[id] = t;
    return id;
  }

  // The user writes into the block while it is out, then frees it back (pushes it).
  void reuse(int id) {
    pool_[id].link($).store(kUserData, rl::mo_relaxed);
    push(id, id);
  }

  // Counts the list (and collects it into *mask); a cycle or a stray pointer is a failure.
  int walk(unsigned* mask) {
    int count = 0;
    unsigned seen = 0;
    for (std::uintptr_t p = stack_.first_quiescent(); p;
         p = RlSpillStack<kBug>::link_of(&pool_[stack_.index_of(p)])($).load(rl::mo_relaxed)) {
      const int id = stack_.index_of(p);
      check(id >= 0 && !(seen >> id & 1), "the spill list is acyclic and holds only pool blocks");
      seen |= 1u << id;
      ++count;
    }
    if (mask) *mask = seen;
    return count;
  }
};

}  // namespace hkrl
