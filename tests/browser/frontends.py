"""Servers for the front ends other than JupyterLab (Voila, marimo), started by the tests
on 127.0.0.1 with a free port and stopped by their process."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from browser.lab import serve, stop_process


class Server:
    """A front-end server process serving ``url`` (its log is kept for failures)."""

    def __init__(self, args: list[str], *, cwd: Path, path: str = "/", timeout: float = 120) -> None:
        self.log_path = Path(tempfile.mkstemp(prefix="nbvis-frontend-", suffix=".log")[1])
        env = {**os.environ, "MARIMO_SKIP_UPDATE_CHECK": "1", "JUPYTER_PLATFORM_DIRS": "1",
               "TF_ENABLE_ONEDNN_OPTS": "0", "TF_CPP_MIN_LOG_LEVEL": "2"}
        self.proc, self.port = serve([sys.executable, "-m", *args], ready="/", what=args[0], log=self.log_path,
                                     env=env, cwd=cwd, timeout=timeout)
        self.url = f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        stop_process(self.proc)
