// The seed's random-mixed benchmark: a working set of slots; each op frees the slot's block (if
// any) and puts a fresh malloc of a random size 16..1024 in its place. Reports ops/s.
// With --threads N every thread runs its own working set (no sharing), ops are split evenly.
#include <atomic>
#include <thread>

#include "bench_common.h"

namespace {

struct Config {
  uint64_t ops = 20'000'000;
  uint64_t slots = 8192;
  uint64_t min_size = 16;
  uint64_t max_size = 1024;
  uint64_t threads = 1;
  uint64_t seed = 42;
};

// Runs `ops` replace-a-slot operations; returns a checksum so nothing can be optimised away.
uint64_t run_thread(const Config& cfg, uint64_t ops, uint64_t seed, std::atomic<uint64_t>& ready,
                    std::atomic<bool>& go) {
  bench::Rng rng(seed);
  std::vector<unsigned char*> slot(cfg.slots, nullptr);
  ready.fetch_add(1);
  while (!go.load(std::memory_order_acquire)) std::this_thread::yield();

  uint64_t checksum = 0;
  for (uint64_t i = 0; i < ops; ++i) {
    uint64_t r = rng.next();
    size_t idx = r % cfg.slots;
    size_t size = cfg.min_size + (r >> 32) % (cfg.max_size - cfg.min_size + 1);
    if (slot[idx]) {
      checksum += slot[idx][0];
      std::free(slot[idx]);
    }
    auto* p = static_cast<unsigned char*>(std::malloc(size));
    if (!p) {
      std::fprintf(stderr, "random_mixed: malloc(%zu) returned NULL\n", size);
      std::exit(1);
    }
    p[0] = static_cast<unsigned char>(i);  // touch the block like a real user would
    p[size - 1] = 0;
    slot[idx] = p;
  }
  for (auto* p : slot) std::free(p);
  return checksum;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts("random_mixed", "Random-size malloc/free over a working set of slots.");
  opts.add("ops", "total operations (split over threads)", &cfg.ops, 1, 1'000'000'000'000ULL);
  opts.add("slots", "working-set slots per thread", &cfg.slots, 1, 1ULL << 26);
  opts.add("min-size", "smallest request in bytes", &cfg.min_size, 1, 1ULL << 30);
  opts.add("max-size", "largest request in bytes", &cfg.max_size, 1, 1ULL << 30);
  opts.add("threads", "threads, each with its own slots", &cfg.threads, 1, 1024);
  opts.add("seed", "RNG seed (thread t uses seed + t)", &cfg.seed, 0, UINT64_MAX);
  opts.parse(argc, argv);
  if (cfg.min_size > cfg.max_size) opts.fail("--min-size must not exceed --max-size");
  if (cfg.ops < cfg.threads) opts.fail("--ops must be at least --threads");

  std::printf("random_mixed: threads=%" PRIu64 " ops=%" PRIu64 " slots=%" PRIu64
              " sizes=%" PRIu64 "..%" PRIu64 " seed=%" PRIu64 "\n",
              cfg.threads, cfg.ops, cfg.slots, cfg.min_size, cfg.max_size, cfg.seed);

  std::atomic<uint64_t> ready{0};
  std::atomic<bool> go{false};
  std::vector<uint64_t> checksums(cfg.threads);
  std::vector<std::thread> workers;
  for (uint64_t t = 0; t < cfg.threads; ++t) {
    uint64_t ops = cfg.ops / cfg.threads + (t < cfg.ops % cfg.threads ? 1 : 0);
    workers.emplace_back([&, t, ops] { checksums[t] = run_thread(cfg, ops, cfg.seed + t, ready, go); });
  }
  while (ready.load() < cfg.threads) std::this_thread::yield();
  auto start = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  for (auto& w : workers) w.join();
  double seconds = bench::seconds_since(start);

  uint64_t checksum = 0;
  for (uint64_t c : checksums) checksum += c;
  std::printf("random_mixed: checksum=%" PRIu64 "\n", checksum);
  bench::print_result("random_mixed", cfg.ops, seconds);
  return 0;
}
