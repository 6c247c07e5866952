# Shared set-up of the two README commands: a virtualenv with nbvis installed
# (which builds js/ into nbvis/static through hatch-jupyter-builder).
# Sourced, not run. NBVIS_VENV overrides the virtualenv's location (default .venv).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${NBVIS_VENV:-$ROOT/.venv}"
export JUPYTER_PLATFORM_DIRS=1 TF_ENABLE_ONEDNN_OPTS=0 TF_CPP_MIN_LOG_LEVEL=2 PYTHONUNBUFFERED=1
export PIP_DISABLE_PIP_VERSION_CHECK=1 npm_config_fund=false npm_config_audit=false

pip_install() {  # quiet pip install that still fails when pip fails (pip's "WARNING: Location" lines left out)
  "$VENV/bin/python" -m pip install -q "$@" 2>&1 | { grep -v "^WARNING: Location" || true; }
}

nbvis_install() {  # nbvis_install EXTRAS
  command -v npm >/dev/null || { echo "nbvis: npm (Node 18+) is needed to build the front end" >&2; exit 1; }
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  pip_install -U pip
  # The front-end dependencies are pinned by js/package-lock.json.
  (cd js && npm ci --no-audit --no-fund --loglevel=error)
  # --no-compile: Python compiles on first import only the modules a run imports (compiling
  # every installed file, TensorFlow's and PyTorch's included, is minutes of CPU on 2 cores)
  pip_install --no-compile -e ".[$1]"
  if [ "$1" = test ]; then nbvis_install_torch_cpu; fi
  # fails loudly if the build did not happen
  # shellcheck disable=SC2046  # one argument per bundle of js/entries.mjs
  "$VENV/bin/python" -c "import sys; from nbvis._bundle import source; [source(f) for f in sys.argv[1:]]" \
    $(node js/entries.mjs)
}

nbvis_install_torch_cpu() {  # the tests' Keras torch backend: PyTorch's CPU build, never the CUDA one
  "$VENV/bin/python" -c "import torch" 2>/dev/null && return 0
  local wheel tag
  tag="$("$VENV/bin/python" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')"
  wheel="$(ls "${PIP_FIND_LINKS:-/opt/wheels}"/torch-*+cpu-"$tag"-*.whl 2>/dev/null | head -1 || true)"
  if [ -n "$wheel" ]; then  # a CPU wheel on this machine's disk
    pip_install --no-compile "$wheel"
  else  # PyTorch's own index of CPU builds (about 200 MB, not the several GB of PyPI's CUDA build)
    pip_install --no-compile torch --index-url https://download.pytorch.org/whl/cpu \
      || echo "nbvis: no PyTorch CPU build; the torch backend tests are skipped" >&2
  fi
}
