#include "footprint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "workload.h"

namespace stress {
namespace {
constexpr uint64_t kMiB = 1 << 20;
constexpr std::size_t kMaxSamples = 1 << 14;
}  // namespace

bool built_with_sanitizer() {
#ifdef STRESS_SANITIZER
  return true;
#else
  return false;
#endif
}

uint64_t current_rss() {
  const int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[128];
  const ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  char* end = nullptr;
  std::strtoull(buf, &end, 10);                            // size
  const unsigned long long pages = std::strtoull(end, nullptr, 10);  // resident
  return pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

FootprintTracker::FootprintTracker(Run& run)
    : run_(run),
      rss_checked_(!built_with_sanitizer() && run.opt->rss_factor > 0),
      rss_baseline_(current_rss()),
      samples_(kMaxSamples) {}

uint64_t FootprintTracker::sample_rss() {
  const uint64_t rss = current_rss();
  const uint64_t over = rss > rss_baseline_ ? rss - rss_baseline_ : 0;
  if (over > max_rss_over_) max_rss_over_ = over;
  if (!rss_checked_ || rss_reported_ || rss == 0) return rss;
  const auto peak = static_cast<uint64_t>(run_.peak_live_bytes.load(std::memory_order_relaxed));
  const auto bound = static_cast<uint64_t>(run_.opt->rss_factor * static_cast<double>(peak) +
                                           run_.opt->rss_slack_mib * static_cast<double>(kMiB));
  if (over > bound) {
    rss_reported_ = true;
    violation(run_.rc, Check::Footprint, -1,
              "RSS grew by %.1f MiB since the workload started; bound %.1f MiB = %.1f x peak live %.1f MiB + %.0f MiB "
              "(live now %.1f MiB): memory is not coming back",
              static_cast<double>(over) / kMiB, static_cast<double>(bound) / kMiB, run_.opt->rss_factor,
              static_cast<double>(peak) / kMiB, run_.opt->rss_slack_mib,
              static_cast<double>(run_.live_bytes.load(std::memory_order_relaxed)) / kMiB);
  }
  return rss;
}

uint64_t FootprintTracker::mapped_bound() const {
  const auto peak = static_cast<uint64_t>(run_.peak_live_bytes.load(std::memory_order_relaxed));
  return static_cast<uint64_t>(run_.opt->mapped_factor * static_cast<double>(peak) +
                               run_.opt->mapped_slack_mib * static_cast<double>(kMiB));
}

void FootprintTracker::sample_mapped(uint64_t mapped, const char* when) {
  run_.last_mapped.store(mapped, std::memory_order_relaxed);
  if (nsamples_ < kMaxSamples)
    samples_[nsamples_++] = {mapped, static_cast<uint64_t>(run_.peak_live_bytes.load(std::memory_order_relaxed))};
  const uint64_t bound = mapped_bound();
  if (mapped > bound && !mapped_reported_) {
    mapped_reported_ = true;
    violation(run_.rc, Check::Footprint, -1,
              "hakmem mapped_bytes %.1f MiB %s exceeds the bound %.1f MiB = %.1f x peak live %.1f MiB + %.0f MiB",
              static_cast<double>(mapped) / kMiB, when, static_cast<double>(bound) / kMiB, run_.opt->mapped_factor,
              static_cast<double>(run_.peak_live_bytes.load()) / kMiB, run_.opt->mapped_slack_mib);
  }
}

void FootprintTracker::finish() {
  if (!run_.workload->steady() || nsamples_ < 6) return;
  const std::size_t third = nsamples_ / 3;
  uint64_t early = 0, late = 0;
  for (std::size_t i = 0; i < third; ++i) early = samples_[i].mapped > early ? samples_[i].mapped : early;
  for (std::size_t i = nsamples_ - third; i < nsamples_; ++i)
    late = samples_[i].mapped > late ? samples_[i].mapped : late;
  const uint64_t early_peak = samples_[third - 1].peak_live;
  const uint64_t late_peak = samples_[nsamples_ - 1].peak_live;
  const double live_growth = static_cast<double>(late_peak - early_peak);  // the peak never falls
  const auto allowed = static_cast<uint64_t>(static_cast<double>(early) * 1.25 + run_.opt->mapped_factor * live_growth) +
                       8 * kMiB;
  if (late > allowed) {
    violation(run_.rc, Check::Creep, -1,
              "hakmem mapped_bytes grew from %.1f MiB (max of rounds 1..%zu) to %.1f MiB (max of the last %zu rounds) "
              "while peak live bytes went from %.1f to %.1f MiB; allowed %.1f MiB = 1.25 x %.1f + %.1f x %.1f + 8",
              static_cast<double>(early) / kMiB, third, static_cast<double>(late) / kMiB, third,
              static_cast<double>(early_peak) / kMiB, static_cast<double>(late_peak) / kMiB,
              static_cast<double>(allowed) / kMiB, static_cast<double>(early) / kMiB, run_.opt->mapped_factor,
              live_growth / kMiB);
  }
}

}  // namespace stress
