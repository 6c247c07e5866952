"""Decimation of long series: which samples to draw when there are more than pixels.

All functions take one series (``x`` non-decreasing, ``y`` any floats, NaN allowed) and
return the *indices* of the samples to keep, sorted, so the caller can take any column
with them. They are numpy-only and O(n) (LTTB is O(n) plus one Python step per output
bucket).

* :func:`m4` — per pixel column the first, last, smallest and largest sample. Drawn as a
  line at that width it is indistinguishable from drawing every sample (Jugel et al.,
  "M4", VLDB 2014), and an extreme, such as a one-sample spike, always survives.
* :func:`minmax` — the smallest and largest sample of equally sized index buckets.
* :func:`lttb` — Largest-Triangle-Three-Buckets (Steinarsson 2013): a fixed number of
  points that keep the shape; used where a fixed count matters more than extremes.

A bucket that holds a non-finite ``y`` also keeps its first non-finite sample, so a gap
in a line stays a gap after decimation.
"""

from __future__ import annotations

import numpy as np

__all__ = ["decimate", "lttb", "m4", "minmax"]


def _check(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or y.shape != x.shape:
        msg = f"x and y: expected two 1-D arrays of one length, got shapes {x.shape} and {y.shape}"
        raise ValueError(msg)
    return x, y


def _extremes(y: np.ndarray, bucket: np.ndarray) -> list[np.ndarray]:
    """First/last/argmin/argmax (over finite y) and first non-finite index per bucket."""
    n = y.size
    idx = np.arange(n)
    finite = np.isfinite(y)
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    stops = np.r_[starts[1:], n]
    keep = [starts, stops - 1]
    # argmin/argmax per bucket: reduce the values, then find the first sample equal to it
    low = np.where(finite, y, np.inf)
    high = np.where(finite, y, -np.inf)
    mins = np.minimum.reduceat(low, starts)
    maxs = np.maximum.reduceat(high, starts)
    counts = stops - starts
    for values, target in ((low, mins), (high, maxs)):
        hit = np.flatnonzero((values == np.repeat(target, counts)) & finite)
        if hit.size:
            first = np.r_[True, bucket[hit[1:]] != bucket[hit[:-1]]]
            keep.append(hit[first])
    if not finite.all():
        bad = idx[~finite]
        first = np.r_[True, bucket[bad[1:]] != bucket[bad[:-1]]]
        keep.append(bad[first])
    return keep


def m4(x: np.ndarray, y: np.ndarray, width: int, *, x_range: tuple[float, float] | None = None) -> np.ndarray:
    """Indices of the M4 decimation of a series over ``width`` pixel columns.

    Parameters
    ----------
    x, y : 1-D arrays
        The series; ``x`` non-decreasing (as time is).
    width : int
        Number of pixel columns (buckets of equal x extent).
    x_range : (lo, hi), optional
        The x extent the columns divide (default: the data's).

    Returns
    -------
    numpy.ndarray
        Sorted indices, at most ``4 * width`` (+ one per bucket holding non-finite y).

    Examples
    --------
    >>> x = np.arange(1_000_000.0); y = np.sin(x / 1e4); y[123_456] = 50.0
    >>> keep = m4(x, y, 800)
    >>> len(keep) <= 3200, 123_456 in keep
    (True, True)
    """
    x, y = _check(x, y)
    width = _positive(width, arg="width")
    if x.size <= 4 * width:
        return np.arange(x.size)
    lo, hi = (float(x[0]), float(x[-1])) if x_range is None else map(float, x_range)
    span = hi - lo
    if not np.isfinite(span) or span <= 0:
        bucket = np.zeros(x.size, dtype=np.int64)
    else:
        bucket = np.clip(((x - lo) * (width / span)).astype(np.int64), 0, width - 1)
    return np.unique(np.concatenate(_extremes(y, bucket)))


def minmax(y: np.ndarray, n_out: int) -> np.ndarray:
    """Indices of the min and max of ``n_out // 2`` equally sized index buckets.

    Examples
    --------
    >>> keep = minmax(np.random.default_rng(0).normal(size=100_000), 1000)
    >>> len(keep) <= 1000 + 2
    True
    """
    y = np.asarray(y, dtype=np.float64)
    n_out = _positive(n_out, arg="n_out")
    if y.size <= n_out:
        return np.arange(y.size)
    n_buckets = max(1, n_out // 2)
    bucket = (np.arange(y.size) * n_buckets) // y.size
    keep = _extremes(y, bucket)
    return np.unique(np.concatenate(keep[2:] + [np.array([0, y.size - 1])]))


def lttb(x: np.ndarray, y: np.ndarray, n_out: int) -> np.ndarray:
    """Indices of the Largest-Triangle-Three-Buckets decimation to ``n_out`` points.

    The first and last samples are always kept; non-finite samples are never chosen
    (except as the first or last one).

    Examples
    --------
    >>> x = np.linspace(0, 10, 50_000)
    >>> keep = lttb(x, np.sin(x), 500)
    >>> len(keep), keep[0], keep[-1]
    (500, 0, 49999)
    """
    x, y = _check(x, y)
    n_out = _positive(n_out, arg="n_out")
    n = x.size
    if n <= n_out or n_out < 3:
        return np.arange(n) if n <= n_out else np.array([0, n - 1])[: max(n_out, 1)]
    edges = np.linspace(1, n - 1, n_out - 1).astype(np.int64)  # n_out - 2 inner buckets
    out = np.empty(n_out, dtype=np.int64)
    out[0], out[-1] = 0, n - 1
    a = 0
    for i in range(n_out - 2):
        lo, hi = edges[i], edges[i + 1]
        nlo, nhi = edges[i + 1], edges[i + 2] if i + 2 < len(edges) else n
        nx, ny = x[nlo:nhi], y[nlo:nhi]
        good = np.isfinite(ny)
        cx, cy = (float(nx[good].mean()), float(ny[good].mean())) if good.any() else (x[n - 1], y[n - 1])
        bx, by = x[lo:hi], y[lo:hi]
        area = np.abs((x[a] - cx) * (by - y[a]) - (x[a] - bx) * (cy - y[a]))
        area = np.where(np.isfinite(area), area, -1.0)
        a = lo + int(np.argmax(area))
        out[i + 1] = a
    return out


def decimate(x: np.ndarray, y: np.ndarray, n_out: int, method: str = "m4") -> np.ndarray:
    """Indices of about ``n_out`` samples of a series, by ``method`` ("m4", "minmax", "lttb")."""
    if method == "m4":
        return m4(x, y, max(1, n_out // 4))
    if method == "minmax":
        return minmax(y, n_out)
    if method == "lttb":
        return lttb(x, y, n_out)
    msg = f"method: expected 'm4', 'minmax' or 'lttb', got {method!r}"
    raise ValueError(msg)


def _positive(value: object, *, arg: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        msg = f"{arg}: expected a positive whole number, got {value!r}"
        raise ValueError(msg)
    return int(value)
