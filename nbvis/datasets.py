"""Small synthetic datasets with known truth, for demos and tests that must run offline."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Shapes", "shapes"]

SHAPE_NAMES = ("filled square", "hollow square", "cross")


@dataclass(frozen=True)
class Shapes:
    """Images with one object each, and where that object is.

    Attributes
    ----------
    images : np.ndarray
        ``(N, size, size, 3)`` float32 in [0, 1]: dark Gaussian noise plus one bright object.
    labels : np.ndarray
        ``(N,)`` int: 0 filled square, 1 hollow square, 2 cross.
    boxes : np.ndarray
        ``(N, 4)`` int ``(top, left, bottom, right)`` of each object, bottom/right exclusive.
    class_names : tuple of str
    """

    images: np.ndarray
    labels: np.ndarray
    boxes: np.ndarray
    class_names: tuple[str, ...] = SHAPE_NAMES


def shapes(n: int, *, size: int = 64, object_size: int = 12, noise: float = 0.15, seed: int = 0) -> Shapes:
    """``n`` noisy images, each with one shape of 3 classes at a random position.

    Examples
    --------
    >>> data = shapes(100, seed=1)
    >>> data.images.shape, data.labels[:3], data.boxes[0]
    ((100, 64, 64, 3), array([...]), array([top, left, bottom, right]))
    """
    if n < 1 or size < object_size + 2:
        msg = f"n, size: need n >= 1 and size >= object_size + 2, got n={n}, size={size}"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    images = np.clip(noise * rng.standard_normal((n, size, size, 3)), 0, 1).astype(np.float32)
    labels = rng.integers(0, 3, n)
    tops = rng.integers(0, size - object_size, n)
    lefts = rng.integers(0, size - object_size, n)
    k = object_size
    glyphs = np.zeros((3, k, k), dtype=bool)
    glyphs[0] = True
    glyphs[1, [0, 1, -2, -1], :] = glyphs[1, :, [0, 1, -2, -1]] = True
    idx = np.arange(k)
    for d in (-1, 0, 1):
        keep = (idx + d >= 0) & (idx + d < k)
        glyphs[2, idx[keep], (idx + d)[keep]] = True
        glyphs[2, idx[keep], (k - 1 - idx - d)[keep]] = True
    colours = rng.uniform(0.7, 1.0, (n, 3)).astype(np.float32)  # bright objects on dark noise
    for i in range(n):
        window = images[i, tops[i] : tops[i] + k, lefts[i] : lefts[i] + k]
        window[glyphs[labels[i]]] = colours[i]
    boxes = np.stack([tops, lefts, tops + k, lefts + k], axis=1)
    return Shapes(images, labels.astype(np.int64), boxes)
