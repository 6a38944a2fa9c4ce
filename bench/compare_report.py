"""The report of bench/compare.sh: medians, ratios and geometric means from OUT/raw/runs.tsv,
printed as one table and written as OUT/medians.tsv, OUT/geomean.tsv, OUT/results.json and the
chart OUT/compare.png.

usage: /usr/bin/python3 compare_report.py OUT "ALLOCATORS..." "BENCHMARKS..."
       /usr/bin/python3 compare_report.py selftest

Directions, the same everywhere:
  speed ratio  = hakmem ops/s / allocator ops/s   (> 1: hakmem is faster than that allocator)
  RSS ratio    = allocator peak RSS / mimalloc's  (> 1: more memory than mimalloc)
  paired ratio = median over reps of hakmem's run / x's run of the same rep (they ran back to back),
                 with a bootstrap 95% interval; on a host whose load drifts between reps it is the
                 steadier estimate: the drift divides out of each pair, not of the medians.
"""
import json
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ab_stats import bootstrap_ci  # noqa: E402  (the A/B method's percentile bootstrap)


def load_runs(path):
    """{(bench, allocator): ([ops/s...], [rss KiB...])} and {bench: suite}."""
    runs, suite = {}, {}
    with open(path) as f:
        for line in f:
            s, b, a, ops, rss = line.split("\t")
            suite[b] = s
            speed, mem = runs.setdefault((b, a), ([], []))
            speed.append(float(ops))
            mem.append(float(rss))
    return runs, suite


def geomean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def summarize(runs, allocators, benches, suite):
    """One row per (bench, allocator) with medians, spread and both ratios (None when unknown)."""
    rows = []
    for b in benches:
        med = {a: statistics.median(runs[(b, a)][0]) for a in allocators if (b, a) in runs}
        rss = {a: statistics.median(runs[(b, a)][1]) for a in allocators if (b, a) in runs}
        for a in allocators:
            if a not in med:
                rows.append({"suite": suite.get(b, "?"), "bench": b, "allocator": a, "failed": True})
                continue
            speeds = runs[(b, a)][0]
            paired = paired_ratios(runs.get((b, "hakmem"), ([], []))[0], speeds)
            rows.append({
                "suite": suite[b], "bench": b, "allocator": a, "failed": False, "reps": len(speeds),
                "ops_per_s": med[a], "spread": (max(speeds) - min(speeds)) / med[a] if med[a] else None,
                "maxrss_kb": rss[a],
                "speed_ratio": med["hakmem"] / med[a] if "hakmem" in med and med[a] else None,
                "rss_ratio": rss[a] / rss["mimalloc"] if "mimalloc" in rss and rss["mimalloc"] else None,
                **paired_summary(paired),
            })
    return rows


def paired_ratios(hakmem, other):
    """hakmem's ops/s over x's, rep by rep; None unless both have every rep (a failed run would
    shift the pairs)."""
    if not hakmem or len(hakmem) != len(other) or any(v <= 0 for v in other):
        return None
    return [h / x for h, x in zip(hakmem, other)]


def paired_summary(pairs):
    if not pairs:
        return {"paired_ratio": None, "paired_ci": None, "wins": None}
    lo, hi = bootstrap_ci(pairs) if len(pairs) >= 3 else (None, None)
    return {"paired_ratio": statistics.median(pairs), "paired_ci": None if lo is None else [lo, hi],
            "wins": sum(1 for r in pairs if r > 1)}


def geomeans(rows, allocators):
    """Per (suite, allocator): geometric means of both ratios over the suite's benchmarks."""
    out = []
    for s in dict.fromkeys(r["suite"] for r in rows):
        for a in allocators:
            mine = [r for r in rows if r["suite"] == s and r["allocator"] == a and not r["failed"]]
            out.append({"suite": s, "allocator": a, "benchmarks": len(mine),
                        "speed_ratio": geomean([r["speed_ratio"] for r in mine]),
                        "paired_ratio": geomean([r["paired_ratio"] for r in mine]),
                        "rss_ratio": geomean([r["rss_ratio"] for r in mine])})
    return out


def fmt(v, spec, missing="n/a"):
    return missing if v is None else format(v, spec)


def fmt_paired(r):
    if r["paired_ratio"] is None:
        return "n/a"
    ci = r["paired_ci"]
    return f"{r['paired_ratio']:.2f}" + (f" [{ci[0]:.2f},{ci[1]:.2f}]" if ci else "")


def print_table(rows, gms):
    print(f"\n{'suite':<9} {'benchmark':<22} {'allocator':<9} {'ops/s':>13} {'spread':>6} "
          f"{'maxRSS MiB':>10} {'hakmem/x':>8} {'paired [95% CI]':>18} {'wins':>5} {'RSS/mim':>7}")
    for r in rows:
        if r["failed"]:
            print(f"{r['suite']:<9} {r['bench']:<22} {r['allocator']:<9} {'FAIL':>13}")
            continue
        wins = "" if r["wins"] is None else f"{r['wins']}/{r['reps']}"
        print(f"{r['suite']:<9} {r['bench']:<22} {r['allocator']:<9} {r['ops_per_s']:>13.0f} "
              f"{fmt(r['spread'] * 100, '.0f') + '%':>6} {r['maxrss_kb'] / 1024:>10.1f} "
              f"{fmt(r['speed_ratio'], '.2f'):>8} {fmt_paired(r):>18} {wins:>5} {fmt(r['rss_ratio'], '.2f'):>7}")
    print("\ngeometric means per suite (over its benchmarks):")
    print(f"{'suite':<9} {'allocator':<9} {'hakmem/x speed':>14} {'paired':>7} {'x RSS/mimalloc':>14}")
    for g in gms:
        print(f"{g['suite']:<9} {g['allocator']:<9} {fmt(g['speed_ratio'], '.2f'):>14} "
              f"{fmt(g['paired_ratio'], '.2f'):>7} {fmt(g['rss_ratio'], '.2f'):>14}")
    print("hakmem/x = hakmem ops/s / allocator x's ops/s: > 1.00 means hakmem is FASTER than x, < 1.00 slower.\n"
          "paired   = median over reps of hakmem / x within one rep (run back to back), bootstrap 95% interval;\n"
          "           wins = reps in which hakmem was faster. Steadier than the medians when the load drifts.\n"
          "RSS/mim  = x's peak RSS / mimalloc's (median over reps; redis: the server's VmHWM).\n"
          "spread   = (max - min) / median of x's ops/s over the reps: above ~20%, run again or --long.")


def write_tsv(path, rows, keys):
    with open(path, "w") as f:
        f.write("\t".join(keys) + "\n")
        for r in rows:
            f.write("\t".join("" if r.get(k) is None else str(r.get(k)) for k in keys) + "\n")


def plotted(r):
    """The ratio a chart bar shows for a row (or geomean): the paired one, with its interval, where
    there is one; else the ratio of medians, marked so."""
    if r.get("paired_ratio") is not None:
        return r["paired_ratio"], r.get("paired_ci"), False
    return r.get("speed_ratio"), None, True


def chart_groups(rows, gms):
    """What the chart draws: (label, {allocator: (ratio, interval or None)}, is_geomean) per
    benchmark and per suite's geomean. Labels say when a bar is a ratio of medians."""
    groups = []
    for s in dict.fromkeys(r["suite"] for r in rows):
        for b in dict.fromkeys(r["bench"] for r in rows if r["suite"] == s):
            mine = [r for r in rows if r["bench"] == b and not r["failed"]]
            bars = {r["allocator"]: plotted(r) for r in mine}
            medians = any(m for _, _, m in bars.values())
            groups.append((f"{s}/{b}" + (" (medians)" if medians else ""),
                           {a: (v, ci) for a, (v, ci, _) in bars.items() if v is not None}, False))
        gm = {g["allocator"]: plotted(g) for g in gms if g["suite"] == s}
        groups.append((f"{s}: GEOMEAN", {a: (v, None) for a, (v, _, _) in gm.items() if v is not None}, True))
    return groups


def chart(path, rows, gms, allocators):
    """Horizontal bars of hakmem's paired speed ratio to every other allocator, with its 95%
    interval, per benchmark and geomean per suite, on a log axis (2x faster and 2x slower are the
    same length), 1.0 marked."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    others = [a for a in allocators if a != "hakmem"]
    colors = dict(zip(["glibc", "mimalloc", "jemalloc", "tcmalloc", "tbbmalloc"],
                      ["#7f7f7f", "#1f77b4", "#2ca02c", "#d62728", "#9467bd"]))
    groups = chart_groups(rows, gms)
    bar_h = 0.8 / max(1, len(others))
    fig, ax = plt.subplots(figsize=(10, 0.22 * len(groups) * max(3, len(others)) + 1.5))
    ticks = []
    for gi, (label, bars, is_gm) in enumerate(groups):
        y0 = gi
        ticks.append((y0, label, is_gm))
        if is_gm:
            ax.axhspan(y0 - 0.45, y0 + 0.45, color="#fff2cc", zorder=0)
        for oi, a in enumerate(others):
            if a not in bars:
                continue
            v, ci = bars[a]
            y = y0 - 0.4 + bar_h * (oi + 0.5)
            ax.barh(y, math.log10(v), height=bar_h * 0.9, left=0, color=colors.get(a, "#9467bd"),
                    label=a if gi == 0 else None, zorder=2)
            if ci:
                ax.errorbar(math.log10(v), y, xerr=[[math.log10(v) - math.log10(ci[0])], [math.log10(ci[1]) - math.log10(v)]],
                            fmt="none", ecolor="black", elinewidth=0.6, capsize=1.5, zorder=3)
            ax.text(math.log10(ci[1] if ci and v >= 1 else ci[0] if ci else v), y, f" {v:.2f}" if v >= 1 else f"{v:.2f} ",
                    va="center", ha="left" if v >= 1 else "right", fontsize=6.5, zorder=3)
    ax.axvline(0, color="black", linewidth=1.2, zorder=3)
    ax.set_yticks([t[0] for t in ticks])
    ax.set_yticklabels([t[1] for t in ticks], fontsize=8)
    for lbl, t in zip(ax.get_yticklabels(), ticks):
        if t[2]:
            lbl.set_fontweight("bold")
    ax.invert_yaxis()
    lo, hi = ax.get_xlim()
    span = max(abs(lo), abs(hi), math.log10(2)) * 1.15
    ax.set_xlim(-span, span)
    xt = [x for x in (0.1, 0.2, 0.5, 1, 2, 5, 10) if abs(math.log10(x)) <= span]
    ax.set_xticks([math.log10(x) for x in xt])
    ax.set_xticklabels([f"{x:g}x" for x in xt])
    ax.set_xlabel("hakmem speed / other allocator's speed  (right of 1x: hakmem faster; left: hakmem slower)")
    ax.set_title("hakmem vs other allocators: paired speed ratio per benchmark\n"
                 "(median over reps of hakmem / x within a rep; whiskers: bootstrap 95% interval)", pad=24)
    ax.grid(axis="x", linestyle=":", zorder=1)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(others), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def chart_bar(rows, bench, allocator):
    """The value the chart draws for (bench, allocator), for the self-test."""
    flat = [r for r in rows.values()]
    for label, bars, _ in chart_groups(flat, geomeans(flat, ["hakmem", allocator])):
        if label.split("/", 1)[-1].split(" ")[0] == bench and allocator in bars:
            return bars[allocator][0]
    return None


def selftest():
    """Synthetic runs whose answers are known. b: the load halves every other rep and hakmem is
    10% faster within every rep. c: three reps whose load differs (hakmem 110 vs 100, 60 vs 50,
    80 vs 100): the medians (80 against 100) say hakmem is slower, the pairs (1.1, 1.2, 0.8) that
    it won 2 of 3 with a median of 1.1."""
    load = [1.0 if i % 2 == 0 else 0.5 for i in range(11)]
    runs = {("b", "hakmem"): ([110.0 * d for d in load], [1.0] * 11), ("b", "x"): ([100.0 * d for d in load], [1.0] * 11),
            ("c", "hakmem"): ([110.0, 60.0, 80.0], [1.0] * 3), ("c", "x"): ([100.0, 50.0, 100.0], [1.0] * 3)}
    rows = {(r["bench"], r["allocator"]): r for r in summarize(runs, ["hakmem", "x"], ["b", "c"], {"b": "s", "c": "s"})}
    checks = [
        ("paired ratio of steady pairs", rows[("b", "x")]["paired_ratio"], 1.10),
        ("wins of steady pairs", rows[("b", "x")]["wins"], 11),
        ("interval of equal pairs", rows[("b", "x")]["paired_ci"], [1.10, 1.10]),
        ("hakmem against itself", rows[("b", "hakmem")]["paired_ratio"], 1.0),
        ("median ratio of drifting reps", rows[("c", "x")]["speed_ratio"], 0.8),
        ("paired ratio of drifting reps", rows[("c", "x")]["paired_ratio"], 1.1),
        ("wins of drifting reps", rows[("c", "x")]["wins"], 2),
        ("pairs need every rep", paired_ratios([1.0, 2.0], [1.0]), None),
        ("the chart draws the pairs of drifting reps", chart_bar(rows, "c", "x"), 1.1),
        ("the chart draws medians only without pairs", plotted({"paired_ratio": None, "speed_ratio": 0.8})[0], 0.8),
    ]
    bad = 0
    for name, got, want in checks:
        if isinstance(want, (float, list)):
            g = got if isinstance(got, list) else [got]
            w = want if isinstance(want, list) else [want]
            same = None not in g and len(g) == len(w) and all(abs(a - b) < 1e-9 for a, b in zip(g, w))
        else:
            same = got == want
        if not same:
            print(f"selftest FAIL: {name}: got {got}, want {want}")
            bad += 1
    print(f"selftest: {len(checks) - bad} of {len(checks)} checks passed")
    return 1 if bad else 0


def main():
    if sys.argv[1:] == ["selftest"]:
        return selftest()
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    out, allocators, benches = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
    runs, suite = load_runs(os.path.join(out, "raw", "runs.tsv"))
    rows = summarize(runs, allocators, benches, suite)
    gms = geomeans(rows, allocators)
    print_table(rows, gms)
    write_tsv(os.path.join(out, "medians.tsv"), rows,
              ["suite", "bench", "allocator", "reps", "ops_per_s", "spread", "maxrss_kb", "speed_ratio",
               "paired_ratio", "paired_ci", "wins", "rss_ratio"])
    write_tsv(os.path.join(out, "geomean.tsv"), gms,
              ["suite", "allocator", "benchmarks", "speed_ratio", "paired_ratio", "rss_ratio"])
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"speed_ratio": "hakmem ops/s / allocator ops/s (>1: hakmem faster)",
                   "paired_ratio": "median over reps of hakmem ops/s / allocator ops/s within a rep",
                   "rss_ratio": "allocator peak RSS / mimalloc peak RSS",
                   "medians": rows, "geomeans": gms,
                   "runs": {f"{b}/{a}": {"ops_per_s": v[0], "maxrss_kb": v[1]} for (b, a), v in runs.items()}},
                  f, indent=1)
    try:
        chart(os.path.join(out, "compare.png"), rows, gms, allocators)
    except ImportError as e:
        print(f"compare_report: no chart ({e}; ci/setup.sh installs python3-matplotlib)", file=sys.stderr)
    return 1 if any(r["failed"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
