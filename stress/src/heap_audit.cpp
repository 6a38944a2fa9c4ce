#include "heap_audit.h"

#include <cstdio>
#include <cstdlib>

#include "footprint.h"
#include "workload.h"

namespace stress {
namespace {
using ull = unsigned long long;
constexpr int kTinyClasses = HAK_TINY_CLASSES;
}  // namespace

void audit_boundary(Run& run, FootprintTracker& fp) {
  hak_heap_report r{};
  if (!hak::heap_check(&r)) return;
  // Not quiescent (caches are full), but nothing runs: the stack and its length must agree,
  // and flow control may overshoot the target by at most one push per thread in flight.
  const unsigned long long limit = r.spill_target + static_cast<unsigned long long>(run.threads) + 1;
  for (int c = 0; c < kTinyClasses; ++c) {
    if (r.spill_length[c] != r.spill_blocks[c]) {
      violation(run.rc, Check::Spill, -1, "round %d boundary, class %d: spill_length %llu, blocks on the stack %llu",
                run.round.load(), c, static_cast<ull>(r.spill_length[c]), static_cast<ull>(r.spill_blocks[c]));
    } else if (r.spill_length[c] > limit) {
      violation(run.rc, Check::Spill, -1,
                "round %d boundary, class %d: spill_length %llu over the flow-control limit %llu (target %llu + %d "
                "threads + 1)",
                run.round.load(), c, static_cast<ull>(r.spill_length[c]), limit, static_cast<ull>(r.spill_target),
                run.threads);
    }
  }
  fp.sample_mapped(r.mapped_bytes, "at a round boundary");
}

void audit_final(Run& run, FootprintTracker& fp, char* note, std::size_t note_size) {
  const std::size_t tracked = run.ranges.count();
  if (tracked != 0) {
    violation(run.rc, Check::Internal, -1, "%zu blocks still tracked after teardown (the workload leaked them)",
              tracked);
  }
  hak_heap_report r{};
  if (!hak::available()) return;
  hak::quiesce();
  if (!hak::heap_check(&r)) return;
  const bool clean_run = run.violations.load() == 0;  // else blocks were leaked on purpose
  if (r.errors != 0) {
    violation(run.rc, Check::Accounting, -1, "hak_heap_check found %llu errors after quiescence; first: %s",
              static_cast<ull>(r.errors), r.first_error);
  }
  if (clean_run && (r.tiny_live_blocks || r.pool_live_blocks || r.large_live_blocks || r.large_live_bytes)) {
    violation(run.rc, Check::Accounting, -1,
              "every block was freed, but after hak_quiesce(): tiny live %llu, pool live %llu, large live %llu "
              "(%llu bytes)",
              static_cast<ull>(r.tiny_live_blocks), static_cast<ull>(r.pool_live_blocks),
              static_cast<ull>(r.large_live_blocks), static_cast<ull>(r.large_live_bytes));
  }
  if (r.tiny_live_blocks + r.tiny_free_blocks + r.tiny_transit_blocks != r.tiny_capacity_blocks) {
    violation(run.rc, Check::Accounting, -1,
              "tiny slabs: live %llu + free %llu + transit %llu != capacity %llu (%llu slabs)",
              static_cast<ull>(r.tiny_live_blocks), static_cast<ull>(r.tiny_free_blocks),
              static_cast<ull>(r.tiny_transit_blocks), static_cast<ull>(r.tiny_capacity_blocks),
              static_cast<ull>(r.tiny_slabs));
  }
  if (r.tiny_transit_blocks != 0 || r.remote_pending != 0) {
    violation(run.rc, Check::Remote, -1,
              "after hak_quiesce() with every thread gone: %llu tiny blocks still in transit, %llu on remote lists "
              "(%llu heaps, %llu orphaned)",
              static_cast<ull>(r.tiny_transit_blocks), static_cast<ull>(r.remote_pending), static_cast<ull>(r.heaps),
              static_cast<ull>(r.orphaned_heaps));
  }
  if (r.pool_cached_blocks != 0) {
    violation(run.rc, Check::Accounting, -1,
              "after hak_quiesce() with every thread gone: %llu mid-size blocks still in thread pool caches",
              static_cast<ull>(r.pool_cached_blocks));
  }
  for (int c = 0; c < kTinyClasses; ++c) {
    if (r.spill_length[c] != 0 || r.spill_blocks[c] != 0) {
      violation(run.rc, Check::Spill, -1, "after hak_quiesce(), class %d: spill_length %llu, blocks on the stack %llu",
                c, static_cast<ull>(r.spill_length[c]), static_cast<ull>(r.spill_blocks[c]));
    }
  }
  fp.sample_mapped(r.mapped_bytes, "after hak_quiesce()");
  std::snprintf(note, note_size, "mapped %.1f MiB (peak %.1f), %llu slabs, %llu heaps, %llu maps",
                static_cast<double>(r.mapped_bytes) / (1 << 20), static_cast<double>(r.peak_mapped_bytes) / (1 << 20),
                static_cast<ull>(r.tiny_slabs), static_cast<ull>(r.heaps), static_cast<ull>(r.os_map_calls));
}

}  // namespace stress
