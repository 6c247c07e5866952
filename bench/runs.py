"""Runs: logging cost on the training thread, reading a big logdir, bytes on disk.

Run by hand (figures go to BENCHMARKS.md):

    .venv/bin/python bench/runs.py            # 100 runs x 10,000 steps x 4 tags
    .venv/bin/python bench/runs.py --runs 10  # smaller

Side by side in one run:
* logging one scalar on the training thread: ``run.log`` vs ``tf.summary.scalar`` (a
  default file writer) vs tensorboardX's ``add_scalar``;
* reading the logdir: ``nbvis.runs.load``; ``nbvis.show.runs`` until it returns with its
  first state (a big logdir goes on being read in the background) and until every run
  is on the board; TensorBoard's own loader (an ``EventAccumulator`` per run, every
  scalar kept: ``size_guidance=0``);
* bytes on disk per point: nbvis's files vs ``tf.summary`` files of the same scalars.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time

import numpy as np

TAGS = ("loss", "accuracy", "val_loss", "lr")


def per_call(fn, n: int, repeat: int = 5) -> float:
    """Median seconds per call of fn(i) over n calls, `repeat` times."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        for i in range(n):
            fn(i)
        times.append((time.perf_counter() - t) / n)
    return statistics.median(times)


def logging_cost(tmp: str) -> None:
    import nbvis.runs as runs

    n = 20_000
    run = runs.start("bench-log", logdir=os.path.join(tmp, "nbvis"))
    nb = per_call(lambda i: run.log(i, loss=0.5, accuracy=0.9, val_loss=0.6, lr=1e-3), n) / 4
    run.close()
    print(f"logging, per scalar on the calling thread ({n:,} calls of 4 scalars, median of 5):")
    print(f"  nbvis run.log            {nb * 1e6:7.2f} µs")
    try:
        from tensorboardX import SummaryWriter

        w = SummaryWriter(os.path.join(tmp, "tbx"))
        tbx = per_call(lambda i: w.add_scalar("loss", 0.5, i), n)
        w.close()
        print(f"  tensorboardX add_scalar  {tbx * 1e6:7.2f} µs   ({tbx / nb:.1f}x nbvis)")
    except ImportError:
        pass
    try:
        import tensorflow as tf
    except ImportError:
        print("  tf.summary.scalar        (TensorFlow not installed)")
        return
    writer = tf.summary.create_file_writer(os.path.join(tmp, "tf"))
    with writer.as_default():
        tf.summary.scalar("warm", 0.0, step=0)
        tfs = per_call(lambda i: tf.summary.scalar("loss", 0.5, step=i), n // 4)
    writer.close()
    print(f"  tf.summary.scalar        {tfs * 1e6:7.2f} µs   ({tfs / nb:.1f}x nbvis)")


def write_logdir(logdir: str, n_runs: int, steps: int) -> float:
    import nbvis.runs as runs

    rng = np.random.default_rng(0)
    t = time.perf_counter()
    for r in range(n_runs):
        values = rng.random((steps, len(TAGS)))
        with runs.start(f"run{r:03d}", logdir=logdir, hparams={"lr": 10 ** -rng.uniform(1, 4), "seed": r}) as run:
            for step in range(steps):
                row = values[step]
                run.log(step, loss=row[0], accuracy=row[1], val_loss=row[2], lr=row[3])
    return time.perf_counter() - t


def read_nbvis(logdir: str) -> tuple[float, int]:
    import warnings

    from nbvis.runs import load

    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runset = load(logdir)
    loaded = time.perf_counter() - t
    return loaded, sum(len(run.scalars(tag)) for run in runset for tag in run.tags)


def board_nbvis(logdir: str) -> tuple[float, int, float, int]:
    """nbvis.show.runs(logdir): until it returns with its first state encoded (what the
    front end draws first), and until every run is read and on the board."""
    import nbvis

    t = time.perf_counter()
    board = nbvis.show.runs(logdir)
    board._state_payload()  # what the first display sends: every row so far, encoded
    first = time.perf_counter() - t
    first_runs = len(board.runs)
    board.wait()
    board._state_payload()
    full = time.perf_counter() - t
    runs = len(board.runs)
    board.close()
    return first, first_runs, full, runs


def read_tensorboard(logdir: str) -> tuple[float, int]:
    from tensorboard.backend.event_processing import event_accumulator

    t = time.perf_counter()
    points = 0
    for name in sorted(os.listdir(logdir)):
        acc = event_accumulator.EventAccumulator(os.path.join(logdir, name), size_guidance={event_accumulator.SCALARS: 0})
        acc.Reload()
        points += sum(len(acc.Scalars(tag)) for tag in acc.Tags()["scalars"])
    return time.perf_counter() - t, points


def bytes_per_point(tmp: str, steps: int) -> None:
    import nbvis.runs as runs

    d = os.path.join(tmp, "bytes")
    with runs.start("nbvis", logdir=d) as run:
        for step in range(steps):
            run.log(step, loss=0.5, accuracy=0.9, val_loss=0.6, lr=1e-3)
    size = sum(os.path.getsize(os.path.join(d, "nbvis", f)) for f in os.listdir(os.path.join(d, "nbvis")))
    print(f"bytes on disk per point ({steps:,} steps x 4 tags):")
    print(f"  nbvis (one event per step)   {size / (steps * 4):6.1f} B")
    try:
        import tensorflow as tf
    except ImportError:
        return
    writer = tf.summary.create_file_writer(os.path.join(d, "tf"))
    with writer.as_default():
        for step in range(steps):
            for tag in TAGS:
                tf.summary.scalar(tag, 0.5, step=step)
    writer.close()
    tf_size = sum(os.path.getsize(os.path.join(d, "tf", f)) for f in os.listdir(os.path.join(d, "tf")))
    print(f"  tf.summary.scalar (tensors)  {tf_size / (steps * 4):6.1f} B   ({tf_size / size:.1f}x nbvis)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--steps", type=int, default=10_000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="nbvis-bench-runs-")
    try:
        logging_cost(tmp)
        bytes_per_point(tmp, 10_000)
        logdir = os.path.join(tmp, "logdir")
        wrote = write_logdir(logdir, args.runs, args.steps)
        print(f"logdir of {args.runs} runs x {args.steps:,} steps x {len(TAGS)} tags written in {wrote:.1f} s")
        loaded, points = read_nbvis(logdir)
        first, first_runs, full, runs = board_nbvis(logdir)
        tb, tb_points = read_tensorboard(logdir)
        print("reading it (one after the other, same files, warm page cache):")
        print(f"  nbvis.runs.load                        {loaded:6.2f} s  {points:,} points")
        print(f"  nbvis.show.runs: returns, first state  {first:6.2f} s  ({first_runs} runs; the rest read in the background)")
        print(f"  nbvis.show.runs: every run on board    {full:6.2f} s  ({runs} runs)")
        print(f"  TensorBoard EventAccumulator           {tb:6.2f} s  {tb_points:,} points   "
              f"({tb / loaded:.1f}x nbvis.runs.load, {tb / first:.0f}x the board's first state)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
