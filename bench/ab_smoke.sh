#!/usr/bin/env bash
# ctest bench_ab.smoke: ab_telemetry.sh end to end on one flag and the DECOY build with tiny
# counts, then asserts the outputs' shape (never a speed; the DECOY's Ir/op delta, which is
# exact, must be positive). The shape check must also reject three broken copies of the outputs,
# so it cannot pass vacuously.
#   bench/ab_smoke.sh BIN_DIR WORK_DIR
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:?usage: ab_smoke.sh BIN_DIR WORK_DIR}" work="${2:?usage: ab_smoke.sh BIN_DIR WORK_DIR}"
py=python3
python3 -c 'import matplotlib' 2>/dev/null || py=/usr/bin/python3
out="$work/out" rows=(C7_FREE_COUNT DECOY)

bash "$here/ab_telemetry.sh" --flags "C7_FREE_COUNT,DECOY" --pairs 3 --cg-scale 10 \
  --bench "bench_random_mixed --ops 100000 --seed 42" \
  --out "$out" --build-root "$work/builds" --bin-dir "$bin" ||
  { echo "FAIL: ab_telemetry.sh exited non-zero"; exit 1; }
"$py" "$here/ab_stats.py" selftest || { echo "FAIL: statistics self-test"; exit 1; }
"$py" "$here/ab_stats.py" shape "$out/ab.json" "$out/ab.md" "$out/ab.png" "${rows[@]}" ||
  { echo "FAIL: outputs do not have the expected shape"; exit 1; }

# Broken copies: a table without the flag's row, a decoy without cost, a truncated chart.
bad="$work/broken"
rm -rf "$bad" && mkdir -p "$bad" || exit 1
cp "$out/ab.json" "$out/ab.md" "$out/ab.png" "$bad/"
grep -v '^| C7_FREE_COUNT' "$out/ab.md" >"$bad/no_row.md"
sed 's/"ir_delta_per_op": [0-9.e+-]*/"ir_delta_per_op": 0/' "$out/ab.json" >"$bad/free_decoy.json"
head -c 100 "$out/ab.png" >"$bad/short.png"
status=0
for c in "no_row.md ab.json ab.png" "ab.md free_decoy.json ab.png" "ab.md ab.json short.png"; do
  read -r m j p <<<"$c"
  if "$py" "$here/ab_stats.py" shape "$bad/$j" "$bad/$m" "$bad/$p" "${rows[@]}" >/dev/null; then
    echo "FAIL: the shape check accepted a broken output ($c)"; status=1
  else
    echo "ok: the shape check rejects $c"
  fi
done
((status)) || echo "bench_ab.smoke: PASS"
exit $status
