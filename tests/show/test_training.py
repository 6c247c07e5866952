"""fit_callbacks and history with real Keras training (kernel side; the browser is tested apart)."""

import subprocess
import sys
import textwrap
import time

import keras
import numpy as np
import pytest

import nbvis
from nbvis.show.training import is_bounded, metric_group


def data(n=512, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 8)).astype("float32")
    return x, (x.sum(1) > 4).astype("int32")


def model(metrics=("accuracy",)):
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(2, activation="softmax")])
    m.compile("adam", "sparse_categorical_crossentropy", metrics=list(metrics))
    return m


def series(chart):
    t = chart.tables["values"]
    return {name: (t.column("x")[t.column("series") == i], t.column("y")[t.column("series") == i])
            for i, name in enumerate(t.categories("series"))}


def test_val_metrics_share_their_base_chart_and_accuracy_sits_on_0_1():
    assert metric_group("val_loss") == "loss" and metric_group("val_") == "val_"
    assert is_bounded(["accuracy", "val_accuracy"]) and is_bounded(["AUC"])
    assert not is_bounded(["loss"]) and not is_bounded([])


def test_fit_plots_every_batch_at_its_global_step_and_every_epoch(tmp_path):
    x, y = data()
    cb = nbvis.show.fit_callbacks(display=False)
    others = [keras.callbacks.EarlyStopping(patience=5), keras.callbacks.ModelCheckpoint(str(tmp_path / "m.keras"))]
    model().fit(x, y, epochs=3, batch_size=32, validation_split=0.25, verbose=0, callbacks=[cb, *others])
    charts = cb.plots.charts
    assert set(charts) == {("batch", "loss"), ("batch", "accuracy"), ("epoch", "loss"), ("epoch", "accuracy")}
    steps = 3 * 12  # 384 training rows / 32
    bx, by = series(charts["batch", "loss"])["loss"]
    np.testing.assert_array_equal(bx, np.arange(1, steps + 1))  # global step, not per-epoch batch index
    assert set(series(charts["epoch", "loss"])) == {"loss", "val_loss"}
    ex, _ = series(charts["epoch", "loss"])["val_loss"]
    np.testing.assert_array_equal(ex, [1, 2, 3])
    acc = charts["epoch", "accuracy"].spec["layer"][0]["encoding"]["y"]["scale"]
    loss = charts["epoch", "loss"].spec["layer"][0]["encoding"]["y"]["scale"]
    assert acc == {"domain": [0.0, 1.0]} and loss == {"zero": False}  # no option leaks between charts
    assert (tmp_path / "m.keras").exists()


def test_zoom_to_fit_accuracy_and_every_n_batches_and_metric_selection():
    x, y = data()
    cb = nbvis.show.fit_callbacks(["loss"], callbacks=["batch"], every_n_batches=4,
                                  zoom_to_fit_accuracy=True, display=False)
    model().fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[cb])
    assert set(cb.plots.charts) == {("batch", "loss")}
    bx, _ = series(cb.plots.charts["batch", "loss"])["loss"]
    np.testing.assert_array_equal(bx, np.arange(4, 33, 4))
    cb2 = nbvis.show.fit_callbacks(zoom_to_fit_accuracy=True, callbacks="epoch", display=False)
    model().fit(x, y, epochs=1, verbose=0, callbacks=[cb2])
    assert cb2.plots.charts["epoch", "accuracy"].spec["layer"][0]["encoding"]["y"]["scale"] == {"zero": False}


def test_a_requested_metric_that_never_appears_warns_once_with_a_suggestion():
    x, y = data()
    cb = nbvis.show.fit_callbacks(["loss", "acc"], display=False)
    with pytest.warns(UserWarning, match=r"metric 'acc' never appeared .*did you mean 'accuracy'") as record:
        model().fit(x, y, epochs=3, verbose=0, callbacks=[cb])
    assert sum("never appeared" in str(w.message) for w in record) == 1


def test_nan_loss_keeps_the_chart_working_and_marks_where_it_started():
    x, y = data()
    cb = nbvis.show.fit_callbacks(display=False)

    class Poison(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if cb.step >= 10:
                logs["loss"] = float("nan")

    model().fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[Poison(), cb])
    chart = cb.plots.charts["batch", "loss"]
    _, ys = series(chart)["loss"]
    assert len(ys) == 32 and np.isfinite(ys[:10]).all() and np.isnan(ys[10:]).all()
    events = chart.tables["events"]
    assert events.n == 1 and events.labels("label") == ["loss = nan"] and events.column("x")[0] == 11


def test_the_batch_hook_never_sends_a_message_per_batch(comms):
    x, y = data(2048)
    cb = nbvis.show.fit_callbacks(display=False)
    start = time.monotonic()
    model().fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[cb])  # 256 steps
    elapsed = time.monotonic() - start
    sent = sum(len(c.custom()) for c in comms)
    charts = len(cb.plots.charts)
    # each chart sends at most once per flush interval (0.1 s), plus its first and last message,
    # however long fit() takes on this machine; and never one message per batch
    assert cb.step == 256 and sent <= charts * (elapsed / 0.1 + 2) and sent < 256, (sent, elapsed)
    rows = sum(ch.tables["values"].n for ch in cb.plots.charts.values())
    assert rows == 2 * 256 + 2 * 2  # nothing lost: 2 batch charts x 256 steps + 2 epoch charts x 2 epochs


def test_batch_points_reach_the_charts_from_a_thread_of_their_own_never_from_the_batch_hook(monkeypatch):
    import threading

    x, y = data(4096)
    cb = nbvis.show.fit_callbacks(display=False)
    in_hook = threading.local()
    pushes = []
    hook, add = cb.on_train_batch_end, cb.plots.add

    def timed_hook(batch, logs=None):
        in_hook.on = True
        try:
            hook(batch, logs)
        finally:
            in_hook.on = False

    def recording_add(kind, xs, rows):
        pushes.append((kind, threading.current_thread().name, getattr(in_hook, "on", False), len(xs)))
        add(kind, xs, rows)

    monkeypatch.setattr(cb, "on_train_batch_end", timed_hook)
    monkeypatch.setattr(cb.plots, "add", recording_add)
    slow = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: threading.Event().wait(0.002))
    model().fit(x, y, epochs=1, batch_size=16, verbose=0, callbacks=[cb, slow])  # 256 steps, >= 0.5 s
    batch = [p for p in pushes if p[0] == "batch"]
    assert not any(on for _, _, on, _ in batch)  # the hook only queues
    assert any(name == "nbvis-fit-charts" for _, name, _, _ in batch)  # pushed while training ran
    assert sum(n for *_, n in batch) == 256  # every batch, once
    assert cb._pump is None  # the thread ends with fit()


def test_the_end_of_fit_picture_is_rendered_after_the_cell_not_inside_fit(monkeypatch):
    from IPython.core.events import EventManager, available_events

    import nbvis.widgets._display as display_module

    shell = type("Shell", (), {})()
    shell.events = EventManager(shell, available_events)
    monkeypatch.setattr(display_module, "ipython", lambda: shell)
    rendered = []
    monkeypatch.setattr(nbvis.widgets.PictureBox, "refresh_picture", lambda box: rendered.append(box.final))
    x, y = data()
    cb = nbvis.show.fit_callbacks(display=False)
    cb._handle = cb.plots.widget  # as if displayed in a notebook
    model().fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[cb])
    assert rendered == []  # vl-convert holds the GIL: not while fit() runs
    shell.events.trigger("post_run_cell", None)
    assert rendered == [True]  # once, with the final curves
    shell.events.trigger("post_run_cell", None)
    assert rendered == [True]


def test_bad_arguments_are_refused_before_training():
    with pytest.raises(ValueError, match="callbacks: expected a non-empty subset of"):
        nbvis.show.fit_callbacks(callbacks=["onBatchBegin"])
    with pytest.raises(ValueError, match="every_n_batches: expected a positive int"):
        nbvis.show.fit_callbacks(every_n_batches=0)
    with pytest.raises(TypeError, match="metrics: expected a list of metric names"):
        nbvis.show.fit_callbacks(metrics=[1])
    assert nbvis.show.fit_callbacks(callbacks=["onEpochEnd"], display=False).kinds == ["epoch"]


def test_history_accepts_keras_history_epoch_dicts_and_dict_of_lists():
    x, y = data()
    h = model().fit(x, y, epochs=3, validation_split=0.25, verbose=0)
    forms = [h, [dict(zip(h.history, v)) for v in zip(*h.history.values())], dict(h.history)]
    tables = []
    for form in forms:
        box = nbvis.show.history(form)
        charts = box.charts
        assert box.children() == charts
        tables.append(sorted((c.spec["layer"][0]["encoding"]["y"]["title"], c.tables["values"].n) for c in charts))
    assert tables[0] == tables[1] == tables[2] == [("accuracy", 6), ("loss", 6)]
    with pytest.raises(ValueError, match=r"metrics: \['mae'\] not in the history"):
        nbvis.show.history(h, ["mae"])
    with pytest.raises(TypeError, match="history: expected a Keras History"):
        nbvis.show.history(42)
    with pytest.raises(ValueError, match="history: got an empty list"):
        nbvis.show.history([])
    with pytest.raises(ValueError, match="history: expected a dict of equally long lists"):
        nbvis.show.history({"loss": [1, 2], "acc": [1]})


def test_mirrored_strategy_gives_one_set_of_charts_without_duplicate_points():
    code = textwrap.dedent(
        """
        import os
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        import tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        import keras, numpy as np, nbvis
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        assert strategy.num_replicas_in_sync == 2
        with strategy.scope():
            m = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
            m.compile("adam", "mse")
        x = np.random.rand(256, 8).astype("float32"); y = x.sum(1, keepdims=True)
        cb = nbvis.show.fit_callbacks(display=False)
        m.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[cb])
        t = cb.plots.charts["batch", "loss"].tables["values"]
        print(len(cb.plots.charts), t.n, sorted(set(t.column("x").tolist())) == list(range(1, 17)))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["2", "16", "True"]


def test_window_keeps_the_last_points_of_each_batch_series_and_every_epoch():
    x, y = data()
    cb = nbvis.show.fit_callbacks(window=10, display=False)
    model().fit(x, y, epochs=3, batch_size=32, verbose=0, callbacks=[cb])  # 48 steps
    bx, _ = series(cb.plots.charts["batch", "loss"])["loss"]
    np.testing.assert_array_equal(bx, np.arange(39, 49))
    assert cb.plots.charts["batch", "loss"].tables["values"].n == 10
    ex, _ = series(cb.plots.charts["epoch", "loss"])["loss"]
    np.testing.assert_array_equal(ex, [1, 2, 3])
    # one window rule for every chart: a positive whole number of points per series
    with pytest.raises(ValueError, match="window: expected a positive whole number of points per series or None, got 0"):
        nbvis.show.fit_callbacks(window=0)


def test_the_batch_x_is_the_true_global_step_with_steps_per_execution_and_initial_epoch(tmp_path):
    x, y = data(256)
    m = model()
    m.compile("adam", "sparse_categorical_crossentropy", steps_per_execution=8)
    cb = nbvis.show.fit_callbacks(display=False, run="spe", logdir=tmp_path)
    m.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[cb])  # 16 steps an epoch, 8 per call
    bx, _ = series(cb.plots.charts["batch", "loss"])["loss"]
    np.testing.assert_array_equal(bx, [8, 16, 24, 32])  # was 1, 2, 3, 4
    resumed = nbvis.show.fit_callbacks(display=False)
    m.fit(x, y, epochs=4, initial_epoch=2, batch_size=16, verbose=0, callbacks=[resumed])
    bx, _ = series(resumed.plots.charts["batch", "loss"])["loss"]
    ex, _ = series(resumed.plots.charts["epoch", "loss"])["loss"]
    np.testing.assert_array_equal(bx, [40, 48, 56, 64])  # continues, does not restart at 1
    np.testing.assert_array_equal(ex, [3, 4])
    run = nbvis.runs.load(tmp_path)["spe"]
    np.testing.assert_array_equal(run.scalars("batch_loss").step, [8, 16, 24, 32])
    np.testing.assert_array_equal(run.scalars("epoch_loss").step, [1, 2])
    assert run.hparams["batch_size"] == 16 and run.hparams["steps_per_epoch"] == 16
    assert run.hparams["optimizer"] == "Adam" and run.hparams["learning_rate"] == 0.001


def test_step_and_epoch_axes_have_integer_ticks_and_epoch_lines_have_points():
    x, y = data(64)
    cb = nbvis.show.fit_callbacks(display=False)
    model().fit(x, y, epochs=1, batch_size=32, verbose=0, callbacks=[cb])
    for key in (("batch", "loss"), ("epoch", "loss")):
        axis = cb.plots.charts[key].spec["layer"][0]["encoding"]["x"]["axis"]
        assert axis == {"tickMinStep": 1, "format": "~s"}
    epoch_mark = cb.plots.charts["epoch", "loss"].spec["layer"][0]["mark"]
    assert epoch_mark["point"] == {"filled": True, "size": 30}  # one epoch: a visible point, not an empty chart
    assert "point" not in cb.plots.charts["batch", "loss"].spec["layer"][0]["mark"]
    from nbvis.export import static_bundle

    assert static_bundle(cb.plots.charts["epoch", "loss"].snapshot())  # vl-convert takes the spec


def test_fit_callbacks_refuses_a_bad_run_argument():
    with pytest.raises(TypeError, match="run: expected a run name or an nbvis.runs.Run"):
        nbvis.show.fit_callbacks(run=3)
    with pytest.raises(TypeError, match="a Run already has its logdir"):
        nbvis.show.fit_callbacks(run=nbvis.runs.start("given"), logdir="x")


def test_batch_points_are_each_batchs_own_loss_and_accuracy_as_a_hand_written_loop_computes_them(tmp_path):
    # Keras logs each metric's mean since the epoch began; the batch charts show each batch's
    # own value. 200 rows in batches of 32: six of 32, then one of 8 (weighed as 8)
    x, y = data(200)
    loop = model()  # the same initial weights and optimizer as the fitted one (seeded)
    expected = [loop.train_on_batch(x[i : i + 32], y[i : i + 32], return_dict=True)
                for _ in range(2) for i in range(0, 200, 32)]  # each batch's loss, before its update
    cb = nbvis.show.fit_callbacks(display=False, run="each", logdir=tmp_path)
    model().fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0, callbacks=[cb])
    _, loss = series(cb.plots.charts["batch", "loss"])["loss"]
    _, accuracy = series(cb.plots.charts["batch", "accuracy"])["accuracy"]
    # float32 running means of up to 7 batches: a batch's value is recovered to ~1e-6
    np.testing.assert_allclose(loss, [e["loss"] for e in expected], rtol=1e-4)
    np.testing.assert_allclose(accuracy, [e["accuracy"] for e in expected], atol=1e-4)
    np.testing.assert_allclose(nbvis.runs.load(tmp_path)["each"].scalars("batch_loss").value, loss, rtol=1e-6)
    y_title = cb.plots.charts["batch", "loss"].spec["layer"][0]["encoding"]["y"]["title"]
    assert y_title == "loss, each batch"

    # Keras' own values, one argument away: the running mean, the epoch's last one its mean
    running = nbvis.show.fit_callbacks(display=False, batch_values="running")
    model().fit(x, y, epochs=1, batch_size=32, shuffle=False, verbose=0, callbacks=[running])
    _, means = series(running.plots.charts["batch", "loss"])["loss"]
    sizes = np.array([32] * 6 + [8])
    np.testing.assert_allclose(means, np.cumsum(sizes * loss[:7]) / np.cumsum(sizes), rtol=1e-4)
    assert running.plots.charts["batch", "loss"].spec["layer"][0]["encoding"]["y"]["title"] == "loss, epoch so far"


def test_a_metric_that_is_not_a_mean_keeps_keras_value_and_its_axis_says_so():
    x, y = data(128)

    def binary():
        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="sigmoid")])
        m.compile("adam", "binary_crossentropy", metrics=["accuracy", keras.metrics.AUC(name="auc")])
        return m

    each, running = nbvis.show.fit_callbacks(display=False), nbvis.show.fit_callbacks(display=False, batch_values="running")
    for cb in (each, running):
        binary().fit(x, y, epochs=1, batch_size=32, shuffle=False, verbose=0, callbacks=[cb])
    titles = {group: chart.spec["layer"][0]["encoding"]["y"]["title"] for (kind, group), chart in each.plots.charts.items()
              if kind == "batch"}
    assert titles == {"loss": "loss, each batch", "accuracy": "accuracy, each batch", "auc": "auc, epoch so far"}
    # AUC over the epoch so far, as Keras logs it (it is not an average of per-batch values)
    np.testing.assert_array_equal(series(each.plots.charts["batch", "auc"])["auc"][1],
                                  series(running.plots.charts["batch", "auc"])["auc"][1])
    assert not np.array_equal(series(each.plots.charts["batch", "loss"])["loss"][1],
                              series(running.plots.charts["batch", "loss"])["loss"][1])
