"""Each batch's own value, recovered from the running means Keras logs.

After every batch Keras logs each metric's mean *since the epoch began*: the loss (weighted
by batch size) and every ``keras.metrics.Mean`` (weighted by sample count). Plotted as they
are, a falling loss rises within every epoch and drops at each boundary. With ``C_k`` the
weight of the first ``k`` batches and ``m_k`` the mean after them, the batches after ``j``
and up to ``k`` have the mean ``(m_k C_k - m_j C_j) / (C_k - C_j)``: one batch's own value,
or, with ``steps_per_execution`` or ``every_n_batches``, the mean of the batches since the
last point. ``C_k = min(k * batch_size, samples)``, so an epoch's smaller last batch is
exact too when ``fit`` was given arrays; otherwise batches count alike.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

__all__ = ["BatchValues"]


class BatchValues:
    """Turns each batch's logs into its own values (pure: no Keras here).

    Parameters
    ----------
    means : collection of str
        The logged names that are running means (others are passed on as Keras gives them).
    batch_size, samples : int, optional
        ``fit``'s batch size and the number of training samples per epoch, when known.

    Examples
    --------
    >>> values = BatchValues({"loss"}, batch_size=2, samples=5)
    >>> [values.take(0, k, {"loss": m})["loss"] for k, m in ((1, 4.0), (2, 3.0), (3, 2.6))]
    [4.0, 2.0, 1.0]
    """

    def __init__(self, means: Collection[str], *, batch_size: int | None = None, samples: int | None = None) -> None:
        self.means = frozenset(means)
        self.batch_size = batch_size if batch_size and batch_size > 0 else None
        self.samples = samples if samples and samples > 0 and self.batch_size else None
        self._epoch: int | None = None
        self._last: dict[str, tuple[float, float]] = {}  # name -> (C_j, m_j) of the last point

    def weight(self, k: int) -> float:
        """``C_k``, the weight of an epoch's first ``k`` batches."""
        if self.batch_size is None:
            return float(k)
        whole = float(k * self.batch_size)
        return whole if self.samples is None else min(whole, float(self.samples))

    def take(self, epoch: int, k: int, logs: Mapping[str, Any]) -> dict[str, Any]:
        """The values of batch ``k`` (from 1) of ``epoch``, given in step order."""
        if epoch != self._epoch:
            self._epoch, self._last = epoch, {}
        out = dict(logs)
        c_k = self.weight(k)
        for name in self.means.intersection(logs):
            try:
                m_k = float(logs[name])
            except (TypeError, ValueError):
                continue
            c_j, m_j = self._last.get(name, (0.0, 0.0))
            if c_k > c_j:
                total = m_k * c_k - (m_j * c_j if c_j else 0.0)
                out[name] = total / (c_k - c_j) if math.isfinite(total) else m_k
                self._last[name] = (c_k, m_k)
        return out
