"""Notebooks executed headless (nbclient), as `jupyter nbconvert --execute` does."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
STATE = "application/vnd.jupyter.widget-state+json"


def execute(cells: list[str]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return nb


def test_twenty_saved_charts_store_the_vega_runtime_once():
    charts = "\n".join(f"display(nbvis.linechart(pts, x_label='step {i}'))" for i in range(20))
    nb20 = execute(["import nbvis\npts = [{'x': i, 'y': i} for i in range(10)]", charts])
    nb0 = execute(["import nbvis\npts = [{'x': i, 'y': i} for i in range(10)]"])
    size20 = len(nbformat.writes(nb20))
    size0 = len(nbformat.writes(nb0))
    state = nb20.metadata["widgets"][STATE]["state"]
    runtimes = [m for m in state.values() if "bundle" in m["state"]]
    charts_state = [m for m in state.values() if m["model_name"] == "AnyModel"]
    assert len(runtimes) == 1 and len(charts_state) == 20
    per_chart = max(len(json.dumps(m)) for m in charts_state)
    assert per_chart <= 100_000, per_chart
    assert size20 - size0 <= 1_500_000, size20 - size0


def test_points_streamed_in_later_cells_are_in_the_saved_state():
    nb = execute(
        [
            "import nbvis\nc = nbvis.linechart([{'x': 0, 'y': 0}])\nc",
            "for i in range(1, 500):\n    c.append([{'x': i, 'y': i * 0.1}])",
            "c.update([{'x': 5, 'y': 1}, {'x': 6, 'y': 2}])\nc.append([{'x': 7, 'y': 3}])",
        ]
    )
    state = nb.metadata["widgets"][STATE]["state"]
    (chart,) = [m for m in state.values() if m["model_name"] == "AnyModel"]
    data = chart["state"]["_data"]
    assert data["datasets"]["values"]["n"] == 3
    assert data["seq"] >= 2


import pytest  # noqa: E402


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "examples").glob("*.ipynb")))
def test_example_notebook_runs_without_errors(name):
    nb = nbformat.read(ROOT / "examples" / name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "examples")}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0]["evalue"] if errors else ""
