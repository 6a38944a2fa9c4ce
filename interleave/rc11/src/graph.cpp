#include "rc11/graph.h"

namespace interleave::rc11 {

EventTable::EventTable(const Program& p) : program(&p) {
  const int nloc = static_cast<int>(p.locations.size());
  writers.resize(nloc);
  for (int l = 0; l < nloc; ++l) {
    EventInfo e;
    e.index = l;
    e.op = Op{OpKind::store, l, Order::relaxed, 0, 0, -1};
    writers[l].push_back(static_cast<int>(events.size()));
    events.push_back(e);
  }
  thread_events.resize(p.threads.size());
  for (std::size_t t = 0; t < p.threads.size(); ++t) {
    for (std::size_t i = 0; i < p.threads[t].size(); ++i) {
      const int id = static_cast<int>(events.size());
      events.push_back(EventInfo{static_cast<int>(t), static_cast<int>(i), p.threads[t][i]});
      thread_events[t].push_back(id);
      if (p.threads[t][i].may_write()) writers[p.threads[t][i].loc].push_back(id);
    }
  }
}

Graph::Graph(const EventTable& t)
    : table(&t), added(t.size(), 0), writes(t.size(), 0), rf(t.size(), -1), rval(t.size(), 0),
      wval(t.size(), 0), mo(t.writers.size()) {
  for (std::size_t l = 0; l < t.writers.size(); ++l) {
    const int init = t.writers[l][0];
    added[init] = writes[init] = 1;
    mo[l].push_back(init);
  }
}

Order Graph::order(int e) const {
  const Op& op = table->events[e].op;
  if (op.kind == OpKind::cas && added[e] && !writes[e]) return cas_failure_order(op.order);
  return op.order;
}

std::string Graph::encode() const {
  std::string s;
  for (int e = 0; e < table->size(); ++e) s += static_cast<char>(added[e] ? rf[e] + 2 : 0);
  for (const auto& m : mo) {
    s += '|';
    for (int w : m) s += static_cast<char>(w + 2);
  }
  return s;
}

std::string Graph::outcome() const {
  std::string s;
  const Program& p = *table->program;
  for (int e = 0; e < table->size(); ++e) {
    const Op& op = table->events[e].op;
    if (table->events[e].init() || !op.reads()) continue;
    if (!s.empty()) s += ' ';
    s += p.registers[op.reg] + "=" + std::to_string(rval[e]);
  }
  for (std::size_t l = 0; l < mo.size(); ++l) {
    if (!s.empty()) s += ' ';
    s += p.locations[l] + "=" + std::to_string(wval[mo[l].back()]);
  }
  return s;
}

// Appends only: gcc 12's -Wrestrict misfires on "literal" + std::string at -O3.
static std::string name(const Graph& g, int e) {
  const EventInfo& i = g.table->events[e];
  std::string s = i.init() ? "init(" : "T";
  if (i.init()) return s.append(g.table->program->locations[i.index]).append(")");
  return s.append(std::to_string(i.thread)).append(".").append(std::to_string(i.index));
}

std::string Graph::describe() const {
  std::string s = "rf:";
  for (int e = 0; e < table->size(); ++e)
    if (is_read(e)) s.append(" ").append(name(*this, rf[e])).append("->").append(name(*this, e));
  for (std::size_t l = 0; l < mo.size(); ++l) {
    s.append("; mo(").append(table->program->locations[l]).append("):");
    for (int w : mo[l]) s.append(" ").append(name(*this, w));
  }
  return s;
}

}  // namespace interleave::rc11
