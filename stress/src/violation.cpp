#include "violation.h"

#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace stress {
namespace {

struct Info {
  const char* tag;
  const char* text;
};

constexpr Info kInfo[] = {
    {"inv1-overlap", "invariant 1: a block was handed out while live (it overlaps a live block)"},
    {"inv1-contents", "invariant 1: a live block's contents changed before it was freed"},
    {"inv1-realloc", "invariant 1: realloc did not preserve the old contents"},
    {"inv2-alignment", "invariant 2: block is under-aligned"},
    {"inv3-usable-size", "invariant 3: usable size is smaller than the request"},
    {"inv3-usable-overlap", "invariant 3: the usable bytes of a block overlap another live block"},
    {"inv4-accounting", "invariant 4: heap accounting is wrong after quiescence"},
    {"inv5-remote", "invariant 5: freed blocks did not come back after quiescence"},
    {"inv6-spill", "invariant 6: spill length disagrees with the spill stack, or passes the flow-control target"},
    {"inv7-footprint", "invariant 7: memory footprint above its bound"},
    {"inv7-creep", "invariant 7: memory footprint creeps up round after round"},
    {"inv8-os-fault", "invariant 8: OS failure not handled (NULL+ENOMEM, no leak, recovery)"},
    {"api-calloc-zero", "calloc returned memory that is not zero"},
    {"api-null", "allocation returned NULL although no failure was injected"},
    {"api-errno", "a failing call reported the wrong error"},
    {"fork-child", "a child forked under load failed, crashed or hung"},
    {"not-exercised", "the path this workload exists to test never ran"},
    {"hang", "a thread stopped making progress (deadlock or livelock)"},
    {"tool-internal", "the tool's own bookkeeping is inconsistent (tool bug or wild corruption)"},
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == static_cast<int>(Check::Internal) + 1);

constexpr uint64_t kPrintLimit = 10;

bool g_waived[kCheckCount];
std::atomic<uint64_t> g_waived_count[kCheckCount];

void write_line(const char* line, int len) {
  ssize_t off = 0;
  while (off < len) {
    const ssize_t w = write(2, line + off, static_cast<size_t>(len - off));
    if (w <= 0) break;
    off += w;
  }
}

}  // namespace

bool check_from_tag(const char* tag, Check* out) {
  for (int i = 0; i < kCheckCount; ++i)
    if (std::strcmp(kInfo[i].tag, tag) == 0) {
      *out = static_cast<Check>(i);
      return true;
    }
  return false;
}
void set_waived(Check c) { g_waived[static_cast<int>(c)] = true; }
bool is_waived(Check c) { return g_waived[static_cast<int>(c)]; }
uint64_t waived_count(Check c) { return g_waived_count[static_cast<int>(c)].load(); }

const char* check_tag(Check c) { return kInfo[static_cast<int>(c)].tag; }
const char* check_text(Check c) { return kInfo[static_cast<int>(c)].text; }

void violation(const ReportContext& ctx, Check c, int64_t thread, const char* fmt, ...) {
  const bool waived = g_waived[static_cast<int>(c)];
  const uint64_t n = waived ? g_waived_count[static_cast<int>(c)].fetch_add(1) + 1
                            : ctx.count ? ctx.count->fetch_add(1) + 1 : 1;
  if (waived && n > 1) return;  // the first of each waived check is shown, the rest counted
  if (!waived && ctx.stop) ctx.stop->store(true);
  if (n > kPrintLimit + 1) return;
  char line[1536];
  int len;
  if (!waived && n == kPrintLimit + 1) {
    len = std::snprintf(line, sizeof line, "VIOLATION (more violations in workload=%s not printed) seed=%llu\n",
                        ctx.workload, static_cast<unsigned long long>(ctx.seed));
  } else {
    char detail[768];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    char who[32];
    if (thread < 0) {
      std::snprintf(who, sizeof who, "coordinator");
    } else {
      std::snprintf(who, sizeof who, "%lld", static_cast<long long>(thread));
    }
    len = std::snprintf(line, sizeof line,
                        "%s [%s] %s: %s | workload=%s target=%s thread=%s seed=%llu"
                        " (replay: hakmem-stress --workload=%s --target=%s --threads=%d --seed=%llu)\n",
                        waived ? "WAIVED (--waive; not a failure)" : "VIOLATION", check_tag(c), check_text(c),
                        detail, ctx.workload, ctx.target, who,
                        static_cast<unsigned long long>(ctx.seed), ctx.workload, ctx.target, ctx.threads,
                        static_cast<unsigned long long>(ctx.seed));
  }
  if (len > static_cast<int>(sizeof line) - 1) {
    len = sizeof line - 1;
    line[len - 1] = '\n';
  }
  write_line(line, len);
}

}  // namespace stress
