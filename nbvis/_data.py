"""Input normalisation: every form a chart function accepts becomes one internal form.

All validation errors of user data are raised here, and each names the argument,
what was received and what is valid.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["XYSeries", "describe", "to_numpy", "xy_series"]


@dataclass(frozen=True)
class XYSeries:
    """One named series of points: contiguous float64 ``x`` and ``y`` of equal length."""

    name: str
    x: np.ndarray
    y: np.ndarray


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


def _is_array_like(value: Any) -> bool:
    return isinstance(value, np.ndarray) or any(
        hasattr(value, attr) for attr in ("__array__", "numpy", "detach")
    )


def to_numpy(value: Any, *, arg: str) -> np.ndarray:
    """Convert numpy arrays, pandas objects and TensorFlow/PyTorch tensors to numpy.

    Frameworks are duck-typed, so none of them is imported here.
    """
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # torch.Tensor
        return value.detach().cpu().numpy()
    if hasattr(value, "numpy") and callable(value.numpy):  # tf.Tensor, tf.Variable
        return np.asarray(value.numpy())
    if hasattr(value, "to_numpy"):  # pandas
        return value.to_numpy()
    if hasattr(value, "__array__"):
        return np.asarray(value)
    msg = f"{arg}: expected an array or tensor, got {describe(value)}"
    raise TypeError(msg)


def _numbers(values: Sequence[Any] | np.ndarray, *, arg: str) -> np.ndarray:
    """Float64 array of real numbers (None becomes NaN); strings and the like are refused."""
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "biuf":
            return np.ascontiguousarray(values, dtype=np.float64)
        if values.dtype.kind == "O":
            values = values.tolist()
        else:
            msg = f"{arg}: expected numbers, got an array of dtype {values.dtype}"
            raise TypeError(msg)
    try:  # lists of ints/floats convert in C; anything else is checked one by one below
        fast = np.asarray(values)
    except (ValueError, TypeError):
        fast = None
    if fast is not None and fast.dtype.kind in "biuf" and fast.ndim == 1:
        return fast.astype(np.float64)
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        if v is None:
            out[i] = np.nan
        elif isinstance(v, numbers.Real):
            out[i] = float(v)
        else:
            msg = f"{arg}[{i}]: expected a number, got {describe(v)}"
            raise TypeError(msg)
    return out


def _points(points: Sequence[Any], *, arg: str) -> tuple[np.ndarray, np.ndarray]:
    xs: list[Any] = []
    ys: list[Any] = []
    for i, point in enumerate(points):
        if not isinstance(point, Mapping):
            msg = f"{arg}[{i}]: expected a point like {{'x': 1, 'y': 2}}, got {describe(point)}"
            raise TypeError(msg)
        for key in ("x", "y"):
            if key not in point:
                msg = f"{arg}[{i}]: point has no {key!r} key (keys: {sorted(map(str, point))})"
                raise ValueError(msg)
        xs.append(point["x"])
        ys.append(point["y"])
    return _numbers(xs, arg=f"{arg}[...]['x']"), _numbers(ys, arg=f"{arg}[...]['y']")


def _one_series(values: Any, *, arg: str) -> tuple[np.ndarray, np.ndarray]:
    """x and y of a single series given in any accepted form."""
    if hasattr(values, "index") and hasattr(values, "to_numpy") and getattr(values, "ndim", 0) == 1:
        y = _numbers(values.to_numpy(), arg=arg)  # pandas Series: x is the index
        index = np.asarray(values.index)
        x = _numbers(index, arg=f"{arg}.index") if index.dtype.kind in "biuf" else None
        return (x if x is not None else np.arange(len(y), dtype=np.float64)), y
    if _is_array_like(values) and not isinstance(values, (list, tuple)):
        array = to_numpy(values, arg=arg)
        if array.ndim == 1:
            y = _numbers(array, arg=arg)
            return np.arange(len(y), dtype=np.float64), y
        if array.ndim == 2 and array.shape[1] == 2:
            xy = _numbers(array.reshape(-1), arg=arg).reshape(-1, 2)
            return np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
        msg = (
            f"{arg}: expected a 1-D array of y values or an (n, 2) array of (x, y) rows, "
            f"got {describe(array)}"
        )
        raise ValueError(msg)
    if isinstance(values, (list, tuple)):
        if len(values) > 0 and isinstance(values[0], Mapping):
            return _points(values, arg=arg)
        y = _numbers(values, arg=arg)
        return np.arange(len(y), dtype=np.float64), y
    msg = (
        f"{arg}: expected a list of {{'x': ..., 'y': ...}} points, a list of numbers or a "
        f"1-D array, got {describe(values)}"
    )
    raise TypeError(msg)


def _is_single_series(values: Any) -> bool:
    if isinstance(values, (list, tuple)):
        return len(values) == 0 or not isinstance(values[0], (list, tuple)) and not (
            _is_array_like(values[0]) and getattr(values[0], "ndim", 0) > 0
        )
    return True


def _series_names(series: Any, count: int, default: Sequence[str] | None) -> list[str]:
    if series is None:
        if default is not None and len(default) == count:
            return list(default)
        if default is not None and count != len(default):
            msg = (
                f"series: the chart has {len(default)} series {list(default)} but {count} were "
                "given; pass series=[...] to name them"
            )
            raise ValueError(msg)
        return [f"Series {i + 1}" for i in range(count)]
    names = [series] if isinstance(series, str) else series
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        msg = f"series: expected a string or a list of strings, got {describe(series)}"
        raise TypeError(msg)
    if len(names) != count:
        msg = f"series: got {len(names)} name(s) {list(names)} for {count} series of values"
        raise ValueError(msg)
    if len(set(names)) != len(names):
        msg = f"series: names must be unique, got {list(names)}"
        raise ValueError(msg)
    return list(names)


def xy_series(
    values: Any,
    series: Any = None,
    *,
    arg: str = "values",
    default_names: Sequence[str] | None = None,
) -> list[XYSeries]:
    """Normalise the XY forms of tfjs-vis and numpy into named series.

    Accepted ``values``:

    * ``[{"x": 1, "y": 20}, ...]`` — one series (tfjs-vis ``Point2D[]``);
    * a list of such lists — several series, named by ``series``;
    * ``{"values": ..., "series": [...]}`` — tfjs-vis ``XYPlotData``;
    * ``{"loss": ys, "val_loss": ys2}`` — series named by the keys;
    * a list of numbers or a 1-D array/tensor — y values at x = 0, 1, 2, ...;
    * an ``(n, 2)`` array of (x, y) rows; a list of arrays — several series;
    * a pandas Series (x = its index) or DataFrame (one series per column).

    Examples
    --------
    >>> [s.name for s in xy_series([[{"x": 0, "y": 1}], [1.0, 2.0]], ["a", "b"])]
    ['a', 'b']
    """
    if isinstance(values, Mapping) and "values" in values and set(values) <= {"values", "series"}:
        if series is not None and values.get("series") is not None:
            msg = "series: given twice, as series= and inside the values dict; pass one"
            raise ValueError(msg)
        series = values.get("series", series)
        values = values["values"]
    if hasattr(values, "columns") and hasattr(values, "to_numpy") and hasattr(values, "items"):
        values = dict(values.items())  # pandas DataFrame: one series per column
    if isinstance(values, Mapping):
        if series is not None:
            msg = "series: not accepted when values is a dict, whose keys name the series"
            raise ValueError(msg)
        names = [str(key) for key in values]
        groups = list(values.values())
        if len(set(names)) != len(names):
            msg = f"{arg}: series names (the dict keys as strings) must be unique, got {names}"
            raise ValueError(msg)
        parsed = [_one_series(g, arg=f"{arg}[{k!r}]") for k, g in zip(names, groups)]
    elif values is None:
        msg = f"{arg}: expected data, got None; pass [] for an empty chart"
        raise TypeError(msg)
    elif _is_single_series(values):
        parsed = [_one_series(values, arg=arg)]
        names = _series_names(series, 1, default_names)
    else:
        parsed = [_one_series(g, arg=f"{arg}[{i}]") for i, g in enumerate(values)]
        names = _series_names(series, len(parsed), default_names)
    out = []
    for name, (x, y) in zip(names, parsed):
        if len(x) != len(y):  # pragma: no cover - every parser returns equal lengths
            msg = f"{arg}: series {name!r} has {len(x)} x values and {len(y)} y values"
            raise ValueError(msg)
        out.append(XYSeries(name, x, y))
    return out
