"""Servers for the front ends other than JupyterLab (Voila, marimo), started by the tests
on 127.0.0.1 with a free port and stopped by their process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from browser.lab import free_port


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
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{args[0]} exited: {self.log()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2)
                return
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"{args[0]} did not start within {timeout} s: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text()[-4000:]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()
