"""A chart as data: its spec and a consistent copy of its datasets, taken in one step.

Everything in :mod:`nbvis.export` works on a :class:`Snapshot` (or a
:class:`TableSnapshot`), never on a widget: a picture, a file or a page can be made from
any spec and tables, in a kernel or not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._columns import Table
from .._contract import ChartMeta, chart_meta
from .._store import DataStore

__all__ = ["PICTURE_COLUMNS", "Snapshot", "TableSnapshot", "rows_of", "take_snapshot"]

#: Pixel columns a big series is decimated to for a picture: more than a picture (480 px,
#: x2 when saved) has, so the decimated line draws what all the rows would.
PICTURE_COLUMNS = 2048


@dataclass(frozen=True)
class Snapshot:
    """A Vega-Lite chart at one moment: ``spec`` (with named datasets) and their rows."""

    spec: dict[str, Any]
    tables: Mapping[str, Table]
    uid: str = ""

    @property
    def meta(self) -> ChartMeta:
        """The spec's ``usermeta.nbvis`` (see :mod:`nbvis._contract`)."""
        return chart_meta(self.spec)


@dataclass(frozen=True)
class TableSnapshot:
    """A table at one moment: headers, alignment and rows of text (``depth`` per row for
    tree tables), and lines of notes."""

    headers: Sequence[str]
    align: Sequence[str]
    rows: Sequence[Sequence[str]]
    depth: Sequence[int] | None = None
    notes: Sequence[str] = field(default_factory=tuple)
    uid: str = ""


def take_snapshot(spec: Mapping[str, Any], store: DataStore, *, decimate: bool, uid: str = "") -> Snapshot:
    """Copy ``store``'s datasets under its lock; with ``decimate`` a big level-of-detail
    dataset is decimated to :data:`PICTURE_COLUMNS` (unless it is smoothed: smoothing
    needs every row)."""
    meta = chart_meta(spec)
    smooth_source = meta["smooth"]["source"] if "smooth" in meta else None
    with store.lock:
        tables = {}
        for name, table in store.tables.items():
            small = store.overview(name, size=PICTURE_COLUMNS) if decimate and name != smooth_source else table
            tables[name] = small if small is not table else table.take(np.arange(table.n))
    return Snapshot(dict(spec), tables, uid)


def rows_of(table: Table) -> list[dict[str, Any]]:
    """A table as JSON-ready rows: categories as text, non-finite numbers as ``None``."""
    columns: dict[str, list[Any]] = {}
    for column, spec in table.specs.items():
        if spec.kind == "category":
            columns[column] = table.labels(column)
        else:
            values = table.column(column)
            columns[column] = [float(v) if np.isfinite(v) else None for v in values]
    return [dict(zip(columns, row)) for row in zip(*columns.values())]


