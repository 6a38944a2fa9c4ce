// Ops from bytes: the fuzzers' input format, and (through a seeded byte stream) the random
// workloads of the property and equivalence tests. Any byte string decodes to a valid sequence;
// running out of bytes reads zeros. Sizes are biased to the class boundaries.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "hakmem_ops/op.h"

namespace hakmem_ops {

struct DecodeOptions {
  std::size_t max_ops = 4096;
  unsigned threads = kMaxLogicalThreads;  // logical threads used (1 = single-threaded)
  bool faults = true;                     // emit kInjectFault ops
  bool checks = true;                     // emit kCheck ops
};

std::vector<Op> decode_ops(std::span<const std::uint8_t> bytes, const DecodeOptions& opt = {});

// `n` ops from a seeded byte stream (splitmix64): replay a workload from its seed alone.
std::vector<Op> random_ops(std::uint64_t seed, std::size_t n, const DecodeOptions& opt = {});

// A request size biased to class boundaries (16 .. 32768 +-1), any mid size and a few large; `r` is
// any source of bytes. Exposed so generators (rapidcheck) use the same bias.
std::uint64_t biased_size(std::uint8_t mode, std::uint8_t pick, std::uint16_t wide);

inline constexpr std::uint64_t kBoundaries[] = {16, 32, 64, 128, 256, 512, 768, 1024,
                                                2048, 4096, 8192, 16384, 32768};

}  // namespace hakmem_ops
