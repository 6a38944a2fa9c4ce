#include "runner.h"

#include <pthread.h>
#include <unistd.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "block_ops.h"
#include "crash_report.h"
#include "footprint.h"
#include "heap_audit.h"
#include "report.h"
#include "tool_memory.h"

namespace stress {

double now_seconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void sleep_seconds(double s) {
  timespec ts;
  ts.tv_sec = static_cast<time_t>(s);
  ts.tv_nsec = static_cast<long>((s - static_cast<double>(ts.tv_sec)) * 1e9);
  nanosleep(&ts, nullptr);
}

namespace {

// Round protocol between the coordinator and the workers.
struct RoundSync {
  std::atomic<int> parked{0};
  std::atomic<bool> release{false};
};

struct ThreadArg {
  Worker* worker;
  RoundSync* sync;
};

void* worker_entry(void* p) {
  auto* arg = static_cast<ThreadArg*>(p);
  Worker& w = *arg->worker;
  crash_report_thread(&w);
  w.run->workload->thread_main(w);
  flush_live(w);
  // Park: stay alive (caches full) until the coordinator has looked at the heap.
  arg->sync->parked.fetch_add(1);
  while (!arg->sync->release.load()) sleep_seconds(0.0005);
  return nullptr;
}

// The monitor thread: RSS bound every 20 ms, a progress line every --progress seconds.
struct Monitor {
  Run* run;
  FootprintTracker* fp;
  double start;
  std::atomic<bool> done{false};
  pthread_t thread{};

  static void* entry(void* p) {
    auto* m = static_cast<Monitor*>(p);
    const double every = m->run->opt->progress_seconds;
    double next = m->start + every;
    uint64_t last_ops = 0;
    double last_t = m->start;
    while (!m->done.load()) {
      sleep_seconds(0.02);
      const uint64_t rss = m->fp->sample_rss();
      const double t = now_seconds();
      if (every > 0 && t >= next) {
        const uint64_t ops = m->run->ops();
        print_progress(*m->run, t - m->start, static_cast<double>(ops - last_ops) / (t - last_t), rss);
        last_ops = ops;
        last_t = t;
        next += every;
      }
    }
    return nullptr;
  }
};

// Threads check the stop flag between operations, so they park within one operation. One
// that does not within the limit is stuck in the allocator: report it and exit, since a
// thread cannot be taken back.
void wait_for_parked(Run& run, RoundSync& sync) {
  const double limit = built_with_sanitizer() ? 300 : 60;
  const double give_up = now_seconds() + limit;
  while (sync.parked.load() < run.threads) {
    if (now_seconds() > give_up) {
      violation(run.rc, Check::Hang, -1, "round %d: %d of %d threads still inside an operation %.0f s after the round ended",
                run.round.load(), run.threads - sync.parked.load(), run.threads, limit);
      std::fflush(stdout);
      _exit(1);
    }
    sleep_seconds(0.001);
  }
}

uint64_t fnv1a(const char* s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; ++s) h = (h ^ static_cast<unsigned char>(*s)) * 1099511628211ull;
  return h;
}

}  // namespace

Result run_workload(Workload& wl, const Options& opt, const Target& target) {
  Result res;
  res.workload = wl.name();
  res.target = target.name;

  void* run_mem = tool_map(sizeof(Run));
  Run& run = *new (run_mem) Run();
  run.opt = &opt;
  run.target = &target;
  run.workload = &wl;
  run.threads = opt.threads < wl.min_threads() ? wl.min_threads() : opt.threads;
  run.seed = opt.seed;
  run.stream = mix64(opt.seed ^ fnv1a(wl.name()));
  run.rc = ReportContext{wl.name(), target.name, opt.seed, run.threads, &run.violations, &run.failed};
  crash_report_run(&run.rc);
  run.coordinator.run = &run;
  run.coordinator.index = -1;
  run.coordinator.tid = 0;
  run.coordinator.rng = run.rng_for(0);
  res.threads = run.threads;

  ToolArray<Worker> workers(static_cast<std::size_t>(run.threads));
  for (auto& k : workers) k.run = &run;
  run.workers = workers.begin();
  ToolArray<ThreadArg> args(static_cast<std::size_t>(run.threads));
  ToolArray<pthread_t> tids(static_cast<std::size_t>(run.threads));
  RoundSync sync;
  FootprintTracker fp(run);

  const double t0 = now_seconds();
  Monitor monitor{&run, &fp, t0, {}, {}};
  pthread_create(&monitor.thread, nullptr, &Monitor::entry, &monitor);

  wl.setup(run);
  const double deadline = t0 + opt.seconds;
  double round_len = opt.round_seconds > 0 ? opt.round_seconds : opt.seconds / 10;
  if (opt.round_seconds <= 0) round_len = round_len < 0.05 ? 0.05 : (round_len > 1.0 ? 1.0 : round_len);
  uint32_t next_tid = 1;

  int round = 0;
  for (;; ++round) {
    if ((round > 0 && now_seconds() >= deadline) || run.failed.load()) break;
    run.round = round;
    wl.before_round(run);
    run.stop_round.store(false);
    sync.parked.store(0);
    sync.release.store(false);
    for (int i = 0; i < run.threads; ++i) {
      Worker& k = workers[static_cast<std::size_t>(i)];
      k.run = &run;
      k.index = i;
      k.tid = next_tid++;
      k.rng = run.rng_for(k.tid);
      k.seq = 0;
      k.live_pending = 0;
      k.unpublished = 0;
      args[static_cast<std::size_t>(i)] = ThreadArg{&k, &sync};
      const int rc = pthread_create(&tids[static_cast<std::size_t>(i)], nullptr, worker_entry, &args[static_cast<std::size_t>(i)]);
      if (rc != 0) {
        std::fprintf(stderr, "hakmem-stress: pthread_create failed: %s\n", std::strerror(rc));
        std::abort();
      }
    }
    const double end = std::min(now_seconds() + round_len, deadline);
    while (now_seconds() < end && !run.failed.load()) sleep_seconds(0.002);
    run.stop_round.store(true);
    wait_for_parked(run, sync);
    wl.at_boundary(run);
    audit_boundary(run, fp);
    sync.release.store(true);
    for (int i = 0; i < run.threads; ++i) pthread_join(tids[static_cast<std::size_t>(i)], nullptr);
    wl.after_round(run);
    flush_live(run.coordinator);
  }
  res.seconds = now_seconds() - t0;
  res.rounds = round;

  wl.teardown(run);
  flush_live(run.coordinator);
  fp.finish();
  char audit_note[160] = "";
  audit_final(run, fp, audit_note, sizeof audit_note);
  char wl_note[160] = "";
  wl.finish(run, wl_note, sizeof wl_note);
  monitor.done.store(true);
  pthread_join(monitor.thread, nullptr);

  res.ops = run.ops();
  res.violations = run.violations.load();
  res.status = res.violations ? "FAIL" : "PASS";
  if (wl_note[0] && audit_note[0]) {
    std::snprintf(res.note, sizeof res.note, "%s; %s", wl_note, audit_note);
  } else {
    std::snprintf(res.note, sizeof res.note, "%s%s", wl_note, audit_note);
  }
  if (!target.hakmem && fp.rss_checked()) {
    const std::size_t len = std::strlen(res.note);
    std::snprintf(res.note + len, sizeof res.note - len, "%srss +%.1f MiB max", len ? "; " : "",
                  static_cast<double>(fp.max_rss_over_baseline()) / (1 << 20));
  }

  crash_report_run(nullptr);
  workers.release();
  run.~Run();
  tool_unmap(run_mem, sizeof(Run));
  return res;
}

}  // namespace stress
