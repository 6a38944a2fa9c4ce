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
    print("\n%-40s %6s %6s %6s %6s %7s" % (title, "total", "killed", "tmout", "surv", "kill%"))
    for key, c in groups.items():
        n = sum(c.values())
        print("%-40s %6d %6d %6d %6d %6.1f%%" % (key, n, c["killed"], c["timeout"],
                                                 c["survived"], 100.0 * detected(c) / n))


def detected(c):
    return c["killed"] + c["timeout"]


def print_summary(results, skipped, seconds):
    table("file", [(r["file"], r) for r in results])
    table("operator", [(r["operator"], r) for r in results])
    c = collections.Counter(r["verdict"] for r in results)
    n = len(results)
    print("\nkill rate: %d/%d = %.1f%% (killed %d, timeout %d, survived %d)%s in %.0f s" % (
        detected(c), n, 100.0 * detected(c) / n if n else 0.0, c["killed"], c["timeout"],
        c["survived"], ", %d skipped by the budget" % skipped if skipped else "", seconds))
    surv = [r for r in results if r["verdict"] == "survived"]
    if surv:
        print("\nsurvivors:")
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
        rates = [100.0 * detected(groups[k]) / sum(groups[k].values()) for k in names]
        ax.barh(names, rates, color="tab:green")
        ax.set_xlim(0, 100)
        ax.set_xlabel("kill rate %")
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
    ap.add_argument("--json")
    ap.add_argument("--png")
    a = ap.parse_args()
    results, runs = merge(a.runs)
    print_summary(results, 0, sum(r.get("seconds", 0) for r in results))
    if a.json:
        c = collections.Counter(r["verdict"] for r in results)
        with open(a.json, "w") as f:
            json.dump({"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": runs,
                       "summary": dict(c, total=len(results)), "mutants": results}, f, indent=1)
        print("json: " + a.json)
    if a.png:
        write_png(a.png, results)


if __name__ == "__main__":
    main()
