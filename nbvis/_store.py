"""The kernel side of a chart's data: named tables, their versions, the window, overviews.

A :class:`DataStore` knows nothing of widgets or messages. It keeps, per dataset, the
full-resolution :class:`~nbvis._columns.Table`, a version number that changes with every
write, and what the browser has been sent (``sent`` rows; ``replaced`` datasets are sent
whole). The widget (:mod:`nbvis.widgets.chart`) asks it for :meth:`pending` work and
turns that into binary messages. The browser's twin is ``js/src/store.js``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ._columns import Table
from ._downsample import overview, window_mask

__all__ = ["OVERVIEW_SIZE", "STATE_ROWS", "DataStore", "Pending"]

#: A level-of-detail dataset with more rows than this travels in the widget's state (and
#: so in a saved notebook) as an overview; the full rows follow as messages.
STATE_ROWS = 100_000
#: Pixel columns of that overview; the browser redraws it at its own width until the
#: full rows have arrived.
OVERVIEW_SIZE = 1024

LodKind = Literal["line", "points"]


@dataclass
class Pending:
    """Rows of one dataset the browser has not been sent: from ``start`` on, or all of them."""

    op: Literal["append", "replace"]
    start: int


class DataStore:
    """Named tables with versions, an optional per-series window and cached overviews.

    Parameters
    ----------
    tables : mapping of str to Table
        The rows of each named dataset.
    lod : mapping of str to {"line", "points"}, optional
        Datasets of long ``x, y, series`` rows drawn with a level of detail: they have
        overviews, and the window applies to them.
    window : int, optional
        Keep only the last ``window`` rows of each series of the ``lod`` datasets.

    Every method takes the store's lock, which callers may hold around several calls
    (``with store.lock: ...``) to make them one step.

    Examples
    --------
    >>> from nbvis._columns import ColumnSpec
    >>> xy = {"x": ColumnSpec(), "y": ColumnSpec(), "series": ColumnSpec("category")}
    >>> store = DataStore({"values": Table(xy)}, lod={"values": "line"}, window=2)
    >>> store.append("values", {"x": [0, 1, 2, 3, 4], "y": [1, 2, 3, 4, 5], "series": ["a"] * 5})
    >>> store.pending()["values"].op, store.tables["values"].n
    ('append', 2)
    """

    def __init__(
        self,
        tables: Mapping[str, Table],
        *,
        lod: Mapping[str, LodKind] | None = None,
        window: int | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self._tables = dict(tables)
        self.lod: dict[str, LodKind] = dict(lod or {})
        self.window = window
        self._versions = dict.fromkeys(self._tables, 0)
        self._overviews: dict[str, tuple[tuple[int, int], Table]] = {}
        self._sent = dict.fromkeys(self._tables, 0)
        self._replaced: set[str] = set()
        for name in self.lod:
            self._trim(name)

    # -- reading ---------------------------------------------------------------------

    @property
    def tables(self) -> dict[str, Table]:
        """The tables by dataset name (a new dict; the tables themselves are live)."""
        return dict(self._tables)

    def version(self, name: str) -> int:
        """A number that changes whenever dataset ``name`` changes."""
        return self._versions[name]

    def windowed(self, name: str) -> bool:
        """Whether the window applies to dataset ``name``."""
        return self.window is not None and name in self.lod

    def overview(self, name: str, *, size: int = OVERVIEW_SIZE) -> Table:
        """Dataset ``name`` decimated for drawing at ``size`` pixel columns (the table
        itself when it is small or not a level-of-detail dataset)."""
        with self.lock:
            table = self._tables[name]
            kind = self.lod.get(name)
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

    # -- writing ---------------------------------------------------------------------

    def append(self, name: str, columns: Mapping[str, Any]) -> None:
        """Append rows to dataset ``name`` (columns as :meth:`Table.append` takes them)."""
        with self.lock:
            table = self._tables[name]
            table.append(columns)
            self._versions[name] += 1
            # the hard bound: trimmed here at twice the window, exactly at every flush
            if self.windowed(name):
                series = max(1, len(table.categories("series")))
                if table.n > 2 * (self.window or 0) * series:
                    self._trim(name)

    def replace(self, name: str, columns: Mapping[str, Any]) -> None:
        """Replace every row of dataset ``name``."""
        with self.lock:
            table = self._tables[name]
            table.clear()
            table.append(columns)
            self._versions[name] += 1
            self._replaced.add(name)
            self._trim(name)

    def clear(self) -> None:
        """Remove every row of every dataset (categories stay)."""
        with self.lock:
            for name, table in self._tables.items():
                table.clear()
                self._replaced.add(name)
                self._versions[name] += 1

    def free(self) -> None:
        """Let go of every row (for a closed chart); the datasets stay, empty."""
        with self.lock:
            self._tables = {name: Table(table.specs) for name, table in self._tables.items()}
            self._overviews.clear()

    def _trim(self, name: str) -> None:
        """Keep the last ``window`` rows per series; rows already sent shift with them
        (the browser trims its copy by the same rule: ``js/src/store.js``)."""
        if not self.windowed(name):
            return
        table = self._tables[name]
        mask = window_mask(table.column("series"), self.window or 1)
        if mask.all():
            return
        self._sent[name] = int(np.count_nonzero(mask[: self._sent[name]]))
        table.keep(mask)
        self._versions[name] += 1

    # -- what the browser has ----------------------------------------------------------

    def pending(self) -> dict[str, Pending]:
        """What to send now, per dataset; from here on it counts as sent."""
        with self.lock:
            todo: dict[str, Pending] = {}
            for name, table in self._tables.items():
                self._trim(name)
                replace = name in self._replaced
                start = 0 if replace else self._sent[name]
                if not replace and start == table.n:
                    continue
                todo[name] = Pending("replace" if replace else "append", start)
                self._sent[name] = table.n
            self._replaced.clear()
            return todo

    def mark_sent(self) -> None:
        """Everything counts as sent (the widget's state carries it)."""
        with self.lock:
            self._sent = {name: table.n for name, table in self._tables.items()}
            self._replaced.clear()

    def resend(self, names: list[str]) -> None:
        """Send these datasets whole at the next :meth:`pending`."""
        with self.lock:
            self._replaced.update(n for n in names if n in self._tables)
