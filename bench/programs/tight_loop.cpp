// tight_loop (and tight_loop_mt): the alloc-test / glibc "simple" shape. Each thread fills a
// small batch of 16..256 B blocks, then verifies and frees them all, over and over: the
// allocator's thread-local fast path with a working set that stays in cache.
// Built twice: TIGHT_LOOP_MT=1 gives bench_tight_loop_mt (2 threads by default).
#include <atomic>
#include <thread>

#include "bench_common.h"
#include "check.h"

#ifndef TIGHT_LOOP_MT
#define TIGHT_LOOP_MT 0
#endif

namespace {

constexpr const char* kName = TIGHT_LOOP_MT ? "tight_loop_mt" : "tight_loop";

struct Config {
  uint64_t ops = TIGHT_LOOP_MT ? 60'000'000 : 30'000'000;
  uint64_t threads = TIGHT_LOOP_MT ? 2 : 1;
  uint64_t batch = 100;
  uint64_t min_size = 16;
  uint64_t max_size = 256;
  uint64_t seed = 42;
};

// `ops` mallocs (and as many frees) in batches; the id of a block is (thread, op number).
void run_thread(const Config& cfg, uint64_t thread, uint64_t ops, std::atomic<bool>& go) {
  bench::Rng rng(cfg.seed + thread);
  std::vector<void*> block(cfg.batch);
  std::vector<uint32_t> size(cfg.batch);
  while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
  for (uint64_t done = 0; done < ops;) {
    uint64_t n = std::min<uint64_t>(cfg.batch, ops - done);
    for (uint64_t i = 0; i < n; ++i) {
      size[i] = static_cast<uint32_t>(rng.between(cfg.min_size, cfg.max_size));
      block[i] = bench::xmalloc(kName, size[i]);
      bench::stamp(block[i], size[i], (thread << 48) | (done + i));
    }
    for (uint64_t i = 0; i < n; ++i) {
      if (!bench::stamp_ok(block[i], size[i], (thread << 48) | (done + i)))
        bench::check_failed(kName, "thread %" PRIu64 ", op %" PRIu64 ": block %p of %u B lost its stamp",
                            thread, done + i, block[i], size[i]);
      std::free(block[i]);
    }
    done += n;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts(kName, "Batches of small mallocs, verified and freed, per thread.");
  opts.add("ops", "mallocs in total (split over threads)", &cfg.ops, 1, 1'000'000'000'000ULL);
  opts.add("threads", "threads, each with its own batches", &cfg.threads, 1, 1024);
  opts.add("batch", "blocks live at once per thread", &cfg.batch, 1, 1 << 20);
  opts.add("min-size", "smallest request in bytes", &cfg.min_size, 1, 1 << 20);
  opts.add("max-size", "largest request in bytes", &cfg.max_size, 1, 1 << 20);
  opts.add("seed", "RNG seed (thread t uses seed + t)", &cfg.seed, 0, UINT64_MAX);
  opts.parse(argc, argv);
  if (cfg.min_size > cfg.max_size) opts.fail("--min-size must not exceed --max-size");
  if (cfg.ops < cfg.threads) opts.fail("--ops must be at least --threads");
  std::printf("%s: threads=%" PRIu64 " ops=%" PRIu64 " batch=%" PRIu64 " sizes=%" PRIu64 "..%" PRIu64
              " seed=%" PRIu64 "\n",
              kName, cfg.threads, cfg.ops, cfg.batch, cfg.min_size, cfg.max_size, cfg.seed);

  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  for (uint64_t t = 0; t < cfg.threads; ++t) {
    uint64_t ops = cfg.ops / cfg.threads + (t < cfg.ops % cfg.threads ? 1 : 0);
    workers.emplace_back([&, t, ops] { run_thread(cfg, t, ops, go); });
  }
  auto start = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  for (auto& w : workers) w.join();
  bench::print_result(kName, cfg.ops, bench::seconds_since(start));
  return 0;
}
