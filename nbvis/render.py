"""The chart functions (tfjs-vis ``render.*``): validate, build the spec, return a widget."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._columns import ColumnSpec, Table
from ._data import XYSeries, xy_series
from ._widget import ChartWidget
from .charts import line_spec

__all__ = ["linechart"]

_XY_COLUMNS = {
    "x": ColumnSpec("number", "exact"),
    "y": ColumnSpec("number", "f32"),
    "series": ColumnSpec("category"),
}


def _xy_columns(series: Sequence[XYSeries]) -> dict[str, Any]:
    return {
        "x": np.concatenate([s.x for s in series]) if series else np.empty(0),
        "y": np.concatenate([s.y for s in series]) if series else np.empty(0),
        "series": [s.name for s in series for _ in range(len(s.x))],
    }


class _XYAdapter:
    """append/update for XY charts: new series names extend the spec's colour domain."""

    def __init__(self, names: list[str], spec_for: Callable[[list[str]], dict[str, Any]]) -> None:
        self.names = names
        self.spec_for = spec_for

    def _use(self, chart: ChartWidget, names: list[str]) -> None:
        if names != self.names:
            self.names = names
            chart.spec = self.spec_for(names)

    def append(self, chart: ChartWidget, values: Any, series: Any = None) -> None:
        parsed = xy_series(values, series, default_names=self.names)
        chart.append_rows("values", _xy_columns(parsed))
        self._use(chart, self.names + [s.name for s in parsed if s.name not in self.names])

    def update(self, chart: ChartWidget, values: Any, series: Any = None) -> None:
        parsed = xy_series(values, series)
        chart.replace_rows("values", _xy_columns(parsed))
        self._use(chart, [s.name for s in parsed])


def linechart(
    values: Any,
    series: Sequence[str] | str | None = None,
    *,
    width: int | None = None,
    height: int | None = None,
    x_label: str | None = "x",
    y_label: str | None = "y",
) -> ChartWidget:
    """A live line chart of one or more series.

    Parameters
    ----------
    values : list of points, list of lists of points, array, dict or DataFrame
        ``[{"x": 1, "y": 20}, ...]`` for one series (tfjs-vis form); a list of such
        lists for several; a 1-D array of y values; an ``(n, 2)`` array of (x, y) rows;
        ``{"name": values, ...}``; a pandas Series or DataFrame. Series may differ in
        length and keep their real x values.
    series : list of str or str, optional
        Series names, one per series, in legend order (default ``"Series 1"``, ...).
    width, height : int, optional
        Size in pixels; the default width follows the output area, height is 250.
    x_label, y_label : str, optional
        Axis titles.

    Returns
    -------
    ChartWidget
        Display it, then call ``append(values, series=None)`` to add points in place,
        ``update(values, series=None)`` to replace them, ``clear()`` and ``flush()``.

    Examples
    --------
    >>> chart = nbvis.linechart([[{"x": 0, "y": 1.0}], [{"x": 0, "y": 2.0}]], ["a", "b"])
    >>> chart  # display it
    >>> chart.append([[{"x": 1, "y": 0.5}], [{"x": 1, "y": 1.5}]])  # one point per series
    """
    parsed = xy_series(values, series)

    def spec_for(names: list[str]) -> dict[str, Any]:
        return line_spec(names, width=width, height=height, x_label=x_label, y_label=y_label)

    names = [s.name for s in parsed]
    spec = spec_for(names)  # validates the options before any widget exists
    table = Table(_XY_COLUMNS)
    table.append(_xy_columns(parsed))
    return ChartWidget(spec, {"values": table}, adapter=_XYAdapter(names, spec_for))
