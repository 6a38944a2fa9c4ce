// The one way into Relacy for this directory.
//
// relacy.hpp #defines `new`, `delete`, `malloc`, `free`, `assert` and `memory_order_*`, so every
// standard header any file here needs is included *before* it, and nothing is included after.
// relacy_std.hpp is not used: it injects rl::atomic / rl::memory_order into namespace std, which
// collides with libstdc++'s own declarations under C++20; we spell rl:: explicitly instead
// (rl::mo_release where the real header says std::memory_order_release).
//
// Relacy replaces global operator new/delete (inline, in this TU). Memory allocated while a
// simulation runs must therefore not outlive it: params.output_stream is a null stream (or
// std::cout with --verbose), never an ostringstream, and the tests hold no std containers.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <iostream>
#include <ostream>
#include <string>
#include <string_view>

#include <relacy/relacy.hpp>

namespace hkrl {

// The last failed check of this process (plain data: invisible to Relacy, set before it
// stops the iteration), so the table can say *what* broke, not only Relacy's verdict kind.
inline const char* g_last_check = nullptr;

// A test-side check: stops the iteration as a Relacy user-assert (or, from invariant(), an
// invariant) failure. Relacy then leaves this fiber for good, so the failure path never
// returns; the abort only makes that explicit to the compiler (and loud if it ever did).
[[noreturn]] inline void fail(const char* what) {
  g_last_check = what;
  RL_ASSERT(!"check failed");
  std::abort();
}
inline void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

// hakmem's A::pause() in a CAS retry loop: a yield tells Relacy's fair schedulers that this
// thread spins, so they do not report a retry loop as a livelock.
inline void pause() { rl::yield(1, $); }

}  // namespace hkrl
