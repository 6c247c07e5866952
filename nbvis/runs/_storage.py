"""Where a logdir lives: a local directory, or any filesystem fsspec knows.

A :class:`Storage` lists every event file under its root in one call (on S3 and GCS
one paged listing of the prefix, not one request per directory) and reads a file from
an offset to its end (a ranged GET on object stores), which is all tailing needs.
Local paths go straight through ``os``; URLs (``s3://``, ``gs://``, ``hdfs://``, …)
through fsspec, whose options come from ``storage_options`` or fsspec's configuration
(``FSSPEC_S3_ENDPOINT_URL`` and friends); ``gfile://…`` goes through TensorFlow's
``tf.io.gfile`` for those who already use it.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Listing", "Storage", "is_url"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_RUN_SEP = re.compile(r"[/\\]+")


def is_url(logdir: object) -> bool:
    """Whether ``logdir`` names a remote (fsspec) location rather than a local path."""
    return isinstance(logdir, str) and bool(_URL.match(logdir)) and not logdir.startswith("file://")


@dataclass
class Listing:
    """Every event file under a root: its path and size, and the directories that could
    not be listed (with why)."""

    files: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


class Storage:
    """A logdir's filesystem.

    Parameters
    ----------
    logdir : str
        An absolute local path, or a URL.
    storage_options : dict, optional
        Passed to fsspec for a URL (e.g. ``{"endpoint_url": ..., "anon": True}``).
    """

    def __init__(self, logdir: str, storage_options: Mapping[str, Any] | None = None) -> None:
        self.logdir = logdir
        self.remote = is_url(logdir)
        self._fs: Any = None
        if logdir.startswith("gfile://"):
            self._fs = _GFile()
            self.root = logdir[len("gfile://"):]
        elif self.remote:
            try:
                import fsspec
            except ImportError as exc:  # pragma: no cover - fsspec is a dependency
                msg = f"logdir: {logdir!r} is a URL; reading it needs fsspec (pip install fsspec)"
                raise ImportError(msg) from exc
            try:
                self._fs, self.root = fsspec.core.url_to_fs(logdir, **dict(storage_options or {}))
            except (ImportError, ValueError) as exc:
                msg = f"logdir: {logdir!r} cannot be opened ({exc})"
                raise type(exc)(msg) from exc
            self.root = self.root.rstrip("/")
        else:
            self.root = logdir

    def __repr__(self) -> str:
        return f"<nbvis storage {self.logdir!r}>"

    # -- naming ------------------------------------------------------------------

    def run_of(self, path: str) -> str:
        """The run an event file belongs to: its directory relative to the root,
        ``"."`` for files directly in it, ``/``-separated."""
        if self._fs is None:
            rel = os.path.relpath(os.path.dirname(path), self.root)
        else:
            rel = posixpath.relpath(posixpath.dirname(path), self.root)
        return "." if rel == "." else _RUN_SEP.sub("/", rel)

    def shown(self, path: str) -> str:
        """``path`` as the user would write it (a URL for a remote file)."""
        if self._fs is None or not self.remote:
            return path
        protocol = self.logdir.split("://", 1)[0]
        return f"{protocol}://{path}"

    # -- listing and reading -------------------------------------------------------

    def list(self) -> Listing:
        """Every event file under the root, fresh (no cached listing).

        Raises
        ------
        OSError
            When the root itself cannot be listed (missing, no permission, the network).
        """
        listing = Listing()
        if self._fs is None:
            if not os.path.isdir(self.root):
                raise FileNotFoundError(2, "no such directory", self.root)
            for directory, subdirs, files in os.walk(self.root, onerror=lambda e: _note(listing, e)):
                subdirs.sort()
                for name in files:
                    if "tfevents" in name:
                        path = os.path.join(directory, name)
                        try:
                            listing.files[path] = os.stat(path).st_size
                        except OSError as exc:  # deleted between the walk and the stat
                            _note(listing, exc)
            return listing
        self._fs.invalidate_cache()
        found = self._fs.find(self.root, detail=True)
        for path, info in sorted(found.items()):
            if info.get("type", "file") == "file" and "tfevents" in posixpath.basename(path):
                listing.files[path] = int(info.get("size") or 0)
        return listing

    def read(self, path: str, start: int = 0, end: int | None = None) -> bytes:
        """The bytes of ``path`` from ``start`` (to ``end``, or its end)."""
        if self._fs is None:
            with open(path, "rb") as file:
                file.seek(start)
                return file.read() if end is None else file.read(max(0, end - start))
        return bytes(self._fs.cat_file(path, start=start, end=end))


def _note(listing: Listing, error: OSError) -> None:
    listing.errors[str(error.filename)] = error.strerror or str(error)


class _GFile:
    """The two calls :class:`Storage` makes, through ``tf.io.gfile``."""

    def __init__(self) -> None:
        try:
            import tensorflow as tf
        except ImportError as exc:
            msg = "logdir: gfile:// paths are read through TensorFlow's tf.io.gfile; TensorFlow is not installed"
            raise ImportError(msg) from exc
        self._gfile = tf.io.gfile

    def invalidate_cache(self) -> None:
        pass

    def find(self, root: str, detail: bool = True) -> dict[str, dict[str, Any]]:
        gfile = self._gfile
        if not gfile.isdir(root):
            raise FileNotFoundError(2, "no such directory", root)
        out: dict[str, dict[str, Any]] = {}
        for directory, _subdirs, files in gfile.walk(root):
            for name in files:
                path = posixpath.join(directory, name)
                out[path] = {"type": "file", "size": gfile.stat(path).length}
        return out

    def cat_file(self, path: str, start: int = 0, end: int | None = None) -> bytes:
        with self._gfile.GFile(path, "rb") as file:
            file.seek(start)
            return file.read() if end is None else file.read(max(0, end - start))
