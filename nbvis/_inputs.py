"""User data -> one internal form: every form a chart function accepts is normalised here.

Errors about the *data* are raised here (options are checked in :mod:`nbvis._validate`);
each names the argument, what was received and what is valid.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import describe

__all__ = [
    "XYSeries",
    "bar_values",
    "flat_values",
    "image_batch",
    "matrix",
    "table_rows",
    "to_numpy",
    "to_uint8",
    "xy_series",
]


@dataclass(frozen=True)
class XYSeries:
    """One named series of points: contiguous float64 ``x`` and ``y`` of equal length."""

    name: str
    x: np.ndarray
    y: np.ndarray


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
        return len(values) == 0 or (not isinstance(values[0], (list, tuple)) and not (
            _is_array_like(values[0]) and getattr(values[0], "ndim", 0) > 0
        ))
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


def _label(value: Any, *, arg: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (numbers.Number, np.generic)) and not isinstance(value, (bool, np.bool_)):
        return str(value.item() if isinstance(value, np.generic) else value)
    msg = f"{arg}: expected a string or a number, got {describe(value)}"
    raise TypeError(msg)


def bar_values(data: Any, *, arg: str = "data") -> tuple[list[str], np.ndarray]:
    """Bar labels (strings, in order) and values of the forms a bar chart accepts.

    ``[{"index": "foo", "value": 1}, ...]`` (tfjs-vis; string or number index), a dict
    ``{"foo": 1, ...}``, a pandas Series (labels from its index), or a list/array of
    numbers (labelled 0, 1, 2, ...). Labels are text: numbers become their string form.

    Examples
    --------
    >>> bar_values([{"index": "foo", "value": 1}, {"index": 3, "value": 3}])
    (['foo', '3'], array([1., 3.]))
    """
    if hasattr(data, "index") and hasattr(data, "to_numpy") and getattr(data, "ndim", 0) == 1:
        labels = [_label(v, arg=f"{arg}.index[{i}]") for i, v in enumerate(data.index.tolist())]
        return labels, _numbers(data.to_numpy(), arg=arg)
    if isinstance(data, Mapping):
        labels = [_label(k, arg=f"{arg} key") for k in data]
        return labels, _numbers(list(data.values()), arg=f"{arg} values")
    if data is None or isinstance(data, (str, bytes)):
        msg = f"{arg}: expected a list of {{'index': ..., 'value': ...}}, a dict or a Series, got {describe(data)}"
        raise TypeError(msg)
    if isinstance(data, (list, tuple)) and data and isinstance(data[0], Mapping):
        labels, values = [], []
        for i, row in enumerate(data):
            if not isinstance(row, Mapping) or "index" not in row or "value" not in row:
                got = sorted(map(str, row)) if isinstance(row, Mapping) else describe(row)
                msg = f"{arg}[{i}]: expected a bar like {{'index': 'a', 'value': 1}}, got {got}"
                raise ValueError(msg)
            labels.append(_label(row["index"], arg=f"{arg}[{i}]['index']"))
            values.append(row["value"])
        return labels, _numbers(values, arg=f"{arg}[...]['value']")
    values = to_numpy(data, arg=arg) if not isinstance(data, (list, tuple)) else data  # type: ignore[assignment]
    if isinstance(values, np.ndarray) and values.ndim != 1:
        msg = f"{arg}: expected a 1-D array of bar values, got {describe(values)}"
        raise ValueError(msg)
    numbers_ = _numbers(values, arg=arg)
    return [str(i) for i in range(len(numbers_))], numbers_


def flat_values(data: Any, *, arg: str = "data") -> np.ndarray:
    """All values of a list, array or tensor of any shape, as a flat float64 array.

    tfjs-vis's ``[{"value": 1}, ...]`` form is accepted too; None becomes NaN.

    Examples
    --------
    >>> flat_values(np.ones((2, 3))).shape
    (6,)
    """
    if data is None or isinstance(data, (str, bytes, Mapping)):
        msg = f"{arg}: expected a list, array or tensor of numbers, got {describe(data)}"
        raise TypeError(msg)
    if isinstance(data, (list, tuple)):
        if data and isinstance(data[0], Mapping):
            values = []
            for i, row in enumerate(data):
                if not isinstance(row, Mapping) or "value" not in row:
                    msg = f"{arg}[{i}]: expected {{'value': number}}, got {describe(row)}"
                    raise ValueError(msg)
                values.append(row["value"])
            return _numbers(values, arg=f"{arg}[...]['value']")
        if any(isinstance(v, (list, tuple)) for v in data):
            try:
                return np.asarray(data, dtype=np.float64).reshape(-1)
            except (TypeError, ValueError):
                msg = f"{arg}: nested lists must be rectangular and hold numbers only"
                raise ValueError(msg) from None
        return _numbers(list(data), arg=arg)
    array = to_numpy(data, arg=arg)
    if array.dtype.kind == "b" or array.dtype.kind not in "iuf":
        if array.dtype.kind == "O":
            return _numbers(array.reshape(-1).tolist(), arg=arg)
        msg = f"{arg}: expected numbers, got an array of dtype {array.dtype}"
        raise TypeError(msg)
    return np.asarray(array, dtype=np.float64).reshape(-1)


def matrix(values: Any, *, arg: str = "values") -> np.ndarray:
    """A 2-D float64 array from nested lists, numpy, pandas or a TF/PyTorch tensor.

    Examples
    --------
    >>> matrix([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    if values is None or isinstance(values, (str, bytes, Mapping)):
        msg = f"{arg}: expected a 2-D list, array or tensor, got {describe(values)}"
        raise TypeError(msg)
    if isinstance(values, (list, tuple)):
        rows = list(values)
        if rows and all(isinstance(r, (list, tuple)) for r in rows):
            lengths = {len(r) for r in rows}
            if len(lengths) > 1:
                msg = f"{arg}: rows have different lengths {sorted(lengths)}; expected a rectangular 2-D list"
                raise ValueError(msg)
            width = lengths.pop() if lengths else 0
            try:  # numbers convert in C; anything else is reported cell by cell
                fast = np.asarray(rows, dtype=np.float64)
            except (TypeError, ValueError):
                fast = None
            if fast is not None and not any(v is None for r in rows for v in r):
                return fast.reshape(len(rows), width)
            return np.stack([_numbers(r, arg=f"{arg}[{i}]") for i, r in enumerate(rows)]).reshape(len(rows), width)
        array = np.asarray(values, dtype=object)
    else:
        array = to_numpy(values, arg=arg)
    if array.ndim != 2:
        msg = f"{arg}: expected a 2-D matrix, got {describe(array)}"
        raise ValueError(msg)
    if array.dtype.kind in "biuf":
        return np.asarray(array, dtype=np.float64)
    if array.dtype.kind == "O":
        return _numbers(array.reshape(-1).tolist(), arg=arg).reshape(array.shape)
    msg = f"{arg}: expected numbers, got an array of dtype {array.dtype}"
    raise TypeError(msg)


def to_uint8(pixels: Any, *, arg: str = "images") -> np.ndarray:
    """Pixels of any numeric dtype as uint8, by the one rule every picture of nbvis uses.

    uint8 is kept; floats in [0, 1] are scaled by 255; values already in [0, 255] are
    kept; anything else (e.g. standardised inputs) is stretched from its minimum to its
    maximum, as ``imshow`` does. NaN becomes 0. The shape is kept.

    Examples
    --------
    >>> to_uint8(np.array([0.0, 0.5, 1.0])).tolist()
    [0, 128, 255]
    """
    array = np.asarray(pixels)
    if array.dtype == np.uint8:
        return np.ascontiguousarray(array)
    if array.dtype.kind not in "biuf":
        msg = f"{arg}: expected numeric pixels, got dtype {array.dtype}"
        raise TypeError(msg)
    values = array.astype(np.float64)
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if array.dtype.kind == "f" and low >= 0 and high <= 1:
        scaled = values * 255
    elif low >= 0 and high <= 255:
        scaled = values
    else:
        scaled = (values - low) / ((high - low) or 1.0) * 255
    return np.nan_to_num(scaled, nan=0.0, posinf=255.0, neginf=0.0).clip(0, 255).round().astype(np.uint8)


def _image_uint8(image: np.ndarray, *, arg: str) -> np.ndarray:
    """One image as (H, W, C) uint8 with C in 1, 3, 4 (see :func:`to_uint8`)."""
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3 or image.shape[2] not in (1, 3, 4) or 0 in image.shape:
        msg = f"{arg}: expected an image of shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), got shape {image.shape}"
        raise ValueError(msg)
    return to_uint8(image, arg=arg)


def image_batch(images: Any, *, arg: str = "images") -> list[np.ndarray]:
    """Images as a list of ``(H, W, C)`` uint8 arrays (C = 1, 3 or 4).

    Accepted: an ``(N, H, W)`` or ``(N, H, W, C)`` array or tensor (NHWC), or a list of
    ``(H, W)`` / ``(H, W, C)`` images of any sizes. uint8 pixels are used as they are;
    floats in [0, 1] are scaled by 255; values already in [0, 255] are kept; anything else
    is stretched from its minimum to its maximum, per image.

    Examples
    --------
    >>> [im.shape for im in image_batch(np.zeros((2, 8, 8)))]
    [(8, 8, 1), (8, 8, 1)]
    """
    if isinstance(images, (list, tuple)):
        out = []
        for i, image in enumerate(images):
            array = image if isinstance(image, np.ndarray) else (
                to_numpy(image, arg=f"{arg}[{i}]") if _is_array_like(image) else np.asarray(image)
            )
            out.append(_image_uint8(array, arg=f"{arg}[{i}]"))
        return out
    if images is None or not _is_array_like(images):
        msg = f"{arg}: expected an (N, H, W[, C]) array or tensor or a list of images, got {describe(images)}"
        raise TypeError(msg)
    array = to_numpy(images, arg=arg)
    if array.ndim not in (3, 4):
        msg = f"{arg}: expected a batch of shape (N, H, W) or (N, H, W, C), got {describe(array)}; wrap one image in a list"
        raise ValueError(msg)
    return [_image_uint8(array[i], arg=f"{arg}[{i}]") for i in range(array.shape[0])]


def table_rows(headers: Any, values: Any) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of a table; a DataFrame may stand for both.

    Cells are kept as given (numbers are formatted later, everything is shown as text).
    """
    if values is None and hasattr(headers, "columns") and hasattr(headers, "itertuples"):
        frame = headers
        return [str(c) for c in frame.columns], [list(r) for r in frame.itertuples(index=False)]
    if isinstance(headers, (str, bytes)) or not isinstance(headers, (list, tuple)):
        msg = f"headers: expected a list of column names (or a DataFrame), got {describe(headers)}"
        raise TypeError(msg)
    names = [h if isinstance(h, str) else _label(h, arg=f"headers[{i}]") for i, h in enumerate(headers)]
    if not names:
        msg = "headers: expected at least one column name, got []"
        raise ValueError(msg)
    if values is None:
        msg = "values: expected a list of rows (lists of cells), got None"
        raise TypeError(msg)
    if _is_array_like(values) and not isinstance(values, (list, tuple)):
        array = to_numpy(values, arg="values")
        if array.ndim != 2:
            msg = f"values: expected a 2-D array of rows, got {describe(array)}"
            raise ValueError(msg)
        values = array.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)):
        msg = f"values: expected a list of rows, got {describe(values)}"
        raise TypeError(msg)
    rows = []
    for i, row in enumerate(values):
        if isinstance(row, (str, bytes)) or not isinstance(row, (list, tuple)):
            msg = f"values[{i}]: expected a row (a list of {len(names)} cells), got {describe(row)}"
            raise TypeError(msg)
        if len(row) != len(names):
            msg = f"values[{i}]: has {len(row)} cells but there are {len(names)} headers {names}"
            raise ValueError(msg)
        rows.append(list(row))
    return names, rows


