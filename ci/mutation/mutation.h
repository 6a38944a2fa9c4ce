// Mutant switch of the mutation build (ci/mutation/): the schemata headers ask active(id) at
// each mutation site. HAKMEM_MUTANT names the one active mutant; unset, none is. It may run
// inside malloc, so it must not allocate: getenv and a hand-written parse, read once.
#pragma once
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

}  // namespace hakmem::mutation
