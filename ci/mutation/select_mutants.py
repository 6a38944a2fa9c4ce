"""Which mutants a run covers: by file, operator, changed lines, explicit selectors, count."""
import os
import re
import subprocess


def changed_lines(ref, root):
    """{path relative to allocator/include: set of new-side line numbers} of git diff REF."""
    out = subprocess.run(["git", "-C", root, "diff", "-U0", ref, "--",
                          "allocator/include/hakmem/core"],
                         check=True, capture_output=True, text=True).stdout
    lines, path = {}, None
    for ln in out.splitlines():
        if ln.startswith("+++ "):
            path = ln[6:] if ln.startswith("+++ b/") else None
            if path:
                path = os.path.relpath(path, "allocator/include")
        m = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", ln)  # a unified-diff hunk header
        if m and path:
            start, count = int(m.group(1)), int(m.group(2) or "1")
            lines.setdefault(path, set()).update(range(start, start + count))
    return lines


def matches_file(m, names):
    return not names or any(m["file"] == n or m["file"].endswith("/" + n) for n in names)


def by_selector(mutants, sel):
    parts = sel.split("|")
    if len(parts) not in (4, 5):
        raise SystemExit("run_mutants: --select wants FILE|FUNCTION|OPERATOR|ORIGINAL[|MUTATED]: "
                         + sel)
    f, fn, op, orig = parts[:4]
    mut = parts[4] if len(parts) > 4 else ""
    hits = [m for m in mutants if matches_file(m, [f]) and m.get("function") == fn
            and m["operator"] == op and orig in m["original"] and mut in m["mutated"]]
    if len(hits) != 1:
        raise SystemExit("run_mutants: --select %s matches %d mutants, not one" % (sel, len(hits)))
    return hits[0]


def select(manifest, a):
    mutants = manifest["mutants"]
    if a.select:
        return [by_selector(mutants, s) for s in a.select]
    out = [m for m in mutants if matches_file(m, a.files)
           and (not a.operators or m["operator"] in a.operators)
           and (not getattr(a, "functions", None) or m.get("function") in a.functions)
           and (not getattr(a, "ids", None) or m["id"] in a.ids)]
    if a.changed_since:
        root = os.path.dirname(os.path.dirname(manifest["source_include"]))
        touched = changed_lines(a.changed_since, root)
        out = [m for m in out if m["line"] in touched.get(m["file"], ())]
    return out[: a.max] if a.max is not None else out
