// hakmem::SpillStack (allocator/include/hakmem/core/spill_stack.h) re-expressed for Relacy.
//
// A faithful re-expression, not a copy: the real header keeps each link in the block's first
// word through cell_at<Link>(block), i.e. in raw memory, which cannot hold an rl::atomic. Here a
// block is a SpillBlock whose link *is* an rl::atomic, and the offset unit is one SpillBlock
// instead of 16 bytes. Otherwise push_chain / push / pop / length are line-for-line the real
// ones (same loads, CASes, memory orders, tag arithmetic), so a diff against the header reads
// as those two substitutions plus the `kBug` lines.
//
// kBug selects one deliberately broken variant, mirroring interleave/decoys/; every line it
// changes is marked BUG. kNone is the real algorithm.
#pragma once
#include "rl_prelude.h"

namespace hkrl {

enum class SpillBug {
  kNone,
  kNoTag,               // decoys/treiber_no_tag.h: the CAS compares the offset only (ABA)
  kPublishBeforeLink,   // decoys/publish_before_link.h: link stored after the publishing CAS
  kLengthAfterPublish,  // decoys/length_wrong_side.h: length raised after the publish
  kLengthBeforeUnlink,  // decoys/length_wrong_side.h: length lowered before the unlink CAS
  kRelaxedPush,         // decoys/relaxed_push.h: publishing CAS relaxed instead of release
};

struct SpillBlock {
  rl::atomic<std::uintptr_t> link;  // the real block's first word: Atomic<uintptr_t> link_of()
};

template <SpillBug kBug>
class RlSpillStack {
 public:
  // `pool` .. pool + blocks - 1 are the blocks; base_ lies one block below (offset 0 = empty).
  void init(SpillBlock* pool, int blocks) {
    pool_ = pool;
    blocks_ = blocks;
    base_ = reinterpret_cast<std::uintptr_t>(pool) - sizeof(SpillBlock);
    head_($).store(0, rl::mo_relaxed);
    len_($).store(0, rl::mo_relaxed);
  }

  void push_chain(SpillBlock* first, SpillBlock* last, std::uint32_t n) {
    if (kBug != SpillBug::kLengthAfterPublish) len_($).fetch_add(n, rl::mo_relaxed);
    std::uint64_t old = head_($).load(rl::mo_relaxed);
    for (;;) {
      if (kBug != SpillBug::kPublishBeforeLink) link_of(last)($).store(pointer_of(old), rl::mo_relaxed);
      const std::uint64_t desired = pack(offset_of(first), next_tag(old));
      if (head_($).compare_exchange_weak(old, desired, kPublishOrder, rl::mo_relaxed)) {
        if (kBug == SpillBug::kPublishBeforeLink)  // BUG: the chain is visible before it is linked
          link_of(last)($).store(pointer_of(old), rl::mo_relaxed);
        if (kBug == SpillBug::kLengthAfterPublish)  // BUG: a pop may lower the length first
          len_($).fetch_add(n, rl::mo_relaxed);
        return;
      }
      pause();
    }
  }

  void push(SpillBlock* block) { push_chain(block, block, 1); }

  // Pops one block, or returns nullptr when the stack is empty.
  SpillBlock* pop() {
    std::uint64_t old = head_($).load(rl::mo_acquire);
    for (;;) {
      if (offset_part(old) == 0) return nullptr;
      if (kBug == SpillBug::kLengthBeforeUnlink)  // BUG: lowered before the node is unlinked
        len_($).fetch_sub(1, rl::mo_relaxed);
      SpillBlock* node = block_at(offset_part(old));
      const std::uintptr_t next = speculative_next(node);
      const std::uint64_t desired = pack(next ? offset_of(reinterpret_cast<SpillBlock*>(next)) : 0,
                                         next_tag(old));
      if (head_($).compare_exchange_weak(old, desired, rl::mo_acquire, rl::mo_acquire)) {
        if (kBug != SpillBug::kLengthBeforeUnlink) len_($).fetch_sub(1, rl::mo_relaxed);
        return node;
      }
      if (kBug == SpillBug::kLengthBeforeUnlink) len_($).fetch_add(1, rl::mo_relaxed);  // (undo)
      pause();
    }
  }

  // The flow-control read.
  std::uint32_t length() { return len_($).load(rl::mo_relaxed); }

  // For the test's invariant()/after(): Relacy returns the latest values there (no new
  // events), so this is the list as the modification orders have it at this step.
  std::uintptr_t first_quiescent() { return pointer_of(head_($).load(rl::mo_acquire)); }
  static rl::atomic<std::uintptr_t>& link_of(SpillBlock* b) { return b->link; }
  int index_of(std::uintptr_t p) const {  // -1: not a block of the pool
    const auto first = reinterpret_cast<std::uintptr_t>(pool_);
    if (p < first || (p - first) % sizeof(SpillBlock) != 0) return -1;
    const auto i = (p - first) / sizeof(SpillBlock);
    return i < static_cast<std::uintptr_t>(blocks_) ? static_cast<int>(i) : -1;
  }

 private:
  static constexpr rl::memory_order kPublishOrder =
      kBug == SpillBug::kRelaxedPush ? rl::mo_relaxed : rl::mo_release;  // BUG when relaxed

  // The real pop's one racy load (a policy load under the project's checker too).
  static std::uintptr_t speculative_next(SpillBlock* node) { return link_of(node)($).load(rl::mo_relaxed); }

  std::uint32_t next_tag(std::uint64_t old) const {
    return kBug == SpillBug::kNoTag ? 0 : tag_of(old) + 1;  // BUG when kNoTag: no ABA tag
  }
  static std::uint64_t pack(std::uint32_t off, std::uint32_t tag) { return (std::uint64_t{tag} << 32) | off; }
  static std::uint32_t offset_part(std::uint64_t h) { return static_cast<std::uint32_t>(h); }
  static std::uint32_t tag_of(std::uint64_t h) { return static_cast<std::uint32_t>(h >> 32); }
  std::uint32_t offset_of(SpillBlock* p) const {
    return static_cast<std::uint32_t>((reinterpret_cast<std::uintptr_t>(p) - base_) / sizeof(SpillBlock));
  }
  // The real memory is always mapped, so a stale offset is harmless there; here a head that
  // holds something other than a pool block (a broken variant installed user data) must stop
  // the iteration before it is dereferenced.
  SpillBlock* block_at(std::uint32_t off) const {
    check(off >= 1 && off <= static_cast<std::uint32_t>(blocks_), "the spill head holds only pool blocks");
    return reinterpret_cast<SpillBlock*>(base_ + std::uintptr_t{off} * sizeof(SpillBlock));
  }
  std::uintptr_t pointer_of(std::uint64_t h) const {
    return offset_part(h) ? reinterpret_cast<std::uintptr_t>(block_at(offset_part(h))) : 0;
  }

  rl::atomic<std::uint64_t> head_;
  rl::atomic<std::uint32_t> len_;
  std::uintptr_t base_ = 0;
  SpillBlock* pool_ = nullptr;
  int blocks_ = 0;
};

}  // namespace hkrl
