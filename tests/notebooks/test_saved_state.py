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
    # DESIGN's target: 20 charts add <= 1.5 MB of saved widget state (the runtime, ~940 KB,
    # once; per chart its ~6.5 KB module and state) ...
    widget_state = len(json.dumps(nb20.metadata["widgets"]))
    assert widget_state <= 1_500_000, widget_state
    # ... and with their outputs (a ~12 KB SVG picture each) the file grows by about as much
    assert size20 - size0 <= 1_600_000, size20 - size0


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


import pytest
from notebooks.examples import examples_copy


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "examples").glob("*.ipynb")))
def test_example_notebook_runs_without_errors(name, tmp_path):
    folder = examples_copy(tmp_path)
    nb = nbformat.read(folder / name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0]["evalue"] if errors else ""


def test_after_fit_the_output_carries_pictures_of_the_final_curves_for_exports_without_state():
    import base64
    import re

    from nbconvert import HTMLExporter

    nb = execute(
        [
            "import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\nimport numpy as np, keras, nbvis\n"
            "x = np.random.default_rng(0).random((256, 4)).astype('float32'); y = (x.sum(1) > 2).astype('int32')\n"
            "m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation='softmax')])\n"
            "m.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy'])",
            "m.fit(x, y, epochs=2, validation_split=0.25, verbose=0, callbacks=[nbvis.show.fit_callbacks()]);",
        ]
    )
    live, after = [o for o in nb.cells[1].outputs if o.get("output_type") == "display_data"]
    assert "application/vnd.jupyter.widget-view+json" in live["data"] and live["data"]["text/plain"] == ""
    picture = after["data"]["text/html"]  # the picture output, filled in at the end of fit
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', picture)
    assert len(images) == 4  # batch loss, batch accuracy, epoch loss, epoch accuracy
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    assert picture.count("<b>Batch</b>") == 1 and picture.count("<b>Epoch</b>") == 1
    nb.metadata.pop("widgets")  # as saved by a front end that cannot save widget state
    body, _ = HTMLExporter().from_notebook_node(nb)
    assert body.count("data:image/png;base64,") >= 4 and "nbvis-static" in body


def test_an_exported_inspector_shows_a_picture_of_its_view():
    from nbconvert import HTMLExporter

    nb = execute(
        [
            "import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\nimport numpy as np, keras, nbvis\n"
            "m = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(4, 3, activation='relu', name='c'),\n"
            "    keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2, activation='softmax')])\n"
            "x = np.random.default_rng(0).random((2, 16, 16, 3)).astype('float32')",
            "w = nbvis.inspect.inspect(m, x, class_names=['<i>cat</i>', 'dog'])\nw",
            "w.method = 'Saliency'",  # a later cell changes the view: the picture follows
        ]
    )
    html, _ = HTMLExporter().from_notebook_node(nb)
    assert html.count('class="nbvis-static"') == 1
    (picture,) = [o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", [])
                  if "nbvis-static" in o.get("data", {}).get("text/html", "")]
    assert "Saliency of" in picture and "(the input), image 0" in picture
    assert picture.count("data:image/png;base64,") >= 2  # the overlay and the feature maps
    assert "<i>cat</i>" not in picture and "&lt;i&gt;cat&lt;/i&gt;" in picture  # class names are text


def test_an_exported_visor_shows_its_surfaces_charts_titled_by_tab_and_surface():
    from nbconvert import HTMLExporter

    nb = execute(
        [
            "import nbvis\nvis = nbvis.Visor()\nvis",
            "vis.surface('<b>Loss</b>', tab='Training').show(nbvis.linechart([1.0, 0.5, 0.3]))\n"
            "vis.surface('Accuracy', tab='Training').show(nbvis.barchart({'a': 1, 'b': 2}))\n"
            "vis.surface('Empty', tab='Model')",
        ]
    )
    html, _ = HTMLExporter().from_notebook_node(nb)
    assert html.count('class="nbvis-static"') == 1  # the visor's picture, refreshed by the later cell
    (picture,) = [o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", [])
                  if "nbvis-static" in o.get("data", {}).get("text/html", "")]
    assert "Training · &lt;b&gt;Loss&lt;/b&gt;" in picture and "Training · Accuracy" in picture
    assert "<b>Loss</b>" not in picture and "Empty" not in picture
    assert picture.count("data:image/png;base64,") == 2
