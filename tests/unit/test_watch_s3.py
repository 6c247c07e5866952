"""Watching a logdir on S3: a real S3 API (moto's server on 127.0.0.1, through s3fs),
behind a TCP proxy the tests cut to make real network errors."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import nbvis
from nbvis.runs._events import RunFileWriter
from nbvis.runs._storage import Storage
from nbvis.runs._tail import LogdirTail

pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")

BUCKET = "nbvis-logs"


class _Proxy:
    """A TCP forwarder to ``target``; :meth:`cut` refuses and drops every connection
    (the network is down), :meth:`mend` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self.mend()

    def mend(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def cut(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            server.close()
        with self._lock:
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self._conns.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


@pytest.fixture(scope="session")  # once per worker: xdist interleaves other modules' tests
def s3() -> Iterator[dict]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    proxy = _Proxy((host, port))
    options = {
        "endpoint_url": f"http://127.0.0.1:{proxy.port}", "key": "testing", "secret": "testing",
        "client_kwargs": {"region_name": "eu-west-1"},
        # one attempt (a failure must reach the board), but time for a slow reply on a busy machine
        "config_kwargs": {"retries": {"max_attempts": 1}, "connect_timeout": 10, "read_timeout": 30},
        "skip_instance_cache": True,
    }
    import s3fs

    fs = s3fs.S3FileSystem(**options)
    fs.mkdir(BUCKET)
    yield {"fs": fs, "options": options, "proxy": proxy}
    proxy.cut()
    server.stop()


def _wait(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.05)


def _event_file(tmp_path: Path, name: str, steps: range) -> bytes:
    writer = RunFileWriter(str(tmp_path / name))
    for step in steps:
        writer.scalars(step, 1_700_000_000.0 + step, {"loss": 1.0 / (step + 1)})
    writer.close()
    return Path(writer.path).read_bytes()


def test_a_file_growing_on_s3_is_read_with_ranged_gets_of_its_new_bytes(s3, tmp_path):
    fs, prefix = s3["fs"], f"{BUCKET}/grow"
    data = _event_file(tmp_path, "a", range(300))
    key = f"{prefix}/run-a/events.out.tfevents.1.host"
    cuts = [len(data) // 3 + 5, 2 * len(data) // 3, len(data)]  # the first two end mid-record
    reads: list[tuple[int, int]] = []

    class Counting(Storage):
        def read(self, path: str, start: int = 0, end: int | None = None) -> bytes:
            got = super().read(path, start, end)
            reads.append((start, len(got)))
            return got

    tail = LogdirTail(Counting(f"s3://{prefix}", s3["options"]))
    fs.pipe(key, data[: cuts[0]])
    runs: list[nbvis.runs.Run] = []
    tail.poll(runs.append)
    (run,) = runs
    assert run.name == "run-a"
    seen = [len(run.scalars("loss"))]
    for cut in cuts[1:]:
        fs.pipe(key, data[:cut])  # S3 objects are rewritten whole; the tail reads only past its offset
        tail.poll(runs.append)
        seen.append(len(run.scalars("loss")))
    assert 0 < seen[0] < seen[1] < seen[2] == 300
    assert run.scalars("loss").step.tolist() == list(range(300))
    # each read starts where the complete records ended: at most one cut record re-read
    assert reads[0][0] == 0 and all(start > 0 for start, _ in reads[1:])
    assert sum(n for _, n in reads) < len(data) + 2 * 64
    assert tail.notes == {}


def test_a_board_watching_s3_gets_new_runs_and_points_and_survives_a_network_outage(s3, tmp_path):
    fs, prefix, proxy = s3["fs"], f"{BUCKET}/board", s3["proxy"]
    first = _event_file(tmp_path, "a", range(100))
    fs.pipe(f"{prefix}/a/events.out.tfevents.1.host", first[: len(first) // 2])
    board = nbvis.show.runs(f"s3://{prefix}", watch=True, poll=0.1, storage_options=s3["options"])
    assert board.wait(30)  # the first listing and read, on the board's thread
    assert board.runs.names == ["a"]
    fs.pipe(f"{prefix}/a/events.out.tfevents.1.host", first)
    fs.pipe(f"{prefix}/b/events.out.tfevents.2.host", _event_file(tmp_path, "b", range(10)))
    _wait(lambda: "b" in board.runs and len(board.runs["a"].scalars("loss")) == 100)
    proxy.cut()
    try:
        _wait(lambda: any("cannot be listed" in note for note in board.notes))
        (note,) = board.notes
        assert note.startswith(f"s3://{prefix}: cannot be listed (")
        assert len(board.runs["a"].scalars("loss")) == 100  # nothing lost
    finally:
        proxy.mend()
    fs.pipe(f"{prefix}/c/events.out.tfevents.3.host", _event_file(tmp_path, "c", range(5)))
    _wait(lambda: "c" in board.runs and board.notes == [], timeout=60)  # backed off, then resumed
    assert board._store.tables["scalars"].n == 115
    board.close()


def test_loading_an_s3_logdir_reads_every_point_and_a_missing_bucket_is_a_clear_error(s3, tmp_path):
    prefix = f"{BUCKET}/load"
    s3["fs"].pipe(f"{prefix}/x/events.out.tfevents.1.host", _event_file(tmp_path, "x", range(50)))
    runs = nbvis.runs.load(f"s3://{prefix}", storage_options=s3["options"])
    assert runs.names == ["x"] and len(runs["x"].scalars("loss")) == 50
    with pytest.raises(FileNotFoundError, match=r"^logdir: 's3://no-such-bucket-here/logs' does not exist$"):
        nbvis.runs.load("s3://no-such-bucket-here/logs", storage_options=s3["options"])
