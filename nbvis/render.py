"""The chart functions (tfjs-vis ``render.*``): validate, build the spec, return a widget."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ._colors import COLORMAPS, colormap
from ._columns import ColumnSpec, Table
from ._data import (
    XYSeries,
    bar_values,
    describe,
    flat_values,
    image_batch,
    strict_kwargs,
    table_rows,
    xy_series,
)
from ._data import (
    matrix as to_matrix,
)
from ._stats import format_number, stats_rows
from ._stats import histogram as bin_values
from ._widget import ChartWidget
from .charts import (
    bar_spec,
    confusion_spec,
    heatmap_spec,
    histogram_spec,
    image_grid_spec,
    line_spec,
    scatter_spec,
    table_spec,
)
from .charts._common import text_list
from .charts._heatmap import RASTER_CELLS
from .charts._images import grid_layout

__all__ = [
    "barchart",
    "confusion_matrix",
    "heatmap",
    "histogram",
    "histogram_choice",
    "image_grid",
    "line_widget",
    "linechart",
    "scatterplot",
    "table",
    "tree_table",
]

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

    def _use(self, chart: ChartWidget, names: list[str], write: Callable[[], None]) -> None:
        spec = self.spec_for(names) if names != self.names else None  # may refuse: before any row
        write()
        if spec is not None:
            self.names = names
            chart.spec = spec

    def append(self, chart: ChartWidget, values: Any, series: Any = None) -> None:
        parsed = xy_series(values, series, default_names=self.names)
        names = self.names + [s.name for s in parsed if s.name not in self.names]
        self._use(chart, names, lambda: chart.append_rows("values", _xy_columns(parsed)))

    def update(self, chart: ChartWidget, values: Any, series: Any = None) -> None:
        parsed = xy_series(values, series)
        self._use(chart, [s.name for s in parsed], lambda: chart.replace_rows("values", _xy_columns(parsed)))


_EVENT_COLUMNS = {"x": ColumnSpec("number", "exact"), "label": ColumnSpec("category")}


def line_widget(values: Any, series: Any = None, **options: Any) -> ChartWidget:
    """A live line chart with every :func:`nbvis.charts.line_spec` option.

    With ``events=True`` the chart also has an ``"events"`` dataset (``x``, ``label``)
    drawn as labelled vertical rules; add rows with ``chart.append_rows("events", ...)``.
    """
    return _xy_widget(line_spec, values, series, options)


def _check_window(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        msg = f"window: expected a positive whole number of points per series or None, got {value!r}"
        raise ValueError(msg)
    return int(value)


def _xy_widget(builder: Callable[..., dict[str, Any]], values: Any, series: Any, options: dict[str, Any]) -> ChartWidget:
    options = dict(options)
    window = _check_window(options.pop("window", None))
    parsed = xy_series(values, series)

    def spec_for(names: list[str]) -> dict[str, Any]:
        return builder(names, **options)

    names = [s.name for s in parsed]
    spec = spec_for(names)  # validates the options before any widget exists
    table = Table(_XY_COLUMNS)
    table.append(_xy_columns(parsed))
    tables = {"values": table}
    if options.get("events"):
        tables["events"] = Table(_EVENT_COLUMNS)
    kind = spec.get("usermeta", {}).get("nbvis", {}).get("lod", {}).get("kind", "line")
    return ChartWidget(spec, tables, adapter=_XYAdapter(names, spec_for), lod={"values": kind}, window=window)


_XY_DOC = """
    Parameters
    ----------
    values : list of points, list of lists of points, array, dict or DataFrame
        ``[{"x": 1, "y": 20}, ...]`` for one series (tfjs-vis form); a list of such
        lists for several; ``{"values": ..., "series": [...]}``; a 1-D array of y values;
        an ``(n, 2)`` array of (x, y) rows; ``{"name": values, ...}``; a pandas Series or
        DataFrame; TensorFlow or PyTorch tensors. Series may differ in length and keep
        their real x values.
    series : list of str or str, optional
        Series names, one per series, in legend order (default ``"Series 1"``, ...).
    width, height : int, optional
        Size in pixels; the default width follows the output area, height is 250.
    x_label, y_label : str, optional
        Axis titles.
    x_type, y_type : {"quantitative", "ordinal", "nominal", "temporal"}
        Vega-Lite field types.
    x_axis_domain, y_axis_domain : [min, max], optional
        Fixed axis ranges (both are honoured).
    zoom_to_fit : bool
        Fit both axes to the data instead of including zero (overrides the domains).
    log_y : bool
        Logarithmic y axis.
    series_colors : list of str, optional
        One CSS colour per series.
    font_size : int
        Font size of axes and legend.
"""


@strict_kwargs
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
    log_y: bool = False,
    series_colors: Sequence[str] | None = None,
    smoothing: float | None = None,
    font_size: int = 11,
    window: int | None = None,
) -> ChartWidget:
    """A live line chart of one or more series.
    {xy}
    smoothing : float, optional
        TensorBoard-style smoothing weight in [0, 1): smoothed lines over faint raw
        ones, with a slider and a log-scale toggle that work without the kernel.
    window : int, optional
        Keep only the last ``window`` points of each series (kernel and browser), for
        endless streams.

    Millions of points are fine: the browser keeps every point and draws about two
    per pixel column per series (each column's min and max), re-decimating on zoom and
    pan, so extremes always show and zooming in far enough shows every point.

    Returns
    -------
    ChartWidget
        Display it, then call ``append(values, series=None)`` to add points in place,
        ``update(values, series=None)`` to replace them, ``clear()`` and ``flush()``.
        Hovering shows a rule and every series' value there; wheel zooms, drag pans,
        double-click resets — even while the kernel is busy.

    Examples
    --------
    >>> chart = nbvis.linechart([[{{"x": 0, "y": 1.0}}], [{{"x": 0, "y": 2.0}}]], ["a", "b"])
    >>> chart  # display it
    >>> chart.append([[{{"x": 1, "y": 0.5}}], [{{"x": 1, "y": 1.5}}]])  # one point per series
    """
    return line_widget(
        values, series, width=width, height=height, x_label=x_label, y_label=y_label,
        x_type=x_type, y_type=y_type, x_axis_domain=x_axis_domain, y_axis_domain=y_axis_domain,
        zoom_to_fit=zoom_to_fit, log_y=log_y, series_colors=series_colors, smoothing=smoothing,
        font_size=font_size, window=window,
    )


@strict_kwargs
def scatterplot(
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
    log_y: bool = False,
    series_colors: Sequence[str] | None = None,
    point_size: float = 30,
    opacity: float = 0.8,
    font_size: int = 11,
    window: int | None = None,
) -> ChartWidget:
    """A live scatter plot of one or more series (colour and shape per series).
    {xy}
    point_size : float
        Area of a point in square pixels.
    opacity : float
        Point opacity in (0, 1].
    window : int, optional
        Keep only the last ``window`` points of each series (kernel and browser).

    With more than 50,000 points in view the browser draws a binned density (one mark
    per occupied cell of a few pixels, shaded by count) and says so under the chart;
    zooming in shows single points again.

    Returns
    -------
    ChartWidget
        ``append(values, series=None)``, ``update(...)``, ``clear()``; zoom and pan.

    Examples
    --------
    >>> nbvis.scatterplot({{"setosa": xy1, "virginica": xy2}}, x_label="petal length")  # (n, 2) arrays
    """
    return _xy_widget(
        scatter_spec, values, series,
        {"width": width, "height": height, "x_label": x_label, "y_label": y_label, "x_type": x_type,
         "y_type": y_type, "x_axis_domain": x_axis_domain, "y_axis_domain": y_axis_domain,
         "zoom_to_fit": zoom_to_fit, "log_y": log_y, "series_colors": series_colors,
         "point_size": point_size, "opacity": opacity, "font_size": font_size, "window": window},
    )


linechart.__doc__ = linechart.__wrapped__.__doc__ = linechart.__doc__.format(xy=_XY_DOC.rstrip())
scatterplot.__doc__ = scatterplot.__wrapped__.__doc__ = scatterplot.__doc__.format(xy=_XY_DOC.rstrip())


class _ReplaceAdapter:
    """``update(...)`` recomputes every dataset (and maybe the spec); ``append`` when it makes sense."""

    def __init__(
        self,
        build: Callable[..., tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]],
        *,
        append: Callable[..., dict[str, dict[str, Any]]] | None = None,
        what: str = "this chart",
    ) -> None:
        self.build = build
        self.append_rows = append
        self.what = what

    def update(self, chart: ChartWidget, *args: Any, **kwargs: Any) -> None:
        spec, datasets = self.build(*args, **kwargs)  # validates before anything changes
        with chart._lock:
            for name, columns in datasets.items():
                chart.replace_rows(name, columns)
            if spec is not None and spec != chart.spec:
                chart.spec = spec

    def append(self, chart: ChartWidget, *args: Any, **kwargs: Any) -> None:
        if self.append_rows is None:
            msg = f"{self.what} cannot grow row by row; call update(...) with all of its data"
            raise TypeError(msg)
        result = self.append_rows(chart, *args, **kwargs)
        spec = result.pop("__spec__", None)
        with chart._lock:
            for name, columns in result.items():
                chart.append_rows(name, columns)
            if spec is not None and spec != chart.spec:
                chart.spec = spec


# -- bar chart -------------------------------------------------------------------

_BAR_COLUMNS = {"index": ColumnSpec("category"), "value": ColumnSpec("number", "exact")}


def _bar_columns(data: Any, colors: list[str] | None, start: int = 0) -> dict[str, Any]:
    labels, values = bar_values(data)
    columns: dict[str, Any] = {"index": labels, "value": values}
    if colors is not None:
        columns["color"] = [colors[(start + i) % len(colors)] for i in range(len(labels))]
    return columns


@strict_kwargs
def barchart(
    data: Any,
    *,
    width: int | None = None,
    height: int | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
    color: str | Sequence[str] | None = None,
    font_size: int = 11,
) -> ChartWidget:
    """A live bar chart; bars keep the order given.

    Parameters
    ----------
    data : list of {"index", "value"}, dict, pandas Series or 1-D array
        ``[{"index": "foo", "value": 1}, {"index": 3, "value": 3}]`` (tfjs-vis form; the
        index may be a string or a number), ``{"foo": 1, ...}``, a Series (its index
        labels the bars) or plain values (bars 0, 1, 2, ...).
    color : str or list of str, optional
        One CSS colour for every bar, or one per bar (repeated if shorter).
    width, height, x_label, y_label, font_size
        As for :func:`linechart` (no axis titles by default).

    Returns
    -------
    ChartWidget
        ``append(data)`` adds bars at the end, ``update(data)`` replaces them.

    Examples
    --------
    >>> nbvis.barchart([{"index": "foo", "value": 1}, {"index": "bar", "value": 7},
    ...                 {"index": 3, "value": 3}, {"index": 5, "value": 6}], y_label="My value")
    """
    colors: list[str] | None = None
    if isinstance(color, (list, tuple)):
        colors = text_list(color, arg="color")
        if not colors:
            msg = "color: expected a colour or a non-empty list of colours, got []"
            raise ValueError(msg)
    spec = bar_spec(width=width, height=height, x_label=x_label, y_label=y_label,
                    color=None if colors else color, per_bar_colors=colors is not None, font_size=font_size)
    specs = dict(_BAR_COLUMNS)
    if colors is not None:
        specs["color"] = ColumnSpec("category")
    table = Table(specs)
    table.append(_bar_columns(data, colors))

    def update(new: Any) -> tuple[None, dict[str, dict[str, Any]]]:
        return None, {"values": _bar_columns(new, colors)}

    def append(chart: ChartWidget, new: Any) -> dict[str, dict[str, Any]]:
        return {"values": _bar_columns(new, colors, chart.tables["values"].n)}

    return ChartWidget(spec, {"values": table}, adapter=_ReplaceAdapter(update, append=append))


# -- histogram ---------------------------------------------------------------------

_BIN_COLUMNS = {n: ColumnSpec("number", "exact") for n in ("start", "end", "count")}
_STATS_COLUMNS = {"label": ColumnSpec("category"), "text": ColumnSpec("category")}
_STAT_KEYS = ("count", "min", "max", "zeros", "nans", "infs")
_TFJS_STATS = {"numVals": "count", "numNans": "nans", "numZeros": "zeros", "numInfs": "infs"}


def _check_stats(stats: Any) -> bool | dict[str, float | None]:
    if isinstance(stats, bool):
        return stats
    if not isinstance(stats, Mapping):
        msg = f"stats: expected True, False or a dict of precomputed stats, got {describe(stats)}"
        raise TypeError(msg)
    out: dict[str, float | None] = {}
    for key, value in stats.items():
        name = _TFJS_STATS.get(key, key)
        if name not in _STAT_KEYS:
            msg = f"stats: unknown field {key!r}; valid fields are {list(_STAT_KEYS)}"
            raise ValueError(msg)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float, np.number))):
            msg = f"stats[{key!r}]: expected a number or None, got {describe(value)}"
            raise TypeError(msg)
        out[name] = None if value is None else float(value)
    return out


def _histogram_columns(data: Any, max_bins: int, bins: Any, range_: Any, stats: Any) -> dict[str, dict[str, Any]]:
    values = flat_values(data)
    h = bin_values(values, max_bins=max_bins, bins=bins, range=range_)
    out: dict[str, dict[str, Any]] = {"bins": {"start": h.edges[:-1], "end": h.edges[1:], "count": h.counts}}
    if stats is not False:
        rows = stats_rows(h.stats if stats is True else stats)
        out["stats"] = {"label": [r[0] for r in rows], "text": [r[1] for r in rows]}
    return out


def _check_bins(max_bins: Any, bins: Any, range_: Any) -> tuple[int, Any, Any]:
    if isinstance(max_bins, bool) or not isinstance(max_bins, int) or max_bins < 1:
        msg = f"max_bins: expected a positive whole number, got {max_bins!r}"
        raise ValueError(msg)
    if bins is not None:
        if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
            if bins < 1:
                msg = f"bins: expected a positive number of bins or increasing edges, got {bins!r}"
                raise ValueError(msg)
        else:
            edges = flat_values(bins, arg="bins")
            if len(edges) < 2 or not np.all(np.isfinite(edges)) or not np.all(np.diff(edges) > 0):
                msg = f"bins: expected a number of bins or at least 2 finite, increasing edges, got {bins!r}"
                raise ValueError(msg)
            bins = edges.tolist()
    if range_ is not None:
        from .charts._common import check_domain

        range_ = check_domain(range_, arg="range")
    return max_bins, bins, range_


@strict_kwargs
def histogram(
    data: Any,
    *,
    max_bins: int = 12,
    bins: int | Sequence[float] | None = None,
    range: Sequence[float] | None = None,
    stats: bool | Mapping[str, float | None] = True,
    color: str = "#4c78a8",
    width: int | None = None,
    height: int | None = None,
    x_label: str | None = None,
    y_label: str | None = "count",
    font_size: int = 11,
) -> ChartWidget:
    """A histogram, binned in numpy: the browser receives one row per bin.

    Parameters
    ----------
    data : list, array or tensor of any shape
        The values (flattened); tfjs-vis's ``[{"value": 1}, ...]`` too. NaN and ±Inf
        are counted in the stats row but not binned. 10 million values are fine.
    max_bins : int
        At most this many bins with "nice" edges (Vega's rule, as in tfjs-vis).
    bins : int or list of float, optional
        Instead: a number of equal bins, or explicit increasing edges.
    range : [min, max], optional
        The binned range (values outside it are counted in the stats only).
    stats : bool or dict
        Show the stats row (count, min, max, zeros, NaNs, infinities, with shares);
        ``False`` hides it; a dict shows precomputed values (missing fields are left out;
        tfjs-vis's ``numVals``/``numNans``/``numZeros``/``numInfs`` are understood).

    Returns
    -------
    ChartWidget
        ``update(data)`` re-bins new values in place.

    Examples
    --------
    >>> nbvis.histogram([1, 5, 5, 5, 5, 10, -3, -3])             # 7 bins of width 2
    >>> nbvis.histogram([1, 5, 5, 5, 5, 10, -3, -3], max_bins=3)  # -5..0, 0..5, 5..10
    """
    max_bins, bins, range_ = _check_bins(max_bins, bins, range)
    stats = _check_stats(stats)
    spec = histogram_spec(width=width, height=height, x_label=x_label, y_label=y_label, color=color,
                          stats=stats is not False, font_size=font_size)
    datasets = _histogram_columns(data, max_bins, bins, range_, stats)
    tables = {"bins": Table(_BIN_COLUMNS)}
    if "stats" in datasets:
        tables["stats"] = Table(_STATS_COLUMNS)
    for name, columns in datasets.items():
        tables[name].append(columns)

    def update(new: Any, *, stats: Any = stats) -> tuple[None, dict[str, dict[str, Any]]]:
        new_stats = _check_stats(stats)
        if (new_stats is False) != ("stats" not in tables):
            msg = "stats: cannot be switched on or off by update(); make a new histogram"
            raise ValueError(msg)
        return None, _histogram_columns(new, max_bins, bins, range_, new_stats)

    return ChartWidget(spec, tables, adapter=_ReplaceAdapter(update, what="a histogram"))


# -- heatmap and confusion matrix -------------------------------------------------------

_CELL_COLUMNS = {
    "row": ColumnSpec("number", "exact"),
    "col": ColumnSpec("number", "exact"),
    "value": ColumnSpec("number", "exact"),
    "x_tick": ColumnSpec("category"),
    "y_tick": ColumnSpec("category"),
}
_MATRIX_COLUMNS = {"value": ColumnSpec("number", "f32")}


def _unwrap_tfjs(values: Any, keys: Mapping[str, str], given: dict[str, Any]) -> Any:
    """tfjs-vis's ``{"values": ..., "xTickLabels": ...}`` forms: fills ``given`` from the dict."""
    if isinstance(values, Mapping) and "values" in values:
        for key, value in values.items():
            if key == "values":
                continue
            name = keys.get(key)
            if name is None:
                msg = f"values: unknown key {key!r} in the values dict; valid keys are {['values', *keys]}"
                raise ValueError(msg)
            if given.get(name) is not None:
                msg = f"{name}: given twice, as {name}= and inside the values dict; pass one"
                raise ValueError(msg)
            given[name] = value
        return values["values"]
    return values


def _heatmap_columns(m: np.ndarray, xt: list[str], yt: list[str], raster: bool) -> dict[str, dict[str, Any]]:
    if raster:
        return {"matrix": {"value": m.reshape(-1)}}
    rows, cols = np.indices(m.shape)
    return {"cells": {"row": rows.reshape(-1), "col": cols.reshape(-1), "value": m.reshape(-1),
                      "x_tick": [xt[c] for c in cols.reshape(-1)], "y_tick": [yt[r] for r in rows.reshape(-1)]}}


@strict_kwargs
def heatmap(
    values: Any,
    *,
    x_tick_labels: Sequence[Any] | None = None,
    y_tick_labels: Sequence[Any] | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
    color_map: str | Sequence[str] = "viridis",
    domain: Sequence[float] | None = None,
    row_major: bool = True,
    raster: bool | None = None,
    width: int | None = None,
    height: int | None = None,
    font_size: int = 12,
) -> ChartWidget:
    """A heatmap of a 2-D matrix: ``values[row][col]``, row 0 at the top (as ``imshow``).

    Parameters
    ----------
    values : 2-D list, numpy array, pandas DataFrame, tf.Tensor or torch tensor
        Also tfjs-vis's ``{"values": ..., "xTickLabels": ..., "yTickLabels": ...}``.
    x_tick_labels, y_tick_labels : list, optional
        One label per column / row; duplicates keep their own cells, numbers keep
        their order.
    color_map : str or [low, high]
        ``"viridis"`` (default), ``"blues"``, ``"greyscale"``, any Vega scheme
        (``"magma"``, ``"redblue"``, ...), with ``"_r"`` to reverse; or two CSS colours.
    domain : [min, max], optional
        Colour-scale range, e.g. to share one scale between heatmaps.
    row_major : bool
        ``False`` reads ``values[i][j]`` as x = i, y = j (tfjs-vis's default).
    raster : bool, optional
        Draw one image instead of a rectangle per cell; default from 10,000 cells on.

    Returns
    -------
    ChartWidget
        ``update(values)`` replaces the matrix (in place when the shape is the same).

    Examples
    --------
    >>> nbvis.heatmap([[1, 0, 0], [0, 0.3, 0.7], [0, 0.7, 0.3]],
    ...               x_tick_labels=["Apple", "Orange", "Tangerine"],
    ...               y_tick_labels=["Apple", "Orange", "Tangerine"], color_map="blues")
    """
    given = {"x_tick_labels": x_tick_labels, "y_tick_labels": y_tick_labels}
    values = _unwrap_tfjs(values, {"xTickLabels": "x_tick_labels", "yTickLabels": "y_tick_labels",
                                   "x_tick_labels": "x_tick_labels", "y_tick_labels": "y_tick_labels"}, given)
    if not isinstance(row_major, bool):
        msg = f"row_major: expected True or False, got {row_major!r}"
        raise TypeError(msg)
    options = {"x_label": x_label, "y_label": y_label, "color_map": color_map, "domain": domain,
               "width": width, "height": height, "font_size": font_size}

    def build(new: Any, labels: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        m = to_matrix(new)
        if not row_major:
            m = m.T
        if m.size == 0:
            msg = f"values: expected a non-empty matrix, got shape {m.shape}"
            raise ValueError(msg)
        xt = text_list(labels["x_tick_labels"], arg="x_tick_labels", length=m.shape[1])
        yt = text_list(labels["y_tick_labels"], arg="y_tick_labels", length=m.shape[0])
        use_raster = m.size >= RASTER_CELLS if raster is None else bool(raster)
        spec = heatmap_spec(m.shape[0], m.shape[1], x_tick_labels=xt, y_tick_labels=yt, raster=use_raster, **options)
        xt = xt or [str(i) for i in range(m.shape[1])]
        yt = yt or [str(i) for i in range(m.shape[0])]
        return spec, _heatmap_columns(m, xt, yt, use_raster)

    spec, datasets = build(values, given)
    tables = {"cells": Table(_CELL_COLUMNS), "matrix": Table(_MATRIX_COLUMNS)}
    for name, columns in datasets.items():
        tables[name].append(columns)

    def update(new: Any, *, x_tick_labels: Any = None, y_tick_labels: Any = None) -> Any:
        labels = {"x_tick_labels": x_tick_labels, "y_tick_labels": y_tick_labels}
        new = _unwrap_tfjs(new, {"xTickLabels": "x_tick_labels", "yTickLabels": "y_tick_labels"}, labels)
        if labels == {"x_tick_labels": None, "y_tick_labels": None}:
            labels = given  # the chart's labels stay unless new ones are given
        spec, datasets = build(new, labels)
        other = "cells" if "matrix" in datasets else "matrix"
        return spec, {**datasets, other: {name: [] for name in tables[other].specs}}

    return ChartWidget(spec, tables, adapter=_ReplaceAdapter(update, what="a heatmap"))


_CONFUSION_COLUMNS = {
    "row": ColumnSpec("number", "exact"),
    "col": ColumnSpec("number", "exact"),
    "count": ColumnSpec("number", "exact"),
    "share": ColumnSpec("number", "exact"),
    "shade": ColumnSpec("number", "exact"),
    "text": ColumnSpec("category"),
    "label": ColumnSpec("category"),
    "prediction": ColumnSpec("category"),
}
_NORMALIZE = (None, "true", "pred", "all")


def _confusion_columns(
    counts: np.ndarray, labels: list[str], normalize: str | None, shade_diagonal: bool
) -> dict[str, Any]:
    n = counts.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        if normalize == "true":
            share = counts / counts.sum(axis=1, keepdims=True)
        elif normalize == "pred":
            share = counts / counts.sum(axis=0, keepdims=True)
        elif normalize == "all":
            share = counts / counts.sum()
        else:
            share = counts.copy()
    share = np.where(np.isfinite(share), share, 0.0)  # an empty row or column shares nothing
    shade = share.copy()
    off_diagonal = ~np.eye(n, dtype=bool)
    # tfjs-vis: an unshaded diagonal is shaded anyway when nothing off it is non-zero
    if not shade_diagonal and np.any(counts[off_diagonal] != 0):
        shade[~off_diagonal] = np.nan
    rows, cols = np.indices(counts.shape)
    if normalize is None:
        text = [format_number(v) for v in counts.reshape(-1)]
    else:
        text = [f"{100 * v:.0f}%" if v == 0 or v >= 0.01 else "<1%" for v in share.reshape(-1)]
    return {"row": rows.reshape(-1), "col": cols.reshape(-1), "count": counts.reshape(-1),
            "share": share.reshape(-1), "shade": shade.reshape(-1), "text": text,
            "label": [labels[r] for r in rows.reshape(-1)], "prediction": [labels[c] for c in cols.reshape(-1)]}


@strict_kwargs
def confusion_matrix(
    matrix: Any,
    *,
    tick_labels: Sequence[Any] | None = None,
    shade_diagonal: bool = True,
    show_text_overlay: bool = True,
    normalize: str | None = None,
    color_map: str | Sequence[str] = "blues",
    x_label: str | None = "prediction",
    y_label: str | None = "label",
    width: int | None = None,
    height: int | None = None,
    font_size: int = 12,
) -> ChartWidget:
    """A confusion matrix: rows are true labels, columns predictions.

    Parameters
    ----------
    matrix : square 2-D list, array or tensor of counts
        Also tfjs-vis's ``{"values": ..., "tickLabels": [...]}``. ``nbvis.metrics``
        computes one from labels and predictions.
    tick_labels : list, optional
        Class names (default ``"Class 0"``, ``"Class 1"``, ...).
    shade_diagonal : bool
        ``False`` leaves the (usually dominant) diagonal white so the errors get the
        whole colour range — unless every off-diagonal count is zero.
    show_text_overlay : bool
        Write each cell's count (or share) in it, white on dark cells, black on light.
    normalize : {None, "true", "pred", "all"}
        Show shares of each true class (rows; per-class recall on the diagonal), of
        each prediction (columns; precision) or of everything.
    color_map : str or [low, high]
        As for :func:`heatmap` (default ``"blues"``).

    Returns
    -------
    ChartWidget
        ``update(matrix)`` replaces the counts, e.g. after each epoch.

    Examples
    --------
    >>> nbvis.confusion_matrix([[8, 2], [1, 9]], tick_labels=["cat", "dog"], normalize="true")
    """
    given: dict[str, Any] = {"tick_labels": tick_labels}
    counts_in = _unwrap_tfjs(matrix, {"tickLabels": "tick_labels", "tick_labels": "tick_labels"}, given)
    if normalize not in _NORMALIZE:
        msg = f"normalize: expected one of {list(_NORMALIZE)}, got {normalize!r}"
        raise ValueError(msg)
    for name, flag in (("shade_diagonal", shade_diagonal), ("show_text_overlay", show_text_overlay)):
        if not isinstance(flag, bool):
            msg = f"{name}: expected True or False, got {flag!r}"
            raise TypeError(msg)

    def counts_of(new: Any) -> np.ndarray:
        m = to_matrix(new, arg="matrix")
        if m.shape[0] != m.shape[1] or m.size == 0:
            msg = f"matrix: expected a non-empty square matrix (classes x classes), got shape {m.shape}"
            raise ValueError(msg)
        if not np.all(np.isfinite(m)) or np.any(m < 0):
            msg = "matrix: expected finite, non-negative counts"
            raise ValueError(msg)
        return m

    counts = counts_of(counts_in)
    labels = text_list(given["tick_labels"], arg="tick_labels", length=counts.shape[0])
    labels = labels or [f"Class {i}" for i in range(counts.shape[0])]

    def spec_for(names: list[str]) -> dict[str, Any]:
        return confusion_spec(tick_labels=names, x_label=x_label, y_label=y_label, color_map=color_map,
                              show_text_overlay=show_text_overlay, normalized=normalize is not None,
                              width=width, height=height, font_size=font_size)

    spec = spec_for(labels)
    table = Table(_CONFUSION_COLUMNS)
    table.append(_confusion_columns(counts, labels, normalize, shade_diagonal))

    def update(new: Any, *, tick_labels: Any = None) -> Any:
        extra: dict[str, Any] = {"tick_labels": tick_labels}
        new = _unwrap_tfjs(new, {"tickLabels": "tick_labels"}, extra)
        m = counts_of(new)
        names = text_list(extra["tick_labels"], arg="tick_labels", length=m.shape[0])
        if names is None:
            names = labels if len(labels) == m.shape[0] else [f"Class {i}" for i in range(m.shape[0])]
        return spec_for(names), {"cells": _confusion_columns(m, names, normalize, shade_diagonal)}

    return ChartWidget(spec, {"cells": table}, adapter=_ReplaceAdapter(update, what="a confusion matrix"))


# -- table -----------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)) or value is None:
        return str(value)
    if isinstance(value, (int, float, np.number)):
        return format_number(value)
    return str(value)


def _table_columns(rows: list[list[Any]], width: int) -> dict[str, list[str]]:
    return {f"c{j}": [_cell_text(row[j]) for row in rows] for j in range(width)}


@strict_kwargs
def table(headers: Any, values: Any = None, *, font_size: int = 14) -> ChartWidget:
    """A table whose every cell is shown as text — never interpreted as HTML.

    Parameters
    ----------
    headers : list of str, or a pandas DataFrame (then ``values`` is left out)
    values : list of rows, or a 2-D array
        Each row has one cell per header. Numbers are formatted with thousands
        separators and at most 4 decimals; anything else is shown as ``str(cell)``.

    Returns
    -------
    ChartWidget
        ``append(rows)`` adds rows, ``update(rows)`` replaces them.

    Examples
    --------
    >>> nbvis.table(["model", "accuracy"], [["cnn", 0.9812], ["mlp", 0.9634]])
    """
    if isinstance(font_size, bool) or not isinstance(font_size, int) or font_size <= 0:
        msg = f"font_size: expected a positive whole number, got {font_size!r}"
        raise ValueError(msg)
    names, rows = table_rows(headers, values)
    numeric = [bool(rows) and all(isinstance(r[j], (int, float, np.number)) and not isinstance(r[j], bool)
                                  for r in rows) for j in range(len(names))]
    spec = table_spec(names, ["right" if n else "left" for n in numeric], font_size=font_size)
    t = Table({f"c{j}": ColumnSpec("category") for j in range(len(names))})
    t.append(_table_columns(rows, len(names)))

    def update(new: Any) -> tuple[None, dict[str, dict[str, Any]]]:
        _, new_rows = table_rows(names, new)
        return None, {"rows": _table_columns(new_rows, len(names))}

    def append(_chart: ChartWidget, new: Any) -> dict[str, dict[str, Any]]:
        _, new_rows = table_rows(names, new)
        return {"rows": _table_columns(new_rows, len(names))}

    return ChartWidget(spec, {"rows": t}, adapter=_ReplaceAdapter(update, append=append))


def tree_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], parents: Sequence[int], *,
    notes: Sequence[str] = (), font_size: int = 13,
) -> ChartWidget:
    """A table whose rows nest (``parents[i]`` is row i's parent row, or -1): rows with
    children get an expand/collapse toggle and start collapsed. Cells are text; ``notes``
    are lines of text under the table. Used by :func:`nbvis.show.model_summary`.
    """
    names, body = table_rows(list(headers), [list(r) for r in rows])
    if len(parents) != len(body) or any(not -1 <= p < i for i, p in enumerate(parents)):
        msg = "parents: expected one earlier row index (or -1) per row"
        raise ValueError(msg)
    depth: list[int] = []
    for p in parents:
        depth.append(0 if p < 0 else depth[p] + 1)
    numeric = [bool(body) and all(isinstance(r[j], (int, float, np.number)) and not isinstance(r[j], bool)
                                  for r in body) for j in range(len(names))]
    spec = table_spec(names, ["right" if n else "left" for n in numeric], font_size=font_size, tree=True,
                      notes=notes)
    t = Table({**{f"c{j}": ColumnSpec("category") for j in range(len(names))},
               "depth": ColumnSpec("number", "exact"), "parent": ColumnSpec("number", "exact")})
    t.append({**_table_columns(body, len(names)), "depth": np.asarray(depth, dtype=np.float64),
              "parent": np.asarray(parents, dtype=np.float64)})
    return ChartWidget(spec, {"rows": t})


_CHOICE_BIN_COLUMNS = {**_BIN_COLUMNS, "choice": ColumnSpec("number", "exact")}


def histogram_choice(
    named: Sequence[tuple[str, Any]], *, max_bins: int = 12, x_label: str | None = None,
    choice_label: str = "values ", width: int | None = None, height: int | None = 150,
) -> ChartWidget:
    """Several histograms in one chart with a drop-down that picks the one drawn.

    Every set of values is binned in numpy; all bins travel at once, so switching is
    instant and needs no kernel. Used by :func:`nbvis.show.layer` (one per weight).
    """
    if not named:
        msg = "named: expected at least one (name, values) pair"
        raise ValueError(msg)
    max_bins, _, _ = _check_bins(max_bins, None, None)
    parts: dict[str, list[np.ndarray]] = {"start": [], "end": [], "count": [], "choice": []}
    for i, (_, values) in enumerate(named):
        h = bin_values(flat_values(values), max_bins=max_bins)
        parts["start"].append(h.edges[:-1])
        parts["end"].append(h.edges[1:])
        parts["count"].append(h.counts.astype(np.float64))
        parts["choice"].append(np.full(h.counts.size, float(i)))
    spec = histogram_spec(width=width, height=height, x_label=x_label, stats=False,
                          choices=[name for name, _ in named], choice_label=choice_label)
    t = Table(_CHOICE_BIN_COLUMNS)
    t.append({k: np.concatenate(v) for k, v in parts.items()})
    return ChartWidget(spec, {"bins": t})


# -- image grid ------------------------------------------------------------------------

_IMAGE_COLUMNS = {
    "label": ColumnSpec("category"),
    **{n: ColumnSpec("number", "exact") for n in ("h", "w", "c", "offset", "px", "py", "cx", "ly")},
}
_PIXEL_COLUMNS = {"v": ColumnSpec("number", "u8")}


@strict_kwargs
def image_grid(
    images: Any,
    *,
    labels: Sequence[Any] | None = None,
    columns: int | None = None,
    size: int | None = None,
    color_map: str | None = None,
    font_size: int = 11,
) -> ChartWidget:
    """A grid of images with text labels; pixels travel as bytes, never as JSON.

    Parameters
    ----------
    images : (N, H, W) or (N, H, W, C) array or tensor, or a list of images
        NHWC; uint8 pixels are shown as they are, floats in [0, 1] are scaled by 255;
        1 (grey), 3 (RGB) or 4 (RGBA) channels; a list may mix sizes.
    labels : list, optional
        One label per image, shown under it as text.
    columns : int, optional
        Images per row (default: up to 8).
    size : int, optional
        Side of each image's box in pixels (default: the image size, between 64 and 160).
    color_map : {"viridis", "jet", "inferno", "gray"}, optional
        Colours for single-channel images (default: grey levels).

    Returns
    -------
    ChartWidget
        ``append(images, labels=None)`` adds images, ``update(images, labels=None)``
        replaces them.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> d = load_digits()
    >>> nbvis.image_grid(d.images[:16] / 16, labels=d.target[:16], columns=8)
    """
    if color_map is not None and color_map not in COLORMAPS:
        msg = f"color_map: expected one of {list(COLORMAPS)} or None, got {color_map!r}"
        raise ValueError(msg)
    if columns is not None and (isinstance(columns, bool) or not isinstance(columns, int) or columns < 1):
        msg = f"columns: expected a positive whole number, got {columns!r}"
        raise ValueError(msg)
    lut = colormap(color_map, arg="color_map") if color_map is not None else None

    def prepared(new: Any, new_labels: Any) -> tuple[list[np.ndarray], list[str]]:
        batch = image_batch(new)
        names = text_list(new_labels, arg="labels", length=len(batch))
        if lut is not None:
            batch = [lut[im[:, :, 0]] if im.shape[2] == 1 else im for im in batch]
        return batch, names if names is not None else [""] * len(batch)

    first, first_labels = prepared(images, labels)
    with_labels = labels is not None
    largest = max((max(im.shape[:2]) for im in first), default=64)
    tile = size if size is not None else int(min(160, max(64, largest)))
    n_columns = columns if columns is not None else max(1, min(8, len(first)))

    def spec_for(n: int) -> dict[str, Any]:
        return image_grid_spec(n, columns=n_columns, tile=tile, labels=with_labels,
                               smooth=tile < largest, font_size=font_size)

    def columns_for(batch: list[np.ndarray], names: list[str], start: int, offset: int) -> dict[str, dict[str, Any]]:
        layout = grid_layout(start + len(batch), n_columns, tile, labels=with_labels)[start:]
        sizes = [im.size for im in batch]
        offsets = offset + np.concatenate([[0], np.cumsum(sizes)[:-1]]) if batch else np.zeros(0)
        meta = {"label": names, "h": [im.shape[0] for im in batch], "w": [im.shape[1] for im in batch],
                "c": [im.shape[2] for im in batch], "offset": offsets,
                **{k: [p[i] for p in layout] for i, k in enumerate(("px", "py", "cx", "ly"))}}
        pixels = np.concatenate([im.reshape(-1) for im in batch]) if batch else np.zeros(0, np.uint8)
        return {"images": meta, "pixels": {"v": pixels}}

    tables = {"images": Table(_IMAGE_COLUMNS), "pixels": Table(_PIXEL_COLUMNS)}
    for name, cols in columns_for(first, first_labels, 0, 0).items():
        tables[name].append(cols)

    def update(new: Any, labels: Any = None) -> Any:
        if with_labels and labels is None:
            msg = "labels: this grid shows labels; pass one per image"
            raise ValueError(msg)
        batch, names = prepared(new, labels)
        return spec_for(len(batch)), columns_for(batch, names, 0, 0)

    def append(chart: ChartWidget, new: Any, labels: Any = None) -> dict[str, Any]:
        if with_labels and labels is None:
            msg = "labels: this grid shows labels; pass one per image"
            raise ValueError(msg)
        batch, names = prepared(new, labels)
        start = chart.tables["images"].n
        out = columns_for(batch, names, start, chart.tables["pixels"].n)
        out["__spec__"] = spec_for(start + len(batch))
        return out

    return ChartWidget(spec_for(len(first)), tables, adapter=_ReplaceAdapter(update, append=append))
