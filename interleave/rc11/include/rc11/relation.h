// A binary relation over at most 64 events as one 64-bit row per event: composition and
// transitive closure are a few word operations per row, plenty for litmus-sized graphs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace interleave::rc11 {

class Relation {
 public:
  static constexpr std::size_t kMaxEvents = 64;
  explicit Relation(int n = 0) : rows_(static_cast<std::size_t>(n), 0) {}
  int size() const { return static_cast<int>(rows_.size()); }
  static std::uint64_t bit(int e) { return std::uint64_t{1} << e; }

  void add(int a, int b) { rows_[a] |= bit(b); }
  bool has(int a, int b) const { return (rows_[a] >> b) & 1; }
  std::uint64_t row(int a) const { return rows_[a]; }
  void set_row(int a, std::uint64_t r) { rows_[a] = r; }

  Relation& operator|=(const Relation& o);
  Relation then(const Relation& o) const;           // this ; o
  Relation restricted(std::uint64_t from, std::uint64_t to) const;  // [from] ; this ; [to]
  static Relation identity(int n, std::uint64_t on);
  Relation plus() const;                            // transitive closure
  bool irreflexive() const;
  bool acyclic() const { return plus().irreflexive(); }

 private:
  std::vector<std::uint64_t> rows_;
};

}  // namespace interleave::rc11
