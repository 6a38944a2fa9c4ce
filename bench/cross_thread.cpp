// Cross-thread free benchmark: producers malloc blocks of random size and hand them through a
// bounded MPMC ring to consumers, which check a tag byte and free them. Every free is a remote
// free (the freeing thread is not the allocating one). Reports blocks per second.
#include <atomic>
#include <thread>

#include "bench_common.h"
#include "mpmc_ring.h"

namespace {

struct Config {
  uint64_t ops = 4'000'000;
  uint64_t producers = 1;
  uint64_t consumers = 1;
  uint64_t ring = 1024;
  uint64_t min_size = 16;
  uint64_t max_size = 1024;
  uint64_t seed = 42;
};

using Ring = bench::MpmcRing<unsigned char*>;

// A tag derived from the address: a consumer that sees a different byte got a block that was
// overwritten after the producer filled it (overlapping blocks, use after free).
unsigned char tag_of(const unsigned char* p) {
  auto a = reinterpret_cast<uintptr_t>(p);
  return static_cast<unsigned char>((a >> 4) ^ (a >> 12) ^ 0x5a);
}

// Spinning is right while the peer runs on another core; yielding keeps an oversubscribed
// machine (more threads than cores) from wasting whole time slices.
template <class F>
void retry(F&& attempt) {
  for (unsigned spins = 0; !attempt(); ++spins)
    if (spins > 64) std::this_thread::yield();
}

void produce(const Config& cfg, Ring& ring, uint64_t count, uint64_t seed) {
  bench::Rng rng(seed);
  for (uint64_t i = 0; i < count; ++i) {
    size_t size = rng.between(cfg.min_size, cfg.max_size);
    auto* p = static_cast<unsigned char*>(std::malloc(size));
    if (!p) {
      std::fprintf(stderr, "cross_thread: malloc(%zu) returned NULL\n", size);
      std::exit(1);
    }
    p[size - 1] = 0;  // touch both ends like a real user would
    p[0] = tag_of(p);
    retry([&] { return ring.try_push(p); });
  }
}

// Frees blocks until it receives the end marker (nullptr). Returns the number of bad tags.
uint64_t consume(Ring& ring, uint64_t& freed) {
  uint64_t bad = 0;
  for (;;) {
    unsigned char* p = nullptr;
    retry([&] { return ring.try_pop(p); });
    if (!p) return bad;
    bad += p[0] != tag_of(p);
    std::free(p);
    ++freed;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts("cross_thread", "Producers malloc, consumers free, through a bounded ring.");
  opts.add("ops", "blocks handed over in total", &cfg.ops, 1, 1'000'000'000'000ULL);
  opts.add("producers", "allocating threads", &cfg.producers, 1, 512);
  opts.add("consumers", "freeing threads", &cfg.consumers, 1, 512);
  opts.add("ring", "ring capacity (power of two)", &cfg.ring, 2, 1ULL << 24);
  opts.add("min-size", "smallest request in bytes", &cfg.min_size, 1, 1ULL << 30);
  opts.add("max-size", "largest request in bytes", &cfg.max_size, 1, 1ULL << 30);
  opts.add("seed", "RNG seed (producer t uses seed + t)", &cfg.seed, 0, UINT64_MAX);
  opts.parse(argc, argv);
  if (cfg.ring & (cfg.ring - 1)) opts.fail("--ring must be a power of two");
  if (cfg.min_size > cfg.max_size) opts.fail("--min-size must not exceed --max-size");

  std::printf("cross_thread: producers=%" PRIu64 " consumers=%" PRIu64 " ops=%" PRIu64
              " ring=%" PRIu64 " sizes=%" PRIu64 "..%" PRIu64 " seed=%" PRIu64 "\n",
              cfg.producers, cfg.consumers, cfg.ops, cfg.ring, cfg.min_size, cfg.max_size, cfg.seed);

  Ring ring(cfg.ring);
  std::atomic<uint64_t> producers_left{cfg.producers};
  std::vector<uint64_t> bad(cfg.consumers), freed(cfg.consumers);
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t c = 0; c < cfg.consumers; ++c)
    threads.emplace_back([&, c] { bad[c] = consume(ring, freed[c]); });
  for (uint64_t t = 0; t < cfg.producers; ++t) {
    uint64_t count = cfg.ops / cfg.producers + (t < cfg.ops % cfg.producers ? 1 : 0);
    threads.emplace_back([&, t, count] {
      produce(cfg, ring, count, cfg.seed + t);
      // The last producer to finish queues one end marker per consumer, behind every block.
      if (producers_left.fetch_sub(1) == 1)
        for (uint64_t c = 0; c < cfg.consumers; ++c) retry([&] { return ring.try_push(nullptr); });
    });
  }
  for (auto& t : threads) t.join();
  double seconds = bench::seconds_since(start);

  uint64_t total_freed = 0, total_bad = 0;
  for (uint64_t c = 0; c < cfg.consumers; ++c) total_freed += freed[c], total_bad += bad[c];
  if (total_freed != cfg.ops || total_bad != 0) {
    std::fprintf(stderr, "cross_thread: freed %" PRIu64 " of %" PRIu64 " blocks, %" PRIu64 " bad tags\n",
                 total_freed, cfg.ops, total_bad);
    return 1;
  }
  bench::print_result("cross_thread", cfg.ops, seconds);
  return 0;
}
