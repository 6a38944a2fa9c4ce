// Fuzz target `ops`: structure-aware op sequences against the whole allocator, through the
// shared op interpreter (properties/ops: byte decoder, live-block model, executor). Every block
// is pattern-checked; alignment, usable size, overlap, calloc zeroing, realloc contents, OS
// failures and the heap check's accounting are asserted on the way (invariants 1-6, 8), and at
// the end every block is freed, every logical thread exits, and quiesce + check() must show
// zero live blocks and nothing in transit with no errors.
//
// Input: byte 0 picks the spill flow-control target and the pool caches' budget, the rest are
// hakmem_ops::decode_ops bytes over 4 deterministic logical threads (remote frees, thread exit
// and adoption included).
#include <cstdint>
#include <span>

#include "common/violation_report.h"
#include "hakmem/core/allocator.h"
#include "hakmem_ops/decode.h"
#include "hakmem_ops/executor.h"
#include "hakmem_ops/logical_context.h"

namespace {
using Alloc = hakmem::Allocator<hakmem::Config<0, hakmem::StdAtomics, hakmem_ops::LogicalContext>>;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  hakmem::Options opt = hakmem_ops::default_options();
  opt.spill_target = hakmem::fuzz::spill_target_from(data[0]);
  opt.pool_cache_bytes = hakmem::fuzz::pool_cache_bytes_from(data[0]);
  hakmem_ops::DecodeOptions dec;
  dec.max_ops = 1024;
  const auto ops = hakmem_ops::decode_ops(std::span(data + 1, size - 1), dec);
  hakmem_ops::Executor<Alloc> ex(opt);  // a fresh instance per input: construction is the reset
  if (auto v = ex.run(ops)) hakmem::fuzz::fail_violation("ops", *v);
  return 0;
}
