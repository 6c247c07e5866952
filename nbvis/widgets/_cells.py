"""Which cell displayed which chart, so that re-running a cell frees the charts it replaced.

ipywidgets keeps every widget until it is closed, and the browser keeps its model, so a
cell that makes a chart leaks one chart (with all its rows) each time it is re-run. At the
end of a run, the charts the same cell displayed in earlier runs are closed when nothing
refers to them any more: no variable (IPython's output cache ``_``, ``_12``, ``Out`` aside),
no list or dict, no container widget, no callback object. A chart something still holds is
kept, and looked at again after the cell's next run.
"""

from __future__ import annotations

import gc
import re
import types
import weakref
from typing import Any

import ipywidgets

__all__ = ["CellCharts"]

#: Names IPython's output cache binds in the user namespace: ``_``, ``__``, ``___``, ``_12``.
_CACHE_NAME = re.compile(r"_{1,3}|_\d+")


class CellCharts:
    """The charts each cell displayed, per IPython shell (see the module docstring)."""

    _ATTR = "_nbvis_cell_charts"

    def __init__(self, shell: Any) -> None:
        self._shell = shell
        # cell id -> [(id of the run's ExecutionResult, weak reference to the chart)]
        self._charts: dict[str, list[tuple[int, weakref.ref[Any]]]] = {}
        shell.events.register("post_run_cell", self._on_post_run_cell)

    @classmethod
    def of(cls, shell: Any) -> CellCharts:
        """The shell's tracker, created (and hooked to the end of every run) on first use."""
        tracker = shell.__dict__.get(cls._ATTR)
        if tracker is None:
            tracker = cls(shell)
            setattr(shell, cls._ATTR, tracker)
        return tracker

    def displayed(self, chart: Any) -> None:
        """Note that the running cell displayed ``chart`` (outside a cell run: nothing)."""
        run = getattr(self._shell.displayhook, "exec_result", None)
        cell = getattr(getattr(run, "info", None), "cell_id", None)
        if run is None or not cell:
            return
        entries = [(r, ref) for r, ref in self._charts.get(cell, []) if ref() is not chart]
        entries.append((id(run), weakref.ref(chart)))
        self._charts[cell] = entries

    def _on_post_run_cell(self, result: Any) -> None:
        cell = getattr(getattr(result, "info", None), "cell_id", None)
        entries = self._charts.get(cell) if cell else None
        if not entries:
            return
        current = [(r, ref) for r, ref in entries if r == id(result) and ref() is not None]
        earlier = [(r, ref) for r, ref in entries if r != id(result) and ref() is not None]
        charts = tuple(c for c in (ref() for _, ref in earlier) if c is not None and c.comm is not None)
        held = held_elsewhere(charts, self._shell) if charts else set()
        for chart in charts:
            if id(chart) not in held:
                chart.close()
        del charts
        kept = [(r, ref) for r, ref in earlier if getattr(ref(), "comm", None) is not None]
        self._charts[str(cell)] = kept + current


def held_elsewhere(charts: tuple[Any, ...], shell: Any) -> set[int]:
    """The ids of those ``charts`` that something besides nbvis, ipywidgets' registry, the
    charts' own callbacks and IPython's output cache refers to."""
    wanted = {id(c) for c in charts}
    ns = shell.user_ns
    held = {id(v) for k, v in ns.items() if id(v) in wanted and not _CACHE_NAME.fullmatch(k)}
    registry = getattr(ipywidgets.widgets.widget, "_instances", None)
    # the output cache: Out/_oh, and _, __, ___ in the displayhook and the hidden namespace
    cache = (ns.get("_oh"), getattr(shell, "displayhook", None), getattr(shell, "user_ns_hidden", None))
    internal = {id(ns), id(registry), id(charts), *(id(c) for c in cache if c is not None)}
    referrers = gc.get_referrers(*charts)
    internal.add(id(referrers))
    for referrer in referrers:
        if id(referrer) in internal or isinstance(referrer, (types.FrameType, types.MethodType)):
            continue  # the chart's bound methods are its comm's, timer's and events' callbacks
        held.update(id(r) for r in gc.get_referents(referrer) if id(r) in wanted)
    return held
