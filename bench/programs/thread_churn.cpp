// thread_churn: many short-lived threads. A few runners (--threads) each start one worker thread
// after another until the op budget is spent; a worker lives for a random number of ops, with a
// random size profile (small 16..256 B, mixed with 10% up to 16 KiB, or mid 1..16 KiB), keeps a
// working set of slots, and on exit hands some live blocks to the next worker through a stash:
// thread-cache creation and teardown, and frees of blocks whose thread is gone.
#include <atomic>
#include <mutex>
#include <thread>

#include "bench_common.h"
#include "check.h"

namespace {

constexpr const char* kName = "thread_churn";

struct Config {
  uint64_t ops = 6'000'000;
  uint64_t threads = 2;
  uint64_t lifetime = 4000;
  uint64_t slots = 256;
  uint64_t handoff = 32;
  uint64_t seed = 42;
};

struct Block {
  void* p = nullptr;
  uint64_t size = 0;
  uint64_t id = 0;
};

// Blocks left by exited workers; capacity reserved up front so the stash never allocates.
struct Stash {
  std::mutex mu;
  std::vector<Block> blocks;
};

void release(const Block& b, uint64_t worker, const char* when) {
  if (!bench::stamp_ok(b.p, b.size, b.id))
    bench::check_failed(kName, "worker %" PRIu64 " (%s): block %p (%" PRIu64 " B, id %" PRIu64 ") lost its stamp",
                        worker, when, b.p, b.size, b.id);
  std::free(b.p);
}

uint64_t size_for(bench::Rng& rng, uint64_t profile) {
  switch (profile) {
    case 0: return rng.between(16, 256);
    case 1: return rng.next() % 10 ? rng.between(16, 512) : rng.between(1024, 16384);
    default: return rng.between(1024, 16384);
  }
}

// One worker: frees what the stash holds, runs `ops` slot replacements, stashes some blocks.
void worker(const Config& cfg, Stash& stash, uint64_t w, uint64_t ops) {
  {
    std::lock_guard<std::mutex> lock(stash.mu);
    for (const Block& b : stash.blocks) release(b, w, "freeing a previous worker's block");
    stash.blocks.clear();
  }
  bench::Rng rng(cfg.seed + w);
  uint64_t profile = rng.next() % 3;
  std::vector<Block> slot(cfg.slots);
  for (uint64_t i = 0; i < ops; ++i) {
    Block& b = slot[rng.next() % cfg.slots];
    if (b.p) release(b, w, "replacing");
    b = {nullptr, size_for(rng, profile), (w << 32) | i};
    b.p = bench::xmalloc(kName, b.size);
    bench::stamp(b.p, b.size, b.id);
  }
  std::lock_guard<std::mutex> lock(stash.mu);
  for (const Block& b : slot) {
    if (!b.p) continue;
    if (stash.blocks.size() < stash.blocks.capacity() && stash.blocks.size() < cfg.handoff * cfg.threads)
      stash.blocks.push_back(b);
    else
      release(b, w, "exiting");
  }
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts(kName, "Many short-lived threads with random lifetimes and size profiles.");
  opts.add("ops", "mallocs in total", &cfg.ops, 1, 1'000'000'000'000ULL);
  opts.add("threads", "workers running at once", &cfg.threads, 1, 256);
  opts.add("lifetime", "average ops per worker (random: half to 1.5x)", &cfg.lifetime, 2, 1ULL << 32);
  opts.add("slots", "working-set slots per worker", &cfg.slots, 1, 1ULL << 20);
  opts.add("handoff", "blocks a worker leaves to the next, at most", &cfg.handoff, 0, 1ULL << 20);
  opts.add("seed", "RNG seed (worker w uses seed + w)", &cfg.seed, 0, UINT64_MAX);
  opts.parse(argc, argv);
  std::printf("%s: threads=%" PRIu64 " ops=%" PRIu64 " lifetime~%" PRIu64 " slots=%" PRIu64
              " handoff=%" PRIu64 " seed=%" PRIu64 "\n",
              kName, cfg.threads, cfg.ops, cfg.lifetime, cfg.slots, cfg.handoff, cfg.seed);

  Stash stash;
  stash.blocks.reserve(cfg.handoff * cfg.threads);
  std::atomic<uint64_t> claimed{0}, workers{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> runners;
  for (uint64_t r = 0; r < cfg.threads; ++r)
    runners.emplace_back([&] {
      for (;;) {
        uint64_t w = workers.fetch_add(1);
        bench::Rng life(cfg.seed ^ (w * 0x9e3779b97f4a7c15ULL));
        uint64_t want = life.between(cfg.lifetime / 2, cfg.lifetime + cfg.lifetime / 2);
        uint64_t first = claimed.fetch_add(want);
        if (first >= cfg.ops) return;
        uint64_t ops = std::min(want, cfg.ops - first);
        std::thread([&, w, ops] { worker(cfg, stash, w, ops); }).join();
      }
    });
  for (auto& r : runners) r.join();
  double seconds = bench::seconds_since(start);
  for (const Block& b : stash.blocks) release(b, UINT64_MAX, "main, at the end");
  std::printf("%s: %" PRIu64 " worker threads\n", kName, workers.load() - cfg.threads);
  bench::print_result(kName, cfg.ops, seconds);
  return 0;
}
