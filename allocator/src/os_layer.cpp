#include "hakmem/core/os_layer.h"

#include <cerrno>
#include <sys/mman.h>

namespace hakmem {

void* OsLayer::reserve(std::size_t bytes) noexcept {
  void* p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    errno = ENOMEM;
    return nullptr;
  }
  return p;
}

void OsLayer::release(void* p, std::size_t bytes) noexcept { munmap(p, bytes); }

bool OsLayer::injected_failure(Call call, std::size_t bytes) noexcept {
  if (oracle_ && oracle_(oracle_ctx_, call, bytes)) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    errno = ENOMEM;
    return true;
  }
  const std::uint64_t n = fault_counter_.fetch_add(1, std::memory_order_relaxed) + 1;
  const std::uint64_t nth = fault_nth_.load(std::memory_order_relaxed);
  const std::uint64_t every = fault_every_.load(std::memory_order_relaxed);
  if ((nth && n == nth) || (every && n % every == 0)) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    errno = ENOMEM;
    return true;
  }
  return false;
}

void OsLayer::account_map(std::size_t bytes) noexcept {
  maps_.fetch_add(1, std::memory_order_relaxed);
  account_bytes(bytes);
}

void OsLayer::account_bytes(std::size_t bytes) noexcept {
  const std::uint64_t now = mapped_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  std::uint64_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

bool OsLayer::commit(void* p, std::size_t bytes) noexcept {
  bool ok = !injected_failure(Call::kCommit, bytes);
  if (ok && mprotect(p, bytes, PROT_READ | PROT_WRITE) != 0) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    errno = ENOMEM;
    ok = false;
  }
  if (ok) account_map(bytes);
  observe(Call::kCommit, p, bytes, ok);
  return ok;
}

void OsLayer::decommit(void* p, std::size_t bytes) noexcept {
  // MADV_DONTNEED drops the pages now; they read back as zero. The range stays readable on
  // purpose: a lock-free pop may still load a stale link from a block of a released superslab
  // (see SpillStack::speculative_next), and that load must not fault.
  madvise(p, bytes, MADV_DONTNEED);
  unmaps_.fetch_add(1, std::memory_order_relaxed);
  mapped_.fetch_sub(bytes, std::memory_order_relaxed);
  observe(Call::kDecommit, p, bytes, true);
}

void OsLayer::purge(void* p, std::size_t bytes) noexcept {
  madvise(p, bytes, MADV_DONTNEED);
  purged_.fetch_add(bytes, std::memory_order_relaxed);
  mapped_.fetch_sub(bytes, std::memory_order_relaxed);
}

void* OsLayer::map(std::size_t bytes) noexcept {
  void* p = nullptr;
  if (!injected_failure(Call::kMap, bytes)) {
    p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      p = nullptr;
      failures_.fetch_add(1, std::memory_order_relaxed);
      errno = ENOMEM;
    }
  }
  if (p) account_map(bytes);
  observe(Call::kMap, p, bytes, p != nullptr);
  return p;
}

// Every address a mapping moves to comes from mmap, and every range it gives up goes through
// munmap, never a bare mremap: sanitizers intercept mmap and munmap, not mremap (LLVM 14's TSan
// kept the stale history of a range mremap had vacated and reported a race when another
// thread's block was later mremapped onto it). Growing maps a fresh range of the new size and
// moves the old pages over its start; shrinking unmaps the tail.
static void* move_or_trim(void* p, std::size_t old_bytes, std::size_t new_bytes) noexcept {
  if (new_bytes <= old_bytes) {
    if (new_bytes < old_bytes) munmap(static_cast<char*>(p) + new_bytes, old_bytes - new_bytes);
    return p;
  }
  void* q = mmap(nullptr, new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (q == MAP_FAILED) return nullptr;
  if (mremap(p, old_bytes, old_bytes, MREMAP_MAYMOVE | MREMAP_FIXED, q) == MAP_FAILED) {
    munmap(q, new_bytes);
    return nullptr;
  }
  return q;
}

void* OsLayer::remap(void* p, std::size_t old_bytes, std::size_t new_bytes) noexcept {
  void* q = nullptr;
  if (!injected_failure(Call::kRemap, new_bytes)) {
    q = move_or_trim(p, old_bytes, new_bytes);
    if (!q) {
      failures_.fetch_add(1, std::memory_order_relaxed);
      errno = ENOMEM;
    }
  }
  if (q) {
    // One map and one unmap in the counters, so maps - unmaps still counts live mappings.
    unmaps_.fetch_add(1, std::memory_order_relaxed);
    mapped_.fetch_sub(old_bytes, std::memory_order_relaxed);
    account_map(new_bytes);
  }
  observe(Call::kRemap, q, new_bytes, q != nullptr);
  return q;
}

void OsLayer::unmap(void* p, std::size_t bytes) noexcept {
  munmap(p, bytes);
  unmaps_.fetch_add(1, std::memory_order_relaxed);
  mapped_.fetch_sub(bytes, std::memory_order_relaxed);
  observe(Call::kUnmap, p, bytes, true);
}

void OsLayer::inject_faults(std::uint64_t nth, std::uint64_t every) noexcept {
  fault_counter_.store(0, std::memory_order_relaxed);
  fault_nth_.store(nth, std::memory_order_relaxed);
  fault_every_.store(every, std::memory_order_relaxed);
}

}  // namespace hakmem
