#include "crash_report.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "footprint.h"
#include "workload.h"

namespace stress {
namespace {

std::atomic<const ReportContext*> g_run{nullptr};
thread_local const Worker* t_worker = nullptr;

// Just enough formatting for a signal handler: no malloc, no stdio, no locale.
struct Line {
  char buf[640];
  std::size_t n = 0;
  void str(const char* s) {
    while (*s && n + 1 < sizeof buf) buf[n++] = *s++;
  }
  void num(unsigned long long v, unsigned base = 10) {
    char tmp[24];
    int k = 0;
    do {
      tmp[k++] = "0123456789abcdef"[v % base];
      v /= base;
    } while (v);
    if (base == 16) str("0x");
    while (k && n + 1 < sizeof buf) buf[n++] = tmp[--k];
  }
};

const char* signal_name(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    default: return "signal";
  }
}

void on_crash(int sig, siginfo_t* info, void*) {
  Line l;
  l.str("CRASH [");
  l.str(signal_name(sig));
  l.str("]");
  if (sig != SIGABRT) {
    l.str(" at address ");
    l.num(reinterpret_cast<uintptr_t>(info->si_addr), 16);
  }
  if (const Worker* w = t_worker) {
    l.str(" in thread ");
    l.num(w->tid);
    l.str(" at its step ");
    l.num(w->seq);
  } else {
    l.str(" in the coordinator or monitor thread");
  }
  if (const ReportContext* rc = g_run.load(std::memory_order_relaxed)) {
    l.str(" | workload=");
    l.str(rc->workload);
    l.str(" target=");
    l.str(rc->target);
    l.str(" seed=");
    l.num(rc->seed);
    const unsigned long long reported = rc->count ? rc->count->load(std::memory_order_relaxed) : 0;
    if (reported) {
      l.str(", after ");
      l.num(reported);
      l.str(" violation(s) reported above (the heap was already known bad)");
    }
    l.str(" (replay: hakmem-stress --workload=");
    l.str(rc->workload);
    l.str(" --target=");
    l.str(rc->target);
    l.str(" --threads=");
    l.num(static_cast<unsigned long long>(rc->threads));
    l.str(" --seed=");
    l.num(rc->seed);
    l.str(")");
  } else {
    l.str(" outside any workload run");
  }
  l.str("\n");
  ssize_t ignored = write(STDERR_FILENO, l.buf, l.n);
  (void)ignored;
  // SA_RESETHAND restored the default action: returning re-executes the faulting instruction
  // (SIGSEGV/SIGBUS/SIGILL/SIGFPE); abort() re-raises SIGABRT itself. Raise anyway for signals
  // sent by kill().
  raise(sig);
}

}  // namespace

void install_crash_reporter() {
  if (built_with_sanitizer()) return;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_crash;
  sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigaction(sig, &sa, nullptr);
}

void crash_report_run(const ReportContext* ctx) { g_run.store(ctx, std::memory_order_relaxed); }

void crash_report_thread(const Worker* w) { t_worker = w; }

}  // namespace stress
