#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what it needs (virtualenv,
# pip and npm packages, Debian's chromium when /usr/bin/chromium is missing), then the
# quality gates (ruff, mypy, eslint, node's test runner) and pytest.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k linechart`;
# NBVIS_TEST_WORKERS=0 runs the tests in one process.
source "$(dirname "$0")/env.sh"
SECONDS=0
nbvis_install test
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
echo "nbvis: installed in $((SECONDS / 60)) min $((SECONDS % 60)) s"
SECONDS=0
# Quality gates first (fast): Python lint and types on one core, JS lint and JS unit tests
# on the other; the JS gates' output is printed after mypy's.
JS_GATES="$(mktemp)"
(npm --prefix js run --silent lint && npm --prefix js test --silent) >"$JS_GATES" 2>&1 &
JS_PID=$!
"$VENV/bin/ruff" check nbvis tests bench
"$VENV/bin/mypy"
JS_RC=0; wait "$JS_PID" || JS_RC=$?
cat "$JS_GATES"; rm -f "$JS_GATES"
[ "$JS_RC" = 0 ] || { echo "nbvis: the JS gates failed (exit $JS_RC)" >&2; exit "$JS_RC"; }
echo "nbvis: quality gates passed in $((SECONDS / 60)) min $((SECONDS % 60)) s"
# Two workers (the machine's 2 cores); each group of tests that shares a server or a trained
# model stays on one worker (tests/conftest.py). The 25 slowest tests are listed at the end.
exec "$VENV/bin/python" -m pytest -q -ra --durations=25 -n "${NBVIS_TEST_WORKERS:-2}" --dist loadgroup "$@"
