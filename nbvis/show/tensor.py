"""``values_distribution``: the histogram of any array or tensor, with its stats row."""

from __future__ import annotations

from typing import Any

from .._validate import strict_kwargs
from ..charts import histogram
from ..widgets import ChartWidget

__all__ = ["values_distribution"]


@strict_kwargs
def values_distribution(
    values: Any, *, max_bins: int = 12, height: int = 150, width: int | None = None, x_label: str = "value"
) -> ChartWidget:
    """A histogram of every value of an array or tensor, binned in numpy, with a stats row.

    Parameters
    ----------
    values : array, tensor or list of any shape
        NaN and ±Inf are counted in the stats row (count, min, max, zeros, NaNs,
        infinities) but not binned. Ten million values take about a second; only the
        bins travel to the browser.
    max_bins : int
        At most this many "nice" bins.

    Returns
    -------
    ChartWidget
        ``update(values)`` re-bins new values in place.

    Examples
    --------
    >>> nbvis.show.values_distribution(model.get_layer("dense").kernel)
    >>> nbvis.show.values_distribution(np.random.randn(10_000_000))
    """
    return histogram(values, max_bins=max_bins, height=height, width=width, x_label=x_label, stats=True)
