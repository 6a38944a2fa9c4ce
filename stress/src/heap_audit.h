// hakmem's own accounting, checked by the coordinator (hakmem target only; no-ops otherwise).
#pragma once
#include <cstddef>

namespace stress {

struct Run;
class FootprintTracker;

// At a round boundary, workers parked: spill length vs stack (invariant 6), footprint sample.
void audit_boundary(Run& run, FootprintTracker& fp);

// After teardown, every block freed: hak_quiesce(), then hak_heap_check() must find no live
// block, no error, every slab's blocks accounted for, nothing in transit (invariants 4-6),
// and the footprint within its bound. Writes a short note (slabs, heaps, maps).
void audit_final(Run& run, FootprintTracker& fp, char* note, std::size_t note_size);

}  // namespace stress
