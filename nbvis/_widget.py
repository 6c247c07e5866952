"""ChartWidget: one generic, live Vega-Lite chart.

The spec is a JSON trait whose data are *named datasets*. The rows live here, in the
kernel, as columnar tables (:mod:`nbvis._columns`). They reach the browser only as
binary buffers:

* on display (and on a page reload) through the ``_data`` state, built on demand from
  the tables;
* after that as ``data`` messages carrying only the new rows, coalesced so that a
  chart sends at most one message per ``flush_interval`` (plus on :meth:`flush`);
* at the end of every cell that changed the data, one state update, so that a
  notebook saved with widget state (or executed by nbconvert) holds every row.

Every displayed chart also leaves its static picture in an output of its own (see
:func:`nbvis._static.picture_output`), hidden next to the live view and refreshed at the end
of a cell that changed the chart, for exports and reopened notebooks without widget state.
A cell that is re-run frees the charts it displayed before (see :mod:`nbvis._cells`).

The Vega libraries (~900 KB) are not part of a chart: every chart references one
:class:`VegaRuntime` model per kernel, which the browser imports once per page.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import anywidget
import ipywidgets
import numpy as np
import traitlets as t

from ._columns import Table, encode
from ._downsample import overview, window_mask

__all__ = ["ChartWidget", "VegaRuntime"]

#: A level-of-detail dataset with more rows than this travels in the widget's state (and
#: so in a saved notebook) as an overview; the full rows follow as messages.
STATE_ROWS = 100_000
#: Pixel columns of that overview (M4 per series: at most four rows per column); the
#: browser redraws it at its own width until the full rows have arrived.
OVERVIEW_SIZE = 1024
#: Rows per data message: a bigger transfer is split, and shown once complete.
CHUNK_ROWS = 1 << 20

STATIC = Path(__file__).parent / "static"


def _static_file(name: str) -> Path:
    path = STATIC / name
    if not path.is_file():
        msg = (
            f"nbvis's front end is not built: {path} is missing. Install nbvis with "
            "`pip install .` (or `pip install -e .` in a checkout), which builds js/ into "
            "nbvis/static/, or build it by hand with `npm --prefix js ci && npm --prefix js run build`."
        )
        raise ImportError(msg)
    return path


_CHART_JS = _static_file("chart.js")
_RUNTIME_JS = _static_file("runtime.js")


@functools.cache
def _runtime_source() -> tuple[str, str]:
    source = _RUNTIME_JS.read_text(encoding="utf-8")
    return source, hashlib.sha256(source.encode()).hexdigest()[:16]


class VegaRuntime(ipywidgets.Widget):
    """The Vega runtime (vega, vega-lite, vega-embed) as one model per kernel.

    It has no view. Chart modules import its ``bundle`` once per page, keyed by
    ``hash``, so a notebook saved with widget state stores the libraries once.
    """

    bundle = t.Unicode().tag(sync=True)
    hash = t.Unicode().tag(sync=True)

    @classmethod
    def shared(cls) -> VegaRuntime:
        """The kernel's open runtime for this build of nbvis, created on first use."""
        source, digest = _runtime_source()
        instances = getattr(ipywidgets.widgets.widget, "_instances", {})
        for widget in list(instances.values()):
            if isinstance(widget, cls) and widget.comm is not None and widget.hash == digest:
                return widget
        return cls(bundle=source, hash=digest)


class Adapter(Protocol):
    """Turns a chart function's own input forms into table rows (see ``nbvis.render``)."""

    def append(self, chart: ChartWidget, *args: Any, **kwargs: Any) -> None: ...

    def update(self, chart: ChartWidget, *args: Any, **kwargs: Any) -> None: ...


def _data_to_json(_value: int, widget: ChartWidget) -> dict[str, Any]:
    return widget._state_payload()


class ChartWidget(anywidget.AnyWidget):
    """A live Vega-Lite chart whose data can grow after it is displayed.

    Chart functions such as :func:`nbvis.linechart` build these; use them rather than
    the constructor.

    Parameters
    ----------
    spec : dict
        A Vega-Lite spec whose data are named datasets (``{"data": {"name": ...}}``).
    tables : mapping of str to Table
        The rows of each named dataset.
    adapter : Adapter, optional
        Converts the arguments of :meth:`append` and :meth:`update` into rows.
    flush_interval : float
        Seconds between two data messages at most (default 0.1).
    lod : mapping of str to {"line", "points"}, optional
        Datasets of long ``x, y, series`` rows drawn with a level of detail: over
        :data:`STATE_ROWS` rows their state is a decimated overview (the full rows follow
        as messages), and pictures are decimated at their pixel width.
    window : int, optional
        Keep only the last ``window`` rows of each series of the ``lod`` datasets, in the
        kernel and in the browser (for endless streams).

    Examples
    --------
    >>> chart = nbvis.linechart([{"x": 0, "y": 1.0}])  # a ChartWidget
    >>> chart.append([{"x": 1, "y": 0.5}])             # drawn in place, no re-embed
    >>> chart.flush()                                  # send now instead of within 100 ms
    """

    # The source, not the Path: for a Path anywidget connects a file-watcher callback that
    # holds every instance for good (hot reload), so no chart could ever be freed.
    _esm = _CHART_JS.read_text(encoding="utf-8")

    spec = t.Dict().tag(sync=True)
    _data = t.Int(0).tag(sync=True, to_json=_data_to_json)
    _runtime = t.Instance(VegaRuntime).tag(sync=True, **ipywidgets.widget_serialization)
    _uid = t.Unicode().tag(sync=True)

    def __init__(
        self,
        spec: Mapping[str, Any],
        tables: Mapping[str, Table],
        *,
        adapter: Adapter | None = None,
        flush_interval: float = 0.1,
        lod: Mapping[str, str] | None = None,
        window: int | None = None,
        **kwargs: Any,
    ) -> None:
        self._tables = dict(tables)
        self._lod = dict(lod or {})
        self._window = window
        self._versions = {name: 0 for name in self._tables}
        self._overviews: dict[str, tuple[int, Table]] = {}
        self._sent = {name: 0 for name in self._tables}
        for name in self._lod:
            self._trim_locked(name)
        self._adapter = adapter
        self._flush_interval = flush_interval
        self._lock = threading.RLock()
        self._seq = 0
        self._replaced: set[str] = set()
        self._timer: threading.Timer | None = None
        self._last_flush = 0.0
        self._cell_hook = False
        self._display_id = uuid.uuid4().hex
        self._displayed = False
        self._static_dirty = False
        super().__init__(
            spec=dict(spec), _runtime=VegaRuntime.shared(), _uid=uuid.uuid4().hex, **kwargs
        )
        self.on_msg(self._on_front_end_msg)
        self.observe(self._on_spec_change, names="spec")

    # -- public API --------------------------------------------------------------

    def append(self, *args: Any, **kwargs: Any) -> None:
        """Add data after what the chart shows; the arguments are the chart function's.

        Safe to call from several threads at once (e.g. a training thread and the
        notebook): every call's rows arrive once, in the order the calls took the lock.
        """
        adapter = self._require_adapter("append")
        with self._lock:  # new series names and row offsets depend on what is already there
            adapter.append(self, *args, **kwargs)

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Replace all of the chart's data; the arguments are the chart function's."""
        adapter = self._require_adapter("update")
        with self._lock:
            adapter.update(self, *args, **kwargs)

    def clear(self) -> None:
        """Remove every row (the spec, and so axis titles and series, stay)."""
        with self._lock:
            for name, table in self._tables.items():
                table.clear()
                self._replaced.add(name)
                self._versions[name] += 1
            self._schedule_locked()

    def flush(self) -> None:
        """Send pending rows to the browser now rather than within ``flush_interval``."""
        with self._lock:
            self._flush_locked()

    def close(self) -> None:
        """Close the widget and free its kernel-side data."""
        with self._lock:
            self._cancel_timer_locked()
            self._tables = {name: Table(table.specs) for name, table in self._tables.items()}
            self._overviews.clear()
        self._unhook_cell_end()
        super().close()

    def save(self, path: str | Path, *, scale: float = 2.0) -> Path:
        """Write the chart, with all its data, to ``.png``, ``.svg`` or ``.html``.

        The HTML file is self-contained (Vega inlined): it opens offline. ``scale``
        multiplies the PNG's pixel size. Returns the path written.
        """
        from ._static import save

        return save(self, path, scale=scale)

    def to_dict(self) -> dict[str, Any]:
        """A standalone Vega-Lite spec with every row inline (for vl-convert, the Vega
        editor, or :meth:`to_altair`). ``spec`` is the live one, with named datasets."""
        from ._static import full_spec

        return full_spec(self, decimate=False)

    def to_altair(self) -> Any:
        """The chart as an Altair chart, data included (needs ``pip install altair``)."""
        try:
            import altair as alt
        except ImportError as exc:
            msg = "to_altair() needs Altair: pip install altair"
            raise ImportError(msg) from exc
        spec = self.to_dict()
        kind = alt.LayerChart if "layer" in spec else alt.Chart
        return kind.from_dict(spec)

    @property
    def tables(self) -> Mapping[str, Table]:
        """The kernel-side tables (full resolution), by dataset name."""
        return dict(self._tables)

    @property
    def window(self) -> int | None:
        """How many of its last rows each series keeps (``None``: all)."""
        return self._window

    def overview(self, name: str, *, size: int = OVERVIEW_SIZE) -> Table:
        """Dataset ``name`` decimated for drawing at ``size`` pixel columns (the table
        itself when it is small or not a level-of-detail dataset)."""
        with self._lock:
            table = self._tables[name]
            kind = self._lod.get(name)
            if kind is None or table.n <= 4 * size:
                return table
            key = (self._versions[name], size)
            cached = self._overviews.get(name)
            if cached is not None and cached[0] == key:
                return cached[1]
            rows = overview(table.column("x"), table.column("y"), table.column("series"), kind=kind, size=size)
            result = table.take(rows)
            self._overviews[name] = (key, result)
            return result

    # -- used by adapters --------------------------------------------------------

    def append_rows(self, name: str, columns: Mapping[str, Any]) -> None:
        """Append rows to dataset ``name`` (columns as accepted by :meth:`Table.append`)."""
        with self._lock:
            table = self._tables[name]
            table.append(columns)
            self._versions[name] += 1
            # the hard bound: trimmed here at twice the window, exactly at every flush
            if self._window is not None and name in self._lod:
                series = max(1, len(table.categories("series")))
                if table.n > 2 * self._window * series:
                    self._trim_locked(name)
            self._schedule_locked()

    def replace_rows(self, name: str, columns: Mapping[str, Any]) -> None:
        """Replace all rows of dataset ``name``."""
        with self._lock:
            table = self._tables[name]
            table.clear()
            table.append(columns)
            self._versions[name] += 1
            self._replaced.add(name)
            self._trim_locked(name)
            self._schedule_locked()

    # -- transport ---------------------------------------------------------------

    def _require_adapter(self, what: str) -> Adapter:
        if self._adapter is None:
            msg = f"this chart has no data adapter, so {what}() is not available"
            raise TypeError(msg)
        return self._adapter

    def _schedule_locked(self) -> None:
        # the end of this cell brings the saved state and the picture up to date
        self._static_dirty = True
        self._hook_cell_end()
        if self._timer is not None:
            return
        delay = max(0.0, self._last_flush + self._flush_interval - time.monotonic())
        timer = threading.Timer(delay, self._flush_from_timer)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _flush_from_timer(self) -> None:
        with self._lock:
            self._timer = None
            self._flush_locked()

    def _cancel_timer_locked(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _trim_locked(self, name: str) -> None:
        """Keep the last ``window`` rows per series; rows already sent shift with them
        (the browser trims its copy by the same rule)."""
        if self._window is None or name not in self._lod:
            return
        table = self._tables[name]
        mask = window_mask(table.column("series"), self._window)
        if mask.all():
            return
        self._sent[name] = int(np.count_nonzero(mask[: self._sent[name]]))
        table.keep(mask)
        self._versions[name] += 1

    def _flush_locked(self) -> None:
        self._cancel_timer_locked()
        if self.comm is None:
            return
        todo: dict[str, list[Any]] = {}  # name -> [op, next row]
        for name, table in self._tables.items():
            self._trim_locked(name)
            replace = name in self._replaced
            start = 0 if replace else self._sent[name]
            if not replace and start == table.n:
                continue
            todo[name] = ["replace" if replace else "append", start]
            self._sent[name] = table.n
        self._replaced.clear()
        if not todo:
            return
        self._static_dirty = True
        # One message unless a dataset has more than CHUNK_ROWS new rows; its later
        # chunks follow as appends, marked so the browser shows the whole at once.
        while todo:
            datasets: dict[str, Any] = {}
            buffers: list[memoryview] = []
            for name in list(todo):
                op, start = todo[name]
                table = self._tables[name]
                stop = min(table.n, start + CHUNK_ROWS)
                header, bufs = encode(table, start, stop)
                for column in header["columns"].values():
                    column["buf"] += len(buffers)
                buffers.extend(bufs)
                header["op"] = op
                if self._window is not None and name in self._lod:
                    header["window"] = self._window
                if stop < table.n:
                    header["more"] = True
                    todo[name] = ["append", stop]
                else:
                    del todo[name]
                datasets[name] = header
            self._seq += 1
            self.send({"type": "data", "seq": self._seq, "datasets": datasets}, buffers)
        self._last_flush = time.monotonic()
        self._hook_cell_end()

    def _state_payload(self) -> dict[str, Any]:
        """The ``_data`` state: every row, or for a big level-of-detail dataset an
        overview (``full`` says how many rows the kernel holds; messages bring them)."""
        with self._lock:
            opening = self.comm is None
            if opening:  # being opened: the state itself carries everything else
                self._cancel_timer_locked()
                self._sent = {name: table.n for name, table in self._tables.items()}
                self._replaced.clear()
            else:
                self._flush_locked()
            datasets = {}
            for name, table in self._tables.items():
                partial = name in self._lod and table.n > STATE_ROWS
                header, buffers = encode(self.overview(name) if partial else table)
                for column in header["columns"].values():
                    column["data"] = buffers[column.pop("buf")]
                if partial:
                    header["full"] = table.n
                    if opening:  # push the full rows right after the comm opens
                        header["pushed"] = True
                        self._replaced.add(name)
                        self._schedule_locked()
                if self._window is not None and name in self._lod:
                    header["window"] = self._window
                datasets[name] = header
            return {"seq": self._seq, "datasets": datasets}

    def _on_front_end_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "resync":  # a message went missing: the state again
            self.send_state("_data")
        elif content.get("type") == "fetch":  # a view holds an overview: the full rows
            with self._lock:
                names = [n for n in content.get("names", []) if n in self._tables]
                self._replaced.update(names)
                self._flush_locked()

    # -- display and static picture ------------------------------------------------

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}: {table.n} rows" for name, table in self._tables.items())
        return f"<nbvis chart ({sizes})>"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle  # anywidget: (data, metadata)
        from ._static import static_bundle

        try:
            data.update(static_bundle(self))
        except Exception as exc:  # noqa: BLE001 - a picture must never break the live chart
            data["text/plain"] = f"{data.get('text/plain', '')}\n(no static picture: {exc})"
        with self._lock:
            self._static_dirty = False
        return bundle

    def _ipython_display_(self) -> None:
        from ._static import display_live_and_picture, picture_output

        # Two outputs: the live chart, and its picture (hidden while the chart is live,
        # what shows once the kernel and the widget state are gone). The picture has the
        # chart's display id, refreshed at the end of a cell that changed the chart:
        # refreshing the live output would make the front end draw a new view.
        display_live_and_picture(self, picture_output(self), self._display_id)
        with self._lock:
            self._static_dirty = False
        self._displayed = True
        shell = _ipython()
        if shell is not None:  # re-running this cell frees this chart once nothing holds it
            from ._cells import CellCharts

            CellCharts.of(shell).displayed(self)

    def _on_spec_change(self, _change: Any) -> None:
        with self._lock:
            self._static_dirty = True
        self._hook_cell_end()

    # Custom messages are not saved with the notebook; state is. So at the end of a
    # cell that sent data, the state is brought up to date once (and the picture).
    def _hook_cell_end(self) -> None:
        if self._cell_hook:
            return
        shell = _ipython()
        if shell is None:
            return
        shell.events.register("post_run_cell", self._on_cell_end)
        self._cell_hook = True

    def _unhook_cell_end(self) -> None:
        if not self._cell_hook:
            return
        shell = _ipython()
        if shell is not None and self._on_cell_end in shell.events.callbacks["post_run_cell"]:
            shell.events.unregister("post_run_cell", self._on_cell_end)
        self._cell_hook = False

    def _on_cell_end(self, *_args: Any) -> None:
        with self._lock:
            self._unhook_cell_end()
            if self.comm is None:
                return
            self.send_state("_data")
            refresh = self._displayed and self._static_dirty
        if refresh:
            from IPython.display import update_display

            from ._static import picture_output

            update_display(picture_output(self), raw=True, display_id=self._display_id)
            with self._lock:
                self._static_dirty = False


def _ipython() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return None
    return get_ipython()
