// prodcons: producers malloc batches of 16..1024 B blocks and hand each batch (a list linked
// through the blocks themselves) through a bounded ring to consumers, which only free: a free
// storm where every free is cross-thread and arrives in bursts of a whole batch.
#include <atomic>
#include <thread>

#include "bench_common.h"
#include "check.h"
#include "mpmc_ring.h"

namespace {

constexpr const char* kName = "prodcons";

struct Config {
  uint64_t ops = 3'000'000;
  uint64_t producers = 1;
  uint64_t consumers = 1;
  uint64_t batch = 64;
  uint64_t ring = 256;
  uint64_t min_size = 16;
  uint64_t max_size = 1024;
  uint64_t seed = 42;
};

// Block layout: [next block of the batch][uint32 size][stamp of (address, size) to the end].
struct Header {
  Header* next;
  uint32_t size;
};
constexpr size_t kStampAt = 12;

uint64_t id_of(const Header* h, uint64_t size) { return reinterpret_cast<uintptr_t>(h) ^ (size << 48); }

using Ring = bench::MpmcRing<Header*>;

template <class F>
void retry(F&& attempt) {  // spin while the peer runs, yield when the machine is oversubscribed
  for (unsigned spins = 0; !attempt(); ++spins)
    if (spins > 64) std::this_thread::yield();
}

void produce(const Config& cfg, Ring& ring, uint64_t count, uint64_t seed) {
  bench::Rng rng(seed);
  while (count) {
    Header* batch = nullptr;
    for (uint64_t i = 0; i < cfg.batch && count; ++i, --count) {
      uint64_t size = rng.between(cfg.min_size, cfg.max_size);
      auto* h = static_cast<Header*>(bench::xmalloc(kName, size));
      h->next = batch;
      h->size = static_cast<uint32_t>(size);
      bench::stamp(reinterpret_cast<char*>(h) + kStampAt, size - kStampAt, id_of(h, size));
      batch = h;
    }
    retry([&] { return ring.try_push(batch); });
  }
}

// Frees whole batches until the end marker (nullptr); returns the number of blocks freed.
uint64_t consume(Ring& ring, uint64_t consumer) {
  uint64_t freed = 0;
  for (;;) {
    Header* h = nullptr;
    retry([&] { return ring.try_pop(h); });
    if (!h) return freed;
    while (h) {
      Header* next = h->next;
      if (!bench::stamp_ok(reinterpret_cast<char*>(h) + kStampAt, h->size - kStampAt, id_of(h, h->size)))
        bench::check_failed(kName, "consumer %" PRIu64 ": block %p (%u B), the %" PRIu64
                            "th it freed, lost its stamp", consumer, static_cast<void*>(h), h->size, freed);
      std::free(h);
      ++freed;
      h = next;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts(kName, "Producers malloc batches, consumers free them (every free remote).");
  opts.add("ops", "blocks in total", &cfg.ops, 1, 1'000'000'000'000ULL);
  opts.add("producers", "allocating threads", &cfg.producers, 1, 512);
  opts.add("consumers", "freeing threads", &cfg.consumers, 1, 512);
  opts.add("batch", "blocks per hand-over", &cfg.batch, 1, 1 << 20);
  opts.add("ring", "ring capacity in batches (power of two)", &cfg.ring, 2, 1ULL << 24);
  opts.add("min-size", "smallest request in bytes", &cfg.min_size, 16, 1ULL << 30);
  opts.add("max-size", "largest request in bytes", &cfg.max_size, 16, 1ULL << 30);
  opts.add("seed", "RNG seed (producer t uses seed + t)", &cfg.seed, 0, UINT64_MAX);
  opts.parse(argc, argv);
  if (cfg.ring & (cfg.ring - 1)) opts.fail("--ring must be a power of two");
  if (cfg.min_size > cfg.max_size) opts.fail("--min-size must not exceed --max-size");
  std::printf("%s: producers=%" PRIu64 " consumers=%" PRIu64 " ops=%" PRIu64 " batch=%" PRIu64
              " sizes=%" PRIu64 "..%" PRIu64 " seed=%" PRIu64 "\n",
              kName, cfg.producers, cfg.consumers, cfg.ops, cfg.batch, cfg.min_size, cfg.max_size, cfg.seed);

  Ring ring(cfg.ring);
  std::atomic<uint64_t> producers_left{cfg.producers};
  std::vector<uint64_t> freed(cfg.consumers);
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t c = 0; c < cfg.consumers; ++c) threads.emplace_back([&, c] { freed[c] = consume(ring, c); });
  for (uint64_t t = 0; t < cfg.producers; ++t) {
    uint64_t count = cfg.ops / cfg.producers + (t < cfg.ops % cfg.producers ? 1 : 0);
    threads.emplace_back([&, t, count] {
      produce(cfg, ring, count, cfg.seed + t);
      if (producers_left.fetch_sub(1) == 1)  // the last producer ends every consumer
        for (uint64_t c = 0; c < cfg.consumers; ++c) retry([&] { return ring.try_push(nullptr); });
    });
  }
  for (auto& t : threads) t.join();
  double seconds = bench::seconds_since(start);

  uint64_t total = 0;
  for (uint64_t f : freed) total += f;
  if (total != cfg.ops) bench::check_failed(kName, "consumers freed %" PRIu64 " of %" PRIu64 " blocks", total, cfg.ops);
  bench::print_result(kName, cfg.ops, seconds);
  return 0;
}
