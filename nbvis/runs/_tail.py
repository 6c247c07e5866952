"""Tailing a logdir: new runs, new event files and new records, read as they are written.

:class:`LogdirTail` keeps, per event file, the offset just past its last complete
record and the size it had when last read. One :meth:`LogdirTail.poll` lists the logdir
once (:class:`~nbvis.runs._storage.Storage`: one paged listing on an object store),
reads only the files whose size changed, from their offset (a ranged read), parses the
complete records (a cut-off record waits for the rest; CRCs are checked) and hands the
points to the runs. Faults — a listing or a read that fails, a file deleted, truncated or
corrupt — become :attr:`LogdirTail.notes` naming the run, and the poll goes on with the
other runs; a fault that clears clears its note, and reading resumes where it stopped.

:class:`Watcher` polls on a background thread, backing off while nothing changes.
"""

from __future__ import annotations

import concurrent.futures
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._events import FileProblem, ParsedRun, complete_records_end, parse_events, wall_time_of_first_event
from ._run import Run
from ._storage import Storage

__all__ = ["LogdirTail", "Watcher", "next_interval"]

#: The default polling interval (seconds), and the longest it backs off to while the
#: logdir does not change (on an object store each poll is one listing request).
POLL = 1.0
MAX_POLL = 10.0
# concurrent ranged reads on a remote filesystem (the network, not the CPU, is the limit)
_REMOTE_READERS = 8
_HEAD_BYTES = 4096


@dataclass
class _File:
    offset: int = 0  # just past the last complete record taken
    size: int = -1  # the size when last read: read again when it changes
    broken: bool = False  # a corrupt record: nothing after it is read


@dataclass(eq=False)  # one per run, compared (and hashed) by identity
class _Tail:
    name: str
    files: dict[str, _File] = field(default_factory=dict)
    run: Run | None = None


class LogdirTail:
    """The runs of one logdir, read incrementally (see the module docstring).

    Parameters
    ----------
    storage : Storage
        Where the logdir is.
    adopt : iterable of Run
        Runs already read from this logdir (``nbvis.runs.load``, a board's first read):
        their files are tailed from where that read stopped.
    """

    def __init__(self, storage: Storage, *, adopt: Iterable[Run] = ()) -> None:
        self.storage = storage
        self._tails: dict[str, _Tail] = {}
        self.notes: dict[str, str] = {}
        for run in adopt:
            self.adopt(run)

    def adopt(self, run: Run) -> None:
        """Tail ``run``'s files from the offsets its first read stopped at."""
        files = run._files
        if files is None or run.name in self._tails:
            return
        tail = self._tails[run.name] = _Tail(run.name, run=run)
        for path, offset in files.items():
            tail.files[path] = _File(offset=offset, size=offset)

    @property
    def runs(self) -> list[Run]:
        return [t.run for t in self._tails.values() if t.run is not None]

    def poll(
        self,
        on_run: Callable[[Run], None],
        progress: Callable[[int, int], None] | None = None,
        skip: Callable[[str], bool] | None = None,
    ) -> bool:
        """List the logdir once and read what changed; ``on_run(run)`` for each run seen
        for the first time (in start-time order), ``progress(done, total)`` while new runs
        are read. ``skip(name)`` is true for runs the caller has from elsewhere (runs this
        process logs): their files are not read. Returns whether anything changed."""
        storage = self.storage
        try:
            listing = storage.list()
        except FileNotFoundError:  # not made yet (a board shown before the job starts), or gone
            self._note("logdir", f"{storage.logdir}: no such folder{'' if self._tails else ' yet'}; watching for it")
            return False
        except Exception as exc:  # unreadable, or the network failed
            self._note("logdir", f"{storage.logdir}: cannot be listed ({_why(exc)}); still trying")
            return False
        self._note("logdir", None)
        self._note("empty", None if listing.files or self._tails else
                   f"{storage.logdir}: no event files yet; watching for runs")
        by_run: dict[str, dict[str, int]] = {}
        for path, size in listing.files.items():
            by_run.setdefault(storage.run_of(path), {})[path] = size
        for key in [k for k in self.notes if k.startswith("dir:")]:
            if key[4:] not in listing.errors:
                self._note(key, None)
        for directory, why in listing.errors.items():
            self._note(f"dir:{directory}", f"{storage.run_of(directory + '/x')}: {storage.shown(directory)} "
                                           f"cannot be listed ({why}); still trying")
        changed = False
        # files gone since the last poll: their points stay
        for tail in self._tails.values():
            seen = by_run.get(tail.name, {})
            for path in [p for p in tail.files if p not in seen]:
                del tail.files[path]
                self._note(f"file:{path}", None)
                self._note(f"gone:{path}", f"{tail.name}: {storage.shown(path)} was deleted; its points are kept")
        work: list[tuple[_Tail, str, _File, int]] = []
        fresh: list[_Tail] = []
        for name, files in by_run.items():
            known = self._tails.get(name)
            if known is None:
                if skip is not None and skip(name):
                    continue
                known = self._tails[name] = _Tail(name)
            tail = known
            if tail.run is None:
                fresh.append(tail)
            for path, size in sorted(files.items()):
                state = tail.files.get(path)
                if state is None:
                    state = tail.files[path] = _File()
                    self._note(f"gone:{path}", None)
                if size != state.size and not state.broken:
                    work.append((tail, path, state, size))
        if len(fresh) > 1:
            self._order(fresh)
        # read: new runs in board order first (each joins the board once its files are
        # read, in order, while the rest are read), then the files that grew
        rank = {t: i for i, t in enumerate(fresh)}
        work.sort(key=lambda w: rank.get(w[0], len(rank)))
        left = dict.fromkeys(fresh, 0)
        for item in work:
            if item[0] in left:
                left[item[0]] += 1
        parsed_of: dict[_Tail, ParsedRun] = {}
        next_fresh = 0

        def deliver_ready() -> None:
            nonlocal next_fresh, changed
            while next_fresh < len(fresh) and left[fresh[next_fresh]] == 0:
                tail = fresh[next_fresh]
                changed |= self._deliver(tail, parsed_of.pop(tail, ParsedRun()), on_run)
                next_fresh += 1
                if progress is not None:
                    progress(next_fresh, len(fresh))

        deliver_ready()
        for (tail, path, state, size), result in self._read_all(work):
            parsed = parsed_of.setdefault(tail, ParsedRun())
            if isinstance(result, BaseException):
                self._note(f"file:{path}", f"{tail.name}: {storage.shown(path)} cannot be read ({_why(result)}); "
                                           "its points so far are kept, still trying")
            else:
                self._note(f"file:{path}", None)
                changed |= self._take(tail, path, state, size, result, parsed)
            if tail in left:
                left[tail] -= 1
                deliver_ready()
        for tail, parsed in parsed_of.items():  # the runs already on the board, grown
            changed |= self._deliver(tail, parsed, on_run)
        return changed

    # -- steps of a poll -------------------------------------------------------------

    def _order(self, fresh: list[_Tail]) -> None:
        """Sort new runs by start time (the first event of their oldest file), then name."""
        def head(tail: _Tail) -> float:
            for path in sorted(tail.files):
                try:
                    wall = wall_time_of_first_event(path, self.storage.read(path, 0, _HEAD_BYTES))
                except Exception:  # read again in full below, where a failure is noted
                    continue
                if wall is not None:
                    return wall
            return float("inf")

        starts = self._map(head, fresh)
        order = sorted(range(len(fresh)), key=lambda i: (starts[i], fresh[i].name))
        fresh[:] = [fresh[i] for i in order]

    def _read_all(
        self, work: Sequence[tuple[_Tail, str, _File, int]]
    ) -> Iterator[tuple[tuple[_Tail, str, _File, int], bytes | BaseException]]:
        """Each item of ``work`` with the file's new bytes (or the error), in order; on a
        remote filesystem several ranged reads at a time, a batch ahead at most."""
        def read(item: tuple[_Tail, str, _File, int]) -> bytes | BaseException:
            _tail, path, state, size = item
            try:
                return self.storage.read(path, state.offset if size >= state.offset else 0)
            except Exception as exc:
                return exc

        if not self.storage.remote or len(work) < 2:
            for item in work:
                yield item, read(item)
            return
        with concurrent.futures.ThreadPoolExecutor(_REMOTE_READERS, thread_name_prefix="nbvis-read") as pool:
            batch = 4 * _REMOTE_READERS
            for i in range(0, len(work), batch):
                chunk = work[i : i + batch]
                yield from zip(chunk, pool.map(read, chunk), strict=True)

    def _map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        if not self.storage.remote or len(items) < 2:
            return [fn(item) for item in items]
        with concurrent.futures.ThreadPoolExecutor(min(_REMOTE_READERS, len(items)), thread_name_prefix="nbvis-read") as pool:
            return list(pool.map(fn, items))

    def _take(self, tail: _Tail, path: str, state: _File, size: int, data: bytes, parsed: ParsedRun) -> bool:
        shown = self.storage.shown(path)
        if size < state.offset:  # truncated (or rewritten): what was read stays, reading goes on from its end
            self._note(f"cut:{path}", f"{tail.name}: {shown} was truncated from {state.offset} to {size} bytes; "
                                      "its points so far are kept")
            state.offset, state.size = complete_records_end(data), size
            return False
        problems = len(parsed.problems)
        offset = parse_events(path, data, parsed, base=state.offset)
        got = offset > state.offset
        state.offset, state.size = offset, size
        if len(parsed.problems) > problems:
            problem: FileProblem = parsed.problems[-1]
            state.broken = True
            self._note(f"bad:{path}", f"{tail.name}: {shown}: {problem.reason} at byte {problem.offset}; "
                                      "the records before it were read")
        return got

    def _deliver(self, tail: _Tail, parsed: ParsedRun, on_run: Callable[[Run], None]) -> bool:
        if tail.run is None:
            if not any(s.offset for s in tail.files.values()):
                return False  # nothing readable yet (an empty file, a failed read): next poll
            parsed.files = {p: s.offset for p, s in tail.files.items()}
            run = Run(tail.name, logdir=self.storage.logdir, parsed=parsed.freeze())
            tail.run = run
            on_run(run)
            return True
        if parsed.tags or parsed.hparams:
            tail.run._absorb(parsed)
            return bool(parsed.tags)
        return False

    def _note(self, key: str, text: str | None) -> None:
        if text is None:
            self.notes.pop(key, None)
        else:
            self.notes[key] = text


def next_interval(interval: float, *, changed: bool, poll: float, most: float) -> float:
    """The wait before the next poll: ``poll`` after a change, else twice the last
    wait, up to ``most``."""
    return poll if changed else min(interval * 2, most)


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc) or type(exc).__name__
    return text if len(text) < 160 else text[:157] + "…"


class Watcher:
    """Polls a :class:`LogdirTail` on a background thread for a board, until stopped or
    the board is gone (it holds the board weakly: a board nothing else holds is freed).

    ``board`` needs ``add_run(run)``, ``set_notes(key, texts)`` and ``set_loading(done, total)``.
    """

    def __init__(
        self,
        tail: LogdirTail,
        board: Any,
        *,
        poll: float = POLL,
        first: threading.Event | None = None,
        once: bool = False,
        loaded: threading.Event | None = None,
    ) -> None:
        self.tail = tail
        self.poll = poll
        self.once = once  # one poll (a remote logdir read without watching), then stop
        self._loaded = loaded  # set after the first poll
        self.max_poll = max(poll, MAX_POLL)
        self.polls = 0
        self._board = weakref.ref(board)
        self._first = first  # wait for the board's own first read before tailing
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"nbvis-watch-{tail.storage.logdir}", daemon=True)

    def start(self) -> Watcher:
        self._thread.start()
        return self

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop polling (waits for a poll under way to end)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def _loop(self) -> None:
        if self._first is not None:
            while not self._first.wait(0.2):
                if self._stop.is_set():
                    return
        interval = self.poll
        try:
            while not self._stop.is_set():
                board = self._board()
                if board is None:
                    return
                for run in board.runs:  # runs the board read itself, now complete
                    self.tail.adopt(run)
                try:
                    changed = self.tail.poll(board.add_run, board.set_loading if self.polls == 0 else None, board.runs.__contains__)
                except Exception as exc:  # never seen; if it happens the board says so and polling goes on
                    self.tail.notes["poll"] = f"{self.tail.storage.logdir}: watching failed ({type(exc).__name__}: {exc})"
                    changed = False
                self.polls += 1
                board.set_notes("watch", list(self.tail.notes.values()))
                if self.polls == 1:
                    board.set_loading(0, 0)
                    if self._loaded is not None:
                        self._loaded.set()
                del board
                if self.once:
                    return
                interval = next_interval(interval, changed=changed, poll=self.poll, most=self.max_poll)
                self._stop.wait(interval)
        finally:
            if self._loaded is not None:
                self._loaded.set()
