#include "hakmem/core/options.h"

#include <cstdlib>
#include <ctime>
#include <type_traits>

#include "hakmem/core/fatal.h"

namespace hakmem {

bool Options::parse_bool(const char* s, bool* out) noexcept {
  if (s[0] && !s[1] && (s[0] == '0' || s[0] == '1')) {
    *out = s[0] == '1';
    return true;
  }
  return false;
}

bool Options::parse_uint(const char* s, std::uint64_t lo, std::uint64_t hi, std::uint64_t* out) noexcept {
  if (!*s) return false;
  std::uint64_t v = 0;
  for (const char* p = s; *p; ++p) {
    if (*p < '0' || *p > '9') return false;
    const std::uint64_t digit = static_cast<std::uint64_t>(*p - '0');
    if (digit > hi || v > (hi - digit) / 10) return false;  // would exceed hi
    v = v * 10 + digit;
  }
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

std::uint64_t monotonic_coarse_ms() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1000000;
}

Options Options::from_env() noexcept {
  Options o;
  o.clock_ms = monotonic_coarse_ms;
  o.superslab_cache = kProductionSuperslabCache;
  // getenv does not allocate, so this is safe inside the first malloc.
  auto flag = [](const char* name, bool* out) {
    if (const char* v = std::getenv(name))
      if (!parse_bool(v, out)) fatal_config(name, v, "0 or 1");
  };
  flag("HAKMEM_BG_SPILL", &o.bg_spill);
  flag("HAKMEM_POOL_V2_ENABLED", &o.pool_v2);
  flag("HAKMEM_STATS_DUMP", &o.stats_dump);
  auto number = [](const char* name, std::uint64_t lo, std::uint64_t hi, const char* expected, auto* out) {
    if (const char* v = std::getenv(name)) {
      std::uint64_t n;
      if (!parse_uint(v, lo, hi, &n)) fatal_config(name, v, expected);
      *out = static_cast<std::remove_pointer_t<decltype(out)>>(n);
    }
  };
  number("HAKMEM_BG_SPILL_TARGET", 1, 1048576, "an integer 1..1048576", &o.spill_target);
  number("HAKMEM_POOL_CACHE_BYTES", 0, std::uint64_t{64} << 20, "an integer 0..67108864", &o.pool_cache_bytes);
  number("HAKMEM_SUPERSLAB_CACHE", 0, 1024, "an integer 0..1024", &o.superslab_cache);
  number("HAKMEM_PURGE_DELAY_MS", 0, 3600000, "an integer 0..3600000", &o.purge_delay_ms);
  return o;
}

}  // namespace hakmem
