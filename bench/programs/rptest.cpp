// rptest: the shape of rpmalloc's benchmark. Phases of a random number of threads (1..max);
// each thread keeps a working set of blocks of random sizes (small sizes more likely: the size
// class is a power of two picked uniformly, the size uniform inside it) and replaces random
// members of it. A set share of the blocks it drops is not freed but handed to another thread
// of the phase, which frees it when it next looks at its inbox: remote frees at a fixed rate,
// mixed into ordinary local churn, with the thread count changing from phase to phase.
// Self-check: a block's stamp comes from an id its owner keeps outside the block, checked before
// the owner frees the block or hands it over (so a block handed out twice, stamped by both
// holders, is caught), and every block allocated is freed exactly once (counted per thread,
// summed per phase).
#include <atomic>
#include <thread>

#include "bench_common.h"
#include "check.h"

namespace {

constexpr const char* kName = "rptest";

struct Config {
  uint64_t ops = 4'000'000;  // replacements over all phases
  uint64_t max_threads = 4;
  uint64_t phases = 8;
  uint64_t blocks = 2048;    // working set per thread
  uint64_t min_size = 16;
  uint64_t max_size = 8192;
  uint64_t remote_percent = 20;
  uint64_t seed = 42;
};

// Block layout: [next, while in an inbox][uint32 size][stamp of the owner's id to the end].
struct Header {
  Header* next;
  uint32_t size;
};
constexpr size_t kStampAt = 12;

// A member of a thread's working set: the block and the id its stamp was made from.
struct Member {
  Header* h;
  uint64_t id;
};

// Blocks other threads dropped for this one to free: pushes from any thread, the owner takes all.
struct alignas(64) Inbox {
  std::atomic<Header*> head{nullptr};
  void push(Header* h) {
    Header* old = head.load(std::memory_order_relaxed);
    do h->next = old;
    while (!head.compare_exchange_weak(old, h, std::memory_order_release, std::memory_order_relaxed));
  }
  Header* take_all() { return head.exchange(nullptr, std::memory_order_acquire); }
};

struct alignas(64) Counts {
  uint64_t allocated = 0;
  uint64_t freed = 0;
  uint64_t handed = 0;
};

uint64_t random_size(const Config& cfg, bench::Rng& rng) {
  unsigned lo = 63 - __builtin_clzll(cfg.min_size), hi = 63 - __builtin_clzll(cfg.max_size - 1);
  if (hi < lo) hi = lo;  // one class: min..max
  unsigned bits = lo + static_cast<unsigned>(rng.next() % (hi - lo + 1));
  uint64_t size = (uint64_t{1} << bits) + rng.next() % (uint64_t{1} << bits);
  return size < cfg.min_size ? cfg.min_size : size > cfg.max_size ? cfg.max_size : size;
}

Member allocate(const Config& cfg, bench::Rng& rng, Counts& n, uint64_t id) {
  uint64_t size = random_size(cfg, rng);
  auto* h = static_cast<Header*>(bench::xmalloc(kName, size));
  h->size = static_cast<uint32_t>(size);
  bench::stamp(reinterpret_cast<char*>(h) + kStampAt, size - kStampAt, id);
  ++n.allocated;
  return {h, id};
}

void check(const Member& m, const Config& cfg, uint64_t thread, uint64_t op) {
  if (m.h->size < cfg.min_size || m.h->size > cfg.max_size ||
      !bench::stamp_ok(reinterpret_cast<char*>(m.h) + kStampAt, m.h->size - kStampAt, m.id))
    bench::check_failed(kName, "thread %" PRIu64 " op %" PRIu64 ": block %p (id %" PRIu64 ") lost its stamp",
                        thread, op, static_cast<void*>(m.h), m.id);
}

// Frees what other threads handed over (each checked by its owner right before the hand-over).
void drain(Inbox& inbox, Counts& n) {
  for (Header* h = inbox.take_all(); h;) {
    Header* next = h->next;
    std::free(h);
    ++n.freed;
    h = next;
  }
}

void run_thread(const Config& cfg, uint64_t ops, uint64_t self, std::vector<Inbox>& inboxes,
                Counts& n, uint64_t seed) {
  bench::Rng rng(seed);
  const uint64_t threads = inboxes.size();
  uint64_t next_id = seed << 32;
  std::vector<Member> set(cfg.blocks);
  for (auto& m : set) m = allocate(cfg, rng, n, next_id++);
  for (uint64_t i = 0; i < ops; ++i) {
    Member& slot = set[rng.next() % cfg.blocks];
    check(slot, cfg, self, i);
    if (threads > 1 && rng.next() % 100 < cfg.remote_percent) {
      uint64_t to = (self + 1 + rng.next() % (threads - 1)) % threads;
      inboxes[to].push(slot.h);
      ++n.handed;
    } else {
      std::free(slot.h);
      ++n.freed;
    }
    slot = allocate(cfg, rng, n, next_id++);
    if ((i & 63) == 63) drain(inboxes[self], n);
  }
  for (const Member& m : set) {
    check(m, cfg, self, ops);
    std::free(m.h);
    ++n.freed;
  }
  drain(inboxes[self], n);
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts(kName, "Phases of 1..max threads churn random-size blocks; a set share of frees is remote.");
  opts.add("ops", "replacements over all phases", &cfg.ops, 1, 1'000'000'000'000ULL);
  opts.add("max-threads", "most threads in a phase (each phase picks 1..max)", &cfg.max_threads, 1, 512);
  opts.add("phases", "phases, each with its own thread count", &cfg.phases, 1, 1'000'000);
  opts.add("blocks", "working set per thread", &cfg.blocks, 1, 1ULL << 24);
  opts.add("min-size", "smallest request in bytes", &cfg.min_size, 16, 1ULL << 30);
  opts.add("max-size", "largest request in bytes", &cfg.max_size, 16, 1ULL << 30);
  opts.add("remote-percent", "share of dropped blocks handed to another thread to free", &cfg.remote_percent, 0, 100);
  opts.add("seed", "RNG seed (thread counts and every thread's stream derive from it)", &cfg.seed, 0, UINT64_MAX);
  opts.parse(argc, argv);
  if (cfg.min_size > cfg.max_size) opts.fail("--min-size must not exceed --max-size");
  std::printf("%s: ops=%" PRIu64 " max-threads=%" PRIu64 " phases=%" PRIu64 " blocks=%" PRIu64
              " sizes=%" PRIu64 "..%" PRIu64 " remote=%" PRIu64 "%% seed=%" PRIu64 "\n",
              kName, cfg.ops, cfg.max_threads, cfg.phases, cfg.blocks, cfg.min_size, cfg.max_size,
              cfg.remote_percent, cfg.seed);

  bench::Rng phase_rng(cfg.seed);
  Counts total;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t phase = 0; phase < cfg.phases; ++phase) {
    uint64_t threads = phase_rng.between(1, cfg.max_threads);
    uint64_t phase_ops = cfg.ops / cfg.phases + (phase < cfg.ops % cfg.phases ? 1 : 0);
    std::vector<Inbox> inboxes(threads);
    std::vector<Counts> counts(threads);
    std::vector<std::thread> pool;
    for (uint64_t t = 0; t < threads; ++t) {
      uint64_t ops = phase_ops / threads + (t < phase_ops % threads ? 1 : 0);
      pool.emplace_back([&, t, ops] { run_thread(cfg, ops, t, inboxes, counts[t], cfg.seed ^ (phase << 32) ^ (t + 1)); });
    }
    for (auto& th : pool) th.join();
    // A thread that finished early missed what slower ones handed it later: free that here.
    for (uint64_t t = 0; t < threads; ++t) drain(inboxes[t], counts[t]);
    for (const Counts& c : counts) {
      total.allocated += c.allocated;
      total.freed += c.freed;
      total.handed += c.handed;
    }
    if (total.allocated != total.freed)
      bench::check_failed(kName, "phase %" PRIu64 " (%" PRIu64 " threads): %" PRIu64 " blocks allocated, %" PRIu64
                          " freed", phase, threads, total.allocated, total.freed);
  }
  double seconds = bench::seconds_since(start);
  std::printf("%s: %" PRIu64 " blocks, %" PRIu64 " handed to another thread\n", kName, total.allocated, total.handed);
  bench::print_result(kName, cfg.ops, seconds);
  return 0;
}
