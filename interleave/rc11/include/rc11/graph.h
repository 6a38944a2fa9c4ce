// An execution graph of a Program: events (one initial write per location, then every thread's
// ops), reads-from and a modification order per location. An RMW is ONE event that reads and
// writes (a failed CAS only reads). Event ids are fixed by the program, so two graphs are the
// same iff their rf and mo are: encode() is canonical and both strategies compare by it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rc11/program.h"

namespace interleave::rc11 {

struct EventInfo {
  int thread = -1;  // -1 for an initial write
  int index = 0;    // position in its thread (the location for an initial write)
  Op op;            // for an initial write: a relaxed store of 0
  bool init() const { return thread < 0; }
};

// The static part: which events exist, in id order (initial writes first).
struct EventTable {
  explicit EventTable(const Program& p);
  const Program* program;
  std::vector<EventInfo> events;
  std::vector<std::vector<int>> thread_events;  // ids per thread, in program order
  std::vector<std::vector<int>> writers;        // per location: init + every op that may write it
  int size() const { return static_cast<int>(events.size()); }
};

struct Graph {
  explicit Graph(const EventTable& t);  // only the initial writes are added
  const EventTable* table;
  std::vector<std::uint8_t> added;   // a partial graph has a po-prefix of each thread
  std::vector<std::uint8_t> writes;  // an added event that writes (a failed CAS does not)
  std::vector<int> rf;               // source write of an added read, else -1
  std::vector<std::int64_t> rval, wval;
  std::vector<std::vector<int>> mo;  // per location, oldest first; the initial write is first

  // The order the event acts with: a failed CAS reads with its failure order.
  Order order(int e) const;
  bool is_read(int e) const { return added[e] && table->events[e].op.reads(); }
  bool is_rmw(int e) const { return is_read(e) && writes[e]; }
  bool is_fence(int e) const { return added[e] && table->events[e].op.kind == OpKind::fence; }
  int loc(int e) const { return table->events[e].op.loc; }

  std::string encode() const;   // canonical: rf of every event, then each mo
  std::string outcome() const;  // "r0=1 r1=0 x=1 y=1": registers in program order, then memory
  std::string describe() const; // human-readable rf and mo
};

}  // namespace interleave::rc11
