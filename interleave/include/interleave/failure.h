// What a failing run reports: the kind of bug, which invariant or address, the logical thread
// and the step (index of the scheduling point) where it was seen.
#pragma once
#include <cstdint>
#include <string>

namespace interleave {

enum class FailureKind : std::uint8_t {
  kInvariant,        // a test's check() failed
  kDataRace,         // two Plain accesses, one a write, unordered by happens-before
  kAba,              // a CAS succeeded although the value changed and changed back
  kUseAfterFree,     // Plain access (or atomic write) to memory the test marked freed
  kDeadlock,         // every live thread is blocked in wait() (includes lost wakeups)
  kLivelock,         // the run exceeded the step limit
  kDiverged,         // the test is not deterministic: a replayed choice was not enabled
  kLinearizability,  // a recorded history has no valid linearization
  kAbort,            // the code under test called its fatal error (hakmem would abort)
};

const char* to_string(FailureKind k) noexcept;

struct Failure {
  FailureKind kind = FailureKind::kInvariant;
  std::string what;  // the invariant's name or a description of the event
  const void* address = nullptr;
  int thread = -1;  // logical thread, -1 = main context (setup/finish)
  std::uint32_t step = 0;
};

}  // namespace interleave
