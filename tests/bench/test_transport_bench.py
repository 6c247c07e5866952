"""Runs bench/transport.py (by hand: `pytest -m bench -s`); prints its figures."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.bench
def test_transport_benchmark_runs_and_reports_ratios():
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "transport.py"), "--steps", "20000"],
        check=True, capture_output=True, text=True, timeout=600,
    ).stdout
    print(out)
    assert "resend-all" in out and "B/point" in out
