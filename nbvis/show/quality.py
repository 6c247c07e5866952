"""Quality views: per-class accuracy, confusion matrix, ROC and precision-recall curves.

Each takes labels and predictions (or scores) in any form :mod:`nbvis.metrics` accepts,
computes with it, and draws with the chart catalogue.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import metrics
from .._validate import strict_kwargs, text_list
from ..charts import confusion_matrix as confusion_chart
from ..charts import linechart, table
from ..widgets import ChartWidget, TableWidget

__all__ = ["confusion_matrix", "per_class_accuracy", "pr_curve", "roc_curve"]

_PALETTE = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6",
            "#9d755d", "#bab0ac", "#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a",
            "#d62728", "#ff9896", "#9467bd", "#c5b0d5"]
_CHANCE = "#aaaaaa"


def _names(class_names: Sequence[Any] | None, count: int) -> list[str]:
    names = text_list(class_names, arg="class_names")
    if names is None:
        return [f"Class {i}" for i in range(count)]
    if len(names) < count:
        msg = f"class_names: expected {count} names (one per class), got {len(names)}"
        raise ValueError(msg)
    return names[:count]


@strict_kwargs
def per_class_accuracy(
    labels: Any, predictions: Any = None, *, class_names: Sequence[Any] | None = None,
    num_classes: int | None = None, threshold: float | None = None,
) -> TableWidget:
    """A table of each class's accuracy (its recall) and number of samples.

    Parameters
    ----------
    labels, predictions : array-like
        As for :func:`nbvis.metrics.accuracy`. Or pass only the result of
        :func:`nbvis.metrics.per_class_accuracy` (tfjs-vis's ``[{accuracy, count}]`` too).
    class_names : list of str, optional
        Default ``"Class 0"``, ``"Class 1"``, ...

    Examples
    --------
    >>> nbvis.show.per_class_accuracy(y_test, model.predict(x_test), class_names=names)
    """
    result = metrics.as_per_class(labels) if predictions is None else None
    if result is None:
        if predictions is None:
            msg = ("predictions: missing; pass labels and predictions, or the result of "
                   "nbvis.metrics.per_class_accuracy alone")
            raise TypeError(msg)
        result = metrics.per_class_accuracy(labels, predictions, num_classes, threshold=threshold)
    names = _names(class_names, len(result))
    rows = [[name, "no samples" if np.isnan(a) else float(a), int(c)]
            for name, a, c in zip(names, result.accuracy, result.count)]
    return table(["Class", "Accuracy", "# Samples"], rows)


@strict_kwargs
def confusion_matrix(
    labels: Any, predictions: Any, *, class_names: Sequence[Any] | None = None, num_classes: int | None = None,
    normalize: str | None = None, sample_weight: Any = None, threshold: float | None = None, **options: Any,
) -> ChartWidget:
    """The confusion matrix of labels and predictions (rows true, columns predicted).

    Parameters
    ----------
    labels, predictions : array-like
        As for :func:`nbvis.metrics.confusion_matrix`.
    class_names : list of str, optional
        Tick labels (default ``"Class i"``).
    normalize : {None, "true", "pred", "all"}
        As for :func:`nbvis.confusion_matrix`; other options are passed on to it.

    Examples
    --------
    >>> nbvis.show.confusion_matrix(y_test, model.predict(x_test), normalize="true")
    """
    m = metrics.confusion_matrix(labels, predictions, num_classes, sample_weight=sample_weight, threshold=threshold)
    return confusion_chart(m, tick_labels=_names(class_names, m.shape[0]), normalize=normalize, **options)


def _runs_thinned(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the first and last point of each run of equal x (the drawn line is the same)."""
    if x.size <= 2:
        return x, y
    keep = np.r_[True, (np.diff(x[:-1]) != 0) | (np.diff(x[1:]) != 0), True]
    return x[keep], y[keep]


def _curve_chart(
    curves: Any, class_names: Any, *, what: str, binary_name: str, score: str, points: Any, chance: Any,
    x_label: str, y_label: str, width: int | None, height: int | None,
) -> ChartWidget:
    curves = [curves] if not isinstance(curves, list) else curves
    names = _names(class_names, len(curves)) if curves[0].label is not None else [binary_name]
    values, series, skipped = [], [], []
    for name, curve in zip(names, curves):
        value = getattr(curve, score)
        if np.isnan(value):
            skipped.append(name)
            continue
        x, y = points(curve)
        values.append(np.column_stack([x, y]))
        series.append(f"{name} ({'AUC' if score == 'auc' else 'AP'} {value:.3f})")
    if skipped:
        warnings.warn(f"{what}: no positive samples of {skipped}; their curves are left out", stacklevel=3)
    if not values:
        msg = f"labels: no class has positive samples, so there is no {what} to draw"
        raise ValueError(msg)
    colors = [_PALETTE[i % len(_PALETTE)] for i in range(len(values))]
    if chance is not None:
        values.append(np.asarray(chance, dtype=np.float64))
        series.append("chance")
        colors.append(_CHANCE)
    return linechart(values, series, x_label=x_label, y_label=y_label, x_axis_domain=[0, 1],
                     y_axis_domain=[0, 1], series_colors=colors, width=width, height=height)


def _binary(scores: Any) -> bool:
    """Whether scores are one column (binary: one curve) rather than one per class."""
    shape = tuple(getattr(scores, "shape", None) or np.shape(scores))
    return len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)


@strict_kwargs
def roc_curve(
    labels: Any, scores: Any, *, class_names: Sequence[Any] | None = None, pos_label: Any = 1,
    sample_weight: Any = None, width: int | None = None, height: int | None = 300,
) -> ChartWidget:
    """ROC curves with their AUC in the legend: one for binary scores, one per class otherwise.

    Parameters
    ----------
    labels : array-like
        Binary labels for ``(N,)`` scores; class ids or one-hot rows for ``(N, classes)``.
    scores : array-like
        Positive-class scores ``(N,)``, or class probabilities ``(N, classes)``
        (one-vs-rest curves).
    class_names : list of str, optional
        Names of the one-vs-rest curves.

    Examples
    --------
    >>> nbvis.show.roc_curve(y_test, model.predict(x_test), class_names=names)
    """
    curves: metrics.RocCurve | list[metrics.RocCurve] = (
        metrics.roc_curve(labels, scores, pos_label=pos_label, sample_weight=sample_weight) if _binary(scores)
        else metrics.roc_curves(labels, scores, sample_weight=sample_weight))
    return _curve_chart(curves, class_names, what="ROC curve", binary_name="ROC", score="auc",
                        points=lambda c: (c.fpr, c.tpr), chance=[[0, 0], [1, 1]],
                        x_label="false positive rate", y_label="true positive rate", width=width, height=height)


@strict_kwargs
def pr_curve(
    labels: Any, scores: Any, *, class_names: Sequence[Any] | None = None, pos_label: Any = 1,
    sample_weight: Any = None, width: int | None = None, height: int | None = 300,
) -> ChartWidget:
    """Precision-recall curves with average precision (AP) in the legend.

    Parameters are as for :func:`roc_curve`. For binary scores a "chance" line marks
    the share of positives (the precision of guessing).

    Examples
    --------
    >>> nbvis.show.pr_curve(y_test, model.predict(x_test), class_names=names)
    """
    curves: metrics.PrCurve | list[metrics.PrCurve] = (
        metrics.pr_curve(labels, scores, pos_label=pos_label, sample_weight=sample_weight) if _binary(scores)
        else metrics.pr_curves(labels, scores, sample_weight=sample_weight))
    chance = None
    if not isinstance(curves, list):
        chance = [[0, curves.prevalence], [1, curves.prevalence]]

    def points(c: metrics.PrCurve) -> tuple[np.ndarray, np.ndarray]:
        # recall increasing, so that ties keep the drawn order when the line is sorted by x
        return _runs_thinned(c.recall[::-1], c.precision[::-1])

    return _curve_chart(curves, class_names, what="precision-recall curve", binary_name="precision-recall",
                        score="average_precision",
                        points=points, chance=chance, x_label="recall", y_label="precision",
                        width=width, height=height)
