#include "hakmem_ops/violation.h"

#include <cstdio>

namespace hakmem_ops {

std::string Violation::to_string() const {
  char head[256];
  if (in_finish)
    std::snprintf(head, sizeof head, "invariant %s violated in finish (after op #%zu): ptr=%p slot=%u size=%zu: ",
                  invariant, op_index, ptr, slot, size);
  else
    std::snprintf(head, sizeof head, "invariant %s violated at op #%zu [%s]: ptr=%p slot=%u size=%zu: ",
                  invariant, op_index, op.to_string().c_str(), ptr, slot, size);
  return head + detail;
}

}  // namespace hakmem_ops
