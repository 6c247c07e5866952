"""Runs the benchmarks in bench/ (by hand: `pytest -m bench -s`) and prints their figures."""

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


@pytest.mark.bench
def test_inspection_benchmark_runs_beside_tf_keras_vis():
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "inspect_engine.py"), "--repeats", "5", "--steps", "8"],
        check=True, capture_output=True, text=True, timeout=1800,
    ).stdout
    print(out)
    assert "tf-keras-vis" in out and "one filter at a time" in out
