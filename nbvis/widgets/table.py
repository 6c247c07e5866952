"""TableWidget: rows of text in an HTML table (its own front-end module, no Vega)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import traitlets as t

from .._bundle import Module
from .._columns import Table
from .._contract import ROWS
from ..export import TableSnapshot
from ._live import Adapter, LiveWidget

__all__ = ["TableWidget"]


class TableWidget(LiveWidget):
    """A live table whose every cell is text (set with ``textContent``, never HTML).

    :func:`nbvis.table` and :func:`nbvis.charts.tree_table` build these. Rows are the
    ``"rows"`` dataset with one text column per header (``c0``, ``c1``, ...); a tree
    table's rows also have ``depth`` and ``parent`` (a row index, -1 at the top).

    Examples
    --------
    >>> t = nbvis.table(["model", "accuracy"], [["cnn", 0.98]])
    >>> t.append([["mlp", 0.96]])
    """

    _esm = Module("table.js")

    headers = t.List(t.Unicode()).tag(sync=True)
    align = t.List(t.Unicode()).tag(sync=True)
    font_size = t.Float(14).tag(sync=True)
    tree = t.Bool(False).tag(sync=True)
    notes = t.List(t.Unicode()).tag(sync=True)

    def __init__(
        self,
        tables: Mapping[str, Table],
        *,
        headers: list[str],
        align: list[str],
        font_size: float = 14,
        tree: bool = False,
        notes: list[str] | None = None,
        adapter: Adapter | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(tables, adapter=adapter, headers=headers, align=align, font_size=font_size,
                         tree=tree, notes=list(notes or []), **kwargs)

    def __repr__(self) -> str:
        return f"<nbvis table ({self._store.tables[ROWS].n} rows)>"

    def snapshot(self, *, decimate: bool = True) -> TableSnapshot:
        """The table as text, for :mod:`nbvis.export` (``decimate`` is ignored)."""
        with self._lock:
            table = self._store.tables[ROWS]
            columns = [table.labels(f"c{j}") for j in range(len(self.headers))]
            rows = [list(r) for r in zip(*columns)] if columns else []
            depth = [int(d) for d in table.column("depth")] if "depth" in table.specs else None
        return TableSnapshot(list(self.headers), list(self.align), rows, depth, tuple(self.notes), self._uid)
