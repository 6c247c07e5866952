#!/usr/bin/env bash
# The main job: JupyterLab serving examples/ with nbvis installed and built.
# Open the URL it prints. Extra arguments go to `jupyter lab`.
source "$(dirname "$0")/env.sh"
nbvis_install examples
echo "nbvis: starting JupyterLab on examples/ — open the http://127.0.0.1:${NBVIS_PORT:-8888}/lab?token=... URL it prints below"
ROOTFLAG=""; [ "$(id -u)" = 0 ] && ROOTFLAG="--allow-root"
exec "$VENV/bin/jupyter" lab $ROOTFLAG --notebook-dir="$ROOT/examples" --ip=127.0.0.1 --port="${NBVIS_PORT:-8888}" --no-browser "$@"
