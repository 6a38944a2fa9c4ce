// Mutant switch of the mutation build (ci/mutation/): the schemata headers ask active(id) at
// each mutation site. HAKMEM_MUTANT names the one active mutant; unset, none is. It may run
// inside malloc, so it must not allocate: getenv and a hand-written parse, read once.
#pragma once
#include <atomic>
#include <cstdlib>

namespace hakmem::mutation {

inline long parse_mutant_id(const char* s) noexcept {
  if (s == nullptr || *s == '\0') return -1;
  long v = 0;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9' || v > 100000000) return -1;
    v = v * 10 + (*s - '0');
  }
  return v;
}

inline long mutant_id() noexcept {
  static const long id = parse_mutant_id(std::getenv("HAKMEM_MUTANT"));
  return id;
}

inline bool active(long id) noexcept { return mutant_id() == id; }

// Operator cas-split: `split_cas(a).compare_exchange_weak(expected, desired, ...)` is a CAS
// turned into a load, a compare and a store: each half atomic (seq_cst, whatever the orders
// asked, so only the window between them differs), the pair not. Same result and the same
// update of `expected` on failure. A works for std::atomic and the interleave checker's cells.
template <class A>
struct SplitCas {
  A& a;
  template <class T, class U, class... Orders>
  bool compare_exchange_weak(T& expected, U desired, Orders...) const noexcept {
    T cur = a.load(std::memory_order_seq_cst);
    if (!(cur == expected)) {
      expected = cur;
      return false;
    }
    a.store(static_cast<T>(desired), std::memory_order_seq_cst);
    return true;
  }
  template <class T, class U, class... Orders>
  bool compare_exchange_strong(T& expected, U desired, Orders... o) const noexcept {
    return compare_exchange_weak(expected, desired, o...);
  }
};

template <class A>
SplitCas<A> split_cas(A& a) noexcept {
  return SplitCas<A>{a};
}

}  // namespace hakmem::mutation
