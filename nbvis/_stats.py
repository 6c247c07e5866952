"""Numbers for charts, computed in numpy: histogram bins, summary statistics, formatting.

The browser receives bin counts and formatted text, never the raw values, so a
histogram of 10 million weights costs the same to draw as one of ten.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Histogram", "format_number", "histogram", "nice_bins", "stats_rows", "value_stats"]


def nice_bins(low: float, high: float, max_bins: int) -> np.ndarray:
    """Bin edges with "nice" boundaries and about ``max_bins`` bins.

    This is Vega's binning rule (vega-statistics ``bin``, base 10, divisors 5 and 2,
    ``nice``), so the bins are those tfjs-vis users know from ``maxBins``. The step is
    chosen for at most ``max_bins`` bins; aligning the ends to multiples of the step can
    add one (e.g. -1..1 with one bin gives -2..0..2).

    Examples
    --------
    >>> nice_bins(-3, 10, 12).tolist()
    [-4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    >>> nice_bins(-3, 10, 3).tolist()
    [-5.0, 0.0, 5.0, 10.0]
    """
    if not math.isfinite(high - low):  # near the float limits: equal bins, not nice ones
        return _equal_bins(low, high, max_bins)
    span = (high - low) or abs(low) or 1.0
    level = math.ceil(math.log10(max_bins))
    step = 10.0 ** (round(math.log10(span)) - level)
    while math.ceil(span / step) > max_bins:
        step *= 10
    for divisor in (5, 2):
        if span / (step / divisor) <= max_bins:
            step /= divisor
    v = math.log10(step)
    precision = 0 if v >= 0 else int(-v) + 1
    eps = 10.0 ** (-precision - 1)
    start = math.floor(low / step + eps) * step
    start = start - step if low < start else start
    stop = math.ceil(high / step) * step
    if stop <= start:
        stop = start + step
    if not math.isfinite(stop - start):
        return _equal_bins(low, high, max_bins)
    count = max(1, round((stop - start) / step))
    edges = start + step * np.arange(count + 1)
    return edges if np.all(np.isfinite(edges)) else _equal_bins(low, high, max_bins)


def _equal_bins(low: float, high: float, max_bins: int) -> np.ndarray:
    """``max_bins`` equal bins from ``low`` to ``high``, computed without overflow."""
    if low == high:
        return np.array([np.nextafter(low, -np.inf), high])
    if math.isfinite(high - low):
        return np.linspace(low, high, max_bins + 1)
    return 2 * np.linspace(low / 2, high / 2, max_bins + 1)


@dataclass(frozen=True)
class Histogram:
    """Bin edges (``len(counts) + 1``), counts, and the statistics of the values."""

    edges: np.ndarray
    counts: np.ndarray
    stats: dict[str, float]


def value_stats(values: np.ndarray) -> dict[str, float]:
    """Count, min, max (over finite values), zeros, NaNs and infinities of an array."""
    nans = np.isnan(values)
    infs = np.isinf(values)
    finite = values[~(nans | infs)]
    return {
        "count": float(values.size),
        "min": float(finite.min()) if finite.size else math.nan,
        "max": float(finite.max()) if finite.size else math.nan,
        "zeros": float(np.count_nonzero(finite == 0)),
        "nans": float(np.count_nonzero(nans)),
        "infs": float(np.count_nonzero(infs)),
    }


def histogram(
    values: np.ndarray,
    *,
    max_bins: int = 12,
    bins: int | Sequence[float] | None = None,
    range: Sequence[float] | None = None,
) -> Histogram:
    """Bin finite values; NaN and ±Inf are counted in the stats but not binned.

    ``bins`` (a count of equal bins, or explicit increasing edges) and ``range``
    override the "nice" bins from ``max_bins``. Values outside an explicit range are not
    binned (the stats still count them); the last bin includes its right edge.
    """
    stats = value_stats(values)
    finite = values[np.isfinite(values)]
    if isinstance(bins, (list, tuple, np.ndarray)):
        edges = np.asarray(bins, dtype=np.float64)
    elif finite.size == 0 and range is None:
        return Histogram(np.zeros(0), np.zeros(0), stats)
    else:
        low, high = (float(r) for r in range) if range is not None else (float(finite.min()), float(finite.max()))
        if bins is None:
            edges = nice_bins(low, high, max_bins)
        else:
            edges = _equal_bins(low, high, int(bins)) if high > low else np.linspace(low, low + 1, int(bins) + 1)  # type: ignore[arg-type]
    counts = _bin_counts(finite, edges)
    return Histogram(edges, counts, stats)


def _bin_counts(finite: np.ndarray, edges: np.ndarray) -> np.ndarray:
    n = len(edges) - 1
    inside = finite[(finite >= edges[0]) & (finite <= edges[-1])]
    if n <= 0:
        return np.zeros(0)
    steps = np.diff(edges)
    if math.isfinite(float(edges[-1]) - float(edges[0])) and np.allclose(steps, steps[0]):  # equal bins: an index per value, then bincount (fast)
        index = np.floor((inside - edges[0]) / steps[0]).astype(np.int64)
        # a value a rounding error above an inner edge belongs to the bin the edges say
        index = np.clip(index, 0, n - 1)
        index -= (index > 0) & (inside < edges[index])
        index += (index < n - 1) & (inside >= edges[np.minimum(index + 1, n)])
        return np.bincount(index, minlength=n).astype(np.float64)
    return np.histogram(inside, bins=edges)[0].astype(np.float64)


def format_number(value: Any) -> str:
    """A number as a table shows it: thousands separators, at most 4 decimals.

    Very large or very small magnitudes switch to 4 significant digits in
    scientific notation, so no value is ever shown as a misleading ``0``.

    Examples
    --------
    >>> format_number(1234567), format_number(0.123456), format_number(2.5e-7)
    ('1,234,567', '0.1235', '2.5e-07')
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    magnitude = abs(number)
    if magnitude >= 1e15 or 0 < magnitude < 1e-4:
        return f"{number:.4g}"
    if number == int(number):
        return f"{int(number):,}"
    text = f"{number:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def stats_rows(stats: Mapping[str, float | None]) -> list[tuple[str, str]]:
    """The stats row of a histogram as (label, text) pairs; missing fields are left out.

    Zeros, NaNs and infinities get their share of all values as a percentage.
    """
    labels = (("count", "Count"), ("min", "Min"), ("max", "Max"), ("zeros", "# Zeros"),
              ("nans", "# NaNs"), ("infs", "# Infinity"))
    total = stats.get("count")
    out = []
    for key, label in labels:
        value = stats.get(key)
        if value is None:
            continue
        text = format_number(value)
        if key in ("zeros", "nans", "infs") and value and total:
            share = 100 * value / total
            text += f" ({share:.4g}%)"
        out.append((label, text))
    return out
