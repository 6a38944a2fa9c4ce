#!/usr/bin/python3
"""Carries mutant ids across a core-header change. Ids number every site of every core header in
one sequence, so an edit anywhere renumbers what follows; the argued equivalents and the stored
campaign results name mutants by id. This maps each old mutant to the new manifest by what it is,
not where it is: file, function, operator, original and mutated text, and its rank among the
mutants that share all five (in line order). A mutant whose five no longer occur, or occur fewer
times, is gone: its argument or verdict is dropped and listed, to be redone.

    rekey.py --old OLD.json --new build/mutation/mutation/mutants.json
             [--equivalent docs/mutation/equivalent.txt] [--results docs/mutation/full*.json]
             [--check]
    rekey.py selftest [--decoy]


OLD.json: a campaign or results file (its "mutants"), or a manifest, of the old numbering.
--equivalent rewrites the ids of an argument file; --results rewrites each results file's ids
(mutants gone from the new manifest leave it). --check writes nothing and exits 1 when any id
would change. The new mutants with no old counterpart are printed too: they need a run
(run_mutants.py --ids, or ci/mutation_changed.sh). `selftest` checks the mapping on a made-up
header change with known answers (ctest: mutation_tools.rekey_selftest); --decoy maps by line
and column instead, as a naive re-key would, and must fail it.
"""
import argparse
import collections
import json
import os
import sys


def load_mutants(path):
    with open(path) as f:
        doc = json.load(f)
    return doc["mutants"] if isinstance(doc, dict) else doc


def signature(m):
    return (os.path.basename(m["file"]), m.get("function", ""), m["operator"], m["original"], m["mutated"])


def position(m):  # the decoy's key: where, not what
    return (os.path.basename(m["file"]), m["line"], m["column"], m["operator"])


def ranked(mutants, key=signature):
    """{(signature, rank): mutant}, rank counting same-signature mutants in (line, column) order."""
    seen = collections.Counter()
    out = {}
    for m in sorted(mutants, key=lambda m: (m["file"], m["line"], m["column"], m["id"])):
        sig = key(m)
        out[(sig, seen[sig])] = m
        seen[sig] += 1
    return out


def id_map(old, new, key=signature):
    """({old id: new id}, [old mutants gone], [new mutants with no old one])."""
    o, n = ranked(old, key), ranked(new, key)
    mapping = {m["id"]: n[k]["id"] for k, m in o.items() if k in n}
    gone = [m for k, m in o.items() if k not in n]
    fresh = [m for k, m in n.items() if k not in o]
    return mapping, gone, fresh


def rekey_equivalent(path, mapping, write):
    """Rewrites the leading ids of `path`'s argument lines; returns (changed, dropped lines)."""
    out, changed, dropped = [], 0, []
    with open(path) as f:
        for line in f:
            parts = line.split(None, 1)
            if not parts or line.startswith("#") or not parts[0].isdigit():
                out.append(line)
                continue
            old = int(parts[0])
            if old not in mapping:
                dropped.append(line.rstrip("\n"))
                continue
            changed += mapping[old] != old
            out.append("%d %s" % (mapping[old], parts[1]))
    if write:
        with open(path, "w") as f:
            f.writelines(out)
    return changed, dropped


def rekey_results(path, mapping, new_by_id, write):
    """Renumbers a results file's mutants (line and column from the new manifest); returns
    (changed, dropped)."""
    with open(path) as f:
        doc = json.load(f)
    kept, changed, dropped = [], 0, 0
    for m in doc["mutants"]:
        if m["id"] not in mapping:
            dropped += 1
            continue
        nid = mapping[m["id"]]
        changed += nid != m["id"]
        m["id"] = nid
        m["line"], m["column"] = new_by_id[nid]["line"], new_by_id[nid]["column"]
        kept.append(m)
    doc["mutants"] = sorted(kept, key=lambda m: m["id"])
    if write:
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
    return changed, dropped


def selftest(decoy):
    """A made-up change: a.h gains a site above two it had (renumbering them and every site of
    b.h), one of two identical sites in a.h loses its text, b.h keeps its sites on moved lines."""
    def m(i, f, line, fn, op, orig, mut):
        return {"id": i, "file": "hakmem/core/" + f, "line": line, "column": 5, "function": fn,
                "operator": op, "original": orig, "mutated": mut}
    old = [m(0, "a.h", 10, "f", "relational", "x < n", "x <= n"),
           m(1, "a.h", 20, "f", "literal+1", "1", "2"),
           m(2, "a.h", 30, "f", "literal+1", "1", "2"),
           m(3, "b.h", 5, "g", "negate-if", "p", "!(p)")]
    new = [m(0, "a.h", 8, "f", "delete-call", "h();", "/* deleted */"),
           m(1, "a.h", 11, "f", "relational", "x < n", "x <= n"),
           m(2, "a.h", 21, "f", "literal+1", "1", "2"),
           m(3, "b.h", 9, "g", "negate-if", "p", "!(p)")]
    mapping, gone, fresh = id_map(old, new, position if decoy else signature)
    checks = [("renumbered site", mapping.get(0) == 1),
              ("first of two identical sites keeps its rank", mapping.get(1) == 2),
              ("the second, whose text is gone, is dropped", 2 not in mapping and [g["id"] for g in gone] == [2]),
              ("another file's site follows the renumbering", mapping.get(3) == 3),
              ("the new site has no old one", [f["id"] for f in fresh] == [0])]
    failed = [name for name, ok in checks if not ok]
    for name, ok in checks:
        print("%s: %s" % ("ok  " if ok else "FAIL", name))
    print("rekey selftest: %d of %d checks failed" % (len(failed), len(checks)))
    return 1 if failed else 0


def main():
    if sys.argv[1:2] == ["selftest"]:
        return selftest(decoy="--decoy" in sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 1)[1])
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--equivalent")
    ap.add_argument("--results", nargs="*", default=[])
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()

    old, new = load_mutants(a.old), load_mutants(a.new)
    for name, ms in (("--old", old), ("--new", new)):
        if len({m["id"] for m in ms}) != len(ms):
            raise SystemExit("rekey: %s names an id twice" % name)
    mapping, gone, fresh = id_map(old, new)
    moved = sum(1 for k, v in mapping.items() if k != v)
    print("rekey: %d old mutants, %d new; %d carried over (%d renumbered), %d gone, %d new" % (
        len(old), len(new), len(mapping), moved, len(gone), len(fresh)))
    for m in gone:
        print("  gone #%d %s:%d %s %s: %s -> %s" % (m["id"], os.path.basename(m["file"]), m["line"],
                                                    m.get("function", ""), m["operator"], m["original"],
                                                    m["mutated"]))
    for m in fresh:
        print("  new  #%d %s:%d %s %s: %s -> %s" % (m["id"], os.path.basename(m["file"]), m["line"],
                                                    m.get("function", ""), m["operator"], m["original"],
                                                    m["mutated"]))
    write = not a.check
    stale = moved > 0 or bool(gone)
    if a.equivalent:
        changed, dropped = rekey_equivalent(a.equivalent, mapping, write)
        print("%s: %d ids changed, %d arguments dropped" % (a.equivalent, changed, len(dropped)))
        for line in dropped:
            print("  dropped: " + line)
    new_by_id = {m["id"]: m for m in new}
    for path in a.results:
        changed, dropped = rekey_results(path, mapping, new_by_id, write)
        print("%s: %d ids changed, %d mutants dropped" % (path, changed, dropped))
    if a.check and stale:
        print("rekey --check: the ids moved; run without --check to rewrite them")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
