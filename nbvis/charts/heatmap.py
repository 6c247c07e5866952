"""The matrix kinds — heatmap and confusion matrix (tfjs-vis ``render.heatmap``/``confusionMatrix``).

Here: the pure spec builders, the dataset schemas (one row per cell in
:data:`~nbvis._contract.CELLS`; a big heatmap's row-major values in
:data:`~nbvis._contract.MATRIX`, painted by the browser into
:data:`~nbvis._contract.RASTER`), the confusion matrix's shares and text, and the chart
functions. Cells are rows ``row``, ``col`` (integer positions; row 0 at the top) plus
values. Tick labels travel as parameter *values* (JSON data), looked up by position in
the axis' ``labelExpr``: duplicates keep their place, numbers keep their order, and a
label is never parsed as markup or as a Vega expression.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._colors import color_scale
from .._columns import ColumnSpec, Table
from .._contract import CELLS, MATRIX, RASTER, ChartMeta, RasterMeta, with_meta
from .._inputs import matrix as to_matrix
from .._stats import format_number
from .._validate import check_bool, check_choice, check_domain, check_text, strict_kwargs, text_list
from ..widgets import Change, ChartWidget, FunctionAdapter
from ._common import top_level

__all__ = ["RASTER_CELLS", "confusion_matrix", "confusion_spec", "heatmap", "heatmap_spec"]

#: Heatmaps with at least this many cells are drawn as one image, not a rect per cell.
RASTER_CELLS = 10_000


def _ticks_param(name: str, labels: list[str] | None) -> list[dict[str, Any]]:
    return [] if labels is None else [{"name": name, "value": labels}]


def _axis(labels: list[str] | None, param: str, *, quantitative: bool = False) -> dict[str, Any]:
    axis: dict[str, Any] = {"labelOverlap": True} if labels is None or len(labels) > 30 else {"labelOverlap": False}
    if labels is not None:
        index = "floor(datum.value)" if quantitative else "datum.value"
        axis["labelExpr"] = f"{param}[{index}]"
        if quantitative:
            axis["values"] = [i + 0.5 for i in range(len(labels))]
            axis["grid"] = False
    return axis


def heatmap_spec(
    rows: int,
    cols: int,
    *,
    x_tick_labels: list[str] | None = None,
    y_tick_labels: list[str] | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
    color_map: Any = "viridis",
    domain: Any = None,
    raster: bool | None = None,
    width: int | None = None,
    height: int | None = None,
    font_size: int = 12,
    title: str | None = None,
) -> dict[str, Any]:
    """Vega-Lite spec of a ``rows`` x ``cols`` heatmap.

    Small matrices are a ``rect`` per cell over dataset ``"cells"`` (``row``, ``col``,
    ``value``, ``x_tick``, ``y_tick``), with tooltips. From :data:`RASTER_CELLS` cells
    on (or with ``raster=True``) the matrix is one image painted in the browser from
    dataset ``"matrix"`` (``value``, row-major) with the same colour scale as the legend.

    Examples
    --------
    >>> spec = heatmap_spec(2, 3, x_tick_labels=["a", "b", "a"], color_map="blues")
    >>> spec["encoding"]["color"]["scale"]
    {'scheme': 'blues'}
    """
    x_label = check_text(x_label, arg="x_label")
    y_label = check_text(y_label, arg="y_label")
    scale: dict[str, Any] = dict(color_scale(color_map))
    if "range" in scale:
        scale["interpolate"] = "rgb"
    dom = check_domain(domain, arg="domain")
    if dom is not None:
        scale["domain"] = dom
    use_raster = rows * cols >= RASTER_CELLS if raster is None else bool(raster)
    default_height = 300 if use_raster else min(400, max(120, 24 * rows))
    base = top_level(width, height, default_height=default_height, font_size=font_size, band_gaps=False, title=title)
    params = _ticks_param("nbvis_x_ticks", x_tick_labels) + _ticks_param("nbvis_y_ticks", y_tick_labels)
    if params:
        base["params"] = params
    legend = {"title": None, "gradientLength": 120}
    if not use_raster:
        return {
            **base,
            "data": {"name": CELLS},
            "mark": {"type": "rect", "tooltip": False},
            "encoding": {
                "x": {"field": "col", "type": "ordinal", "title": x_label, "axis": _axis(x_tick_labels, "nbvis_x_ticks")},
                "y": {"field": "row", "type": "ordinal", "title": y_label, "axis": _axis(y_tick_labels, "nbvis_y_ticks")},
                "color": {"field": "value", "type": "quantitative", "scale": scale, "legend": legend},
                "tooltip": [
                    {"field": "y_tick", "type": "nominal", "title": y_label or "row"},
                    {"field": "x_tick", "type": "nominal", "title": x_label or "column"},
                    {"field": "value", "type": "quantitative", "title": "value", "format": ".4~g"},
                ],
            },
        }
    position = {
        "x": {"field": "x0", "type": "quantitative", "title": x_label,
              "scale": {"domain": [0, cols], "nice": False, "zero": False},
              "axis": _axis(x_tick_labels, "nbvis_x_ticks", quantitative=True)},
        "x2": {"field": "x1"},
        "y": {"field": "y0", "type": "quantitative", "title": y_label,
              "scale": {"domain": [0, rows], "nice": False, "zero": False, "reverse": True},
              "axis": _axis(y_tick_labels, "nbvis_y_ticks", quantitative=True)},
        "y2": {"field": "y1"},
    }
    spec = {
        **base,
        "layer": [
            {
                "data": {"name": RASTER},
                "transform": [{"filter": "isValid(datum.url)"}],
                "mark": {"type": "image", "aspect": False, "smooth": False},
                "encoding": {**position, "url": {"field": "url", "type": "nominal"}},
            },
            {
                # an invisible mark that carries the colour legend of the painted image
                "data": {"name": RASTER},
                "mark": {"type": "point", "opacity": 0},
                "encoding": {
                    "x": position["x"], "y": position["y"],
                    "color": {"field": "v", "type": "quantitative", "scale": scale, "legend": legend},
                },
            },
        ],
    }
    meta = RasterMeta(source=MATRIX, target=RASTER, rows=rows, cols=cols, color=scale, domain=dom)  # type: ignore[typeddict-item]
    return with_meta(spec, ChartMeta(raster=meta))


def confusion_spec(
    *,
    tick_labels: list[str],
    x_label: str | None = "prediction",
    y_label: str | None = "label",
    color_map: Any = "blues",
    show_text_overlay: bool = True,
    normalized: bool = False,
    width: int | None = None,
    height: int | None = None,
    font_size: int = 12,
    title: str | None = None,
) -> dict[str, Any]:
    """Vega-Lite spec of a confusion matrix over dataset ``"cells"``.

    Rows are true labels, columns predictions. Cell fields: ``row``, ``col``, ``count``,
    ``share`` (normalised value), ``shade`` (the value that colours the cell, null for
    an unshaded diagonal), ``text`` (the overlay), ``label``, ``prediction``. The
    overlay is white on dark cells and black on light ones, whatever the colour map.

    Examples
    --------
    >>> spec = confusion_spec(tick_labels=["cat", "dog"])
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['rect', 'rect', 'text']
    """
    scale: dict[str, Any] = dict(color_scale(color_map))
    if "range" in scale:
        scale["interpolate"] = "rgb"
    axis_x = _axis(tick_labels, "nbvis_ticks")
    axis_x["labelAngle"] = 0 if len(tick_labels) * max(map(len, tick_labels), default=0) <= 48 else -45
    position = {
        "x": {"field": "col", "type": "ordinal", "title": check_text(x_label, arg="x_label"), "axis": axis_x},
        "y": {"field": "row", "type": "ordinal", "title": check_text(y_label, arg="y_label"),
              "axis": _axis(tick_labels, "nbvis_ticks")},
    }
    tooltip = [
        {"field": "label", "type": "nominal", "title": y_label or "label"},
        {"field": "prediction", "type": "nominal", "title": x_label or "prediction"},
        {"field": "count", "type": "quantitative", "title": "count", "format": ",.4~f"},
    ]
    if normalized:
        tooltip.append({"field": "share", "type": "quantitative", "title": "share", "format": ".1%"})
    layers: list[dict[str, Any]] = [
        {
            "transform": [{"filter": "isValid(datum.shade)"}],
            "mark": {"type": "rect"},
            "encoding": {**position, "tooltip": tooltip,
                         "color": {"field": "shade", "type": "quantitative", "scale": scale,
                                   "legend": {"title": None, "format": ".0%" if normalized else ",.4~f",
                                              "gradientLength": 120}}},
        },
        {
            "transform": [{"filter": "!isValid(datum.shade)"}],
            "mark": {"type": "rect", "color": "white", "stroke": "#ccc", "strokeWidth": 0.5},
            "encoding": {**position, "tooltip": tooltip},
        },
    ]
    if show_text_overlay:
        layers.append(
            {
                "mark": {"type": "text", "baseline": "middle"},
                "encoding": {
                    **position,
                    "text": {"field": "text", "type": "nominal"},
                    "color": {
                        "condition": {
                            "test": "isValid(datum.shade) && luminance(scale('color', datum.shade)) < 0.4",
                            "value": "white",
                        },
                        "value": "black",
                    },
                },
            }
        )
    return {
        **top_level(width, height, default_height=400, font_size=font_size, band_gaps=False, title=title),
        "params": _ticks_param("nbvis_ticks", tick_labels),
        "data": {"name": CELLS},
        "layer": layers,
    }


# -- widgets ----------------------------------------------------------------------------

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
        return {MATRIX: {"value": m.reshape(-1)}}
    rows, cols = np.indices(m.shape)
    return {CELLS: {"row": rows.reshape(-1), "col": cols.reshape(-1), "value": m.reshape(-1),
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
    title: str | None = None,
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
    title : str, optional
        A title above the chart, as text (see :func:`linechart`).

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
    check_bool(row_major, arg="row_major")
    options: dict[str, Any] = {"x_label": x_label, "y_label": y_label, "color_map": color_map, "domain": domain,
               "width": width, "height": height, "font_size": font_size, "title": title}

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
    tables = {CELLS: Table(_CELL_COLUMNS), MATRIX: Table(_MATRIX_COLUMNS)}
    for name, columns in datasets.items():
        tables[name].append(columns)

    def update(_chart: ChartWidget, new: Any, *, x_tick_labels: Any = None, y_tick_labels: Any = None) -> Change:
        labels = {"x_tick_labels": x_tick_labels, "y_tick_labels": y_tick_labels}
        new = _unwrap_tfjs(new, {"xTickLabels": "x_tick_labels", "yTickLabels": "y_tick_labels"}, labels)
        if labels == {"x_tick_labels": None, "y_tick_labels": None}:
            labels = given  # the chart's labels stay unless new ones are given
        spec, datasets = build(new, labels)
        other = CELLS if MATRIX in datasets else MATRIX
        return Change(replace={**datasets, other: {name: [] for name in tables[other].specs}}, spec=spec)

    return ChartWidget(spec, tables, adapter=FunctionAdapter(update, what="a heatmap"))


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
    title: str | None = None,
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
    title : str, optional
        A title above the chart, as text (see :func:`linechart`).

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
    check_choice(normalize, _NORMALIZE, arg="normalize")
    check_bool(shade_diagonal, arg="shade_diagonal")
    check_bool(show_text_overlay, arg="show_text_overlay")

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
                              width=width, height=height, font_size=font_size, title=title)

    spec = spec_for(labels)
    table = Table(_CONFUSION_COLUMNS)
    table.append(_confusion_columns(counts, labels, normalize, shade_diagonal))

    def update(_chart: ChartWidget, new: Any, *, tick_labels: Any = None) -> Change:
        extra: dict[str, Any] = {"tick_labels": tick_labels}
        new = _unwrap_tfjs(new, {"tickLabels": "tick_labels"}, extra)
        m = counts_of(new)
        names = text_list(extra["tick_labels"], arg="tick_labels", length=m.shape[0])
        if names is None:
            names = labels if len(labels) == m.shape[0] else [f"Class {i}" for i in range(m.shape[0])]
        return Change(replace={CELLS: _confusion_columns(m, names, normalize, shade_diagonal)}, spec=spec_for(names))

    return ChartWidget(spec, {CELLS: table}, adapter=FunctionAdapter(update, what="a confusion matrix"))


