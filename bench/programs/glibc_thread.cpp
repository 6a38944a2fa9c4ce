// glibc_thread: the shape of glibc's bench-malloc-thread. Each thread owns a working set of
// 1024 slots and, op after op, frees the block in a random slot and allocates a new one there,
// with sizes drawn so that small blocks are far more common than big ones (a power-of-two
// class picked uniformly from 8 B to 32 KiB, the size uniform inside it). Threads never share
// blocks: the benchmark shows how the allocator scales with threads that do not interact.
// glibc's version runs for a fixed time; this one runs a fixed number of ops per thread so the
// work is the same under every allocator. Self-check: every block's stamp before its free.
#include <thread>

#include "bench_common.h"
#include "check.h"

namespace {

constexpr const char* kName = "glibc_thread";

struct Config {
  uint64_t ops = 10'000'000;  // per thread
  uint64_t threads = 1;
  uint64_t slots = 1024;
  uint64_t seed = 42;
};

struct Slot {
  void* p = nullptr;
  uint64_t size = 0;
  uint64_t id = 0;
};

uint64_t random_size(bench::Rng& rng) {
  unsigned bits = 3 + static_cast<unsigned>(rng.next() % 12);  // classes 8 B .. 16 KiB-32 KiB
  return (uint64_t{1} << bits) + rng.next() % (uint64_t{1} << bits);
}

void check_and_free(const Slot& s, uint64_t thread) {
  if (!bench::stamp_ok(s.p, s.size, s.id))
    bench::check_failed(kName, "thread %" PRIu64 ": block %p (%" PRIu64 " B, id %" PRIu64 ") lost its stamp",
                        thread, s.p, s.size, s.id);
  std::free(s.p);
}

void run_thread(const Config& cfg, uint64_t thread) {
  bench::Rng rng(cfg.seed + thread);
  std::vector<Slot> slots(cfg.slots);
  uint64_t next_id = thread << 40;
  for (uint64_t i = 0; i < cfg.ops; ++i) {
    Slot& s = slots[rng.next() % cfg.slots];
    if (s.p) check_and_free(s, thread);
    s.size = random_size(rng);
    s.id = next_id++;
    s.p = bench::xmalloc(kName, s.size);
    bench::stamp(s.p, s.size, s.id);
  }
  for (const Slot& s : slots)
    if (s.p) check_and_free(s, thread);
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts(kName, "Threads each replace random slots of their own working set; sizes 8 B..32 KiB, small ones common.");
  opts.add("ops", "replacements per thread", &cfg.ops, 1, 1'000'000'000'000ULL);
  opts.add("threads", "threads, each with its own slots", &cfg.threads, 1, 512);
  opts.add("slots", "working set per thread", &cfg.slots, 1, 1ULL << 24);
  opts.add("seed", "RNG seed (thread t uses seed + t)", &cfg.seed, 0, UINT64_MAX);
  opts.parse(argc, argv);
  std::printf("%s: ops=%" PRIu64 " threads=%" PRIu64 " slots=%" PRIu64 " seed=%" PRIu64 "\n", kName, cfg.ops,
              cfg.threads, cfg.slots, cfg.seed);

  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t t = 0; t < cfg.threads; ++t) threads.emplace_back([&cfg, t] { run_thread(cfg, t); });
  for (auto& t : threads) t.join();
  double seconds = bench::seconds_since(start);
  bench::print_result(kName, cfg.ops * cfg.threads, seconds);
  return 0;
}
