"""``nbvis.runs.load``: every run of a logdir, local or remote."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Any

from .._validate import strict_kwargs
from ._run import Run, RunSet, check_logdir, read_runs, scan_logdir, warn_problems
from ._storage import Storage, is_url
from ._tail import LogdirTail

__all__ = ["load"]


@strict_kwargs
def load(logdir: str | os.PathLike[str], *, storage_options: Mapping[str, Any] | None = None) -> RunSet:
    """Read every run of a TensorBoard logdir, every point (no sampling).

    A run is a directory holding event files (``logdir/lr=0.1``, or ``logdir/fit/train``
    named ``fit/train``); event files directly in ``logdir`` are the run ``"."``. Runs
    that are still open in this process come with every point logged so far.

    Parameters
    ----------
    logdir : path or URL
        A local directory, or an fsspec URL (``s3://bucket/logs``, ``gs://…``).
    storage_options : dict, optional
        fsspec options for a URL (credentials, ``endpoint_url``, …).

    Raises
    ------
    FileNotFoundError, NotADirectoryError, PermissionError
        When ``logdir`` is missing, not a directory or cannot be read.
    OSError
        When a remote logdir cannot be listed.

    Examples
    --------
    >>> runs = nbvis.runs.load("logs")
    >>> runs["lr=0.01"].scalars("loss").value[-1]
    >>> runs.to_pandas().groupby(["run", "tag"]).value.min()
    """
    if is_url(logdir):
        storage = Storage(str(logdir), storage_options)
        tail = LogdirTail(storage)
        found: list[Run] = []
        tail.poll(found.append)
        if "logdir" in tail.notes:
            if "no such folder" in tail.notes["logdir"]:  # as for a local logdir
                msg = f"logdir: {storage.logdir!r} does not exist"
                raise FileNotFoundError(msg)
            raise OSError(f"logdir: {tail.notes['logdir']}".replace("; still trying", ""))
        for key, note in tail.notes.items():
            if key == "empty":
                continue
            warnings.warn(note.replace("; still trying", "").replace(", still trying", ""), stacklevel=2)
        return RunSet(found, logdir=storage.logdir)
    path = check_logdir(logdir)
    runs = list(read_runs(scan_logdir(path), logdir=path))
    for run in runs:
        warn_problems(run, stacklevel=3)
    return RunSet(runs, logdir=path)
