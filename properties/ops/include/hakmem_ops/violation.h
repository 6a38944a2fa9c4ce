// A broken invariant, found by the executor: which invariant, at which op, on which block.
#pragma once
#include <cstddef>
#include <string>

#include "hakmem_ops/op.h"

namespace hakmem_ops {

struct Violation {
  const char* invariant = "";  // e.g. "1 (blocks never overlap)"
  std::size_t op_index = 0;    // index of the op in the sequence; finish() uses the op count
  Op op{};
  bool in_finish = false;      // found while freeing everything / quiescing at the end
  const void* ptr = nullptr;
  unsigned slot = 0;
  std::size_t size = 0;
  std::string detail;

  std::string to_string() const;
};

}  // namespace hakmem_ops
