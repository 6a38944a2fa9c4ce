#include "rc11/cross_check.h"

namespace interleave::rc11 {

std::string cross_check(const Program& p, const Options& base) {
  Options o = base;
  o.collect_graphs = o.check_duplicates = true;
  const Result b = explore(p, Strategy::brute, o);
  const Result d = explore(p, Strategy::dpor, o);
  std::string why;
  if (!b.complete || !d.complete) why += "incomplete (budget); ";
  if (d.duplicates) why += "dpor built " + std::to_string(d.duplicates) + " graphs twice; ";
  if (b.executions != d.executions)
    why += "executions: brute " + std::to_string(b.executions) + ", dpor " + std::to_string(d.executions) + "; ";
  std::size_t only_b = 0, only_d = 0;
  for (const auto& g : b.graphs) only_b += !d.graphs.count(g);
  for (const auto& g : d.graphs) only_d += !b.graphs.count(g);
  if (only_b || only_d)
    why += std::to_string(only_b) + " graphs only brute found, " + std::to_string(only_d) + " only dpor; ";
  if (b.outcomes != d.outcomes) why += "outcome counts differ; ";
  return why;
}

}  // namespace interleave::rc11
