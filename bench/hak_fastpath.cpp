// Google Benchmark micro-benchmarks of hakmem's own entry points (hak_malloc/hak_free), linked
// against libhakmem.so: the front-cache hit path (one block in, one out) and batches that
// overflow the front cache and refill it.
#include <benchmark/benchmark.h>

#include <vector>

#include "hakmem/hakmem.h"

namespace {

// malloc then free of one size: after the first round every request is a front-cache hit.
void BM_MallocFree(benchmark::State& state) {
  const auto size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = hak_malloc(size);
    benchmark::DoNotOptimize(p);
    hak_free(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MallocFree)->Arg(16)->Arg(64)->Arg(256)->Arg(1024)->Arg(4096)->Arg(32768)->Arg(1 << 20);

// `batch` mallocs, then `batch` frees: larger batches than the front cache reach the slabs.
void BM_Batch(benchmark::State& state) {
  const auto size = static_cast<size_t>(state.range(0));
  std::vector<void*> blocks(static_cast<size_t>(state.range(1)));
  for (auto _ : state) {
    for (auto& p : blocks) p = hak_malloc(size);
    benchmark::ClobberMemory();
    for (void* p : blocks) hak_free(p);
  }
  state.SetItemsProcessed(state.iterations() * state.range(1));
}
BENCHMARK(BM_Batch)->ArgsProduct({{16, 256, 1024}, {16, 512}})->ArgsProduct({{4096}, {16, 256}});

// calloc and realloc-in-place, the other calls on hot paths of real programs.
void BM_Calloc(benchmark::State& state) {
  const auto size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = hak_calloc(1, size);
    benchmark::DoNotOptimize(p);
    hak_free(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Calloc)->Arg(64)->Arg(1024);

}  // namespace

BENCHMARK_MAIN();
