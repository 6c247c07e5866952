"""A minimal PNG encoder (zlib, no dependencies) for static pictures of images."""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

__all__ = ["png_bytes", "png_data_url"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(image: np.ndarray) -> bytes:
    """Encode an ``(H, W)`` or ``(H, W, C)`` uint8 image (C = 1, 3 or 4) as PNG.

    Examples
    --------
    >>> png_bytes(np.zeros((2, 2), np.uint8))[:4]
    b'\\x89PNG'
    """
    if image.ndim == 2:
        image = image[:, :, None]
    height, width, channels = image.shape
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    rows = np.ascontiguousarray(image, dtype=np.uint8).reshape(height, width * channels)
    raw = np.concatenate([np.zeros((height, 1), np.uint8), rows], axis=1).tobytes()  # filter 0 per row
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 6)) + _chunk(b"IEND", b"")


def png_data_url(image: np.ndarray) -> str:
    """The image as a ``data:image/png;base64,...`` URL."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode("ascii")
