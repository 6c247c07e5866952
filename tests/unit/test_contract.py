"""The Python/JS contract tests itself: js/src/contract.js against nbvis/_contract.py, and the
browser's spec rewriting (js/src/runtime/spec.js) run in node on Python's real specs."""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from nbvis import _contract
from nbvis.charts.xy import line_spec, scatter_spec

JS = Path(__file__).resolve().parents[2] / "js"
FIXTURE = JS / "test" / "fixtures" / "line_spec.json"

SPECS = {
    "line": lambda: line_spec(["loss", "val_loss"], x_label="step"),
    "smoothed": lambda: line_spec(["loss"], smoothing=0.6),
    "scatter": lambda: scatter_spec(["a", "b"]),
}


@cache
def browser() -> dict[str, Any]:
    """What js/test/contract.mjs makes of Python's specs, and its constants."""
    payload = json.dumps({"specs": {name: make() for name, make in SPECS.items()}})
    done = subprocess.run(["node", str(JS / "test" / "contract.mjs")], input=payload, capture_output=True,
                          text=True, check=True, timeout=120)
    return json.loads(done.stdout)


def test_every_constant_of_contract_js_is_pythons():
    constants = browser()["constants"]
    assert {"ROWS", "SCALARS", "X_AXES", "ZOOM_PARAM", "HOVER_PARAM", "THIN_FIELD"} <= set(constants)
    for name, value in constants.items():
        ours = getattr(_contract, name)
        assert (list(ours) if isinstance(ours, tuple) else ours) == value, name


@pytest.mark.parametrize("name", ["line", "smoothed"])
def test_the_browser_takes_a_real_line_spec_apart_as_python_wrote_it(name):
    spec = SPECS[name]()
    seen = browser()["specs"][name]
    assert seen["meta"] == _contract.chart_meta(spec)
    # the zoom param becomes the zoom_x signal the Shift-drag box sets, the hover param is the rule's
    assert f"{_contract.ZOOM_PARAM}_x" in seen["signals"]
    assert _contract.HOVER_PARAM in seen["params"]["defined"] and _contract.HOVER_PARAM in seen["params"]["used"]
    assert f"!datum.{_contract.THIN_FIELD}" in json.dumps(spec)
    canvas = seen["canvas"]
    # the line layer draws the raw (and smoothed) lines; the hover selection is left to it, and
    # what remains still compiles, with the zoom signal the brush sets
    assert [line["source"] for line in canvas["lines"]] == (["raw", "smooth"] if name == "smoothed" else ["raw"])
    assert _contract.HOVER_PARAM not in canvas["params"]["defined"] + canvas["params"]["used"]
    assert f"{_contract.ZOOM_PARAM}_x" in canvas["signals"]


def test_the_browser_draws_a_real_scatter_spec_with_the_density_layer():
    seen = browser()["specs"]["scatter"]
    assert seen["points"] is True and seen["meta"]["lod"]["kind"] == "points"
    assert f"{_contract.ZOOM_PARAM}_x" in seen["pointsSignals"] and f"{_contract.ZOOM_PARAM}_y" in seen["pointsSignals"]


def test_the_js_spec_tests_run_on_pythons_current_line_spec():
    # js/test/spec.test.mjs reads this file; regenerate it with
    # `python -c "from unit.test_contract import write_fixture; write_fixture()"` from tests/
    assert json.loads(FIXTURE.read_text()) == SPECS["line"](), "js/test/fixtures/line_spec.json is stale"


def write_fixture() -> None:
    FIXTURE.write_text(json.dumps(SPECS["line"](), indent=1) + "\n")
