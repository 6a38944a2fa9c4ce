#!/usr/bin/python3
"""Runs the tests against mutants of the mutation build (preset `mutation`): for each selected
mutant, the test commands with HAKMEM_MUTANT=ID, stopping at the first failure. Verdicts:
killed (a test failed or crashed), timeout (counted as detected), survived (all passed).

    run_mutants.py [--build-dir build/mutation] [--files spill_stack.h ...] [--operators OP ...]
                   [--changed-since REF] [--max N] [--budget SECONDS] [-j N] [--timeout S]
                   [--functions NAME ...] [--ids ID ...]
                   [--cmd "COMMAND"]... [--add-cmd "COMMAND"]... [--json OUT] [--png OUT] [--list]
    run_mutants.py --select "FILE|FUNCTION|OPERATOR|ORIGINAL[|MUTATED]" ... --expect killed,survived,...

Default commands: every unit gtest binary of the build (ctest -L unit -LE decoy), run whole
with --gtest_fail_fast; --cmd replaces them, --add-cmd runs after them (e.g. the interleave
checker's binaries of a mutation build configured with -DHAKMEM_PARTS=interleave). The unmutated
build must pass them first (else nothing is measured). Prints one line per mutant as it ends,
then the kill rate per file and per operator and every survivor with a one-line diff.
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402
import select_mutants  # noqa: E402


def unit_commands(build_dir):
    """The gtest binaries behind the build's `unit` tests (decoys excluded)."""
    out = subprocess.run(["ctest", "--test-dir", build_dir, "-L", "unit", "-LE", "decoy",
                          "--show-only=json-v1"], check=True, capture_output=True, text=True)
    exes, cmds = set(), []
    for t in json.loads(out.stdout).get("tests", []):
        exe = t.get("command", [None])[0]
        if exe and exe not in exes:
            exes.add(exe)
            # The test's ENVIRONMENT (the preload tests' LD_PRELOAD) goes along, as env(1) args.
            env = [v for p in t.get("properties", []) if p["name"] == "ENVIRONMENT"
                   for v in p["value"]]
            cmds.append((["env"] + env if env else []) + [exe, "--gtest_fail_fast",
                                                          "--gtest_brief=1"])
    if not cmds:
        raise SystemExit("run_mutants: no unit tests in %s (built?)" % build_dir)
    return cmds


def run_one(cmds, mutant_id, timeout):
    """Returns (verdict, seconds, the failing command or '')."""
    env = dict(os.environ)
    if mutant_id is None:
        env.pop("HAKMEM_MUTANT", None)
    else:
        env["HAKMEM_MUTANT"] = str(mutant_id)
    t0 = time.monotonic()
    for cmd in cmds:
        left = timeout - (time.monotonic() - t0)
        # A session of its own: a timeout kills the death tests' children too.
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        try:
            rc = p.wait(timeout=max(left, 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.wait()
            return "timeout", time.monotonic() - t0, " ".join(cmd)
        if rc != 0:
            return "killed", time.monotonic() - t0, " ".join(cmd)
    return "survived", time.monotonic() - t0, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 1)[1])
    ap.add_argument("--build-dir", default="build/mutation")
    ap.add_argument("--files", nargs="+", default=[], help="header names or path suffixes")
    ap.add_argument("--operators", nargs="+", default=[])
    ap.add_argument("--functions", nargs="+", default=[], help="only mutants in these functions")
    ap.add_argument("--ids", nargs="+", type=int, default=[], help="only these mutant ids")
    ap.add_argument("--changed-since", metavar="REF",
                    help="only mutants on lines that git diff REF touches")
    ap.add_argument("--select", action="append", default=[],
                    metavar="FILE|FUNCTION|OPERATOR|ORIGINAL[|MUTATED]",
                    help="exactly one mutant each (original/mutated: substrings)")
    ap.add_argument("--expect", help="comma-separated verdicts of the --select mutants, in order")
    ap.add_argument("--max", type=int)
    ap.add_argument("--budget", type=float, help="seconds; mutants not started by then are skipped")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, help="per mutant (default: 5 x the clean run + 10 s)")
    ap.add_argument("--cmd", action="append", default=[], help="a test command (repeatable)")
    ap.add_argument("--add-cmd", action="append", default=[],
                    help="a test command run after the default ones (repeatable)")
    ap.add_argument("--json")
    ap.add_argument("--png")
    ap.add_argument("--list", action="store_true", help="list the selected mutants, run nothing")
    a = ap.parse_args()

    with open(os.path.join(a.build_dir, "mutation", "mutants.json")) as f:
        manifest = json.load(f)
    mutants = select_mutants.select(manifest, a)
    if a.list:
        for m in mutants:
            print(report.describe(m))
        print("%d mutants" % len(mutants))
        return 0
    cmds = [shlex.split(c) for c in a.cmd] or unit_commands(a.build_dir)
    cmds += [shlex.split(c) for c in a.add_cmd]
    verdict, clean, failed = run_one(cmds, None, 600)
    if verdict != "survived":
        raise SystemExit("run_mutants: the unmutated build fails (%s): %s" % (verdict, failed))
    timeout = a.timeout or 5 * clean + 10
    print("run_mutants: %d mutants, %d jobs, clean run %.1f s, timeout %.0f s" % (
        len(mutants), a.jobs, clean, timeout), flush=True)

    t0 = time.monotonic()
    results = []

    def task(m):
        if a.budget is not None and time.monotonic() - t0 > a.budget:
            return m, ("skipped", 0.0, "")
        return m, run_one(cmds, m["id"], timeout)

    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futures = [pool.submit(task, m) for m in mutants]
        for k, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            m, (v, secs, cmd) = fut.result()
            results.append(dict(m, verdict=v, seconds=round(secs, 2), failed_command=cmd))
            if v != "skipped":
                print("[%d/%d] %-8s %5.1f s  %s" % (k, len(mutants), v, secs, report.describe(m)),
                      flush=True)
    order = {m["id"]: i for i, m in enumerate(mutants)}
    results.sort(key=lambda r: order[r["id"]])
    done = [r for r in results if r["verdict"] != "skipped"]
    report.print_summary(done, len(results) - len(done), time.monotonic() - t0)
    if a.json:
        report.write_json(a.json, done, cmds, a)
    if a.png:
        report.write_png(a.png, done)
    if a.expect is not None:
        want = a.expect.split(",")
        got = [r["verdict"] for r in results]
        print("expected %s, got %s: %s" % (",".join(want), ",".join(got),
                                           "OK" if want == got else "MISMATCH"))
        return 0 if want == got else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
