#!/usr/bin/env python3
"""Statistics, JSON, table and chart of bench/ab_telemetry.sh (standard library + matplotlib).

  ab_stats.py analyze RAW_DIR OUT.json   raw files of one ab_telemetry.sh run -> one JSON
  ab_stats.py report OUT.md OUT.png A.json [B.json...]   the seed-shaped table and the chart
  ab_stats.py shape OUT.json OUT.md OUT.png ROW...       asserts the outputs' shape (smoke test)
  ab_stats.py selftest                   synthetic samples whose verdicts are known

Wall time: every pair is one OFF run and one ON run back to back (order alternated); the
statistic is the median over pairs of OFF/ON - 1 (the seed's sign: positive = compiling the
counters out is faster), with a percentile bootstrap 95% interval over pairs. GO / NO-GO only
when the interval lies wholly beyond +/- threshold, NEUTRAL when wholly inside, else
INCONCLUSIVE with the pairs that would shrink the interval enough (width ~ 1/sqrt(pairs)).
Instructions: callgrind totals and per-function self cost of both builds, per operation.
"""
import json
import math
import os
import random
import re
import sys

SEED_PHASE = {  # the seed's phase per flag and what it reported (ATOMIC_PRUNE_CUMULATIVE_SUMMARY)
    "TINY_CLASS_STATS": ("24", "+0.93% GO"),
    "TINY_FREE_STATS": ("25", "+1.07% GO"),
    "C7_FREE_COUNT": ("26A", "-0.33% NEUTRAL (26A-E)"),
    "HDR_MISMATCH_LOG": ("26B", "(26A-E together)"),
    "HDR_META_MISMATCH": ("26C", "(26A-E together)"),
    "METRIC_BAD_CLASS": ("26D", "(26A-E together)"),
    "HDR_META_FAST": ("26E", "(26A-E together)"),
    "TINY_UNIFIED_CACHE_MEASURE": ("27", "+0.74% GO"),
    "POOL_HOTBOX_V2_STATS": ("29", "-0.62% NO-OP"),
    "ALL": ("24-29", "+2.74% (sum of phases)"),
    "DECOY": ("-", "decoy: -fstack-protector-all"),
}
BOOTSTRAP = 2000
CONFIDENCE = 0.95
NOOP_PER_OP = 1e-3  # fewer counter updates per op than this: the A/B measures nothing


# ---- statistics --------------------------------------------------------------------------------
def median(xs):
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return float("nan")
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def bootstrap_ci(xs, stat=median, b=BOOTSTRAP, conf=CONFIDENCE, seed=1):
    """Percentile bootstrap interval of stat(xs); deterministic for a given seed."""
    rng = random.Random(seed)
    n = len(xs)
    vals = sorted(stat([xs[rng.randrange(n)] for _ in range(n)]) for _ in range(b))
    lo = vals[int(math.floor((1 - conf) / 2 * b))]
    hi = vals[min(b - 1, int(math.ceil((1 + conf) / 2 * b)) - 1)]
    return lo, hi


def verdict(est, lo, hi, thr, n):
    """(verdict, extra pairs needed or None). est, lo, hi, thr in percent."""
    if lo >= thr:
        return "GO", None
    if hi <= -thr:
        return "NO-GO", None
    if lo > -thr and hi < thr:
        return "NEUTRAL", None
    # The interval must shrink to a half-width below the distance of the estimate to the nearest
    # band edge; half-width scales as 1/sqrt(n).
    half = (hi - lo) / 2
    gap = abs(abs(est) - thr)
    if gap < 1e-9 or half <= 0:
        return "INCONCLUSIVE", -1  # the estimate sits on the threshold: no count decides it
    need = math.ceil(n * (half / gap) ** 2)
    return "INCONCLUSIVE", max(1, need - n)


def wall_stats(pairs, thr):
    deltas = [(p["off"] / p["on"] - 1) * 100 for p in pairs if p["on"] > 0]
    n = len(deltas)
    if n < 3:
        return {"n": n, "delta_pct": median(deltas) if deltas else None, "ci_pct": None,
                "verdict": "TOO-FEW-PAIRS", "more_pairs": 3 - n}
    est = median(deltas)
    lo, hi = bootstrap_ci(deltas)
    v, more = verdict(est, lo, hi, thr, n)
    return {"n": n, "delta_pct": est, "ci_pct": [lo, hi], "verdict": v, "more_pairs": more}


# ---- raw files -> JSON -------------------------------------------------------------------------
def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


ANNOT_LINE = re.compile(r"^\s*([0-9,]+(?:\s+[0-9,.]+)*)\s+(\S.*)$")


def parse_annotate(path):
    """callgrind_annotate --inclusive=no --show-percs=no output -> (events, totals, functions)."""
    events, totals, funcs, section = [], {}, {}, 0
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("Events shown:"):
                events = line.split(":", 1)[1].split()
                continue
            if line.startswith("----"):
                section += 1
                continue
            m = ANNOT_LINE.match(line)
            if not m or not events:
                continue
            nums = [int(x.replace(",", "")) if x != "." else 0 for x in m.group(1).split()]
            rest = m.group(2)
            if rest.startswith("PROGRAM TOTALS"):
                totals = dict(zip(events, nums))
                continue
            obj = ""
            om = re.match(r"^(.*) \[([^\]]*)\]$", rest)
            if om:
                rest, obj = om.group(1), os.path.basename(om.group(2))
            fn = rest.split(":", 1)[1] if ":" in rest else rest
            # Builds differ in the telemetry mask template argument; one name per function.
            fn = re.sub(r"Config<\d+u", "Config<MASK", fn)
            key = fn + (" [" + obj + "]" if obj else "")
            acc = funcs.setdefault(key, [0] * len(events))
            for i, v in enumerate(nums[: len(events)]):
                acc[i] += v
    return events, totals, funcs


def callgrind_row(raw, rid):
    off, on = os.path.join(raw, "cg", rid + ".off.txt"), os.path.join(raw, "cg", rid + ".on.txt")
    ops_file = os.path.join(raw, "cg", rid + ".ops")
    if not (os.path.exists(off) and os.path.exists(on) and os.path.exists(ops_file)):
        return None
    with open(ops_file) as f:
        ops = int(f.read().split()[0])
    ev, t_off, f_off = parse_annotate(off)
    ev2, t_on, f_on = parse_annotate(on)
    if ev != ev2 or not ops:
        return None
    per_op = {e: {"off": t_off.get(e, 0) / ops, "on": t_on.get(e, 0) / ops,
                  "delta": (t_on.get(e, 0) - t_off.get(e, 0)) / ops} for e in ev}
    ir = per_op.get("Ir", {"off": 0, "on": 0, "delta": 0})
    fdelta = []
    for k in set(f_off) | set(f_on):
        a, b = f_off.get(k, [0] * len(ev)), f_on.get(k, [0] * len(ev))
        d = b[0] - a[0]
        if d:
            fdelta.append({"function": k, "off_per_op": a[0] / ops, "on_per_op": b[0] / ops,
                           "delta_per_op": d / ops})
    fdelta.sort(key=lambda r: -abs(r["delta_per_op"]))
    return {"ops": ops, "events": ev, "per_op": per_op,
            "ir_delta_per_op": ir["delta"],
            "ir_delta_pct": (ir["delta"] / ir["off"] * 100) if ir["off"] else None,
            "functions": fdelta[:15]}


def analyze(raw, out):
    meta = dict((r[0], r[1] if len(r) > 1 else "") for r in read_tsv(os.path.join(raw, "meta.tsv")))
    thr = float(meta.get("threshold", "0.5"))
    layouts = [{"index": int(r[0]), "cxxflags": r[1], "ldflags": r[2] if len(r) > 2 else ""}
               for r in read_tsv(os.path.join(raw, "layouts.tsv"))]
    pairs = {}
    for r in read_tsv(os.path.join(raw, "pairs.tsv")):
        pairs.setdefault(r[0], []).append({"layout": int(r[1]), "index": int(r[2]), "order": r[3],
                                           "off": float(r[4]), "on": float(r[5])})
    rows = []
    for i, r in enumerate(read_tsv(os.path.join(raw, "rows.tsv"))):
        name, flag, env, updates, ops = r[0], r[1], r[2], int(r[3]), int(r[4])
        phase, seed_said = SEED_PHASE.get(flag, ("?", ""))
        per_op = updates / ops if ops else 0.0
        noop = flag not in ("DECOY",) and per_op < NOOP_PER_OP
        ps = pairs.get(name, [])
        wall = wall_stats(ps, thr)
        wall["pairs"] = ps
        by_layout = []
        for lay in layouts:
            lp = [p for p in ps if p["layout"] == lay["index"]]
            if lp:
                by_layout.append({"layout": lay["index"], "n": len(lp),
                                  "delta_pct": median([(p["off"] / p["on"] - 1) * 100 for p in lp]),
                                  "off_median": median([p["off"] for p in lp])})
        wall["by_layout"] = by_layout
        if len(by_layout) > 1:
            offs = [b["off_median"] for b in by_layout]
            ds = [b["delta_pct"] for b in by_layout]
            wall["layout_noise_pct"] = (max(offs) - min(offs)) / median(offs) * 100
            wall["layout_delta_range_pct"] = [min(ds), max(ds)]
        v = wall["verdict"]
        if noop:
            v = "NO-OP"
        elif len(by_layout) > 1 and wall["delta_pct"] is not None and \
                abs(wall["delta_pct"]) < wall["layout_noise_pct"]:
            v += " (< layout noise)"
        rows.append({"row": name, "flag": flag, "phase": phase, "seed_said": seed_said,
                     "env": env, "activity": {"updates": updates, "ops": ops, "per_op": per_op},
                     "noop": noop, "callgrind": callgrind_row(raw, f"r{i}"), "wall": wall,
                     "verdict": v})
    doc = {"tool": "bench/ab_telemetry.sh", "meta": meta, "threshold_pct": thr,
           "bootstrap": BOOTSTRAP, "confidence": CONFIDENCE, "layouts": layouts, "rows": rows}
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
    return doc


# ---- JSON -> markdown and PNG ------------------------------------------------------------------
def fmt_pct(x, digits=2):
    return "n/a" if x is None else f"{x:+.{digits}f}%"


def table(docs):
    out = []
    for d in docs:
        m = d["meta"]
        out.append(f"Benchmark `{m.get('bench', '?')}`{(' ' + m['env']) if m.get('env') else ''}; "
                   f"callgrind on the short run `{m.get('cg_bench', '?')}`; wall: interleaved "
                   f"OFF/ON pairs, median of OFF/ON - 1 with bootstrap {int(d['confidence'] * 100)}% "
                   f"interval, threshold +/-{d['threshold_pct']}%; commit {m.get('commit', '?')}, "
                   f"{m.get('cores', '?')} cores, load {m.get('load_start', '?')} -> "
                   f"{m.get('load_end', '?')}; {len(d['layouts'])} layout(s).")
        out.append("")
    cache = any(r["callgrind"] and "D1mr" in r["callgrind"]["events"] for d in docs for r in d["rows"])
    out.append("| flag | phase | upd/op | Ir/op OFF | Ir/op delta |" + (" D1 / LL miss/op delta |" if cache else "")
               + " wall delta [95% CI] | pairs | verdict | more pairs | seed said |")
    out.append("|---|---|---:|---:|---:|" + ("---:|" if cache else "") + "---|---:|---|---:|---|")
    for d in docs:
        for r in d["rows"]:
            cg, w = r["callgrind"], r["wall"]
            ir_off = f"{cg['per_op']['Ir']['off']:.2f}" if cg else "n/a"
            ir_d = (f"{cg['ir_delta_per_op']:+.3f} ({fmt_pct(cg['ir_delta_pct'])})" if cg else "n/a")
            ci = w.get("ci_pct")
            wd = fmt_pct(w["delta_pct"]) + (f" [{ci[0]:+.2f}, {ci[1]:+.2f}]" if ci else "")
            more = w.get("more_pairs")
            more = "" if more is None else ("never" if more < 0 else str(more))
            label = r["row"]
            upd = "-" if r["flag"] == "DECOY" else f"{r['activity']['per_op']:.3g}"
            if cache:
                po = cg["per_op"] if cg else {}
                miss = lambda *es: sum(po[e]["delta"] for e in es if e in po)
                ir_d += (f" | {miss('D1mr', 'D1mw'):+.4f} / {miss('DLmr', 'DLmw'):+.4f}"
                         if cg and "D1mr" in po else " | n/a")
            out.append(f"| {label} | {r['phase']} | {upd} | {ir_off} | {ir_d} "
                       f"| {wd} | {w['n']} | {r['verdict']} | {more} | {r['seed_said']} |")
    out.append("")
    out.append("Ir/op delta = (ON - OFF) instructions per operation (exact, callgrind); wall delta = "
               "OFF/ON - 1 (positive: compiled-out is faster, the seed's sign). NO-OP: fewer than "
               "1 counter update per 1000 ops. more pairs: estimated extra pairs to decide.")
    layout_rows = [(d, r) for d in docs for r in d["rows"] if len(r["wall"].get("by_layout", [])) > 1]
    if layout_rows:
        out += ["", "| flag | layout noise (OFF medians) | per-layout deltas |", "|---|---:|---|"]
        for d, r in layout_rows:
            w = r["wall"]
            per = ", ".join(f"L{b['layout']}:{b['delta_pct']:+.2f}%" for b in w["by_layout"])
            out.append(f"| {r['row']} | {w['layout_noise_pct']:.2f}% | {per} |")
        out.append("")
        out.append("Layouts: " + "; ".join(
            f"L{lay['index']} = `{lay['cxxflags'] or 'default'}{' ' + lay['ldflags'] if lay['ldflags'] else ''}`"
            for lay in docs[0]["layouts"]))
    fn_rows = [(r, f) for d in docs for r in d["rows"] if r["callgrind"]
               for f in r["callgrind"]["functions"][:4] if abs(f["delta_per_op"]) >= 0.001]
    if fn_rows:
        out += ["", "Per-function Ir/op delta (self cost; top functions per flag):", "",
                "| flag | function | Ir/op OFF | Ir/op ON | delta |", "|---|---|---:|---:|---:|"]
        for r, f in fn_rows:
            name = f["function"].replace("|", "\\|")
            name = re.sub(r"hakmem::Allocator<hakmem::Config<MASK[^>]*> >::", "Allocator::", name)
            out.append(f"| {r['row']} | `{name[:90]}` | {f['off_per_op']:.3f} | {f['on_per_op']:.3f} "
                       f"| {f['delta_per_op']:+.3f} |")
    return "\n".join(out) + "\n"


def chart(docs, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = [(d, r) for d in docs for r in d["rows"]]
    labels = [r["row"] + ("  [NO-OP]" if r["noop"] else "")
              for _, r in rows]
    thr = docs[0]["threshold_pct"]
    y = list(range(len(rows)))[::-1]
    fig, (a1, a2) = plt.subplots(1, 2, sharey=True, figsize=(12, 0.45 * len(rows) + 1.8),
                                 gridspec_kw={"width_ratios": [3, 2]})
    a1.axvspan(-thr, thr, color="0.88", label=f"+/-{thr}% threshold band")
    a1.axvline(0, color="0.5", lw=0.8)
    for yi, (_, r) in zip(y, rows):
        w = r["wall"]
        if w["delta_pct"] is None:
            continue
        ci = w.get("ci_pct") or [w["delta_pct"]] * 2
        col = {"GO": "tab:green", "NO-GO": "tab:red", "NEUTRAL": "tab:blue", "NO-OP": "0.6"}.get(
            r["verdict"].split()[0], "tab:orange")
        a1.errorbar(w["delta_pct"], yi, xerr=[[w["delta_pct"] - ci[0]], [ci[1] - w["delta_pct"]]],
                    fmt="o", color=col, capsize=3)
    ends = [abs(e) for _, r in rows for e in (r["wall"].get("ci_pct") or [r["wall"]["delta_pct"] or 0])]
    lim = max(3 * thr, 1.2 * max(ends + [0]))
    a1.set_xscale("symlog", linthresh=max(1.0, 2 * thr))  # linear around the band, log beyond
    a1.set_xlim(-lim, lim)
    a1.set_yticks(y)
    a1.set_yticklabels(labels, fontsize=8)
    a1.set_xlabel("wall delta OFF/ON - 1 (%, symlog), median and bootstrap 95% CI")
    a1.legend(loc="lower right", fontsize=7)
    a1.set_title("wall time (green GO, red NO-GO, blue NEUTRAL, orange INCONCLUSIVE, grey NO-OP)",
                 fontsize=9)
    ir = [(r["callgrind"]["ir_delta_per_op"] if r["callgrind"] else 0) for _, r in rows]
    irp = [(r["callgrind"]["ir_delta_pct"] or 0) if r["callgrind"] else 0 for _, r in rows]
    a2.barh(y, ir, color="tab:purple")
    for yi, v, vp in zip(y, ir, irp):
        a2.annotate(f"{v:+.2f} ({vp:+.2f}%)", (v, yi), fontsize=7, va="center",
                    xytext=(3 if v >= 0 else -3, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right")
    a2.axvline(0, color="0.5", lw=0.8)
    a2.set_xlabel("Ir/op delta ON - OFF (callgrind, exact)")
    a2.set_title("instructions per operation", fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=90)


def report(md, png, jsons):
    docs = []
    for j in jsons:
        with open(j) as f:
            docs.append(json.load(f))
    text = table(docs)
    with open(md, "w") as f:
        f.write(text)
    sys.stdout.write(text)
    try:
        chart(docs, png)
    except ImportError:
        print(f"ab_stats: no matplotlib (apt-get install python3-matplotlib), {png} not written",
              file=sys.stderr)
        return 1
    return 0


# ---- checks --------------------------------------------------------------------------------------
def shape(js, md, png, want_rows):
    """Asserts the outputs' shape, never a speed. Returns a list of problems."""
    bad = []
    try:
        with open(js) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return [f"{js}: {e}"]
    rows = {r.get("row"): r for r in doc.get("rows", [])}
    for name in want_rows:
        r = rows.get(name)
        if r is None:
            bad.append(f"{js}: no row {name}")
            continue
        w, cg = r.get("wall", {}), r.get("callgrind")
        if not w.get("pairs") or any(not (p.get("off", 0) > 0 and p.get("on", 0) > 0) for p in w["pairs"]):
            bad.append(f"{name}: no pairs or a pair without both ops/s")
        if w.get("n", 0) >= 3 and not (isinstance(w.get("ci_pct"), list) and len(w["ci_pct"]) == 2
                                       and w["ci_pct"][0] <= w["delta_pct"] <= w["ci_pct"][1]):
            bad.append(f"{name}: CI missing or not around the estimate")
        if not re.match(r"^(GO|NO-GO|NEUTRAL|INCONCLUSIVE|NO-OP|TOO-FEW-PAIRS)", r.get("verdict", "")):
            bad.append(f"{name}: verdict '{r.get('verdict')}'")
        if not cg or not cg.get("per_op", {}).get("Ir", {}).get("off", 0) > 0 or \
                not isinstance(cg.get("ir_delta_per_op"), (int, float)):
            bad.append(f"{name}: no callgrind Ir/op")
        if r.get("flag") == "DECOY" and cg and not cg["ir_delta_per_op"] > 0:
            bad.append(f"{name}: the decoy adds work per op, its Ir/op delta must be positive")
    try:
        with open(md) as f:
            text = f.read()
        if "| flag | phase |" not in text:
            bad.append(f"{md}: no table header")
        for name in want_rows:
            if not re.search(r"^\| " + re.escape(name) + r"[ (]", text, re.M):
                bad.append(f"{md}: no table row {name}")
    except OSError as e:
        bad.append(str(e))
    try:
        with open(png, "rb") as f:
            head = f.read(8)
        if head != b"\x89PNG\r\n\x1a\n" or os.path.getsize(png) < 2000:
            bad.append(f"{png}: not a PNG")
    except OSError as e:
        bad.append(str(e))
    return bad


def selftest():
    rng = random.Random(7)
    fails = []

    def pairs(mu_pct, sd_pct, n):
        return [{"off": 1e6 * (1 + rng.gauss(mu_pct, sd_pct) / 100), "on": 1e6} for _ in range(n)]

    cases = [  # (true delta %, sd %, pairs, expected verdict)
        (2.0, 0.3, 40, "GO"), (-2.0, 0.3, 40, "NO-GO"), (0.0, 0.2, 40, "NEUTRAL"),
        (0.4, 2.0, 10, "INCONCLUSIVE"), (-0.8, 3.0, 8, "INCONCLUSIVE")]
    for mu, sd, n, want in cases:
        s = wall_stats(pairs(mu, sd, n), 0.5)
        lo, hi = s["ci_pct"]
        if s["verdict"] != want:
            fails.append(f"delta {mu}% sd {sd}% n {n}: verdict {s['verdict']}, want {want}")
        if not lo <= s["delta_pct"] <= hi:
            fails.append(f"delta {mu}%: estimate {s['delta_pct']:.3f} outside its CI [{lo:.3f}, {hi:.3f}]")
        if want == "INCONCLUSIVE" and not (s["more_pairs"] and s["more_pairs"] > 0):
            fails.append(f"delta {mu}%: INCONCLUSIVE without a pair estimate")
        if want != "INCONCLUSIVE" and s["more_pairs"] is not None:
            fails.append(f"delta {mu}%: decided, yet asks for more pairs")
    # Coverage: the 95% interval of the median holds the true median in most of 200 samples.
    hit = 0
    for i in range(200):
        xs = [rng.gauss(1.0, 1.0) for _ in range(25)]
        lo, hi = bootstrap_ci(xs, b=400, seed=i)
        hit += lo <= 1.0 <= hi
    if not 180 <= hit <= 200:
        fails.append(f"bootstrap interval covered the true median {hit}/200 times, want ~190")
    # The seed's mistake: a point estimate inside (or beyond) the band with an interval that
    # crosses its edge is INCONCLUSIVE, not NEUTRAL (or GO).
    for mid in (0.1, 0.7):
        xs = [{"off": 1e6 * (1 + (mid + k) / 100), "on": 1e6} for k in (-3, -2, -1, 0, 0, 1, 2, 3)]
        s = wall_stats(xs, 0.5)
        if s["verdict"] != "INCONCLUSIVE":
            fails.append(f"estimate {mid}% with an interval of +/-3%: {s['verdict']}, want INCONCLUSIVE")
    # The pair estimate: sd 2%, true delta 1.5%, band 0.5%: the median's 95% half-width is
    # ~1.96 * 1.25 * 2 / sqrt(n), below the gap of 1% from n ~ 24 on.
    totals = []
    for _ in range(21):
        s = wall_stats(pairs(1.5, 2.0, 10), 0.5)
        totals.append(10 + (s["more_pairs"] or 0))
    if not 14 <= median(totals) <= 48:
        fails.append(f"pairs needed to decide: median estimate {median(totals)}, want ~24")
    for f in fails:
        print("selftest FAIL:", f)
    print(f"ab_stats selftest: {len(cases) + 4} checks, {len(fails)} failures")
    return 1 if fails else 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "selftest":
        return selftest()
    if len(argv) == 4 and argv[1] == "analyze":
        analyze(argv[2], argv[3])
        return 0
    if len(argv) >= 5 and argv[1] == "report":
        return report(argv[2], argv[3], argv[4:])
    if len(argv) >= 6 and argv[1] == "shape":
        bad = shape(argv[2], argv[3], argv[4], argv[5:])
        for b in bad:
            print("shape FAIL:", b)
        print(f"ab_stats shape: {len(bad)} problems")
        return 1 if bad else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
