// Deterministic random numbers. Every thread of every round derives its own stream from the
// run seed, so a failing op sequence can be replayed with --seed (interleavings still vary).
#pragma once
#include <cstdint>

namespace stress {

// splitmix64 finaliser: turns (seed, stream) combinations into independent states.
inline uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// xoshiro256**: fast, good enough for workload choices.
class Rng {
 public:
  explicit Rng(uint64_t seed = 1) {
    for (auto& w : s_) {
      seed = mix64(seed);
      w = seed;
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n); 0 when n == 0.
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }
  // Uniform in [lo, hi].
  uint64_t range(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }
  bool one_in(uint64_t n) { return below(n) == 0; }
  bool percent(unsigned p) { return below(100) < p; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace stress
