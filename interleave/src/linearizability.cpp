#include "interleave/linearizability.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <unordered_set>

namespace interleave {

int History::invoke(int thread, Kind kind, std::uint64_t items) noexcept {
  if (n_ >= kMaxOps) {
    std::fputs("interleave: History overflow (raise kMaxOps)\n", stderr);
    std::abort();
  }
  ops_[static_cast<std::size_t>(n_)] = Op{kind, thread, items, ++clock_, 0, false};
  return n_++;
}

void History::respond(int id, std::uint64_t items) noexcept {
  Op& op = ops_[static_cast<std::size_t>(id)];
  if (op.kind != Kind::kAdd) op.items = items;
  op.responded = ++clock_;
  op.done = true;
}

namespace {

struct Search {
  using Op = History::Op;
  const Op* ops;
  int n;
  bool spurious_empty;
  std::unordered_set<std::uint64_t> failed;  // sets of linearized ops that lead nowhere

  // `bag` is determined by `done`; extend the linearization of `done` to all ops.
  bool extend(std::uint64_t done, std::uint64_t bag) {
    if (done == (n == 64 ? ~0ull : (1ull << n) - 1)) return true;
    if (failed.count(done)) return false;
    // An op may go next only if no pending op responded before it was invoked.
    std::uint32_t first_response = UINT32_MAX;
    for (int j = 0; j < n; ++j)
      if (!(done >> j & 1) && ops[j].responded < first_response) first_response = ops[j].responded;
    for (int i = 0; i < n; ++i) {
      if (done >> i & 1) continue;
      const Op& op = ops[i];
      if (op.invoked > first_response) continue;
      std::uint64_t next = bag;
      switch (op.kind) {
        case History::Kind::kAdd:
          if (bag & op.items) continue;
          next |= op.items;
          break;
        case History::Kind::kTake:
          if (op.items ? (bag & op.items) != op.items : (bag != 0 && !spurious_empty)) continue;
          next &= ~op.items;
          break;
        case History::Kind::kTakeAll:
          if (op.items == 0 && spurious_empty) break;
          if (bag != op.items) continue;
          next = 0;
          break;
      }
      if (extend(done | 1ull << i, next)) return true;
    }
    failed.insert(done);
    return false;
  }
};

}  // namespace

bool History::check(std::string* why, bool spurious_empty) const {
  for (int i = 0; i < n_; ++i)
    if (!ops_[static_cast<std::size_t>(i)].done) {
      if (why) *why = "op " + std::to_string(i) + " never responded";
      return false;
    }
  Search s{ops_.data(), n_, spurious_empty, {}};
  if (s.extend(0, 0)) return true;
  if (why) {
    std::string h = "no linearization of the history (thread:op[items]@invoke-response):";
    static const char* names[] = {"add", "take", "take_all"};
    for (int i = 0; i < n_; ++i) {
      const Op& op = ops_[static_cast<std::size_t>(i)];
      char buf[96];
      std::snprintf(buf, sizeof buf, " t%d:%s[%llx]@%u-%u", op.thread, names[static_cast<int>(op.kind)],
                    static_cast<unsigned long long>(op.items), op.invoked, op.responded);
      h += buf;
    }
    *why = h;
  }
  return false;
}

}  // namespace interleave
