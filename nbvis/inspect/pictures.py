"""Turning maps into pictures: resize, scale to [0, 1], colour, blend over the images.

Pure numpy, no backend: the pictures of any method's maps (Captum keeps these in
``_utils/visualization.py``).

>>> from nbvis.inspect import GradCAM, normalize, overlay, upsample
>>> maps = GradCAM(model).attribute(images).maps                 # (N, h, w)
>>> overlay(images, normalize(upsample(maps, images.shape[1:3])))  # (N, H, W, 3) uint8
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._colors import colormap
from .._inputs import to_uint8

__all__ = ["colorize", "normalize", "overlay", "upsample"]


def upsample(maps: Any, size: tuple[int, int], method: str = "bilinear") -> np.ndarray:
    """Resize ``(N, h, w)`` maps to ``size`` with half-pixel centres (no half-stride shift).

    ``method`` is ``"bilinear"`` (as ``tf.image.resize``, without antialiasing) or
    ``"nearest"``. Pure numpy: pictures need no backend.
    """
    maps = np.asarray(maps, dtype=np.float32)
    if maps.ndim != 3:
        msg = f"maps: expected (N, h, w) maps, got shape {maps.shape}"
        raise ValueError(msg)
    if method not in ("bilinear", "nearest"):
        msg = f"method: expected 'bilinear' or 'nearest', got {method!r}"
        raise ValueError(msg)
    out_h, out_w = (int(s) for s in size)
    rows = _sample_points(maps.shape[1], out_h, method)
    cols = _sample_points(maps.shape[2], out_w, method)
    if method == "nearest":
        return maps[:, rows[0]][:, :, cols[0]]
    (r0, r1, wr), (c0, c1, wc) = rows, cols
    top = maps[:, r0] * (1 - wr)[None, :, None] + maps[:, r1] * wr[None, :, None]
    return (top[:, :, c0] * (1 - wc) + top[:, :, c1] * wc).astype(np.float32)


def _sample_points(n_in: int, n_out: int, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source indices (and weights) of each output pixel, half-pixel centres, edges clamped."""
    scale = n_in / n_out
    centre = (np.arange(n_out) + 0.5) * scale - 0.5
    if method == "nearest":
        nearest = np.clip(np.floor((np.arange(n_out) + 0.5) * scale), 0, n_in - 1).astype(np.int64)
        return nearest, nearest, np.zeros(n_out, np.float32)
    centre = np.clip(centre, 0, n_in - 1)
    low = np.floor(centre).astype(np.int64)
    high = np.minimum(low + 1, n_in - 1)
    return low, high, (centre - low).astype(np.float32)


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
