// larson: the Larson & Krishnan server simulation. A shared array of slots is split into one
// region per lane; a lane runs a chain of short-lived threads (generations), each replacing
// random slots of the region (free the old block, malloc 16..1024 B in its place) for a random
// lifetime, then exiting so the next generation frees what it allocated. Every block is thus
// freed by another thread than the one that allocated it, most of them long after.
#include <atomic>
#include <thread>

#include "bench_common.h"
#include "check.h"

namespace {

constexpr const char* kName = "larson";

struct Config {
  uint64_t ops = 20'000'000;
  uint64_t threads = 2;
  uint64_t generations = 50;
  uint64_t slots = 2000;
  uint64_t min_size = 16;
  uint64_t max_size = 1024;
  uint64_t seed = 42;
};

struct Slot {
  void* p = nullptr;
  uint64_t size = 0;
  uint64_t id = 0;
};

// One cache line per lane: next_id is written on every replacement, and lanes packed into one
// line made the benchmark measure that false sharing (it decided, by where an allocator put the
// 48-byte vector, whether 2 lanes ran faster or slower than 1).
struct alignas(64) Lane {
  Slot* region;        // this lane's part of the shared array
  uint64_t next_id;    // ids stay unique across the lane's generations
  uint64_t ops = 0;    // replacements done, all generations
};

void replace(const Config& cfg, Lane& lane, Slot& s, bench::Rng& rng, uint64_t lane_no, uint64_t gen) {
  if (s.p) {
    if (!bench::stamp_ok(s.p, s.size, s.id))
      bench::check_failed(kName, "lane %" PRIu64 " generation %" PRIu64 ": block %p (%" PRIu64
                          " B, id %" PRIu64 ") lost its stamp", lane_no, gen, s.p, s.size, s.id);
    std::free(s.p);
  }
  s.size = rng.between(cfg.min_size, cfg.max_size);
  s.id = lane.next_id++;
  s.p = bench::xmalloc(kName, s.size);
  bench::stamp(s.p, s.size, s.id);
}

// One generation: a thread that lives for a random number of replacements (avg/2 .. 3avg/2).
void generation(const Config& cfg, Lane& lane, uint64_t lane_no, uint64_t gen, uint64_t avg) {
  bench::Rng rng(cfg.seed ^ (lane_no << 32) ^ (gen * 0x9e3779b9ULL));
  uint64_t lifetime = rng.between(avg / 2, avg + avg / 2);
  for (uint64_t i = 0; i < lifetime; ++i) replace(cfg, lane, lane.region[rng.next() % cfg.slots], rng, lane_no, gen);
  lane.ops += lifetime;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts(kName, "Larson server simulation: generations of threads replacing shared slots.");
  opts.add("ops", "replacements in total, about (lifetimes are random)", &cfg.ops, 1, 1'000'000'000'000ULL);
  opts.add("threads", "lanes, i.e. threads running at once", &cfg.threads, 1, 256);
  opts.add("generations", "threads per lane, one after the other", &cfg.generations, 1, 1'000'000);
  opts.add("slots", "slots per lane", &cfg.slots, 1, 1ULL << 24);
  opts.add("min-size", "smallest request in bytes", &cfg.min_size, 1, 1ULL << 30);
  opts.add("max-size", "largest request in bytes", &cfg.max_size, 1, 1ULL << 30);
  opts.add("seed", "RNG seed", &cfg.seed, 0, UINT64_MAX);
  opts.parse(argc, argv);
  if (cfg.min_size > cfg.max_size) opts.fail("--min-size must not exceed --max-size");
  uint64_t avg = cfg.ops / (cfg.threads * cfg.generations);
  if (avg < 2) opts.fail("--ops must be at least 2 x threads x generations");
  std::printf("%s: threads=%" PRIu64 " generations=%" PRIu64 " slots=%" PRIu64 " ops~%" PRIu64
              " sizes=%" PRIu64 "..%" PRIu64 " seed=%" PRIu64 "\n",
              kName, cfg.threads, cfg.generations, cfg.slots, cfg.ops, cfg.min_size, cfg.max_size, cfg.seed);

  // The main thread fills every slot first, so even the first generation frees remotely.
  std::vector<Slot> shared(cfg.threads * cfg.slots);
  std::vector<Lane> lanes;
  bench::Rng fill(cfg.seed);
  for (uint64_t l = 0; l < cfg.threads; ++l) {
    lanes.push_back({&shared[l * cfg.slots], l << 40});
    for (uint64_t s = 0; s < cfg.slots; ++s) replace(cfg, lanes[l], lanes[l].region[s], fill, l, 0);
  }

  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> runners;
  for (uint64_t l = 0; l < cfg.threads; ++l)
    runners.emplace_back([&, l] {
      for (uint64_t g = 0; g < cfg.generations; ++g)
        std::thread([&, l, g] { generation(cfg, lanes[l], l, g, avg); }).join();
    });
  for (auto& r : runners) r.join();
  double seconds = bench::seconds_since(start);

  uint64_t ops = 0;
  for (uint64_t l = 0; l < cfg.threads; ++l) {
    ops += lanes[l].ops;
    for (uint64_t s = 0; s < cfg.slots; ++s) {
      Slot& slot = lanes[l].region[s];
      if (!bench::stamp_ok(slot.p, slot.size, slot.id))
        bench::check_failed(kName, "at the end: lane %" PRIu64 " slot %" PRIu64 " block %p lost its stamp", l, s, slot.p);
      std::free(slot.p);
    }
  }
  bench::print_result(kName, ops, seconds);
  return 0;
}
