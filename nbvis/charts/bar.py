"""The bar kinds — bar chart and histogram (tfjs-vis ``render.barchart``/``histogram``).

Here: the pure spec builders :func:`bar_spec` and :func:`histogram_spec`, the dataset
schemas (bars in :data:`~nbvis._contract.VALUES`; bins in :data:`~nbvis._contract.BINS`
and the stats row in :data:`~nbvis._contract.STATS`), binning, the adapters and the chart
functions. Bins are computed in numpy; the browser gets one row per bin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._columns import ColumnSpec, Table
from .._contract import BINS, STATS, VALUES, ChartMeta, with_meta
from .._inputs import bar_values, flat_values
from .._stats import histogram as bin_values
from .._stats import stats_rows
from .._validate import check_domain, check_positive_int, check_text, describe, strict_kwargs, text_list
from ..widgets import Change, ChartWidget, FunctionAdapter
from ._common import top_level

__all__ = ["CHOICE", "bar_spec", "barchart", "histogram", "histogram_choice", "histogram_spec"]

#: The signal of the histogram drop-down (which of several histograms is drawn).
CHOICE = "nbvis_choice"
_DEFAULT_COLOR = "#4c78a8"


def _check_color(value: Any, *, arg: str = "color") -> str:
    if not isinstance(value, str) or not value:
        msg = f"{arg}: expected a CSS colour string, got {value!r}"
        raise TypeError(msg)
    return value


def bar_spec(
    *,
    dataset: str = VALUES,
    width: int | None = None,
    height: int | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
    color: Any = None,
    per_bar_colors: bool = False,
    font_size: int = 11,
    title: str | None = None,
) -> dict[str, Any]:
    """Vega-Lite spec of a bar chart over dataset rows ``index`` (label), ``value``.

    Bars keep the order of the rows (no sorting: ``"10"`` stays after ``"9"``). With
    ``per_bar_colors`` each row carries its own ``color`` field; otherwise every bar is
    ``color``.

    Examples
    --------
    >>> bar_spec(y_label="accuracy")["encoding"]["x"]["sort"] is None
    True
    """
    mark: dict[str, Any] = {"type": "bar", "tooltip": False}
    encoding: dict[str, Any] = {
        "x": {"field": "index", "type": "ordinal", "sort": None, "title": check_text(x_label, arg="x_label"),
              "axis": {"labelAngle": 0, "labelOverlap": True}},
        "y": {"field": "value", "type": "quantitative", "title": check_text(y_label, arg="y_label")},
        "tooltip": [
            {"field": "index", "type": "nominal", "title": x_label or "index"},
            {"field": "value", "type": "quantitative", "title": y_label or "value", "format": ".4~g"},
        ],
    }
    if per_bar_colors:
        encoding["color"] = {"field": "color", "type": "nominal", "scale": None, "legend": None}
    else:
        mark["color"] = _check_color(color if color is not None else _DEFAULT_COLOR)
    return {
        **top_level(width, height, default_height=250, font_size=font_size, title=title),
        "data": {"name": dataset},
        "mark": mark,
        "encoding": encoding,
    }


def histogram_spec(
    *,
    dataset: str = BINS,
    width: int | None = None,
    height: int | None = None,
    x_label: str | None = None,
    y_label: str | None = "count",
    color: str = _DEFAULT_COLOR,
    stats: bool = True,
    font_size: int = 11,
    title: str | None = None,
    choices: Sequence[str] | None = None,
    choice_label: str = "values ",
) -> dict[str, Any]:
    """Vega-Lite spec of a histogram over pre-binned rows ``start``, ``end``, ``count``.

    Binning happens in numpy (:func:`nbvis._stats.histogram`); the browser gets one row
    per bin. With ``stats`` the chart also shows the ``"stats"`` dataset (``label``,
    ``text``) as a row of text above the plot, as tfjs-vis does. With ``choices``, the
    rows hold several histograms told apart by a ``choice`` field (0, 1, ...), and a
    drop-down (a Vega binding, so it works without the kernel) picks the one drawn.

    Examples
    --------
    >>> histogram_spec()["encoding"]["x"]["bin"]
    'binned'
    """
    spec: dict[str, Any] = {
        **top_level(width, height, default_height=200, font_size=font_size, title=title),
        "data": {"name": dataset},
        "mark": {"type": "bar", "color": _check_color(color), "binSpacing": 1},
        "encoding": {
            "x": {"field": "start", "type": "quantitative", "bin": "binned",
                  "title": check_text(x_label, arg="x_label"), "axis": {"labelOverlap": True}},
            "x2": {"field": "end"},
            "y": {"field": "count", "type": "quantitative", "title": check_text(y_label, arg="y_label")},
            "tooltip": [
                {"field": "start", "type": "quantitative", "title": "from", "format": ".4~g"},
                {"field": "end", "type": "quantitative", "title": "to", "format": ".4~g"},
                {"field": "count", "type": "quantitative", "title": "count", "format": ","},
            ],
        },
    }
    if choices is not None:
        names = text_list(choices, arg="choices") or []
        spec["params"] = [{
            "name": CHOICE,
            "value": 0,
            "bind": {"input": "select", "options": list(range(len(names))), "labels": names,
                     "name": check_text(choice_label, arg="choice_label")},
        }]
        spec["transform"] = [{"filter": f"datum.choice == {CHOICE}"}]
    return with_meta(spec, ChartMeta(stats=STATS)) if stats else spec


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
    title: str | None = None,
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
    width, height, x_label, y_label, font_size, title
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
                    color=None if colors else color, per_bar_colors=colors is not None, font_size=font_size,
                    title=title)
    specs = dict(_BAR_COLUMNS)
    if colors is not None:
        specs["color"] = ColumnSpec("category")
    table = Table(specs)
    table.append(_bar_columns(data, colors))

    def update(_chart: ChartWidget, new: Any) -> Change:
        return Change(replace={VALUES: _bar_columns(new, colors)})

    def append(chart: ChartWidget, new: Any) -> Change:
        return Change(append={VALUES: _bar_columns(new, colors, chart.tables[VALUES].n)})

    return ChartWidget(spec, {VALUES: table}, adapter=FunctionAdapter(update, append))


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
    out: dict[str, dict[str, Any]] = {BINS: {"start": h.edges[:-1], "end": h.edges[1:], "count": h.counts}}
    if stats is not False:
        rows = stats_rows(h.stats if stats is True else stats)
        out[STATS] = {"label": [r[0] for r in rows], "text": [r[1] for r in rows]}
    return out


def _check_bins(max_bins: Any, bins: Any, range_: Any) -> tuple[int, Any, Any]:
    max_bins = check_positive_int(max_bins, arg="max_bins")
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
    title: str | None = None,
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
    title : str, optional
        A title above the chart, as text (see :func:`linechart`).

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
                          stats=stats is not False, font_size=font_size, title=title)
    datasets = _histogram_columns(data, max_bins, bins, range_, stats)
    tables = {BINS: Table(_BIN_COLUMNS)}
    if STATS in datasets:
        tables[STATS] = Table(_STATS_COLUMNS)
    for name, columns in datasets.items():
        tables[name].append(columns)

    def update(_chart: ChartWidget, new: Any, *, stats: Any = stats) -> Change:
        new_stats = _check_stats(stats)
        if (new_stats is False) != (STATS not in tables):
            msg = "stats: cannot be switched on or off by update(); make a new histogram"
            raise ValueError(msg)
        return Change(replace=_histogram_columns(new, max_bins, bins, range_, new_stats))

    return ChartWidget(spec, tables, adapter=FunctionAdapter(update, what="a histogram"))


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
    return ChartWidget(spec, {BINS: t})


