// Named scenarios: the same Test can be explored by a gtest, replayed by interleave-replay
// (which finds it by name) and timed by interleave-bench.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "interleave/checker.h"

namespace interleave {

struct Scenario {
  std::string name;
  std::function<std::unique_ptr<Test>()> make;
  bool decoy = false;    // deliberately broken: the checker must report it
  Options options;       // how interleave-replay --explore explores it
  std::string about;
};

void register_scenario(Scenario s);
const std::vector<Scenario>& scenarios();
const Scenario* find_scenario(const std::string& name);

}  // namespace interleave
