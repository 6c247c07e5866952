"""Grad-CAM and Grad-CAM++, compiled, batched, on every Keras 3 model shape.

Configuration in ``__init__``, work in :meth:`GradCAM.attribute` (Captum's shape). Maps
are returned raw, at the resolution of the chosen layer; :func:`upsample`,
:func:`normalize`, :func:`colorize` and :func:`overlay` turn them into pictures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .._colors import colormap
from .._inputs import to_uint8
from .._layers import LayerInfo, probe_call_order, resolve_layer, tap
from ._tf import device_name, final_activations, require_tf, select_output, to_tensors

__all__ = ["CAMResult", "GradCAM", "GradCAMPlusPlus", "colorize", "normalize", "overlay", "upsample"]


@dataclass(frozen=True)
class CAMResult:
    """What :meth:`GradCAM.attribute` computed.

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

    maps: np.ndarray
    targets: np.ndarray
    layer: LayerInfo
    scored_on: Literal["logits", "output"]
    device: str


def default_cam_layer(model: Any, x: Any) -> LayerInfo:
    """The last layer (in call order) whose output is 4-D with height and width > 1."""
    order = probe_call_order(model, x)
    for info, (shape, dtype) in reversed(order):
        if (
            shape is not None
            and len(shape) == 4
            and (shape[1] or 0) > 1
            and (shape[2] or 0) > 1
            and dtype is not None
            and dtype.is_floating
        ):
            return info
    msg = (
        "layer: the model has no layer with a spatial (4-D, height and width > 1) output, so a "
        "class activation map cannot be computed; CAMs need a convolutional feature map"
    )
    raise ValueError(msg)


class GradCAM:
    """Grad-CAM (Selvaraju et al. 2017): where the chosen layer's features raise a class score.

    Parameters
    ----------
    model : keras.Model
        Any Keras 3 model (functional, sequential, nested, subclassed, multi-input or
        multi-output). It is never modified.
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
    """

    def __init__(
        self,
        model: Any,
        layer: Any = None,
        *,
        output: int | str | None = None,
        logits: bool = True,
        call_index: int = -1,
    ) -> None:
        tf = require_tf()
        self.model = model
        self.output = output
        self.logits = logits
        self.call_index = call_index
        #: The configured feature layer (``None``: found from the model at the first call).
        self.layer: LayerInfo | None = None if layer is None else resolve_layer(model, layer)
        self.device = device_name()
        self._default_layer: LayerInfo | None = None  # a property of the model: found once
        self._final = final_activations(model) if logits else []
        self._fn = tf.function(self._compute, reduce_retracing=True)

    @property
    def tracing_count(self) -> int:
        """How many times the compiled function was traced (switching image or class: none)."""
        return int(self._fn.experimental_get_tracing_count())

    def feature_layer(self, x: Any) -> LayerInfo:
        """The layer the maps come from: the configured one, or the default for this model."""
        if self.layer is not None:
            return self.layer
        if self._default_layer is None:
            self._default_layer = default_cam_layer(self.model, to_tensors(x))
        return self._default_layer

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
        tf = require_tf()
        inputs = to_tensors(x)
        n = int(tf.nest.flatten(inputs)[0].shape[0])
        targets = _targets(target, n)
        layer = self.feature_layer(inputs)
        cams, scores, chosen, scored = self._fn(inputs, tf.constant(targets, tf.int32), layer.path)
        n_classes = int(scores.shape[-1])
        if targets.size and targets.max() >= n_classes:
            msg = f"target: class {int(targets.max())} is out of range for {n_classes} classes"
            raise ValueError(msg)
        return CAMResult(cams.numpy(), chosen.numpy(), layer, "logits" if bool(scored) else "output", self.device)

    # -- compiled part -------------------------------------------------------------

    def _compute(self, x: Any, target: Any, path: str) -> tuple[Any, Any, Any, Any]:
        # ``path`` is a Python value: one trace per feature layer, none per image or class
        tf = require_tf()
        info = resolve_layer(self.model, path)
        layer = info.layer
        record: dict[int, list[Any]] = {}
        squashed: list[tuple[Any, Any]] = []
        finals = {id(f.layer): f for f in self._final}

        def keep_logits(lyr: Any, args: tuple, kwargs: dict, output: Any) -> None:
            final = finals.get(id(lyr))
            if final is not None:
                squashed.append((output, final.logits(args, kwargs)))

        watched = [t for t in tf.nest.flatten(x) if t.dtype.is_floating]
        with tf.GradientTape() as tape:
            for t in watched:
                tape.watch(t)
            with tap([layer, *(f.layer for f in self._final)], record, keep_logits):
                outputs = self.model(x, training=False)
            calls = record.get(id(layer), [])
            if not calls:
                msg = f"layer: {info.path!r} is not used when the model computes its output"
                raise ValueError(msg)
            features = tf.nest.flatten(calls[self.call_index])[0]
            out = select_output(self.model, outputs, self.output)
            logits = next((z for o, z in squashed if o is out), None)
            scored_on_logits = logits is not None
            z = tf.cast(logits if scored_on_logits else out, tf.float32)
            z = tf.reshape(z, (tf.shape(z)[0], -1))
            best = tf.argmax(z, axis=-1, output_type=tf.int32)
            chosen = tf.where(target >= 0, target, best)
            safe = tf.clip_by_value(chosen, 0, tf.shape(z)[1] - 1)
            score = tf.gather(z, safe, batch_dims=1)
        grads = tape.gradient(score, features)
        if grads is None:
            msg = f"layer: the score does not depend on {info.path!r}"
            raise ValueError(msg)
        a = tf.cast(features, tf.float32)
        g = tf.cast(grads, tf.float32)
        cams = tf.nn.relu(tf.reduce_sum(self._weights(a, g) * a, axis=-1))
        return cams, z, chosen, scored_on_logits

    @staticmethod
    def _weights(a: Any, g: Any) -> Any:
        tf = require_tf()
        return tf.reduce_mean(g, axis=(1, 2), keepdims=True)  # per sample: batch invariant


class GradCAMPlusPlus(GradCAM):
    """Grad-CAM++ (Chattopadhyay et al. 2018): pixel-weighted gradients; same API as GradCAM."""

    @staticmethod
    def _weights(a: Any, g: Any) -> Any:
        tf = require_tf()
        g2, g3 = g * g, g * g * g
        denominator = 2.0 * g2 + tf.reduce_sum(a, axis=(1, 2), keepdims=True) * g3
        alpha = g2 / tf.where(denominator != 0.0, denominator, tf.ones_like(denominator))
        return tf.reduce_sum(alpha * tf.nn.relu(g), axis=(1, 2), keepdims=True)


def _targets(target: Any, n: int) -> np.ndarray:
    if target is None:
        return np.full(n, -1, dtype=np.int32)
    if hasattr(target, "numpy"):
        target = target.numpy()
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


# -- turning maps into pictures ---------------------------------------------------------


def upsample(maps: Any, size: tuple[int, int], method: str = "bilinear") -> np.ndarray:
    """Resize ``(N, h, w)`` maps to ``size`` with half-pixel centres (no half-stride shift)."""
    tf = require_tf()
    maps = np.asarray(maps, dtype=np.float32)
    resized = tf.image.resize(maps[..., None], tuple(int(s) for s in size), method=method)
    return resized.numpy()[..., 0]


def normalize(maps: Any, eps: float = 1e-7) -> np.ndarray:
    """Scale each map to [0, 1] (an all-zero map stays zero; never NaN)."""
    maps = np.asarray(maps, dtype=np.float32)
    axes = tuple(range(1, maps.ndim))
    low = maps.min(axis=axes, keepdims=True)
    high = maps.max(axis=axes, keepdims=True)
    return (maps - low) / np.maximum(high - low, eps)


def colorize(maps: Any, cmap: str = "jet") -> np.ndarray:
    """Maps in [0, 1] as ``(..., 3)`` uint8 RGB images."""
    maps = np.clip(np.asarray(maps, dtype=np.float32), 0.0, 1.0)
    return colormap(cmap)[(maps * 255).round().astype(np.int32)]


def overlay(images: Any, maps: Any, alpha: float = 0.45, cmap: str = "jet") -> np.ndarray:
    """Blend colourised maps (in [0, 1], same height and width) over images; uint8 RGB.

    Images may be uint8 or floats (see :func:`nbvis._inputs.to_uint8`), with 1 or 3 channels.
    """
    images = to_uint8(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    heat = colorize(maps, cmap)
    if heat.shape[:-1] != images.shape[:-1]:
        msg = f"maps: shape {heat.shape[:-1]} does not match the images' {images.shape[:-1]}; upsample first"
        raise ValueError(msg)
    blended = (1 - alpha) * images.astype(np.float32) + alpha * heat.astype(np.float32)
    return blended.round().astype(np.uint8)
