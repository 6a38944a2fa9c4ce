// A scenario over a spill-stack-like structure (the real hakmem::SpillStack or a decoy with the
// same interface): each logical thread runs a short script of pushes (under flow control:
// only while length() < target), pops, pop-and-reuse and drains.
//
// Checked:
//   every step (Mode::kEveryStep), invariant 6 of DESIGN.md:
//     length >= 0 as signed, list length <= length <= list length + ops in flight
//   always: the list is acyclic; a popped block was in the stack (never handed out twice)
//   at quiescence: length == list length; every block is in the stack xor held by exactly the
//     thread that popped it (none lost, none duplicated); the history of pushes and pops is
//     linearizable as a bag.
// Mode::kObserver drops the per-step bounds and adds an observer thread that reads length()
// like the free path does, so only behaviour a real program could see is checked.
#pragma once
#include <cstdint>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "block_pool.h"
#include "interleave/checked_atomics.h"
#include "interleave/checker.h"
#include "interleave/linearizability.h"

namespace interleave {

// kPop2Push1: pop two blocks, push the first back (the classic ABA sequence).
// kReserve: push one block through reserve() (room counted in the length first, up to the
// target) and publish_chain(), as the free path's flow control does.
enum class SpillOp : std::uint8_t { kPush, kPushChain2, kPop, kPopReuse, kPop2Push1, kDrain, kReserve };
enum class CheckMode : std::uint8_t { kEveryStep, kObserver };

struct SpillScript {
  int initial = 2;                               // blocks in the stack before the run
  std::uint32_t target = 64;                     // flow control: push only while length < target
  std::vector<std::vector<SpillOp>> threads;     // one script per logical thread
  CheckMode mode = CheckMode::kEveryStep;
  int age = 0;  // push-pop pairs before the run: the head's tag has moved 2 x age times already
};

template <class Stack>
class SpillTest : public Test {
 public:
  static constexpr int kInStack = -1;  // owner_ value: in the stack (or being pushed)

  SpillTest(std::string name, SpillScript script) : name_(std::move(name)), s_(std::move(script)) {
    // Fresh blocks: each push op of a thread gets its own, numbered after the initial ones.
    int next = s_.initial;
    fresh_.resize(s_.threads.size());
    for (std::size_t t = 0; t < s_.threads.size(); ++t)
      for (SpillOp op : s_.threads[t]) {
        const int k = op == SpillOp::kPush || op == SpillOp::kReserve ? 1 : op == SpillOp::kPushChain2 ? 2 : 0;
        for (int i = 0; i < k; ++i) fresh_[t].push_back(next++);
      }
    total_ = next;
    if (total_ > Pool::kBlocks) std::abort();
  }

  std::string name() const override { return name_; }
  int threads() const override {
    return static_cast<int>(s_.threads.size()) + (s_.mode == CheckMode::kObserver ? 1 : 0);
  }

  void setup() override {
    pool_.clear();
    stack_.~Stack();
    new (&stack_) Stack(pool_.base());
    for (int i = 0; i < s_.age; ++i) {  // an old stack: its ABA tag has moved on
      stack_.push(pool_.block(0));
      if (stack_.pop() != pool_.block(0)) std::abort();
    }
    for (int i = 0; i < total_; ++i) owner_[i] = i < s_.initial ? kInStack : -2;
    for (std::size_t t = 0; t < s_.threads.size(); ++t)
      for (int id : fresh_[t]) owner_[id] = static_cast<int>(t);
    for (int i = s_.initial - 1; i >= 0; --i) stack_.push(pool_.block(i));
    in_flight_ = 0;
    history_.clear();
    if (s_.initial) history_.respond(history_.invoke(-1, History::Kind::kAdd, (1ull << s_.initial) - 1));
  }

  void thread(int t) override {
    if (t == static_cast<int>(s_.threads.size())) return observe();
    std::size_t next_fresh = 0;
    const auto& fresh = fresh_[static_cast<std::size_t>(t)];
    for (SpillOp op : s_.threads[static_cast<std::size_t>(t)]) {
      switch (op) {
        case SpillOp::kPush: push(t, fresh[next_fresh], fresh[next_fresh]); ++next_fresh; break;
        case SpillOp::kPushChain2:
          push(t, fresh[next_fresh], fresh[next_fresh + 1]);
          next_fresh += 2;
          break;
        case SpillOp::kReserve: push_reserved(t, fresh[next_fresh]); ++next_fresh; break;
        case SpillOp::kPop: pop(t); break;
        case SpillOp::kPopReuse: {
          const int id = pop(t);
          if (id >= 0) {
            pool_.scribble(id);  // the user wrote into the block while it was out
            push(t, id, id);
          }
          break;
        }
        case SpillOp::kPop2Push1: {
          const int a = pop(t);
          pop(t);
          if (a >= 0) {
            pool_.scribble(a);
            push(t, a, a);
          }
          break;
        }
        case SpillOp::kDrain:
          while (pop(t) >= 0) {
          }
          break;
      }
    }
  }

  void invariant() override {
    const int count = walk(nullptr);
    if constexpr (!kHasLength) return;
    const auto len = length();
    if (s_.mode != CheckMode::kEveryStep) return;
    check(len >= 0, "spill length never negative (invariant 6)", &stack_);
    check(count <= len, "list length <= spill length (invariant 6)", &stack_);
    check(len <= count + in_flight_, "spill length <= list length + ops in flight (invariant 6)",
          &stack_);
  }

  void finish() override {
    std::uint64_t in_list = 0;
    const int count = walk(&in_list);
    if constexpr (kHasLength)
      check(length() == count, "spill length == list length at quiescence (invariant 6)", &stack_);
    for (int i = 0; i < total_; ++i) {
      const bool listed = in_list >> i & 1;
      if (owner_[i] == kInStack)
        check(listed, "no block lost: a pushed block is in the list", pool_.block(i));
      else
        check(!listed, "no block duplicated: a popped block is not in the list", pool_.block(i));
    }
    std::string why;
    if (!history_.check(&why, weak_memory())) report(FailureKind::kLinearizability, why, &stack_);
  }

 private:
  using Pool = BlockPool<40>;

  void push(int t, int first, int last) {
    const auto n = static_cast<std::uint32_t>(last - first + 1);
    if constexpr (kHasLength)
      if (length() >= static_cast<std::int32_t>(s_.target)) return;  // flow control: blocks go elsewhere
    for (int i = first; i <= last; ++i) owner_[i] = kInStack;
    for (int i = first; i < last; ++i)
      Stack::link_of(pool_.block(i))
          .store(reinterpret_cast<std::uintptr_t>(pool_.block(i + 1)), std::memory_order_relaxed);
    std::uint64_t mask = 0;
    for (int i = first; i <= last; ++i) mask |= 1ull << i;
    const int op = history_.invoke(t, History::Kind::kAdd, mask);
    in_flight_ += static_cast<int>(n);
    stack_.push_chain(pool_.block(first), pool_.block(last), n);
    in_flight_ -= static_cast<int>(n);
    history_.respond(op);
  }

  void push_reserved(int t, int id) {
    if constexpr (!requires(Stack& st, std::uint32_t* seen) { st.reserve(1u, 1u, seen); }) {
      push(t, id, id);  // a decoy without reserve(): a plain push
    } else {
      ++in_flight_;  // the length may rise inside reserve()
      std::uint32_t seen = 0;
      if (stack_.reserve(s_.target, 1, &seen) == 0) {  // no room: the block goes elsewhere
        --in_flight_;
        return;
      }
      owner_[id] = kInStack;
      const int op = history_.invoke(t, History::Kind::kAdd, 1ull << id);
      stack_.publish_chain(pool_.block(id), pool_.block(id));
      --in_flight_;
      history_.respond(op);
    }
  }

  int pop(int t) {
    const int op = history_.invoke(t, History::Kind::kTake);
    ++in_flight_;
    void* b = stack_.pop();
    --in_flight_;
    const int id = b ? pool_.id_of(b) : -1;
    history_.respond(op, id >= 0 ? 1ull << id : 0);
    if (b) {
      if (id < 0) {
        check(false, "pop returns a block that was pushed", b);
        return -1;
      }
      check(owner_[id] == kInStack, "a popped block was in the stack (not handed out twice)", b);
      owner_[id] = t;
    }
    return id;
  }

  void observe() {
    for (int i = 0; i < 3; ++i) {
      const auto len = length();
      check(len >= 0 && len <= total_, "observed spill length within [0, blocks]", &stack_);
    }
  }

  // A classic Treiber stack has no length; then only the list itself is checked.
  static constexpr bool kHasLength = requires(Stack& st) { st.length(); };
  std::int32_t length() {
    if constexpr (kHasLength)
      return static_cast<std::int32_t>(stack_.length());
    else
      return 0;
  }

  // Counts the list (and collects it into *mask); a cycle is a failure, not a hang.
  int walk(std::uint64_t* mask) {
    int count = 0;
    std::uint64_t seen = 0;
    stack_.for_each_quiescent([&](void* b) {
      const int id = pool_.id_of(b);
      check(id >= 0 && !(seen >> id & 1), "the spill list is acyclic and holds only blocks", b);
      if (id >= 0) seen |= 1ull << id;
      ++count;
    });
    if (mask) *mask = seen;
    return count;
  }

  std::string name_;
  SpillScript s_;
  std::vector<std::vector<int>> fresh_;
  int total_ = 0;
  Pool pool_;
  Stack stack_{nullptr};
  int owner_[Pool::kBlocks] = {};
  int in_flight_ = 0;
  History history_;
};

}  // namespace interleave
