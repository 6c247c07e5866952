"""Big series in headless Chromium: the line layer vs Vega's marks vs a naive inline embed.

Everything runs in one browser page, the two ways of drawing a big line side by side: the line
layer (``usermeta.nbvis.lod.draw = "canvas"``, the default) and the same level of detail drawn
through Vega's marks (``"vega"``, what nbvis did before the line layer).

* **first paint** of 1k, 100k, 1M and 10M points in one series: the chart module gets the widget
  state the kernel sends (all rows up to 100k, an M4 overview beyond) and draws it; the kernel's
  overview time beside it. Naive: ``vegaEmbed`` of a spec with every point as inline JSON rows
  (what Altair does), JSON parsing included.
* **full rows** — the full rows arriving as binary messages (1M-row chunks) until redrawn.
* **zoom redraw** — the median over 12 zoom windows (1/2 ... 1/4096 of the series) of setting the
  x domain and redrawing (Vega's rescale plus the level of detail of the new range).
* **live update** — browser work per message of 10 new points into 100k, 1M and 10M resident
  points, with the x domain growing with the data and with a fixed x domain.
* **many series** — 1,000 series x 10,000 points: first paint and zoom redraw.
* **stream** — 8 charts (smoothed, as the training panel draws batches) of 100k points each get
  10 points 10 times a second each for 30 s: animation frames later than 25 ms.

The page is the real chart module (nbvis/static/chart.js) with a stand-in for the anywidget
model; no JupyterLab, so the figures are the browser's own work.

Run:  python bench/lod.py [--sizes ...] [--live ...] [--many 1000 10000] [--stream-seconds 30]
"""

from __future__ import annotations

import argparse
import base64
import copy
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser.lab import CHROMIUM, CHROMIUM_FLAGS

import nbvis
from nbvis.charts import line_spec, scatter_spec

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
  async function zoomWindows(view, n, after, count = 12) {
    const times = [];
    for (let k = 1; k <= count; k++) {
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
  // -- helpers for the line layer's measurements (states built in the page) --------------
  function colsOf(x, y, codes, categories) {
    return { x: { dtype: "f64", data: new DataView(x.buffer) }, y: { dtype: "f32", data: new DataView(y.buffer) },
             series: { dtype: "u16", data: new DataView(codes.buffer), categories } };
  }
  function stateOf(n, k) {  // k series of n / k points each, x = step, y a wave plus noise
    const x = new Float64Array(n), y = new Float32Array(n), codes = new Uint16Array(n);
    const per = n / k;
    for (let i = 0; i < n; i++) {
      const s = Math.floor(i / per), t = i - s * per;
      x[i] = t; codes[i] = s; y[i] = s + Math.sin(t / (per / 20) + s) * 0.4 + 0.1 * Math.sin(t * 0.7);
    }
    const categories = Array.from({ length: k }, (_, s) => `run ${s}`);
    return { seq: 0, datasets: { values: { n, columns: colsOf(x, y, codes, categories) } } };
  }
  async function mount(spec, state) {
    const el = fresh();
    const t0 = performance.now();
    const m = model(spec, state);
    chart.initialize({ model: m });
    await chart.render({ model: m, el });
    const d = el.__nbvis;
    while (!d.view) {
      if (d.error || performance.now() - t0 > 120000) throw new Error(`no view: ${d.error}`);
      await new Promise((r) => setTimeout(r, 0));
    }
    await d.view.runAsync();
    await frame();
    return { el, d, m, firstPaint: performance.now() - t0 };
  }
  async function zoomMedian(d, n, count = 12) {
    return zoomWindows(d.view, n, async () => {
      if (!d.lod.active) return 0;
      const before = d.lod.redraws;
      while (d.lod.redraws === before) await new Promise((r) => setTimeout(r, 0));
      return d.lod.redrawMs;
    }, count);
  }

  function scatterState(n) {  // a 2-D normal cloud (Box-Muller), one series
    const x = new Float64Array(n), y = new Float32Array(n), codes = new Uint16Array(n);
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < n; i++) {
      const r = Math.sqrt(-2 * Math.log(rnd() + 1e-12)), t = 2 * Math.PI * rnd();
      x[i] = r * Math.cos(t); y[i] = r * Math.sin(t);
    }
    return { seq: 0, datasets: { values: { n, columns: colsOf(x, y, codes, ["Series 1"]) } } };
  }

  window.bench = {
    // a scatter plot of n points drawn as a binned density: first paint, and redraws
    // after zooming x into windows that stay binned
    async scatter(spec, n) {
      const { d, firstPaint } = await mount(spec, scatterState(n));
      const times = [];
      for (let k = 1; k <= 8; k++) {
        const span = 6 / (1 + k * 0.25), lo = -3 + ((k * 0.37) % 1) * (6 - span);
        const before = d.lod.redraws;
        const t0 = performance.now();
        d.view.signal("zoom_x", [lo, lo + span]);
        await d.view.runAsync();
        const rescaled = performance.now() - t0;
        while (d.lod.redraws === before) await new Promise((r) => setTimeout(r, 0));
        times.push(rescaled + d.lod.redrawMs);
      }
      times.sort((a, b) => a - b);
      return { firstPaint, zoom: times[Math.floor(times.length / 2)], binned: d.lod.binned, drawn: d.lod.drawn };
    },

    // first paint and zoom of k series of n / k points (the state holds every row)
    async many(spec, n, k, zooms) {
      const t0 = performance.now();
      const state = stateOf(n, k);
      const made = performance.now() - t0;
      const { d, firstPaint } = await mount(spec, state);
      const draws = d.lines ? { ...d.lines.info } : null;
      const zoom = await zoomMedian(d, n / k, zooms);
      return { firstPaint, zoom, canvas: Boolean(d.lines), draws, made };
    },
    // browser work per live update of 10 points into n resident (x grows, or a fixed domain)
    async live(spec, n, count) {
      const state = stateOf(n, 1);
      const { d, m } = await mount(spec, state);
      const times = [];
      for (let u = 0; u < count; u++) {
        const x = new Float64Array(10), y = new Float32Array(10), codes = new Uint16Array(10);
        for (let i = 0; i < 10; i++) { x[i] = n + 10 * u + i; y[i] = Math.sin(x[i] / (n / 20)); }
        const c = colsOf(x, y, codes, ["run 0"]);
        const e = { n: 10, op: "append", columns: { x: { dtype: "f64", buf: 0 }, y: { dtype: "f32", buf: 1 },
                                                      series: { dtype: "u16", buf: 2, categories: ["run 0"] } } };
        const before = d.updates;
        const t0 = performance.now();
        m.emit("msg:custom", { type: "data", seq: u + 1, datasets: { values: e } }, [c.x.data, c.y.data, c.series.data]);
        const decode = performance.now() - t0;
        while (d.updates === before) await new Promise((r) => setTimeout(r, 0));
        times.push(decode + d.drainMs);
      }
      times.sort((a, b) => a - b);
      return { median: times[Math.floor(times.length / 2)], p90: times[Math.floor(times.length * 0.9)],
               partial: d.lines ? d.lines.info.partial : null };
    },
    // 8 charts, each getting 10 points 10 times a second for `seconds`: frames that missed a
    // vsync (> 1.5 x 16.7 ms between animation frames) and the longest frame
    async stream(spec, resident, seconds) {
      const charts = [];
      for (let c = 0; c < 8; c++) {
        const el = document.createElement("div");
        el.style.width = "450px";
        document.body.append(el);
        const m = model(spec, stateOf(resident, 1));
        chart.initialize({ model: m });
        await chart.render({ model: m, el });
        while (!el.__nbvis.view) await new Promise((r) => setTimeout(r, 0));
        charts.push({ el, m, seq: 0, next: resident });
      }
      await new Promise((r) => setTimeout(r, 500));
      const gaps = [];
      let last = performance.now();
      let running = true;
      const tick = (t) => { gaps.push(t - last); last = t; if (running) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      const t0 = performance.now();
      let k = 0;
      let work = 0; // the longest single update of any chart
      await new Promise((resolve) => {
        const timer = setInterval(() => {
          // one chart per 12.5 ms: each of the 8 gets a message every 100 ms
          const ch = charts[k++ % 8];
          const x = new Float64Array(10), y = new Float32Array(10), codes = new Uint16Array(10);
          for (let i = 0; i < 10; i++) { x[i] = ch.next++; y[i] = Math.sin(x[i] / (resident / 20)); }
          const c = colsOf(x, y, codes, ["run 0"]);
          const e = { n: 10, op: "append", columns: { x: { dtype: "f64", buf: 0 }, y: { dtype: "f32", buf: 1 },
                                                        series: { dtype: "u16", buf: 2, categories: ["run 0"] } } };
          ch.m.emit("msg:custom", { type: "data", seq: ++ch.seq, datasets: { values: e } }, [c.x.data, c.y.data, c.series.data]);
          for (const other of charts) work = Math.max(work, other.el.__nbvis.drainMs ?? 0);
          if (performance.now() - t0 > seconds * 1000) { clearInterval(timer); resolve(); }
        }, 12.5);
      });
      running = false;
      for (const ch of charts) ch.el.remove();
      gaps.shift();
      const dropped = gaps.filter((g) => g > 25).length;
      return { frames: gaps.length, dropped, longest: Math.max(...gaps), work,
               messages: charts.reduce((a, ch) => a + ch.seq, 0) };
    },

    async nbvis(spec, state, n) {
      for (const d of Object.values(state.datasets))
        for (const c of Object.values(d.columns)) c.data = new DataView(b64(c.data).buffer);
      const { d, m, firstPaint } = await mount(spec, state);
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


def drawn_by(spec: dict, draw: str) -> dict:
    """The spec with its big lines drawn by the line layer ("canvas") or Vega's marks ("vega")."""
    out = copy.deepcopy(spec)
    out["usermeta"]["nbvis"]["lod"]["draw"] = draw
    return out


def ms(v: float | None, width: int = 8) -> str:
    return f"{v:{width - 2}.1f}ms" if v is not None else " " * (width - 3) + "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000, 10_000_000])
    parser.add_argument("--naive-max", type=int, default=100_000, help="largest size embedded naively")
    parser.add_argument("--live", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000],
                        help="resident sizes for the live-update figures")
    parser.add_argument("--many", type=int, nargs=2, default=[1_000, 10_000], metavar=("SERIES", "POINTS"))
    parser.add_argument("--stream-seconds", type=float, default=30)
    parser.add_argument("--stream-resident", type=int, default=100_000)
    parts = ("paint", "live", "many", "scatter", "stream")
    parser.add_argument("--only", nargs="+", choices=parts, default=list(parts), help="which figures to take")
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

        if "paint" in args.only:
            print("one series: first paint and zoom redraw (median of 12 windows), line layer vs Vega's marks")
            print(f"{'points':>11} | {'kernel':>7} | {'paint canvas':>12} | {'vega marks':>10} | {'naive':>9} | "
                  f"{'full rows':>9} | {'zoom canvas':>11} | {'vega marks':>10} | {'naive':>9}")
            for n in args.sizes:
                chart = nbvis.linechart(series(n), zoom_to_fit=True)
                state, kernel_s = state_of(chart)
                ours = page.evaluate("([s, d, n]) => bench.nbvis(s, d, n)", [drawn_by(chart.spec, "canvas"), state, n])
                state, _ = state_of(chart)
                marks = page.evaluate("([s, d, n]) => bench.nbvis(s, d, n)", [drawn_by(chart.spec, "vega"), state, n])
                spec = {k: v for k, v in chart.spec.items() if k != "usermeta"}
                naive = (page.evaluate("([s, n]) => bench.naive(s, n)", [spec, n])
                         if n <= args.naive_max else None)
                full = ms(ours["full"], 9) if ours["full"] is not None else "  (state)"
                print(f"{n:>11,} | {kernel_s * 1e3:5.0f}ms | {ms(ours['firstPaint'], 12)} | {ms(marks['firstPaint'], 10)} | "
                      f"{ms(naive and naive['firstPaint'], 9)} | {full} | {ms(ours['zoom'], 11)} | "
                      f"{ms(marks['zoom'], 10)} | {ms(naive and naive['zoom'], 9)}", flush=True)
                chart.close()

        if "live" in args.only:
            print("\nbrowser work per live update (10 new points), median and 90th percentile of 30:")
            print(f"{'resident':>11} | {'canvas, x grows':>19} | {'canvas, x fixed':>19} | {'vega marks, x grows':>19} | "
                  f"{'vega, x fixed':>19}")
            for n in args.live:
                row = []
                for draw, fixed in (("canvas", False), ("canvas", True), ("vega", False), ("vega", True)):
                    spec = line_spec(["run 0"], zoom_to_fit=not fixed,
                                     **({"x_axis_domain": [0, 2 * n], "y_axis_domain": [-1.5, 1.5]} if fixed else {}))
                    r = page.evaluate("([s, n, c]) => bench.live(s, n, c)", [drawn_by(spec, draw), n, 30])
                    row.append(f"{r['median']:7.2f} / {r['p90']:6.2f} ms")
                print(f"{n:>11,} | " + " | ".join(row), flush=True)

        if "many" in args.only:
            k, per = args.many
            print(f"\n{k:,} series x {per:,} points: first paint and zoom redraw")
            names = [f"run {s}" for s in range(k)]
            for draw in ("canvas", "vega"):
                spec = drawn_by(line_spec(names, zoom_to_fit=True), draw)
                zooms = 12 if draw == "canvas" else 3  # Vega's marks take tens of seconds a redraw
                r = page.evaluate("([s, n, k, z]) => bench.many(s, n, k, z)", [spec, k * per, k, zooms])
                print(f"  {'line layer' if draw == 'canvas' else 'Vega marks':<12} first paint {r['firstPaint']:8.0f} ms"
                      f"   zoom {r['zoom']:8.1f} ms (median of {zooms})", flush=True)

        if "scatter" in args.only:
            print("\na scatter plot of 1,000,000 points drawn as a binned density: first paint, zoom redraw (median of 8)")
            scatter = scatter_spec(["Series 1"], zoom_to_fit=True)
            for draw in ("canvas", "vega"):
                r = page.evaluate("([s, n]) => bench.scatter(s, n)", [drawn_by(scatter, draw), 1_000_000])
                print(f"  {'density layer' if draw == 'canvas' else 'Vega marks':<13} first paint {r['firstPaint']:7.0f} ms"
                      f"   zoom {r['zoom']:7.1f} ms   ({r['drawn']} cells, binned: {r['binned']})", flush=True)

        if "stream" in args.only:
            print(f"\n8 charts of {args.stream_resident:,} points, each getting 10 points 10 times a second "
                  f"for {args.stream_seconds:.0f} s (smoothed, as the training panel draws batches):")
            for draw in ("canvas", "vega"):
                spec = drawn_by(line_spec(["run 0"], smoothing=0.6, width=400, height=180), draw)
                r = page.evaluate("([s, n, t]) => bench.stream(s, n, t)", [spec, args.stream_resident, args.stream_seconds])
                print(f"  {'line layer' if draw == 'canvas' else 'Vega marks':<12} {r['dropped']:5d} of {r['frames']:5d} frames "
                      f"late (> 25 ms), longest frame {r['longest']:4.0f} ms, longest update {r['work']:5.1f} ms, "
                      f"{r['messages']} messages", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
