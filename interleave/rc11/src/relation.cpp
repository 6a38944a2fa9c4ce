#include "rc11/relation.h"

namespace interleave::rc11 {

Relation& Relation::operator|=(const Relation& o) {
  for (std::size_t i = 0; i < rows_.size(); ++i) rows_[i] |= o.rows_[i];
  return *this;
}

Relation Relation::then(const Relation& o) const {
  Relation r(size());
  for (int a = 0; a < size(); ++a) {
    std::uint64_t mid = rows_[a], out = 0;
    while (mid) {
      const int b = __builtin_ctzll(mid);
      mid &= mid - 1;
      out |= o.rows_[b];
    }
    r.rows_[a] = out;
  }
  return r;
}

Relation Relation::restricted(std::uint64_t from, std::uint64_t to) const {
  Relation r(size());
  for (int a = 0; a < size(); ++a)
    if ((from >> a) & 1) r.rows_[a] = rows_[a] & to;
  return r;
}

Relation Relation::identity(int n, std::uint64_t on) {
  Relation r(n);
  for (int a = 0; a < n; ++a)
    if ((on >> a) & 1) r.add(a, a);
  return r;
}

Relation Relation::plus() const {
  Relation r = *this;  // Warshall over bit rows
  for (int k = 0; k < size(); ++k)
    for (int a = 0; a < size(); ++a)
      if ((r.rows_[a] >> k) & 1) r.rows_[a] |= r.rows_[k];
  return r;
}

bool Relation::irreflexive() const {
  for (int a = 0; a < size(); ++a)
    if (has(a, a)) return false;
  return true;
}

}  // namespace interleave::rc11
