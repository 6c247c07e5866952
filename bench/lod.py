"""Big series in headless Chromium: nbvis's level of detail vs a naive inline embed.

For 1k, 100k, 1M and 10M points in one line series, in one browser page, measures:

* **first paint** — nbvis: the chart module gets the widget state the kernel sends (all
  rows up to 100k, an M4 overview beyond) and draws it; the kernel's overview time is
  printed beside it. Naive: ``vegaEmbed`` of a spec with every point as inline JSON rows
  (what Altair does), JSON parsing included.
* **full rows** — nbvis only: the full rows arriving as binary messages (1M-row chunks)
  until the level of detail of the whole series is redrawn.
* **zoom redraw** — the median over 12 zoom windows (1/2 ... 1/4096 of the series) of
  setting the x domain and redrawing: nbvis re-decimates the visible range in JS; the
  naive chart re-renders its inline rows.
* **live update at 100k resident** — browser work per message of 10 new points into a
  chart that already holds 100k: nbvis (level of detail), nbvis with the level of detail
  off (every row resident in Vega, incremental inserts), and re-sending all rows per
  update (Altair's JupyterChart).

The page is the real chart module (nbvis/static/chart.js) with a stand-in for the
anywidget model; no JupyterLab, so the figures are the browser's own work.

Run:  python bench/lod.py [--sizes 1000 100000 1000000 10000000] [--naive-max 1000000]
"""

from __future__ import annotations

import argparse
import base64
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser.lab import CHROMIUM, CHROMIUM_FLAGS

import nbvis

HARNESS = r"""
async ([chartSrc, runtimeSrc]) => {
  const load = async (src) => (await import(URL.createObjectURL(new Blob([src], { type: "text/javascript" }))));
  const chart = (await load(chartSrc)).default;
  const runtime = await load(runtimeSrc);
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const runtimeModel = { get: (k) => ({ bundle: runtimeSrc, hash: "bench" })[k] };
  function model(spec, data) {
    const handlers = {};
    const attrs = { spec, _data: data, _runtime: "IPY_MODEL_rt", _uid: Math.random().toString(36) };
    return {
      get: (k) => attrs[k], on: (e, f) => (handlers[e] ??= []).push(f), off() {}, send() {},
      widget_manager: { get_model: async () => runtimeModel },
      emit: (e, ...args) => (handlers[e] ?? []).forEach((f) => f(...args)),
    };
  }
  function series(n) {  // the same formula as the kernel's (float32 y, int32 x)
    const x = new Int32Array(n), y = new Float32Array(n);
    for (let i = 0; i < n; i++) { x[i] = i; y[i] = Math.sin(i / (n / 40)) + 0.1 * Math.sin(i * 0.7); }
    y[Math.floor(n * 0.654321)] = 6;
    return { x, y, s: new Uint8Array(n) };
  }
  function entry(cols, start, stop, op, more) {
    const e = { n: stop - start, op, columns: {
      x: { dtype: "i32", buf: 0 }, y: { dtype: "f32", buf: 1 }, series: { dtype: "u8", buf: 2, categories: ["Series 1"] } } };
    if (more) e.more = true;
    return [e, [cols.x.subarray(start, stop), cols.y.subarray(start, stop), cols.s.subarray(start, stop)].map(
      (a) => new DataView(a.buffer, a.byteOffset, a.byteLength))];
  }
  let box = null;
  function fresh() {
    box?.remove();
    box = document.createElement("div");
    box.style.width = "900px";
    document.body.append(box);
    return box;
  }
  async function zoomWindows(view, n, after) {
    const times = [];
    for (let k = 1; k <= 12; k++) {
      const span = n / 2 ** k, lo = (n - span) * ((k * 0.37) % 1);
      const t0 = performance.now();
      view.signal("zoom_x", [lo, lo + span]);
      await view.runAsync();
      const rescaled = performance.now() - t0;
      times.push(rescaled + (await after()));
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  }
  window.bench = {
    async nbvis(spec, state, n) {
      const el = fresh();
      for (const d of Object.values(state.datasets))
        for (const c of Object.values(d.columns)) c.data = new DataView(b64(c.data).buffer);
      const t0 = performance.now();
      const m = model(spec, state);
      chart.initialize({ model: m });
      await chart.render({ model: m, el });
      const d = el.__nbvis;
      while (!d.view) {
        if (d.error || performance.now() - t0 > 60000) throw new Error(`no view: ${d.error}`);
        await new Promise((r) => setTimeout(r, 0));
      }
      await d.view.runAsync();
      await frame();
      const firstPaint = performance.now() - t0;
      let full = null;
      if (state.datasets.values.full) {
        const cols = series(n);
        const updates = d.updates;
        const t1 = performance.now();
        let seq = state.seq;
        for (let start = 0; start < n; start += 1 << 20) {
          const stop = Math.min(n, start + (1 << 20));
          const [e, bufs] = entry(cols, start, stop, start === 0 ? "replace" : "append", stop < n);
          m.emit("msg:custom", { type: "data", seq: ++seq, datasets: { values: e } }, bufs);
        }
        while (d.updates === updates) await new Promise((r) => setTimeout(r, 0));
        await frame();
        full = performance.now() - t1;
      }
      const zoom = await zoomWindows(d.view, n, async () => {
        // then the level of detail of the new range: its own time, without polling delays
        if (!d.lod.active) return 0; // small: every row is in Vega, rescaling is the redraw
        const before = d.lod.redraws;
        while (d.lod.redraws === before) await new Promise((r) => setTimeout(r, 0));
        return d.lod.redrawMs;
      });
      return { firstPaint, full, zoom, drawn: d.lod.drawn, stored: d.store.tables.get("values").n };
    },
    async naive(spec, n) {
      const el = fresh();
      const cols = series(n);
      const rows = [];
      for (let i = 0; i < n; i++) rows.push({ x: cols.x[i], y: cols.y[i], series: "Series 1" });
      const text = JSON.stringify(rows);  // what an inline-data spec carries
      const t0 = performance.now();
      const full = { ...spec, datasets: { values: JSON.parse(text) } };
      const result = await runtime.vegaEmbed(el, full, { mode: "vega-lite", renderer: "canvas", actions: false });
      await frame();
      const firstPaint = performance.now() - t0;
      const zoom = await zoomWindows(result.view, n, async () => 0);
      result.finalize();
      return { firstPaint, zoom };
    },
    async updates(spec, state, mode, count) {
      // mode: "lod" | "no-lod" (every row in Vega, incremental inserts) | "resend" (all rows per update)
      const el = fresh();
      for (const d of Object.values(state.datasets))
        for (const c of Object.values(d.columns)) c.data = new DataView(b64(c.data).buffer);
      const n = state.datasets.values.n;
      const times = [];
      if (mode === "resend") {
        const cols = series(n + 300);
        const rows = (k) => Array.from({ length: k }, (_, i) => ({ x: cols.x[i], y: cols.y[i], series: "Series 1" }));
        const result = await runtime.vegaEmbed(el, { ...spec, datasets: { values: rows(n) } },
                                               { mode: "vega-lite", renderer: "canvas", actions: false });
        for (let u = 1; u <= count; u++) {
          const t0 = performance.now();
          const all = JSON.parse(JSON.stringify(rows(n + 10 * u)));
          result.view.change("values", runtime.vega.changeset().remove(() => true).insert(all));
          await result.view.runAsync();
          times.push(performance.now() - t0);
        }
        result.finalize();
      } else {
        const m = model(spec, state);
        chart.initialize({ model: m });
        await chart.render({ model: m, el });
        const d = el.__nbvis;
        while (!d.view) await new Promise((r) => setTimeout(r, 0));
        await d.view.runAsync();
        const cols = series(n + 300);
        for (let u = 0; u < count; u++) {
          const start = n + 10 * u;
          const [e, bufs] = entry(cols, start, start + 10, "append", false);
          const before = d.updates;
          const t0 = performance.now();
          m.emit("msg:custom", { type: "data", seq: state.seq + u + 1, datasets: { values: e } }, bufs);
          const decode = performance.now() - t0;
          while (d.updates === before) await new Promise((r) => setTimeout(r, 0));
          times.push(decode + d.drainMs);
        }
      }
      times.sort((a, b) => a - b);
      return times[Math.floor(times.length / 2)];
    },
  };
}
"""


def series(n: int) -> np.ndarray:
    i = np.arange(n)
    y = (np.sin(i / (n / 40)) + 0.1 * np.sin(i * 0.7)).astype(np.float32)
    y[int(n * 0.654321)] = 6
    return np.c_[i, y]


def state_of(chart) -> tuple[dict, float]:
    """The ``_data`` state the kernel sends on display (buffers as base64), and its time."""
    chart._store._overviews.clear()
    t0 = time.perf_counter()
    payload = chart._state_payload()
    seconds = time.perf_counter() - t0
    for entry in payload["datasets"].values():
        for column in entry["columns"].values():
            column["data"] = base64.b64encode(bytes(column["data"])).decode("ascii")
    return payload, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000, 10_000_000])
    parser.add_argument("--naive-max", type=int, default=1_000_000, help="largest size embedded naively")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    chart_src = (ROOT / "nbvis/static/chart.js").read_text()
    runtime_src = (ROOT / "nbvis/static/runtime.js").read_text()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        page.set_content("<!doctype html><html><body></body></html>")
        page.evaluate(HARNESS, [chart_src, runtime_src])

        warm = nbvis.linechart(series(1000))
        page.evaluate("([s, d, n]) => bench.nbvis(s, d, n)", [warm.spec, state_of(warm)[0], 1000])

        print(f"{'points':>11} | {'kernel overview':>15} | {'first paint nbvis':>17} | {'naive':>9} | "
              f"{'ratio':>6} | {'full rows':>9} | {'zoom nbvis':>10} | {'naive':>8} | {'drawn':>6}")
        for n in args.sizes:
            chart = nbvis.linechart(series(n), zoom_to_fit=True)
            state, kernel_s = state_of(chart)
            ours = page.evaluate("([s, d, n]) => bench.nbvis(s, d, n)", [chart.spec, state, n])
            spec = {k: v for k, v in chart.spec.items() if k != "usermeta"}
            naive = (page.evaluate("([s, n]) => bench.naive(s, n)", [spec, n])
                     if n <= args.naive_max else None)
            full = f"{ours['full']:7.0f}ms" if ours["full"] is not None else "  (state)"
            naive_paint = f"{naive['firstPaint']:7.0f}ms" if naive else "     n/a"
            ratio = f"{naive['firstPaint'] / ours['firstPaint']:5.1f}x" if naive else "   n/a"
            naive_zoom = f"{naive['zoom']:6.1f}ms" if naive else "    n/a"
            print(flush=True, end="")
            print(f"{n:>11,} | {kernel_s * 1e3:13.0f}ms | {ours['firstPaint']:15.0f}ms | {naive_paint} | "
                  f"{ratio} | {full} | {ours['zoom']:8.1f}ms | {naive_zoom} | {ours['drawn']:>6}")
            chart.close()

        print("\nbrowser work per live update (10 new points) with 100,000 points resident "
              "(median of 30; of 5 for the baselines, which take seconds each):")
        base = nbvis.linechart(series(100_000))
        state, _ = state_of(base)
        lod = page.evaluate("([s, d]) => bench.updates(s, d, 'lod', 30)", [base.spec, state])
        plain_spec = {k: v for k, v in base.spec.items() if k != "usermeta"}
        state, _ = state_of(base)
        plain = page.evaluate("([s, d]) => bench.updates(s, d, 'no-lod', 5)", [plain_spec, state])
        state, _ = state_of(base)
        resend = page.evaluate("([s, d]) => bench.updates(s, d, 'resend', 5)", [plain_spec, state])
        print(f"  nbvis (level of detail)          {lod:7.2f} ms")
        print(f"  nbvis, level of detail off       {plain:7.2f} ms   ({plain / lod:.1f}x)")
        print(f"  re-send all rows (JupyterChart)  {resend:7.2f} ms   ({resend / lod:.1f}x)")
        browser.close()


if __name__ == "__main__":
    main()
