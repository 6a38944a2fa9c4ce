// glibc_simple: the shape of glibc's bench-malloc-simple. For each block size (16, 64, 256 and
// 1024 B) and each batch length (25, 100, 400 and 1600 blocks): allocate the whole batch, then
// free it in allocation order, again and again. No thread ever frees another's block; the
// numbers show the plain fast path and how it copes with a batch that outgrows a thread cache.
// With --thread 1 the work runs on a second thread (glibc's "thread arena" variant), so an
// allocator that treats the main thread specially is measured on the other path too.
// Self-check: every block's stamp is checked before it is freed.
#include <algorithm>
#include <iterator>
#include <thread>

#include "bench_common.h"
#include "check.h"

namespace {

constexpr const char* kName = "glibc_simple";
constexpr uint64_t kSizes[] = {16, 64, 256, 1024};
constexpr uint64_t kBatches[] = {25, 100, 400, 1600};

struct Config {
  uint64_t ops = 40'000'000;  // malloc+free pairs over all (size, batch) combinations
  uint64_t thread = 0;
  uint64_t size = 0;   // 0: every size of kSizes
  uint64_t batch = 0;  // 0: every length of kBatches
};

uint64_t run(const Config& cfg) {
  std::vector<void*> blocks(kBatches[3]);
  const uint64_t sizes = cfg.size ? 1 : std::size(kSizes), batches = cfg.batch ? 1 : std::size(kBatches);
  const uint64_t per_combination = cfg.ops / (sizes * batches);
  uint64_t done = 0, id = 0;
  for (uint64_t size : kSizes)
    for (uint64_t batch : kBatches) {
      if ((cfg.size && size != cfg.size) || (cfg.batch && batch != cfg.batch)) continue;
      for (uint64_t round = 0; round < per_combination / batch; ++round) {
        uint64_t first = id;
        for (uint64_t i = 0; i < batch; ++i) {
          blocks[i] = bench::xmalloc(kName, size);
          bench::stamp(blocks[i], size, id++);
        }
        for (uint64_t i = 0; i < batch; ++i) {
          if (!bench::stamp_ok(blocks[i], size, first + i))
            bench::check_failed(kName, "size %" PRIu64 " batch %" PRIu64 ": block %p (#%" PRIu64
                                " of its batch) lost its stamp", size, batch, blocks[i], i);
          std::free(blocks[i]);
        }
        done += batch;
      }
    }
  return done;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts(kName, "Allocate a batch of one size, free it in order; 4 sizes x 4 batch lengths.");
  opts.add("ops", "malloc+free pairs over all sizes and batch lengths", &cfg.ops, 16 * 1600, 1'000'000'000'000ULL);
  opts.add("thread", "1: run on a new thread instead of the main one", &cfg.thread, 0, 1);
  opts.add("size", "only this block size (16, 64, 256 or 1024; 0: all)", &cfg.size, 0, 1024);
  opts.add("batch", "only this batch length (25, 100, 400 or 1600; 0: all)", &cfg.batch, 0, 1600);
  opts.parse(argc, argv);
  auto listed = [](uint64_t v, const auto& list) { return v == 0 || std::find(std::begin(list), std::end(list), v) != std::end(list); };
  if (!listed(cfg.size, kSizes)) opts.fail("--size must be 16, 64, 256, 1024 or 0");
  if (!listed(cfg.batch, kBatches)) opts.fail("--batch must be 25, 100, 400, 1600 or 0");
  std::printf("%s: ops=%" PRIu64 " thread=%" PRIu64 " size=%" PRIu64 " batch=%" PRIu64 "\n", kName, cfg.ops,
              cfg.thread, cfg.size, cfg.batch);

  uint64_t done = 0;
  auto start = std::chrono::steady_clock::now();
  if (cfg.thread) std::thread([&] { done = run(cfg); }).join();
  else done = run(cfg);
  double seconds = bench::seconds_since(start);
  bench::print_result(kName, done, seconds);
  return 0;
}
