"""A watched logdir reads what every common writer writes, checked against TensorBoard's
own loader on the same files; and a real two-worker MultiWorkerMirroredStrategy job."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import nbvis

WORKER = Path(__file__).with_name("multiworker_job.py")


def _wait(condition: Callable[[], bool], timeout: float = 60.0, what: str = "the watcher") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def _tensorboard_scalars(directory: str) -> dict[str, tuple[list[int], list[float]]]:
    """Every scalar of a run directory as TensorBoard's loader reads it (no sampling)."""
    from tensorboard.backend.event_processing import event_accumulator as ea
    from tensorboard.util import tensor_util

    acc = ea.EventAccumulator(directory, size_guidance={ea.SCALARS: 0, ea.TENSORS: 0})
    acc.Reload()
    out = {}
    for tag in acc.Tags()["scalars"]:
        events = acc.Scalars(tag)
        out[tag] = ([e.step for e in events], [e.value for e in events])
    for tag in acc.Tags()["tensors"]:
        events = acc.Tensors(tag)
        values = [tensor_util.make_ndarray(e.tensor_proto) for e in events]
        if events and acc.SummaryMetadata(tag).plugin_data.plugin_name == "scalars":
            out[tag] = ([e.step for e in events], [float(v) for v in values])
    return out


def _write_torch(logdir: str) -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(os.path.join(logdir, "torch"))
    for step in range(30):
        writer.add_scalar("train/loss", 1.0 / (step + 1), step)
        writer.add_scalars("lr", {"a": 0.1 * step}, step)  # a run of its own: torch/lr_a
        if step % 10 == 0:
            writer.add_histogram("weights", torch.randn(100), step)
            writer.add_image("sample", torch.rand(3, 8, 8), step)
            writer.add_text("note", "<b>not html</b>", step)
    writer.close()


def _write_tensorboardx(logdir: str) -> None:
    from tensorboardX import SummaryWriter

    writer = SummaryWriter(os.path.join(logdir, "tbx"))
    for step in range(20):
        writer.add_scalar("acc", step / 20, step)
        if step % 5 == 0:
            writer.add_histogram("h", np.random.default_rng(step).normal(size=50), step)
            writer.add_image("img", np.zeros((3, 4, 4)), step)
            writer.add_text("t", "text", step)
    writer.close()


def _write_keras(logdir: str) -> None:
    import keras

    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = x.sum(1, keepdims=True)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    callback = keras.callbacks.TensorBoard(os.path.join(logdir, "keras"), histogram_freq=1, write_images=True)
    model.fit(x, y, validation_split=0.25, epochs=4, batch_size=16, verbose=0, callbacks=[callback])


def test_a_watched_logdir_reads_every_writer_as_tensorboard_does(tmp_path):
    watched = tmp_path / "watched"
    watched.mkdir()
    logdir = str(watched)
    board = nbvis.show.runs(logdir, watch=True, poll=0.1)
    # written outside the watched logdir (another job's disk), then moved in: read from disk here
    with nbvis.runs.start("nbvis", logdir=tmp_path / "elsewhere", hparams={"lr": 0.1}) as run:
        for step in range(25):
            run.log(step, loss=2.0 / (step + 1))
    os.rename(tmp_path / "elsewhere" / "nbvis", watched / "nbvis")
    _write_torch(logdir)
    _write_tensorboardx(logdir)
    _write_keras(logdir)
    expected = {}
    for directory, _dirs, files in os.walk(logdir):
        if any("tfevents" in f for f in files):
            name = os.path.relpath(directory, logdir).replace(os.sep, "/")
            expected[name] = _tensorboard_scalars(directory)
    assert {"nbvis", "torch", "torch/lr_a", "tbx", "keras/train", "keras/validation"} <= set(expected)
    assert "epoch_loss" in expected["keras/train"] and "epoch_mae" in expected["keras/validation"]

    def matches() -> bool:
        return all(name in board.runs and set(board.runs[name].tags) >= set(tags)
                   and all(len(board.runs[name].scalars(t)) == len(tags[t][0]) for t in tags)
                   for name, tags in expected.items())

    _wait(matches, what="every writer's run on the board")
    for name, tags in expected.items():
        run = board.runs[name]
        assert set(run.tags) == set(tags), name  # histograms, images and text are not scalars
        for tag, (steps, values) in tags.items():
            s = run.scalars(tag)
            assert s.step.astype(int).tolist() == steps, (name, tag)
            np.testing.assert_allclose(s.value, values, rtol=1e-6, err_msg=f"{name} {tag}")
    assert board.runs["nbvis"].hparams == {"lr": 0.1}
    assert board.notes == []  # nothing the writers wrote was a problem
    board.close()


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_a_two_worker_job_is_watched_live_as_one_run_without_duplicated_steps(tmp_path):
    logdir, gate = tmp_path / "logs", tmp_path / "gate"
    logdir.mkdir()
    board = nbvis.show.runs(logdir, watch=True, poll=0.1)
    ports = ",".join(map(str, _free_ports(2)))
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "CUDA_VISIBLE_DEVICES": "",
           "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    workers = [subprocess.Popen([sys.executable, str(WORKER), str(i), ports, str(logdir), str(gate)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for i in range(2)]
    try:
        # the job holds at step 10 (both workers: each all-reduce needs both) until the test has
        # seen the chief's points on the board: they arrive while the workers train
        _wait(lambda: "mw" in board.runs and "loss" in board.runs["mw"].tags
              and len(board.runs["mw"].scalars("loss")) >= 5, timeout=120,
              what="the chief's points")
        assert all(w.poll() is None for w in workers)
        gate.touch()
        outputs = [w.communicate(timeout=120)[0] for w in workers]
    finally:
        for w in workers:
            w.kill()
    assert [w.returncode for w in workers] == [0, 0], "\n".join(o[-3000:] for o in outputs)
    _wait(lambda: len(board.runs["mw"].scalars("loss")) == 40, what="every step")
    assert board.runs.names == ["mw"]  # one run: only the chief logs
    steps = board.runs["mw"].scalars("loss").step
    np.testing.assert_array_equal(steps, np.arange(1, 41))  # each step once, in order
    assert board.runs["mw"].hparams == {"workers": 2}
    assert np.isfinite(board.runs["mw"].scalars("loss").value).all()
    _wait(lambda: board._store.tables["scalars"].n == 40, what="the board's rows")
    board.close()
