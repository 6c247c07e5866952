"""Model plumbing shared by the inspection methods: inputs, targets, outputs, logits, class scores.

Written in ``keras.ops``: the same code runs on every Keras backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._layers import list_layers

__all__ = [
    "FinalActivation",
    "batch_size",
    "check_targets",
    "class_scores",
    "final_activations",
    "pick",
    "select_output",
    "targets_array",
    "to_tensors",
]


def to_tensors(x: Any, *, arg: str = "x") -> Any:
    """Model inputs as backend tensors: float64 becomes float32; lists and dicts keep their shape."""
    import keras

    if isinstance(x, dict):
        return {k: to_tensors(v, arg=f"{arg}[{k!r}]") for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [to_tensors(v, arg=f"{arg}[{i}]") for i, v in enumerate(x)]
    if keras.ops.is_tensor(x):
        return keras.ops.cast(x, "float32") if keras.backend.standardize_dtype(x.dtype) == "float64" else x
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
    return keras.ops.convert_to_tensor(array)


def batch_size(inputs: Any) -> int:
    """The number of samples in (nested) model inputs."""
    import keras

    return int(keras.tree.flatten(inputs)[0].shape[0])


def targets_array(target: Any, n: int) -> np.ndarray:
    """``target`` as ``(n,)`` int32 class indices; ``-1`` where none was given (the top class)."""
    if target is None:
        return np.full(n, -1, dtype=np.int32)
    if hasattr(target, "numpy") and not isinstance(target, np.ndarray):
        target = target.numpy() if not hasattr(target, "detach") else target.detach().cpu().numpy()
    array = np.asarray(target)
    if array.dtype.kind not in "iu" and not (array.dtype.kind == "f" and np.all(array == np.round(array))):
        msg = f"target: expected class indices (int, list of int or int array), got dtype {array.dtype}"
        raise TypeError(msg)
    array = array.astype(np.int64)
    if array.ndim == 0:
        array = np.full(n, int(array))
    if array.shape != (n,):
        msg = f"target: expected one class or {n} (one per sample), got shape {array.shape}"
        raise ValueError(msg)
    if (array < 0).any():
        msg = f"target: class indices must be >= 0, got {int(array.min())}"
        raise ValueError(msg)
    return array.astype(np.int32)


def check_targets(targets: np.ndarray, n_classes: int) -> None:
    if targets.size and targets.max() >= n_classes:
        msg = f"target: class {int(targets.max())} is out of range for {n_classes} classes"
        raise ValueError(msg)


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


def class_scores(model: Any, x: Any, *, output: Any, finals: list[FinalActivation], taps: Sequence[Any] = (),
                 record: dict[int, list[Any]] | None = None, edit: Any = None) -> tuple[Any, bool]:
    """Run ``model`` on ``x`` and return its ``(N, classes)`` float32 scores, on the logits
    where the chosen output is squashed by a final softmax or sigmoid (``finals``).

    ``taps`` are further layers to record into ``record`` (``edit`` may change what one
    of them passes on, see :func:`nbvis._layers.tap`). Returns the scores and whether
    they are logits.
    """
    import keras

    from .._layers import tap

    squashed: list[tuple[Any, Any]] = []
    by_id = {id(f.layer): f for f in finals}

    def keep_logits(layer: Any, args: tuple, kwargs: dict, out: Any) -> None:
        final = by_id.get(id(layer))
        if final is not None:
            squashed.append((out, final.logits(args, kwargs)))

    record = {} if record is None else record
    with tap([*taps, *(f.layer for f in finals)], record, keep_logits, edit=edit):
        outputs = model(x, training=False)
    out = select_output(model, outputs, output)
    logits = next((z for o, z in squashed if o is out), None)
    z = keras.ops.cast(logits if logits is not None else out, "float32")
    classes = z.shape[1:]
    if all(d is not None for d in classes):  # keep the number of classes known while tracing
        return keras.ops.reshape(z, (-1, int(np.prod(classes)))), logits is not None
    return keras.ops.reshape(z, (keras.ops.shape(z)[0], -1)), logits is not None


def pick(z: Any, target: Any) -> tuple[Any, Any]:
    """Each row's score of its target class (``-1``: its top class) and the classes chosen."""
    import keras

    ops = keras.ops
    best = ops.cast(ops.argmax(z, axis=-1), "int32")
    chosen = ops.where(target >= 0, target, best)
    safe = ops.clip(chosen, 0, ops.shape(z)[1] - 1)
    return ops.take_along_axis(z, ops.expand_dims(safe, -1), axis=1)[:, 0], chosen
