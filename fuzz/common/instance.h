// One allocator instance per process, rebuilt between inputs. Constructing an Allocator
// reserves its arena (one PROT_NONE mapping) and destroying it releases everything, so
// destroy + placement-new into the same static storage is a complete, cheap reset: no state
// leaks from one input into the next, and an input replays identically on its own.
#pragma once
#include <cstddef>
#include <new>

#include "hakmem/core/options.h"

namespace hakmem::fuzz {

// Small arenas keep construction cheap and many instances possible (diff needs two).
inline Options fuzz_options(std::uint32_t spill_target = 256) {
  Options o;
  o.arena_bytes = std::size_t{256} << 20;
  o.spill_target = spill_target;
  return o;
}

template <class Alloc>
class Instance {
 public:
  Instance() = default;
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  ~Instance() { destroy(); }

  Alloc& fresh(const Options& opt) {
    destroy();
    alloc_ = new (storage_) Alloc(opt);
    return *alloc_;
  }
  void destroy() {
    if (alloc_) alloc_->~Alloc();
    alloc_ = nullptr;
  }

 private:
  alignas(Alloc) unsigned char storage_[sizeof(Alloc)];
  Alloc* alloc_ = nullptr;
};

}  // namespace hakmem::fuzz
