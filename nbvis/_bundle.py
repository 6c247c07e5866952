"""The built front end (``nbvis/static/``, made by ``npm --prefix js run build``).

One file per bundle of ``js/entries.mjs``: a module per widget kind plus the page-wide Vega runtime.
Nothing here imports a widget, so the widget layer and the export layer both use it.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

__all__ = ["STATIC", "Module", "runtime_source", "source", "static_file"]

STATIC = Path(__file__).parent / "static"


def static_file(name: str) -> Path:
    """The path of a built front-end file, or an ImportError that says how to build it."""
    path = STATIC / name
    if not path.is_file():
        msg = (
            f"nbvis's front end is not built: {path} is missing. Install nbvis with "
            "`pip install .` (or `pip install -e .` in a checkout), which builds js/ into "
            "nbvis/static/, or build it by hand with `npm --prefix js ci && npm --prefix js run build`."
        )
        raise ImportError(msg)
    return path


@functools.cache
def source(name: str) -> str:
    """The text of a built front-end module (read once per process)."""
    return static_file(name).read_text(encoding="utf-8")


@functools.cache
def runtime_source() -> tuple[str, str]:
    """The Vega runtime bundle and a short hash of it (the page-wide cache key)."""
    text = source("runtime.js")
    return text, hashlib.sha256(text.encode()).hexdigest()[:16]


class Module:
    """A widget class's ``_esm``: the text of a built front-end module, read when the first
    widget is made (so the class imports without a build, and a missing build is reported
    where it matters).

    >>> class MyWidget(anywidget.AnyWidget):
    ...     _esm = Module("chart.js")
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, widget: object, owner: type | None = None) -> Any:
        return self if widget is None else source(self.name)
