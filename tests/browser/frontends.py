"""Servers for the front ends other than JupyterLab (Voila, marimo), started by the tests
on 127.0.0.1 with a free port and stopped by their process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from browser.lab import free_port, wait_until_serving


class Server:
    """A front-end server process serving ``url`` (its log is kept for failures)."""

    def __init__(self, args: list[str], *, cwd: Path, path: str = "/", timeout: float = 90) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}{path}"
        self.log_path = Path(tempfile.mkstemp(prefix="nbvis-frontend-", suffix=".log")[1])
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "MARIMO_SKIP_UPDATE_CHECK": "1", "JUPYTER_PLATFORM_DIRS": "1",
               "TF_ENABLE_ONEDNN_OPTS": "0", "TF_CPP_MIN_LOG_LEVEL": "2"}
        argv = [sys.executable, "-m", *(a.replace("{port}", str(self.port)) for a in args)]
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        try:
            wait_until_serving(self.proc, f"http://127.0.0.1:{self.port}/", args[0], self.log_path, timeout)
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()
