"""Input-space attributions: vanilla gradients, Integrated Gradients, and SmoothGrad over any method.

Same shape as the CAMs: configuration in ``__init__``, work in a stateless
``attribute(x, target=None)`` returning everything it computed. The slow ones take
their many forward passes in fixed-size batches (one compiled program, no retracing)
and report ``progress(done, total)``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from ._method import Method, Progress, Smoothable
from ._model import check_targets, class_scores, pick, targets_array
from ._result import ArrayResult

__all__ = ["AttributionResult", "IntegratedGradients", "Saliency", "SmoothGrad"]


@dataclass(frozen=True, repr=False)
class AttributionResult(ArrayResult):
    """What an input-space method's ``attribute`` computed.

    Attributions are per input element: ``attributions`` has the input's shape, and
    ``maps`` reduces its channels to one picture per sample (see each method).

    Attributes
    ----------
    maps : np.ndarray
        ``(N, H, W)`` float32, at the input's resolution.
    attributions : np.ndarray
        ``(N, H, W, C)`` float32 (the input's shape).
    targets : np.ndarray
        ``(N,)`` the class each map explains.
    scored_on : {"logits", "output"}
        Whether the class score was taken on the logits under a final softmax/sigmoid.
    device : str
        Where it ran (``"GPU:0"`` or ``"CPU:0"``).
    delta : np.ndarray or None
        Integrated Gradients' completeness gap per sample: ``sum(attributions) -
        (f(x) - f(baseline))`` (``None`` for the other methods).
    """

    MAIN = "attributions"

    maps: np.ndarray
    attributions: np.ndarray
    targets: np.ndarray
    scored_on: Literal["logits", "output"]
    device: str
    delta: np.ndarray | None = None


def _check_batch_size(batch_size: Any) -> int:
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        msg = f"batch_size: expected a positive int, got {batch_size!r}"
        raise ValueError(msg)
    return batch_size


class _InputGradients(Method):
    """Gradients of the class score with respect to the input, in fixed-size batches."""

    def __init__(self, model: Any, *, output: int | str | None = None, logits: bool = True,
                 batch_size: int = 64) -> None:
        super().__init__(model, output=output, logits=logits)
        self.batch_size = _check_batch_size(batch_size)
        self._grad = self._backend.compiler(self._compute_grad, model)

    @property
    def tracing_count(self) -> int:
        return self._grad.tracing_count + self._forward.tracing_count

    def _compute_grad(self, _key: Any, x: Any, target: Any) -> tuple[Any, tuple[Any, ...]]:
        import keras

        facts: list[Any] = [False, 0]  # scored on logits, number of classes (known when traced)

        def score(inputs: Any) -> tuple[Any, Any]:
            z, facts[0] = class_scores(self.model, inputs, output=self.output, finals=self._final)
            facts[1] = int(z.shape[-1])
            value, chosen = pick(z, target)
            return keras.ops.sum(value), (value, chosen)

        (value, chosen), (grads,) = self._backend.value_and_grad(score, [x])
        if grads is None:
            msg = "x: the score does not depend on the input"
            raise ValueError(msg)
        return (keras.ops.cast(grads, "float32"), value, chosen), tuple(facts)

    def _gradients(self, x: np.ndarray, target: np.ndarray, progress: Progress | None = None,
                   done: int = 0, total: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Gradients, scores and chosen classes for many rows, ``batch_size`` at a time."""
        import keras

        if len(x) == 0:
            msg = "x: expected at least one input, got an empty batch"
            raise ValueError(msg)

        size = min(self.batch_size, len(x)) if total is None else self.batch_size
        grads = np.empty(x.shape, np.float32)
        values = np.empty(len(x), np.float32)
        chosen = np.empty(len(x), np.int32)
        for start in range(0, len(x), size):
            rows = slice(start, min(start + size, len(x)))
            count = rows.stop - rows.start
            pad = size - count
            chunk, who = x[rows], target[rows]
            if pad:  # a fixed batch: the last one does not retrace
                chunk = np.concatenate([chunk, np.zeros((pad, *x.shape[1:]), x.dtype)])
                who = np.concatenate([who, np.zeros(pad, np.int32)])
            g, v, c = self._grad("grad", keras.ops.convert_to_tensor(chunk), self._int32(who))
            grads[rows] = self._backend.numpy(g)[:count]
            values[rows] = self._backend.numpy(v)[:count]
            chosen[rows] = self._backend.numpy(c)[:count]
            if start == 0:
                check_targets(target, self._grad.facts["grad"][1])
            if progress is not None:
                progress(done + rows.stop, total if total is not None else len(x))
        return grads, values, chosen

    def _resolve(self, images: np.ndarray, target: Any) -> np.ndarray:
        """Each sample's class: the given one (checked), or its top class on the clean input."""
        _, chosen = self.scores(images, target)
        return chosen.astype(np.int32)

    def _scored_on_grad(self) -> Literal["logits", "output"]:
        return "logits" if self._grad.facts["grad"][0] else "output"


class Saliency(_InputGradients):
    """Vanilla gradients (Simonyan et al. 2014): how the class score changes with each input value.

    Parameters
    ----------
    model : keras.Model
        A single-input Keras 3 model, on any backend; never modified.
    abs : bool
        ``True`` (default): attributions are ``|dS/dx|`` and a map takes the largest over
        the channels (the paper's, and tf-keras-vis's, saliency map). ``False``: signed
        gradients, summed over the channels.
    output, logits
        As for :class:`nbvis.inspect.GradCAM`.
    batch_size : int
        Images per compiled gradient pass.

    Examples
    --------
    >>> result = Saliency(model).attribute(images, target=3)
    >>> result.maps.shape, result.attributions.shape      # (N, H, W), (N, H, W, C)
    """

    def __init__(self, model: Any, *, abs: bool = True, output: int | str | None = None,
                 logits: bool = True, batch_size: int = 64) -> None:
        super().__init__(model, output=output, logits=logits, batch_size=batch_size)
        self.abs = bool(abs)

    def attribute(self, x: Any, target: Any = None) -> AttributionResult:
        """Saliency maps ``(N, H, W)`` and attributions ``(N, H, W, C)`` for ``target``
        (default: each sample's top class)."""
        images = self.image_batch(x)
        return self.raw(images, targets_array(target, len(images)))[1]

    def raw(self, images: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, AttributionResult]:
        grads, _, chosen = self._gradients(images, target)
        raw = np.abs(grads) if self.abs else grads
        result = AttributionResult(self.reduce(raw), raw, chosen, self._scored_on_grad(), self.device)
        return raw, result

    def reduce(self, raw: np.ndarray) -> np.ndarray:
        return raw.max(axis=-1) if self.abs else raw.sum(axis=-1)


class IntegratedGradients(_InputGradients):
    """Integrated Gradients (Sundararajan et al. 2017): gradients averaged along a straight
    path from a baseline to the input, times the difference.

    The attributions add up to ``f(x) - f(baseline)`` (completeness); ``result.delta``
    says how far the integral's quadrature is from that. The path's points of all
    samples go through the model in fixed-size batches.

    Parameters
    ----------
    model : keras.Model
        A single-input Keras 3 model, on any backend; never modified.
    baseline : float or array
        The input that means "nothing": a number, or an array of one input's shape or of
        the batch's shape. Default 0 (a black image).
    steps : int
        Points on the path (Gauss-Legendre nodes, as Captum's default).
    output, logits
        As for :class:`nbvis.inspect.GradCAM`.
    batch_size : int
        Path points per compiled gradient pass.

    Examples
    --------
    >>> result = IntegratedGradients(model, steps=64).attribute(images, target=1)
    >>> result.attributions.sum(axis=(1, 2, 3))      # ~ f(x) - f(0) per image
    >>> abs(result.delta).max()                      # the completeness gap
    """

    def __init__(self, model: Any, *, baseline: Any = 0.0, steps: int = 64, output: int | str | None = None,
                 logits: bool = True, batch_size: int = 64) -> None:
        super().__init__(model, output=output, logits=logits, batch_size=batch_size)
        if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
            msg = f"steps: expected a positive int, got {steps!r}"
            raise ValueError(msg)
        self.steps = steps
        self.baseline = baseline
        nodes, weights = np.polynomial.legendre.leggauss(steps)
        self._alphas = ((nodes + 1) / 2).astype(np.float32)  # on [0, 1]
        self._weights = (weights / 2).astype(np.float32)

    def _baselines(self, images: np.ndarray) -> np.ndarray:
        base = np.asarray(self.baseline, dtype=np.float32)
        if base.ndim == 0 or base.shape == images.shape[1:] or base.shape == images.shape:
            return np.broadcast_to(base, images.shape).astype(np.float32)
        msg = (f"baseline: expected a number, one input's shape {images.shape[1:]} or the batch's "
               f"{images.shape}, got shape {base.shape}")
        raise ValueError(msg)

    def attribute(self, x: Any, target: Any = None, *, progress: Progress | None = None) -> AttributionResult:
        """Attributions ``(N, H, W, C)``, maps ``(N, H, W)`` (summed over channels, signed)
        and the completeness gap, for ``target`` (default: each sample's top class).

        ``progress(done, total)`` is called after each batch of path points.
        """
        images = self.image_batch(x)
        return self.raw(images, self._resolve(images, target), progress)[1]

    def raw(self, images: np.ndarray, target: np.ndarray,
             progress: Progress | None = None) -> tuple[np.ndarray, AttributionResult]:
        base = self._baselines(images)
        n, steps = len(images), self.steps
        diff = images - base
        # (steps, N, ...) path points, flattened; every sample's class at every point
        path = (base[None] + self._alphas.reshape(-1, *([1] * images.ndim)) * diff[None]).reshape(-1, *images.shape[1:])
        grads, _, _ = self._gradients(path, np.tile(target, steps), progress, 0, len(path))
        integral = np.tensordot(self._weights, grads.reshape(steps, n, *images.shape[1:]), axes=1)
        attributions = (diff * integral).astype(np.float32)
        ends, _ = self.scores(np.concatenate([images, base]), np.concatenate([target, target]))
        f_x = ends[np.arange(n), target]
        f_b = ends[n + np.arange(n), target]
        delta = attributions.reshape(n, -1).sum(axis=1, dtype=np.float64) - (f_x - f_b)
        result = AttributionResult(self.reduce(attributions), attributions, target, self._scored_on(), self.device,
                                   delta.astype(np.float32))
        return attributions, result

    @staticmethod
    def reduce(raw: np.ndarray) -> np.ndarray:
        return raw.sum(axis=-1)


class SmoothGrad:
    """SmoothGrad (Smilkov et al. 2017): any method's attributions averaged over noisy copies.

    Gaussian noise of standard deviation ``noise * (max - min)`` of each input is added
    ``samples`` times (seeded: the same seed gives the same maps, and every image of a
    batch gets the same draws, scaled to its range); the wrapped method's
    attributions (before its channel reduction) are averaged, then reduced as it
    reduces them. All noisy copies go through the model in fixed-size batches.

    Parameters
    ----------
    method : Saliency, IntegratedGradients, GradCAM, GradCAMPlusPlus, LayerCAM or ScoreCAM
        The method to smooth.
    samples : int
        Noisy copies per input.
    noise : float
        Noise level, as a fraction of each input's value range (the paper's 10-20 %).
    seed : int
        Seeds the noise (``numpy.random.RandomState(seed)``: for one image, tf-keras-vis
        draws the same numbers after ``np.random.seed(seed)``).

    Examples
    --------
    >>> smooth = SmoothGrad(Saliency(model), samples=32, noise=0.2, seed=0)
    >>> smooth.attribute(images, target=2).maps          # (N, H, W), smoother than Saliency's
    """

    def __init__(self, method: Smoothable, *, samples: int = 32, noise: float = 0.2, seed: int = 0) -> None:
        if not isinstance(method, Smoothable):
            msg = (f"method: expected an nbvis.inspect method (Saliency, IntegratedGradients, GradCAM, ...), "
                   f"got {type(method).__name__}")
            raise TypeError(msg)
        if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
            msg = f"samples: expected a positive int, got {samples!r}"
            raise ValueError(msg)
        if not np.isfinite(noise) or noise < 0:
            msg = f"noise: expected a number >= 0, got {noise!r}"
            raise ValueError(msg)
        self.method = method
        self.samples = samples
        self.noise = float(noise)
        self.seed = int(seed)
        self.model = method.model
        self.device = method.device

    @property
    def tracing_count(self) -> int:
        return int(self.method.tracing_count)

    def attribute(self, x: Any, target: Any = None, *, progress: Progress | None = None) -> Any:
        """The wrapped method's result, with ``maps`` (and ``attributions``) averaged over
        the noisy copies, for ``target`` (default: each sample's top class on the clean input).

        ``progress(done, total)`` is called after each noisy copy.
        """
        images = self.method.image_batch(x)
        targets = self.method.scores(images, target)[1].astype(np.int32)  # checked before any work
        axes = tuple(range(1, images.ndim))
        sigma = self.noise * (images.max(axis=axes, keepdims=True) - images.min(axis=axes, keepdims=True))
        # one noise pattern per copy, scaled to each image's range: an image's maps do not
        # depend on its batch mates or its place in the batch
        draws = np.random.RandomState(self.seed).standard_normal((self.samples, *images.shape[1:]))
        noisy = (images[None] + sigma[None] * draws[:, None]).astype(np.float32)
        # as many noisy copies per call as fill one of the method's batches
        per = max(1, int(getattr(self.method, "batch_size", 64)) // len(images))
        total: np.ndarray | None = None
        result: Any = None
        for start in range(0, self.samples, per):
            group = noisy[start : start + per]
            raw, result = self.method.raw(group.reshape(-1, *images.shape[1:]), np.tile(targets, len(group)))
            summed = raw.reshape(len(group), len(images), *raw.shape[1:]).sum(axis=0, dtype=np.float64)
            total = summed if total is None else total + summed
            if progress is not None:
                progress(start + len(group), self.samples)
        assert total is not None  # samples >= 1: at least one group ran
        mean = (total / self.samples).astype(np.float32)
        changes: dict[str, Any] = {"maps": np.asarray(self.method.reduce(mean), np.float32), "targets": targets}
        if isinstance(result, AttributionResult):
            changes.update(attributions=mean, delta=None)
        return replace(result, **changes)  # the last group's result, with the averaged maps
