#include "rc11/consistency.h"

#include "rc11/relation.h"

namespace interleave::rc11 {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::consistent: return "consistent";
    case Verdict::coherence: return "coherence";
    case Verdict::atomicity: return "atomicity";
    case Verdict::sc: return "sc";
    case Verdict::thin_air: return "thin-air";
  }
  return "?";
}

namespace {

struct Base {
  Relation po, rf, mo, fr;
  std::uint64_t present = 0, fences = 0, rmws = 0;
};

Base base_relations(const Graph& g) {
  const int n = g.table->size();
  Base b{Relation(n), Relation(n), Relation(n), Relation(n)};
  for (int e = 0; e < n; ++e) {
    if (!g.added[e]) continue;
    b.present |= Relation::bit(e);
    if (g.is_fence(e)) b.fences |= Relation::bit(e);
    if (g.is_rmw(e)) b.rmws |= Relation::bit(e);
  }
  // po: initial writes before everything, then program order among the added prefix.
  for (int e = 0; e < n; ++e) {
    const EventInfo& ei = g.table->events[e];
    if (!g.added[e]) continue;
    for (int f = 0; f < n; ++f) {
      if (!g.added[f] || f == e) continue;
      const EventInfo& fi = g.table->events[f];
      if ((ei.init() && !fi.init()) || (!ei.init() && fi.thread == ei.thread && ei.index < fi.index))
        b.po.add(e, f);
    }
  }
  for (const auto& m : g.mo)
    for (std::size_t i = 0; i < m.size(); ++i)
      for (std::size_t j = i + 1; j < m.size(); ++j) b.mo.add(m[i], m[j]);
  for (int e = 0; e < n; ++e) {
    if (!g.is_read(e)) continue;
    b.rf.add(g.rf[e], e);
    // fr = rf^-1 ; mo minus the identity: an RMW is one event, it is mo-after what it reads.
    b.fr.set_row(e, b.mo.row(g.rf[e]) & ~Relation::bit(e));
  }
  return b;
}

// sw = [E⊒rel] ; ([F] ; po)? ; rs ; rf ; [R] ; (po ; [F])? ; [E⊒acq]   (RC11 section 3)
Relation synchronizes_with(const Graph& g, const Base& b, const Model& m) {
  const int n = g.table->size();
  std::uint64_t writes = 0, rel = 0, acq = 0;
  for (int e = 0; e < n; ++e) {
    // Initial writes are left out: relaxed, they never head a release sequence.
    if (!g.added[e] || g.table->events[e].init()) continue;
    if (g.writes[e]) writes |= Relation::bit(e);
    if (is_release(g.order(e)) && (g.writes[e] || g.is_fence(e))) rel |= Relation::bit(e);
    if (is_acquire(g.order(e)) && (g.is_read(e) || g.is_fence(e))) acq |= Relation::bit(e);
  }
  // rs = [W] ; (rf ; [RMW])*   (C++20 [intro.races]/5)
  Relation rs = Relation::identity(n, writes);
  if (m.release_sequences) rs |= b.rf.restricted(writes, b.rmws).plus();
  const Relation fence_po = b.po.restricted(b.fences, writes);
  Relation head = Relation::identity(n, rel & writes);  // a release write heads its own rs
  head |= fence_po.restricted(rel, writes);               // a release fence: any later write
  Relation tail = Relation::identity(n, acq & ~b.fences);  // an acquire read
  tail |= b.po.restricted(~b.fences, b.fences & acq);       // any read, then an acquire fence
  return head.then(rs).then(b.rf).then(tail);
}

}  // namespace

Verdict check(const Graph& g, const Model& m) {
  const int n = g.table->size();
  const Base b = base_relations(g);

  // Atomicity: an RMW reads its immediate mo-predecessor (rmw ∩ (fr;mo) = ∅).
  for (const auto& mo : g.mo)
    for (std::size_t i = 1; i < mo.size(); ++i)
      if (g.is_rmw(mo[i]) && g.rf[mo[i]] != mo[i - 1]) return Verdict::atomicity;

  if (m.no_thin_air) {
    Relation porf = b.po;
    porf |= b.rf;
    if (!porf.acyclic()) return Verdict::thin_air;
  }

  Relation hb = b.po;
  hb |= synchronizes_with(g, b, m);
  hb = hb.plus();
  Relation eco = b.rf;
  eco |= b.mo;
  eco |= b.fr;
  eco = eco.plus();
  // Coherence: irreflexive(hb ; eco?).
  if (!hb.irreflexive() || !hb.then(eco).irreflexive()) return Verdict::coherence;

  // SC: acyclic(psc_base ∪ psc_F).
  std::uint64_t sc = 0, same_loc_access = 0;
  for (int e = 0; e < n; ++e)
    if (g.added[e] && !g.table->events[e].init() && g.order(e) == Order::seq_cst && !m.sc_as_acq_rel)
      sc |= Relation::bit(e);
  if (sc == 0) return Verdict::consistent;
  const std::uint64_t fsc = sc & b.fences;
  same_loc_access = b.present & ~b.fences;
  Relation po_loc(n), hb_loc(n);
  for (int a = 0; a < n; ++a) {
    if (!((same_loc_access >> a) & 1)) continue;
    for (int c = 0; c < n; ++c)
      if (((same_loc_access >> c) & 1) && g.loc(a) == g.loc(c)) {
        if (b.po.has(a, c)) po_loc.add(a, c);
        if (hb.has(a, c)) hb_loc.add(a, c);
      }
  }
  Relation po_nloc(n);  // po|≠loc: fences have no location, so they are always here
  for (int a = 0; a < n; ++a) po_nloc.set_row(a, b.po.row(a) & ~po_loc.row(a));
  // scb = po ∪ po|≠loc ; hb ; po|≠loc ∪ hb|loc ∪ mo ∪ fr
  Relation scb = b.po;
  scb |= po_nloc.then(hb).then(po_nloc);
  scb |= hb_loc;
  scb |= b.mo;
  scb |= b.fr;
  // psc_base = ([E_sc] ∪ [F_sc] ; hb?) ; scb ; ([E_sc] ∪ hb? ; [F_sc])
  Relation left = Relation::identity(n, sc);
  left |= hb.restricted(fsc, ~std::uint64_t{0});
  Relation right = Relation::identity(n, sc);
  right |= hb.restricted(~std::uint64_t{0}, fsc);
  Relation psc = left.then(scb).then(right);
  // psc_F = [F_sc] ; (hb ∪ hb ; eco ; hb) ; [F_sc]
  Relation through = hb;
  through |= hb.then(eco).then(hb);
  psc |= through.restricted(fsc, fsc);
  if (!psc.acyclic()) return Verdict::sc;
  return Verdict::consistent;
}

}  // namespace interleave::rc11
