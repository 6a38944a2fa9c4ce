// false_sharing: Hoard's cache-thrash and cache-scratch. Every thread repeatedly mallocs a small
// object, writes each of its bytes --writes times, checks them and frees it.
//   --mode thrash   (active false sharing) the threads' own objects: an allocator that hands
//                   neighbouring bytes of one cache line to different threads makes the writes
//                   bounce the line between cores.
//   --mode scratch  (passive false sharing) the main thread first mallocs one object per thread,
//                   side by side, and each thread starts by freeing its object: an allocator that
//                   reuses a freed block in the freeing thread keeps handing out that shared line.
#include <atomic>
#include <string>
#include <thread>

#include "bench_common.h"
#include "check.h"

namespace {

struct Config {
  std::string mode = "thrash";
  uint64_t ops = 3'000'000;
  uint64_t threads = 2;
  uint64_t size = 8;
  uint64_t writes = 100;
};

std::string g_name = "false_sharing";  // false_sharing_thrash / _scratch once the mode is known

// Takes --mode out of argv (the shared parser knows only numbers); fails on a bad value.
std::string take_mode(int& argc, char** argv, const bench::Options& opts) {
  std::string mode = "thrash";
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--mode" || arg.rfind("--mode=", 0) == 0) {
      if (arg == "--mode" && i + 1 >= argc) opts.fail("option '--mode' needs a value");
      mode = arg == "--mode" ? argv[++i] : arg.substr(7);
      if (mode != "thrash" && mode != "scratch") opts.fail("--mode must be thrash or scratch, got '" + mode + "'");
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return mode;
}

void run_thread(const Config& cfg, uint64_t t, uint64_t ops, void* given, std::atomic<bool>& go) {
  while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
  std::free(given);  // scratch: the main thread's block, freed here (nullptr in thrash mode)
  for (uint64_t i = 0; i < ops; ++i) {
    auto* p = static_cast<volatile unsigned char*>(bench::xmalloc(g_name.c_str(), cfg.size));
    for (uint64_t w = 0; w < cfg.writes; ++w)
      for (uint64_t j = 0; j < cfg.size; ++j) p[j] = static_cast<unsigned char>(t + w + j);
    for (uint64_t j = 0; j < cfg.size; ++j)
      if (p[j] != static_cast<unsigned char>(t + cfg.writes - 1 + j))
        bench::check_failed(g_name.c_str(), "thread %" PRIu64 ", op %" PRIu64 ": byte %" PRIu64
                            " of block %p changed under it", t, i, j, const_cast<unsigned char*>(p));
    std::free(const_cast<unsigned char*>(p));
  }
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bench::Options opts("false_sharing",
                      "Threads writing small objects: --mode thrash|scratch (default thrash), plus:");
  opts.add("ops", "malloc/write/free rounds in total (split over threads)", &cfg.ops, 1, 1'000'000'000'000ULL);
  opts.add("threads", "threads", &cfg.threads, 1, 1024);
  opts.add("size", "object size in bytes", &cfg.size, 1, 4096);
  opts.add("writes", "writes of every byte per round", &cfg.writes, 1, 1'000'000);
  cfg.mode = take_mode(argc, argv, opts);
  opts.parse(argc, argv);
  if (cfg.ops < cfg.threads) opts.fail("--ops must be at least --threads");
  g_name = "false_sharing_" + cfg.mode;
  std::printf("%s: threads=%" PRIu64 " ops=%" PRIu64 " size=%" PRIu64 " writes=%" PRIu64 " (no randomness)\n",
              g_name.c_str(), cfg.threads, cfg.ops, cfg.size, cfg.writes);

  std::vector<void*> given(cfg.threads, nullptr);
  if (cfg.mode == "scratch")
    for (auto& g : given) g = bench::xmalloc(g_name.c_str(), cfg.size);  // side by side, one thread

  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  for (uint64_t t = 0; t < cfg.threads; ++t) {
    uint64_t ops = cfg.ops / cfg.threads + (t < cfg.ops % cfg.threads ? 1 : 0);
    workers.emplace_back([&, t, ops] { run_thread(cfg, t, ops, given[t], go); });
  }
  auto start = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  for (auto& w : workers) w.join();
  bench::print_result(g_name.c_str(), cfg.ops, bench::seconds_since(start));
  return 0;
}
