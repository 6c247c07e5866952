"""Keras models as layer lists: addressing through nested models, taps, call order.

Shared by :mod:`nbvis.show` (model summaries) and :mod:`nbvis.inspect` (the engine).
Keras is duck-typed here (``.layers``, ``.call``, ``.name``) and imported only by
:func:`probe_call_order`, so walking a model never imports a backend.

Keras 3 cannot build a sub-model that reaches a layer inside a nested model, and
subclassed models have no graph at all. Instead, nbvis runs the *whole* model and
records what the layers of interest return: a tap temporarily shadows a layer's
``call`` with a recording wrapper and is always removed in a ``finally`` — the
user's model is left exactly as it was, even when an exception is raised midway.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["EarlyExit", "LayerInfo", "list_layers", "probe_call_order", "resolve_layer", "tap", "walk_layers"]


class EarlyExit(Exception):
    """Raised by a tap to stop the forward pass once the layer of interest has run."""


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a model, nested models included.

    Attributes
    ----------
    path : str
        Names from the outer model down, joined by ``/`` (``"base/block5_conv3"``).
    layer : keras.layers.Layer
        The layer object.
    kind : str
        Its class name (``"Conv2D"``).
    output_shape : tuple or None
        Its output shape with ``None`` for the batch, when Keras knows it.
    is_model : bool
        Whether the layer is itself a model (a container of further layers).
    """

    path: str
    layer: Any
    kind: str
    output_shape: tuple[int | None, ...] | None
    is_model: bool


def _children(layer: Any) -> list[Any]:
    return list(getattr(layer, "layers", []) or [])


def _output_shape(layer: Any) -> tuple[int | None, ...] | None:
    try:
        shape = layer.output.shape
    except (AttributeError, ValueError, RuntimeError):
        return None
    try:
        return tuple(None if d is None else int(d) for d in shape)
    except TypeError:  # several outputs
        return None


def list_layers(model: Any, sample: Any = None) -> list[LayerInfo]:
    """Every layer of ``model`` in depth-first order, a nested model before its layers.

    Parameters
    ----------
    model : keras.Model
    sample : array or tensor, optional
        One batch of inputs. Keras knows no output shapes for the layers of subclassed
        models; with a sample, they are filled in from one forward pass.

    Examples
    --------
    >>> [(i.path, i.kind, i.output_shape) for i in list_layers(model)][:2]
    [('base', 'Functional', (None, 7, 7, 512)), ('base/block1_conv1', 'Conv2D', (None, 224, 224, 64))]
    """
    out = walk_layers(model)
    if sample is not None and any(i.output_shape is None and not i.is_model for i in out):
        seen = {id(info.layer): shape for info, (shape, _) in probe_call_order(model, sample)}
        out = [
            LayerInfo(i.path, i.layer, i.kind, (None, *seen[id(i.layer)][1:]), i.is_model)
            if i.output_shape is None and seen.get(id(i.layer)) is not None
            else i
            for i in out
        ]
    return out


def walk_layers(model: Any) -> list[LayerInfo]:
    """Every layer of ``model``, depth first, as Keras knows it (no forward pass)."""
    out: list[LayerInfo] = []

    def visit(container: Any, prefix: str) -> None:
        for layer in _children(container):
            if type(layer).__name__ == "InputLayer":
                continue
            path = f"{prefix}{layer.name}"
            nested = bool(_children(layer))
            out.append(LayerInfo(path, layer, type(layer).__name__, _output_shape(layer), nested))
            if nested:
                visit(layer, path + "/")

    visit(model, "")
    return out


def resolve_layer(model: Any, layer: Any, *, arg: str = "layer") -> LayerInfo:
    """Find a layer by name path, plain name, object, or index into :func:`list_layers`.

    A plain name (no ``/``) may match a layer at any depth if it is unique.
    """
    infos = walk_layers(model)
    if isinstance(layer, bool):
        pass
    elif isinstance(layer, int):
        if -len(infos) <= layer < len(infos):
            return infos[layer]
        msg = f"{arg}: index {layer} is out of range for a model with {len(infos)} layers"
        raise IndexError(msg)
    elif isinstance(layer, str):
        exact = [i for i in infos if i.path == layer]
        if exact:
            return exact[0]
        by_name = [i for i in infos if i.layer.name == layer]
        if len(by_name) == 1:
            return by_name[0]
        if len(by_name) > 1:
            paths = [i.path for i in by_name]
            msg = f"{arg}: {layer!r} names {len(by_name)} layers {paths}; pass one of these paths"
            raise ValueError(msg)
        import difflib

        close = difflib.get_close_matches(layer, [i.path for i in infos], n=3)
        hint = f" Did you mean {close}?" if close else ""
        msg = f"{arg}: the model has no layer {layer!r}.{hint} (list them with nbvis.inspect.list_layers)"
        raise ValueError(msg)
    else:
        for info in infos:
            if info.layer is layer:
                return info
        if hasattr(layer, "call") and hasattr(layer, "name"):
            msg = f"{arg}: layer {layer.name!r} is not part of this model"
            raise ValueError(msg)
    msg = f"{arg}: expected a layer name path, a layer object or an index, got {type(layer).__name__}"
    raise TypeError(msg)


_NO_CALL = object()


@contextlib.contextmanager
def tap(
    layers: Sequence[Any], record: dict[int, list[Any]], extra: Any = None, *, stop_after: Any = None,
    edit: Any = None,
) -> Iterator[None]:
    """Record the outputs of ``layers`` while the block runs.

    ``record[id(layer)]`` receives one entry per call of the layer (a shared layer
    called twice gives two). ``extra(layer, args, kwargs, output)``, if given, is
    called after each recorded call. ``edit(layer, k, output)``, if given, returns what
    the ``k``-th call of a layer passes on (and records) instead of its output: the
    inspection methods add a zero there to take gradients at a layer on every backend.
    If ``stop_after`` is one of the layers, its first
    call raises :class:`EarlyExit` once recorded, so nothing after it is computed (or,
    under ``tf.function``, even traced). Every wrapper is removed on exit.
    """
    installed: list[tuple[Any, Any]] = []
    try:
        for layer in dict.fromkeys(layers):  # each layer once, in order
            previous = layer.__dict__.get("call", _NO_CALL)
            # object.__setattr__: bypass Keras's attribute tracking
            wrapper = _recording(layer, layer.call, record, extra, edit, stop=layer is stop_after)
            object.__setattr__(layer, "call", wrapper)
            installed.append((layer, previous))
        yield
    finally:
        _untap(installed)


def _recording(layer: Any, original: Any, record: dict[int, list[Any]], extra: Any, edit: Any, *, stop: bool) -> Any:
    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        output = original(*args, **kwargs)
        calls = record.setdefault(id(layer), [])
        if edit is not None:
            output = edit(layer, len(calls), output)
        calls.append(output)
        if extra is not None:
            extra(layer, args, kwargs, output)
        if stop:
            raise EarlyExit
        return output

    return wrapper


def _untap(installed: list[tuple[Any, Any]]) -> None:
    for layer, previous in reversed(installed):
        if previous is _NO_CALL:
            layer.__dict__.pop("call", None)
        else:
            object.__setattr__(layer, "call", previous)
    installed.clear()


def _model_inputs(x: Any) -> Any:
    """Sample inputs for one eager call: float64 arrays become float32; tensors stay."""
    if isinstance(x, dict):
        return {k: _model_inputs(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_model_inputs(v) for v in x]
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        return x.astype(np.float32)
    return x


def first_rows(x: Any, n: int) -> Any:
    """The first ``n`` samples of (nested) model inputs."""
    import keras

    return keras.tree.map_structure(lambda t: t[:n], x)


def probe_call_order(model: Any, x: Any) -> list[tuple[LayerInfo, tuple[Any, Any]]]:
    """Run the model once (eagerly, on the first sample) and list leaf layers in call order
    with the shape and dtype of what they returned."""
    import keras

    infos = [i for i in walk_layers(model) if not i.is_model]
    order: list[tuple[LayerInfo, Any]] = []
    by_id = {id(i.layer): i for i in infos}
    record: dict[int, list[Any]] = {}

    def note(layer: Any, _args: Any, _kwargs: Any, output: Any) -> None:
        flat = keras.tree.flatten(output)
        shape = tuple(flat[0].shape) if len(flat) == 1 and hasattr(flat[0], "shape") else None
        dtype = flat[0].dtype if len(flat) == 1 and hasattr(flat[0], "dtype") else None
        order.append((by_id[id(layer)], (shape, dtype)))

    with tap([i.layer for i in infos], record, note):
        model(first_rows(_model_inputs(x), 1), training=False)
    return order
