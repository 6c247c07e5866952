"""The table kind: rows of text (tfjs-vis ``render.table``), and tree tables.

A table is not a Vega chart: :class:`~nbvis.widgets.TableWidget` draws it as an HTML
table whose cells are set as text (``js/src/table.js``). Its rows are the
:data:`~nbvis._contract.ROWS` dataset, one text column per header (``c0``, ``c1``, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._columns import ColumnSpec, Table
from .._contract import ROWS
from .._inputs import table_rows
from .._stats import format_number
from .._validate import strict_kwargs
from ..widgets import Change, FunctionAdapter, TableWidget

__all__ = ["table", "tree_table"]


def _cell_text(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)) or value is None:
        return str(value)
    if isinstance(value, (int, float, np.number)):
        return format_number(value)
    return str(value)


def _text_columns(rows: list[list[Any]], width: int) -> dict[str, list[str]]:
    return {f"c{j}": [_cell_text(row[j]) for row in rows] for j in range(width)}


def _alignment(rows: list[list[Any]], width: int) -> list[str]:
    """Right for columns of numbers only, left for the rest."""
    numeric = [bool(rows) and all(isinstance(r[j], (int, float, np.number)) and not isinstance(r[j], bool)
                                  for r in rows) for j in range(width)]
    return ["right" if n else "left" for n in numeric]


@strict_kwargs
def table(headers: Any, values: Any = None, *, font_size: int = 14) -> TableWidget:
    """A table whose every cell is shown as text — never interpreted as HTML.

    Parameters
    ----------
    headers : list of str, or a pandas DataFrame (then ``values`` is left out)
    values : list of rows, or a 2-D array
        Each row has one cell per header. Numbers are formatted with thousands
        separators and at most 4 decimals; anything else is shown as ``str(cell)``.
    font_size : int
        Font size in pixels.

    Returns
    -------
    TableWidget
        ``append(rows)`` adds rows, ``update(rows)`` replaces them.

    Examples
    --------
    >>> nbvis.table(["model", "accuracy"], [["cnn", 0.9812], ["mlp", 0.9634]])
    """
    if isinstance(font_size, bool) or not isinstance(font_size, int) or font_size <= 0:
        msg = f"font_size: expected a positive whole number, got {font_size!r}"
        raise ValueError(msg)
    names, rows = table_rows(headers, values)
    t = Table({f"c{j}": ColumnSpec("category") for j in range(len(names))})
    t.append(_text_columns(rows, len(names)))

    def update(_table: TableWidget, new: Any) -> Change:
        _, new_rows = table_rows(names, new)
        return Change(replace={ROWS: _text_columns(new_rows, len(names))})

    def append(_table: TableWidget, new: Any) -> Change:
        _, new_rows = table_rows(names, new)
        return Change(append={ROWS: _text_columns(new_rows, len(names))})

    return TableWidget({ROWS: t}, headers=names, align=_alignment(rows, len(names)), font_size=font_size,
                       adapter=FunctionAdapter(update, append))


def tree_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], parents: Sequence[int], *,
    notes: Sequence[str] = (), font_size: int = 13,
) -> TableWidget:
    """A table whose rows nest (``parents[i]`` is row i's parent row, or -1): rows with
    children get an expand/collapse toggle and start collapsed. Cells are text; ``notes``
    are lines of text under the table. Used by :func:`nbvis.show.model_summary`.

    Examples
    --------
    >>> tree_table(["layer"], [["base"], ["conv"]], parents=[-1, 0])
    """
    names, body = table_rows(list(headers), [list(r) for r in rows])
    if len(parents) != len(body) or any(not -1 <= p < i for i, p in enumerate(parents)):
        msg = "parents: expected one earlier row index (or -1) per row"
        raise ValueError(msg)
    depth: list[int] = []
    for p in parents:
        depth.append(0 if p < 0 else depth[p] + 1)
    t = Table({**{f"c{j}": ColumnSpec("category") for j in range(len(names))},
               "depth": ColumnSpec("number", "exact"), "parent": ColumnSpec("number", "exact")})
    t.append({**_text_columns(body, len(names)), "depth": np.asarray(depth, dtype=np.float64),
              "parent": np.asarray(parents, dtype=np.float64)})
    return TableWidget({ROWS: t}, headers=names, align=_alignment(body, len(names)), font_size=font_size,
                       tree=True, notes=[str(n) for n in notes])
