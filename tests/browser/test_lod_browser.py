"""A million points in a real JupyterLab: level of detail, zoom while busy, window, density."""

from __future__ import annotations

from browser.canvas import PAINTED, check
from browser.lab import wait_js

BIG = """
import time
import numpy as np, nbvis
n = 1_000_000
x = np.arange(n)
y = np.sin(x / 20_000) + 0.05 * np.random.default_rng(0).normal(size=n)
y[654_321] = 6.0  # a one-sample spike
c = nbvis.linechart(np.c_[x, y], zoom_to_fit=True)
c
"""

# What one chart view holds: its level-of-detail bookkeeping and the rows Vega draws.
STATE = """([index, lo, hi]) => {
  const el = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-chart')][index];
  const d = el && el.__nbvis;
  if (!d || !d.view) return null;
  // a binned density is drawn by the density layer: its cells; else what Vega draws
  const rows = d.density && d.density.cells ? d.density.cells : d.view.data('values');
  const xs = rows.map((r) => r.x).sort((a, b) => a - b);
  const inRange = xs.filter((x) => x >= lo && x <= hi);
  let consecutive = inRange.length > 0;
  for (let i = 1; i < inRange.length; i++) if (inRange[i] !== inRange[i - 1] + 1) consecutive = false;
  const table = d.store.tables.get('values');
  const note = el.querySelector('.nbvis-lod-note');
  return { lod: { ...d.lod }, drawn: rows.length, maxY: Math.max(...rows.map((r) => r.y)),
           inRange: inRange.length, consecutive, embeds: d.embeds, width: d.view.width(),
           domain: d.view.scale('x').domain(), yDomain: d.view.scale('y').domain(),
           stored: table ? table.n : null, capacity: table ? table.columns.get('x').data.length : null,
           binned: rows.filter((r) => r.nbvis_count > 1).length, outlier: rows.some((r) => r.x === 40),
           note: note && note.style.display !== 'none' ? note.textContent : null };
}"""


# The density layer's canvas: painted pixels, the outlier (40, 40) painted where Vega's scales
# put it, an empty spot far from the cloud, and how many rows Vega itself holds.
DENSITY = """() => {
  const el = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-chart');
  const d = el.__nbvis, c = d.density.canvas, v = d.view, r = window.devicePixelRatio || 1;
  const img = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const at = (x, y) => {  // within a pixel (the outlier sits on the plot's corner)
    const px = Math.floor(v.scale('x')(x) * r), py = Math.floor(v.scale('y')(y) * r);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
      const qx = px + dx, qy = py + dy;
      if (qx >= 0 && qx < c.width && qy >= 0 && qy < c.height && img[(qy * c.width + qx) * 4 + 3] > 0) return true;
    }
    return false;
  };
  let painted = 0;
  for (let k = 3; k < img.length; k += 4) if (img[k] > 0) painted += 1;
  return { painted, outlier: at(40, 40), empty: !at(30, -5), cells: d.density.info.cells,
           vega: v.data('values').length };
}"""


def state(lab, index=0, lo=-1e300, hi=1e300):
    return lab.page.evaluate(STATE, [index, lo, hi])


def wait_state(lab, predicate: str, index=0, timeout=60):
    """Wait until `predicate` (JS, over the chart's el.__nbvis as `d`) holds."""
    try:
        wait_js(lab.page, f"""(index) => {{ const el = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-chart')][index];
                 const d = el && el.__nbvis; return Boolean(d && d.view && ({predicate})); }}""",
            arg=index, timeout=timeout * 1000,
        )
    except Exception as exc:
        raise AssertionError(f"{predicate} never held; the chart: {state(lab, index)}") from exc


def plot_point(lab, x_value, y_value=None, index=0):
    """Page coordinates of data (x, y); without y, half way down the plot."""
    return lab.page.evaluate(
        """([index, xv, yv]) => {
             const el = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-chart')][index];
             const v = el.__nbvis.view, box = el.querySelector('canvas').getBoundingClientRect();
             const pad = v.padding(), [ox, oy] = [v.origin()[0] + pad.left, v.origin()[1] + pad.top];
             const y = yv === null ? v.height() / 2 : v.scale('y')(yv);
             return [box.left + ox + v.scale('x')(xv), box.top + oy + y];
           }""",
        [index, x_value, y_value],
    )


def test_a_million_points_keep_their_spike_and_zooming_reveals_every_sample(lab):
    lab.server.write_notebook("big.ipynb", [BIG])
    lab.open("big.ipynb")
    lab.run_all()
    wait_state(lab, "d.lod.n === 1000000 && d.lod.full === null")  # every row arrived
    overview = state(lab)
    assert overview["lod"]["active"] and overview["stored"] == 1_000_000
    assert overview["drawn"] == 0  # Vega holds no line rows: the line layer draws them
    assert lab.page.evaluate(PAINTED, [0, 654_321, 6.0])  # the spike survives

    # Shift-drag zooms into the dragged range and draws it again
    x0, y0 = plot_point(lab, 400_000)
    x1, _ = plot_point(lab, 700_000)
    lab.page.keyboard.down("Shift")
    lab.page.mouse.move(x0, y0)
    lab.page.mouse.down()
    lab.page.mouse.move((x0 + x1) / 2, y0 + 10, steps=4)
    lab.page.mouse.move(x1, y0 + 20, steps=4)
    lab.page.mouse.up()
    lab.page.keyboard.up("Shift")
    wait_state(lab, "d.lod.redraws >= 1 && d.view.scale('x').domain()[1] - d.view.scale('x').domain()[0] < 400000")
    brushed = state(lab)
    lo, hi = brushed["domain"]
    assert abs(lo - 400_000) < 3_000 and abs(hi - 700_000) < 3_000, brushed["domain"]
    assert lab.page.evaluate(PAINTED, [0, 654_321, 6.0])

    # the wheel, at the spike, zooms until every sample in view is drawn where Vega puts it
    for _ in range(9):  # aim at the spike before each step: the anchor is only as exact as a pixel
        px, py = plot_point(lab, 654_321)
        lab.page.mouse.move(px, py)
        domain = state(lab)["domain"]
        lab.page.mouse.wheel(0, -800)
        if domain[1] - domain[0] < 1500:
            break
        wait_state(lab, f"d.view.scale('x').domain()[0] !== {domain[0]} || d.view.scale('x').domain()[1] !== {domain[1]}")
    wait_state(lab, "d.lod.visible < 1500")
    lo, hi = state(lab)["domain"]
    near = check(lab, lo, hi)
    assert near["missed"] == 0 and near["checked"] >= hi - lo - 2, near  # every sample in view
    assert lo < 654_321 < hi and lab.page.evaluate(PAINTED, [0, 654_321, 6.0])  # and the spike
    assert state(lab)["embeds"] == 1  # zoom never re-embeds

    # double-click resets to the whole series
    lab.page.mouse.dblclick(px, py)
    wait_state(lab, "d.lod.visible === 1000000")
    assert lab.page.evaluate(PAINTED, [0, 654_321, 6.0])
    lab.screenshot("lod-million-points")


def test_zooming_redraws_the_level_of_detail_while_the_kernel_is_busy(lab):
    # the second cell runs until the test releases it (a file), however slowly the rows arrive
    hold = "import os, time\nwhile not os.path.exists('release-lod-busy'):\n    time.sleep(0.05)"
    lab.server.write_notebook("busy.ipynb", [BIG, hold])
    lab.open("busy.ipynb")
    lab.start_command("notebook:run-all-cells")
    wait_state(lab, "d.lod.n === 1000000 && d.lod.full === null", timeout=90)
    busy = lab.page.evaluate(
        """() => [...window.jupyterapp.shell.currentWidget.content.widgets].some(
             (c) => c.model.type === 'code' && c.promptNode && c.promptNode.textContent.includes('*'))"""
    )
    assert busy, "the sleeping cell should be running"
    before = state(lab)
    px, py = plot_point(lab, 500_000)
    lab.page.mouse.move(px, py)
    for _ in range(6):  # each wheel step once Vega has applied the last (it aims with the current scale)
        domain = state(lab)["domain"]
        lab.page.mouse.wheel(0, -800)
        wait_state(lab, f"d.view.scale('x').domain()[0] !== {domain[0]} || d.view.scale('x').domain()[1] !== {domain[1]}")
    wait_state(lab, f"d.lod.redraws > {before['lod']['redraws']} && d.lod.visible < 100000")
    zoomed = state(lab)
    lo, hi = zoomed["domain"]
    assert hi - lo < 100_000 and 400_000 < lo < hi < 600_000
    assert check(lab, lo, hi, stride=7)["missed"] == 0  # drawn for the new range
    still_busy = lab.page.evaluate(
        """() => [...window.jupyterapp.shell.currentWidget.content.widgets].some(
             (c) => c.model.type === 'code' && c.promptNode && c.promptNode.textContent.includes('*'))"""
    )
    assert still_busy, "the zoom must have happened while the kernel was busy"
    (lab.server.root / "release-lod-busy").touch()
    lab.wait_idle()


def test_window_keeps_the_browser_and_kernel_to_the_last_points_of_each_series(lab):
    lab.server.write_notebook(
        "window.ipynb",
        [
            ("import numpy as np, nbvis\n"
             "c = nbvis.linechart({'a': np.zeros(0), 'b': np.zeros(0)}, window=30_000)\nc"),
            ("for k in range(25):\n"
             "    x = np.arange(k * 4000, (k + 1) * 4000)\n"
             "    c.append({'a': np.c_[x, np.sin(x / 500)], 'b': np.c_[x, np.cos(x / 500)]})\n"
             "    c.flush()"),
        ],
    )
    lab.open("window.ipynb")
    lab.run_all()
    wait_state(lab, "d.store.tables.get('values').n === 60000 && d.seq >= 25")
    s = state(lab)
    assert s["stored"] == 60_000 and s["lod"]["active"]
    assert s["capacity"] <= 2 * 65_536  # the typed arrays did not keep growing
    assert s["domain"][0] >= 70_000 - 1_000 and s["domain"][1] <= 100_000  # the last 30,000 x per series
    kept = lab.execute(
        "t = c.tables['values']; print(t.n, int(t.column('x').min()), t.labels('series').count('a'))"
    ).split()
    assert kept == ["60000", "70000", "30000"]


def test_a_reloaded_page_gets_the_overview_and_then_fetches_every_row(lab):
    lab.server.write_notebook("reload-big.ipynb", [BIG])
    lab.open("reload-big.ipynb")
    lab.run_all()
    wait_state(lab, "d.lod.n === 1000000 && d.lod.full === null")
    lab.save()
    lab.page.reload(wait_until="domcontentloaded")
    lab.open("reload-big.ipynb")
    wait_state(lab, "d.lod.n === 1000000 && d.lod.full === null && d.lines && d.lines.info.draws > 0")
    assert lab.page.evaluate(PAINTED, [0, 654_321, 6.0])
    assert check(lab, stride=1009)["missed"] == 0


def test_a_scatterplot_of_200k_points_draws_a_stated_density_and_zooming_shows_single_points(lab):
    lab.server.write_notebook(
        "scatter.ipynb",
        [
            ("import numpy as np, nbvis\n"
             "xy = np.random.default_rng(1).normal(size=(200_000, 2))\n"
             "xy = np.vstack([xy, [[40.0, 40.0]]])  # one far outlier\n"
             "s = nbvis.scatterplot(xy)\ns"),
        ],
    )
    lab.open("scatter.ipynb")
    lab.run_all()
    wait_state(lab, "d.lod.n === 200001 && d.lod.full === null")
    dense = state(lab)
    assert dense["lod"]["binned"] and dense["binned"] > 100
    assert dense["drawn"] < 60_000 and dense["outlier"]  # an isolated point keeps its own mark
    assert dense["note"].startswith("Binned density: 200,001 points in view drawn as ")
    # ...on the density layer's canvas, where Vega's scales put them; Vega draws none of them
    painted = lab.page.evaluate(DENSITY)
    assert painted["vega"] == 0 and painted["outlier"] and painted["cells"] == dense["drawn"], painted
    assert painted["painted"] > 1000 and painted["empty"], painted
    lab.screenshot("lod-scatter-density")
    # hovering the outlier shows its point (Vega's mark, with its tooltip)
    ox, oy = plot_point(lab, 40.0, 40.0)
    lab.page.mouse.move(ox - 3, oy)
    lab.page.mouse.move(ox, oy)
    wait_js(lab.page, "() => { const el = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-chart');"
        " const h = el.__nbvis.view.data('nbvis_hover'); return h.length === 1 && h[0].x === 40; }", timeout=10_000)
    # zoom into the middle with a Shift-drag box: few enough points to draw one by one
    (x0, y0), (x1, y1) = plot_point(lab, -0.5, 0.5), plot_point(lab, 0.5, -0.5)
    lab.page.keyboard.down("Shift")
    lab.page.mouse.move(x0, y0)
    lab.page.mouse.down()
    lab.page.mouse.move(x1, y1, steps=5)
    lab.page.mouse.up()
    lab.page.keyboard.up("Shift")
    wait_state(lab, "!d.lod.binned")
    single = state(lab)
    assert single["note"] is None and single["binned"] == 0
    assert single["drawn"] == single["lod"]["visible"] <= 50_000 and single["drawn"] > 0
    lab.screenshot("lod-scatter-zoomed")


def test_the_weather_explorer_example_shows_the_full_record_and_its_density(lab):
    import nbformat

    from browser.lab import ROOT

    example = nbformat.read(ROOT / "examples" / "02_weather.ipynb", as_version=4)
    lab.server.write_notebook("weather.ipynb", [c.source for c in example.cells if c.cell_type == "code"])
    lab.open("weather.ipynb")
    lab.run_all()
    # the Jena chart: two series of 420,480 points each, all in the browser, drawn decimated
    wait_state(lab, "d.lod && d.lod.n === 840960 && d.lod.full === null", index=0, timeout=120)
    wait_state(lab, "d.lines && d.lines.info.draws > 0 && d.lines.info.series === 2", index=0)
    jena = check(lab, stride=211, index=0)  # drawn by the line layer, every sample where Vega puts it
    assert jena["rows"] == 0 and jena["checked"] > 3000 and jena["missed"] == 0, jena
    # temperature against dew point: a stated density of every point
    wait_state(lab, "d.lod && d.lod.n === 420480 && d.lod.binned", index=1, timeout=120)
    assert state(lab, 1)["note"].startswith("Binned density: 420,480 points in view")
    lab.screenshot("weather-explorer")
