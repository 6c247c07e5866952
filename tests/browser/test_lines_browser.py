"""The line layer in a real JupyterLab: big lines drawn on nbvis's own canvas, read back pixel by pixel.

Each test reads the layer's canvas (``getImageData``) and Vega's scales from the same page, so
"a sample lands where Vega puts it" is checked against Vega itself, not against a copy of its maths.
"""

from __future__ import annotations

import numpy as np

from browser.canvas import CHARTS, ORIGIN, PAINTED, check, pixels, zoom
from browser.lab import wait_js
from browser.test_lod_browser import BIG, wait_state


def test_every_sample_lands_within_a_pixel_of_vegas_scale_and_a_spike_shows_at_every_zoom(lab):
    lab.server.write_notebook("big-lines.ipynb", [BIG])
    lab.open("big-lines.ipynb")
    lab.run_all()
    wait_state(lab, "d.lod.n === 1000000 && d.lod.full === null && d.lines && d.lines.info.draws > 0")
    whole = check(lab, stride=997)
    # the canvas lies exactly on Vega's plot area; Vega itself holds no line rows
    assert whole["offset"] == [0, 0] and whole["size"] == [0, 0], whole
    assert whole["rows"] == 0
    assert whole["checked"] > 900 and whole["missed"] == 0, whole
    assert 0.05 < whole["coverage"] < 0.6, whole  # a band of noise, not a filled plot
    assert lab.page.evaluate(PAINTED, [0, 654_321, 6.0])  # the spike, 1 sample of 1,000,000
    assert not lab.page.evaluate(PAINTED, [0, 100_000, 4.0])  # nothing where no sample is
    for lo, hi in [(600_000, 700_000), (654_000, 655_000), (654_300, 654_340)]:
        zoom(lab, lo, hi)
        seen = check(lab, lo, hi, stride=1 if hi - lo <= 1000 else 13)
        assert seen["domain"] == [lo, hi] and seen["checked"] > 30 and seen["missed"] == 0, seen
        assert lab.page.evaluate(PAINTED, [0, 654_321, 6.0]), (lo, hi)
        assert seen["yDomain"][1] >= 6.0  # zoom_to_fit: y fits what is in view, spike included
    # away from the spike y fits the band alone, and the spike is not drawn into it
    zoom(lab, 100_000, 101_000)
    away = check(lab, 100_000, 101_000)
    assert away["missed"] == 0 and away["yDomain"][1] < 3, away
    assert lab.page.evaluate(f"() => {CHARTS}[0].__nbvis.embeds") == 1  # zooming never re-embeds
    lab.screenshot("lines-million")


LOG = """
import numpy as np, nbvis
x = np.arange(60_000)
y = np.exp(np.sin(x / 3000) * 4) * (1 + 0.2 * np.random.default_rng(2).random(x.size))
y[1000:1010] = 0.0  # cannot be shown on a log scale: left out, the line goes on
lg = nbvis.linechart({'a': np.c_[x, y], 'b': np.c_[x, y * 3]}, log_y=True, zoom_to_fit=True)
lg
"""


def test_a_log_scale_puts_every_sample_where_vegas_log_scale_does(lab):
    lab.server.write_notebook("log-lines.ipynb", [LOG])
    lab.open("log-lines.ipynb")
    lab.run_all()
    wait_state(lab, "d.lod.n === 120000 && d.lines && d.lines.info.draws > 0")
    whole = check(lab, stride=37)
    assert whole["scaleType"] == "log" and whole["missed"] == 0 and whole["checked"] > 2000, whole
    for lo, hi in [(10_000, 20_000), (500, 1_500)]:
        zoom(lab, lo, hi)
        seen = check(lab, lo, hi)
        assert seen["missed"] == 0 and seen["checked"] > 1000, seen
    lab.screenshot("lines-log")


# A row of Vega's own canvas, 30% down the plot, and the columns that changed since `window.__row`.
ROW = f"""() => {{
  const el = {CHARTS}[0], v = el.__nbvis.view, r = window.devicePixelRatio || 1;
  const vc = el.querySelector('canvas:not(.nbvis-lines)');
  const [ox, oy] = {ORIGIN}(v);
  const row = Array.from(vc.getContext('2d').getImageData(0, Math.round((oy + v.height() * 0.3) * r), vc.width, 1).data);
  const changed = [];
  if (window.__row) for (let c = 0; c < vc.width; c++) if (row[c * 4] !== window.__row[c * 4]) changed.push(c);
  const lines = el.__nbvis.lines.canvas.getBoundingClientRect(), box = vc.getBoundingClientRect();
  return {{ row, changed, expected: (ox + v.scale('x')(12346)) * r, layerLeft: (lines.left - box.left) * r, plotLeft: ox * r }};
}}"""

HOVER = """
import numpy as np, nbvis
x = np.arange(30_000)
h = nbvis.linechart({'loss': np.c_[x, np.sin(x / 900)], 'val': np.c_[x[::3], np.cos(x[::3] / 900) + 2]})
h
"""


def test_hover_shows_the_nearest_sample_of_each_series_and_its_tooltip(lab):
    lab.server.write_notebook("hover-lines.ipynb", [HOVER])
    lab.open("hover-lines.ipynb")
    lab.run_all()
    wait_state(lab, "d.lod.n === 40000 && d.lines && d.lines.info.draws > 0")
    zoom(lab, 12_300, 12_400)  # a few pixels per sample: the pointer picks one
    target = 12_346.3
    px, py = lab.page.evaluate(
        f"""(xv) => {{ const el = {CHARTS}[0], v = el.__nbvis.view;
             const box = el.querySelector('canvas:not(.nbvis-lines)').getBoundingClientRect();
             const [ox, oy] = {ORIGIN}(v); return [box.left + ox + v.scale('x')(xv), box.top + oy + v.height() / 2]; }}""",
        target,
    )
    lab.page.evaluate(f"() => {{ window.__row = ({ROW})().row; }}")  # Vega's canvas before any hover
    lab.page.mouse.move(px - 20, py)
    lab.page.mouse.move(px, py)
    wait_js(lab.page, f"() => {{ const d = {CHARTS}[0].__nbvis; return d.view.data('nbvis_hover_rule').length === 1"
        f" && d.view.data('nbvis_hover_rule')[0].x === 12346; }}", timeout=10_000)
    rows = lab.page.evaluate(f"() => {CHARTS}[0].__nbvis.view.data('nbvis_hover')")
    got = {r["series"]: (r["x"], round(r["y"], 5)) for r in rows}
    # the kernel's values at the nearest x of each series (val has every third step)
    expected = lab.execute(
        "import json; print(json.dumps({'loss': [12346, round(float(np.float32(np.sin(12346 / 900))), 5)],"
        " 'val': [12345, round(float(np.float32(np.cos(12345 / 900) + 2)), 5)]}))"
    )
    import json

    assert got == {k: tuple(v) for k, v in json.loads(expected).items()}
    # Vega draws its hover rule where the line layer puts x = 12346: the two canvases agree
    wait_js(lab.page, f"() => ({ROW})().changed.length > 0", timeout=10_000)
    rule = lab.page.evaluate(ROW)
    assert all(abs(c + 0.5 - rule["expected"]) <= 1.5 for c in rule["changed"]), rule["changed"]
    assert rule["layerLeft"] == rule["plotLeft"], {k: v for k, v in rule.items() if k != "row"}
    # the tooltip of the hovered loss point: Vega's own
    ly = lab.page.evaluate(
        f"() => {{ const el = {CHARTS}[0], v = el.__nbvis.view;"
        f" const box = el.querySelector('canvas:not(.nbvis-lines)').getBoundingClientRect();"
        f" return box.top + {ORIGIN}(v)[1] + v.scale('y')(Math.sin(12346 / 900)); }}"
    )
    lab.page.mouse.move(px - 2, ly)
    lab.page.mouse.move(lab.page.evaluate(
        f"() => {{ const el = {CHARTS}[0], v = el.__nbvis.view;"
        f" return el.querySelector('canvas:not(.nbvis-lines)').getBoundingClientRect().left + {ORIGIN}(v)[0] + v.scale('x')(12346); }}"
    ), ly)
    tip = lab.page.locator("#vg-tooltip-element")
    tip.wait_for(state="visible", timeout=10_000)
    text = tip.inner_text()
    assert "loss" in text and "1.235e+4" in text and "0.9133" in text, text
    lab.screenshot("lines-hover")
    lab.page.mouse.move(px, py - 400)  # leaving the plot clears the hover marks
    wait_js(lab.page, f"() => {CHARTS}[0].__nbvis.view.data('nbvis_hover_rule').length === 0",
                               timeout=10_000)


MANY = """
import numpy as np, nbvis
x = np.arange(40)
many = nbvis.linechart({f's{k:04d}': np.c_[x, k + 0.3 * np.sin(x / 3 + k)] for k in range(1000)},
                       y_axis_domain=[-1, 1000])
many
"""


def test_hiding_or_soloing_one_series_among_a_thousand_changes_only_its_pixels(lab):
    lab.server.write_notebook("many-lines.ipynb", [MANY])
    lab.open("many-lines.ipynb")
    lab.run_all()
    wait_state(lab, "d.lod.n === 40000 && d.lines && d.lines.info.draws > 0", timeout=90)
    info = lab.page.evaluate(f"() => ({{ ...{CHARTS}[0].__nbvis.lines.info }})")
    assert info["series"] == 1000
    before = pixels(lab)
    restyle = f"""async ([call, arg]) => {{
      const d = {CHARTS}[0].__nbvis;
      const n = d.lines.info.draws;
      d.lines[call](...arg);
      const t0 = performance.now();
      while (d.lines.info.draws === n && performance.now() - t0 < 10000) await new Promise((r) => setTimeout(r, 20));
      return {{ hidden: d.view.signal('nbvis_hidden'), embeds: d.embeds }};
    }}"""
    # the pixels series s0500 alone paints (and one pixel around them)
    solo = lab.page.evaluate(restyle, ["solo", ["s0500"]])
    assert len(solo["hidden"]) == 999 and "s0500" not in solo["hidden"]  # the legend dims the rest
    painted = np.pad(pixels(lab)[:, :, 3] > 0, 1)
    height, width = painted.shape[0] - 2, painted.shape[1] - 2
    mask = np.zeros((height, width), dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            mask |= painted[1 + dy:1 + dy + height, 1 + dx:1 + dx + width]
    assert 0 < mask.sum() < mask.size // 20
    lab.page.evaluate(restyle, ["solo", [None]])
    assert np.array_equal(pixels(lab), before)  # all back, pixel for pixel
    hidden = lab.page.evaluate(restyle, ["hide", [["s0500"]]])
    assert hidden["hidden"] == ["s0500"]
    changed = np.any(pixels(lab) != before, axis=2)
    assert changed.any(), "hiding s0500 changed nothing"
    assert not (changed & ~mask).any(), f"{(changed & ~mask).sum()} pixels changed away from s0500"
    lab.page.evaluate(restyle, ["hide", [["s0500"], False]])
    assert np.array_equal(pixels(lab), before)
    assert hidden["embeds"] == 1  # none of it re-embeds
    # the legend: clicking an entry shows only that series
    label = lab.page.evaluate(
        f"""() => {{
          const el = {CHARTS}[0], v = el.__nbvis.view;
          const found = [];
          const walk = (node) => {{
            for (const item of node.items ?? []) {{
              if (item.mark?.role === 'legend-label' && item.datum?.value === 's0001') found.push(item);
              walk(item);
            }}
          }};
          walk(v.scenegraph().root);
          let item = found[0], x = (item.bounds.x1 + item.bounds.x2) / 2, y = (item.bounds.y1 + item.bounds.y2) / 2;
          for (let g = item.mark.group; g; g = g.mark && g.mark.group) {{ x += g.x || 0; y += g.y || 0; }}
          const box = el.querySelector('canvas:not(.nbvis-lines)').getBoundingClientRect();
          const [ox, oy] = {ORIGIN}(v);
          return [box.left + ox + x, box.top + oy + y];
        }}"""
    )
    lab.page.mouse.click(*label)
    wait_js(lab.page, f"() => {CHARTS}[0].__nbvis.lines.info.solo === 's0001'", timeout=10_000)
    lab.screenshot("lines-thousand-solo")


LIVE = """
import numpy as np, nbvis
x = np.arange(100_000)
live = nbvis.linechart(np.c_[x, np.sin(x / 5000)], x_axis_domain=[0, 200_000], y_axis_domain=[-2, 2])
live
"""


def test_a_live_update_with_a_fixed_domain_redraws_only_the_columns_its_points_touch(lab):
    lab.server.write_notebook("live-lines.ipynb", [LIVE])
    lab.open("live-lines.ipynb")
    lab.run_all()
    wait_state(lab, "d.lod.n === 100000 && d.lines && d.lines.info.draws > 0")
    before = pixels(lab)
    info = lab.page.evaluate(f"() => ({{ ...{CHARTS}[0].__nbvis.lines.info }})")
    lab.execute("live.append(np.c_[np.arange(100_000, 100_010), np.full(10, 1.5)]); live.flush()")
    wait_state(lab, f"d.lod.n === 100010 && d.lines.info.draws > {info['draws']}")
    after = lab.page.evaluate(f"() => ({{ ...{CHARTS}[0].__nbvis.lines.info }})")
    assert after["partial"] == info["partial"] + 1 and after["full"] == info["full"], after
    c0, c1 = after["columns"]
    width = after["width"]
    new_column = int(100_000 / 200_000 * width)
    assert c0 >= new_column - 3 and c1 <= new_column + 3, after  # a handful of columns
    changed = np.nonzero(np.any(pixels(lab) != before, axis=(0, 2)))[0]  # the columns that changed
    assert changed.size and changed.min() >= c0 and changed.max() <= c1, (changed.tolist(), c0, c1)
    assert lab.page.evaluate(PAINTED, [0, 100_005, 1.5])  # the new points are drawn


SMOOTHED = """
import numpy as np, nbvis
x = np.arange(50_000)
noisy = nbvis.linechart({'loss': np.c_[x, np.exp(-x / 20_000) + 0.3 * np.random.default_rng(3).normal(size=x.size) ** 2]},
                        smoothing=0.99)
noisy
"""

# How far, on average, the darkest pixels of each column of the layer's canvas lie from the
# line Vega's scale puts at exp(-x / 20000) (the noise-free curve the smoothing converges to).
SMOOTH_DISTANCE = f"""() => {{
  const d = {CHARTS}[0].__nbvis, layer = d.lines, v = d.view, r = window.devicePixelRatio || 1;
  const W = layer.canvas.width, H = layer.canvas.height;
  const img = layer.canvas.getContext('2d').getImageData(0, 0, W, H).data;
  let total = 0, columns = 0;
  for (let c = 0; c < W; c += 5) {{
    let best = -1, alpha = 0;
    for (let y = 0; y < H; y++) if (img[(y * W + c) * 4 + 3] > alpha) {{ alpha = img[(y * W + c) * 4 + 3]; best = y; }}
    if (best < 0) continue;
    const xv = v.scale('x').invert(c / r);
    total += Math.abs(best - v.scale('y')(Math.exp(-xv / 20000) + 0.3) * r);
    columns += 1;
  }}
  return {{ distance: total / columns, draws: layer.info.draws, embeds: d.embeds, log: v.scale('y').type }};
}}"""


def test_the_smoothing_slider_and_the_log_toggle_redraw_a_big_chart_in_the_browser(lab):
    lab.server.write_notebook("smoothed-lines.ipynb", [SMOOTHED])
    lab.open("smoothed-lines.ipynb")
    lab.run_all()
    wait_state(lab, "d.lod.n === 50000 && d.lines && d.lines.info.draws > 0")
    smooth = lab.page.evaluate(SMOOTH_DISTANCE)
    # the opaque line is the smoothed one: close to the curve (mean of the noise is 0.3)
    assert smooth["distance"] < 6, smooth
    slider = lab.page.locator(".nbvis-chart .nbvis-smoothing").first
    slider.fill("0")  # no smoothing: the raw line is drawn opaque, far from the curve on average
    wait_js(lab.page, f"() => ({SMOOTH_DISTANCE})().draws > {smooth['draws']}", timeout=10_000)
    raw = lab.page.evaluate(SMOOTH_DISTANCE)
    assert raw["distance"] > smooth["distance"] + 3, (raw, smooth)
    assert raw["embeds"] == 1  # the slider does not re-embed
    lab.page.locator(".nbvis-chart .nbvis-log").first.check()
    wait_js(lab.page, f"() => ({SMOOTH_DISTANCE})().log === 'log'", timeout=10_000)
    logged = check(lab, stride=97)
    assert logged["scaleType"] == "log" and logged["missed"] == 0 and logged["checked"] > 400, logged
    lab.screenshot("lines-smoothed-log")
