// Allocator instances for unit tests: small arenas so many can exist side by side.
#pragma once
#include "hakmem/core/allocator.h"

namespace hakmem::test {

inline Options small_options() {
  Options o;
  o.arena_bytes = std::size_t{256} << 20;
  return o;
}

// Large blocks each in a mapping of its own, through the large cache (the arena off).
inline Options cache_options() {
  Options o = small_options();
  o.large_arena = false;
  return o;
}

using TestAllocator = Allocator<Config<0>>;
using AllFlagsAllocator = Allocator<Config<kAllFlagsMask>>;
using TracedAllocator = Allocator<Config<0, StdAtomics, TlsContext, RecordingTrace>>;

}  // namespace hakmem::test
