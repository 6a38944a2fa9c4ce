// Fuzz target `diff`: the equivalence claim (invariant 10), fuzzed. The same op sequence runs
// on the all-off configuration and on a telemetry mask taken from the input, both with the
// recording trace; the two behaviour traces (results as region/offset, usable sizes, paths,
// flow-control decisions, OS calls, final slab and queue state) must be equal event by event,
// and both runs must pass the op interpreter's checks.
//
// Input: bytes 0-1 the mask (little endian, mod 512; mapped to one of 20 representative masks
// unless built with HAKMEM_FUZZ_DIFF_ALL_MASKS), byte 2 the spill target and the pool caches'
// budget, the rest hakmem_ops::decode_ops bytes (4 logical threads, faults included).
//
// Built with HAKMEM_FUZZ_DIFF_DECOY the "masked" side is mask 0 with the Phase 28 quirk (flow
// control reads a length that behaves like telemetry): the check must report it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "common/violation_report.h"
#include "diff/traced_run.h"
#include "hakmem_ops/decode.h"

namespace {

[[noreturn]] void report_divergence(unsigned mask, const hakmem::fuzz::TracedResult& ref,
                                    const hakmem::fuzz::TracedResult& got, std::size_t i) {
  std::fprintf(stderr, "FUZZ FAILURE [diff] invariant 10 (equivalence): mask %#x diverges from mask 0 at trace event %zu"
                       " (of %zu vs %zu)\n", mask, i, ref.events.size(), got.events.size());
  for (std::size_t k = i >= 3 ? i - 3 : 0; k <= i + 1; ++k) {
    std::fprintf(stderr, "  %4zu mask 0   : %s\n", k, k < ref.events.size() ? ref.events[k].to_string().c_str() : "(end)");
    std::fprintf(stderr, "  %4zu mask %#x: %s\n", k, mask, k < got.events.size() ? got.events[k].to_string().c_str() : "(end)");
  }
  std::fflush(stderr);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
#if HAKMEM_FUZZ_DIFF_DECOY
  const unsigned mask = 0;  // with the quirk
#else
  const unsigned mask = hakmem::fuzz::effective_mask(static_cast<std::uint32_t>(data[0] | (data[1] << 8)));
#endif
  hakmem::Options opt = hakmem_ops::default_options();
  opt.spill_target = hakmem::fuzz::spill_target_from(data[2]);
  opt.pool_cache_bytes = hakmem::fuzz::pool_cache_bytes_from(data[2]);
  hakmem_ops::DecodeOptions dec;
  dec.max_ops = 512;
  const auto ops = hakmem_ops::decode_ops(std::span(data + 3, size - 3), dec);

  const auto ref = hakmem::fuzz::run_traced<0>(ops, opt);
  if (ref.violation) hakmem::fuzz::fail_violation("diff/mask 0", *ref.violation);
#if HAKMEM_FUZZ_DIFF_DECOY
  const auto got = hakmem::fuzz::run_traced<0, hakmem::Phase28Quirk>(ops, opt);
#else
  const auto got = hakmem::fuzz::run_traced_mask(mask, ops, opt);
#endif
  if (got.violation) hakmem::fuzz::fail_violation("diff/masked", *got.violation);
  const std::size_t n = ref.events.size() < got.events.size() ? ref.events.size() : got.events.size();
  for (std::size_t i = 0; i < n; ++i)
    if (!(ref.events[i] == got.events[i])) report_divergence(mask, ref, got, i);
  if (ref.events.size() != got.events.size()) report_divergence(mask, ref, got, n);
  return 0;
}
