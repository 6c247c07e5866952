"""Rules written in both Python and JavaScript give the same result on the same input.

Smoothing (nbvis/export/derive.py, js/src/derive/smooth.js), the window (nbvis/_downsample.py
window_mask, js/src/store.js trim) and the level of detail: the browser draws the same
per-column extremes from the kernel's overview (nbvis/_downsample.py) as from every row
(js/src/lod.js). The JS side runs in node (js/test/rules.mjs).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from nbvis._downsample import overview, window_mask
from nbvis.export.derive import smoothed

RULES = Path(__file__).resolve().parents[2] / "js" / "test" / "rules.mjs"


def js(payload: dict) -> dict:
    done = subprocess.run(["node", str(RULES)], input=json.dumps(payload), capture_output=True, text=True,
                          check=True, timeout=120)
    return json.loads(done.stdout)


def _series(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    x = np.arange(n, dtype=np.float64)
    y = np.cumsum(rng.normal(size=n)).astype(np.float32).astype(np.float64)  # the browser keeps float32
    names = rng.choice(["a", "b", "c"], size=n).tolist()
    return x, y, names


def test_smoothing_is_the_same_in_python_and_in_the_browser():
    rng = np.random.default_rng(0)
    x, y, names = _series(rng, 500)
    y[rng.choice(500, 20, replace=False)] = np.nan
    rows = [{"x": float(a), "y": None if np.isnan(b) else float(b), "series": s} for a, b, s in zip(x, y, names)]
    ours = [r["y"] for r in smoothed(rows, 0.7)]
    theirs = js({"smooth": {"x": x.tolist(), "y": [r["y"] for r in rows], "series": names, "weight": 0.7}})["smooth"]
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_the_window_keeps_the_same_rows_in_python_and_in_the_browser():
    rng = np.random.default_rng(1)
    x, y, names = _series(rng, 700)
    codes = np.unique(names, return_inverse=True)[1]
    ours = x[window_mask(codes, 37)].tolist()
    theirs = js({"window": {"x": x.tolist(), "y": y.tolist(), "series": names, "n": 37}})["window"]
    assert ours == theirs


@pytest.mark.parametrize("width", [64, 256, 1024])
def test_the_browser_draws_the_same_column_extremes_from_the_overview_as_from_every_row(width):
    # at any view width that divides the overview's 1024 columns, each view column is a
    # union of overview columns, so its smallest and largest sample are in the overview
    rng = np.random.default_rng(2)
    x, y, _ = _series(rng, 60_000)
    names = ["a"] * x.size
    y[12_345] = 500.0  # a one-sample spike
    codes = np.unique(names, return_inverse=True)[1]
    kept = overview(x, y, codes, kind="line", size=1024)
    assert kept.size < x.size / 4
    full = {"x": x.tolist(), "y": y.tolist(), "series": names}
    small = {"x": x[kept].tolist(), "y": y[kept].tolist(), "series": [names[i] for i in kept]}
    view = {"tables": [full, small], "domain": [0.0, float(x[-1])], "width": width}
    out = js({"lod": view, "lines": view})
    every, from_overview = out["lod"]
    assert every == from_overview
    assert max(e[1] for e in every.values()) == 500.0
    # the line layer (lines/trace.js) draws the same column spans from either
    every, from_overview = out["lines"]
    assert every == from_overview
    assert max(hi for _, hi in every["a"]) == 500.0
