"""Decimation (nbvis._downsample): what survives, checked against brute-force loops."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nbvis._downsample import m4


def _m4_reference(x, y, width):
    """Per pixel column: first, last, argmin, argmax (a plain loop)."""
    lo, hi = x[0], x[-1]
    buckets: dict[int, list[int]] = {}
    for i, v in enumerate(x):
        b = min(width - 1, int((v - lo) * (width / (hi - lo))))
        buckets.setdefault(b, []).append(i)
    keep = set()
    for members in buckets.values():
        keep.update((members[0], members[-1]))
        finite = [i for i in members if math.isfinite(y[i])]
        if finite:
            keep.add(min(finite, key=lambda i: (y[i], i)))
            keep.add(max(finite, key=lambda i: (y[i], -i)))
        bad = [i for i in members if not math.isfinite(y[i])]
        if bad:
            keep.add(bad[0])
    return sorted(keep)


def test_m4_keeps_exactly_the_first_last_min_and_max_of_every_pixel_column():
    rng = np.random.default_rng(1)
    x = np.cumsum(rng.exponential(size=5000))  # uneven spacing, empty columns
    y = rng.normal(size=5000)
    y[rng.choice(5000, 40, replace=False)] = np.nan
    for width in (7, 100, 900):
        assert m4(x, y, width).tolist() == _m4_reference(x.tolist(), y.tolist(), width)


@pytest.mark.parametrize("width", [10, 300, 2000])
def test_a_one_sample_spike_survives_m4_at_every_width(width):
    x = np.arange(1_000_000.0)
    y = np.sin(x / 5e3)
    y[654_321] = 40.0
    y[12_345] = -40.0
    keep = m4(x, y, width)
    assert 654_321 in keep and 12_345 in keep
    assert len(keep) <= 4 * width


def test_m4_drawn_per_column_has_the_same_vertical_extent_as_all_samples():
    rng = np.random.default_rng(2)
    x = np.arange(200_000.0)
    y = np.cumsum(rng.normal(size=x.size))
    width = 640
    keep = m4(x, y, width)
    columns = np.minimum((x * width / x[-1]).astype(int), width - 1)
    for col in rng.choice(width, 25, replace=False):
        every = y[columns == col]
        kept = y[keep][columns[keep] == col]
        assert kept.min() == every.min() and kept.max() == every.max()


def test_a_gap_of_non_finite_values_stays_a_gap():
    x = np.arange(100_000.0)
    y = np.ones_like(x)
    y[50_000:50_100] = np.nan
    keep = m4(x, y, 200)
    assert np.isnan(y[keep]).sum() == 1


def test_short_series_are_kept_whole():
    x = np.arange(50.0)
    assert m4(x, x, 100).tolist() == list(range(50))


def test_m4_with_all_samples_at_one_x_keeps_the_extremes():
    y = np.array([3.0, -1.0, 7.0, 2.0, 0.5, 4.0])
    assert m4(np.zeros(6), y, 1).tolist() == [0, 1, 2, 5]


def test_bad_sizes_and_shapes_name_the_argument():
    with pytest.raises(ValueError, match="width: expected a positive whole number, got 0"):
        m4(np.arange(3.0), np.arange(3.0), 0)
    with pytest.raises(ValueError, match=r"x and y: expected two 1-D arrays of one length, got shapes \(3,\) and \(2,\)"):
        m4(np.arange(3.0), np.arange(2.0), 5)
