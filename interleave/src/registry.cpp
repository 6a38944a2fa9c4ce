#include "interleave/registry.h"

namespace interleave {
namespace {
std::vector<Scenario>& table() {
  static std::vector<Scenario> t;
  return t;
}
}  // namespace

void register_scenario(Scenario s) { table().push_back(std::move(s)); }
const std::vector<Scenario>& scenarios() { return table(); }
const Scenario* find_scenario(const std::string& name) {
  for (const Scenario& s : table())
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace interleave
