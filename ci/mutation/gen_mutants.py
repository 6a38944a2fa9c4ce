#!/usr/bin/python3
"""Finds the mutation sites of allocator/include/hakmem/core/*.h with clang's parser and writes
mutant schemata: a mutated copy of the core headers (never the source tree) in which each site
is `(::hakmem::mutation::active(ID) ? MUTATED : ORIGINAL)`, plus hakmem/mutation.h and
mutants.json (id, file, line, column, operator, original and mutated text of every mutant).

    gen_mutants.py --out BUILD/mutation [--source-include allocator/include]
                   [--compile-commands BUILD/compile_commands.json] [-D NAME=VALUE]... [--list]

Put OUT/include before allocator/include on the include path; HAKMEM_MUTANT=ID selects one.
(#!/usr/bin/python3: the Python that Debian's python3-clang-14 installs into.)
"""
import argparse
import collections
import glob
import json
import os
import shlex
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import schemata  # noqa: E402
import sites  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def flags_from_compile_commands(path):
    """-D and -std flags of an allocator translation unit, as the build compiles it."""
    with open(path) as f:
        entries = json.load(f)
    for e in entries:
        if "/allocator/" in e["file"]:
            args = e.get("arguments") or shlex.split(e["command"])
            return [a for a in args if a.startswith(("-D", "-std="))]
    return []


def line_col(text, offset):
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--source-include", default=os.path.join(ROOT, "allocator", "include"))
    ap.add_argument("--compile-commands")
    ap.add_argument("-D", dest="defines", action="append", default=[])
    ap.add_argument("--list", action="store_true", help="print the mutant count per operator")
    a = ap.parse_args()

    inc = os.path.abspath(a.source_include)
    core = os.path.join(inc, "hakmem", "core")
    # allocator.h first: the allocator_*.h parts are included by it, not standalone.
    headers = sorted(glob.glob(os.path.join(core, "*.h")),
                     key=lambda p: (os.path.basename(p) != "allocator.h", p))
    flags = ["-D" + d for d in a.defines]
    if a.compile_commands:
        flags += flags_from_compile_commands(a.compile_commands)
    found = sites.find_sites(headers, [inc], flags)

    out_core = os.path.join(a.out, "include", "hakmem", "core")
    os.makedirs(out_core, exist_ok=True)
    shutil.copyfile(os.path.join(HERE, "mutation.h"),
                    os.path.join(a.out, "include", "hakmem", "mutation.h"))
    mutants, next_id, dropped_total = [], 0, 0
    for path in sorted(found):
        text, ss = found[path]
        rel = os.path.relpath(path, inc)
        for s in ss:
            s.id = next_id
            next_id += 1
        root, dropped = schemata.build_tree(text, ss)
        dropped_total += len(dropped)
        kept = [s for s in ss if s not in dropped]
        body = schemata.render(text, root, [])
        if kept:
            body = body.replace("#pragma once\n", "#pragma once\n#include \"hakmem/mutation.h\"\n", 1)
        dest = os.path.join(out_core, os.path.basename(path))
        new = body.encode("latin-1")
        if not (os.path.exists(dest) and open(dest, "rb").read() == new):
            with open(dest, "wb") as f:  # unchanged files keep their time stamp: no rebuild
                f.write(new)
        for s in kept:
            line, col = line_col(text, s.start)
            orig, mut = schemata.one_line(text, s)
            mutants.append({"id": s.id, "file": rel, "line": line, "column": col,
                            "function": s.func, "operator": s.op, "original": orig, "mutated": mut})
    manifest = os.path.join(a.out, "mutants.json")
    with open(manifest + ".tmp", "w") as f:
        json.dump({"source_include": inc, "mutants": mutants}, f, indent=1)
    os.replace(manifest + ".tmp", manifest)
    per_op = collections.Counter(m["operator"] for m in mutants)
    print("gen_mutants: %d mutants in %d headers (%s)%s -> %s" % (
        len(mutants), len(found), ", ".join("%s %d" % kv for kv in sorted(per_op.items())),
        ", %d overlapping sites dropped" % dropped_total if dropped_total else "", a.out))
    if a.list:
        per_file = collections.Counter(m["file"] for m in mutants)
        for f, n in sorted(per_file.items()):
            print("  %-40s %d" % (f, n))


if __name__ == "__main__":
    main()
