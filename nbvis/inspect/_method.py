"""What every attribution method shares: the model, its scores, the backend, the inputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from ._backend import backend
from ._model import batch_size, class_scores, final_activations, pick, to_tensors

__all__ = ["Method", "Progress", "Smoothable"]

#: ``progress(done, total)``: called as a slow method works through its batches.
Progress = Callable[[int, int], None]


@runtime_checkable
class Smoothable(Protocol):
    """What :class:`nbvis.inspect.SmoothGrad` needs of the method it wraps.

    Every method in ``nbvis.inspect`` but ``MaximizeActivation`` offers it; a new method
    offers it by implementing ``raw`` and ``reduce`` (``image_batch`` and ``scores``
    come from :class:`Method`).
    """

    model: Any
    device: str

    @property
    def tracing_count(self) -> int:
        """How many times its compiled programs were traced (stays put when only data change)."""
        ...

    def image_batch(self, x: Any, arg: str = "x") -> np.ndarray:
        """One float batch of images from what the user passed."""
        ...

    def scores(self, x: Any, target: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """The scores explained and each sample's chosen class (checks ``target``)."""
        ...

    def raw(self, images: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, Any]:
        """The attribution before it becomes maps (SmoothGrad averages this), and the result."""
        ...

    def reduce(self, raw: np.ndarray) -> np.ndarray:
        """How an averaged raw attribution becomes ``(N, h, w)`` maps."""
        ...


class Method:
    """Configuration shared by the attribution methods (see :class:`nbvis.inspect.GradCAM`).

    Parameters
    ----------
    model : keras.Model
        Any Keras 3 model; it is never modified.
    output : int or str, optional
        Which model output to score, for multi-output models.
    logits : bool
        Score the logit rather than the probability when the output passes through a
        final softmax or sigmoid (default True; the model is not touched).
    """

    def __init__(self, model: Any, *, output: int | str | None = None, logits: bool = True) -> None:
        self.model = model
        self.output = output
        self.logits = logits
        self._backend = backend()
        #: Where the methods run (``"GPU:0"`` or ``"CPU:0"``).
        self.device = self._backend.device()
        self._final = final_activations(model) if logits else []
        self._forward = self._backend.compiler(self._compute_scores, model)

    def _compute_scores(self, _key: Any, x: Any, target: Any) -> tuple[tuple[Any, Any], bool]:
        z, on_logits = class_scores(self.model, x, output=self.output, finals=self._final)
        return (z, pick(z, target)[1]), on_logits

    def scores(self, x: Any, target: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``(N, classes)`` scores the methods explain (logits where the output is
        squashed) and each sample's chosen class (``target``, or its top class)."""
        from ._model import check_targets, targets_array

        inputs = to_tensors(x)
        targets = targets_array(target, batch_size(inputs))
        z, chosen = self._forward("scores", inputs, self._int32(targets))
        z = self._backend.numpy(z)
        check_targets(targets, z.shape[-1])
        return z, self._backend.numpy(chosen)

    def _scored_on(self) -> Literal["logits", "output"]:
        return "logits" if self._forward.facts.get("scores", bool(self._final)) else "output"

    @staticmethod
    def _int32(values: np.ndarray) -> Any:
        import keras

        return keras.ops.convert_to_tensor(np.asarray(values, np.int32))

    def image_batch(self, x: Any, arg: str = "x") -> np.ndarray:
        """One float batch of images for the input-space methods (single-input models)."""
        if isinstance(x, (dict, list, tuple)) and not isinstance(x, np.ndarray):
            items = list(x.values()) if isinstance(x, dict) else list(x)
            if len(items) != 1:
                msg = (f"{arg}: {type(self).__name__} explains a single-input model; this one takes "
                       f"{len(items)} inputs (Grad-CAM and Layer-CAM handle several)")
                raise ValueError(msg)
            x = items[0]
        array = self._backend.numpy(to_tensors(x, arg=arg))
        if array.dtype.kind != "f":
            array = array.astype(np.float32)
        return array
