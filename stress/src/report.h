// What the tool prints: progress lines while a workload runs, the summary table at the end.
#pragma once
#include <cstddef>
#include <cstdint>

namespace stress {

struct Run;
struct Result;

void print_progress(const Run& run, double elapsed, double ops_per_s, uint64_t rss);
void print_summary(const Result* results, std::size_t n);

}  // namespace stress
