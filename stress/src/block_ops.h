// Allocation and free with every per-block check: NULL and errno, alignment, usable size,
// overlap with live blocks (live_ranges), pattern fill on allocation and check on free.
#pragma once
#include <cstddef>

#include "block.h"
#include "workload.h"

namespace stress {

enum class Api { Malloc, Calloc, ReallocNull, AlignedAlloc, PosixMemalign, Memalign, Valloc, Pvalloc };

struct AllocRequest {
  std::size_t size = 0;
  Api api = Api::Malloc;
  std::size_t align = 0;  // for the aligned APIs
  std::size_t count = 1;  // calloc: count elements of size/count bytes (size % count == 0)
};

// Allocates and registers a block. Returns false when there is no block to use: NULL (a
// violation unless faults are injected and errno is ENOMEM) or a violation already reported
// (the block is then deliberately leaked: freeing memory that is live elsewhere would only
// spread the damage).
bool alloc_block(Worker& w, const AllocRequest& req, Block* out);
inline bool alloc_block(Worker& w, std::size_t size, Block* out) { return alloc_block(w, AllocRequest{size}, out); }

// Checks the pattern, forgets the block, frees it, clears *b.
void free_block(Worker& w, Block* b);

// realloc with checks: the old contents must survive up to min(old size, n). On success *b
// is the new block; on NULL *b is unchanged and still live. Returns false on NULL/violation.
bool realloc_block(Worker& w, Block* b, std::size_t n);

// Publishes the worker's pending live-byte delta (also done every few operations).
void flush_live(Worker& w);

// Checks a NULL result: fine (true) only while faults are injected and errno == ENOMEM.
bool null_is_expected(Worker& w, const char* call, std::size_t size, int err);

}  // namespace stress
