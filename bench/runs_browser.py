"""The runs board in a real browser: a big logdir from `nbvis.show.runs(logdir)` to pixels.

JupyterLab on 127.0.0.1 and Debian's Chromium (as the browser tests), a fresh kernel
per measurement. From the moment the cell is run:
* first paint: the board has drawn its first runs' curves;
* complete: every run, every point drawn;
* TensorBoard's own loader on the same files, for scale (in this process).

Run by hand (figures go to BENCHMARKS.md):

    .venv/bin/python bench/runs_browser.py            # 100 runs x 10,000 steps x 4 tags
    .venv/bin/python bench/runs_browser.py --runs 20
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
sys.path.insert(0, os.path.dirname(__file__))

from runs import read_tensorboard, write_logdir

BOARD = "document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-board')?.__nbvis?.board"
STATE = f"""() => {{ const b = {BOARD}; if (!b) return null; const d = b.debug();
  const points = d.charts.reduce((n, c) => n + Object.values(c.points).reduce((a, b) => a + b, 0), 0);
  return {{ runs: d.legend.length, drawn: d.charts.filter((c) => c.runs.length).length, points }}; }}"""


def measure(lab, logdir: str, n_runs: int, points: int) -> tuple[float, int, float]:
    lab.server.write_notebook("big.ipynb", [f"import nbvis\nboard = nbvis.show.runs({logdir!r})\nboard"])
    lab.open("big.ipynb")
    lab.start_command("notebook:run-all-cells")  # not awaited: the clock starts with the run
    t0 = time.perf_counter()
    first = None
    first_runs = 0
    while time.perf_counter() - t0 < 300:
        state = lab.page.evaluate(STATE)
        if state and state["drawn"] and first is None:
            first, first_runs = time.perf_counter() - t0, state["runs"]
        if state and state["runs"] == n_runs and state["points"] == points:
            return first or 0.0, first_runs, time.perf_counter() - t0
        if os.environ.get("NBVIS_BENCH_TRACE") and first is not None:
            kernel = lab.execute("print(len(board.runs), board.tables['scalars'].n)").strip()
            print(f"    {time.perf_counter() - t0:6.2f} s {state} kernel: {kernel}")
        time.sleep(0.02 if first is None else 0.5)
    msg = f"the board never completed: {lab.page.evaluate(STATE)}"
    raise RuntimeError(msg)


def main() -> None:
    from browser.lab import CHROMIUM, CHROMIUM_FLAGS, Lab, LabServer
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="nbvis-bench-board-")
    server = LabServer()
    try:
        logdir = os.path.join(tmp, "logdir")
        write_logdir(logdir, args.runs, args.steps)
        points = args.runs * args.steps * 4
        print(f"logdir of {args.runs} runs x {args.steps:,} steps x 4 tags ({points:,} points), "
              "JupyterLab + Chromium, a fresh kernel each time:")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            for _ in range(args.repeats):
                context = browser.new_context(viewport={"width": 1280, "height": 1000})
                lab = Lab(server, context.new_page())
                first, first_runs, complete = measure(lab, logdir, args.runs, points)
                print(f"  nbvis.show.runs: first paint {first:6.2f} s ({first_runs} runs),"
                      f" every point drawn {complete:6.2f} s")
                context.close()
                server.shutdown_kernels()
            browser.close()
        tb, _ = read_tensorboard(logdir)
        print(f"  TensorBoard EventAccumulator, all scalars loaded (no drawing): {tb:6.2f} s")
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
