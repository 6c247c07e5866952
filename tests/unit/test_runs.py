"""nbvis.runs: logging, event files that TensorBoard reads, loading back, and bad input."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest

import nbvis
from nbvis.runs import RunSet, load, start


def _log_curve(run, n=100, offset=0.0):
    for step in range(n):
        run.log(step, loss=1.0 / (step + 1) + offset, acc=step / n)


def test_every_logged_point_comes_back_from_disk_with_its_hparams(tmp_path):
    with start("lr=0.1", logdir=tmp_path, hparams={"lr": 0.1, "opt": "adam", "bn": True, "layers": 3}) as run:
        for step in range(10_000):
            run.log(step, {"loss": 1.0 / (step + 1)}, acc=step / 10_000)
    runs = load(tmp_path)
    assert runs.names == ["lr=0.1"]
    back = runs["lr=0.1"]
    assert back.hparams == {"lr": 0.1, "opt": "adam", "bn": True, "layers": 3}
    s = back.scalars("loss")
    assert len(s) == 10_000  # no reservoir sampling
    np.testing.assert_array_equal(s.step, np.arange(10_000))
    np.testing.assert_allclose(s.value, 1.0 / (np.arange(10_000) + 1), rtol=1e-6)  # float32 on disk
    assert np.all(np.diff(s.wall_time) >= 0)
    assert back.tags == ["loss", "acc"]


def test_a_run_read_from_disk_holds_16_bytes_a_point_and_gives_back_the_files_values(tmp_path):
    with start("r", logdir=tmp_path) as run:
        for step in range(5_000):
            run.log(step, loss=1.0 / (step + 1))
    logged = run.scalars("loss")
    assert logged.value[2] == 1.0 / 3  # in memory, a logged value is kept exactly (float64)
    back = load(tmp_path)["r"]
    steps, walls, values = back._columns["loss"]
    assert (steps.view().dtype, walls.view().dtype, values.view().dtype) == (np.int32, np.float64, np.float32)
    assert steps.nbytes + walls.nbytes + values.nbytes == 16 * 5_000  # int32 step, float64 time, float32 value
    s = back.scalars("loss")
    assert s.value.dtype == s.step.dtype == np.float64  # the public arrays stay float64
    np.testing.assert_array_equal(s.value, logged.value.astype(np.float32))  # what the event file holds
    np.testing.assert_array_equal(s.step, logged.step)


def test_tensorboards_own_loader_reads_the_scalars_and_the_hparams_session(tmp_path):
    from tensorboard.backend.event_processing import event_accumulator
    from tensorboard.plugins.hparams import plugin_data_pb2

    with start("run", logdir=tmp_path, hparams={"lr": 0.01, "optimizer": "sgd"}) as run:
        _log_curve(run, 50)
    acc = event_accumulator.EventAccumulator(str(tmp_path / "run"), size_guidance={event_accumulator.SCALARS: 0})
    acc.Reload()
    assert sorted(acc.Tags()["scalars"]) == ["acc", "loss"]
    events = acc.Scalars("loss")
    assert [e.step for e in events] == list(range(50))
    assert events[3].value == pytest.approx(0.25)
    content = acc.PluginTagToContent("hparams")
    start_info = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    hparams = start_info.session_start_info.hparams
    assert hparams["lr"].number_value == pytest.approx(0.01) and hparams["optimizer"].string_value == "sgd"
    end_info = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_end_info"])
    assert end_info.session_end_info.status == 1  # STATUS_SUCCESS


def test_scalars_written_by_tf_summary_as_tensors_are_read(tmp_path):
    tf = pytest.importorskip("tensorflow")
    writer = tf.summary.create_file_writer(str(tmp_path / "keras"))
    with writer.as_default():
        for step in range(5):
            tf.summary.scalar("epoch_loss", 1.0 / (step + 1), step=step)
    writer.close()
    s = load(tmp_path)["keras"].scalars("epoch_loss")
    np.testing.assert_allclose(s.value, [1, 0.5, 1 / 3, 0.25, 0.2], rtol=1e-6)


def test_logging_never_imports_tensorflow():
    code = (
        "import sys, tempfile, nbvis.runs as r\n"
        "with r.start('a', logdir=tempfile.mkdtemp(), hparams={'lr': 0.1}) as run:\n"
        "    [run.log(i, loss=1.0 / (i + 1)) for i in range(100)]\n"
        "r.load(run.logdir)\n"
        "print('tensorflow' in sys.modules, 'torch' in sys.modules, 'jax' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False False"


def test_nan_and_inf_are_stored_on_disk_and_in_memory(tmp_path):
    with start("bad", logdir=tmp_path) as run:
        run.log(0, loss=1.0)
        run.log(1, loss=float("nan"))
        run.log(2, loss=float("inf"))
        run.log(3, loss=np.float32(0.5))
    memory = run.scalars("loss").value
    disk = load(tmp_path)["bad"].scalars("loss").value
    for values in (memory, disk):
        assert values[0] == 1.0 and np.isnan(values[1]) and np.isposinf(values[2]) and values[3] == 0.5


def test_a_taken_name_gets_a_suffix_in_memory_and_on_disk(tmp_path):
    a = start("sweep")
    b = start("sweep")
    assert (a.name, b.name) == ("sweep", "sweep-2")
    with start("x", logdir=tmp_path) as first:
        first.log(0, loss=1.0)
    with start("x", logdir=tmp_path) as second:  # e.g. the cell re-run: the first run's files stay
        second.log(0, loss=2.0)
    assert second.name == "x-2"
    assert load(tmp_path).names == ["x", "x-2"]
    a.close(), b.close()


def test_a_runset_refuses_two_runs_of_one_name(tmp_path):
    with start("dup", logdir=tmp_path / "a") as one, start("dup", logdir=tmp_path / "b") as two:
        pass
    with pytest.raises(ValueError, match="two runs are named 'dup'"):
        RunSet([one, two])


def test_a_truncated_file_shows_its_complete_records_and_warns_naming_the_file(tmp_path):
    with start("cut", logdir=tmp_path) as run:
        _log_curve(run, 100)
    (path,) = [os.path.join(tmp_path, "cut", f) for f in os.listdir(tmp_path / "cut")]
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[: len(data) - 7])  # the last record is cut in the middle
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a record still being written is not a problem
        s = load(tmp_path)["cut"].scalars("loss")
    assert len(s) == 99


def test_a_corrupt_record_keeps_the_records_before_it_and_warns_naming_the_file(tmp_path):
    with start("bad", logdir=tmp_path) as run:
        _log_curve(run, 100)
    (name,) = os.listdir(tmp_path / "bad")
    path = tmp_path / "bad" / name
    data = bytearray(path.read_bytes())
    # find the 51st record and flip a byte of its payload
    offset = 0
    for _ in range(51):
        (length,) = struct.unpack_from("<Q", data, offset)
        offset += 12 + length + 4
    data[offset + 14] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.warns(UserWarning, match=rf"run 'bad': .*{name}: corrupt record \(CRC mismatch\)"):
        runs = load(tmp_path)
    assert len(runs["bad"].scalars("loss")) == 50  # the hparams-less file: first record is the version
    assert runs["bad"].problems and name in runs["bad"].problems[0]


def test_a_missing_logdir_or_a_file_is_refused_with_its_name(tmp_path):
    with pytest.raises(FileNotFoundError, match="logdir: '.*nowhere' does not exist"):
        load(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match="is not a directory"):
        load(tmp_path / "file")
    with pytest.raises(NotADirectoryError, match="exists and is not a directory"):
        start("a", logdir=tmp_path / "file")


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda r: r.log(1, loss="0.3"), TypeError, "'loss' must be a number"),
        (lambda r: r.log(1.5, loss=0.3), TypeError, "step: expected an int"),
        (lambda r: r.log(1, [0.3]), TypeError, "expected a dict of tag to value"),
        (lambda r: r.log(1, {3: 0.3}), TypeError, "tags must be str"),
    ],
)
def test_bad_log_calls_name_the_argument(call, error, match):
    with start("bad-input") as run, pytest.raises(error, match=match):
        call(run)


def test_bad_names_and_hparams_are_refused():
    with pytest.raises(ValueError, match="name: expected a non-empty str"):
        start("  ")
    with pytest.raises(ValueError, match="not a valid run name"):
        start("..")
    with pytest.raises(TypeError, match="hparams: expected a dict"):
        start("a", hparams=[("lr", 1)])


def test_logging_after_close_is_an_error():
    run = start("closed")
    run.close()
    with pytest.raises(RuntimeError, match="run 'closed' is closed"):
        run.log(0, loss=1.0)


def test_to_pandas_is_long_form_with_every_point():
    with start("p1") as a, start("p2") as b:
        _log_curve(a, 10)
        _log_curve(b, 5)
    frame = RunSet([a, b]).to_pandas()
    assert list(frame.columns) == ["run", "tag", "step", "wall_time", "value"]
    assert len(frame) == 2 * 10 + 2 * 5
    assert frame.groupby("run").size().to_dict() == {"p1": 20, "p2": 10}
    assert frame["step"].dtype == np.int64


def test_a_follower_gets_every_point_once_while_the_run_logs_from_another_thread():
    run = start("race")
    got: list[float] = []
    done = threading.Event()

    def loop():
        for step in range(20_000):
            run.log(step, loss=float(step))
        done.set()

    worker = threading.Thread(target=loop)
    worker.start()
    while len(run.tags) == 0:
        pass
    rows, unsubscribe = run.follow(lambda _run, new: got.extend(new["loss"][0] if "loss" in new else []))
    got[:0] = list(rows["loss"][0])
    worker.join()
    run.close()
    unsubscribe()
    assert sorted(got) == list(map(float, range(20_000)))  # none twice, none missed


def test_a_board_of_a_logdir_takes_a_run_started_later_there(tmp_path):
    with start("old", logdir=tmp_path) as run:
        _log_curve(run, 10)
    board = nbvis.show.runs(tmp_path)
    assert board.runs.names == ["old"]
    with start("new", logdir=tmp_path, hparams={"lr": 0.5}) as live:
        _log_curve(live, 30)
    assert board.runs.names == ["old", "new"]
    assert [r["name"] for r in board.runs_info] == ["old", "new"]
    assert board.runs_info[1]["hparams"] == {"lr": 0.5}
    assert board.runs_info[0]["color"] != board.runs_info[1]["color"]
    table = board.tables["scalars"]
    assert table.n == 2 * 10 + 2 * 30  # every point once
    board.close()


def test_run_colours_follow_start_order_so_a_reloaded_logdir_keeps_them(tmp_path):
    for name in ("zeta", "alpha", "mid"):
        with start(name, logdir=tmp_path) as run:
            _log_curve(run, 3)
    first = [(r["name"], r["color"]) for r in nbvis.show.runs(tmp_path).runs_info]
    again = [(r["name"], r["color"]) for r in nbvis.show.runs(str(tmp_path)).runs_info]
    assert first == again
    assert [n for n, _ in first] == ["zeta", "alpha", "mid"]  # start order, not alphabetical


def test_show_runs_refuses_bad_sources_and_options(tmp_path):
    with pytest.raises(TypeError, match="source: expected a logdir path"):
        nbvis.show.runs(42)
    with pytest.raises(ValueError, match="x_axis: expected one of"):
        nbvis.show.runs([], x_axis="time")
    with pytest.raises(ValueError, match="smoothing"):
        nbvis.show.runs([], smoothing=1.5)


def test_the_board_picture_is_one_chart_per_tag_in_the_run_colours():
    with start("pic-a") as a, start("pic-b") as b:
        _log_curve(a, 20)
        _log_curve(b, 20, offset=1.0)
    board = nbvis.show.runs([a, b])
    snap = board.snapshot()
    assert snap.spec["facet"]["field"] == "tag"
    color = snap.spec["spec"]["encoding"]["color"]["scale"]
    assert color["domain"] == ["pic-a", "pic-b"] and color["range"] == [r["color"] for r in board.runs_info]
    assert snap.tables["values"].n == 2 * 2 * 20
    from nbvis.export import static_bundle

    assert static_bundle(snap)  # vl-convert draws it
    board.close()


def _sweep(logdir, n=10, steps=200):
    for i in range(n):
        with start(f"r{i}", logdir=logdir, hparams={"i": i}) as run:
            _log_curve(run, steps, offset=i)
    bad = os.path.join(logdir, "r3", os.listdir(os.path.join(logdir, "r3"))[0])
    with open(bad, "r+b") as f:  # a corrupt record in one run: its problem must come back too
        f.seek(os.path.getsize(bad) // 2)
        f.write(b"\xff" * 8)


def _same(a, b):
    assert a.names == b.names
    for x, y in zip(a, b):
        assert x.tags == y.tags and x.hparams == y.hparams and x.problems == y.problems
        assert x.start_time == y.start_time
        for tag in x.tags:
            for column in ("step", "wall_time", "value"):
                np.testing.assert_array_equal(getattr(x.scalars(tag), column), getattr(y.scalars(tag), column))


def test_a_big_logdir_is_read_by_worker_processes_with_the_same_result(tmp_path, monkeypatch):
    import nbvis.runs._run as run_module

    _sweep(tmp_path)
    started = []
    real = subprocess.Popen
    monkeypatch.setattr(run_module.subprocess, "Popen", lambda *a, **k: started.append(a) or real(*a, **k))
    with pytest.warns(UserWarning, match=r"run 'r3': .*events.*corrupt record"):
        parallel = load(tmp_path)
    workers = min(5, os.cpu_count() or 1)  # half the runs, at most one per CPU
    assert len(started) == (workers if workers > 1 else 0)
    assert all("nbvis.runs._reader" in a[0] for a in started)
    monkeypatch.setattr(run_module, "_PROCESSES_FROM", 10**9)
    with pytest.warns(UserWarning):
        here = load(tmp_path)
    _same(parallel, here)
    assert parallel.names == [f"r{i}" for i in range(10)] and len(parallel["r3"].problems) == 1


def test_a_worker_that_cannot_start_leaves_its_runs_to_be_read_here(tmp_path, monkeypatch):
    import nbvis.runs._run as run_module

    _sweep(tmp_path)
    monkeypatch.setattr(run_module, "_PROCESSES_FROM", 10**9)
    with pytest.warns(UserWarning):
        here = load(tmp_path)
    monkeypatch.setattr(run_module, "_PROCESSES_FROM", 8)
    monkeypatch.setattr(run_module.sys, "executable", "/bin/false")  # every worker exits at once
    with pytest.warns(UserWarning):
        _same(load(tmp_path), here)


def test_loading_in_a_script_without_a_main_guard_runs_the_script_once(tmp_path):
    _sweep(tmp_path)
    script = tmp_path / "script.py"
    script.write_text(f"import nbvis\nprint('ran')\nprint(len(nbvis.runs.load({str(tmp_path)!r})))\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["ran", "10"]  # the workers never re-run the caller's __main__


def test_a_board_of_a_big_logdir_is_back_at_once_and_the_rest_joins_in_order(tmp_path, monkeypatch):
    show_runs = sys.modules["nbvis.show.runs"]  # the module (nbvis.show.runs is the function)

    _sweep(tmp_path)
    with pytest.warns(UserWarning):
        everything = load(tmp_path)
    monkeypatch.setattr(show_runs, "_READ_BUDGET_S", 0.0)  # as if each run took longer than the budget
    board = nbvis.show.runs(tmp_path)
    assert len(board.runs) < 10  # back before every run is read
    assert board.wait(timeout=60)
    _same(board.runs, everything)
    assert [info["name"] for info in board.runs_info] == everything.names  # colours in board order
    assert board.loading == {} and any("r3: " in note and "corrupt" in note for note in board.notes)
    n = board.tables["scalars"].n
    assert n == sum(len(r.scalars(t)) for r in everything for t in r.tags)  # every point on the board
    board.close()
