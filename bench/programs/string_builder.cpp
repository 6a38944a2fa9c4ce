// string_builder: realloc-heavy. A working set of strings each grows by appending random-length
// pieces, one realloc to the exact new length per append (the worst case for an allocator
// without in-place growth), until it reaches its target length: mostly small strings (64 B ..
// 4 KiB, pieces of 1..48 B), one in five large (64 KiB .. 512 KiB, pieces of 16 B .. 4 KiB).
// A finished string is verified byte by byte against its deterministic contents, then freed.
#include "bench_common.h"
#include "check.h"

namespace {

constexpr const char* kName = "string_builder";

struct Config {
  uint64_t ops = 1'000'000;
  uint64_t strings = 64;
  uint64_t seed = 42;
};

struct Str {
  unsigned char* p = nullptr;
  uint64_t len = 0;
  uint64_t target = 0;
  uint64_t max_piece = 0;
  uint64_t id = 0;
};

// Byte i of string id: cheap, position-dependent, different per string.
unsigned char content(uint64_t id, uint64_t i) {
  return static_cast<unsigned char>(bench::stamp_of(id) + i * 0x9d + (i >> 9));
}

void start(Str& s, bench::Rng& rng, uint64_t id) {
  bool large = rng.next() % 5 == 0;
  s = {nullptr, 0, large ? rng.between(64 << 10, 512 << 10) : rng.between(64, 4096), large ? 4096u : 48u, id};
}

void verify(const Str& s, uint64_t slot, uint64_t op) {
  for (uint64_t i = 0; i < s.len; ++i)
    if (s.p[i] != content(s.id, i))
      bench::check_failed(kName, "op %" PRIu64 ", slot %" PRIu64 ": string %" PRIu64 " (%p, %" PRIu64
                          " B) byte %" PRIu64 " is wrong", op, slot, s.id, static_cast<void*>(s.p), s.len, i);
}

// One append: realloc to the new length, check the bytes realloc moved (ends), write the piece.
void append(Str& s, bench::Rng& rng, uint64_t slot, uint64_t op) {
  uint64_t piece = std::min(rng.between(1, s.max_piece), s.target - s.len);
  if (s.max_piece > 48) piece = std::max<uint64_t>(piece, std::min<uint64_t>(16, s.target - s.len));
  auto* p = static_cast<unsigned char*>(std::realloc(s.p, s.len + piece));
  if (!p) bench::check_failed(kName, "realloc(%p, %" PRIu64 ") returned NULL", static_cast<void*>(s.p), s.len + piece);
  s.p = p;
  if (s.len && (p[0] != content(s.id, 0) || p[s.len - 1] != content(s.id, s.len - 1)))
    bench::check_failed(kName, "op %" PRIu64 ", slot %" PRIu64 ": realloc to %" PRIu64 " B lost string %" PRIu64
                        "'s old bytes", op, slot, s.len + piece, s.id);
  for (uint64_t i = s.len; i < s.len + piece; ++i) p[i] = content(s.id, i);
  s.len += piece;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts(kName, "Strings grown by realloc, one append at a time, verified when done.");
  opts.add("ops", "appends (reallocs) in total", &cfg.ops, 1, 1'000'000'000'000ULL);
  opts.add("strings", "strings under construction at once", &cfg.strings, 1, 1 << 20);
  opts.add("seed", "RNG seed", &cfg.seed, 0, UINT64_MAX);
  opts.parse(argc, argv);
  std::printf("%s: ops=%" PRIu64 " strings=%" PRIu64 " seed=%" PRIu64 "\n", kName, cfg.ops, cfg.strings, cfg.seed);

  bench::Rng rng(cfg.seed);
  std::vector<Str> str(cfg.strings);
  uint64_t next_id = 0, finished = 0;
  for (auto& s : str) start(s, rng, next_id++);
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t op = 0; op < cfg.ops; ++op) {
    uint64_t i = rng.next() % cfg.strings;
    append(str[i], rng, i, op);
    if (str[i].len == str[i].target) {
      verify(str[i], i, op);
      std::free(str[i].p);
      start(str[i], rng, next_id++);
      ++finished;
    }
  }
  for (uint64_t i = 0; i < cfg.strings; ++i) verify(str[i], i, cfg.ops), std::free(str[i].p);
  double seconds = bench::seconds_since(t0);
  std::printf("%s: %" PRIu64 " strings finished\n", kName, finished);
  bench::print_result(kName, cfg.ops, seconds);
  return 0;
}
