"""Class activation maps: Grad-CAM, Grad-CAM++, Layer-CAM and Score-CAM, on every Keras backend.

Configuration in ``__init__``, work in a stateless ``attribute(x, target=None)``
(Captum's shape). Maps are returned raw, at the resolution of the chosen layer;
:mod:`nbvis.inspect.pictures` turns them into pictures. The gradient methods take the gradient at the layer by adding a zero there
(``_layers.tap``'s ``edit``), which every backend can differentiate, JAX included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .._layers import LayerInfo, probe_call_order, resolve_layer
from ._method import Method, Progress
from ._model import batch_size, check_targets, class_scores, pick, targets_array, to_tensors
from ._result import ArrayResult

__all__ = [
    "CAMResult",
    "GradCAM",
    "GradCAMPlusPlus",
    "LayerCAM",
    "ScoreCAM",
]


@dataclass(frozen=True, repr=False)
class CAMResult(ArrayResult):
    """What a class activation map method's ``attribute`` computed.

    Attributes
    ----------
    maps : np.ndarray
        ``(N, h, w)`` float32 class activation maps at the layer's resolution, ``>= 0``.
    targets : np.ndarray
        ``(N,)`` the class each map explains (the given one, or the top-scoring class).
    layer : LayerInfo
        The feature layer the maps come from.
    scored_on : {"logits", "output"}
        Whether the class score was taken on the logits under a final softmax/sigmoid.
    device : str
        Where it ran (``"GPU:0"`` or ``"CPU:0"``).
    """

    MAIN = "maps"

    maps: np.ndarray
    targets: np.ndarray
    layer: LayerInfo
    scored_on: Literal["logits", "output"]
    device: str


def _is_float(dtype: Any) -> bool:
    import keras

    return dtype is not None and keras.backend.standardize_dtype(dtype).startswith(("float", "bfloat"))


def default_cam_layer(model: Any, x: Any) -> LayerInfo:
    """The last layer (in call order) whose output is 4-D with height and width > 1."""
    for info, (shape, dtype) in reversed(probe_call_order(model, x)):
        if shape is not None and len(shape) == 4 and (shape[1] or 0) > 1 and (shape[2] or 0) > 1 and _is_float(dtype):
            return info
    msg = (
        "layer: the model has no layer with a spatial (4-D, height and width > 1) output, so a "
        "class activation map cannot be computed; CAMs need a convolutional feature map"
    )
    raise ValueError(msg)


class _LayerMethod(Method):
    """A method that explains through one feature layer (the CAM family)."""

    def __init__(
        self,
        model: Any,
        layer: Any = None,
        *,
        output: int | str | None = None,
        logits: bool = True,
        call_index: int = -1,
    ) -> None:
        super().__init__(model, output=output, logits=logits)
        self.call_index = call_index
        #: The configured feature layer (``None``: found from the model at the first call).
        self.layer: LayerInfo | None = None if layer is None else resolve_layer(model, layer)
        # properties of the model, found once: the default layer, each layer's calls
        self._default_layer: LayerInfo | None = None
        self._calls: dict[str, list[tuple[Any, Any]]] = {}

    def feature_layer(self, x: Any) -> LayerInfo:
        """The layer the maps come from: the configured one, or the default for this model."""
        if self.layer is not None:
            return self.layer
        if self._default_layer is None:
            self._default_layer = default_cam_layer(self.model, to_tensors(x))
        return self._default_layer

    def attribute(self, x: Any, target: Any = None) -> CAMResult:
        raise NotImplementedError  # each method's own

    # Smoothable (SmoothGrad's protocol): the raw attribution, and how it becomes maps (a CAM is its map)
    def raw(self, x: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, CAMResult]:
        result = self.attribute(x, target)
        return result.maps, result

    @staticmethod
    def reduce(raw: np.ndarray) -> np.ndarray:
        return raw

    def _feature_call(self, info: LayerInfo, inputs: Any) -> tuple[int, tuple[int, ...], Any]:
        """Which call of the layer to explain (``call_index`` made absolute), its output
        shape for one sample and its dtype."""
        calls = self._calls.get(info.path)
        if calls is None:
            order = probe_call_order(self.model, inputs)
            calls = self._calls[info.path] = [meta for i, meta in order if i.layer is info.layer]
        if not calls:
            msg = f"layer: {info.path!r} is not used when the model computes its output"
            raise ValueError(msg)
        if not -len(calls) <= self.call_index < len(calls):
            msg = f"call_index: {info.path!r} is called {len(calls)} times, got call_index={self.call_index}"
            raise IndexError(msg)
        k = self.call_index % len(calls)
        shape, dtype = calls[k]
        if shape is None:
            msg = f"layer: {info.path!r} returns several tensors; choose a layer with one output"
            raise ValueError(msg)
        return k, tuple(int(d) for d in shape[1:]), dtype


class GradCAM(_LayerMethod):
    """Grad-CAM (Selvaraju et al. 2017): where the chosen layer's features raise a class score.

    Parameters
    ----------
    model : keras.Model
        Any Keras 3 model (functional, sequential, nested, subclassed, multi-input or
        multi-output), on the TensorFlow, JAX or PyTorch backend. It is never modified.
    layer : str, int, keras.layers.Layer or None
        The feature layer, as a name path (``"base/block5_conv3"``), a name, a layer or an
        index into :func:`nbvis.inspect.list_layers`. Default: the last layer, in call
        order, with a 4-D output whose height and width are > 1.
    output : int or str, optional
        Which model output to score, for multi-output models.
    logits : bool
        Score the logit rather than the probability when the output passes through a
        final softmax or sigmoid (default True; the model is not touched).
    call_index : int
        Which call of a layer that the model calls several times (default: the last).

    Examples
    --------
    >>> cam = GradCAM(model)                  # model: (N, 64, 64, 3) -> (N, 10) softmax
    >>> result = cam.attribute(images)        # result.maps: (N, 16, 16), result.targets: (N,)
    >>> cam.attribute(images, target=[3, 1, 4]).maps      # one class per image
    >>> pictures = overlay(images, upsample(normalize(result.maps), images.shape[1:3]))

    ``attribute`` keeps nothing on the object: everything it computed is in its result.
    Compiled (``tf.function``, ``jax.jit``); switching images or classes does not retrace.
    """

    def __init__(self, model: Any, layer: Any = None, *, output: int | str | None = None, logits: bool = True,
                 call_index: int = -1) -> None:
        super().__init__(model, layer, output=output, logits=logits, call_index=call_index)
        self._fn = self._backend.compiler(self._compute, model)

    @property
    def tracing_count(self) -> int:
        """How many times the compiled function was traced (switching image or class: none)."""
        return self._fn.tracing_count

    def attribute(self, x: Any, target: Any = None) -> CAMResult:
        """Class activation maps (``result.maps``: ``(N, h, w)`` at the layer's
        resolution, ``>= 0``) and the classes they explain (``result.targets``).

        Parameters
        ----------
        x : array, tensor, or list/dict of them
            A batch of model inputs.
        target : int, sequence of int, array or tensor, optional
            The class to explain, for every sample or per sample. Default: each sample's
            top-scoring class.
        """
        import keras

        inputs = to_tensors(x)
        n = batch_size(inputs)
        targets = targets_array(target, n)
        layer = self.feature_layer(inputs)
        k, shape, dtype = self._feature_call(layer, inputs)
        zero = keras.ops.zeros((n, *shape), dtype=keras.backend.standardize_dtype(dtype))
        key = (layer.path, k)
        cams, scores, chosen = self._fn(key, inputs, zero, self._int32(targets))
        check_targets(targets, int(scores.shape[-1]))
        scored: Literal["logits", "output"] = "logits" if self._fn.facts[key] else "output"
        return CAMResult(self._backend.numpy(cams), self._backend.numpy(chosen), layer, scored, self.device)

    # -- compiled part -------------------------------------------------------------

    def _compute(self, key: tuple[str, int], x: Any, zero: Any, target: Any) -> tuple[Any, bool]:
        # ``key`` is a Python value: one trace per feature layer, none per image or class
        import keras

        ops = keras.ops
        path, k = key
        layer = resolve_layer(self.model, path).layer
        on_logits = [False]

        def score(delta: Any) -> tuple[Any, Any]:
            def edit(lyr: Any, j: int, out: Any) -> Any:
                if lyr is not layer or j != k:
                    return out
                flat = keras.tree.flatten(out)
                return keras.tree.pack_sequence_as(out, [flat[0] + delta, *flat[1:]])

            record: dict[int, list[Any]] = {}
            z, on_logits[0] = class_scores(self.model, x, output=self.output, finals=self._final, taps=[layer],
                                           record=record, edit=edit)
            value, chosen = pick(z, target)
            features = keras.tree.flatten(record[id(layer)][k])[0]
            return ops.sum(value), (features, z, chosen)

        (features, z, chosen), (grads,) = self._backend.value_and_grad(score, [zero])
        if grads is None:
            msg = f"layer: the score does not depend on {path!r}"
            raise ValueError(msg)
        a = ops.cast(features, "float32")
        g = ops.cast(grads, "float32")
        cams = ops.relu(ops.sum(self._weights(a, g) * a, axis=-1))
        return (cams, z, chosen), on_logits[0]

    @staticmethod
    def _weights(a: Any, g: Any) -> Any:
        import keras

        return keras.ops.mean(g, axis=(1, 2), keepdims=True)  # per sample: batch invariant



class GradCAMPlusPlus(GradCAM):
    """Grad-CAM++ (Chattopadhyay et al. 2018): pixel-weighted gradients; same API as GradCAM."""

    @staticmethod
    def _weights(a: Any, g: Any) -> Any:
        import keras

        ops = keras.ops
        g2, g3 = g * g, g * g * g
        denominator = 2.0 * g2 + ops.sum(a, axis=(1, 2), keepdims=True) * g3
        alpha = g2 / ops.where(denominator != 0.0, denominator, ops.ones_like(denominator))
        return ops.sum(alpha * ops.relu(g), axis=(1, 2), keepdims=True)


class LayerCAM(GradCAM):
    """Layer-CAM (Jiang et al. 2021): each location weighted by its own positive gradient.

    ``relu(sum_c relu(dS/dA_c) * A_c)``: finer than Grad-CAM's one weight per channel,
    so it also works on early, high-resolution layers. Same API as :class:`GradCAM`.
    """

    @staticmethod
    def _weights(a: Any, g: Any) -> Any:
        import keras

        return keras.ops.relu(g)


class ScoreCAM(_LayerMethod):
    """Score-CAM (Wang et al. 2020): channels weighted by how much they alone raise the score.

    Each channel of the layer, upsampled to the input (bilinear, half-pixel centres) and
    scaled to [0, 1], masks the input; the masked inputs are scored in batches, and the
    channel's weight is the softmax probability of the class on its masked input. No
    gradients. One forward pass per channel and image, so it is the slow one: pass
    ``progress`` to follow it.

    Parameters
    ----------
    model, layer, output, logits, call_index
        As for :class:`GradCAM`. The probability is the softmax of the logits.
    batch_size : int
        Masked inputs scored per forward pass (more is faster on a GPU).

    Examples
    --------
    >>> result = ScoreCAM(model, "conv4", batch_size=128).attribute(images, target=2)
    >>> result.maps.shape                     # (N, h, w), like GradCAM
    """

    def __init__(self, model: Any, layer: Any = None, *, output: int | str | None = None, logits: bool = True,
                 call_index: int = -1, batch_size: int = 64) -> None:
        super().__init__(model, layer, output=output, logits=logits, call_index=call_index)
        if not isinstance(batch_size, int) or batch_size < 1:
            msg = f"batch_size: expected a positive int, got {batch_size!r}"
            raise ValueError(msg)
        self.batch_size = batch_size
        self._features = self._backend.compiler(self._compute_features, model)
        self._masked = self._backend.compiler(self._compute_masked, model)

    @property
    def tracing_count(self) -> int:
        return self._features.tracing_count + self._masked.tracing_count

    def attribute(self, x: Any, target: Any = None, *, progress: Progress | None = None) -> CAMResult:
        """Score-CAM maps (``(N, h, w)``, ``>= 0``) and the classes they explain.

        Parameters
        ----------
        x : array or tensor
            A batch of images for a single-input model.
        target : int, sequence of int or array, optional
            The class to explain (default: each sample's top class).
        progress : callable, optional
            ``progress(done, total)`` after each batch of masked inputs.
        """
        import keras

        images = self.image_batch(x)
        n = len(images)
        targets = targets_array(target, n)
        inputs = keras.ops.convert_to_tensor(images)
        layer = self.feature_layer(inputs)
        k, _shape, _dtype = self._feature_call(layer, inputs)
        key = (layer.path, k)
        features, scores, chosen = self._features(key, inputs, self._int32(targets))
        check_targets(targets, int(scores.shape[-1]))
        a = self._backend.numpy(features).astype(np.float32)  # (N, h, w, C)
        chosen_np = self._backend.numpy(chosen).astype(np.int32)
        channels = a.shape[-1]
        maps = np.moveaxis(a, -1, 1).reshape(n * channels, *a.shape[1:3])  # (N*C, h, w)
        owner = np.repeat(np.arange(n), channels)
        weights = np.empty(n * channels, np.float32)
        size = self.batch_size
        total = len(maps)
        for start in range(0, total, size):
            rows = slice(start, min(start + size, total))
            count = rows.stop - rows.start
            pad = size - count  # a fixed batch: no retrace for the last one
            chunk = np.concatenate([maps[rows], np.zeros((pad, *maps.shape[1:]), np.float32)]) if pad else maps[rows]
            who = np.concatenate([owner[rows], np.zeros(pad, np.int64)]) if pad else owner[rows]
            out = self._masked(key, keras.ops.convert_to_tensor(chunk), keras.ops.convert_to_tensor(images[who]),
                               self._int32(chosen_np[who]))
            weights[rows] = self._backend.numpy(out)[:count]
            if progress is not None:
                progress(rows.stop, total)
        cams = np.maximum(np.einsum("nhwc,nc->nhw", a, weights.reshape(n, channels)), 0.0).astype(np.float32)
        scored: Literal["logits", "output"] = "logits" if self._features.facts[key] else "output"
        return CAMResult(cams, chosen_np, layer, scored, self.device)

    def _compute_features(self, key: tuple[str, int], x: Any, target: Any) -> tuple[Any, bool]:
        import keras

        path, k = key
        layer = resolve_layer(self.model, path).layer
        record: dict[int, list[Any]] = {}
        z, on_logits = class_scores(self.model, x, output=self.output, finals=self._final, taps=[layer],
                                    record=record)
        features = keras.tree.flatten(record[id(layer)][k])[0]
        return (features, z, pick(z, target)[1]), on_logits

    def _compute_masked(self, key: tuple[str, int], maps: Any, images: Any, target: Any) -> tuple[Any, bool]:
        import keras

        ops = keras.ops
        height, width = int(images.shape[1]), int(images.shape[2])
        up = ops.image.resize(maps[..., None], (height, width), interpolation="bilinear")
        low = ops.min(up, axis=(1, 2, 3), keepdims=True)
        high = ops.max(up, axis=(1, 2, 3), keepdims=True)
        masks = (up - low) / (high - low + 1e-7)
        z, on_logits = class_scores(self.model, images * masks, output=self.output, finals=self._final)
        probs = ops.softmax(z, axis=-1)
        return ops.take_along_axis(probs, ops.expand_dims(target, -1), axis=1)[:, 0], on_logits
