#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what it needs (virtualenv,
# pip and npm packages, Debian's chromium when /usr/bin/chromium is missing), then pytest.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k linechart`.
source "$(dirname "$0")/env.sh"
nbvis_install test
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
exec "$VENV/bin/python" -m pytest -q -ra "$@"
