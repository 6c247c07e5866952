"""Tailing a logdir (``nbvis.show.runs(logdir, watch=True)``): new bytes only, cut-off
records, new runs and restarted writers, and the faults a watched logdir meets."""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import tempfile
import threading
import time
import types
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

import nbvis
from nbvis.runs._events import RunFileWriter
from nbvis.runs._storage import Storage
from nbvis.runs._tail import LogdirTail, Watcher, next_interval


def _write(directory: Path, steps: range, tag: str = "loss") -> RunFileWriter:
    writer = RunFileWriter(str(directory))
    _more(writer, steps, tag)
    return writer


def _more(writer: RunFileWriter, steps: range, tag: str = "loss") -> None:
    for step in steps:
        writer.scalars(step, 1_700_000_000.0 + step, {tag: step / 10})
    writer.flush()


class _Spy(Storage):
    """A real local Storage that also counts the bytes it reads."""

    def __init__(self, logdir: str) -> None:
        super().__init__(logdir)
        self.bytes_read = 0
        self.listings = 0

    def read(self, path: str, start: int = 0, end: int | None = None) -> bytes:
        data = super().read(path, start, end)
        self.bytes_read += len(data)
        return data

    def list(self):  # type: ignore[no-untyped-def]
        self.listings += 1
        return super().list()


def _poll(tail: LogdirTail) -> list[nbvis.runs.Run]:
    new: list[nbvis.runs.Run] = []
    tail.poll(new.append)
    return new


def _steps(run: nbvis.runs.Run, tag: str = "loss") -> list[int]:
    return run.scalars(tag).step.astype(int).tolist()


def _wait(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the watcher")
        time.sleep(0.02)


def test_a_growing_file_is_read_from_where_the_last_read_stopped(tmp_path):
    writer = _write(tmp_path / "a", range(100))
    storage = _Spy(str(tmp_path))
    tail = LogdirTail(storage)
    (run,) = _poll(tail)
    assert _steps(run) == list(range(100))
    for chunk in range(1, 5):
        _more(writer, range(100 * chunk, 100 * chunk + 100))
        assert _poll(tail) == []  # no new run: the same one grew
    assert _steps(run) == list(range(500))
    assert storage.bytes_read == os.path.getsize(writer.path)  # every byte read once
    tail.poll(lambda run: None)
    assert storage.bytes_read == os.path.getsize(writer.path)  # nothing changed, nothing read


def test_a_record_cut_off_at_the_end_waits_for_the_rest(tmp_path):
    writer = _write(tmp_path / "a", range(10))
    writer.close()
    data = Path(writer.path).read_bytes()
    whole = tmp_path / "b" / Path(writer.path).name
    whole.parent.mkdir()
    whole.write_bytes(data[:-7])  # the last record is cut off: the writer is still writing it
    tail = LogdirTail(Storage(str(tmp_path)))
    runs = {run.name: run for run in _poll(tail)}
    assert _steps(runs["b"]) == list(range(9))
    with whole.open("ab") as file:
        file.write(data[-7:])
    _poll(tail)
    assert _steps(runs["b"]) == list(range(10))  # the rest of the record, once: no duplicate
    assert tail.notes == {}


def test_a_corrupt_record_keeps_the_records_before_it_and_notes_the_file_and_offset(tmp_path):
    writer = _write(tmp_path / "a", range(20))
    good = os.path.getsize(writer.path)
    _more(writer, range(20, 40))
    with open(writer.path, "r+b") as file:
        file.seek(good + 14)  # inside the first record after `good`: its payload's CRC fails
        byte = file.read(1)
        file.seek(good + 14)
        file.write(bytes([byte[0] ^ 0xFF]))
    tail = LogdirTail(Storage(str(tmp_path)))
    (run,) = _poll(tail)
    assert _steps(run) == list(range(20))
    (note,) = tail.notes.values()
    assert writer.path in note and f"at byte {good}" in note and note.startswith("a: ")
    _more(writer, range(40, 50))
    _poll(tail)
    assert _steps(run) == list(range(20))  # nothing after the corrupt record is trusted
    assert len(tail.notes) == 1


def test_runs_that_appear_later_and_a_restarted_writers_new_file_are_picked_up(tmp_path):
    first = _write(tmp_path / "a", range(10))
    tail = LogdirTail(Storage(str(tmp_path)))
    (a,) = _poll(tail)
    first.close()
    _write(tmp_path / "b", range(5), tag="acc").close()
    (b,) = _poll(tail)
    assert b.name == "b" and b.tags == ["acc"]
    restarted = _write(tmp_path / "a", range(10, 20))  # a resumed job: a new file, same run
    assert restarted.path != first.path
    assert _poll(tail) == []
    assert _steps(a) == list(range(20))
    assert sorted(tail.runs, key=lambda r: r.name) == [a, b]


def test_new_runs_join_in_start_time_order_not_name_order(tmp_path):
    for name in ("late", "early", "middle"):  # started in this order (the writer's first record)
        _write(tmp_path / name, range(3)).close()
        time.sleep(0.01)
    tail = LogdirTail(Storage(str(tmp_path)))
    new = _poll(tail)
    assert [run.name for run in new] == ["late", "early", "middle"]
    starts = [run.start_time for run in new]
    assert starts == sorted(starts)


def test_a_deleted_file_keeps_its_points_and_other_runs_go_on(tmp_path):
    a = _write(tmp_path / "a", range(10))
    b = _write(tmp_path / "b", range(10))
    tail = LogdirTail(Storage(str(tmp_path)))
    runs = {run.name: run for run in _poll(tail)}
    a.close()
    os.remove(a.path)
    _more(b, range(10, 20))
    _poll(tail)
    assert _steps(runs["a"]) == list(range(10))  # kept
    assert _steps(runs["b"]) == list(range(20))
    (note,) = tail.notes.values()
    assert note == f"a: {a.path} was deleted; its points are kept"


def test_a_truncated_file_keeps_its_points_and_reads_what_is_appended_after(tmp_path):
    writer = _write(tmp_path / "a", range(10))
    half = os.path.getsize(writer.path)
    _more(writer, range(10, 20))
    tail = LogdirTail(Storage(str(tmp_path)))
    (run,) = _poll(tail)
    writer.close()
    with open(writer.path, "r+b") as file:
        file.truncate(half + 5)  # mid-record: the reading goes on from the last whole record
    _poll(tail)
    (note,) = tail.notes.values()
    assert "was truncated" in note and note.startswith("a: ")
    assert _steps(run) == list(range(20))
    with open(writer.path, "r+b") as file:  # the writer goes on from the whole records
        file.truncate(half)
    more = RunFileWriter(str(tmp_path / "tmp"))
    _more(more, range(100, 103))
    more.close()
    records = Path(more.path).read_bytes()
    with open(writer.path, "ab") as file:
        file.write(records)
    _poll(tail)
    assert _steps(run)[-3:] == [100, 101, 102]
    assert len(_steps(run)) == 23


@contextlib.contextmanager
def _unprivileged() -> Iterator[None]:
    """Run as ``nobody`` (root reads every file whatever its mode)."""
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)


def test_a_permission_error_is_noted_and_reading_resumes_when_it_clears():
    root = Path(tempfile.mkdtemp(prefix="nbvis-perm-"))
    try:
        root.chmod(0o755)
        a = _write(root / "a", range(10))
        b = _write(root / "b", range(10))
        for path in (root / "a", root / "b", Path(a.path), Path(b.path)):
            path.chmod(0o755)
        tail = LogdirTail(Storage(str(root)))
        with _unprivileged():
            runs = {run.name: run for run in _poll(tail)}
        _more(a, range(10, 20))
        _more(b, range(10, 20))
        os.chmod(a.path, 0)
        with _unprivileged():
            _poll(tail)
        (note,) = tail.notes.values()
        assert note.startswith(f"a: {a.path} cannot be read (Permission denied)")
        assert _steps(runs["a"]) == list(range(10))  # kept, not lost
        assert _steps(runs["b"]) == list(range(20))  # the other run goes on
        os.chmod(a.path, 0o644)
        with _unprivileged():
            _poll(tail)
        assert tail.notes == {}
        assert _steps(runs["a"]) == list(range(20))  # resumed where it stopped
    finally:
        for directory, _dirs, files in os.walk(root):
            for name in files:
                os.chmod(os.path.join(directory, name), 0o644)
        import shutil

        shutil.rmtree(root)


def test_a_logdir_that_goes_away_is_noted_and_watching_resumes_when_it_is_back(tmp_path):
    logdir = tmp_path / "logs"
    writer = _write(logdir / "a", range(10))
    tail = LogdirTail(Storage(str(logdir)))
    (run,) = _poll(tail)
    logdir.rename(tmp_path / "away")
    _poll(tail)
    assert list(tail.notes.values()) == [f"{logdir}: no such folder; watching for it"]
    (tmp_path / "away").rename(logdir)
    _more(writer, range(10, 15))
    _poll(tail)
    assert tail.notes == {}
    assert _steps(run) == list(range(15))


def test_the_poll_interval_backs_off_while_nothing_changes_and_snaps_back():
    interval = 1.0
    seen = []
    for _ in range(6):
        interval = next_interval(interval, changed=False, poll=1.0, most=10.0)
        seen.append(interval)
    assert seen == [2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert next_interval(10.0, changed=True, poll=1.0, most=10.0) == 1.0


def test_a_watched_board_gets_new_runs_and_points_on_its_thread_until_stopped(tmp_path):
    writer = _write(tmp_path / "a", range(10))
    board = nbvis.show.runs(tmp_path, watch=True, poll=0.05)
    assert board.watching
    _more(writer, range(10, 30))
    _write(tmp_path / "b", range(3), tag="acc")
    _wait(lambda: "b" in board.runs and len(board.runs["a"].scalars("loss")) == 30)
    table = board._store.tables["scalars"]
    _wait(lambda: table.n == 33)  # every point reached the board's data, once
    board.stop()
    assert not board.watching
    assert not board._watcher._thread.is_alive()
    _more(writer, range(30, 40))
    time.sleep(0.3)
    assert len(board.runs["a"].scalars("loss")) == 30  # stopped
    board.close()


def test_a_board_shown_before_its_logdir_exists_waits_for_it_and_says_so(tmp_path):
    # README: the board is shown first, and training makes the logdir
    logdir = tmp_path / "logs"
    board = nbvis.show.runs(logdir)
    assert board.notes == [f"{logdir}: no such folder yet; runs started in this kernel with this logdir join the "
                           "board (watch=True also waits for runs that other processes write there)"]
    assert not logdir.exists()  # showing a board makes no folder
    with nbvis.runs.start("a", logdir=logdir) as run:
        run.log(0, loss=1.0)
    _wait(lambda: board.runs.names == ["a"] and board._store.tables["scalars"].n == 1)
    assert board.notes == []
    board.close()

    # watching: another process's run joins once the folder appears
    other = tmp_path / "other"
    board = nbvis.show.runs(other, watch=True, poll=0.05)
    _wait(lambda: board.notes == [f"{other}: no such folder yet; watching for it"])
    _write(other / "b", range(5))
    _wait(lambda: board.runs.names == ["b"] and len(board.runs["b"].scalars("loss")) == 5)
    _wait(lambda: board.notes == [])  # the watcher notes what it found after handing the runs on
    board.close()


def test_closing_the_board_or_dropping_it_ends_the_watcher(tmp_path):
    _write(tmp_path / "a", range(3))
    board = nbvis.show.runs(tmp_path, watch=True, poll=0.05)
    thread = board._watcher._thread
    board.close()
    assert not thread.is_alive()
    # re-running a cell closes the boards it displayed that nothing else holds
    # (widgets/_cells.py): the watcher must not be one of their holders
    board = nbvis.show.runs(tmp_path, watch=True, poll=0.05)
    _wait(lambda: board._watcher.polls > 2)
    watcher = board._watcher
    assert isinstance(watcher._board, weakref.ref)
    gc.collect()
    holders = [r for r in gc.get_referrers(board) if not isinstance(r, types.FrameType)]
    assert not any(isinstance(r, (Watcher, threading.Thread)) or r is watcher.__dict__ for r in holders)
    board.close()


def test_a_run_this_kernel_logs_is_not_read_again_from_its_files(tmp_path):
    board = nbvis.show.runs(tmp_path, watch=True, poll=0.05)
    with nbvis.runs.start("live", logdir=tmp_path) as run:
        for step in range(50):
            run.log(step, loss=float(step))
        run.flush()
        time.sleep(0.3)  # several polls see the file
    _wait(lambda: board._watcher.polls > 3)
    assert board.runs["live"] is run
    assert board._store.tables["scalars"].n == 50  # through the Hub only, not also from disk
    board.close()


def test_a_run_read_before_watching_is_tailed_from_where_that_read_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.import_module("nbvis.show.runs"), "_READ_BUDGET_S", 0.0)  # the second run is read on the board's thread
    a = _write(tmp_path / "a", range(10))
    b = _write(tmp_path / "b", range(10))
    board = nbvis.show.runs(tmp_path, watch=True, poll=0.05)
    _more(a, range(10, 20))
    _more(b, range(10, 20))
    _wait(lambda: "b" in board.runs and all(len(r.scalars("loss")) == 20 for r in board.runs))
    _wait(lambda: board._store.tables["scalars"].n == 40)
    for run in board.runs:
        assert _steps(run) == list(range(20))
    board.close()


def test_watch_refuses_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="watch: expected True or False, got 'yes'"):
        nbvis.show.runs(tmp_path, watch="yes")
    with pytest.raises(ValueError, match="poll: expected a number of seconds"):
        nbvis.show.runs(tmp_path, watch=True, poll=0)
    run = nbvis.runs.start("mem")
    with pytest.raises(ValueError, match="watch: only a logdir"):
        nbvis.show.runs(run, watch=True)
    run.close()


def test_a_watcher_stopped_mid_poll_leaves_no_thread(tmp_path):
    for k in range(5):
        _write(tmp_path / f"r{k}", range(200))
    before = {t.ident for t in threading.enumerate()}
    board = nbvis.show.runs(tmp_path, watch=True, poll=0.05)
    watcher: Watcher = board._watcher
    board.stop()
    assert not watcher._thread.is_alive()
    # counted against what earlier tests left running: no watcher thread, and not a thread per poll
    new = [t.name for t in threading.enumerate() if t.ident not in before]
    assert not [name for name in new if name.startswith("nbvis-watch")] and len(new) <= 10, new
    board.close()
    np.testing.assert_array_equal(board.runs["r0"].scalars("loss").step, np.arange(200))


def test_points_logged_before_a_pause_reach_the_event_file_without_more_logging(tmp_path):
    # a watcher elsewhere sees what a run logged before a long epoch or a hold, not only
    # once the next point is logged
    run = nbvis.runs.start("paused", logdir=tmp_path)
    for step in range(5):
        run.log(step, loss=float(step))
    tail = LogdirTail(Storage(str(tmp_path)))  # reads the files only
    found: list[nbvis.runs.Run] = []

    def on_disk() -> int:
        tail.poll(found.append)
        return len(found[0].scalars("loss")) if found and "loss" in found[0].tags else 0

    _wait(lambda: on_disk() == 5)
    run.close()
