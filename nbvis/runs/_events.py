"""TensorBoard event files: written by tensorboardX, read record by record.

Writing goes through tensorboardX's ``EventsWriter`` and its protocol buffers (no
protobuf is encoded here, and TensorFlow is never imported). One ``Event`` holds every
scalar of one ``log`` call, as ``simple_value`` s, which TensorBoard's scalars plugin
reads; hyperparameters are the HParams plugin's session start and end summaries.

Reading splits the TFRecord framing (length, masked CRC-32C of the length, payload,
masked CRC-32C of the payload), checks both checksums, and parses each payload with the
``Event`` message. A file cut off in the middle of a record (a writer still writing, or
killed) yields its complete records; a checksum mismatch or an unparsable payload ends
the file's reading with a :class:`FileProblem` naming the file and the offset.
"""

from __future__ import annotations

import functools
import glob
import importlib.abc
import importlib.machinery
import math
import os
import struct
import sys
import threading
import types
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from crc32c import crc32c

from .._columns import narrowed

__all__ = [
    "EVENT_GLOB",
    "FileProblem",
    "ParsedRun",
    "RunFileWriter",
    "event_files",
    "read_event_file",
]

#: How TensorBoard recognises an event file (its loaders match ``tfevents`` in the name).
EVENT_GLOB = "*tfevents*"
_HPARAMS_PLUGIN = "hparams"
_SESSION_START = "_hparams_/session_start_info"
_SESSION_END = "_hparams_/session_end_info"
_HEADER = struct.Struct("<QI")
_FOOTER = struct.Struct("<I")
# TensorProto dtypes a scalar summary may use (tf.summary.scalar writes DT_FLOAT).
_DT_FLOAT, _DT_DOUBLE, _DT_HALF = 1, 2, 19


class _NoTorchHere(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes ``import torch`` fail on one thread while it is on ``sys.meta_path``."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name == "torch" and threading.get_ident() == self.thread:
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        msg = "nbvis imports tensorboardX without torch"
        raise ImportError(msg)

    def exec_module(self, module: types.ModuleType) -> None:  # pragma: no cover - never reached
        pass


@functools.cache
def _tensorboardx() -> types.SimpleNamespace:
    """The parts of tensorboardX nbvis uses. Its package ``__init__`` imports torch when
    it is installed (for type hints only: seconds and hundreds of MB in a process that
    trains with TensorFlow or JAX), so torch is kept out on this thread while it loads;
    other threads, and torch imported later, are unaffected."""
    blocker = None
    if "torch" not in sys.modules and "tensorboardX" not in sys.modules:
        blocker = _NoTorchHere()
        sys.meta_path.insert(0, blocker)
    try:
        from tensorboardX.event_file_writer import EventsWriter
        from tensorboardX.proto import event_pb2, summary_pb2
        from tensorboardX.proto.plugin_hparams_pb2 import HParamsPluginData
        from tensorboardX.summary import hparams
    finally:
        if blocker is not None:
            sys.meta_path.remove(blocker)
    return types.SimpleNamespace(
        EventsWriter=EventsWriter, Event=event_pb2.Event, Summary=summary_pb2.Summary,
        HParamsPluginData=HParamsPluginData, hparams=hparams,
    )


def _masked_crc(data: bytes | memoryview) -> int:
    x = crc32c(data)
    return (((x >> 15) | (x << 17)) + 0xA282EAD8) & 0xFFFFFFFF


class RunFileWriter:
    """One event file of one run, written synchronously (the caller's thread is a
    background thread of :class:`~nbvis.runs.Run`).

    Parameters
    ----------
    directory : str
        The run's directory; made if missing.
    """

    def __init__(self, directory: str) -> None:
        tbx = _tensorboardx()
        os.makedirs(directory, exist_ok=True)
        self._event = tbx.Event
        self._summary = tbx.Summary
        self._hparams = tbx.hparams
        # a unique suffix: two writers started in one second (a resumed run) get two files
        suffix = f".{os.getpid()}.{uuid.uuid4().hex[:8]}.nbvis"
        self._writer = tbx.EventsWriter(os.path.join(directory, "events"), filename_suffix=suffix)
        self.path: str = self._writer._file_name

    def scalars(self, step: int, wall_time: float, values: Mapping[str, float]) -> None:
        """One event with every scalar of one step."""
        summary = self._summary(value=[self._summary.Value(tag=t, simple_value=v) for t, v in values.items()])
        self._writer.write_event(self._event(wall_time=wall_time, step=int(step), summary=summary))

    def hparams(self, hparams: Mapping[str, Any], wall_time: float) -> None:
        """The HParams plugin's session start summary (as tensorboardX's ``add_hparams``)."""
        _experiment, start, _end = self._hparams(dict(hparams), {})
        self._writer.write_event(self._event(wall_time=wall_time, summary=start))

    def session_end(self, wall_time: float) -> None:
        """The HParams plugin's session end summary (status: success)."""
        _experiment, _start, end = self._hparams({}, {})
        self._writer.write_event(self._event(wall_time=wall_time, summary=end))

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()


@dataclass
class FileProblem:
    """Why (part of) an event file could not be read."""

    path: str
    offset: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason} at byte {self.offset}; the records before it were read"


@dataclass
class ParsedRun:
    """What the event files of one run directory hold: per tag, steps, wall times and
    values in file order; hparams; and problems met on the way."""

    # steps, wall times, values: lists while reading, arrays after freeze()
    tags: dict[str, tuple[Any, Any, Any]] = field(default_factory=dict)
    hparams: dict[str, Any] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)
    start_time: float = math.inf
    # per event file, the bytes of complete records read (where tailing it goes on)
    files: dict[str, int] = field(default_factory=dict)

    def add(self, tag: str, step: float, wall: float, value: float) -> None:
        columns = self.tags.get(tag)
        if columns is None:
            columns = self.tags[tag] = ([], [], [])
        columns[0].append(step)
        columns[1].append(wall)
        columns[2].append(value)

    def freeze(self) -> ParsedRun:
        """The columns as arrays, as narrow as their values allow (int32 steps, float32
        values: what the files hold), so they are quick to send between processes."""
        self.tags = {tag: (narrowed(steps, "int"), np.asarray(walls, np.float64), narrowed(values, "f32_exact"))
                     for tag, (steps, walls, values) in self.tags.items()}
        return self


def read_run_dir(directory: str) -> ParsedRun:
    """Every event file of the run in ``directory``, oldest first (a top-level function:
    worker processes run it for a big logdir)."""
    parsed = ParsedRun()
    for file in event_files(directory):
        read_event_file(file, parsed)
    return parsed.freeze()


def event_files(directory: str) -> list[str]:
    """The event files directly in ``directory``, oldest first (TensorBoard's order)."""
    return sorted(p for p in glob.glob(os.path.join(glob.escape(directory), EVENT_GLOB)) if os.path.isfile(p))


def _records(path: str, data: bytes) -> Iterator[tuple[int, memoryview] | FileProblem]:
    view = memoryview(data)
    offset, end = 0, len(data)
    header, footer, masked = _HEADER.unpack_from, _FOOTER.unpack_from, _masked_crc
    while offset < end:
        if end - offset < 12:
            return  # a record still being written (or cut off): complete records only
        length, length_crc = header(view, offset)
        if masked(view[offset : offset + 8]) != length_crc:
            yield FileProblem(path, offset, "corrupt record header (CRC mismatch)")
            return
        start = offset + 12
        stop = start + length
        if stop + 4 > end:
            return
        payload = view[start:stop]
        (payload_crc,) = footer(view, stop)
        if masked(payload) != payload_crc:
            yield FileProblem(path, offset, "corrupt record (CRC mismatch)")
            return
        yield offset, payload
        offset = stop + 4


def _tensor_scalar(tensor: Any) -> float | None:
    if tuple(d.size for d in tensor.tensor_shape.dim) not in ((), (1,)):
        return None
    if tensor.dtype == _DT_FLOAT:
        if tensor.float_val:
            return float(tensor.float_val[0])
        return float(np.frombuffer(tensor.tensor_content, "<f4")[0]) if tensor.tensor_content else None
    if tensor.dtype == _DT_DOUBLE:
        if tensor.double_val:
            return float(tensor.double_val[0])
        return float(np.frombuffer(tensor.tensor_content, "<f8")[0]) if tensor.tensor_content else None
    if tensor.dtype == _DT_HALF and tensor.half_val:
        return float(np.array([tensor.half_val[0]], np.uint16).view(np.float16)[0])
    return None


def _hparams_of(content: bytes) -> dict[str, Any]:
    data = _tensorboardx().HParamsPluginData.FromString(content)
    out: dict[str, Any] = {}
    if data.WhichOneof("data") != "session_start_info":
        return out
    for name, value in data.session_start_info.hparams.items():
        kind = value.WhichOneof("kind")
        if kind is not None:
            v = getattr(value, kind)
            # the plugin stores every number as a double: 32 layers come back as 32, not 32.0
            out[name] = int(v) if kind == "number_value" and v.is_integer() and abs(v) < 2**53 else v
    return out


def first_wall_time(directory: str) -> float:
    """When the run in ``directory`` started: the wall time of the first event of its
    oldest event file (the writer's ``file_version`` record), read from the file's first
    4 KiB; ``inf`` if none can be read."""
    for path in event_files(directory):
        try:
            with open(path, "rb") as file:
                head = file.read(4096)
        except OSError:
            continue
        wall = wall_time_of_first_event(path, head)
        if wall is not None:
            return wall
    return math.inf


def wall_time_of_first_event(path: str, head: bytes) -> float | None:
    """The wall time of the first event in ``head`` (the first bytes of ``path``)."""
    from google.protobuf.message import DecodeError

    parse = _tensorboardx().Event.FromString
    for record in _records(path, head):
        if isinstance(record, FileProblem):
            return None
        try:
            wall = parse(record[1]).wall_time
        except DecodeError:
            return None
        if wall:
            return float(wall)
    return None


def complete_records_end(data: bytes) -> int:
    """The offset just past the last complete, intact record of ``data`` (a file's bytes
    from its start)."""
    end = 0
    for record in _records("", data):
        if isinstance(record, FileProblem):
            break
        end = record[0] + 16 + len(record[1])
    return end


def read_event_file(path: str, into: ParsedRun) -> None:
    """Add the scalars and hparams of one local event file to ``into`` (and the bytes
    of complete records read to ``into.files[path]``)."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as exc:
        into.problems.append(FileProblem(path, 0, f"cannot be read ({exc.strerror or exc})"))
        return
    into.files[path] = parse_events(path, data, into)


def parse_events(path: str, data: bytes, into: ParsedRun, base: int = 0) -> int:
    """Add the scalars and hparams of the records in ``data`` (the bytes of ``path``
    from offset ``base``) to ``into``; returns the offset just past the last complete
    record (where a reader that tails the file goes on), or where a problem stopped
    the reading (then in ``into.problems``).

    Scalars are ``simple_value`` s (tensorboardX, torch's ``SummaryWriter``, TF 1) and
    scalar tensors (``tf.summary.scalar`` in TF 2, Keras' ``TensorBoard`` callback);
    images, histograms, text and graphs in the same file are skipped.
    """
    from google.protobuf.message import DecodeError

    parse = _tensorboardx().Event.FromString
    tags = into.tags
    end = 0
    for record in _records(path, data):
        if isinstance(record, FileProblem):
            record.offset += base
            into.problems.append(record)
            return record.offset
        offset, payload = record
        try:
            event = parse(payload)
        except DecodeError:
            into.problems.append(FileProblem(path, base + offset, "a record is not an Event"))
            return base + offset
        end = offset + 16 + len(payload)
        wall = event.wall_time
        if wall and wall < into.start_time:
            into.start_time = wall
        if not event.HasField("summary"):
            continue
        step = float(event.step)
        for value in event.summary.value:
            kind = value.WhichOneof("value")
            if kind == "simple_value":  # the common case, inlined: this loop runs per point
                columns = tags.get(value.tag)
                if columns is None:
                    columns = tags[value.tag] = ([], [], [])
                columns[0].append(step)
                columns[1].append(wall)
                columns[2].append(value.simple_value)
            elif kind == "tensor":
                plugin = value.metadata.plugin_data.plugin_name
                if plugin == _HPARAMS_PLUGIN:
                    into.hparams.update(_hparams_of(value.metadata.plugin_data.content))
                elif plugin in ("scalars", ""):
                    scalar = _tensor_scalar(value.tensor)
                    if scalar is not None:
                        into.add(value.tag, step, wall, scalar)
            elif value.tag == _SESSION_START or value.metadata.plugin_data.plugin_name == _HPARAMS_PLUGIN:
                into.hparams.update(_hparams_of(value.metadata.plugin_data.content))
    return base + end
