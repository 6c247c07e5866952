"""Reading the line layer's canvas and Vega's scales in the page (tests of big line charts)."""

from __future__ import annotations

import base64

import numpy as np

CHARTS = "[...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-chart')]"
# Where Vega's plot area starts on its canvas: the view's padding plus its origin.
ORIGIN = "((v) => { const p = v.padding(), o = v.origin(); return [o[0] + p.left, o[1] + p.top]; })"

# Samples of chart `index` in x range [lo, hi] (every `stride`-th) that the layer's canvas does
# not paint within 1 px of where Vega's scales put them, and how the canvas sits on Vega's plot.
CHECK = f"""([index, lo, hi, stride]) => {{
  const el = {CHARTS}[index];
  const d = el.__nbvis, layer = d.lines, v = d.view;
  const r = window.devicePixelRatio || 1;
  const W = layer.canvas.width, H = layer.canvas.height;
  const img = layer.canvas.getContext('2d').getImageData(0, 0, W, H).data;
  const painted = (px, py) => {{
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {{
      const x = Math.floor(px) + dx, y = Math.floor(py) + dy;
      if (x >= 0 && x < W && y >= 0 && y < H && img[(y * W + x) * 4 + 3] > 0) return true;
    }}
    return false;
  }};
  const t = d.store.tables.get('values');
  const xs = t.columns.get('x').data, ys = t.columns.get('y').data;
  const sx = v.scale('x'), sy = v.scale('y');
  const misses = [];
  let checked = 0;
  for (let i = 0; i < t.n; i += stride) {{
    if (!(xs[i] >= lo && xs[i] <= hi) || !Number.isFinite(ys[i])) continue;
    const py = sy(ys[i]) * r;
    if (!(py >= 0 && py <= H)) continue;  // outside the plot, or not on a log scale (y <= 0)
    checked += 1;
    if (!painted(sx(xs[i]) * r, py)) misses.push([xs[i], ys[i]]);
  }}
  let alpha = 0;
  for (let k = 3; k < img.length; k += 4) if (img[k] > 0) alpha += 1;
  const box = layer.canvas.getBoundingClientRect();
  const vega = el.querySelector('canvas:not(.nbvis-lines)').getBoundingClientRect();
  const [ox, oy] = {ORIGIN}(v);
  return {{ checked, misses: misses.slice(0, 5), missed: misses.length, coverage: alpha / (W * H),
           offset: [box.left - vega.left - ox, box.top - vega.top - oy],
           size: [box.width - v.width(), box.height - v.height()], info: {{ ...layer.info }},
           domain: sx.domain().map(Number), yDomain: sy.domain().map(Number), scaleType: sy.type,
           rows: v.data('values').length }};
}}"""

# Whether the canvas paints data point (x, y) of chart `index` (within 1 px).
PAINTED = f"""([index, x, y]) => {{
  const el = {CHARTS}[index];
  const d = el.__nbvis, layer = d.lines, v = d.view, r = window.devicePixelRatio || 1;
  const W = layer.canvas.width, H = layer.canvas.height;
  const img = layer.canvas.getContext('2d').getImageData(0, 0, W, H).data;
  const px = Math.floor(v.scale('x')(x) * r), py = Math.floor(v.scale('y')(y) * r);
  for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {{
    const i = ((py + dy) * W + px + dx) * 4 + 3;
    if (px + dx >= 0 && px + dx < W && py + dy >= 0 && py + dy < H && img[i] > 0) return true;
  }}
  return false;
}}"""

ZOOM = f"""async ([index, lo, hi]) => {{
  const d = {CHARTS}[index].__nbvis;
  const before = d.lines.info.draws;
  d.view.signal('zoom_x', [lo, hi]);
  await d.view.runAsync();
  const t0 = performance.now();
  while (d.lines.info.draws === before && performance.now() - t0 < 10000) await new Promise((r) => setTimeout(r, 20));
  return d.lines.info.draws > before;
}}"""

PIXELS = f"""(index) => {{
  const c = {CHARTS}[index].__nbvis.lines.canvas;
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let text = '';
  for (let i = 0; i < data.length; i += 0x8000) text += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return {{ width: c.width, height: c.height, rgba: btoa(text) }};
}}"""


def pixels(lab, index: int = 0) -> np.ndarray:
    """The line layer's canvas of chart ``index`` as an (height, width, 4) uint8 array."""
    got = lab.page.evaluate(PIXELS, index)
    rgba = np.frombuffer(base64.b64decode(got["rgba"]), dtype=np.uint8)
    return rgba.reshape(got["height"], got["width"], 4)


def check(lab, lo=-1e300, hi=1e300, stride=1, index=0):
    return lab.page.evaluate(CHECK, [index, lo, hi, stride])


def zoom(lab, lo, hi, index=0):
    assert lab.page.evaluate(ZOOM, [index, lo, hi]), "the line layer did not redraw after the zoom"
