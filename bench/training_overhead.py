"""What live training plots cost: fit() with nbvis vs no callback, livelossplot, TensorBoard.

1. fit() wall time, same model, data and machine, the configurations interleaved and
   repeated (median): no callback; nbvis ``fit_callbacks`` (batch + epoch charts);
   livelossplot ``PlotLossesKeras`` (matplotlib, per epoch); Keras ``TensorBoard``
   (``update_freq="batch"``). The model is sized for ~10 ms steps on this machine.
2. The per-batch hook alone: median cost of ``on_train_batch_end`` over 100,000 calls.
3. A 60,000-step run logging every batch into 4 charts, at 10 ms per step (a simulated
   clock, so it takes seconds, not 10 minutes): comm messages sent, and the peak rate.
   Jupyter drops IOPub messages above 1,000/s ("IOPub message rate exceeded").
4. ``--kernel``: fit() in cells of a real Jupyter kernel (nbclient), the charts displayed:
   no callback, ``fit_callbacks`` (also with ``logdir=``), livelossplot, TensorBoard; fit()
   timed inside the cell and the whole cell (end-of-cell work included).

Every widget message is serialised as ipykernel would (jupyter_client.Session) and counted.
Run:  python bench/training_overhead.py [--repeats 5]
      python bench/training_overhead.py --kernel --repeats 3
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from transport import meter_comms

OPENED = meter_comms()  # before nbvis makes any widget

import keras

import nbvis
import nbvis.show.training as training


def make_model() -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(256, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def fit_time(callbacks: list, x: np.ndarray, y: np.ndarray, epochs: int) -> float:
    model = make_model()
    model.fit(x[:256], y[:256], epochs=1, batch_size=128, verbose=0)  # trace outside the timing
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # livelossplot prints its figures' text
        model.fit(x, y, epochs=epochs, batch_size=128, validation_split=0.1, verbose=0, callbacks=callbacks)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--kernel", action="store_true", help="only part 4: fit() in a real Jupyter kernel")
    args = parser.parse_args()
    if args.kernel:
        kernel_overhead(args.repeats)
        return
    rng = np.random.default_rng(0)
    x = rng.random((12_800, 784)).astype("float32")
    y = rng.integers(0, 10, 12_800)

    from livelossplot import PlotLossesKeras

    configs = {
        "no callback": lambda: [],
        "nbvis fit_callbacks": lambda: [nbvis.show.fit_callbacks(display=False)],
        "livelossplot": lambda: [PlotLossesKeras()],
        "TensorBoard (per batch)": lambda: [keras.callbacks.TensorBoard(tempfile.mkdtemp(), update_freq="batch")],
    }
    times: dict[str, list[float]] = {name: [] for name in configs}
    warnings_seen = io.StringIO()
    with contextlib.redirect_stderr(warnings_seen):
        for _ in range(args.repeats):
            for name, make in configs.items():
                times[name].append(fit_time(make(), x, y, args.epochs))
    steps = args.epochs * int(12_800 * 0.9 / 128)
    base = statistics.median(times["no callback"])
    print(f"fit(): {args.epochs} epochs x {steps // args.epochs} steps, median of {args.repeats} interleaved runs")
    print(f"{'callback':<26}{'fit() s':>9}{'ms/step':>9}{'vs none':>9}")
    for name, ts in times.items():
        t = statistics.median(ts)
        print(f"{name:<26}{t:>9.2f}{t / steps * 1e3:>9.2f}{t / base:>8.3f}x")
    slow = "is slow compared to the batch time" in warnings_seen.getvalue()
    print(f"Keras 'callback is slow' warning printed: {'yes' if slow else 'no'}")

    # 2. the hook alone (after a full collection, so earlier fits' garbage is not billed to it)
    import gc

    gc.collect()
    cb = nbvis.show.fit_callbacks(display=False)
    logs = {"loss": 0.5, "accuracy": 0.8}
    samples = []
    for i in range(100_000):
        t0 = time.perf_counter_ns()
        cb.on_train_batch_end(i, logs)
        samples.append(time.perf_counter_ns() - t0)
    samples.sort()
    print(f"on_train_batch_end: median {samples[len(samples) // 2] / 1e3:.2f} us, "
          f"p99 {samples[int(len(samples) * 0.99)] / 1e3:.1f} us, max {samples[-1] / 1e3:.0f} us (the pushes)")

    # 3. 60,000 steps into 4 charts at 10 ms a step, on a simulated clock
    clock = [0.0]
    real = training.time.monotonic
    training.time.monotonic = lambda: clock[0]
    try:
        OPENED.clear()
        cb = nbvis.show.fit_callbacks(display=False)
        logs = {"loss": 0.5, "accuracy": 0.8, "auc": 0.9, "mae": 0.1}
        per_second = []
        for step in range(60_000):
            clock[0] += 0.010
            cb.on_train_batch_end(step, logs)
            if step % 100 == 99:  # one simulated second
                per_second.append(sum(1 for c in OPENED for m in c.sent if m[1] == "comm_msg"))
            if (step + 1) % 1_000 == 0:
                cb.on_epoch_end(step // 1_000, {**logs, "val_loss": 0.6})
        cb.on_train_end()
    finally:
        training.time.monotonic = real
    data_msgs = [m for c in OPENED for m in c.sent if m[1] == "comm_msg"]
    peak = int(np.diff([0, *per_second]).max())
    batch_charts = sum(1 for k, _ in cb.plots.charts if k == "batch")
    print(f"60,000 steps x {batch_charts} batch charts (+ {len(cb.plots.charts) - batch_charts} epoch charts), "
          f"10 ms/step: {len(data_msgs):,} comm messages (target <= 6,000), mean {len(data_msgs) / 600:.1f} msg/s, "
          f"peak {peak} msg/s in any simulated second (IOPub drops above 1,000/s)")


# -- 4. the same question in a real Jupyter kernel ------------------------------------

KERNEL_SETUP = r'''
import os, time, tempfile, contextlib, io
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np, keras, nbvis
from livelossplot import PlotLossesKeras
rng = np.random.default_rng(0)
X = rng.standard_normal((15_360, 64)).astype("float32")
Y = (X[:, :8].sum(1, keepdims=True) > 0).astype("float32")
LOGS = tempfile.mkdtemp()
def make_model():
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input((64,)), keras.layers.Dense(256, activation="relu"),
                          keras.layers.Dense(256, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
    m.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    m.fit(X[:64], Y[:64], epochs=1, batch_size=32, verbose=0)  # trace outside the timing
    return m
ARMS = {
    "no callback": lambda: [],
    "nbvis fit_callbacks": lambda: [nbvis.show.fit_callbacks()],
    "nbvis fit_callbacks(logdir=)": lambda: [nbvis.show.fit_callbacks(run="r", logdir=LOGS)],
    "livelossplot": lambda: [PlotLossesKeras()],
    "TensorBoard (per batch)": lambda: [keras.callbacks.TensorBoard(tempfile.mkdtemp(), update_freq="batch")],
}
FIT, CPU = {}, {}
def timed(arm):
    model, callbacks = make_model(), ARMS[arm]()
    start, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        model.fit(X, Y, epochs=3, batch_size=32, verbose=0, callbacks=callbacks)
    FIT.setdefault(arm, []).append(time.perf_counter() - start)
    CPU.setdefault(arm, []).append(time.process_time() - cpu)
'''


def kernel_overhead(repeats: int) -> None:
    """fit() inside cells of a real kernel (nbclient), every arm in its own cell, interleaved.

    Two figures per arm: fit() as the cell's code sees it, and the whole cell (from
    execute_input to execute_reply: includes nbvis's end-of-cell work, e.g. pictures).
    """
    import datetime
    import json

    import nbformat
    from nbclient import NotebookClient

    arms = ["no callback", "nbvis fit_callbacks", "nbvis fit_callbacks(logdir=)", "livelossplot",
            "TensorBoard (per batch)"]
    cells = [nbformat.v4.new_code_cell(KERNEL_SETUP)]
    order: list[str] = []
    for r in range(repeats + 1):  # round 0 warms every arm (vl-convert, matplotlib, tf.summary start-up)
        for arm in arms if r % 2 == 0 else reversed(arms):
            cells.append(nbformat.v4.new_code_cell(f"timed({arm!r})"))
            order.append(arm)
    cells.append(nbformat.v4.new_code_cell("import json; print(json.dumps([FIT, CPU]))"))
    nb = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(nb, timeout=1800, kernel_name="python3", record_timing=True).execute()
    fit, cpu = json.loads(nb.cells[-1].outputs[0]["text"])

    def stamp(cell: object, key: str) -> float:
        return datetime.datetime.fromisoformat(cell.metadata["execution"][key].replace("Z", "+00:00")).timestamp()

    whole: dict[str, list[float]] = {arm: [] for arm in arms}
    for arm, cell in zip(order, nb.cells[1:-1]):
        whole[arm].append(stamp(cell, "shell.execute_reply") - stamp(cell, "iopub.execute_input"))
    fit = {arm: ts[1:] for arm, ts in fit.items()}  # round 0 is the warm-up
    cpu = {arm: ts[1:] for arm, ts in cpu.items()}
    whole = {arm: ts[1:] for arm, ts in whole.items()}
    print(f"real kernel (nbclient): 3 epochs x 480 steps of a 64-256-256-1 MLP, batch 32, charts displayed; "
          f"{repeats} interleaved rounds after a warm-up round")
    print("fit() wall time: median and min; the kernel's CPU time during fit() (every thread): median;")
    print("the whole cell (execute_input to execute_reply, end-of-cell pictures included): median")
    print(f"{'callback':<30}{'fit med':>9}{'vs none':>9}{'fit min':>9}{'vs none':>9}{'CPU s':>9}{'vs none':>9}"
          f"{'cell s':>9}{'vs none':>9}")
    base = [statistics.median(fit["no callback"]), min(fit["no callback"]), statistics.median(cpu["no callback"]),
            statistics.median(whole["no callback"])]
    for arm in arms:
        row = [statistics.median(fit[arm]), min(fit[arm]), statistics.median(cpu[arm]), statistics.median(whole[arm])]
        print(f"{arm:<30}" + "".join(f"{v:>9.2f}{v / b:>8.3f}x" for v, b in zip(row, base)))
    print("fit() runs, s: " + "; ".join(f"{arm}: {' '.join(f'{t:.2f}' for t in fit[arm])}" for arm in arms))

if __name__ == "__main__":
    main()
