// Small shared pieces of the malloc benchmarks: option parsing, a deterministic RNG, a start
// barrier and the one result line that compare.sh parses.
//
// The benchmarks call only plain malloc/free, so LD_PRELOAD decides which allocator they measure.
#pragma once

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace bench {

// splitmix64: tiny, fast, and fully determined by the seed (printed by every benchmark).
struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi]; the modulo bias is irrelevant for a benchmark.
  uint64_t between(uint64_t lo, uint64_t hi) { return lo + next() % (hi - lo + 1); }
};

// One unsigned integer option: --name=N or --name N, checked against [min, max].
struct Option {
  const char* name;
  const char* help;
  uint64_t* value;
  uint64_t min;
  uint64_t max;
};

class Options {
 public:
  Options(const char* program, const char* summary) : program_(program), summary_(summary) {}

  void add(const char* name, const char* help, uint64_t* value, uint64_t min, uint64_t max) {
    options_.push_back({name, help, value, min, max});
  }

  // Parses argv; --help prints usage and exits 0, anything malformed prints why and exits 2.
  void parse(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        usage(stdout);
        std::exit(0);
      }
      if (arg.rfind("--", 0) != 0) fail("unexpected argument '" + arg + "'");
      std::string name = arg.substr(2), text;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        text = name.substr(eq + 1);
        name.resize(eq);
        has_value = true;
      }
      const Option* opt = find(name);
      if (!opt) fail("unknown option '--" + name + "'");
      if (!has_value) {
        if (i + 1 >= argc) fail("option '--" + name + "' needs a value");
        text = argv[++i];
      }
      *opt->value = to_number(*opt, text);
    }
  }

  [[noreturn]] void fail(const std::string& why) const {
    std::fprintf(stderr, "%s: error: %s\n", program_, why.c_str());
    usage(stderr);
    std::exit(2);
  }

 private:
  const Option* find(const std::string& name) const {
    for (const auto& o : options_)
      if (name == o.name) return &o;
    return nullptr;
  }

  uint64_t to_number(const Option& opt, const std::string& text) const {
    const std::string which = "--" + std::string(opt.name);
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
      fail(which + " expects an unsigned integer, got '" + text + "'");
    errno = 0;
    unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE || v < opt.min || v > opt.max)
      fail(which + "=" + text + " is out of range [" + std::to_string(opt.min) + ", " +
           std::to_string(opt.max) + "]");
    return v;
  }

  void usage(FILE* out) const {
    std::fprintf(out, "usage: %s [options]\n%s\noptions:\n", program_, summary_);
    for (const auto& o : options_)
      std::fprintf(out, "  --%-12s %s (default %" PRIu64 ", range %" PRIu64 "..%" PRIu64 ")\n",
                   o.name, o.help, *o.value, o.min, o.max);
    std::fprintf(out, "  --help         this text\n");
  }

  const char* program_;
  const char* summary_;
  std::vector<Option> options_;
};

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The last line of every benchmark; compare.sh reads ops_per_s from it.
inline void print_result(const char* bench, uint64_t ops, double seconds) {
  std::printf("RESULT bench=%s ops=%" PRIu64 " seconds=%.6f ops_per_s=%.0f\n", bench, ops, seconds,
              seconds > 0 ? static_cast<double>(ops) / seconds : 0.0);
}

}  // namespace bench
