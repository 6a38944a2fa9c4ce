// A tiny embedded op-list form for bounded litmus programs: N threads, each a straight-line
// list of atomic events on named locations (all initially 0). Loads and RMWs put the value they
// read into a named register. No control flow: the events of a thread are fixed, only a CAS's
// success (whether it also writes) depends on the value it reads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace interleave::rc11 {

enum class Order : std::uint8_t { relaxed, acquire, release, acq_rel, seq_cst };
enum class OpKind : std::uint8_t { load, store, fetch_add, exchange, cas, fence };

const char* to_string(Order o);
const char* to_string(OpKind k);
inline bool is_acquire(Order o) { return o == Order::acquire || o == Order::acq_rel || o == Order::seq_cst; }
inline bool is_release(Order o) { return o == Order::release || o == Order::acq_rel || o == Order::seq_cst; }
// The order a failed compare_exchange reads with when only one order is given (C++ [atomics.types.operations]).
Order cas_failure_order(Order o);

struct Op {
  OpKind kind = OpKind::fence;
  int loc = -1;             // index into Program::locations; -1 for a fence
  Order order = Order::relaxed;
  std::int64_t value = 0;   // store / exchange value, fetch_add addend, CAS desired value
  std::int64_t expected = 0;  // CAS only
  int reg = -1;             // index into Program::registers for loads and RMWs
  bool reads() const { return kind == OpKind::load || kind == OpKind::fetch_add || kind == OpKind::exchange || kind == OpKind::cas; }
  bool may_write() const { return kind == OpKind::store || kind == OpKind::fetch_add || kind == OpKind::exchange || kind == OpKind::cas; }
};

struct Program {
  std::vector<std::string> locations;  // outcome lists them in this order
  std::vector<std::string> registers;  // in program order (thread, then op)
  std::vector<std::vector<Op>> threads;
  // Empty when well formed; otherwise why not (a release load, too many events, ...).
  std::string validate() const;
  std::string describe() const;
};

// Builder: ProgramBuilder().thread().store("x", 1, rlx).load("y", rlx, "r0").thread()...build().
class ProgramBuilder {
 public:
  ProgramBuilder& thread();
  ProgramBuilder& load(const std::string& loc, Order o, const std::string& reg);
  ProgramBuilder& store(const std::string& loc, std::int64_t v, Order o);
  ProgramBuilder& fetch_add(const std::string& loc, std::int64_t v, Order o, const std::string& reg);
  ProgramBuilder& exchange(const std::string& loc, std::int64_t v, Order o, const std::string& reg);
  ProgramBuilder& cas(const std::string& loc, std::int64_t expected, std::int64_t desired, Order o,
                      const std::string& reg);
  ProgramBuilder& fence(Order o);
  Program build() const { return p_; }

 private:
  int loc(const std::string& name);
  int reg(const std::string& name);
  ProgramBuilder& push(Op op);
  Program p_;
};

}  // namespace interleave::rc11
