// large_churn: big blocks, 64 KiB .. 4 MiB (log-uniform, so every power of two is as likely),
// over a small live set. Each op frees a random slot's block and mallocs a new one, touching one
// byte per 4 KiB page: the cost of mapping, faulting in and returning (or caching) big blocks.
// --fault-profile 1 splits the touches after warm-up into those that took page faults and those
// that did not: on a VM a fault costs thousands of cycles, so an allocator's speed here is mostly
// how rarely it hands out fresh pages once the live set is steady.
#include <sys/resource.h>

#include "bench_common.h"
#include "check.h"

namespace {

constexpr const char* kName = "large_churn";
constexpr uint64_t kPage = 4096;

struct Config {
  uint64_t ops = 6'000;
  uint64_t slots = 8;
  uint64_t min_size = 64 << 10;
  uint64_t max_size = 4 << 20;
  uint64_t seed = 42;
  uint64_t fault_profile = 0;
};

struct Slot {
  unsigned char* p = nullptr;
  uint64_t size = 0;
  uint64_t id = 0;
};

unsigned char page_byte(uint64_t id, uint64_t page) { return static_cast<unsigned char>(bench::stamp_of(id) + page); }

// One byte at the start of every page, and the last byte (its page's value: it may be that byte).
void touch(const Slot& s) {
  for (uint64_t off = 0, page = 0; off < s.size; off += kPage, ++page) s.p[off] = page_byte(s.id, page);
  s.p[s.size - 1] = page_byte(s.id, (s.size - 1) / kPage);
}

void verify(const Slot& s, uint64_t slot, uint64_t op) {
  for (uint64_t off = 0, page = 0; off < s.size; off += kPage, ++page)
    if (s.p[off] != page_byte(s.id, page))
      bench::check_failed(kName, "op %" PRIu64 ", slot %" PRIu64 ": block %p (%" PRIu64 " B) page %" PRIu64
                          " changed", op, slot, static_cast<void*>(s.p), s.size, page);
  if (s.p[s.size - 1] != page_byte(s.id, (s.size - 1) / kPage))
    bench::check_failed(kName, "op %" PRIu64 ", slot %" PRIu64 ": block %p (%" PRIu64 " B) last byte changed",
                        op, slot, static_cast<void*>(s.p), s.size);
}

long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

uint64_t pages_of(const Slot& s) { return (s.size + kPage - 1) / kPage; }

// Touches after warm-up, split by whether they faulted, and the read-backs. Its getrusage calls
// and clock reads cost about a microsecond an op, so when off it only calls through.
struct FaultProfile {
  bool on = false;
  uint64_t from_op = 0;
  uint64_t ops[2] = {}, pages[2] = {};  // [0]: no fault during the touch, [1]: some
  double seconds[2] = {};
  long faults = 0;
  uint64_t verified_pages = 0;  // reading back the blocks about to be freed, after warm-up
  double verify_seconds = 0;

  void verify_timed(const Slot& s, uint64_t slot, uint64_t op) {
    if (!on) return verify(s, slot, op);
    const auto t0 = std::chrono::steady_clock::now();
    verify(s, slot, op);
    if (op < from_op) return;
    verify_seconds += bench::seconds_since(t0);
    verified_pages += pages_of(s);
  }

  void touch_timed(const Slot& s, uint64_t op) {
    if (!on) return touch(s);
    const long f0 = minor_faults();
    const auto t0 = std::chrono::steady_clock::now();
    touch(s);
    const double dt = bench::seconds_since(t0);
    const long f = minor_faults() - f0;
    if (op < from_op) return;
    const int k = f > 0;
    ++ops[k];
    pages[k] += pages_of(s);
    seconds[k] += dt;
    faults += f;
  }
  void print(uint64_t total_ops, double loop_seconds) const {
    auto ns_per_page = [&](int k) { return pages[k] ? 1e9 * seconds[k] / static_cast<double>(pages[k]) : 0.0; };
    std::printf("%s fault profile, ops %" PRIu64 "..%" PRIu64 ": %" PRIu64 " touches faulted (%ld faults, %.0f ns a page, "
                "%.1f%% of the loop); %" PRIu64 " did not (%.1f ns a page); verify %.1f ns a page\n",
                kName, from_op, total_ops, ops[1], faults, ns_per_page(1), 100.0 * seconds[1] / loop_seconds, ops[0],
                ns_per_page(0), verified_pages ? 1e9 * verify_seconds / static_cast<double>(verified_pages) : 0.0);
  }
};

// Log-uniform in [lo, hi]: a uniform exponent, then a uniform size inside that octave.
uint64_t log_uniform(bench::Rng& rng, uint64_t lo, uint64_t hi) {
  uint64_t octaves = 0;
  while ((lo << (octaves + 1)) <= hi) ++octaves;
  uint64_t base = lo << rng.between(0, octaves);
  return std::min(hi, rng.between(base, 2 * base - 1));
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts(kName, "Large blocks (64 KiB .. 4 MiB), touched per page, over a small live set.");
  opts.add("ops", "block replacements", &cfg.ops, 1, 1'000'000'000'000ULL);
  opts.add("slots", "live blocks at most", &cfg.slots, 1, 1 << 16);
  opts.add("min-size", "smallest request in bytes", &cfg.min_size, 1, 1ULL << 32);
  opts.add("max-size", "largest request in bytes", &cfg.max_size, 1, 1ULL << 32);
  opts.add("seed", "RNG seed", &cfg.seed, 0, UINT64_MAX);
  opts.add("fault-profile", "1: split the touches after warm-up (the first tenth) by page faults", &cfg.fault_profile,
           0, 1);
  opts.parse(argc, argv);
  if (cfg.min_size > cfg.max_size) opts.fail("--min-size must not exceed --max-size");
  std::printf("%s: ops=%" PRIu64 " slots=%" PRIu64 " sizes=%" PRIu64 "..%" PRIu64 " seed=%" PRIu64 "\n",
              kName, cfg.ops, cfg.slots, cfg.min_size, cfg.max_size, cfg.seed);

  bench::Rng rng(cfg.seed);
  std::vector<Slot> slot(cfg.slots);
  FaultProfile profile;
  profile.on = cfg.fault_profile != 0;
  profile.from_op = cfg.ops / 10;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t op = 0; op < cfg.ops; ++op) {
    uint64_t i = rng.next() % cfg.slots;
    if (slot[i].p) {
      profile.verify_timed(slot[i], i, op);
      std::free(slot[i].p);
    }
    uint64_t size = log_uniform(rng, cfg.min_size, cfg.max_size);
    slot[i] = {static_cast<unsigned char*>(bench::xmalloc(kName, size)), size, op};
    profile.touch_timed(slot[i], op);
  }
  const double loop_seconds = bench::seconds_since(start);
  for (uint64_t i = 0; i < cfg.slots; ++i)
    if (slot[i].p) verify(slot[i], i, cfg.ops), std::free(slot[i].p);
  bench::print_result(kName, cfg.ops, bench::seconds_since(start));
  if (profile.on) profile.print(cfg.ops, loop_seconds);
  return 0;
}
