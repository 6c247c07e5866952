"""Maximally-activating inputs: gradient ascent in input space, many filters in one batch."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._layers import EarlyExit, LayerInfo, resolve_layer, tap
from ._backend import backend
from ._result import ArrayResult

__all__ = ["MaxActivationResult", "MaximizeActivation", "maximize_activation"]


@dataclass(frozen=True, repr=False)
class MaxActivationResult(ArrayResult):
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

    MAIN = "images"

    images: np.ndarray
    filters: np.ndarray
    activations: np.ndarray
    device: str


class MaximizeActivation:
    """Inputs that maximally activate filters of a layer (feature visualisation).

    All filters are optimised together as one batch. Each step shifts and rescales the
    batch with one random affine transform (transformation robustness, so the images do
    not degenerate into adversarial noise; reflected at the borders), normalises each
    image's gradient by its RMS, ascends, and clips the images to the valid input range
    — at every step, not only at the end. Compiled once (``tf.function``, ``jax.jit``)
    on any Keras backend. The images differ between backends: TensorFlow's gradient of
    the transform is approximate (it applies the inverse transform to the incoming
    gradient), JAX's and PyTorch's is exact; without the transform (``jitter=0,
    scales=(1.0,)``) all three agree.

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
        self.model = model
        self.layer: LayerInfo = resolve_layer(model, layer)
        self.input_shape = self._input_shape(model, input_shape)
        if len(self.input_shape) != 3:
            msg = f"input_shape: activation maximisation works on image inputs (H, W, C), got {self.input_shape}"
            raise ValueError(msg)
        self._backend = backend()
        #: Where it runs (``"GPU:0"`` or ``"CPU:0"``).
        self.device = self._backend.device()
        self._step = self._backend.compiler(self._compute_step, model)
        self._final = self._backend.compiler(lambda _key, x, f: (self._filter_means(x, f), None), model)
        self._channels: int | None = None

    @property
    def tracing_count(self) -> int:
        """How many times the compiled step was traced."""
        return self._step.tracing_count

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
            import keras

            record: dict[int, list[Any]] = {}
            with tap([self.layer.layer], record, stop_after=self.layer.layer), contextlib.suppress(EarlyExit):
                self.model(keras.ops.zeros((1, *self.input_shape)), training=False)
            out = keras.tree.flatten(record[id(self.layer.layer)][0])[0]
            if len(out.shape) not in (2, 4):
                msg = f"layer: {self.layer.path!r} has a {len(out.shape)}-D output; expected 4-D (conv) or 2-D (dense)"
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
        batch_size: int | None = None,
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
        batch_size : int, optional
            A memory budget: optimise at most this many filters at once (default: all of
            them in one batch). Each filter's image is the same either way.
        """
        import keras

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
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
            msg = f"batch_size: expected a positive int or None, got {batch_size!r}"
            raise ValueError(msg)
        if batch_size is not None and batch_size < len(chosen):
            parts = [self.attribute(chosen[i : i + batch_size], steps=steps, learning_rate=learning_rate,
                                    input_range=input_range, seed=seed, jitter=jitter, scales=scales,
                                    progress=progress, progress_every=progress_every)
                     for i in range(0, len(chosen), batch_size)]
            return MaxActivationResult(np.concatenate([p.images for p in parts]), chosen.astype(np.int64),
                                       np.concatenate([p.activations for p in parts]), self.device)
        rng = np.random.default_rng(seed)
        span = high - low
        # each filter's start from its own stream: its image does not depend on its batch mates
        start = np.stack([low + span * (0.5 + 0.1 * np.random.default_rng([seed, int(c)]).uniform(-1, 1, self.input_shape))
                          for c in chosen])
        tensor = keras.ops.convert_to_tensor
        x = tensor(start.astype(np.float32))
        f = tensor(chosen.astype(np.int32))
        lr = tensor(np.float32(learning_rate * span))
        bounds = tensor(np.array([low, high], np.float32))
        scale_table = np.array([float(s) for s in scales] or [1.0])
        for i in range(steps):
            transform = self.transform(rng, len(chosen), scale_table, int(jitter))
            x, _ = self._step("step", x, f, tensor(transform), lr, bounds)
            if progress is not None and ((i + 1) % progress_every == 0 or i + 1 == steps):
                progress(i + 1, steps)
        act = self._final("final", x, f)  # of the images returned, as they are
        return MaxActivationResult(self._backend.numpy(x), chosen.astype(np.int64), self._backend.numpy(act),
                                   self.device)

    # -- compiled step ---------------------------------------------------------------

    def transform(self, rng: np.random.Generator, n: int, scales: np.ndarray, jitter: int) -> np.ndarray:
        """One random shift (up to ``jitter`` pixels) and rescaling about the centre, as
        ``(n, 8)`` projective parameters (``keras.ops.image.affine_transform``'s form)."""
        h, w = self.input_shape[0], self.input_shape[1]
        dy, dx = rng.integers(-jitter, jitter + 1, size=2) if jitter > 0 else (0, 0)
        s = float(scales[rng.integers(len(scales))])
        cy, cx = (h - 1) / 2, (w - 1) / 2
        # output pixel (x, y) reads input ((x - cx) / s + cx - dx, (y - cy) / s + cy - dy)
        row = np.array([1 / s, 0, cx - cx / s - dx, 0, 1 / s, cy - cy / s - dy, 0, 0], np.float32)
        return np.tile(row, (n, 1))

    def _filter_means(self, images: Any, filters: Any) -> Any:
        """Each image's mean activation of its filter."""
        import keras

        ops = keras.ops
        layer = self.layer.layer
        record: dict[int, list[Any]] = {}
        # stop the forward pass at the layer: what comes after it cannot change its output
        with tap([layer], record, stop_after=layer), contextlib.suppress(EarlyExit):
            self.model(images, training=False)
        a = ops.cast(keras.tree.flatten(record[id(layer)][0])[0], "float32")
        picked = ops.take_along_axis(a, ops.reshape(filters, (-1, *([1] * (len(a.shape) - 1)))), axis=-1)[..., 0]
        return ops.mean(picked, axis=tuple(range(1, len(picked.shape)))) if len(a.shape) == 4 else picked

    def _compute_step(self, _key: Any, x: Any, filters: Any, transform: Any, lr: Any, bounds: Any) -> tuple[Any, None]:
        import keras

        ops = keras.ops

        def objective(images: Any) -> tuple[Any, Any]:
            moved = ops.image.affine_transform(images, transform, interpolation="bilinear", fill_mode="reflect")
            act = self._filter_means(moved, filters)
            return ops.sum(act), act

        act, (g,) = self._backend.value_and_grad(objective, [x])
        rms = ops.sqrt(ops.mean(ops.square(g), axis=(1, 2, 3), keepdims=True)) + 1e-8
        return (ops.clip(x + lr * g / rms, bounds[0], bounds[1]), act), None


def maximize_activation(model: Any, layer: Any, filters: Any, **kwargs: Any) -> MaxActivationResult:
    """Shortcut for ``MaximizeActivation(model, layer).attribute(filters, **kwargs)``.

    ``input_shape`` goes to the constructor; every other keyword to
    :meth:`MaximizeActivation.attribute`.
    """
    input_shape = kwargs.pop("input_shape", None)
    return MaximizeActivation(model, layer, input_shape=input_shape).attribute(filters, **kwargs)
