// Violations: one line each, naming the check (and invariant of DESIGN.md), the pointer and
// size, the thread, the workload and the seed, plus the command that replays the run.
#pragma once
#include <atomic>
#include <cstdint>

namespace stress {

enum class Check {
  Overlap,          // invariant 1
  Contents,         // invariant 1
  ReallocContents,  // invariant 1
  Alignment,        // invariant 2
  UsableSize,       // invariant 3
  UsableOverlap,    // invariant 3
  Accounting,       // invariant 4
  Remote,           // invariant 5
  Spill,            // invariant 6
  Footprint,        // invariant 7
  Creep,            // invariant 7
  OsFault,          // invariant 8
  CallocZero,
  NullResult,
  Errno,
  ForkChild,
  NotExercised,
  Hang,
  Internal,
};

const char* check_tag(Check c);   // e.g. "inv1-overlap": stable, matched by the decoy tests
const char* check_text(Check c);  // one sentence

// Where violations of one workload run are reported.
struct ReportContext {
  const char* workload = "";
  const char* target = "";
  uint64_t seed = 0;
  int threads = 0;
  std::atomic<uint64_t>* count = nullptr;  // incremented per violation
  std::atomic<bool>* stop = nullptr;       // set on the first one: stop the workload now
};

constexpr int kCheckCount = static_cast<int>(Check::Internal) + 1;
// The check whose tag is `tag`, or false.
bool check_from_tag(const char* tag, Check* out);

// Waived checks (--waive): a known deviation of the allocator under test set aside by name.
// Their reports neither count as violations nor stop the run; the first of each is printed as
// a WAIVED line and waived_count() tells the summary how many there were. Set before any run.
void set_waived(Check c);
bool is_waived(Check c);
uint64_t waived_count(Check c);

// Prints one line to stderr with a single write(2) (no malloc, lines never interleave).
// thread < 0: reported by the coordinator. Only the first few per run are printed.
void violation(const ReportContext& ctx, Check c, int64_t thread, const char* fmt, ...)
    __attribute__((format(printf, 4, 5)));

}  // namespace stress
