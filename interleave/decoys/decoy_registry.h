// Registers a decoy scenario: deliberately broken, so the checker must report it.
#pragma once
#include <memory>
#include <string>

#include "interleave/registry.h"

namespace interleave::decoy {

template <class MakeTest>
void add(const std::string& name, MakeTest make, std::string about, bool aba_fatal = true,
         bool weak_memory = false) {
  Options o;
  o.strategy = StrategyKind::kDfs;
  o.preemption_bound = 2;
  o.max_runs = 100000;
  o.aba_fatal = aba_fatal;
  o.weak_memory = weak_memory;
  register_scenario({name, [name, make] { return make(name); }, true, o, std::move(about)});
}

}  // namespace interleave::decoy
