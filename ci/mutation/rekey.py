#!/usr/bin/python3
"""Carries mutant ids across a core-header change. Ids number every site of every core header in
one sequence, so an edit anywhere renumbers what follows; the argued equivalents and the stored
campaign results name mutants by id. This maps each old mutant to the new manifest by what it is,
not where it is: file, function, operator, original and mutated text, and its rank among the
mutants that share all five (in line order). A mutant whose five no longer occur, or occur fewer
times, is gone: its argument or verdict is dropped and listed, to be redone.

    rekey.py --old OLD.json --old-rev REV --new build/mutation/mutation/mutants.json
             [--equivalent docs/mutation/equivalent.txt] [--results docs/mutation/full*.json]
             [--check]
    rekey.py selftest [--decoy position|rank-only]


OLD.json: a campaign or results file (its "mutants"), or a manifest, of the old numbering; REV:
the commit whose core headers it numbered. A mutant on a line the diff from REV to the work tree
left alone pairs with the new one at that line's new place; the rest pair by what they are and
their rank (without --old-rev, all of them: then a site inserted before an identical one in the
same function takes that one's id, and the old one shows as new).
--equivalent rewrites the ids of an argument file; --results rewrites each results file's ids
(mutants gone from the new manifest leave it). --check writes nothing and exits 1 when any id
would change. The new mutants with no old counterpart are printed too: they need a run
(run_mutants.py --ids, or ci/mutation_changed.sh). `selftest` checks the mapping on a made-up
header change with known answers (ctest: mutation_tools.rekey_selftest); its decoys must fail
it: `--decoy position` pairs by line and column, as a naive re-key would, and `--decoy rank-only`
ignores the source diff.
"""
import argparse
import collections
import difflib
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


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


def line_map(old_text, new_text):
    """{old line: new line} for the lines a diff of the two texts leaves as they were (1-based)."""
    a, b = old_text.splitlines(), new_text.splitlines()
    out = {}
    for tag, i1, i2, j1, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.update({i + 1: j1 + (i - i1) + 1 for i in range(i1, i2)})
    return out


def id_map(old, new, key=signature, lines=None):
    """({old id: new id}, [old mutants gone], [new mutants with no old one]). With `lines`
    ({file name: line_map}), a mutant on a line the change left alone goes first to the new one
    with its signature at that line's new place (so a site inserted before an identical one in
    the same function does not take its verdict); the rest pair by rank among the unpaired."""
    mapping = {}
    if lines:
        at = {(os.path.basename(m["file"]), m["line"], m["column"], key(m)): m for m in new}
        for m in old:
            nl = lines.get(os.path.basename(m["file"]), {}).get(m["line"])
            hit = at.get((os.path.basename(m["file"]), nl, m["column"], key(m)))
            if hit is not None:
                mapping[m["id"]] = hit["id"]
    taken = set(mapping.values())
    o = ranked([m for m in old if m["id"] not in mapping], key)
    n = ranked([m for m in new if m["id"] not in taken], key)
    mapping.update({m["id"]: n[k]["id"] for k, m in o.items() if k in n})
    paired = set(mapping.values())
    gone = [m for m in old if m["id"] not in mapping]
    fresh = [m for m in new if m["id"] not in paired]
    return mapping, gone, fresh


def source_lines(rev, mutants):
    """{file name: line_map} between each core header at git revision `rev` and the work tree."""
    out = {}
    for path in sorted({m["file"] for m in mutants}):
        rel = os.path.join("allocator", "include", path)
        old = subprocess.run(["git", "-C", ROOT, "show", "%s:%s" % (rev, rel)], capture_output=True, text=True)
        if old.returncode != 0 and "exists on disk, but not in" not in old.stderr:
            raise SystemExit("rekey: git show %s:%s failed: %s" % (rev, rel, old.stderr.strip()))
        before = old.stdout if old.returncode == 0 else ""  # a header new since rev: every line new
        with open(os.path.join(ROOT, rel)) as f:
            out[os.path.basename(path)] = line_map(before, f.read())
    return out


def rekey_equivalent(path, mapping, write):
    """Rewrites the ids of `path`'s argument lines, the leading one and those a reason refers to
    ("as 229": another argued line's id); returns (changed, dropped lines)."""
    with open(path) as f:
        lines = f.readlines()
    argued = {int(ln.split(None, 1)[0]) for ln in lines
              if not ln.startswith("#") and ln.split(None, 1) and ln.split(None, 1)[0].isdigit()}

    def ref(m):
        n = int(m.group(1))
        return "as %d" % mapping[n] if n in argued and n in mapping else m.group(0)

    out, changed, dropped = [], 0, []
    for line in lines:
        parts = line.split(None, 1)
        if not parts or line.startswith("#") or not parts[0].isdigit():
            out.append(line)
            continue
        old = int(parts[0])
        if old not in mapping:
            dropped.append(line.rstrip("\n"))
            continue
        changed += mapping[old] != old
        out.append("%d %s" % (mapping[old], re.sub(r"\bas (\d+)\b", ref, parts[1])))
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
    mapping, gone, fresh = id_map(old, new, position if decoy == "position" else signature)
    # A second made-up change, with the source: c.h's function h gains a `return false` above the
    # one it had (old line 3, now 4); its other lines stay.
    old_c = [m(10, "c.h", 3, "h", "return-bool", "false", "!(false)"), m(11, "c.h", 5, "h", "literal+1", "1", "2")]
    new_c = [m(20, "c.h", 2, "h", "return-bool", "false", "!(false)"),
             m(21, "c.h", 4, "h", "return-bool", "false", "!(false)"), m(22, "c.h", 6, "h", "literal+1", "1", "2")]
    lines_c = {"c.h": line_map("a\nb\nreturn false;\nc\nx = 1;\n", "a\nif (q) return false;\nb\nreturn false;\nc\nx = 1;\n")}
    mapping_c, _, fresh_c = id_map(old_c, new_c, position if decoy == "position" else signature,
                                   None if decoy == "rank-only" else lines_c)
    checks = [("with the source, the old site keeps its verdict, the inserted one is new",
               mapping_c == {10: 21, 11: 22} and [f["id"] for f in fresh_c] == [20]),("renumbered site", mapping.get(0) == 1),
              ("first of two identical sites keeps its rank", mapping.get(1) == 2),
              ("the second, whose text is gone, is dropped", 2 not in mapping and [g["id"] for g in gone] == [2]),
              ("another file's site follows the renumbering", mapping.get(3) == 3),
              ("the new site has no old one", [f["id"] for f in fresh] == [0])]
    import tempfile
    with tempfile.NamedTemporaryFile("w+", suffix=".txt") as eq:
        eq.write("# comment 0\n0 a.h f first\n2 a.h f gone\n3 b.h g as 0, and 7 as 7 bytes\n")
        eq.flush()
        _, dropped = rekey_equivalent(eq.name, mapping, True)
        eq.seek(0)
        text = eq.read()
    checks += [("arguments renumbered, references to argued ids too, other numbers kept",
                text == "# comment 0\n1 a.h f first\n3 b.h g as 1, and 7 as 7 bytes\n"),
               ("the argument of a gone mutant is dropped", dropped == ["2 a.h f gone"])]
    failed = [name for name, ok in checks if not ok]
    for name, ok in checks:
        print("%s: %s" % ("ok  " if ok else "FAIL", name))
    print("rekey selftest: %d of %d checks failed" % (len(failed), len(checks)))
    return 1 if failed else 0


def main():
    if sys.argv[1:2] == ["selftest"]:
        decoy = sys.argv[3] if sys.argv[2:3] == ["--decoy"] and len(sys.argv) > 3 else None
        if len(sys.argv) > 2 and decoy not in ("position", "rank-only"):
            raise SystemExit("rekey: selftest takes --decoy position or --decoy rank-only")
        return selftest(decoy)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 1)[1])
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--old-rev", help="the commit OLD.json's headers were numbered at")
    ap.add_argument("--equivalent")
    ap.add_argument("--results", nargs="*", default=[])
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()

    old, new = load_mutants(a.old), load_mutants(a.new)
    for name, ms in (("--old", old), ("--new", new)):
        if len({m["id"] for m in ms}) != len(ms):
            raise SystemExit("rekey: %s names an id twice" % name)
    mapping, gone, fresh = id_map(old, new, lines=source_lines(a.old_rev, new) if a.old_rev else None)
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
