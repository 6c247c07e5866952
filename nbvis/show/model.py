"""Model views: ``model_summary`` (a collapsible layer tree) and ``layer`` (weight stats).

Keras is duck-typed: anything with ``.layers`` is a model, anything with ``.weights``
has weights, so ``import nbvis`` never imports TensorFlow.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._inputs import to_numpy
from .._layers import list_layers
from .._stats import format_number, value_stats
from .._validate import describe, strict_kwargs
from ..charts import histogram_choice, table, tree_table
from ..widgets import View

__all__ = ["layer", "model_summary"]

_SUMMARY_HEADERS = ["Layer", "Type", "Output shape", "Params", "Trainable"]
_LAYER_HEADERS = ["Weight", "Shape", "Min", "Max", "# Params", "# Zeros", "# NaNs", "# Infs"]


def _size(variable: Any) -> int:
    return int(np.prod([int(d) for d in variable.shape]))


def _unique(variables: Any) -> list[Any]:
    seen: set[int] = set()
    out = []
    for v in variables or []:
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def _itemsize(variable: Any) -> int:
    dtype = getattr(variable, "dtype", "float32")
    try:
        return np.dtype(getattr(dtype, "name", str(dtype))).itemsize
    except TypeError:
        return 4


def _shape_text(shape: Any) -> str:
    dims = ", ".join("None" if d is None else str(int(d)) for d in shape)
    return f"({dims},)" if len(shape) == 1 else f"({dims})"


def _output_text(info: Any) -> str:
    if info.output_shape is not None:
        return _shape_text(info.output_shape)
    try:
        outputs = info.layer.output
    except (AttributeError, ValueError, RuntimeError):
        return "?"
    if isinstance(outputs, dict):
        outputs = list(outputs.values())
    if isinstance(outputs, (list, tuple)):
        try:
            return ", ".join(_shape_text(o.shape) for o in outputs)
        except (AttributeError, TypeError):
            return "?"
    return "?"


def _bytes_text(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.2f} {unit}"
        n /= 1024
    return f"{n:.2f} GB"


def _total(variables: list[Any]) -> str:
    count = sum(_size(v) for v in variables)
    return f"{format_number(count)} ({_bytes_text(sum(_size(v) * _itemsize(v) for v in variables))})"


@strict_kwargs
def model_summary(model: Any, *, sample: Any = None, font_size: int = 13) -> View:
    """A table of the model's layers: name, type, output shape, parameters, trainable.

    Nested models are rows with a toggle that expands their own layers; the totals of
    all, trainable and non-trainable parameters (with their memory) are listed below.

    Parameters
    ----------
    model : keras.Model
        Sequential, Functional or subclassed, nested models included.
    sample : array or tensor, optional
        One batch of inputs: fills in the output shapes Keras does not know (the layers
        of subclassed models) from one forward pass.

    Examples
    --------
    >>> model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3), ...])
    >>> nbvis.show.model_summary(model)   # Layer | Type | Output shape | Params | Trainable
    """
    if not hasattr(model, "layers"):
        msg = f"model: expected a Keras model (an object with .layers), got {describe(model)}"
        raise TypeError(msg)
    infos = list_layers(model, sample)
    index = {info.path: i for i, info in enumerate(infos)}
    rows, parents = [], []
    for info in infos:
        parent_path, _, name = info.path.rpartition("/")
        layer = info.layer
        if getattr(layer, "built", True):
            params = format_number(sum(_size(v) for v in _unique(layer.weights)))
        else:
            params = "0 (unbuilt)"
        rows.append([name, info.kind, _output_text(info), params, "yes" if layer.trainable else "no"])
        parents.append(index[parent_path] if parent_path else -1)
    trainable = _unique(model.trainable_weights)
    frozen = _unique(model.non_trainable_weights)
    notes = [
        f"Total params: {_total(trainable + frozen)}",
        f"Trainable params: {_total(trainable)}",
        f"Non-trainable params: {_total(frozen)}",
    ]
    chart = tree_table(_SUMMARY_HEADERS, rows, parents, notes=notes, font_size=font_size)
    return View(f"{getattr(model, 'name', 'model')} ({type(model).__name__})", [chart])


def _weight_values(variable: Any) -> np.ndarray:
    value = variable.numpy() if hasattr(variable, "numpy") else variable
    return np.asarray(to_numpy(value, arg="layer.weights"), dtype=np.float64).reshape(-1)


@strict_kwargs
def layer(layer: Any, *, max_bins: int = 12, font_size: int = 13) -> View:
    """A layer's weights: a stats table, and a histogram of the weight picked in a drop-down.

    The table has each weight's shape, min, max, parameters, zeros, NaNs and
    infinities. Every weight is binned in numpy up front, so the drop-down switches the
    histogram at once, in the browser — also while the kernel is busy.

    Parameters
    ----------
    layer : keras.layers.Layer or keras.Model
        Anything with ``.weights`` (a model shows all of its weights).
    max_bins : int
        At most this many "nice" bins per histogram.

    Examples
    --------
    >>> nbvis.show.layer(model.get_layer("conv2d"))   # kernel (3, 3, 1, 8) and bias (8,)
    """
    if not hasattr(layer, "weights"):
        msg = f"layer: expected a Keras layer or model (an object with .weights), got {describe(layer)}"
        raise TypeError(msg)
    weights = _unique(layer.weights)
    title = f"{getattr(layer, 'name', 'layer')} ({type(layer).__name__})"
    if not weights:
        return View(f"{title}: no weights", [table(_LAYER_HEADERS, [], font_size=font_size)])
    short = [getattr(w, "name", f"weight {i}") for i, w in enumerate(weights)]
    names = short if len(set(short)) == len(short) else [getattr(w, "path", n) for w, n in zip(weights, short)]
    rows, named = [], []
    for name, w in zip(names, weights):
        values = _weight_values(w)
        s = value_stats(values)
        shape = _shape_text(w.shape)
        rows.append([name, shape, s["min"], s["max"], values.size, int(s["zeros"]), int(s["nans"]), int(s["infs"])])
        named.append((f"{name} {shape}", values))
    stats = table(_LAYER_HEADERS, rows, font_size=font_size)
    hist = histogram_choice(named, max_bins=max_bins, x_label="value", choice_label="weight ")
    return View(title, [stats, hist])
