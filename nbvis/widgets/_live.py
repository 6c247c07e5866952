"""The part every data widget shares: kernel-side store, binary transport, picture, cells.

The rows live in a :class:`~nbvis._store.DataStore`. They reach the browser only as
binary buffers:

* on display (and on a page reload) through the ``_data`` state, built on demand from
  the store;
* after that as ``data`` messages carrying only the new rows, coalesced so that a
  widget sends at most one message per ``flush_interval`` (plus on :meth:`flush`);
* at the end of every cell that changed the data, one state update, so that a
  notebook saved with widget state (or executed by nbconvert) holds every row.

Every displayed widget also leaves its picture in an output of its own, hidden next to
the live view and refreshed at the end of a cell that changed it, for exports and
reopened notebooks without widget state. A cell that is re-run frees the widgets it
displayed before (see :mod:`nbvis.widgets._cells`).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import anywidget
import traitlets as t

from .._columns import Table, encode
from .._store import STATE_ROWS, DataStore, LodKind
from ..export import Snapshot, TableSnapshot, file_suffix, save, static_bundle
from ..export import picture_html as snapshot_html
from ._cells import CellCharts
from ._display import CellEndHook, Pictured, ipython, threads_deliver

__all__ = ["CHUNK_ROWS", "Adapter", "Change", "FunctionAdapter", "LiveWidget"]

#: Rows per data message: a bigger transfer is split, and shown once complete. 262,144
#: rows of a line series are ~2.4 MB on the wire (bench/chunks.py), under every host's
#: message limit (see BENCHMARKS.md, "chunk size").
CHUNK_ROWS = 1 << 18

Columns = Mapping[str, Any]


@dataclass
class Change:
    """What an :class:`Adapter` turns a call of ``append``/``update`` into: datasets to
    replace, datasets to extend, and maybe a new spec. Applied in one step."""

    replace: Mapping[str, Columns] = field(default_factory=dict)
    append: Mapping[str, Columns] = field(default_factory=dict)
    spec: dict[str, Any] | None = None


class Adapter(Protocol):
    """A chart kind's own input forms, as rows: see each kind in :mod:`nbvis.charts`.

    Both methods validate everything before they return, and change nothing: a refused
    call leaves the widget as it was.
    """

    def append(self, widget: Any, *args: Any, **kwargs: Any) -> Change: ...

    def update(self, widget: Any, *args: Any, **kwargs: Any) -> Change: ...


@dataclass(frozen=True)
class FunctionAdapter:
    """An :class:`Adapter` made of two functions ``(widget, *args) -> Change``; without
    ``append``, the widget cannot grow row by row (``what`` names it in the error)."""

    update_change: Callable[..., Change]
    append_change: Callable[..., Change] | None = None
    what: str = "this chart"

    def update(self, widget: Any, *args: Any, **kwargs: Any) -> Change:
        return self.update_change(widget, *args, **kwargs)

    def append(self, widget: Any, *args: Any, **kwargs: Any) -> Change:
        if self.append_change is None:
            msg = f"{self.what} cannot grow row by row; call update(...) with all of its data"
            raise TypeError(msg)
        return self.append_change(widget, *args, **kwargs)


def _data_to_json(_value: int, widget: LiveWidget) -> dict[str, Any]:
    return widget._state_payload()


class LiveWidget(Pictured, anywidget.AnyWidget):
    """A widget whose data are named datasets that can grow after it is displayed."""

    _data = t.Int(0).tag(sync=True, to_json=_data_to_json)
    _uid = t.Unicode().tag(sync=True)

    def __init__(
        self,
        tables: Mapping[str, Table],
        *,
        adapter: Adapter | None = None,
        flush_interval: float = 0.1,
        lod: Mapping[str, LodKind] | None = None,
        window: int | None = None,
        **kwargs: Any,
    ) -> None:
        self._store = DataStore(tables, lod=lod, window=window)
        self._lock = self._store.lock
        self._adapter = adapter
        self._flush_interval = flush_interval
        self._seq = 0
        self._timer: threading.Timer | None = None
        self._last_flush = 0.0
        self._cell_end = CellEndHook(self._on_cell_end)
        self._init_picture()
        self._picture_dirty = False
        self._closed = False
        super().__init__(_uid=uuid.uuid4().hex, **kwargs)
        self.on_msg(self._on_front_end_msg)

    # -- public API --------------------------------------------------------------

    def append(self, *args: Any, **kwargs: Any) -> None:
        """Add data after what is shown; the arguments are the chart function's.

        Safe to call from several threads at once (e.g. a training thread and the
        notebook): every call's rows arrive once, in the order the calls took the lock.
        """
        adapter = self._require_adapter("append")
        with self._lock:  # new series names and row offsets depend on what is already there
            self.apply(adapter.append(self, *args, **kwargs))

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Replace all of the data; the arguments are the chart function's."""
        adapter = self._require_adapter("update")
        with self._lock:
            self.apply(adapter.update(self, *args, **kwargs))

    def clear(self) -> None:
        """Remove every row (the spec, and so axis titles and series, stay)."""
        with self._lock:
            self._store.clear()
            self._schedule_locked()

    def flush(self) -> None:
        """Send pending rows to the browser now rather than within ``flush_interval``."""
        with self._lock:
            self._flush_locked()

    def close(self) -> None:
        """Close the widget and free its kernel-side data."""
        with self._lock:
            self._closed = True
            self._cancel_timer_locked()
            self._store.free()
        self._cell_end.disarm()
        super().close()

    def save(self, path: str | Path, *, scale: float = 2.0) -> Path:
        """Write the widget, with all its data, to a file (``.html``; charts also
        ``.png`` and ``.svg``). The HTML file is self-contained: it opens offline.
        ``scale`` multiplies a PNG's pixel size. Returns the path written."""
        return save(self.snapshot(decimate=file_suffix(path) != ".html"), path, scale=scale)

    def snapshot(self, *, decimate: bool = True) -> Snapshot | TableSnapshot:
        """The widget as data, for :mod:`nbvis.export`."""
        raise NotImplementedError

    @property
    def tables(self) -> Mapping[str, Table]:
        """The kernel-side tables (full resolution), by dataset name."""
        return self._store.tables

    @property
    def window(self) -> int | None:
        """How many of its last rows each series keeps (``None``: all)."""
        return self._store.window

    # -- writing rows --------------------------------------------------------------

    def apply(self, change: Change) -> None:
        """Apply a :class:`Change` in one step (under the lock)."""
        with self._lock:
            for name, columns in change.replace.items():
                self._store.replace(name, columns)
            for name, columns in change.append.items():
                self._store.append(name, columns)
            if change.replace or change.append:
                self._schedule_locked()
            if change.spec is not None:
                self._set_spec(change.spec)

    def append_rows(self, name: str, columns: Columns) -> None:
        """Append rows to dataset ``name`` (columns as accepted by :meth:`Table.append`)."""
        self.apply(Change(append={name: columns}))

    def _set_spec(self, spec: dict[str, Any]) -> None:
        msg = f"{type(self).__name__} has no spec to change"
        raise TypeError(msg)

    # -- transport ---------------------------------------------------------------

    def _require_adapter(self, what: str) -> Adapter:
        if self._adapter is None:
            msg = f"this chart has no data adapter, so {what}() is not available"
            raise TypeError(msg)
        return self._adapter

    def _changed_locked(self) -> None:
        # the end of this cell brings the saved state and the picture up to date
        self._picture_dirty = True
        self._cell_end.arm()

    def _schedule_locked(self) -> None:
        self._changed_locked()
        if self._timer is not None:
            return
        if not threads_deliver():
            self._flush_locked()  # no timer thread here: send now, from the caller's thread
            return
        delay = max(0.0, self._last_flush + self._flush_interval - time.monotonic())
        timer = threading.Timer(delay, self._flush_from_timer)
        timer.daemon = True
        self._timer = timer
        try:
            timer.start()
        except RuntimeError:  # "can't start new thread" (Pyodide, or a thread limit)
            self._timer = None
            self._flush_locked()

    def _flush_from_timer(self) -> None:
        with self._lock:
            self._timer = None
            if self.comm is None and not self._closed:
                # still opening (the timer fired while the state was being built): the
                # rows wait for the comm instead of being dropped
                self._schedule_locked()
                return
            self._flush_locked()

    def _cancel_timer_locked(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _flush_locked(self) -> None:
        self._cancel_timer_locked()
        if self.comm is None:
            return
        todo = {name: [p.op, p.start] for name, p in self._store.pending().items()}
        if not todo:
            return
        self._picture_dirty = True
        tables = self._store.tables
        # One message unless a dataset has more than CHUNK_ROWS new rows; its later
        # chunks follow as appends, marked so the browser shows the whole at once.
        while todo:
            datasets: dict[str, Any] = {}
            buffers: list[memoryview] = []
            for name in list(todo):
                op, start = todo[name]
                table = tables[name]
                stop = min(table.n, int(start) + CHUNK_ROWS)
                header, bufs = encode(table, int(start), stop)
                columns: dict[str, dict[str, Any]] = header["columns"]  # type: ignore[assignment]
                for column in columns.values():
                    column["buf"] += len(buffers)
                buffers.extend(bufs)
                header["op"] = op
                if self._store.windowed(name):
                    header["window"] = self._store.window
                if stop < table.n:
                    header["more"] = True
                    todo[name] = ["append", stop]
                else:
                    del todo[name]
                datasets[name] = header
            self._seq += 1
            self.send({"type": "data", "seq": self._seq, "datasets": datasets}, buffers)
        self._last_flush = time.monotonic()
        self._cell_end.arm()

    def _state_payload(self) -> dict[str, Any]:
        """The ``_data`` state: every row, or for a big level-of-detail dataset an
        overview (``full`` says how many rows the kernel holds; messages bring them)."""
        with self._lock:
            opening = self.comm is None
            if opening:  # being opened: the state itself carries everything else
                self._cancel_timer_locked()
                self._store.mark_sent()
            else:
                self._flush_locked()
            datasets = {}
            for name, table in self._store.tables.items():
                partial = name in self._store.lod and table.n > STATE_ROWS
                header, buffers = encode(self._store.overview(name) if partial else table)
                state_columns: dict[str, dict[str, Any]] = header["columns"]  # type: ignore[assignment]
                for column in state_columns.values():
                    column["data"] = buffers[column.pop("buf")]
                if partial:
                    header["full"] = table.n
                    if opening:  # push the full rows right after the comm opens
                        header["pushed"] = True
                        self._store.resend([name])
                        self._schedule_locked()
                if self._store.windowed(name):
                    header["window"] = self._store.window
                datasets[name] = header
            return {"seq": self._seq, "datasets": datasets}

    def _on_front_end_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and isinstance(content.get("type"), str):
            self._on_request(content["type"], content)

    def _on_request(self, kind: str, content: dict[str, Any]) -> None:
        """A message from a view: ``resync`` (its model starts, or missed a message: the
        state again unless it already has everything), ``fetch`` (it holds an overview:
        the full rows). Subclasses answer more kinds."""
        if kind == "resync":
            with self._lock:
                if content.get("have") == self._seq:
                    return  # nothing was missed (the common case: a model starting)
            self.send_state("_data")
        elif kind == "fetch":
            with self._lock:
                names = content.get("names", [])
                self._store.resend([n for n in names if isinstance(n, str)])
                self._flush_locked()

    # -- display and picture -------------------------------------------------------

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}: {table.n} rows" for name, table in self._store.tables.items())
        return f"<nbvis chart ({sizes})>"

    def picture_html(self) -> str | None:
        return snapshot_html(self.snapshot())

    def _static_bundle(self) -> dict[str, Any]:
        bundle = static_bundle(self.snapshot())
        with self._lock:
            self._picture_dirty = False
        return bundle

    def _on_shown(self) -> None:
        with self._lock:
            self._picture_dirty = False
        shell = ipython()
        if shell is not None:  # re-running this cell frees this widget once nothing holds it
            CellCharts.of(shell).displayed(self)

    def _on_cell_end(self) -> None:
        with self._lock:
            if self.comm is None:
                return
            self.send_state("_data")
            refresh = self._shown and self._picture_dirty
        if refresh:
            self.refresh_picture()
            with self._lock:
                self._picture_dirty = False
