// large_buffers: the malloc-large shape of the peers' suites. A live set of big buffers (20 of
// 5..25 MiB by default) in which each op replaces a random one: the old buffer is freed and a
// new one is value-initialised (every byte zeroed, as `new char[n]()` does), so every page of a
// new buffer is written. An allocator that gives freed pages back and faults fresh ones in for
// the next buffer pays one page fault per 4 KiB; one that keeps them pays nothing but the zeroing.
// Self-check: each buffer carries a stamp in its first and last 8 bytes and one per MiB, checked
// before it is freed; a zeroed buffer must read zero where no stamp was written.
#include <cstring>
#include <vector>

#include "bench_common.h"
#include "check.h"

namespace {

constexpr const char* kName = "large_buffers";
constexpr uint64_t kMiB = 1 << 20;

struct Config {
  uint64_t ops = 2'000;
  uint64_t live = 20;
  uint64_t min_size = 5 * kMiB;
  uint64_t max_size = 25 * kMiB;
  uint64_t seed = 42;
};

struct Buffer {
  unsigned char* p = nullptr;
  uint64_t size = 0;
  uint64_t id = 0;
};

// Where a buffer's stamps go: the start of every MiB and its last 8 bytes.
template <class F>
void for_each_stamp(const Buffer& b, F&& f) {
  for (uint64_t off = 0; off + 16 <= b.size; off += kMiB)  // never over the last stamp
    f(off, bench::stamp_of(b.id + off));
  f(b.size - 8, bench::stamp_of(b.id ^ b.size));
}

// Called through a volatile pointer: the compiler must not fold malloc + memset into calloc, which
// could skip the writes to fresh pages that value-initialisation makes.
void* (*volatile zero_fill)(void*, int, size_t) = std::memset;

void fill(Buffer& b, const char* where) {
  b.p = static_cast<unsigned char*>(bench::xmalloc(kName, b.size));
  zero_fill(b.p, 0, b.size);  // value-initialisation
  if (b.p[b.size / 2 + 1] != 0) bench::check_failed(kName, "%s: buffer %p not zero after memset", where, static_cast<void*>(b.p));
  for_each_stamp(b, [&](uint64_t off, uint64_t s) { std::memcpy(b.p + off, &s, 8); });
}

void verify(const Buffer& b, uint64_t op) {
  for_each_stamp(b, [&](uint64_t off, uint64_t s) {
    uint64_t got;
    std::memcpy(&got, b.p + off, 8);
    if (got != s)
      bench::check_failed(kName, "op %" PRIu64 ": buffer %p (%" PRIu64 " B) changed at offset %" PRIu64, op,
                          static_cast<void*>(b.p), b.size, off);
  });
  if (b.size > 2 * kMiB && b.p[kMiB + 8] != 0)
    bench::check_failed(kName, "op %" PRIu64 ": buffer %p (%" PRIu64 " B) changed past its first stamp", op,
                        static_cast<void*>(b.p), b.size);
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts(kName, "Replace big value-initialised buffers in a live set (malloc-large shape).");
  opts.add("ops", "replacements", &cfg.ops, 1, 1'000'000'000);
  opts.add("live", "buffers live at once", &cfg.live, 1, 4096);
  opts.add("min-size", "smallest buffer in bytes", &cfg.min_size, 16, 1ULL << 34);
  opts.add("max-size", "largest buffer in bytes", &cfg.max_size, 16, 1ULL << 34);
  opts.add("seed", "RNG seed", &cfg.seed, 0, UINT64_MAX);
  opts.parse(argc, argv);
  if (cfg.min_size > cfg.max_size) opts.fail("--min-size must not exceed --max-size");
  std::printf("%s: ops=%" PRIu64 " live=%" PRIu64 " sizes=%" PRIu64 "..%" PRIu64 " seed=%" PRIu64 "\n", kName,
              cfg.ops, cfg.live, cfg.min_size, cfg.max_size, cfg.seed);

  bench::Rng rng(cfg.seed);
  std::vector<Buffer> bufs(cfg.live);
  uint64_t next_id = 1;
  auto renew = [&](Buffer& b, const char* where) {
    b.size = rng.between(cfg.min_size, cfg.max_size);
    b.id = bench::stamp_of(next_id++);
    fill(b, where);
  };
  auto start = std::chrono::steady_clock::now();
  for (auto& b : bufs) renew(b, "warm-up");
  for (uint64_t op = 0; op < cfg.ops; ++op) {
    Buffer& b = bufs[rng.next() % cfg.live];
    verify(b, op);
    std::free(b.p);
    renew(b, "replacement");
  }
  for (uint64_t i = 0; i < bufs.size(); ++i) {
    verify(bufs[i], cfg.ops + i);
    std::free(bufs[i].p);
  }
  bench::print_result(kName, cfg.ops, bench::seconds_since(start));
  return 0;
}
