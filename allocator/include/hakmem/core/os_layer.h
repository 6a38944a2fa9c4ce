// The OS layer: every mmap, mprotect, madvise and munmap of an allocator instance goes through
// here, so tests can inject failures and the heap check can report the footprint.
//
// Two kinds of memory: a reservation (address space, PROT_NONE, never counted) whose parts are
// committed and decommitted, and independent mappings for large blocks. Commits and maps are
// "maps" for fault injection. The counters here are accounting state, not telemetry: the heap
// check and the stress tool's bounded-memory check read them; they are updated on cold paths.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace hakmem {

class OsLayer {
 public:
  OsLayer() = default;
  OsLayer(const OsLayer&) = delete;
  OsLayer& operator=(const OsLayer&) = delete;

  // Address space only. Returns nullptr (errno ENOMEM) on failure. Not fault-injected.
  void* reserve(std::size_t bytes) noexcept;
  void release(void* p, std::size_t bytes) noexcept;

  // Makes [p, p+bytes) of a reservation readable and writable. False on (injected) failure.
  bool commit(void* p, std::size_t bytes) noexcept;
  // Returns the pages to the OS; the range stays mapped read-write and reads back as zero.
  void decommit(void* p, std::size_t bytes) noexcept;

  // Returns the pages of [p, p+bytes) (committed memory) to the OS without decommitting them:
  // the range stays read-write and reads back as zero. It stops counting as mapped until
  // unpurged(bytes) says it is in use again. Not fault-injected: the kernel needs no memory to
  // drop pages, nor to fault them back.
  void purge(void* p, std::size_t bytes) noexcept;
  void unpurged(std::size_t bytes) noexcept { account_bytes(bytes); }
  // An independent read-write mapping (large blocks, heap records). nullptr on failure.
  void* map(std::size_t bytes) noexcept;
  void unmap(void* p, std::size_t bytes) noexcept;
  // Resizes a mapping made by map(): a shrink trims it in place, a growth moves its pages to a
  // fresh mapping of the new size (nothing is copied). Counts as a map for fault injection.
  // nullptr on failure: the old mapping is untouched.
  void* remap(void* p, std::size_t old_bytes, std::size_t new_bytes) noexcept;

  // Fault injection: fail the nth map from now (1-based, 0 = off) and every `every`-th map
  // (0 = off). Both count commit() and map() calls.
  void inject_faults(std::uint64_t nth, std::uint64_t every) noexcept;
  // A mapping cut in two without a system call (the large cache keeps the tail): counted as one
  // more mapping, so map_calls - unmap_calls still counts the ranges that each need an unmap.
  void account_split() noexcept { maps_.fetch_add(1, std::memory_order_relaxed); }
  // Two adjacent ranges joined back into one (the large cache's join): one range fewer to unmap.
  void account_join() noexcept { unmaps_.fetch_add(1, std::memory_order_relaxed); }

  // Trace hook: called after every commit, decommit, map, unmap and remap (ok = false: it failed).
  enum class Call : std::uint8_t { kCommit, kDecommit, kMap, kUnmap, kRemap };

  // Fault oracle: asked before every commit, map and remap whether it fails (true: it does).
  // The interleaving checker makes each answer a choice of its replayable schedule.
  using FaultOracle = bool (*)(void* ctx, Call call, std::size_t bytes) noexcept;
  void set_fault_oracle(FaultOracle fn, void* ctx) noexcept {
    oracle_ = fn;
    oracle_ctx_ = ctx;
  }

  std::uint64_t mapped_bytes() const noexcept { return mapped_.load(std::memory_order_relaxed); }
  std::uint64_t peak_mapped_bytes() const noexcept { return peak_.load(std::memory_order_relaxed); }
  std::uint64_t map_calls() const noexcept { return maps_.load(std::memory_order_relaxed); }
  std::uint64_t unmap_calls() const noexcept { return unmaps_.load(std::memory_order_relaxed); }
  std::uint64_t failures() const noexcept { return failures_.load(std::memory_order_relaxed); }
  std::uint64_t purged_bytes() const noexcept { return purged_.load(std::memory_order_relaxed); }

  static std::size_t page_size() noexcept { return 4096; }

  using Observer = void (*)(void* ctx, Call call, const void* p, std::size_t bytes, bool ok);
  void set_observer(Observer fn, void* ctx) noexcept {
    observer_ = fn;
    observer_ctx_ = ctx;
  }

 private:
  bool injected_failure(Call call, std::size_t bytes) noexcept;
  void account_map(std::size_t bytes) noexcept;
  void account_bytes(std::size_t bytes) noexcept;
  void observe(Call c, const void* p, std::size_t bytes, bool ok) noexcept {
    if (observer_) observer_(observer_ctx_, c, p, bytes, ok);
  }

  FaultOracle oracle_ = nullptr;
  void* oracle_ctx_ = nullptr;
  Observer observer_ = nullptr;
  void* observer_ctx_ = nullptr;

  std::atomic<std::uint64_t> mapped_{0}, peak_{0}, maps_{0}, unmaps_{0}, failures_{0}, purged_{0};
  std::atomic<std::uint64_t> fault_counter_{0}, fault_nth_{0}, fault_every_{0};
};

}  // namespace hakmem
