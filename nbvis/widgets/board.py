"""RunsBoard: many runs on one board, one chart per tag (see :func:`nbvis.show.runs`).

Every point of every run travels once, as binary rows of one ``scalars`` dataset
(``run``, ``tag``, ``step``, ``time`` since the run's start, ``value``). The browser
(``js/src/board/``) keeps them per run and tag and does everything else itself —
level of detail, smoothing, the x axis, linked zoom, hide/solo, filters, the tooltip,
the HParams table — so the board works while the kernel is busy. Run colours are
given here, in the board's order, and travel in ``runs_info``: a run keeps its colour on
every chart and across reloads (and, since a logdir loads in start-time order, across
restarts).
"""

from __future__ import annotations

import colorsys
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import traitlets as t

from .._bundle import Module
from .._columns import ColumnSpec, Repeated, Table
from .._contract import SCALARS
from .._downsample import m4
from ..export import PICTURE_COLUMNS, Snapshot
from ..runs import Run, RunSet
from ..runs._run import Hub, Rows, read_runs
from ..runs._tail import POLL, LogdirTail, Watcher
from ._live import LiveWidget

__all__ = ["RunsBoard", "run_color"]

# Vega's category10 then the lighter half of category20: what TensorBoard-like boards use
_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
)


def run_color(index: int) -> str:
    """The colour of the ``index``-th run of a board: the palette, then golden-angle hues."""
    if index < len(_PALETTE):
        return _PALETTE[index]
    hue = (index * 0.618033988749895) % 1.0
    r, g, b = colorsys.hls_to_rgb(hue, 0.45, 0.65)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _schema() -> dict[str, ColumnSpec]:
    # stored as sent (u8/u16 codes, int32 steps, float32 times and values, widening when a
    # value needs it): a board holds every point of every run, and its state encodes without copies
    return {
        "run": ColumnSpec("category", compact=True), "tag": ColumnSpec("category", compact=True),
        "step": ColumnSpec(compact=True), "time": ColumnSpec(precision="f32", compact=True),
        "value": ColumnSpec(precision="f32", compact=True),
    }


# The notes of this source say what the board waits for; they clear when a run joins.
WAITING = "waiting"


class RunsBoard(LiveWidget):
    """A board of runs: one chart per tag, every run a series, and an HParams table.

    Build it with :func:`nbvis.show.runs`.
    """

    _esm = Module("board.js")

    runs_info: t.List[dict[str, Any]] = t.List().tag(sync=True)
    options = t.Dict().tag(sync=True)
    notes = t.List(t.Unicode()).tag(sync=True)
    loading = t.Dict().tag(sync=True)  # {"done": runs read, "total": runs} while runs are read from disk

    def __init__(
        self,
        runs: RunSet,
        *,
        smoothing: float = 0.6,
        x_axis: str = "step",
        height: int = 220,
        pending: Sequence[Run | tuple[str, str]] = (),
        tail: LogdirTail | None = None,
        watch: bool = False,
        poll: float = POLL,
        **kwargs: Any,
    ) -> None:
        super().__init__({SCALARS: Table(_schema())}, flush_interval=0.1, **kwargs)
        self.options = {"smoothing": smoothing, "x_axis": x_axis, "height": height}
        self._runs = RunSet(logdir=runs.logdir)
        self._unsubscribe: list[Any] = []
        self._board_lock = threading.RLock()
        self._notes: dict[str, list[str]] = {}
        self._watcher: Watcher | None = None
        for run in runs:
            self.add_run(run)
        self._pending = list(pending)
        self._loaded = threading.Event()
        if self._pending and runs.logdir is not None:
            self.loading = {"done": len(self._runs), "total": len(self._runs) + len(self._pending)}
            threading.Thread(target=self._read_pending, args=(runs.logdir,), name="nbvis-board-reader",
                             daemon=True).start()
        elif tail is None or tail.runs or not tail.storage.remote:
            self._loaded.set()
        if tail is not None:
            # a remote logdir is read by the watcher's first poll (then _loaded is set);
            # a local one was read above, and the watcher tails it from there
            first = None if not self._loaded.is_set() and not self._pending else self._loaded
            self._watcher = Watcher(tail, self, poll=poll, first=first, once=not watch, loaded=self._loaded).start()
        if runs.logdir is not None and (tail is None or not tail.storage.remote):
            Hub.shared().watch(runs.logdir, self)

    def _read_pending(self, logdir: str) -> None:
        done, total = len(self._runs), len(self._runs) + len(self._pending)
        try:
            for run in read_runs(self._pending, logdir=logdir):
                if self._closed:
                    return
                self.add_run(run)
                done += 1
                self.loading = {"done": done, "total": total}
        except Exception as exc:  # the board keeps going, with what it has; the note says why
            self.set_notes("reader", [f"reading {logdir} stopped after {done} runs ({type(exc).__name__}: {exc})"])
        finally:
            self.loading = {}
            self._loaded.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every run of the logdir has been read from disk (a big logdir is
        read on a background thread, its runs joining the board as they come).

        Returns
        -------
        bool
            ``True`` once everything is read; ``False`` if ``timeout`` seconds passed first.

        Examples
        --------
        >>> board = nbvis.show.runs("big_logdir")
        >>> board.wait()
        >>> board.runs.to_pandas()
        """
        return self._loaded.wait(timeout)

    @property
    def runs(self) -> RunSet:
        """The runs on the board (runs started later in its logdir join it)."""
        return self._runs

    @property
    def charts(self) -> list[str]:
        """The board's tags, one chart each, in order."""
        return self._runs.tags

    def add_run(self, run: Run) -> None:
        """Put ``run`` on the board (with every point it has) and follow its new points."""
        with self._board_lock:
            if not self._runs.add(run):
                return
            info = {
                "name": run.name, "color": run_color(len(self.runs_info)), "start": run.start_time,
                "hparams": dict(run.hparams),
            }
            self.runs_info = [*self.runs_info, info]
            self.set_notes(WAITING, [])
            if run.problems:
                self.set_notes(f"run:{run.name}", [f"{run.name}: {p}" for p in run.problems])
            # every point so far, and from the same instant on every new one: none twice
            rows, unsubscribe = run.follow(self._take)
            self._unsubscribe.append(unsubscribe)
            self._take(run, rows)

    def _take(self, run: Run, rows: Rows) -> None:
        if self._closed:
            return
        for tag, (step, wall, value) in rows.items():
            if len(step):  # one label per column, not per row: a run of 40,000 points is 4 appends
                self.append_rows(SCALARS, {
                    "run": Repeated(run.name, len(step)), "tag": Repeated(tag, len(step)),
                    "step": step, "time": wall - run.start_time, "value": value,
                })

    def set_notes(self, source: str, texts: Sequence[str]) -> None:
        """The notes shown on the board from ``source`` (a reader, the watcher, a run),
        replacing its earlier ones; ``[]`` clears them. Notes from :data:`WAITING` clear
        when a run joins."""
        with self._board_lock:
            if list(texts) == self._notes.get(source, []):
                return
            if texts:
                self._notes[source] = list(texts)
            else:
                self._notes.pop(source, None)
            self.notes = [text for group in self._notes.values() for text in group]

    def set_loading(self, done: int, total: int) -> None:
        """Show a progress bar for runs being read (``total`` 0 hides it)."""
        loading = {"done": done, "total": total} if total else {}
        if loading != self.loading:
            self.loading = loading

    @property
    def watching(self) -> bool:
        """Whether the board is tailing its logdir (``watch=True``, until :meth:`stop`)."""
        return self._watcher is not None and self._watcher.running and not self._watcher.once

    def stop(self) -> None:
        """Stop tailing the logdir (the board keeps what it has; runs this kernel logs
        still join it). Closing the board, or re-running its cell, stops it too."""
        if self._watcher is not None:
            self._watcher.stop()

    def close(self) -> None:
        """Stop following the runs and close the widget."""
        self.stop()
        Hub.shared().unwatch(self)
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        super().close()

    def __repr__(self) -> str:
        return f"<nbvis runs board: {len(self._runs)} runs, tags {self._runs.tags}>"

    def snapshot(self, *, decimate: bool = True) -> Snapshot:
        """The board as one Vega-Lite chart per tag (raw values, decimated for a
        picture), coloured as on the board."""
        return board_snapshot(self._runs, self.runs_info, self.options, decimate=decimate, uid=self._uid)


def board_snapshot(
    runs: Iterable[Run], runs_info: list[dict[str, Any]], options: Mapping[str, Any], *, decimate: bool, uid: str = ""
) -> Snapshot:
    """A faceted line chart of ``runs`` (one facet per tag) for pictures and files."""
    table = Table({"run": ColumnSpec("category"), "tag": ColumnSpec("category"), "step": ColumnSpec(),
                   "value": ColumnSpec(precision="f32")})
    for run in runs:
        for tag in run.tags:
            s = run.scalars(tag)
            keep = np.arange(len(s)) if not decimate else m4(s.step, s.value, PICTURE_COLUMNS // 4)
            table.append({"run": [run.name] * len(keep), "tag": [tag] * len(keep),
                          "step": s.step[keep], "value": s.value[keep]})
    names = [info["name"] for info in runs_info]
    colors = [info["color"] for info in runs_info]
    columns = max(1, min(3, len({*table.labels("tag")}) or 1))
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"name": "values"},
        "facet": {"field": "tag", "type": "nominal", "title": None, "header": {"labelFontSize": 12}},
        "columns": columns,
        "spec": {
            "width": 300 if columns > 1 else 480, "height": int(options.get("height", 220)) - 40,
            "mark": {"type": "line", "strokeWidth": 1.5, "clip": True},
            "encoding": {
                "x": {"field": "step", "type": "quantitative", "title": "step", "axis": {"format": "~s", "tickMinStep": 1}},
                "y": {"field": "value", "type": "quantitative", "title": None, "scale": {"zero": False}},
                "color": {"field": "run", "type": "nominal", "scale": {"domain": names, "range": colors},
                          "legend": {"title": "run", "labelLimit": 240}},
            },
        },
        "resolve": {"scale": {"y": "independent", "x": "independent"}},
    }
    if table.n == 0:
        spec["spec"]["mark"] = {"type": "text", "text": "no scalars yet"}
    return Snapshot(spec, {"values": table}, uid)
