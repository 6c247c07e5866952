"""The runs board: ``nbvis.show.runs(logdir_or_runs)``."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

from .._contract import X_AXES
from .._validate import check_choice, check_smoothing, strict_kwargs
from ..runs import Run, RunSet
from ..runs._run import check_logdir, read_run, scan_logdir, warn_problems
from ..runs._storage import Storage, is_url
from ..runs._tail import POLL, LogdirTail
from ..widgets.board import WAITING, RunsBoard

__all__ = ["runs"]

# A logdir is read on the calling thread for this long; the rest joins the board from a
# background thread (a progress bar meanwhile), so a big logdir is on screen at once.
_READ_BUDGET_S = 0.5


@strict_kwargs
def runs(
    source: str | os.PathLike[str] | RunSet | Run | Sequence[Run],
    *,
    smoothing: float = 0.6,
    x_axis: str = "step",
    height: int = 220,
    watch: bool = False,
    poll: float = POLL,
    storage_options: Mapping[str, Any] | None = None,
) -> RunsBoard:
    """Compare runs on one board: one chart per tag, every run a series.

    Parameters
    ----------
    source : path, URL, RunSet, Run or list of Run
        A TensorBoard logdir (every run in it, every point; runs started later in this
        kernel with that logdir join the board live) — a local path or an fsspec URL
        (``s3://bucket/logs``, ``gs://…``, ``hdfs://…``; ``gfile://…`` reads through
        TensorFlow's ``tf.io.gfile``) — or runs in memory.
    smoothing : float
        Initial smoothing in [0, 1) (TensorBoard's); a slider changes it in the browser.
    x_axis : {"step", "relative", "wall"}
        Initial x axis: the global step, time since each run's start, or wall time.
    height : int
        Height of each chart in pixels.
    watch : bool
        Tail the logdir on a background thread: runs that appear later join the board,
        new points stream onto it, a restarted writer's new file is read too. Only new
        bytes are read; the listing backs off (up to 10 s) while nothing changes.
        ``board.stop()``, closing the board or re-running its cell stop it. Faults (a
        file deleted, truncated or unreadable, the network) are noted on the board and
        watching resumes when they clear.
    poll : float
        Seconds between listings while the logdir changes (default 1).
    storage_options : dict, optional
        fsspec options for a URL (e.g. ``{"endpoint_url": "http://127.0.0.1:9000"}``);
        without them fsspec's configuration and the usual credentials apply.

    Returns
    -------
    RunsBoard
        ``board.runs`` is the :class:`~nbvis.runs.RunSet` it shows. A big logdir is
        on screen at once: what can be read in half a second is there when the call
        returns, and the other runs join the board, in order, from a background thread
        (a progress bar shows how far it got); ``board.wait()`` waits for them.

    Notes
    -----
    In the browser: click a run in the legend to hide it, shift-click to show it
    alone; the two text boxes filter runs and tags by regular expression; wheel or
    Shift-drag on a chart zooms every chart's x, drag pans, double-click resets;
    hovering or clicking a row of the HParams table highlights that run everywhere.

    Examples
    --------
    >>> board = nbvis.show.runs("logs")
    >>> board.runs["lr=0.01"].hparams
    >>> board = nbvis.show.runs("s3://bucket/logs", watch=True)   # a job elsewhere
    >>> board.stop()
    """
    check_smoothing(smoothing)
    if smoothing is None:
        smoothing = 0.0
    check_choice(x_axis, X_AXES, arg="x_axis")
    if isinstance(height, bool) or not isinstance(height, int) or height < 80:
        msg = f"height: expected an int of at least 80 (pixels), got {height!r}"
        raise ValueError(msg)
    if not isinstance(watch, bool):
        msg = f"watch: expected True or False, got {watch!r}"
        raise TypeError(msg)
    if isinstance(poll, bool) or not isinstance(poll, (int, float)) or not 0.05 <= poll <= 3600:
        msg = f"poll: expected a number of seconds between 0.05 and 3600, got {poll!r}"
        raise ValueError(msg)
    pending: list[Run | tuple[str, str]] = []
    tail: LogdirTail | None = None
    waiting = ""
    if is_url(source):
        storage = Storage(str(source), storage_options)
        runset = RunSet(logdir=storage.logdir)
        tail = LogdirTail(storage)  # its first poll reads the logdir on the board's thread
    elif isinstance(source, (str, os.PathLike)):
        path = check_logdir(source, missing_ok=True)  # a board shown before training made it
        if os.path.isdir(path):
            runset, pending = _read_for(path, _READ_BUDGET_S)
        else:
            runset = RunSet(logdir=path)
            if not watch:  # watching, the watcher says what it waits for
                waiting = (f"{os.fspath(source)}: no such folder yet; runs started in this kernel with this logdir "
                           "join the board (watch=True also waits for runs that other processes write there)")
        if watch:
            tail = LogdirTail(Storage(runset.logdir or ""), adopt=runset)
    elif isinstance(source, RunSet):
        runset = source
    elif isinstance(source, Run):
        runset = RunSet([source])
    elif isinstance(source, Sequence) and all(isinstance(r, Run) for r in source):
        runset = RunSet(list(source))  # type: ignore[arg-type]
    else:
        msg = (
            "source: expected a logdir path, an nbvis.runs.RunSet, a Run or a list of Runs, "
            f"got {type(source).__name__}"
        )
        raise TypeError(msg)
    if watch and tail is None:
        msg = "watch: only a logdir (a path or a URL) can be watched; runs in memory are live already"
        raise ValueError(msg)
    board = RunsBoard(runset, smoothing=float(smoothing), x_axis=x_axis, height=height, pending=pending,
                      tail=tail, watch=watch, poll=float(poll))
    if waiting and not board.runs:
        board.set_notes(WAITING, [waiting])
    return board


def _read_for(logdir: str, budget: float) -> tuple[RunSet, list[Run | tuple[str, str]]]:
    """The runs of ``logdir`` read within ``budget`` seconds, and the rest (in board
    order: a run of this process, or the ``(name, directory)`` of one on disk), which the
    board reads on a background thread."""
    start = time.perf_counter()
    runs: list[Run] = []
    items = scan_logdir(logdir)
    for i, item in enumerate(items):
        if isinstance(item, Run):
            runs.append(item)
        elif time.perf_counter() - start > budget:
            return RunSet(runs, logdir=logdir), items[i:]
        else:
            run = read_run(*item, logdir=logdir)
            warn_problems(run, stacklevel=4)  # the board notes them too
            runs.append(run)
    return RunSet(runs, logdir=logdir), []
