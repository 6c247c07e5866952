"""Maximally-activating inputs: gradient ascent in input space, many filters in one batch."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._layers import EarlyExit, LayerInfo, resolve_layer, tap
from ._tf import device_name, require_tf

__all__ = ["MaxActivationResult", "MaximizeActivation", "maximize_activation"]


@dataclass(frozen=True)
class MaxActivationResult:
    """Result of :meth:`MaximizeActivation.attribute`.

    Attributes
    ----------
    images : np.ndarray
        ``(F, H, W, C)`` float32 inputs, one per filter, inside ``input_range``.
    filters : np.ndarray
        The filter (channel or unit) indices, in the same order.
    activations : np.ndarray
        Each filter's mean activation for its image after the last step.
    device : str
        Where it ran (``"GPU:0"`` or ``"CPU:0"``).
    """

    images: np.ndarray
    filters: np.ndarray
    activations: np.ndarray
    device: str


class MaximizeActivation:
    """Inputs that maximally activate filters of a layer (feature visualisation).

    All filters are optimised together as one batch. Each step jitters and rescales the
    batch (transformation robustness, so the images do not degenerate into adversarial
    noise), normalises each image's gradient by its RMS, ascends, and clips the images
    to the valid input range — at every step, not only at the end.

    Parameters
    ----------
    model : keras.Model
        A single-input model; never modified.
    layer : str, int or keras.layers.Layer
        The layer whose filters (last axis) to maximise: conv (4-D) or dense (2-D).
        The forward pass stops at this layer (its first call, for a shared layer).
    input_shape : tuple of int, optional
        ``(H, W, C)`` of one input, when the model does not declare it.

    Examples
    --------
    >>> result = MaximizeActivation(model, "conv3").attribute(range(16), steps=128)
    >>> result.images.shape                   # (16, 64, 64, 3), values in [0, 1]
    """

    def __init__(self, model: Any, layer: Any, *, input_shape: Sequence[int] | None = None) -> None:
        tf = require_tf()
        self.model = model
        self.layer: LayerInfo = resolve_layer(model, layer)
        self.input_shape = self._input_shape(model, input_shape)
        if len(self.input_shape) != 3:
            msg = f"input_shape: activation maximisation works on image inputs (H, W, C), got {self.input_shape}"
            raise ValueError(msg)
        self.device = device_name()
        self._step = tf.function(self._compute_step, reduce_retracing=True)
        self._channels: int | None = None

    @property
    def tracing_count(self) -> int:
        return int(self._step.experimental_get_tracing_count())

    @staticmethod
    def _input_shape(model: Any, given: Sequence[int] | None) -> tuple[int, ...]:
        if given is not None:
            return tuple(int(d) for d in given)
        try:
            inputs = model.inputs
        except (AttributeError, ValueError):
            inputs = None
        if inputs is None:
            msg = "input_shape: the model does not declare its input shape; pass input_shape=(H, W, C)"
            raise ValueError(msg)
        if len(inputs) != 1:
            msg = f"model: activation maximisation needs a single-input model, this one has {len(inputs)}"
            raise ValueError(msg)
        shape = tuple(inputs[0].shape[1:])
        if any(d is None for d in shape):
            msg = f"input_shape: the model's input shape {shape} is not fully known; pass input_shape=(H, W, C)"
            raise ValueError(msg)
        return tuple(int(d) for d in shape)

    def channels(self) -> int:
        """The number of filters of the layer (found with one forward pass)."""
        if self._channels is None:
            tf = require_tf()
            record: dict[int, list[Any]] = {}
            with tap([self.layer.layer], record, stop_after=self.layer.layer), contextlib.suppress(EarlyExit):
                self.model(tf.zeros((1, *self.input_shape)), training=False)
            out = tf.nest.flatten(record[id(self.layer.layer)][0])[0]
            if out.shape.rank not in (2, 4):
                msg = f"layer: {self.layer.path!r} has a {out.shape.rank}-D output; expected 4-D (conv) or 2-D (dense)"
                raise ValueError(msg)
            self._channels = int(out.shape[-1])
        return self._channels

    def attribute(
        self,
        filters: Any,
        *,
        steps: int = 128,
        learning_rate: float = 0.05,
        input_range: tuple[float, float] = (0.0, 1.0),
        seed: int = 0,
        jitter: int = 4,
        scales: Sequence[float] = (0.95, 0.975, 1.0, 1.025, 1.05),
        progress: Callable[[int, int], None] | None = None,
        progress_every: int = 8,
    ) -> MaxActivationResult:
        """Optimise one input per filter.

        Parameters
        ----------
        filters : int or sequence of int
            Filter indices (channels of a conv layer, units of a dense layer).
        steps : int
            Gradient-ascent steps.
        learning_rate : float
            Step size, as a fraction of the input range per RMS-normalised step.
        input_range : (low, high)
            Valid input values; images are clipped to it after every step.
        seed : int
            Seeds the starting images and the random transformations (reproducible).
        jitter : int
            Largest random shift in pixels per step.
        scales : sequence of float
            Random rescaling factors per step.
        progress : callable, optional
            Called as ``progress(done_steps, steps)`` every ``progress_every`` steps and at the end.
        """
        tf = require_tf()
        chosen = np.atleast_1d(np.asarray(list(filters) if not np.isscalar(filters) else filters))
        if chosen.size == 0 or chosen.dtype.kind not in "iu":
            msg = f"filters: expected filter indices (ints), got {chosen!r}"
            raise TypeError(msg)
        channels = self.channels()
        if chosen.min() < 0 or chosen.max() >= channels:
            msg = f"filters: {self.layer.path!r} has {channels} filters (0..{channels - 1}), got {chosen.tolist()}"
            raise ValueError(msg)
        if not isinstance(steps, int) or steps < 1:
            msg = f"steps: expected a positive int, got {steps!r}"
            raise ValueError(msg)
        low, high = (float(v) for v in input_range)
        if not low < high:
            msg = f"input_range: expected (low, high) with low < high, got {input_range!r}"
            raise ValueError(msg)
        rng = np.random.default_rng(seed)
        span = high - low
        start = low + span * (0.5 + 0.1 * rng.uniform(-1, 1, (len(chosen), *self.input_shape)))
        x = tf.constant(start.astype(np.float32))
        f = tf.constant(chosen.astype(np.int32))
        lr = tf.constant(learning_rate * span, tf.float32)
        bounds = tf.constant([low, high], tf.float32)
        scale_table = tf.constant([float(s) for s in scales] or [1.0], tf.float32)
        jitter_t = tf.constant(int(jitter), tf.int32)
        act = None
        for i in range(steps):
            x, act = self._step(x, f, tf.constant([seed, i], tf.int32), lr, bounds, scale_table, jitter_t)
            if progress is not None and ((i + 1) % progress_every == 0 or i + 1 == steps):
                progress(i + 1, steps)
        return MaxActivationResult(x.numpy(), chosen.astype(np.int64), act.numpy(), self.device)  # type: ignore[union-attr]

    # -- compiled step ---------------------------------------------------------------

    def _transform(self, x: Any, seed: Any, scales: Any, jitter: Any) -> Any:
        tf = require_tf()
        h, w = self.input_shape[0], self.input_shape[1]
        shift = tf.random.stateless_uniform([2], seed=seed, minval=-jitter, maxval=jitter + 1, dtype=tf.int32)
        x = tf.roll(x, shift=shift, axis=[1, 2])
        pick = tf.random.stateless_uniform([], seed=seed + 1, minval=0, maxval=tf.shape(scales)[0], dtype=tf.int32)
        scale = scales[pick]
        size = tf.cast(tf.round(tf.cast([h, w], tf.float32) * scale), tf.int32)
        x = tf.image.resize(x, size)
        x = tf.image.resize_with_crop_or_pad(x, h, w)
        return tf.ensure_shape(x, (None, *self.input_shape))

    def _compute_step(self, x: Any, filters: Any, seed: Any, lr: Any, bounds: Any, scales: Any, jitter: Any) -> Any:
        tf = require_tf()
        record: dict[int, list[Any]] = {}
        with tf.GradientTape() as tape:
            tape.watch(x)
            # stop the forward pass at the layer: what comes after it cannot change its output
            with tap([self.layer.layer], record, stop_after=self.layer.layer), contextlib.suppress(EarlyExit):
                self.model(self._transform(x, seed, scales, jitter), training=False)
            a = tf.cast(tf.nest.flatten(record[id(self.layer.layer)][0])[0], tf.float32)
            picked = tf.gather(a, filters, axis=a.shape.rank - 1, batch_dims=1)
            act = tf.reduce_mean(picked, axis=list(range(1, a.shape.rank - 1))) if a.shape.rank == 4 else picked
            total = tf.reduce_sum(act)
        g = tape.gradient(total, x)
        rms = tf.sqrt(tf.reduce_mean(tf.square(g), axis=[1, 2, 3], keepdims=True)) + 1e-8
        x = tf.clip_by_value(x + lr * g / rms, bounds[0], bounds[1])
        return x, act


def maximize_activation(model: Any, layer: Any, filters: Any, **kwargs: Any) -> MaxActivationResult:
    """Shortcut for ``MaximizeActivation(model, layer).attribute(filters, **kwargs)``.

    ``input_shape`` goes to the constructor; every other keyword to
    :meth:`MaximizeActivation.attribute`.
    """
    input_shape = kwargs.pop("input_shape", None)
    return MaximizeActivation(model, layer, input_shape=input_shape).attribute(filters, **kwargs)
