// SEEDED BUG (never used outside fuzz/): a remote-free list that silently loses every third
// push, the kind of lost remote free that invariant 5 forbids. Only the seeded-bug build of the
// `remote` target uses it, to measure how fast a short campaign finds a real-looking defect.
#pragma once
#include <cstdint>

#include "hakmem/core/remote_list.h"

namespace hakmem::fuzz {

template <class A>
class DropThirdRemoteList : public RemoteList<A> {
 public:
  void push(void* block) noexcept {
    if (++pushes_ % 3 == 0) return;  // the bug
    RemoteList<A>::push(block);
  }

 private:
  std::uint64_t pushes_ = 0;
};

}  // namespace hakmem::fuzz
