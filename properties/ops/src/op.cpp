#include <cstdio>

#include "hakmem_ops/op.h"

namespace hakmem_ops {

const char* to_string(OpKind k) {
  static const char* const names[] = {"malloc", "calloc", "realloc", "aligned", "free",
                                      "remote_free", "usable_size", "thread_exit", "flush",
                                      "drain_spill", "pool_v2", "inject_fault", "check"};
  return k < OpKind::kCount ? names[static_cast<unsigned>(k)] : "?";
}

std::string Op::to_string() const {
  char buf[128];
  const auto sz = static_cast<unsigned long long>(size);
  const auto ar = static_cast<unsigned long long>(arg);
  switch (kind) {
    case OpKind::kMalloc: std::snprintf(buf, sizeof buf, "t%u: s%u = malloc(%llu)", thread, slot, sz); break;
    case OpKind::kCalloc: std::snprintf(buf, sizeof buf, "t%u: s%u = calloc(%llu, %llu)", thread, slot, ar, sz); break;
    case OpKind::kRealloc: std::snprintf(buf, sizeof buf, "t%u: s%u = realloc(s%u, %llu)", thread, slot, slot, sz); break;
    case OpKind::kAligned:
      std::snprintf(buf, sizeof buf, "t%u: s%u = %s(%llu, %llu)", thread, slot,
                    variant & 1 ? "posix_memalign" : "aligned_alloc", ar, sz);
      break;
    case OpKind::kFree: std::snprintf(buf, sizeof buf, "t%u: free(s%u)", thread, slot); break;
    case OpKind::kRemoteFree: std::snprintf(buf, sizeof buf, "t%u: remote_free(s%u)", thread, slot); break;
    case OpKind::kUsableSize: std::snprintf(buf, sizeof buf, "t%u: usable_size(s%u)", thread, slot); break;
    case OpKind::kPoolV2: std::snprintf(buf, sizeof buf, "pool_v2(%s)", arg ? "on" : "off"); break;
    case OpKind::kInjectFault: std::snprintf(buf, sizeof buf, "inject_fault(nth=%llu)", ar); break;
    default: std::snprintf(buf, sizeof buf, "t%u: %s", thread, hakmem_ops::to_string(kind)); break;
  }
  return buf;
}

std::string to_string(const std::vector<Op>& ops) {
  std::string s;
  for (std::size_t i = 0; i < ops.size(); ++i) s += "  [" + std::to_string(i) + "] " + ops[i].to_string() + "\n";
  return s;
}

}  // namespace hakmem_ops
