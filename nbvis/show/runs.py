"""The runs board: ``nbvis.show.runs(logdir_or_runs)``."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from .._validate import check_choice, check_smoothing
from ..runs import Run, RunSet
from ..runs._run import check_logdir, read_run, scan_logdir, warn_problems
from ..widgets.board import X_AXES, RunsBoard

__all__ = ["runs"]

# A logdir is read on the calling thread for this long; the rest joins the board from a
# background thread (a progress bar meanwhile), so a big logdir is on screen at once.
_READ_BUDGET_S = 0.5


def runs(
    source: str | os.PathLike[str] | RunSet | Run | Sequence[Run],
    *,
    smoothing: float = 0.6,
    x_axis: str = "step",
    height: int = 220,
) -> RunsBoard:
    """Compare runs on one board: one chart per tag, every run a series.

    Parameters
    ----------
    source : path, RunSet, Run or list of Run
        A TensorBoard logdir (every run in it, every point; runs started later in this
        kernel with that logdir join the board live), or runs in memory.
    smoothing : float
        Initial smoothing in [0, 1) (TensorBoard's); a slider changes it in the browser.
    x_axis : {"step", "relative", "wall"}
        Initial x axis: the global step, time since each run's start, or wall time.
    height : int
        Height of each chart in pixels.

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
    """
    check_smoothing(smoothing)
    if smoothing is None:
        smoothing = 0.0
    check_choice(x_axis, X_AXES, arg="x_axis")
    if isinstance(height, bool) or not isinstance(height, int) or height < 80:
        msg = f"height: expected an int of at least 80 (pixels), got {height!r}"
        raise ValueError(msg)
    pending: list[Run | tuple[str, str]] = []
    if isinstance(source, (str, os.PathLike)):
        runset, pending = _read_for(check_logdir(source), _READ_BUDGET_S)
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
    return RunsBoard(runset, smoothing=float(smoothing), x_axis=x_axis, height=height, pending=pending)


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
