"""Runs: scalars logged by any training loop, kept in columns and written as event files.

``Run.log`` is the training loop's only cost: it puts ``(step, time, values)`` on a
deque and returns. A background thread per open run turns values into floats (a
tensor's device sync happens there, not on the training thread), appends them to the
run's columns, writes them to the run's event file, and tells the boards that show the
run. The process-wide :class:`Hub` knows the open runs and the boards, so a board of a
logdir gets a run started later with that logdir.
"""

from __future__ import annotations

import functools
import json
import math
import numbers
import os
import pickle
import re
import subprocess
import sys
import threading
import time
import warnings
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._columns import GrowingArray, Narrowing
from .._validate import strict_kwargs
from ._events import ParsedRun, RunFileWriter, event_files, first_wall_time, read_run_dir

__all__ = ["Hub", "Run", "RunSet", "Scalars", "check_logdir", "read_run", "read_runs", "scan_logdir", "start", "warn_problems"]

#: How often an open run's thread takes the logged values (seconds).
PUMP_INTERVAL = 0.1
#: How often the event file is flushed to disk while a run is open (and at close).
FLUSH_INTERVAL = 1.0
_FAST_TYPES = (float, int, bool)

# what a subscriber gets: the run, and per tag (steps, wall times, values) of new points
Rows = Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
Listener = Callable[["Run", Rows], None]


@dataclass(frozen=True)
class Scalars:
    """One tag of one run: ``step``, ``wall_time`` (seconds since the epoch) and
    ``value``, equally long float64 arrays in logging order. NaN and ±inf are kept."""

    step: np.ndarray
    wall_time: np.ndarray
    value: np.ndarray

    def __len__(self) -> int:
        return len(self.step)


# how a run stores its columns (``_columns.Narrowing``): integer steps as int32 while they
# fit, values as float32 while that is exact (what event files hold), wall times as float64
_STEP: Narrowing = "int"
_WALL: Narrowing = "f64"
_VALUE: Narrowing = "f32_exact"


def _new_columns(steps: Any = (), walls: Any = (), values: Any = ()) -> tuple[GrowingArray, GrowingArray, GrowingArray]:
    return GrowingArray(_STEP, steps), GrowingArray(_WALL, walls), GrowingArray(_VALUE, values)


def _check_name(name: Any, what: str = "name") -> str:
    if not isinstance(name, str) or not name.strip():
        msg = f"{what}: expected a non-empty str, got {name!r}"
        raise TypeError(msg) if not isinstance(name, str) else ValueError(msg)
    if name.strip() in (".", "..") or "\\" in name or name.startswith("/"):
        msg = f"{what}: {name!r} is not a valid run name (it becomes a directory under the logdir)"
        raise ValueError(msg)
    return name


def _check_hparams(hparams: Any) -> dict[str, Any]:
    if hparams is None:
        return {}
    if not isinstance(hparams, Mapping):
        msg = f"hparams: expected a dict of name to number, str or bool, got {type(hparams).__name__}"
        raise TypeError(msg)
    out: dict[str, Any] = {}
    for key, value in hparams.items():
        if not isinstance(key, str):
            msg = f"hparams: names must be str, got {key!r}"
            raise TypeError(msg)
        if isinstance(value, (bool, str)):
            out[key] = value
        elif isinstance(value, numbers.Real):
            out[key] = float(value) if not isinstance(value, numbers.Integral) else int(value)
        elif value is None:
            out[key] = "None"
        else:  # an optimizer class, a callable, a tuple: its name or its text
            out[key] = getattr(value, "__name__", None) or str(value)
    return out


def _check_step(step: Any) -> int:
    if type(step) is int:
        return step
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        if isinstance(step, float) and step.is_integer():
            return int(step)
        msg = f"step: expected an int (the global step), got {step!r}"
        raise TypeError(msg)
    return int(step)


def _bad_value(tag: Any, value: Any) -> TypeError:
    return TypeError(f"log: {tag!r} must be a number (or a scalar tensor), got {type(value).__name__} {value!r:.60}")


class Run:
    """A training run: scalars per tag, hyperparameters, and (with a logdir) event files.

    Make one with :func:`start` (to log) or get them from :func:`load` (from disk).

    Attributes
    ----------
    name : str
        Unique within its logdir (see :func:`start` for the rule).
    hparams : dict
        Hyperparameters: numbers, strings and booleans.
    logdir : str or None
        The logdir it lives in, if any; its files are in ``os.path.join(logdir, name)``.
    problems : list of str
        Parts of its event files that could not be read (a truncated or corrupt file).
    """

    def __init__(
        self,
        name: str,
        *,
        logdir: str | None = None,
        hparams: Mapping[str, Any] | None = None,
        parsed: ParsedRun | None = None,
    ) -> None:
        self.name = name
        self.logdir = logdir
        self.hparams = _check_hparams(hparams)
        self.problems: list[str] = []
        self._lock = threading.Lock()
        self._columns: dict[str, tuple[GrowingArray, GrowingArray, GrowingArray]] = {}
        self._listeners: list[Listener] = []
        self._pending: deque[tuple[Any, float, Mapping[str, Any]]] = deque()
        self._wake = threading.Event()
        # one take at a time (the run's thread, flush() and close() may race): points keep their order
        self._taking = threading.Lock()
        self._thread: threading.Thread | None = None
        self._writer: RunFileWriter | None = None
        self._open = parsed is None
        # per event file, the bytes read (a run read from disk; where tailing goes on)
        self._files: dict[str, int] | None = None if parsed is None else dict(parsed.files)
        self.start_time = time.time()
        if parsed is not None:
            self.hparams.update(parsed.hparams)
            self.problems = [str(p) for p in parsed.problems]
            if math.isfinite(parsed.start_time):
                self.start_time = parsed.start_time
            for tag, (steps, walls, values) in parsed.tags.items():
                self._columns[tag] = _new_columns(steps, walls, values)

    # -- reading -----------------------------------------------------------------

    @property
    def tags(self) -> list[str]:
        """The scalar tags, in the order they first appeared."""
        with self._lock:
            return list(self._columns)

    @property
    def path(self) -> str | None:
        """The run's directory (``None`` without a logdir)."""
        return None if self.logdir is None else os.path.join(self.logdir, self.name)

    @property
    def closed(self) -> bool:
        """Whether the run takes no more values (a loaded run is closed)."""
        return not self._open

    def scalars(self, tag: str) -> Scalars:
        """Steps, wall times and values of ``tag`` (copies: safe to keep while logging)."""
        with self._lock:
            columns = self._columns.get(tag)
            if columns is None:
                msg = f"tag: {tag!r} is not a tag of run {self.name!r} (it has {list(self._columns)})"
                raise KeyError(msg)
            step, wall, value = (c.view().astype(np.float64) for c in columns)  # copies
        return Scalars(step, wall, value)

    def __repr__(self) -> str:
        with self._lock:
            points = sum(c[0].n for c in self._columns.values())
            tags = len(self._columns)
        state = "open" if self._open else "closed"
        return f"<nbvis run {self.name!r}: {tags} tags, {points} points, {state}>"

    # -- logging -----------------------------------------------------------------

    def log(self, step: int, values: Mapping[str, Any] | None = None, /, **scalars: Any) -> None:
        """Log scalars at ``step``: ``run.log(10, loss=0.3)`` or ``run.log(10, {"loss": 0.3})``.

        Values may be Python or NumPy numbers or scalar tensors of any framework; a
        tensor is read on the run's background thread, so logging never waits for the
        device. NaN and ±inf are kept (and marked on the board).

        Examples
        --------
        >>> with nbvis.runs.start("baseline") as run:
        ...     for step in range(100):
        ...         run.log(step, loss=1 / (step + 1))
        """
        if values is not None:
            if not isinstance(values, Mapping):
                msg = f"log: expected a dict of tag to value, got {type(values).__name__}"
                raise TypeError(msg)
            for tag in values:
                if type(tag) is not str:
                    msg = f"log: tags must be str, got {tag!r}"
                    raise TypeError(msg)
            scalars = {**values, **scalars} if scalars else values  # type: ignore[assignment]
        self._log_at(step, time.time(), scalars)

    def _log_at(self, step: int, wall_time: float, scalars: Mapping[str, Any]) -> None:
        """:meth:`log` with the wall time given (a caller that queued the values first)."""
        if not self._open:
            msg = f"log: run {self.name!r} is closed"
            raise RuntimeError(msg)
        for tag, value in scalars.items():
            if type(value) not in _FAST_TYPES and (
                isinstance(value, (str, bytes)) or not hasattr(type(value), "__float__")
            ):
                raise _bad_value(tag, value)
        self._pending.append((_check_step(step), wall_time, scalars))
        if self._thread is None:
            self._start_thread()

    def close(self) -> None:
        """Write what is pending, end the HParams session and close the event file."""
        if not self._open:
            return
        self._open = False
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join()
        else:
            self._drain()
        self._finish_file()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def flush(self) -> None:
        """Take every logged value now (columns, boards and the event file)."""
        self._drain()
        if self._writer is not None:
            with self._lock:
                self._writer.flush()

    def follow(self, listener: Listener) -> tuple[Rows, Callable[[], None]]:
        """Every point so far, and ``listener(run, rows)`` called with the new points of
        every later take (from the run's thread): no point is in both, none is missed.
        Returns the rows and a function that unsubscribes."""
        with self._lock:
            rows = {tag: tuple(c.view().copy() for c in columns) for tag, columns in self._columns.items()}
            if self._open or self._files is not None:  # logging, or read from disk (a tail may bring more)
                self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return rows, unsubscribe

    # -- a run on disk, tailed -------------------------------------------------------

    def _absorb(self, parsed: ParsedRun) -> None:
        """Add the points (and hparams) of newly read records; tell the followers."""
        with self._lock:
            self.hparams.update(parsed.hparams)
            self.problems.extend(str(p) for p in parsed.problems)
        self._extend(parsed.tags)

    def _extend(self, new: Mapping[str, tuple[Sequence[float], Sequence[float], Sequence[float]]]) -> None:
        with self._lock:
            rows = self._extend_locked(new)
            listeners = list(self._listeners)
        self._tell(listeners, rows)

    def _extend_locked(
        self, new: Mapping[str, tuple[Sequence[float], Sequence[float], Sequence[float]]]
    ) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Append per tag (steps, walls, values) to the columns; the same as arrays."""
        rows: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for tag, (steps, walls, values) in new.items():
            columns = self._columns.get(tag)
            if columns is None:
                columns = self._columns[tag] = _new_columns()
            columns[0].extend(steps)
            columns[1].extend(walls)
            columns[2].extend(values)
            rows[tag] = (np.asarray(steps, np.float64), np.asarray(walls, np.float64), np.asarray(values, np.float64))
        return rows

    def _tell(self, listeners: list[Listener], rows: Rows) -> None:
        for listener in listeners:
            try:
                listener(self, rows)
            except Exception as exc:  # a board's trouble must not stop the run
                warnings.warn(f"run {self.name!r}: a board failed to take new points ({exc!r})", stacklevel=3)

    # -- the background thread ------------------------------------------------------

    def _open_file(self) -> None:
        if self.logdir is None:
            return
        writer = RunFileWriter(os.path.join(self.logdir, self.name))
        if self.hparams:
            writer.hparams(self.hparams, self.start_time)
        writer.flush()
        self._writer = writer

    def _start_thread(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._pump, name=f"nbvis-run-{self.name}", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        last_flush = time.monotonic()
        unflushed = False  # written since the last flush: flushed within FLUSH_INTERVAL, even if no more come
        while True:
            self._wake.wait(PUMP_INTERVAL)
            self._wake.clear()
            unflushed |= self._drain()
            now = time.monotonic()
            if self._writer is not None and (not self._open or (unflushed and now - last_flush >= FLUSH_INTERVAL)):
                with self._lock:
                    self._writer.flush()
                last_flush, unflushed = now, False
            if not self._open and not self._pending:
                return

    def _drain(self) -> bool:
        """Take the pending values; True if there were any."""
        with self._taking:
            return self._take_pending()

    def _take_pending(self) -> bool:
        pending = self._pending
        if not pending:
            return False
        new: dict[str, tuple[list[float], list[float], list[float]]] = {}
        events: list[tuple[int, float, dict[str, float]]] = []
        while pending:
            step, wall, values = pending.popleft()
            floats: dict[str, float] = {}
            for tag, value in values.items():
                try:
                    number = float(value)
                except (TypeError, ValueError, RuntimeError) as exc:  # e.g. a tensor of many values
                    warnings.warn(f"run {self.name!r}: {tag!r} at step {step} is not a scalar ({exc})", stacklevel=2)
                    continue
                floats[tag] = number
                columns = new.get(tag)
                if columns is None:
                    columns = new[tag] = ([], [], [])
                columns[0].append(step)
                columns[1].append(wall)
                columns[2].append(number)
            events.append((step, wall, floats))
        with self._lock:
            if self._writer is None and self.logdir is not None:
                self._open_file()
            rows = self._extend_locked(new)
            if self._writer is not None:
                for step, wall, floats in events:
                    if floats:
                        self._writer.scalars(step, wall, floats)
            listeners = list(self._listeners)
        self._tell(listeners, rows)
        return True

    def _finish_file(self) -> None:
        with self._lock:
            if self._writer is None and self.logdir is not None and self.hparams:
                self._open_file()
            if self._writer is not None:
                if self.hparams:
                    self._writer.session_end(time.time())
                self._writer.close()
                self._writer = None
        Hub.shared().closed(self)


class RunSet:
    """Runs by name: iterate over them, ``runset["lr=0.1"]``, ``len``, ``to_pandas()``.

    A board's ``board.runs`` is the live set it shows: runs added to the board appear
    in it.
    """

    def __init__(self, runs: Iterable[Run] = (), *, logdir: str | None = None) -> None:
        self.logdir = logdir
        self._runs: dict[str, Run] = {}
        self._lock = threading.Lock()
        for run in runs:
            if not self.add(run):
                msg = f"runs: two runs are named {run.name!r}; names must be unique in a RunSet"
                raise ValueError(msg)

    def add(self, run: Run) -> bool:
        """Add ``run`` (True), unless a run of that name is already in (False)."""
        if not isinstance(run, Run):
            msg = f"runs: expected nbvis.runs.Run objects, got {type(run).__name__}"
            raise TypeError(msg)
        with self._lock:
            if run.name in self._runs:
                return False
            self._runs[run.name] = run
            return True

    @property
    def names(self) -> list[str]:
        with self._lock:
            return list(self._runs)

    @property
    def tags(self) -> list[str]:
        """Every tag of every run, in first-seen order."""
        return list(dict.fromkeys(tag for run in self for tag in run.tags))

    def __iter__(self) -> Iterator[Run]:
        with self._lock:
            runs = list(self._runs.values())
        return iter(runs)

    def __len__(self) -> int:
        with self._lock:
            return len(self._runs)

    def __contains__(self, name: object) -> bool:
        with self._lock:
            return name in self._runs

    def __getitem__(self, key: str | int) -> Run:
        with self._lock:
            if isinstance(key, int):
                return list(self._runs.values())[key]
            run = self._runs.get(key)
            if run is None:
                msg = f"no run named {key!r}; the runs are {list(self._runs)}"
                raise KeyError(msg)
            return run

    def __repr__(self) -> str:
        where = f" in {self.logdir!r}" if self.logdir else ""
        return f"<nbvis RunSet{where}: {len(self)} runs, tags {self.tags}>"

    def to_pandas(self) -> Any:
        """Every point as a long DataFrame: run, tag, step, wall_time, value."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the install
            msg = "RunSet.to_pandas needs pandas: pip install pandas"
            raise ImportError(msg) from exc
        frames = []
        for run in self:
            for tag in run.tags:
                s = run.scalars(tag)
                frames.append(pd.DataFrame({
                    "run": pd.Categorical([run.name] * len(s)), "tag": pd.Categorical([tag] * len(s)),
                    "step": s.step.astype(np.int64), "wall_time": s.wall_time, "value": s.value,
                }))
        if not frames:
            return pd.DataFrame({"run": [], "tag": [], "step": np.array([], np.int64), "wall_time": [], "value": []})
        out = pd.concat(frames, ignore_index=True)
        out["run"] = out["run"].astype(str)
        out["tag"] = out["tag"].astype(str)
        return out


class Hub:
    """The process's open runs and the boards that want runs of a logdir."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # every run started in this process, while something holds it: its name is taken
        self._runs: dict[tuple[str | None, str], weakref.ref[Run]] = {}
        self._watchers: dict[str | None, weakref.WeakSet[Any]] = {}

    @staticmethod
    @functools.cache
    def shared() -> Hub:
        """The process's hub."""
        return Hub()

    def open_runs(self, logdir: str | None) -> list[Run]:
        with self._lock:
            runs = [ref() for (where, _), ref in self._runs.items() if where == logdir]
        return [run for run in runs if run is not None and not run.closed]

    def _taken(self, logdir: str | None, name: str) -> bool:
        ref = self._runs.get((logdir, name))
        if ref is not None and ref() is not None:
            return True
        return logdir is not None and bool(event_files(os.path.join(logdir, name)))

    def claim(self, name: str, logdir: str | None, hparams: Mapping[str, Any] | None) -> Run:
        """A new open run under a name not yet used in ``logdir``: ``name``, else
        ``name-2``, ``name-3``, …"""
        with self._lock:
            candidate, n = name, 1
            while self._taken(logdir, candidate):
                n += 1
                candidate = f"{name}-{n}"
            run = Run(candidate, logdir=logdir, hparams=hparams)
            self._runs[(logdir, candidate)] = weakref.ref(run)
            watchers = list(self._watchers.get(logdir, ()))
        for board in watchers:
            board.add_run(run)
        return run

    def watch(self, logdir: str | None, board: Any) -> None:
        """Give ``board.add_run(run)`` every run started in ``logdir`` from now on."""
        with self._lock:
            self._watchers.setdefault(logdir, weakref.WeakSet()).add(board)

    def unwatch(self, board: Any) -> None:
        with self._lock:
            for boards in self._watchers.values():
                boards.discard(board)

    def closed(self, run: Run) -> None:
        """A run was closed: its thread is done (its name stays taken)."""
        with self._lock:
            for key in [k for k, ref in self._runs.items() if ref() is None]:
                del self._runs[key]  # runs nothing holds any more


def _normalise_logdir(logdir: Any, what: str = "logdir") -> str:
    if not isinstance(logdir, (str, os.PathLike)):
        msg = f"{what}: expected a path, got {type(logdir).__name__} {logdir!r}"
        raise TypeError(msg)
    return os.path.abspath(os.fspath(logdir))


@strict_kwargs
def start(name: str, *, logdir: str | os.PathLike[str] | None = None, hparams: Mapping[str, Any] | None = None) -> Run:
    """Start a run to log scalars from any training loop.

    Parameters
    ----------
    name : str
        The run's name. Names are unique per logdir (or, without one, per process):
        if ``name`` is taken by a run of this process that is still referenced, or by event
        files already in the logdir,
        the run is called ``name-2`` (then ``-3``, …); ``run.name`` says which.
    logdir : path, optional
        Write TensorBoard event files to ``logdir/name`` (TensorBoard opens them;
        :func:`load` reads them after a restart). Without it the run lives in memory.
    hparams : dict, optional
        Hyperparameters (numbers, strings, booleans), written in the HParams plugin's
        format and shown in the board's table.

    Examples
    --------
    >>> for lr in (1e-3, 1e-2):
    ...     with nbvis.runs.start(f"lr={lr}", logdir="logs", hparams={"lr": lr}) as run:
    ...         for step in range(100):
    ...             run.log(step, loss=train_step(lr))
    >>> nbvis.show.runs("logs")
    """
    name = _check_name(name)
    where = None if logdir is None else _normalise_logdir(logdir)
    if where is not None and os.path.exists(where) and not os.path.isdir(where):
        msg = f"logdir: {os.fspath(logdir)!r} exists and is not a directory"  # type: ignore[arg-type]
        raise NotADirectoryError(msg)
    hparams = _check_hparams(hparams)
    run = Hub.shared().claim(name, where, hparams)
    if where is not None:
        with run._lock:
            run._open_file()  # the directory and the hparams are on disk from the start
    return run


_RUN_DIR = re.compile(r"[/\\]+")


def _run_dirs(logdir: str) -> Iterator[tuple[str, str]]:
    def unreadable(error: OSError) -> None:
        warnings.warn(f"logdir: {error.filename!r} cannot be read ({error.strerror}); its runs are left out", stacklevel=3)

    for directory, subdirs, _files in os.walk(logdir, onerror=unreadable):
        subdirs.sort()
        if event_files(directory):
            rel = os.path.relpath(directory, logdir)
            yield ("." if rel == "." else _RUN_DIR.sub("/", rel)), directory


def warn_problems(run: Run, *, stacklevel: int) -> None:
    """One warning per problem met reading ``run``'s files (naming the file and offset)."""
    for problem in run.problems:
        warnings.warn(f"run {run.name!r}: {problem}", stacklevel=stacklevel)


def check_logdir(logdir: str | os.PathLike[str], *, missing_ok: bool = False) -> str:
    """``logdir`` as an absolute path, or an error naming it if it is missing (unless
    ``missing_ok``), not a directory or unreadable."""
    path = _normalise_logdir(logdir)
    shown = os.fspath(logdir)
    if missing_ok and not os.path.lexists(path):
        return path
    if not os.path.exists(path):
        msg = f"logdir: {shown!r} does not exist"
        raise FileNotFoundError(msg)
    if not os.path.isdir(path):
        msg = f"logdir: {shown!r} is not a directory"
        raise NotADirectoryError(msg)
    if not os.access(path, os.R_OK | os.X_OK):
        msg = f"logdir: {shown!r} cannot be read (permission denied)"
        raise PermissionError(msg)
    return path


def scan_logdir(path: str) -> list[Run | tuple[str, str]]:
    """The runs of the logdir at ``path`` in board order (start time, then name),
    unread: a run still open in this process (every point so far flushed to it), or the
    ``(name, directory)`` to :func:`read_run`. Cheap: one small read per run."""
    live = {run.name: run for run in Hub.shared().open_runs(path)}
    found: list[tuple[float, str, Run | tuple[str, str]]] = []
    for name, directory in _run_dirs(path):
        run = live.pop(name, None)
        if run is not None:
            run.flush()
            found.append((run.start_time, name, run))
        else:
            found.append((first_wall_time(directory), name, (name, directory)))
    found.sort(key=lambda f: (f[0], f[1]))
    return [item for _, _, item in found] + list(live.values())  # open runs that have not written yet


def read_run(name: str, directory: str, *, logdir: str) -> Run:
    """Every point of the run in ``directory`` (its problems in ``run.problems``)."""
    return Run(name, logdir=logdir, parsed=read_run_dir(directory))


# Parsing is CPU-bound Python (a protobuf per record): from this many runs on, worker
# processes read them and a fresh interpreter's start-up (~0.5 s) pays.
_PROCESSES_FROM = 8


def read_runs(items: Sequence[Run | tuple[str, str]], *, logdir: str) -> Iterator[Run]:
    """:func:`read_run` for each ``(name, directory)`` (a :class:`Run` passes through),
    in order; with many runs and several CPUs, in worker processes (``_reader.py``). A
    worker that fails leaves its runs to be read here: the result is the same."""
    todo = [item for item in items if not isinstance(item, Run)]
    workers = min(len(todo) // 2, os.cpu_count() or 1, 8)
    if len(todo) < _PROCESSES_FROM or workers < 2:
        for item in items:
            yield item if isinstance(item, Run) else read_run(*item, logdir=logdir)
        return
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # this process's imports
    procs: list[subprocess.Popen[bytes] | None] = []
    try:
        for _ in range(workers):  # all started first: their start-ups overlap
            procs.append(subprocess.Popen([sys.executable, "-m", "nbvis.runs._reader"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env))
        for k, started in enumerate(procs):  # worker k reads runs k, k + workers, ...: results come in order
            if started is not None and started.stdin is not None:
                try:
                    started.stdin.write(json.dumps([directory for _, directory in todo[k::workers]]).encode())
                    started.stdin.close()
                except OSError:  # it died at start-up: its runs are read here
                    procs[k] = None
        i = 0
        for item in items:
            if isinstance(item, Run):
                yield item
                continue
            proc, parsed = procs[i % workers], None
            if proc is not None and proc.stdout is not None:
                try:
                    parsed = pickle.load(proc.stdout)
                except (EOFError, OSError, pickle.UnpicklingError):
                    procs[i % workers] = None  # that worker died: its runs are read here
            yield Run(item[0], logdir=logdir, parsed=parsed if isinstance(parsed, ParsedRun) else read_run_dir(item[1]))
            i += 1
    finally:  # done, or the caller stopped early (a closed board)
        for left in procs:
            if left is not None:
                left.kill()
                left.wait()
                if left.stdout is not None:
                    left.stdout.close()
