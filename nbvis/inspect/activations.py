"""Internal activations of many layers from one compiled forward pass."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .._layers import LayerInfo, list_layers, resolve_layer, tap
from ._backend import backend
from ._model import to_tensors

__all__ = ["Activations", "LayerActivations"]


class LayerActivations(Mapping[str, np.ndarray]):
    """What :meth:`Activations.attribute` returns: layer path -> numpy array, batch first.

    The arrays stay where the backend computed them (on the GPU, say) until one is read:
    asking for one layer copies that layer only. ``tensor(path)`` gives the backend
    tensor itself, with no copy.
    """

    def __init__(self, tensors: dict[str, Any], to_numpy: Any) -> None:
        self._tensors = tensors
        self._to_numpy = to_numpy
        self._arrays: dict[str, np.ndarray] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        array = self._arrays.get(key)
        if array is None:
            array = self._arrays[key] = self._to_numpy(self._tensors[key])
        return array

    def __iter__(self) -> Iterator[str]:
        return iter(self._tensors)

    def __len__(self) -> int:
        return len(self._tensors)

    def tensor(self, key: str) -> Any:
        """The backend tensor of one layer (no copy to the host)."""
        return self._tensors[key]

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """The one layer's array; several layers have no single array (index by path)."""
        if len(self) != 1:
            msg = (f"LayerActivations holds {len(self)} layers, so it is no single array; "
                   f"take one by path: result[{next(iter(self), 'path')!r}]")
            raise TypeError(msg)
        array = self[next(iter(self))]
        if dtype is not None:
            array = array.astype(dtype, copy=False)
        return array.copy() if copy else array

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k!r}: {tuple(v.shape)}" for k, v in list(self._tensors.items())[:4])
        more = f", ... ({len(self)} layers)" if len(self) > 4 else ""
        return f"LayerActivations({{{shapes}{more}}})"


class Activations:
    """What the chosen layers output, all from a single forward pass.

    Parameters
    ----------
    model : keras.Model
        Any Keras 3 model; never modified.
    layers : sequence of (str, int or layer), optional
        Layers to record (name paths, names, objects or indices into
        :func:`nbvis.inspect.list_layers`). Default: every layer that is not itself a model.

    Examples
    --------
    >>> acts = Activations(model, ["conv1", "base/block2_conv1"]).attribute(images)
    >>> acts["conv1"].shape                    # (N, 32, 32, 16)

    A layer the model calls more than once gives one entry per call: ``"name"`` for the
    first, ``"name@1"``, ``"name@2"``, ... for the next; a layer with several outputs
    gives ``"name[0]"``, ``"name[1]"``, ...
    """

    def __init__(self, model: Any, layers: Any = None) -> None:
        self.model = model
        if layers is None:
            self.layers: list[LayerInfo] = [i for i in list_layers(model) if not i.is_model]
        else:
            if isinstance(layers, (str, int)) or hasattr(layers, "call"):
                layers = [layers]
            self.layers = [resolve_layer(model, spec, arg=f"layers[{k}]") for k, spec in enumerate(layers)]
        self._backend = backend()
        #: Where the forward pass runs (``"GPU:0"`` or ``"CPU:0"``).
        self.device = self._backend.device()
        self._fn = self._backend.compiler(self._compute, model)

    @property
    def tracing_count(self) -> int:
        """How many times the compiled forward pass was traced."""
        return self._fn.tracing_count

    def attribute(self, x: Any) -> LayerActivations:
        """Activations keyed by layer path, as numpy arrays with the batch first (each
        copied from the device when first read)."""
        return LayerActivations(dict(self._fn("acts", to_tensors(x))), self._backend.numpy)

    def _compute(self, _key: Any, x: Any) -> tuple[dict[str, Any], None]:
        import keras

        record: dict[int, list[Any]] = {}
        with tap([i.layer for i in self.layers], record):
            self.model(x, training=False)
        out: dict[str, Any] = {}
        for info in self.layers:
            for k, value in enumerate(record.get(id(info.layer), [])):
                key = info.path if k == 0 else f"{info.path}@{k}"
                flat = [t for t in keras.tree.flatten(value) if hasattr(t, "dtype")]
                if len(flat) == 1:
                    out[key] = flat[0]
                else:
                    out.update({f"{key}[{j}]": t for j, t in enumerate(flat)})
        return out, None
