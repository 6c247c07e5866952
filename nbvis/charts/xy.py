"""The XY kinds — line chart and scatter plot (tfjs-vis ``render.linechart``/``scatterplot``).

Everything about them is here: their one option set (:class:`XYOptions`), the pure spec
builders :func:`line_spec` and :func:`scatter_spec`, the dataset schema (long ``x, y,
series`` rows in :data:`~nbvis._contract.VALUES`), the adapter that turns
``append``/``update`` arguments into rows, and the chart functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np

from .._columns import Blocks, ColumnSpec, Repeated, Table
from .._contract import (
    EVENTS,
    HOVER_PARAM,
    SMOOTHED,
    THIN_FIELD,
    VALUES,
    ZOOM_PARAM,
    ChartMeta,
    LodMeta,
    SmoothMeta,
    chart_meta,
    with_meta,
)
from .._inputs import XYSeries, xy_series
from .._validate import (
    check_bool,
    check_choice,
    check_domain,
    check_number,
    check_smoothing,
    check_text,
    check_window,
    strict_kwargs,
)
from ..widgets import Change, ChartWidget
from ._common import big_number_labels, top_level

__all__ = ["PAN", "XYOptions", "line_spec", "line_widget", "linechart", "scatter_spec", "scatterplot"]

#: Series a chart's legend lists before it says "… N entries" (Vega's own cut).
LEGEND_ENTRIES = 40

FieldType = Literal["quantitative", "ordinal", "nominal", "temporal"]
_FIELD_TYPES = ("quantitative", "ordinal", "nominal", "temporal")

#: Drag pans, except with Shift held: a Shift-drag draws a box to zoom into (the browser).
PAN = "[pointerdown[!event.shiftKey], window:pointerup] > window:pointermove!"

#: The columns of :data:`~nbvis._contract.VALUES`.
XY_COLUMNS = {"x": ColumnSpec("number", "exact"), "y": ColumnSpec("number", "f32"), "series": ColumnSpec("category")}
#: The columns of :data:`~nbvis._contract.EVENTS`.
EVENT_COLUMNS = {"x": ColumnSpec("number", "exact"), "label": ColumnSpec("category")}


# -- options ---------------------------------------------------------------------------


@dataclass(frozen=True)
class XYOptions:
    """The options line charts and scatter plots share, checked once when made.

    Examples
    --------
    >>> XYOptions(x_label="step", log_y=True).y_type
    'quantitative'
    """

    width: int | None = None
    height: int | None = None
    x_label: str | None = "x"
    y_label: str | None = "y"
    x_type: FieldType = "quantitative"
    y_type: FieldType = "quantitative"
    x_axis_domain: Sequence[float] | None = None
    y_axis_domain: Sequence[float] | None = None
    zoom_to_fit: bool = False
    log_y: bool = False
    series_colors: Sequence[str] | None = None
    font_size: float = 11
    x_integer: bool = False
    points: bool = False
    title: str | None = None

    def __post_init__(self) -> None:
        check_text(self.title, arg="title")
        check_text(self.x_label, arg="x_label")
        check_text(self.y_label, arg="y_label")
        check_choice(self.x_type, _FIELD_TYPES, arg="x_type")
        check_choice(self.y_type, _FIELD_TYPES, arg="y_type")
        object.__setattr__(self, "x_axis_domain", check_domain(self.x_axis_domain, arg="x_axis_domain"))
        object.__setattr__(self, "y_axis_domain", check_domain(self.y_axis_domain, arg="y_axis_domain"))
        check_bool(self.zoom_to_fit, arg="zoom_to_fit")
        check_bool(self.log_y, arg="log_y")
        check_bool(self.x_integer, arg="x_integer")
        check_bool(self.points, arg="points")
        colors = self.series_colors
        if colors is not None and (
            isinstance(colors, str) or not isinstance(colors, (list, tuple))
            or not all(isinstance(c, str) and c for c in colors)
        ):
            msg = f"series_colors: expected a list of CSS colours, got {colors!r}"
            raise TypeError(msg)

    @classmethod
    def pick(cls, values: Mapping[str, Any]) -> XYOptions:
        """The options among ``values`` (e.g. a chart function's ``locals()``)."""
        return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})

    def parts(self, names: list[str], *, shape: bool = False) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Encodings (x, y, colour and optionally shape by series) and the tooltip."""
        colors = self.series_colors
        if colors is not None and len(colors) < len(names):
            msg = (
                f"series_colors: {len(colors)} colour(s) for {len(names)} series; give one colour per series "
                "(extra colours are kept for series appended later)"
            )
            raise ValueError(msg)

        def scale(domain: Sequence[float] | None, log: bool) -> dict[str, Any]:
            out: dict[str, Any] = {}
            if log:
                out["type"] = "log"
            if self.zoom_to_fit:
                out["zero"] = False
            elif domain is not None:
                out["domain"] = list(domain)
            return out

        # a legend lists the first LEGEND_ENTRIES series and says how many more there are:
        # a thousand runs would otherwise make a legend (and a canvas) 17,000 px tall
        legend = {"title": None, "orient": "right", "symbolLimit": LEGEND_ENTRIES} if len(names) > 1 else None
        color: dict[str, Any] = {"field": "series", "type": "nominal", "scale": {"domain": names}, "legend": legend}
        if colors is not None:
            color["scale"]["range"] = list(colors[: len(names)])
        x_axis = {"x": {"field": "x", "type": self.x_type, "title": self.x_label, "scale": scale(self.x_axis_domain, False)}}
        if self.x_integer:  # steps and epochs: no "1.5" tick, no "1.000000" label
            x_axis["x"]["axis"] = {"tickMinStep": 1, "format": "~s"}
        encoding: dict[str, Any] = {
            **x_axis,
            "y": {"field": "y", "type": self.y_type, "title": self.y_label,
                  "scale": scale(self.y_axis_domain, self.log_y),
                  **({"axis": {"labelExpr": big_number_labels("y")}} if self.y_type == "quantitative" else {})},
            "color": color,
        }
        if shape:
            encoding["shape"] = {"field": "series", "type": "nominal", "scale": {"domain": names}, "legend": legend}
        x_tip: dict[str, Any] = {"field": "x", "type": self.x_type, "title": self.x_label or "x"}
        y_tip: dict[str, Any] = {"field": "y", "type": self.y_type, "title": self.y_label or "y"}
        for tip, kind in ((x_tip, self.x_type), (y_tip, self.y_type)):
            if kind == "quantitative":
                tip["format"] = ".4~g"
        tooltip = [{"field": "series", "type": "nominal", "title": "series"}, x_tip, y_tip]
        return encoding, tooltip

    def top(self) -> dict[str, Any]:
        return top_level(self.width, self.height, default_height=250, font_size=self.font_size, title=self.title)


def _options(options: XYOptions | None, given: dict[str, Any], builder: str) -> XYOptions:
    known = {f.name for f in fields(XYOptions)}
    unknown = sorted(set(given) - known)
    if unknown:
        msg = f"{builder}() got unexpected option(s) {unknown}; XY options are {sorted(known)}"
        raise TypeError(msg)
    if options is not None and given:
        msg = f"{builder}(): pass options= or keyword options, not both"
        raise TypeError(msg)
    return options if options is not None else XYOptions(**given)


def _zoom(encodings: list[str]) -> list[dict[str, Any]]:
    return [{"name": ZOOM_PARAM, "select": {"type": "interval", "encodings": encodings, "translate": PAN},
             "bind": "scales"}]


# -- spec builders ---------------------------------------------------------------------


def line_spec(
    series: Sequence[str],
    options: XYOptions | None = None,
    *,
    dataset: str = VALUES,
    smoothing: float | None = None,
    events: bool = False,
    interactive: bool = True,
    **xy: Any,
) -> dict[str, Any]:
    """Vega-Lite spec of a multi-series line chart over the named dataset ``dataset``.

    The dataset has one row per point with fields ``x``, ``y`` and ``series``; the
    series keep the given order in the legend and the colour scale.

    Parameters
    ----------
    series : list of str
        Series names, in legend order.
    options : XYOptions, optional
        The XY options; or give them as keywords (``x_label="step"``, ...).
    smoothing : float, optional
        Adds TensorBoard-style exponential smoothing: the raw lines are drawn faint and
        the smoothed ones (dataset ``"smoothed"``, computed in the browser) bold, with
        a slider and a log-scale toggle that work while the kernel is busy.
    events : bool
        Adds vertical rules with labels from dataset ``"events"`` (fields ``x``, ``label``).
    interactive : bool
        Zoom (wheel) and pan (drag) along x; Shift-drag zooms into the dragged range;
        double-click resets. Over 20,000 points (drawn with a level of detail), y fits
        what is in view.

    Examples
    --------
    >>> spec = line_spec(["loss", "val_loss"], x_label="epoch")
    >>> spec["layer"][0]["data"], spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    ({'name': 'values'}, ['loss', 'val_loss'])
    """
    opts = _options(options, xy, "line_spec")
    weight = check_smoothing(smoothing)
    lines, tooltip = opts.parts(list(series))
    raw: dict[str, Any] = {
        "data": {"name": dataset},
        "mark": {"type": "line", "clip": True, **({"opacity": 0.3} if weight is not None else {}),
                 # a point per row: a series of one row (the first epoch) is visible
                 **({"point": {"filled": True, "size": 30}} if opts.points else {})},
        "encoding": lines,
    }
    if interactive:
        raw["params"] = _zoom(["x"])
    layers: list[dict[str, Any]] = [raw]
    if weight is not None:
        layers.append(
            {"data": {"name": SMOOTHED}, "mark": {"type": "line", "clip": True, "strokeWidth": 2}, "encoding": lines}
        )
    # the hover rule: follows the nearest point's x, with every series' tooltip there;
    # rows the browser thins out for hovering a big series (THIN_FIELD, js/src/runtime/lod-view.js)
    hover_rows = [{"filter": f"!datum.{THIN_FIELD}"}]
    layers.append(
        {
            "data": {"name": dataset},
            "transform": hover_rows,
            "params": [{"name": HOVER_PARAM, "select": {"type": "point", "encodings": ["x"], "nearest": True,
                                                    "on": "pointermove", "clear": "pointerout"}}],
            "mark": {"type": "rule", "clip": True, "color": "#888", "strokeWidth": 1},
            "encoding": {
                "x": lines["x"],
                "opacity": {"condition": {"param": HOVER_PARAM, "empty": False, "value": 0.6}, "value": 0},
            },
        }
    )
    layers.append(
        {
            # points: hover targets for the tooltip, drawn where the rule is
            "data": {"name": dataset},
            "transform": hover_rows,
            "mark": {"type": "point", "clip": True, "filled": True, "size": 40},
            "encoding": {
                **lines,
                "opacity": {"condition": {"param": HOVER_PARAM, "empty": False, "value": 1}, "value": 0},
                "tooltip": tooltip,
            },
        }
    )
    if events:
        rule = {"x": {"field": "x", "type": opts.x_type}}
        layers.append(
            {
                "data": {"name": EVENTS},
                "layer": [
                    {"mark": {"type": "rule", "color": "#d62728", "strokeDash": [4, 3]}, "encoding": rule},
                    {
                        "mark": {"type": "text", "color": "#d62728", "align": "left", "dx": 3, "dy": 6,
                                 "baseline": "top", "y": 0},
                        "encoding": {**rule, "text": {"field": "label", "type": "nominal"}},
                    },
                ],
            }
        )
    meta = ChartMeta(lod=LodMeta(dataset=dataset, kind="line"))
    if weight is not None:
        meta["smooth"] = SmoothMeta(source=dataset, target=SMOOTHED, weight=weight)
        meta["log_toggle"] = True
    return with_meta({**opts.top(), "layer": layers}, meta)


def scatter_spec(
    series: Sequence[str],
    options: XYOptions | None = None,
    *,
    dataset: str = VALUES,
    point_size: float = 30,
    opacity: float = 0.8,
    interactive: bool = True,
    **xy: Any,
) -> dict[str, Any]:
    """Vega-Lite spec of a multi-series scatter plot over the named dataset ``dataset``.

    Series differ by colour *and* shape (readable in grey print and by colour-blind
    readers), in the given order. The options are :func:`line_spec`'s; both axes honour
    ``zoom_to_fit`` and their domain. Above a few ten thousand visible points the
    browser draws a binned density (``usermeta.nbvis.lod``).

    Examples
    --------
    >>> spec = scatter_spec(["train", "test"], x_label="GDP")
    >>> spec["layer"][0]["mark"]["type"], spec["layer"][0]["encoding"]["shape"]["field"]
    ('point', 'series')
    """
    opts = _options(options, xy, "scatter_spec")
    if isinstance(point_size, bool) or not isinstance(point_size, (int, float)) or not point_size > 0:
        msg = f"point_size: expected a positive area in square pixels, got {point_size!r}"
        raise ValueError(msg)
    check_number(opacity, arg="opacity", low=0, high=1, open_low=True)
    encoding, tooltip = opts.parts(list(series), shape=True)
    # a binned-density mark is shaded by how many points it stands for
    density = {"test": "datum.nbvis_count > 1", "field": "nbvis_alpha", "type": "quantitative", "scale": None}
    layer: dict[str, Any] = {
        "data": {"name": dataset},
        "mark": {"type": "point", "clip": True, "filled": True, "size": point_size},
        "encoding": {**encoding, "opacity": {"condition": density, "value": opacity}, "tooltip": tooltip},
    }
    if interactive:
        layer["params"] = _zoom(["x", "y"])
    return with_meta({**opts.top(), "layer": [layer]}, ChartMeta(lod=LodMeta(dataset=dataset, kind="points")))


# -- rows and the adapter --------------------------------------------------------------


def xy_columns(series: Sequence[XYSeries]) -> dict[str, Any]:
    """Parsed series as the columns of :data:`XY_COLUMNS`."""
    x = np.concatenate([s.x for s in series]) if series else np.empty(0)
    # a name per row for the few rows of a streaming append (the fastest path there); a
    # block per series for big data (a million rows: six times faster than a million strings)
    names: Blocks | list[str] = (
        Blocks(tuple(Repeated(s.name, len(s.x)) for s in series)) if len(x) > 64
        else [s.name for s in series for _ in range(len(s.x))]
    )
    return {"x": x, "y": np.concatenate([s.y for s in series]) if series else np.empty(0), "series": names}


def legend(spec: Mapping[str, Any]) -> list[str]:
    """The series names of an XY spec, in legend order."""
    return list(spec["layer"][0]["encoding"]["color"]["scale"]["domain"])


@dataclass(frozen=True)
class XYAdapter:
    """append/update for XY charts: new series names extend the legend (a new spec)."""

    spec_for: Callable[[list[str]], dict[str, Any]]

    def append(self, widget: ChartWidget, values: Any, series: Any = None) -> Change:
        known = legend(widget.spec)
        parsed = xy_series(values, series, default_names=known)
        new = [s.name for s in parsed if s.name not in known]
        spec = self.spec_for(known + new) if new else None  # may refuse: before any row
        return Change(append={VALUES: xy_columns(parsed)}, spec=spec)

    def update(self, widget: ChartWidget, values: Any, series: Any = None) -> Change:
        parsed = xy_series(values, series)
        names = [s.name for s in parsed]
        spec = self.spec_for(names) if names != legend(widget.spec) else None
        return Change(replace={VALUES: xy_columns(parsed)}, spec=spec)


def _xy_widget(builder: Callable[[list[str]], dict[str, Any]], values: Any, series: Any,
               window: int | None, *, events: bool = False) -> ChartWidget:
    parsed = xy_series(values, series)
    spec = builder([s.name for s in parsed])  # validates the options before any widget exists
    table = Table(XY_COLUMNS)
    table.append(xy_columns(parsed))
    tables = {VALUES: table}
    if events:
        tables[EVENTS] = Table(EVENT_COLUMNS)
    kind = chart_meta(spec)["lod"]["kind"]
    return ChartWidget(spec, tables, adapter=XYAdapter(builder), lod={VALUES: kind}, window=window)


def line_widget(values: Any, series: Any = None, *, smoothing: float | None = None, events: bool = False,
                window: int | None = None, **options: Any) -> ChartWidget:
    """A live line chart with every :func:`line_spec` option.

    With ``events=True`` the chart also has an ``"events"`` dataset (``x``, ``label``)
    drawn as labelled vertical rules; add rows with ``chart.append_rows("events", ...)``.
    """
    opts = _options(None, options, "line_widget")
    window = check_window(window)

    def builder(names: list[str]) -> dict[str, Any]:
        return line_spec(names, opts, smoothing=smoothing, events=events)

    return _xy_widget(builder, values, series, window, events=events)


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
    title : str, optional
        A title above the chart (shown as text, never as markup), in the picture and files too.
    window : int, optional
        Keep only the last ``window`` points of each series (kernel and browser), for
        endless streams.
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
    x_type: FieldType = "quantitative",
    y_type: FieldType = "quantitative",
    x_axis_domain: Sequence[float] | None = None,
    y_axis_domain: Sequence[float] | None = None,
    zoom_to_fit: bool = False,
    log_y: bool = False,
    series_colors: Sequence[str] | None = None,
    smoothing: float | None = None,
    font_size: int = 11,
    title: str | None = None,
    window: int | None = None,
) -> ChartWidget:
    """A live line chart of one or more series.
    {xy}
    smoothing : float, optional
        TensorBoard-style smoothing weight in [0, 1): smoothed lines over faint raw
        ones, with a slider and a log-scale toggle that work without the kernel.

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
    opts = XYOptions.pick(locals())
    window = check_window(window)

    def builder(names: list[str]) -> dict[str, Any]:
        return line_spec(names, opts, smoothing=smoothing)

    return _xy_widget(builder, values, series, window)


@strict_kwargs
def scatterplot(
    values: Any,
    series: Sequence[str] | str | None = None,
    *,
    width: int | None = None,
    height: int | None = None,
    x_label: str | None = "x",
    y_label: str | None = "y",
    x_type: FieldType = "quantitative",
    y_type: FieldType = "quantitative",
    x_axis_domain: Sequence[float] | None = None,
    y_axis_domain: Sequence[float] | None = None,
    zoom_to_fit: bool = False,
    log_y: bool = False,
    series_colors: Sequence[str] | None = None,
    point_size: float = 30,
    opacity: float = 0.8,
    font_size: int = 11,
    title: str | None = None,
    window: int | None = None,
) -> ChartWidget:
    """A live scatter plot of one or more series (colour and shape per series).
    {xy}
    point_size : float
        Area of a point in square pixels.
    opacity : float
        Point opacity in (0, 1].

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
    opts = XYOptions.pick(locals())
    window = check_window(window)

    def builder(names: list[str]) -> dict[str, Any]:
        return scatter_spec(names, opts, point_size=point_size, opacity=opacity)

    return _xy_widget(builder, values, series, window)


for _function in (linechart, scatterplot):
    _function.__doc__ = (_function.__doc__ or "").format(xy=_XY_DOC.rstrip())
    _function.__wrapped__.__doc__ = _function.__doc__  # type: ignore[union-attr]
