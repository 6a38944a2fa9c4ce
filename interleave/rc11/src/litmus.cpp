#include "rc11/litmus.h"

#include <cstdio>
#include <cstdlib>

namespace interleave::rc11 {

const std::vector<Litmus>& litmus_tests() {
  static const std::vector<Litmus> all = [] {
    std::vector<Litmus> v;
    add_sb_tests(v);
    add_mp_tests(v);
    add_lb_iriw_tests(v);
    add_wrc_isa2_tests(v);
    add_write_shapes_tests(v);
    add_coherence_tests(v);
    add_rmw_tests(v);
    return v;
  }();
  return all;
}

const Litmus* find_litmus(const std::string& name) {
  for (const Litmus& l : litmus_tests())
    if (l.name == name) return &l;
  return nullptr;
}

std::set<std::string> every(const RegValues& regs, const std::string& memory) {
  std::set<std::string> out;
  std::vector<std::size_t> pick(regs.size(), 0);
  for (;;) {
    std::string s;
    for (std::size_t i = 0; i < regs.size(); ++i)
      s += regs[i].first + "=" + std::to_string(regs[i].second[pick[i]]) + " ";
    out.insert(s + memory);
    std::size_t i = 0;
    while (i < pick.size() && ++pick[i] == regs[i].second.size()) pick[i++] = 0;
    if (i == pick.size()) return out;
  }
}

std::set<std::string> except(std::set<std::string> all, const std::set<std::string>& forbidden) {
  for (const std::string& f : forbidden)
    if (!all.erase(f)) {  // a mistyped forbidden outcome would silently forbid nothing
      std::fprintf(stderr, "litmus: forbidden outcome '%s' is not a candidate\n", f.c_str());
      std::abort();
    }
  return all;
}

}  // namespace interleave::rc11
