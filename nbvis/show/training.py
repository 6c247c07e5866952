"""Live training plots: ``fit_callbacks`` (a Keras callback) and ``history``.

The batch hook only appends the logs Keras already computed to a list. About ten times
a second for all the charts together (one push every ``charts / 10`` seconds), at every
epoch end and at the end of training, the rows go to the charts as one binary message
per chart. Nothing waits for the browser. ``window=N`` bounds the batch charts by the
charts' own window (kernel and browser trim alike; nothing is re-sent).
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import math
import numbers
import os
import re
import sys
import threading
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import ipywidgets
import numpy as np

from .. import runs
from .._validate import check_choice, check_smoothing, check_window, strict_kwargs
from ..charts import line_widget
from ..runs import Run
from ..widgets import ChartWidget, LiveWidget, PictureBox, VegaRuntime
from ..widgets import panel as ui
from ._batches import BatchValues

__all__ = ["TrainingPlots", "TrainingView", "fit_callbacks", "history"]

_KINDS = {"batch": "Batch", "epoch": "Epoch"}
_BOUNDED = re.compile(r"acc|auc|precision|recall", re.IGNORECASE)
# At most this many data messages per second for all the charts of one callback
# together (each chart is one widget, so one message per chart per push).
_MESSAGES_PER_SECOND = 10


def metric_group(name: str) -> str:
    """The chart a metric goes to: ``val_loss`` shares ``loss``'s chart."""
    return name[4:] if name.startswith("val_") and len(name) > 4 else name


def is_bounded(names: Iterable[str]) -> bool:
    """Whether every metric of a group is accuracy-like, i.e. lives in [0, 1]."""
    names = list(names)
    return bool(names) and all(_BOUNDED.search(n) for n in names)


class TrainingView(PictureBox):
    """The box of training charts. Once ``final`` is set, its output also carries a static
    picture of every chart (``text/html`` with PNG images), which is what nbconvert,
    GitHub and nbviewer show when the notebook was saved without widget state."""

    def __init__(self, plots: TrainingPlots, **kwargs: Any) -> None:
        self._plots = plots
        self.final = False
        super().__init__(**kwargs)
        self.relayout()

    @property
    def charts(self) -> list[ChartWidget]:
        """Every chart, section by section (batch, then epoch), in the order they appeared."""
        return [chart for _, charts in self._plots.sections() for chart in charts]

    def layout_tree(self) -> ui.Node:
        return ui.column(*(ui.column(ui.text(title, bold=True),
                                     ui.row(*(ui.widget(c, flex="1 1 420px", min_width="320px") for c in charts),
                                            width="100%"),
                                     width="100%")
                           for title, charts in self._plots.sections()), width="100%")

    def __repr__(self) -> str:
        charts = len(self._plots.charts)
        return f"<nbvis training charts: {charts} chart{'s' * (charts != 1)}>"

    def picture_sections(self) -> list[tuple[str, list[LiveWidget]]] | None:
        """The charts per section once ``final`` is set (the end of fit); before, none."""
        return [(title, list(charts)) for title, charts in self._plots.sections()] if self.final else None


class TrainingPlots:
    """Sections of live line charts, one chart per metric group, in a panel that every front end draws.

    Parameters
    ----------
    kinds : sequence of {"batch", "epoch"}
        One section per kind, in this order.
    metrics : sequence of str, optional
        Metrics to plot (``val_`` versions included); default: everything logged.
    zoom_to_fit_accuracy : bool
        Fit accuracy-like charts to the data instead of [0, 1].
    smoothing : float or None
        Initial smoothing of batch charts (epoch charts are not smoothed).
    height : int
        Height of each chart in pixels.
    """

    def __init__(
        self,
        kinds: Sequence[str] = ("batch", "epoch"),
        *,
        metrics: Sequence[str] | None = None,
        zoom_to_fit_accuracy: bool = False,
        smoothing: float | None = 0.6,
        height: int = 200,
        window: int | None = None,
    ) -> None:
        self.metrics = None if metrics is None else list(metrics)
        self.window = window
        self.zoom_to_fit_accuracy = zoom_to_fit_accuracy
        self.smoothing = smoothing
        self.height = height
        self.charts: dict[tuple[str, str], ChartWidget] = {}
        self._series: dict[tuple[str, str], list[str]] = {}
        self._flagged: set[tuple[str, str]] = set()
        self._rows: dict[tuple[str, str], int] = {}
        self._kinds = list(kinds)
        self._grids: dict[str, list[ChartWidget]] = {kind: [] for kind in self._kinds}
        self.widget = TrainingView(self)
        self.seen: set[str] = set()
        #: Logged names whose batch points are each batch's own value (the rest: Keras' running value).
        self.batch_means: frozenset[str] = frozenset()
        VegaRuntime.shared()  # ship the Vega runtime now, not in the middle of training

    def wanted(self, name: str) -> bool:
        if self.metrics is None:
            return True
        return name in self.metrics or metric_group(name) in self.metrics

    def add(self, kind: str, xs: Sequence[float], rows: Sequence[Mapping[str, Any]]) -> None:
        """Add one point per row (``xs[i]``, ``rows[i][metric]``) to the ``kind`` section."""
        by_metric: dict[str, tuple[list[Any], list[float]]] = {}
        for x, row in zip(xs, rows):
            for name, value in row.items():
                try:
                    y = float(value)
                except (TypeError, ValueError):
                    continue  # not a scalar metric (Keras may log other things)
                self.seen.add(name)
                if not self.wanted(name):
                    continue
                points = by_metric.setdefault(name, ([], []))
                points[0].append(x)
                points[1].append(y)
        groups: dict[str, dict[str, np.ndarray]] = {}
        for name, (xs_of, ys_of) in by_metric.items():
            groups.setdefault(metric_group(name), {})[name] = np.column_stack([xs_of, ys_of])
        for group, series in groups.items():
            chart = self._chart(kind, group, list(series))
            chart.append(series)
            self._flag_non_finite(kind, group, chart, series)

    def _chart(self, kind: str, group: str, names: list[str]) -> ChartWidget:
        key = (kind, group)
        chart = self.charts.get(key)
        known = self._series.setdefault(key, [])
        known.extend(n for n in sorted(names, key=lambda n: n.startswith("val_")) if n not in known)
        if chart is None:
            bounded = is_bounded(known) and not self.zoom_to_fit_accuracy
            chart = line_widget(
                {n: np.empty((0, 2)) for n in known},
                x_label=_KINDS[kind], y_label=self._y_label(kind, group, known), height=self.height,
                y_axis_domain=[0, 1] if bounded else None, zoom_to_fit=not bounded,
                smoothing=self.smoothing if kind == "batch" else None, events=True,
                window=self.window if kind == "batch" else None,
                x_integer=True, points=kind == "epoch",
            )
            self.charts[key] = chart
            self._grids[kind].append(chart)
            self.widget.relayout()
        return chart

    def _y_label(self, kind: str, group: str, names: Sequence[str]) -> str:
        """A batch chart's axis says what its points are: each batch's own value, or (for a
        metric that is not a mean, such as AUC) Keras' value over the epoch so far."""
        if kind != "batch":
            return group
        return f"{group}, each batch" if set(names) <= self.batch_means else f"{group}, epoch so far"

    def _flag_non_finite(self, kind: str, group: str, chart: ChartWidget, series: Mapping[str, np.ndarray]) -> None:
        for name, xy in series.items():
            if (kind, name) in self._flagged:
                continue
            bad = np.flatnonzero(~np.isfinite(xy[:, 1]))
            if bad.size:
                self._flagged.add((kind, name))
                value = xy[bad[0], 1]
                text = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
                chart.append_rows("events", {"x": [xy[bad[0], 0]], "label": [f"{name} = {text}"]})

    def sections(self) -> list[tuple[str, list[ChartWidget]]]:
        """(title, charts) per section, in display order."""
        return [(_KINDS[kind], list(self._grids[kind])) for kind in self._kinds]

    def flush(self) -> None:
        """Send every pending point now."""
        for chart in list(self.charts.values()):
            chart.flush()


def _check_options(
    metrics: Any, callbacks: Any, every_n_batches: Any, smoothing: Any, window: Any = None
) -> tuple[list[str] | None, list[str]]:
    check_window(window)
    if metrics is not None:
        if isinstance(metrics, str):
            metrics = [metrics]
        if not isinstance(metrics, (list, tuple)) or not all(isinstance(m, str) for m in metrics):
            msg = f"metrics: expected a list of metric names or None, got {metrics!r}"
            raise TypeError(msg)
        metrics = list(metrics)
    kinds = [callbacks] if isinstance(callbacks, str) else list(callbacks)
    aliases = {"onBatchEnd": "batch", "onEpochEnd": "epoch", "on_batch_end": "batch", "on_epoch_end": "epoch"}
    kinds = [aliases.get(k, k) for k in kinds]
    unknown = [k for k in kinds if k not in _KINDS]
    if unknown or not kinds:
        msg = f"callbacks: expected a non-empty subset of {list(_KINDS)}, got {callbacks!r}"
        raise ValueError(msg)
    if isinstance(every_n_batches, bool) or not isinstance(every_n_batches, int) or every_n_batches < 1:
        msg = f"every_n_batches: expected a positive int, got {every_n_batches!r}"
        raise ValueError(msg)
    check_smoothing(smoothing)
    return metrics, list(dict.fromkeys(kinds))


@strict_kwargs
def fit_callbacks(
    metrics: Sequence[str] | None = None,
    callbacks: Sequence[str] = ("batch", "epoch"),
    *,
    zoom_to_fit_accuracy: bool = False,
    every_n_batches: int = 1,
    window: int | None = None,
    smoothing: float | None = 0.6,
    height: int = 200,
    display: bool = True,
    run: str | Run | None = None,
    logdir: str | os.PathLike[str] | None = None,
    hparams: Mapping[str, Any] | None = None,
    batch_values: str = "each",
) -> Any:
    """A Keras callback that plots loss and metrics live while ``fit()`` runs.

    Parameters
    ----------
    metrics : list of str, optional
        Metrics to plot; ``"loss"`` also brings ``"val_loss"``. Default: everything the
        logs contain. A requested metric that never appears gets one warning (the
        ``acc`` vs ``accuracy`` trap).
    callbacks : sequence of {"batch", "epoch"}
        Which sections to show: per batch (x = global step) and/or per epoch.
    zoom_to_fit_accuracy : bool
        Accuracy-like metrics sit on [0, 1] unless this is true.
    every_n_batches : int
        Plot every n-th batch only (fewer host syncs on a GPU).
    window : int, optional
        Batch charts keep only the last ``window`` points of each series (endless runs);
        epoch charts keep everything.
    smoothing : float or None
        Initial smoothing of the batch charts (a slider changes it in the browser).
    height : int
        Height of each chart in pixels.
    display : bool
        Display the charts when training begins (else display ``cb.widget`` yourself).
    run : str or nbvis.runs.Run, optional
        Also log every plotted value to a run (see :mod:`nbvis.runs`): a name starts
        one when training begins (closed when it ends), a :class:`~nbvis.runs.Run` is
        used as it is. Tags are ``batch_<metric>`` (x: the global step) and
        ``epoch_<metric>`` (x: the epoch, from 1). A board of the same logdir shows the
        run live.
    logdir : path, optional
        Where the run's event files go (a run named ``"fit"`` if ``run`` is not given).
    hparams : dict, optional
        The run's hyperparameters; the optimizer's name and learning rate, the epochs
        and the steps per epoch are added unless given.

    batch_values : {"each", "running"}
        What a batch point is. ``"each"``: that batch's own value (of the loss and every
        metric that is a mean), recovered from the running means Keras logs; with
        ``steps_per_execution`` or ``every_n_batches``, the mean of the batches since the
        last point. ``"running"``: Keras' logs as they are, each metric's mean since the
        epoch began (which makes a falling loss rise within every epoch). Metrics that are
        not means (AUC, precision, ...) are Keras' value over the epoch so far either way;
        each batch chart's axis says which it shows. The run logs the same values.

    The batch x axis is the global step: ``steps_per_execution``, ``initial_epoch`` and
    ``every_n_batches`` are respected, so resumed and compared runs line up.

    Returns
    -------
    keras.callbacks.Callback
        Works in a list beside EarlyStopping, ModelCheckpoint and others.

    Examples
    --------
    >>> cb = nbvis.show.fit_callbacks()
    >>> model.fit(x, y, epochs=10, validation_split=0.2,
    ...           callbacks=[cb, keras.callbacks.EarlyStopping(patience=2)])
    """
    metrics, kinds = _check_options(metrics, callbacks, every_n_batches, smoothing, window)
    check_choice(batch_values, ("each", "running"), arg="batch_values")
    if run is not None and not isinstance(run, (str, Run)):
        msg = f"run: expected a run name or an nbvis.runs.Run, got {type(run).__name__}"
        raise TypeError(msg)
    if isinstance(run, Run) and (logdir is not None or hparams is not None):
        msg = "run: a Run already has its logdir and hparams; pass logdir= and hparams= to nbvis.runs.start"
        raise TypeError(msg)
    if logdir is not None and not isinstance(logdir, (str, os.PathLike)):
        msg = f"logdir: expected a path, got {type(logdir).__name__}"
        raise TypeError(msg)
    if hparams is not None and not isinstance(hparams, Mapping):
        msg = f"hparams: expected a dict, got {type(hparams).__name__}"
        raise TypeError(msg)
    logging = None if run is None and logdir is None else _RunLogging(run, logdir, hparams)
    plots = TrainingPlots(kinds, metrics=metrics, zoom_to_fit_accuracy=zoom_to_fit_accuracy,
                          smoothing=smoothing, height=height, window=window)
    return _callback_class()(plots, kinds, every_n_batches, display, logging, each=batch_values == "each")


class _RunLogging:
    """What ``fit_callbacks(run=, logdir=, hparams=)`` logs to, started at train begin."""

    def __init__(self, run: str | Run | None, logdir: Any, hparams: Mapping[str, Any] | None) -> None:
        self.given = run if isinstance(run, Run) else None
        self.name = run if isinstance(run, str) else "fit"
        self.logdir = logdir
        self.hparams = dict(hparams or {})
        self.run: Run | None = self.given

    def begin(self, model: Any, params: Mapping[str, Any]) -> None:
        if self.given is not None:
            return
        hparams = {**_keras_hparams(model, params), **self.hparams}
        self.run = runs.start(self.name, logdir=self.logdir, hparams=hparams)

    def end(self) -> None:
        if self.given is None and self.run is not None:
            self.run.close()


def _numbers(prefix: str, logs: Mapping[str, Any]) -> dict[str, float]:
    """The numeric entries of Keras ``logs`` (already Python floats), as run tags."""
    return {prefix + k: float(v) for k, v in logs.items() if isinstance(v, numbers.Real) and not isinstance(v, bool)}


def _keras_hparams(model: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """The optimizer, learning rate, batch size, epochs and steps of this ``fit`` (read
    once, at train begin)."""
    out: dict[str, Any] = {}
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        out["optimizer"] = type(optimizer).__name__
        with contextlib.suppress(TypeError, ValueError, AttributeError):  # a schedule: no single value
            out["learning_rate"] = float(f"{float(optimizer.learning_rate):.7g}")  # float32 -> 0.003, not 0.0030000000261
    batch_size = _fit_argument(model, "batch_size")
    if isinstance(batch_size, int):
        out["batch_size"] = batch_size
    for key, name in (("epochs", "epochs"), ("steps", "steps_per_epoch")):
        if isinstance(params.get(key), int):
            out[name] = params[key]
    return out


def _mean_metrics(model: Any) -> set[str]:
    """The logged names of ``model``'s metrics that are running means: the loss tracker and
    every ``keras.metrics.Mean`` (``MeanMetricWrapper``: accuracy, mae, ...), in compiled
    containers too."""
    import keras

    found: set[str] = set()

    def visit(metric: Any, depth: int = 0) -> None:
        if isinstance(metric, keras.metrics.Mean):
            found.add(metric.name)
        elif depth < 4:
            for inner in getattr(metric, "metrics", None) or []:
                if inner is not metric:
                    visit(inner, depth + 1)

    for metric in getattr(model, "metrics", None) or []:
        visit(metric)
    return found


def _samples(x: Any) -> int | None:
    """How many training samples ``fit`` got, when they are arrays (else None: a dataset or
    generator does not say, and its batches then count alike)."""
    import keras

    leaves = keras.tree.flatten(x) if x is not None else []
    if not leaves or not all(hasattr(leaf, "shape") and len(getattr(leaf, "shape", ())) > 0 for leaf in leaves):
        return None
    try:
        return int(leaves[0].shape[0])
    except (TypeError, ValueError):  # an unknown first dimension
        return None


def _fit_argument(model: Any, name: str) -> Any:
    """An argument of the ``model.fit`` call that is running (Keras gives callbacks no
    batch size): read from its frame, or None."""
    frame: Any = sys._getframe(1)
    for _ in range(40):
        if frame is None:
            return None
        if frame.f_code.co_name == "fit" and frame.f_locals.get("self") is model:
            value = frame.f_locals.get(name)
            if name == "batch_size" and value is None:
                return 32 if frame.f_locals.get("steps_per_epoch") is None else None  # Keras' default
            return value
        frame = frame.f_back
    return None


@functools.cache
def _callback_class() -> type:
    try:
        import keras
    except ImportError as exc:  # pragma: no cover - depends on the install
        msg = "nbvis.show.fit_callbacks needs Keras: pip install tensorflow"
        raise ImportError(msg) from exc

    class FitCallbacks(keras.callbacks.Callback):
        """nbvis's live training plots (see :func:`nbvis.show.fit_callbacks`)."""

        # The batch hook is thread-safe, so Keras may run it off the training loop.
        async_safe = True

        def __init__(self, plots: TrainingPlots, kinds: list[str], every: int, display: bool,
                     logging: _RunLogging | None = None, *, each: bool = True) -> None:
            super().__init__()
            self.plots = plots
            self.kinds = kinds
            self.every = every
            self.display = display
            self.logging = logging
            self.step = 0  # the global step of the last batch
            self._epoch_base = 0  # global steps before the current epoch
            self._done = 0  # steps run in this fit before the current epoch
            self._last = 0  # global step of the last plotted batch
            self._lock = threading.Lock()
            self._push_lock = threading.Lock()
            self._pending: list[tuple[int, float, Mapping[str, Any], int, int]] = []  # step, wall, logs, epoch, batch
            self._epoch_steps: int | None = None
            self._next_push = 0.0
            self._pump: threading.Thread | None = None  # pushes during fit(), off the training thread
            self._stop = threading.Event()
            self._handle: Any = None
            self._warned = False
            self._each = each  # batch points: each batch's own value, not Keras' running means
            self._epoch = 0
            self._batch_size: int | None = None
            self._samples: int | None = None
            self._values: BatchValues | None = None  # made at the first push: Keras builds its metrics in fit

        @property
        def widget(self) -> ipywidgets.Widget:
            """The box of charts."""
            return self.plots.widget

        def _repr_mimebundle_(self, **kwargs: Any) -> Any:
            return self.plots.widget._repr_mimebundle_(**kwargs)

        def _ipython_display_(self) -> None:
            self.plots.widget.show()

        def _display_(self) -> Any:
            return self.plots.widget  # marimo shows the box of charts

        @property
        def run(self) -> Run | None:
            """The run this callback logs to (``run=``/``logdir=``), once training began."""
            return None if self.logging is None else self.logging.run

        def on_train_begin(self, logs: Any = None) -> None:
            self._done = 0
            self._last = 0  # a second fit() of this callback plots all of its batches too
            self._first_epoch = True
            self._values = None
            batch_size = _fit_argument(self.model, "batch_size")
            self._batch_size = batch_size if isinstance(batch_size, int) else None
            self._samples = _samples(_fit_argument(self.model, "x"))
            if self.logging is not None:
                self.logging.begin(self.model, self.params or {})
            if self.display and self._handle is None:
                self.plots.widget.show()
                self._handle = self.plots.widget
            if ("batch" in self.kinds or self.logging is not None) and self._pump is None:
                self._stop.clear()
                self._pump = threading.Thread(target=self._pump_loop, name="nbvis-fit-charts", daemon=True)
                self._pump.start()

        def _pump_loop(self) -> None:
            while not self._stop.wait(max(0.0, self._next_push - time.monotonic())):
                self._push()

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self._epoch = epoch
            steps = (self.params or {}).get("steps")
            self._epoch_steps = steps if isinstance(steps, int) and steps > 0 else None
            if isinstance(steps, int) and steps > 0:
                self._epoch_base = epoch * steps  # initial_epoch=6 starts at 6 epochs of steps
            else:  # unknown epoch length: count what ran (a resumed fit starts from the optimizer's count)
                if self._first_epoch:
                    self._done = self._optimizer_steps()
                self._epoch_base = self._done
            self._first_epoch = False

        def _optimizer_steps(self) -> int:
            try:
                return int(self.model.optimizer.iterations)
            except (AttributeError, TypeError, ValueError):
                return 0

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            # Keras passes the index of the last batch of the execution (steps_per_execution),
            # also for a last execution cut short by the end of the epoch
            done = batch + 1 if self._epoch_steps is None else min(batch + 1, self._epoch_steps)
            step = self._epoch_base + done
            with self._lock:  # Keras may run this hook on several threads at once (async_safe)
                late = step < self._last  # a thread that lost the race to a later batch
                if not late:
                    self.step = step
                if "batch" not in self.kinds and self.logging is None:
                    return
                # every n-th step: the first step at or past each multiple of n
                if not logs or (step // self.every <= self._last // self.every and not (late and self.every == 1)):
                    return
                self._last = max(step, self._last)
                self._pending.append((step, time.time(), logs, self._epoch, done))  # logged and plotted in step order
            if self._pump is None and time.monotonic() >= self._next_push:
                self._push()  # called outside fit(): no pump thread

        def _push(self) -> None:
            with self._push_lock:  # the pump thread and the epoch hooks
                with self._lock:
                    pending, self._pending = self._pending, []
                    charts = len(self.plots.charts)
                    self._next_push = time.monotonic() + max(1, charts) / _MESSAGES_PER_SECOND
                if not pending:
                    return
                pending.sort(key=lambda p: p[0])
                values = self._batch_values()
                rows = [(step, wall, values.take(epoch, done, row) if values else row)
                        for step, wall, row, epoch, done in pending]
                run = None if self.logging is None else self.logging.run
                if run is not None:
                    for step, wall, row in rows:
                        run._log_at(step, wall, _numbers("batch_", row))
                if "batch" in self.kinds:
                    self.plots.add("batch", [s for s, _, _ in rows], [row for _, _, row in rows])
                    self.plots.flush()

        def _batch_values(self) -> BatchValues | None:
            if self._each and self._values is None:
                means = _mean_metrics(self.model)
                self.plots.batch_means = frozenset(means)
                self._values = BatchValues(means, batch_size=self._batch_size, samples=self._samples)
            return self._values

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self._done = self.step
            if self.logging is not None and self.logging.run is not None and logs:
                self.logging.run.log(epoch + 1, _numbers("epoch_", logs))
            self._push()
            if "epoch" in self.kinds and logs:
                self.plots.add("epoch", [epoch + 1], [logs])
            self.plots.flush()
            if not self._warned:
                self._warned = True
                self._warn_missing()

        def on_train_end(self, logs: Any = None) -> None:
            pump, self._pump = self._pump, None
            if pump is not None:
                self._stop.set()
                pump.join()
            self._push()
            self.plots.flush()
            if self.logging is not None:
                self.logging.end()
            # The output gets pictures of the final curves once the cell ends: rendering
            # holds the GIL, and fit() returns first. The live charts are not re-drawn.
            self.plots.widget.final = True
            if self._handle is not None:
                self._handle.refresh_picture_at_cell_end()

        def _warn_missing(self) -> None:
            if self.plots.metrics is None:
                return
            seen = self.plots.seen
            for name in self.plots.metrics:
                if name in seen or f"val_{name}" in seen:
                    continue
                close = difflib.get_close_matches(name, sorted(seen), n=1, cutoff=0.3)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                warnings.warn(
                    f"fit_callbacks: metric {name!r} never appeared in the training logs "
                    f"(they have {sorted(seen)}){hint}",
                    stacklevel=2,
                )

    return FitCallbacks


def _history_rows(history: Any) -> list[Mapping[str, Any]]:
    if hasattr(history, "history") and isinstance(history.history, Mapping):
        history = history.history
    if isinstance(history, Mapping):
        lengths = {len(v) for v in history.values() if hasattr(v, "__len__")}
        if not history or len(lengths) != 1 or any(not hasattr(v, "__len__") for v in history.values()):
            msg = f"history: expected a dict of equally long lists, got lengths {sorted(lengths)}"
            raise ValueError(msg)
        (n,) = lengths
        return [{k: v[i] for k, v in history.items()} for i in range(n)]
    if isinstance(history, Sequence) and not isinstance(history, str) and all(isinstance(r, Mapping) for r in history):
        if not history:
            msg = "history: got an empty list; expected one dict of logs per epoch"
            raise ValueError(msg)
        return list(history)
    msg = (
        "history: expected a Keras History, a list of per-epoch dicts or a dict of lists, "
        f"got {type(history).__name__}"
    )
    raise TypeError(msg)


@strict_kwargs
def history(
    history: Any, metrics: Sequence[str] | None = None, *, zoom_to_fit_accuracy: bool = False, height: int = 200
) -> TrainingView:
    """Plot a finished training run, one chart per metric group (``val_*`` beside its metric).

    Parameters
    ----------
    history : keras.callbacks.History, list of dict or dict of lists
        ``model.fit(...)``'s return value, per-epoch logs, or ``{"loss": [...], ...}``.
    metrics : list of str, optional
        Metrics to plot (``"loss"`` brings ``"val_loss"``); default: all.

    Examples
    --------
    >>> h = model.fit(x, y, epochs=5, validation_split=0.2, verbose=0)
    >>> nbvis.show.history(h)
    """
    rows = _history_rows(history)
    metrics, _ = _check_options(metrics, ("epoch",), 1, None)
    plots = TrainingPlots(("epoch",), metrics=metrics, zoom_to_fit_accuracy=zoom_to_fit_accuracy,
                          smoothing=None, height=height)
    plots.add("epoch", list(range(1, len(rows) + 1)), rows)
    plots.widget.final = True  # a finished run: its output carries pictures too
    missing = [m for m in metrics or [] if m not in plots.seen and f"val_{m}" not in plots.seen]
    if missing:
        msg = f"metrics: {missing} not in the history (it has {sorted(plots.seen)})"
        raise ValueError(msg)
    return plots.widget
