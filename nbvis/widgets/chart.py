"""ChartWidget: one generic, live Vega-Lite chart (traits and messages; rows in its store).

The spec is a JSON trait whose data are *named datasets* (:mod:`nbvis._contract`).
The Vega libraries (~900 KB) are not part of a chart: every chart references one
:class:`~nbvis.widgets.runtime.VegaRuntime` model per kernel, which the browser imports
once per page; each chart carries only the small ``chart.js`` module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets
import traitlets as t

from .._bundle import Module, runtime_source
from .._columns import Table
from ..export import Snapshot, full_spec, take_snapshot
from ._live import LiveWidget
from .runtime import VegaRuntime

__all__ = ["ChartWidget"]


class ChartWidget(LiveWidget):
    """A live Vega-Lite chart whose data can grow after it is displayed.

    Chart functions such as :func:`nbvis.linechart` build these; use them rather than
    the constructor.

    Parameters
    ----------
    spec : dict
        A Vega-Lite spec whose data are named datasets (``{"data": {"name": ...}}``).
    tables : mapping of str to Table
        The rows of each named dataset.
    adapter : Adapter, optional
        Turns the arguments of :meth:`append` and :meth:`update` into rows.
    flush_interval : float
        Seconds between two data messages at most (default 0.1).
    lod : mapping of str to {"line", "points"}, optional
        Datasets of long ``x, y, series`` rows drawn with a level of detail: over
        ``nbvis._store.STATE_ROWS`` rows their state is a decimated overview (the full
        rows follow as messages), and pictures are decimated at their pixel width.
    window : int, optional
        Keep only the last ``window`` rows of each series of the ``lod`` datasets, in the
        kernel and in the browser (for endless streams).

    Examples
    --------
    >>> chart = nbvis.linechart([{"x": 0, "y": 1.0}])  # a ChartWidget
    >>> chart.append([{"x": 1, "y": 0.5}])             # drawn in place, no re-embed
    >>> chart.flush()                                  # send now instead of within 100 ms
    """

    _esm = Module("chart.js")

    spec = t.Dict().tag(sync=True)
    _runtime = t.Instance(VegaRuntime).tag(sync=True, **ipywidgets.widget_serialization)
    #: the runtime's hash: a page that already imported it needs no model lookup
    _runtime_hash = t.Unicode().tag(sync=True)

    def __init__(self, spec: Mapping[str, Any], tables: Mapping[str, Table], **kwargs: Any) -> None:
        runtime = VegaRuntime.shared()
        super().__init__(tables, spec=dict(spec), _runtime=runtime, _runtime_hash=runtime.hash, **kwargs)
        self.observe(self._on_spec_change, names="spec")

    def _on_request(self, kind: str, content: dict[str, Any]) -> None:
        if kind == "runtime":  # the page could not reach the runtime model: the bundle itself
            source, digest = runtime_source()
            self.send({"type": "runtime", "hash": digest}, [source.encode("utf-8")])
        else:
            super()._on_request(kind, content)

    def snapshot(self, *, decimate: bool = True) -> Snapshot:
        """The chart as data (spec and a copy of its rows) for :mod:`nbvis.export`; with
        ``decimate`` big series are decimated to more columns than a picture has."""
        return take_snapshot(self.spec, self._store, decimate=decimate, uid=self._uid)

    def to_dict(self) -> dict[str, Any]:
        """A standalone Vega-Lite spec with every row inline (for vl-convert, the Vega
        editor, or :meth:`to_altair`). ``spec`` is the live one, with named datasets."""
        return full_spec(self.snapshot(decimate=False))

    def to_altair(self) -> Any:
        """The chart as an Altair chart, data included (needs ``pip install altair``)."""
        try:
            import altair as alt
        except ImportError as exc:
            msg = "to_altair() needs Altair: pip install altair"
            raise ImportError(msg) from exc
        spec = self.to_dict()
        kind = alt.LayerChart if "layer" in spec else alt.Chart
        return kind.from_dict(spec)

    def _set_spec(self, spec: dict[str, Any]) -> None:
        if spec != self.spec:
            self.spec = spec

    def _on_spec_change(self, _change: Any) -> None:
        with self._lock:
            self._changed_locked()
