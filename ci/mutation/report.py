"""Kill rates per file and per operator, survivors with a one-line diff, JSON and a chart."""
import collections
import json
import os
import time

DETECTED = ("killed", "timeout")


def short_diff(orig, mut, width=110):
    """ORIGINAL -> MUTATED cut to the part that differs (with a little context)."""
    if len(orig) + len(mut) + 4 <= width:
        return "%s  ->  %s" % (orig, mut)
    p = 0
    while p < min(len(orig), len(mut)) and orig[p] == mut[p]:
        p += 1
    s = 0
    while s < min(len(orig), len(mut)) - p and orig[-1 - s] == mut[-1 - s]:
        s += 1
    keep = 20
    lo = max(0, p - keep)
    a = orig[lo:len(orig) - s + min(s, keep)]
    b = mut[lo:len(mut) - s + min(s, keep)]
    pre, post = "..." if lo else "", "..." if s > keep else ""
    return "%s%s%s  ->  %s%s%s" % (pre, a, post, pre, b, post)


def describe(m):
    return "#%d %s:%d:%d %s() %s: %s" % (m["id"], m["file"], m["line"], m["column"],
                                         m.get("function", ""), m["operator"],
                                         short_diff(m["original"], m["mutated"]))


def table(title, rows):
    groups = collections.OrderedDict()
    for key, r in sorted(rows, key=lambda x: x[0]):
        groups.setdefault(key, collections.Counter())[r["verdict"]] += 1
    print("\n%-40s %6s %6s %6s %6s %6s %7s %8s" % (title, "total", "killed", "tmout", "surv", "equiv",
                                                  "kill%", "non-eq%"))
    for key, c in groups.items():
        n = sum(c.values())
        print("%-40s %6d %6d %6d %6d %6d %6.1f%% %7.1f%%" % (key, n, c["killed"], c["timeout"], c["survived"],
                                                           c["equivalent"], 100.0 * detected(c) / n,
                                                           non_equivalent_rate(c)))


def detected(c):
    return c["killed"] + c["timeout"]


def non_equivalent_rate(c):
    """Detected mutants among those not argued equivalent, in percent."""
    n = sum(c.values()) - c["equivalent"]
    return 100.0 * detected(c) / n if n else 100.0


def apply_equivalents(results, path):
    """Marks the survivors argued equivalent in `path` (lines "ID FILE FUNCTION reason", # comments;
    FUNCTION without its spaces, as in "LargeCache<A,JoinAcrossMappings>")
    with the verdict "equivalent". An id whose file or function differs from the campaign's (ids
    move when a core header changes), or whose mutant was detected, is an error: the argument is
    stale or wrong. Returns the error lines."""
    by_id = {r["id"]: r for r in results}
    errors = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 3)
            if len(parts) < 4 or not parts[0].isdigit():
                errors.append("%s:%d: want ID FILE FUNCTION REASON" % (path, n))
                continue
            m = by_id.get(int(parts[0]))
            if m is None:
                errors.append("%s:%d: #%s is in no campaign given" % (path, n, parts[0]))
            elif os.path.basename(m["file"]) != parts[1] or m.get("function", "").replace(" ", "") != parts[2]:
                errors.append("%s:%d: #%s is %s %s() in the campaign, not %s %s() (stale id)" % (
                    path, n, parts[0], os.path.basename(m["file"]), m.get("function", ""), parts[1], parts[2]))
            elif m["verdict"] != "survived":
                errors.append("%s:%d: #%s argued equivalent but %s: %s" % (path, n, parts[0], m["verdict"],
                                                                          describe(m)))
            else:
                m["verdict"] = "equivalent"
    return errors


def print_summary(results, skipped, seconds):
    table("file", [(r["file"], r) for r in results])
    table("operator", [(r["operator"], r) for r in results])
    c = collections.Counter(r["verdict"] for r in results)
    n = len(results)
    print("\nkill rate: %d/%d = %.1f%% (killed %d, timeout %d, survived %d)%s in %.0f s" % (
        detected(c), n, 100.0 * detected(c) / n if n else 0.0, c["killed"], c["timeout"],
        c["survived"], ", %d skipped by the budget" % skipped if skipped else "", seconds))
    if c["equivalent"]:
        nonequiv = n - c["equivalent"]
        print("non-equivalent: %d/%d = %.1f%% detected (%d survivors argued equivalent)" % (
            detected(c), nonequiv, non_equivalent_rate(c), c["equivalent"]))
    surv = [r for r in results if r["verdict"] == "survived"]
    if surv:
        print("\nsurvivors%s:" % (" not argued equivalent" if c["equivalent"] else ""))
        for r in surv:
            print("  " + describe(r))


def write_json(path, results, cmds, args):
    c = collections.Counter(r["verdict"] for r in results)
    doc = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "build_dir": os.path.abspath(args.build_dir), "commands": cmds,
           "summary": dict(c, total=len(results)), "mutants": results}
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    print("json: " + path)


def write_png(path, results):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("png: matplotlib not installed (ci/setup.sh installs python3-matplotlib)")
        return
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    for ax, key in zip(axes, ("operator", "file")):
        groups = collections.defaultdict(collections.Counter)
        for r in results:
            groups[os.path.basename(r[key])][r["verdict"]] += 1
        names = sorted(groups)
        rates = [non_equivalent_rate(groups[k]) for k in names]
        ax.barh(names, rates, color="tab:green")
        ax.set_xlim(0, 100)
        ax.set_xlabel("detected % of the mutants not argued equivalent")
        ax.set_title("per " + key)
    fig.tight_layout()
    fig.savefig(path)
    print("png: " + path)


def merge(paths):
    """The mutants of several campaign JSONs, by id; a later file's verdict replaces an earlier
    one (a re-run of the survivors after new tests)."""
    by_id, cmds = {}, []
    for p in paths:
        with open(p) as f:
            doc = json.load(f)
        cmds.append({"file": os.path.basename(p), "when": doc.get("when"),
                     "commands": doc.get("commands")})
        for m in doc["mutants"]:
            by_id[m["id"]] = m
    return [by_id[k] for k in sorted(by_id)], cmds


def main():
    import argparse
    ap = argparse.ArgumentParser(description="Merges campaign JSONs (later verdicts win) and "
                                 "prints the rates; --json/--png write the merged report.")
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--equivalent", metavar="FILE",
                    help="survivors argued equivalent: lines ID FILE FUNCTION REASON")
    ap.add_argument("--json")
    ap.add_argument("--png")
    a = ap.parse_args()
    results, runs = merge(a.runs)
    errors = apply_equivalents(results, a.equivalent) if a.equivalent else []
    print_summary(results, 0, sum(r.get("seconds", 0) for r in results))
    if a.json:
        c = collections.Counter(r["verdict"] for r in results)
        with open(a.json, "w") as f:
            json.dump({"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": runs,
                       "summary": dict(c, total=len(results)), "mutants": results}, f, indent=1)
        print("json: " + a.json)
    if a.png:
        write_png(a.png, results)
    for e in errors:
        print("error: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
