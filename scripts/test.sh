#!/usr/bin/env bash
# The whole check, as CI runs it (.ci/run): setup, then typecheck, a clean build, lint, dependency rules,
# unit tests and integration tests (as root, against real crun/conmon/registry).
# Every step runs even when an earlier one failed, so one run shows all problems; the exit status
# is non-zero when any step failed. Node's test summary is printed for each test step.
set -euo pipefail

cd "$(dirname "$0")/.."

# The build is a step below (so a type error does not hide lint and test results).
FORGEONE_SKIP_BUILD=1 bash scripts/setup.sh

failed=()
results=()

step() {
  local name=$1
  shift
  printf '\n==> %s\n' "$name"
  local start=$SECONDS rc=0
  "$@" || rc=$?
  if [[ $rc -eq 0 ]]; then
    results+=("ok    $name ($((SECONDS - start))s)")
  else
    results+=("FAIL  $name (exit $rc, $((SECONDS - start))s)")
    failed+=("$name")
  fi
}

# Runs an npm test script with the spec reporter (readable in CI logs; ends with the
# "ℹ tests / pass / fail" summary). A suite with no compiled test files yet is skipped.
node_tests() {
  local script=$1 dir=$2
  if [[ -z $(find "$dir" -name '*.test.js' -print -quit 2>/dev/null) ]]; then
    echo "no test files in $dir: skipped"
    return 0
  fi
  NODE_OPTIONS="${NODE_OPTIONS:-} --test-reporter=spec" npm run --silent "$script"
}

clean_build() {
  # From scratch, so compiled files of deleted sources (old tests above all) cannot linger in dist/.
  rm -rf dist
  npm run --silent build
}

step typecheck npm run --silent typecheck
# tsc still emits JavaScript on type errors, so the steps after this can run.
step build clean_build
step lint npm run --silent lint
step depcruise npm run --silent depcruise
step test:unit node_tests test:unit dist/test/unit
step test:integration node_tests test:integration dist/test/integration
# The benchmark harness once with few iterations, so it cannot rot (< 2 min; results go to the
# git-ignored bench/results/quick/). Its targets are reported, not enforced: the hosts are shared.
step bench-quick node dist/bench/all.js --quick

printf '\n==> summary\n'
printf '  %s\n' "${results[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  printf 'FAILED: %s\n' "${failed[*]}"
  exit 1
fi
echo "all checks passed"
