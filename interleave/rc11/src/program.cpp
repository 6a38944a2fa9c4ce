#include "rc11/program.h"

#include <algorithm>
#include <set>

#include "rc11/relation.h"

namespace interleave::rc11 {

const char* to_string(Order o) {
  switch (o) {
    case Order::relaxed: return "rlx";
    case Order::acquire: return "acq";
    case Order::release: return "rel";
    case Order::acq_rel: return "acq_rel";
    case Order::seq_cst: return "sc";
  }
  return "?";
}

const char* to_string(OpKind k) {
  switch (k) {
    case OpKind::load: return "load";
    case OpKind::store: return "store";
    case OpKind::fetch_add: return "fetch_add";
    case OpKind::exchange: return "exchange";
    case OpKind::cas: return "cas";
    case OpKind::fence: return "fence";
  }
  return "?";
}

Order cas_failure_order(Order o) {
  if (o == Order::acq_rel) return Order::acquire;
  if (o == Order::release) return Order::relaxed;
  return o;
}

std::string Program::validate() const {
  std::size_t events = locations.size();
  for (std::size_t t = 0; t < threads.size(); ++t) {
    for (const Op& op : threads[t]) {
      ++events;
      std::string where = "thread ";  // appends only: gcc 12's -Wrestrict misfires on "lit" + string
      where += std::to_string(t);
      where += ": ";
      if (op.kind == OpKind::fence) {
        if (op.order == Order::relaxed) return where + "a relaxed fence is a no-op, not an event";
        continue;
      }
      if (op.loc < 0 || op.loc >= static_cast<int>(locations.size())) return where + "bad location";
      if (op.kind == OpKind::load && (op.order == Order::release || op.order == Order::acq_rel))
        return where + "a load cannot be release";
      if (op.kind == OpKind::store && (op.order == Order::acquire || op.order == Order::acq_rel))
        return where + "a store cannot be acquire";
      if (op.reads() && (op.reg < 0 || op.reg >= static_cast<int>(registers.size())))
        return where + "a read needs a register";
    }
  }
  if (events > Relation::kMaxEvents) return "more than 64 events (initial writes included)";
  if (threads.empty()) return "no threads";
  return {};
}

std::string Program::describe() const {
  std::string s;
  for (std::size_t t = 0; t < threads.size(); ++t) {
    s += "T";
    s += std::to_string(t);
    s += ":";
    for (const Op& op : threads[t]) {
      s += " ";
      if (op.reads()) s += registers[op.reg] + "=";
      s += to_string(op.kind);
      s += "(";
      if (op.loc >= 0) s += locations[op.loc] + ",";
      if (op.kind == OpKind::cas) s += std::to_string(op.expected) + "->";
      if (op.may_write() && op.kind != OpKind::load) s += std::to_string(op.value) + ",";
      s += to_string(op.order);
      s += ");";
    }
    s += "\n";
  }
  return s;
}

int ProgramBuilder::loc(const std::string& name) {
  auto it = std::find(p_.locations.begin(), p_.locations.end(), name);
  if (it != p_.locations.end()) return static_cast<int>(it - p_.locations.begin());
  p_.locations.push_back(name);
  return static_cast<int>(p_.locations.size()) - 1;
}

int ProgramBuilder::reg(const std::string& name) {
  // Registers are write-once: a second use of a name is a new register with the same name,
  // which the outcome would print twice; validate() does not forbid it, the litmus tests avoid it.
  p_.registers.push_back(name);
  return static_cast<int>(p_.registers.size()) - 1;
}

ProgramBuilder& ProgramBuilder::thread() {
  p_.threads.emplace_back();
  return *this;
}

ProgramBuilder& ProgramBuilder::push(Op op) {
  if (p_.threads.empty()) p_.threads.emplace_back();
  p_.threads.back().push_back(op);
  return *this;
}

ProgramBuilder& ProgramBuilder::load(const std::string& l, Order o, const std::string& r) {
  Op op{OpKind::load, loc(l), o, 0, 0, -1};
  op.reg = reg(r);
  return push(op);
}

ProgramBuilder& ProgramBuilder::store(const std::string& l, std::int64_t v, Order o) {
  return push(Op{OpKind::store, loc(l), o, v, 0, -1});
}

ProgramBuilder& ProgramBuilder::fetch_add(const std::string& l, std::int64_t v, Order o, const std::string& r) {
  Op op{OpKind::fetch_add, loc(l), o, v, 0, -1};
  op.reg = reg(r);
  return push(op);
}

ProgramBuilder& ProgramBuilder::exchange(const std::string& l, std::int64_t v, Order o, const std::string& r) {
  Op op{OpKind::exchange, loc(l), o, v, 0, -1};
  op.reg = reg(r);
  return push(op);
}

ProgramBuilder& ProgramBuilder::cas(const std::string& l, std::int64_t expected, std::int64_t desired, Order o,
                                    const std::string& r) {
  Op op{OpKind::cas, loc(l), o, desired, expected, -1};
  op.reg = reg(r);
  return push(op);
}

ProgramBuilder& ProgramBuilder::fence(Order o) { return push(Op{OpKind::fence, -1, o, 0, 0, -1}); }

}  // namespace interleave::rc11
