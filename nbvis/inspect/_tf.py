"""TensorFlow plumbing shared by the inspection methods: inputs, device, outputs, logits."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._layers import list_layers

__all__ = [
    "FinalActivation",
    "device_name",
    "final_activations",
    "require_tf",
    "select_output",
    "to_tensors",
]


def require_tf() -> Any:
    """Import TensorFlow, or explain how to install it."""
    try:
        import tensorflow as tf
    except ImportError as exc:  # pragma: no cover - tested by the install, not the suite
        msg = "nbvis.inspect needs TensorFlow: pip install tensorflow (or tensorflow-cpu)"
        raise ImportError(msg) from exc
    return tf


def device_name() -> str:
    """The device TensorFlow places work on by default: ``"GPU:0"`` or ``"CPU:0"``."""
    tf = require_tf()
    return "GPU:0" if tf.config.list_logical_devices("GPU") else "CPU:0"


def to_tensors(x: Any, *, arg: str = "x") -> Any:
    """Model inputs as tensors: float64 becomes float32; lists and dicts keep their shape."""
    tf = require_tf()
    if isinstance(x, dict):
        return {k: to_tensors(v, arg=f"{arg}[{k!r}]") for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [to_tensors(v, arg=f"{arg}[{i}]") for i, v in enumerate(x)]
    if isinstance(x, tf.Tensor):
        return tf.cast(x, tf.float32) if x.dtype == tf.float64 else x
    try:
        array = np.asarray(x)
    except Exception as exc:
        msg = f"{arg}: expected an array or tensor of model inputs, got {type(x).__name__}"
        raise TypeError(msg) from exc
    if array.dtype == object or array.dtype.kind not in "biuf":
        msg = f"{arg}: expected numeric model inputs, got an array of dtype {array.dtype}"
        raise TypeError(msg)
    if array.dtype.kind == "f" and array.dtype != np.float32:
        array = array.astype(np.float32)
    return tf.convert_to_tensor(array)


def select_output(model: Any, outputs: Any, output: Any) -> Any:
    """The model output to score: ``None`` (the only one), an index or an output name."""
    if isinstance(outputs, dict):
        if output is None and len(outputs) == 1:
            return next(iter(outputs.values()))
        if output in outputs:
            return outputs[output]
        msg = f"output: the model has outputs {sorted(outputs)}; pass one of these names"
        raise ValueError(msg)
    if isinstance(outputs, (list, tuple)):
        if output is None:
            if len(outputs) == 1:
                return outputs[0]
            msg = f"output: the model has {len(outputs)} outputs; pass output=<index or name>"
            raise ValueError(msg)
        if isinstance(output, str):
            names = list(getattr(model, "output_names", None) or [])
            if output not in names:
                msg = f"output: the model has no output named {output!r} (outputs: {names})"
                raise ValueError(msg)
            return outputs[names.index(output)]
        if not -len(outputs) <= output < len(outputs):
            msg = f"output: index {output} is out of range for {len(outputs)} outputs"
            raise IndexError(msg)
        return outputs[output]
    if output not in (None, 0):
        msg = f"output: the model has a single output, got output={output!r}"
        raise ValueError(msg)
    return outputs


_SQUASHING = ("softmax", "sigmoid")


class FinalActivation:
    """Where a softmax or sigmoid squashes logits, and how to get the logits back.

    Scores are taken on logits: the gradient of a saturated probability vanishes and
    ruins the maps. Nothing of the user's model changes: the pre-activation output is
    recomputed from the layer's own inputs with a read-only view that sees a linear
    activation.
    """

    def __init__(self, layer: Any) -> None:
        self.layer = layer

    @staticmethod
    def applies_to(layer: Any) -> bool:
        if type(layer).__name__ == "Softmax":
            return True
        return getattr(getattr(layer, "activation", None), "__name__", None) in _SQUASHING

    def logits(self, args: tuple, kwargs: dict) -> Any:
        kind = type(self.layer).__name__
        if kind in ("Softmax", "Activation"):
            return args[0] if args else kwargs["inputs"]
        return type(self.layer).call(_LinearView(self.layer), *args, **kwargs)


class _LinearView:
    """Reads every attribute from the layer except ``activation``, which is linear."""

    def __init__(self, layer: Any) -> None:
        object.__setattr__(self, "_layer", layer)

    def __getattr__(self, name: str) -> Any:
        if name == "activation":
            return None
        return getattr(object.__getattribute__(self, "_layer"), name)


def final_activations(model: Any) -> list[FinalActivation]:
    """Leaf layers that apply a softmax or sigmoid (candidates for the model output)."""
    return [FinalActivation(i.layer) for i in list_layers(model) if not i.is_model and FinalActivation.applies_to(i.layer)]
