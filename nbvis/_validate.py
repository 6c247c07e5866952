"""Option checks: every user-facing option is validated here, once, at the boundary.

Each check returns the normalised value or raises ``TypeError``/``ValueError`` whose
message starts with the argument's name, says what was received and what is valid
(``"window: expected a positive whole number ..., got 0"``).
"""

from __future__ import annotations

import difflib
import functools
import inspect
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "MAX_PIXELS",
    "check_bool",
    "check_choice",
    "check_domain",
    "check_font_size",
    "check_number",
    "check_positive_int",
    "check_size",
    "check_smoothing",
    "check_text",
    "check_window",
    "describe",
    "strict_kwargs",
    "text_list",
]

#: The largest chart side accepted, in pixels (browsers cap canvases near 32,767).
MAX_PIXELS = 16_000

F = TypeVar("F", bound=Callable[..., Any])


def describe(value: Any) -> str:
    """A short description of a received value for error messages."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"{type(value).__name__} of shape {tuple(shape)}"
    if isinstance(value, (str, bytes)):
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of length {len(value)}"
    return type(value).__name__


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))


def check_bool(value: Any, *, arg: str) -> bool:
    """``True`` or ``False`` (not 0/1, not a string)."""
    if not isinstance(value, (bool, np.bool_)):
        msg = f"{arg}: expected True or False, got {value!r}"
        raise TypeError(msg)
    return bool(value)


def check_positive_int(value: Any, *, arg: str) -> int:
    """A whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        msg = f"{arg}: expected a positive whole number, got {value!r}"
        raise ValueError(msg)
    return int(value)


def check_window(value: Any, *, arg: str = "window") -> int | None:
    """``None`` or how many of its last points each series keeps (>= 1): one rule for
    every chart and for the training plots."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        msg = f"{arg}: expected a positive whole number of points per series or None, got {value!r}"
        raise ValueError(msg)
    return int(value)


def check_smoothing(value: Any, *, arg: str = "smoothing") -> float | None:
    """``None`` or a TensorBoard smoothing weight in [0, 1)."""
    if value is None:
        return None
    if not _is_number(value) or not 0 <= value < 1:
        msg = f"{arg}: expected a weight in [0, 1) or None, got {value!r}"
        raise ValueError(msg)
    return float(value)


def check_number(value: Any, *, arg: str, low: float, high: float, open_low: bool = False,
                 what: str = "a number") -> float:
    """A real number in ``[low, high]`` (``(low, high]`` with ``open_low``)."""
    inside = _is_number(value) and (low < value if open_low else low <= value) and value <= high
    if not inside:
        bounds = f"{'(' if open_low else '['}{low:g}, {high:g}]"
        msg = f"{arg}: expected {what} in {bounds}, got {value!r}"
        raise ValueError(msg)
    return float(value)


def check_size(value: Any, *, arg: str) -> int | None:
    """``None`` or a positive whole number of pixels."""
    if value is None:
        return None
    if not _is_number(value):
        msg = f"{arg}: expected a whole number of pixels or None, got {value!r}"
        raise TypeError(msg)
    if not math.isfinite(value) or value != int(value) or not 0 < value <= MAX_PIXELS:
        msg = f"{arg}: expected a whole number of pixels from 1 to {MAX_PIXELS:,} or None, got {value!r}"
        raise ValueError(msg)
    return int(value)


def check_font_size(value: Any, *, arg: str = "font_size") -> float:
    """A font size in pixels: a number from 1 to 200."""
    if not _is_number(value):
        msg = f"{arg}: expected a number of pixels, got {value!r}"
        raise TypeError(msg)
    if not 1 <= value <= 200:  # also refuses NaN
        msg = f"{arg}: expected a font size from 1 to 200 pixels, got {value!r}"
        raise ValueError(msg)
    return int(value) if value == int(value) else float(value)


def check_text(value: Any, *, arg: str) -> str | None:
    """``None`` or a string (shown as text, never parsed as markup or expressions)."""
    if value is None or isinstance(value, str):
        return value
    msg = f"{arg}: expected a string or None, got {type(value).__name__}"
    raise TypeError(msg)


def check_choice(value: Any, choices: Sequence[Any], *, arg: str) -> Any:
    """``value`` if it is one of ``choices``, else a ValueError listing them."""
    if value not in choices:
        msg = f"{arg}: expected one of {list(choices)}, got {value!r}"
        raise ValueError(msg)
    return value


def check_domain(value: Any, *, arg: str) -> list[float] | None:
    """``None`` or ``[min, max]`` with finite ``min < max``."""
    if value is None:
        return None
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        msg = f"{arg}: expected [min, max] numbers or None, got {value!r}"
        raise TypeError(msg) from None
    if not low < high or not all(map(math.isfinite, (low, high))):
        msg = f"{arg}: expected finite numbers with min < max, got {value!r}"
        raise ValueError(msg)
    return [low, high]


def text_list(values: Any, *, arg: str, length: int | None = None) -> list[str] | None:
    """``None`` or a list of labels (numbers allowed, shown as text), optionally of a length."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        msg = f"{arg}: expected a list of labels, got {type(values).__name__}"
        raise TypeError(msg)
    out = []
    for i, v in enumerate(values):
        if not isinstance(v, (str, int, float)) or isinstance(v, bool):
            msg = f"{arg}[{i}]: expected a string or a number, got {type(v).__name__}"
            raise TypeError(msg)
        out.append(str(v))
    if length is not None and len(out) != length:
        msg = f"{arg}: expected {length} labels, got {len(out)}"
        raise ValueError(msg)
    return out


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def strict_kwargs(function: F) -> F:
    """Reject unknown keyword arguments with a "did you mean" (tfjs-vis camelCase included).

    Examples
    --------
    >>> @strict_kwargs
    ... def chart(values, *, x_label=None): ...
    >>> chart([], xLabel="step")
    Traceback (most recent call last):
    TypeError: chart() got an unexpected keyword argument 'xLabel'. Did you mean 'x_label'?
    """
    parameters = inspect.signature(function).parameters
    names = [n for n, p in parameters.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
        return function  # it passes **options on to a function that checks them itself

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        for key in kwargs:
            if key not in parameters:
                close = [_snake(key)] if _snake(key) in names else difflib.get_close_matches(key, names, n=1, cutoff=0.6)
                hint = f" Did you mean {close[0]!r}?" if close else f" Valid options: {', '.join(names)}."
                msg = f"{function.__name__}() got an unexpected keyword argument {key!r}.{hint}"
                raise TypeError(msg)
        return function(*args, **kwargs)

    return checked  # type: ignore[return-value]
