"""Decimation of long series: which samples to draw when there are more than pixels.

This is the kernel's side of the level of detail: the *overview* a big series travels
as in the widget state (and so in a saved notebook), and the rows of pictures. The
browser re-decimates whatever it holds for each view (``js/src/lod.js``: each pixel
column's smallest and largest sample); ``tests/unit/test_shared_rules.py`` checks that
the browser draws the same column extremes from an overview as from every row.
Functions return the *indices* of the samples to keep, sorted; numpy-only and O(n).

* :func:`m4` — per pixel column the first, last, smallest and largest sample. Drawn as a
  line at that width it is indistinguishable from drawing every sample (Jugel et al.,
  "M4", VLDB 2014), and an extreme, such as a one-sample spike, always survives. A
  column that holds a non-finite ``y`` also keeps its first non-finite sample, so a gap
  in a line stays a gap.
* :func:`grid` — one sample per occupied cell, for scatter plots.
* :func:`window_mask` — the last ``n`` rows of each series (``js/src/store.js`` trims
  its copy by the same rule).
"""

from __future__ import annotations

import numpy as np

__all__ = ["grid", "m4", "overview", "window_mask"]


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


def _positive(value: object, *, arg: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        msg = f"{arg}: expected a positive whole number, got {value!r}"
        raise ValueError(msg)
    return int(value)


def grid(x: np.ndarray, y: np.ndarray, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    """One sample per occupied cell of an ``nx`` by ``ny`` grid over the data's extent.

    Returns the indices (the first sample of each occupied cell, sorted) and how many
    samples each cell holds: a scatter plot drawn from them shows every occupied cell,
    isolated outliers included, with the counts available as a density.

    Examples
    --------
    >>> rng = np.random.default_rng(0); x, y = rng.normal(size=(2, 1_000_000))
    >>> keep, counts = grid(x, y, 400, 300)
    >>> int(counts.sum()), len(keep) <= 400 * 300
    (1000000, True)
    """
    x, y = _check(x, y)
    nx, ny = _positive(nx, arg="nx"), _positive(ny, arg="ny")
    good = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    if good.size == 0:
        return good, np.zeros(0, dtype=np.int64)
    gx, gy = x[good], y[good]

    def cells(v: np.ndarray, n: int) -> np.ndarray:
        lo, hi = float(v.min()), float(v.max())
        if hi <= lo:
            return np.zeros(v.size, dtype=np.int64)
        return np.clip(((v - lo) * (n / (hi - lo))).astype(np.int64), 0, n - 1)

    cell = cells(gx, nx) * ny + cells(gy, ny)
    _, first, counts = np.unique(cell, return_index=True, return_counts=True)
    order = np.argsort(first)
    return good[first[order]], counts[order]


def overview(
    x: np.ndarray, y: np.ndarray, series: np.ndarray, *, kind: str = "line", size: int = 2048
) -> np.ndarray:
    """Row indices of a long table (x, y, series codes) decimated series by series.

    ``kind="line"`` keeps each series' M4 over ``size`` columns (x-sorted first when it
    is not); ``kind="points"`` keeps one sample per occupied cell of a ``size`` by
    ``size * 5 // 8`` grid per series. The result is sorted: rows keep their order.

    Examples
    --------
    >>> x = np.tile(np.arange(500_000.0), 2); y = np.sin(x); s = np.repeat([0, 1], 500_000)
    >>> len(overview(x, y, s, size=1000)) <= 2 * 4 * 1000
    True
    """
    x, y = _check(x, y)
    series = np.asarray(series)
    if series.shape != x.shape:
        msg = f"series: expected {x.shape[0]} codes, got shape {series.shape}"
        raise ValueError(msg)
    size = _positive(size, arg="size")
    codes = np.unique(series)
    parts = []
    for code in codes:
        rows = np.flatnonzero(series == code) if codes.size > 1 else np.arange(x.size)
        sx, sy = x[rows], y[rows]
        if kind == "points":
            parts.append(rows[grid(sx, sy, size, max(1, size * 5 // 8))[0]])
            continue
        if kind != "line":
            msg = f"kind: expected 'line' or 'points', got {kind!r}"
            raise ValueError(msg)
        finite = np.isfinite(sx)
        if not finite.all():  # a point without an x cannot be drawn
            rows, sx, sy = rows[finite], sx[finite], sy[finite]
        if sx.size > 1 and bool(np.any(sx[1:] < sx[:-1])):
            order = np.argsort(sx, kind="stable")
            parts.append(rows[order[m4(sx[order], sy[order], size)]])
        else:
            parts.append(rows[m4(sx, sy, size)])
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)


def window_mask(series: np.ndarray, n: int) -> np.ndarray:
    """Which rows to keep so that each series keeps only its last ``n`` rows.

    Examples
    --------
    >>> window_mask(np.array([0, 1, 0, 0, 1, 0]), 2).tolist()
    [False, True, False, True, True, True]
    """
    series = np.asarray(series)
    n = _positive(n, arg="window")
    if series.size <= n:
        return np.ones(series.size, dtype=bool)
    codes, inverse, counts = np.unique(series, return_inverse=True, return_counts=True)
    if codes.size == 1:
        mask = np.zeros(series.size, dtype=bool)
        mask[-n:] = True
        return mask
    # rank of each row within its series, counted from the end
    order = np.argsort(inverse, kind="stable")
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    rank = np.empty(series.size, dtype=np.int64)
    rank[order] = np.arange(series.size) - np.repeat(starts, counts)
    from_end = counts[inverse] - 1 - rank
    return from_end < n
