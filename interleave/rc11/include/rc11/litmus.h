// Litmus tests: a program, the EXACT set of outcomes RC11 allows for it (every register, then
// the final value of every location), and where that set comes from.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "rc11/program.h"

namespace interleave::rc11 {

struct Litmus {
  std::string name;    // [A-Za-z0-9_] only: it is also a gtest parameter name
  std::string source;  // the paper or test suite the expected set comes from
  Program program;
  std::set<std::string> allowed;
};

const std::vector<Litmus>& litmus_tests();
const Litmus* find_litmus(const std::string& name);

// Outcome-set helpers for writing expectations compactly.
using RegValues = std::vector<std::pair<std::string, std::vector<std::int64_t>>>;
// Every combination of the register values (in the order given), each followed by `memory`.
std::set<std::string> every(const RegValues& regs, const std::string& memory);
std::set<std::string> except(std::set<std::string> all, const std::set<std::string>& forbidden);

// One family of tests per file; litmus.cpp gathers them.
void add_sb_tests(std::vector<Litmus>& out);
void add_mp_tests(std::vector<Litmus>& out);
void add_lb_iriw_tests(std::vector<Litmus>& out);
void add_wrc_isa2_tests(std::vector<Litmus>& out);
void add_write_shapes_tests(std::vector<Litmus>& out);  // 2+2W, R, S
void add_coherence_tests(std::vector<Litmus>& out);
void add_rmw_tests(std::vector<Litmus>& out);

}  // namespace interleave::rc11
