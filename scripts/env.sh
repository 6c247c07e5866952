# Shared set-up of the two README commands: a virtualenv with nbvis installed
# (which builds js/ into nbvis/static through hatch-jupyter-builder).
# Sourced, not run. NBVIS_VENV overrides the virtualenv's location (default .venv).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${NBVIS_VENV:-$ROOT/.venv}"
export JUPYTER_PLATFORM_DIRS=1 TF_ENABLE_ONEDNN_OPTS=0 TF_CPP_MIN_LOG_LEVEL=2 PYTHONUNBUFFERED=1
export PIP_DISABLE_PIP_VERSION_CHECK=1 npm_config_fund=false npm_config_audit=false

uv_install() {  # quiet install into the virtualenv by uv (pip's resolver, parallel, ~3x faster here)
  "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" "$@"
}

nbvis_install() {  # nbvis_install EXTRAS
  command -v npm >/dev/null || { echo "nbvis: npm (Node 18+) is needed to build the front end" >&2; exit 1; }
  local deps sources
  # what the install depends on, and the front end's sources: when neither changed since the
  # last install into this virtualenv, there is nothing to do (a start takes seconds)
  deps="$1 $(cat pyproject.toml js/package-lock.json | sha256sum)"
  sources="$(find js/src js/build.mjs js/entries.mjs -type f -printf '%p %T@ %s\n' | sort | sha256sum)"
  if [ -x "$VENV/bin/python" ] && [ -d js/node_modules ] && [ "$(cat "$VENV/.nbvis-deps" 2>/dev/null)" = "$deps" ]; then
    if [ "$(cat "$VENV/.nbvis-sources" 2>/dev/null)" != "$sources" ]; then
      echo "nbvis: the front end changed since the last install: rebuilding it"
      npm --prefix js run --silent build
    fi
  else
    rm -f "$VENV/.nbvis-deps"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    [ -x "$VENV/bin/uv" ] || "$VENV/bin/python" -m pip install -q uv 2>&1 | { grep -v "^WARNING: Location" || true; }
    # The front-end dependencies are pinned by js/package-lock.json.
    (cd js && npm ci --no-audit --no-fund --loglevel=error)
    # --compile-bytecode: byte-compiled once here, in parallel, instead of by each test process
    # on first import (TensorFlow's and PyTorch's modules are minutes of CPU on 2 cores)
    uv_install --compile-bytecode -e ".[$1]"
    if [ "$1" = test ]; then nbvis_install_torch_cpu; fi
  fi
  # fails loudly if the build did not happen
  # shellcheck disable=SC2046  # one argument per bundle of js/entries.mjs
  "$VENV/bin/python" -c "import sys; from nbvis._bundle import source; [source(f) for f in sys.argv[1:]]" \
    $(node js/entries.mjs)
  echo "$deps" >"$VENV/.nbvis-deps"
  echo "$sources" >"$VENV/.nbvis-sources"
}

nbvis_install_torch_cpu() {  # the tests' Keras torch backend: PyTorch's CPU build, never the CUDA one
  "$VENV/bin/python" -c "import torch" 2>/dev/null && return 0
  local wheel tag
  tag="$("$VENV/bin/python" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')"
  wheel="$(ls "${PIP_FIND_LINKS:-/opt/wheels}"/torch-*+cpu-"$tag"-*.whl 2>/dev/null | head -1 || true)"
  if [ -n "$wheel" ]; then  # a CPU wheel on this machine's disk
    uv_install --compile-bytecode "$wheel"
  else  # PyTorch's own index of CPU builds (about 200 MB, not the several GB of PyPI's CUDA build)
    uv_install --compile-bytecode torch --index-url https://download.pytorch.org/whl/cpu \
      || echo "nbvis: no PyTorch CPU build; the torch backend tests are skipped" >&2
  fi
}
