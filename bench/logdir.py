"""A big logdir, watched: first state, fully loaded, memory, and write-to-board delay.

Run by hand (figures go to BENCHMARKS.md):

    .venv/bin/python bench/logdir.py                          # 1,000 runs x 10,000 steps x 4 tags
    .venv/bin/python bench/logdir.py --runs 100 --steps 1000  # quick

Side by side in one run, on the same generated logdir (kept in /tmp between runs,
keyed by its size; the page cache is warm for every reader):

* ``nbvis.show.runs(logdir, watch=True)``: until it returns with its first state
  encoded (what the browser draws first), and until every run is on the board;
* TensorBoard's loader on the same files: an ``EventMultiplexer`` over the logdir with
  TensorBoard's default size guidance (1,000 sampled scalars per tag), the way
  ``tensorboard --logdir`` loads it, until its first ``Reload()`` ends;
* peak kernel memory: a fresh process loads the board fully; its peak RSS above the
  same process after ``import nbvis``, against the raw scalar data (int64 step, float64
  wall time, float32 value: 20 bytes a point);
* write-to-board delay: a writer process appends a point every 100 ms to a run of the
  watched logdir (flushing each one); the delay from its wall time to the moment the row
  is in the board's outgoing data, at the default polling interval. The browser draws
  it at its next frame (bench/runs_browser.py measures the browser side of a board).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

TAGS = ("loss", "accuracy", "val_loss", "lr")


def _write_runs(logdir: str, first: int, last: int, steps: int) -> None:
    from nbvis.runs._events import RunFileWriter

    for r in range(first, last):
        rng = np.random.default_rng(r)
        values = rng.random((steps, len(TAGS)))
        writer = RunFileWriter(os.path.join(logdir, f"run{r:04d}"))
        writer.hparams({"lr": float(10 ** -rng.uniform(1, 4)), "seed": r}, 1_700_000_000.0 + r)
        for step in range(steps):
            row = values[step]
            writer.scalars(step, 1_700_000_000.0 + r + step * 0.01,
                           {"loss": row[0], "accuracy": row[1], "val_loss": row[2], "lr": row[3]})
        writer.close()


def make_logdir(n_runs: int, steps: int) -> tuple[str, float]:
    """The logdir (made once, in parallel processes) and its size in bytes."""
    logdir = os.path.join(tempfile.gettempdir(), f"nbvis-bench-logdir-{n_runs}x{steps}")
    done = os.path.join(logdir, ".complete")
    if not os.path.exists(done):
        import shutil

        shutil.rmtree(logdir, ignore_errors=True)
        os.makedirs(logdir)
        t = time.perf_counter()
        workers = os.cpu_count() or 1
        bounds = np.linspace(0, n_runs, workers * 4 + 1).astype(int)
        with concurrent.futures.ProcessPoolExecutor(workers) as pool:
            list(pool.map(_write_runs, [logdir] * (len(bounds) - 1), bounds[:-1], bounds[1:], [steps] * (len(bounds) - 1)))
        open(done, "w").close()
        print(f"  (logdir written in {time.perf_counter() - t:.0f} s)")
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(logdir) for f in fs)
    return logdir, size


def board_times(logdir: str) -> tuple[float, int, float, int, int]:
    import nbvis

    t = time.perf_counter()
    board = nbvis.show.runs(logdir, watch=True)
    board._state_payload()  # what the first display sends: every row so far, encoded
    first = time.perf_counter() - t
    first_runs = len(board.runs)
    board.wait()
    full = time.perf_counter() - t
    runs = len(board.runs)
    points = board._store.tables["scalars"].n
    board.close()
    return first, first_runs, full, runs, points


def tensorboard_time(logdir: str) -> tuple[float, int]:
    from tensorboard.backend.event_processing import plugin_event_multiplexer as pem

    warm = pem.EventMultiplexer()  # its imports (TensorFlow, when installed) are not timed
    warm.AddRunsFromDirectory(tempfile.mkdtemp())
    warm.Reload()
    t = time.perf_counter()
    multiplexer = pem.EventMultiplexer(tensor_size_guidance={"scalars": 1000})
    multiplexer.AddRunsFromDirectory(logdir)
    multiplexer.Reload()
    elapsed = time.perf_counter() - t
    return elapsed, len(multiplexer.Runs())


_MEMORY = textwrap.dedent("""
    import sys, json, tempfile
    import nbvis
    def status(key):  # VmHWM: the peak RSS of this process (reset at exec, unlike ru_maxrss)
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) * 1024 for l in f if l.startswith(key))
    nbvis.show.runs(tempfile.mkdtemp()).close()  # every import a board makes, before the baseline
    base = status("VmRSS")
    board = nbvis.show.runs(sys.argv[1], watch=True)
    board.wait()
    board._state_payload()
    points = board._store.tables["scalars"].n
    print(json.dumps({"base": base, "peak": status("VmHWM"), "end": status("VmRSS"), "points": points}))
""")


def memory(logdir: str) -> dict[str, int]:
    out = subprocess.run([sys.executable, "-c", _MEMORY, logdir], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


_WRITER = textwrap.dedent("""
    import sys, time
    from nbvis.runs._events import RunFileWriter
    writer = RunFileWriter(sys.argv[1])
    for step in range(int(sys.argv[2])):
        writer.scalars(step, time.time(), {"live": float(step)})
        writer.flush()
        time.sleep(0.1)
    writer.close()
""")


def delay(logdir: str, points: int = 100) -> list[float]:
    """Seconds from a point's wall time to its row being on the board (kernel side)."""
    import nbvis

    board = nbvis.show.runs(logdir, watch=True)
    board.wait()
    table = board._store.tables["scalars"]
    seen_rows = table.n
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, os.path.join(logdir, "zz-live"), str(points)])
    delays: list[float] = []
    deadline = time.monotonic() + points * 0.1 + 60
    while len(delays) < points and time.monotonic() < deadline:
        n = table.n
        if n > seen_rows:
            now = time.time()
            if "zz-live" in board.runs and "live" in board.runs["zz-live"].tags:
                walls = board.runs["zz-live"].scalars("live").wall_time
                delays.extend(now - walls[len(delays):])
            seen_rows = n
        time.sleep(0.005)
    writer.wait()
    board.close()
    import shutil

    shutil.rmtree(os.path.join(logdir, "zz-live"), ignore_errors=True)
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--skip-tensorboard", action="store_true")
    args = parser.parse_args()
    logdir, size = make_logdir(args.runs, args.steps)
    points = args.runs * args.steps * len(TAGS)
    raw = points * 20
    print(f"logdir: {args.runs:,} runs x {args.steps:,} steps x {len(TAGS)} tags = {points:,} points, "
          f"{size / 1e6:.0f} MB of event files, {raw / 1e6:.0f} MB of raw scalars ({os.cpu_count()} CPUs)")
    mem = memory(logdir)
    first, first_runs, full, runs, drawn = board_times(logdir)
    print(f"  nbvis.show.runs(watch=True): first state   {first:7.2f} s  ({first_runs} runs; the rest join as read)")
    print(f"  nbvis.show.runs(watch=True): fully loaded  {full:7.2f} s  ({runs} runs, {drawn:,} points)")
    if not args.skip_tensorboard:
        tb, tb_runs = tensorboard_time(logdir)
        print(f"  TensorBoard EventMultiplexer.Reload()      {tb:7.2f} s  ({tb_runs} runs, 1,000 samples per tag)   "
              f"first state {tb / first:.0f}x sooner, fully loaded {tb / full:.1f}x")
    grown = mem["peak"] - mem["base"]
    print(f"  peak kernel memory above import            {grown / 1e6:7.0f} MB  ({grown / raw:.2f}x the raw scalars; "
          f"{grown / max(mem['points'], 1):.1f} B a point; after loading {(mem['end'] - mem['base']) / 1e6:.0f} MB)")
    d = np.array(delay(logdir))
    if len(d):
        print(f"  write-to-board delay (poll 1 s, {len(d)} points at 10/s)  median {np.median(d):.2f} s, "
              f"p95 {np.percentile(d, 95):.2f} s, max {d.max():.2f} s")


if __name__ == "__main__":
    main()
