"""The chart functions (tfjs-vis ``render.*``): validate, build the spec, return a widget."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._columns import ColumnSpec, Table
from ._data import XYSeries, xy_series
from ._widget import ChartWidget
from .charts import line_spec

__all__ = ["line_widget", "linechart"]

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


_EVENT_COLUMNS = {"x": ColumnSpec("number", "exact"), "label": ColumnSpec("category")}


def line_widget(values: Any, series: Any = None, **options: Any) -> ChartWidget:
    """A live line chart with every :func:`nbvis.charts.line_spec` option.

    With ``events=True`` the chart also has an ``"events"`` dataset (``x``, ``label``)
    drawn as labelled vertical rules; add rows with ``chart.append_rows("events", ...)``.
    """
    parsed = xy_series(values, series)

    def spec_for(names: list[str]) -> dict[str, Any]:
        return line_spec(names, **options)

    names = [s.name for s in parsed]
    spec = spec_for(names)  # validates the options before any widget exists
    table = Table(_XY_COLUMNS)
    table.append(_xy_columns(parsed))
    tables = {"values": table}
    if options.get("events"):
        tables["events"] = Table(_EVENT_COLUMNS)
    return ChartWidget(spec, tables, adapter=_XYAdapter(names, spec_for))


def linechart(
    values: Any,
    series: Sequence[str] | str | None = None,
    *,
    width: int | None = None,
    height: int | None = None,
    x_label: str | None = "x",
    y_label: str | None = "y",
    x_type: str = "quantitative",
    y_type: str = "quantitative",
    x_axis_domain: Sequence[float] | None = None,
    y_axis_domain: Sequence[float] | None = None,
    zoom_to_fit: bool = False,
    smoothing: float | None = None,
    font_size: int = 11,
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
    x_type, y_type : str
        Vega-Lite field types (``"quantitative"``, ``"ordinal"``, ...).
    x_axis_domain, y_axis_domain : [min, max], optional
        Fixed axis ranges.
    zoom_to_fit : bool
        Fit the axes to the data instead of including zero (overrides the domains).
    smoothing : float, optional
        TensorBoard-style smoothing weight in [0, 1): smoothed lines over faint raw
        ones, with a slider and a log-scale toggle that work without the kernel.
    font_size : int
        Font size of axes and legend.

    Returns
    -------
    ChartWidget
        Display it, then call ``append(values, series=None)`` to add points in place,
        ``update(values, series=None)`` to replace them, ``clear()`` and ``flush()``.
        Wheel zooms, drag pans, double-click resets — even while the kernel is busy.

    Examples
    --------
    >>> chart = nbvis.linechart([[{"x": 0, "y": 1.0}], [{"x": 0, "y": 2.0}]], ["a", "b"])
    >>> chart  # display it
    >>> chart.append([[{"x": 1, "y": 0.5}], [{"x": 1, "y": 1.5}]])  # one point per series
    """
    return line_widget(
        values, series, width=width, height=height, x_label=x_label, y_label=y_label,
        x_type=x_type, y_type=y_type, x_axis_domain=x_axis_domain, y_axis_domain=y_axis_domain,
        zoom_to_fit=zoom_to_fit, smoothing=smoothing, font_size=font_size,
    )
