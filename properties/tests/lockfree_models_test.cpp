// The spill queue (SpillStack) and the remote-free list (RemoteList) against sequential models,
// as rapidcheck state machines: after every command the length and the list contents (in LIFO
// order) equal the model's. Each property is also run on a deliberately broken wrapper and
// must fail there.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <vector>

#include "hakmem/core/remote_list.h"
#include "hakmem/core/spill_stack.h"

namespace hakmem_ops {
namespace {

using A = hakmem::StdAtomics;
constexpr int kBlocks = 24;

// Blocks of 32 bytes, 16-aligned, all above `base` (SpillStack needs base 16 bytes below).
struct Arena {
  alignas(64) unsigned char mem[16 + kBlocks * 32];
  void* base() { return mem; }
  void* block(int i) { return mem + 16 + i * 32; }
  int index(const void* p) { return static_cast<int>((static_cast<const unsigned char*>(p) - mem - 16) / 32); }
};

using Seq = std::vector<int>;  // model of a stack: bottom .. top

// ---- SpillStack ----

template <class Stack>
struct SpillSut {
  Arena arena;
  Stack stack;
  SpillSut() { stack.set_base(arena.base()); }
  Seq contents() {  // top .. bottom, as the walk sees it
    Seq s;
    stack.for_each_quiescent([&](void* p) { s.push_back(arena.index(p)); });
    return s;
  }
};

template <class Stack>
void assert_same(const Seq& model, SpillSut<Stack>& sut) {
  Seq want(model.rbegin(), model.rend());
  RC_ASSERT(sut.contents() == want);
  RC_ASSERT(sut.stack.length() == model.size());
}

template <class Stack>
struct SpillPush : rc::state::Command<Seq, SpillSut<Stack>> {
  std::vector<int> chain;  // pushed as one chain: chain[0] ends on top
  explicit SpillPush(const Seq& m) {
    std::vector<int> free;
    for (int i = 0; i < kBlocks; ++i)
      if (std::find(m.begin(), m.end(), i) == m.end()) free.push_back(i);
    RC_PRE(!free.empty());
    chain = *rc::gen::unique<std::vector<int>>(rc::gen::elementOf(free)).as("chain");
    RC_PRE(!chain.empty() && chain.size() <= 4);
  }
  void checkPreconditions(const Seq& m) const override {
    for (int i : chain) RC_PRE(std::find(m.begin(), m.end(), i) == m.end());
  }
  void apply(Seq& m) const override { m.insert(m.end(), chain.rbegin(), chain.rend()); }
  void run(const Seq& m, SpillSut<Stack>& sut) const override {
    for (std::size_t k = 0; k + 1 < chain.size(); ++k)
      hakmem::SpillStack<A>::link_of(sut.arena.block(chain[k]))
          .store(reinterpret_cast<std::uintptr_t>(sut.arena.block(chain[k + 1])), std::memory_order_relaxed);
    if (chain.size() == 1)
      sut.stack.push(sut.arena.block(chain[0]));
    else
      sut.stack.push_chain(sut.arena.block(chain.front()), sut.arena.block(chain.back()),
                           static_cast<std::uint32_t>(chain.size()));
    assert_same(this->nextState(m), sut);
  }
  void show(std::ostream& os) const override {
    os << "push_chain(";
    for (int i : chain) os << i << ' ';
    os << ')';
  }
};

template <class Stack>
struct SpillPop : rc::state::Command<Seq, SpillSut<Stack>> {
  explicit SpillPop(const Seq&) {}
  void apply(Seq& m) const override {
    if (!m.empty()) m.pop_back();
  }
  void run(const Seq& m, SpillSut<Stack>& sut) const override {
    void* p = sut.stack.pop();
    // (as integers: rapidcheck cannot show a void*)
    const auto got = reinterpret_cast<std::uintptr_t>(p);
    if (m.empty()) RC_ASSERT(got == std::uintptr_t{0});
    else RC_ASSERT(got == reinterpret_cast<std::uintptr_t>(sut.arena.block(m.back())));
    assert_same(this->nextState(m), sut);
  }
  void show(std::ostream& os) const override { os << "pop()"; }
};

template <class Stack>
void spill_property() {
  SpillSut<Stack> sut;
  rc::state::check(Seq{}, sut, rc::state::gen::execOneOfWithArgs<SpillPush<Stack>, SpillPop<Stack>>());
}

// Broken on purpose: a chain push under-counts the length by one (list and length drift).
struct UndercountingSpill : hakmem::SpillStack<A> {
  void push_chain(void* first, void* last, std::uint32_t n) noexcept {
    hakmem::SpillStack<A>::push_chain(first, last, n > 1 ? n - 1 : n);
  }
};

RC_GTEST_PROP(SpillStackModel, MatchesSequentialStack, ()) { spill_property<hakmem::SpillStack<A>>(); }

TEST(SpillStackModel, UndercountedLengthIsCaught) {
  EXPECT_FALSE(rc::check("decoy: spill stack whose chain push under-counts", [] { spill_property<UndercountingSpill>(); }));
}

// ---- RemoteList ----

template <class List>
struct RemoteSut {
  Arena arena;
  List list;
  Seq walk(void* head) {
    Seq s;
    for (void* p = head; p; p = List::next(p)) s.push_back(arena.index(p));
    return s;
  }
};

template <class List>
struct RemotePush : rc::state::Command<Seq, RemoteSut<List>> {
  int block;
  explicit RemotePush(const Seq& m) {
    std::vector<int> free;
    for (int i = 0; i < kBlocks; ++i)
      if (std::find(m.begin(), m.end(), i) == m.end()) free.push_back(i);
    RC_PRE(!free.empty());
    block = *rc::gen::elementOf(free);
  }
  void checkPreconditions(const Seq& m) const override { RC_PRE(std::find(m.begin(), m.end(), block) == m.end()); }
  void apply(Seq& m) const override { m.push_back(block); }
  void run(const Seq& m, RemoteSut<List>& sut) const override {
    sut.list.push(sut.arena.block(block));
    const Seq next = this->nextState(m);
    RC_ASSERT(sut.walk(sut.list.peek_quiescent()) == Seq(next.rbegin(), next.rend()));
    RC_ASSERT(sut.list.maybe_nonempty());
  }
  void show(std::ostream& os) const override { os << "push(" << block << ")"; }
};

template <class List>
struct RemoteTakeAll : rc::state::Command<Seq, RemoteSut<List>> {
  explicit RemoteTakeAll(const Seq&) {}
  void apply(Seq& m) const override { m.clear(); }
  void run(const Seq& m, RemoteSut<List>& sut) const override {
    RC_ASSERT(sut.walk(sut.list.take_all()) == Seq(m.rbegin(), m.rend()));  // each block exactly once
    RC_ASSERT(reinterpret_cast<std::uintptr_t>(sut.list.peek_quiescent()) == std::uintptr_t{0});
    RC_ASSERT(!sut.list.maybe_nonempty());
  }
  void show(std::ostream& os) const override { os << "take_all()"; }
};

template <class List>
void remote_property() {
  RemoteSut<List> sut;
  rc::state::check(Seq{}, sut, rc::state::gen::execOneOfWithArgs<RemotePush<List>, RemoteTakeAll<List>>());
}

// Broken on purpose: take_all keeps the newest block on the list (it would be delivered twice).
struct DuplicatingRemote : hakmem::RemoteList<A> {
  void* take_all() noexcept {
    void* head = hakmem::RemoteList<A>::take_all();
    if (head && next(head)) hakmem::RemoteList<A>::push(head);
    return head;
  }
};

RC_GTEST_PROP(RemoteListModel, MatchesSequentialStack, ()) { remote_property<hakmem::RemoteList<A>>(); }

TEST(RemoteListModel, DuplicateDeliveryIsCaught) {
  EXPECT_FALSE(rc::check("decoy: remote list that delivers a block twice", [] { remote_property<DuplicatingRemote>(); }));
}

}  // namespace
}  // namespace hakmem_ops
