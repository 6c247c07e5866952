"""Internal activations of many layers from one compiled forward pass."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._layers import LayerInfo, list_layers, resolve_layer, tap
from ._backend import backend
from ._model import to_tensors

__all__ = ["Activations"]


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

    def attribute(self, x: Any) -> dict[str, np.ndarray]:
        """Activations keyed by layer path, as numpy arrays with the batch first."""
        outputs = self._fn("acts", to_tensors(x))
        return {key: self._backend.numpy(value) for key, value in outputs.items()}

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
