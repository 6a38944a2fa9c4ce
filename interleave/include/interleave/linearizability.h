// Linearizability against a bag (multiset) model. A test records, for each operation on a
// concurrent container, its invocation and response (in the run's real order: fibers run one
// at a time, so a counter orders events exactly) and what it added or removed. Items are
// small integers 0..63, so a set of items is a 64-bit mask. After the run, check() searches
// for a sequential order that respects real-time order (an op that responded before another
// was invoked comes first) and the bag semantics:
//   add(S):    S disjoint from the bag; bag += S     (push, push_chain)
//   take(x):   x in the bag; bag -= x                (pop returning x)
//   take(0):   the bag is empty                      (pop returning nothing)
//   take_all(S): the bag is exactly S; bag = {}      (remote list take_all)
// The bag is a function of the set of ops already linearized, so failed sets are memoised
// (Wing & Gong's search with Lowe's memoisation).
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace interleave {

class History {
 public:
  enum class Kind : std::uint8_t { kAdd, kTake, kTakeAll };
  static constexpr int kMaxOps = 48;
  struct Op {
    Kind kind;
    int thread;
    std::uint64_t items;  // add: items added; take: item removed (0: empty); take_all: result
    std::uint32_t invoked, responded;
    bool done;
  };

  void clear() noexcept {
    n_ = 0;
    clock_ = 0;
  }
  // Records an invocation; returns the op's id for respond(). No allocation (fiber-safe).
  int invoke(int thread, Kind kind, std::uint64_t items = 0) noexcept;
  void respond(int id, std::uint64_t items = 0) noexcept;

  // True if the (complete) history is linearizable; otherwise `why` explains.
  // spurious_empty: a take or take_all that found nothing may linearize anywhere. Needed under
  // the weak-memory tier: an emptiness check with a relaxed/acquire load may read a stale head
  // (the spill stack's pop, the remote list's cheap pre-check), which the allocator tolerates
  // as "try again later" but real-time order would call a violation.
  bool check(std::string* why, bool spurious_empty = false) const;
  int size() const noexcept { return n_; }

 private:
  std::array<Op, kMaxOps> ops_{};
  int n_ = 0;
  std::uint32_t clock_ = 0;
};

}  // namespace interleave
