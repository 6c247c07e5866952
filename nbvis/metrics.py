"""Classification metrics in numpy (tfjs-vis ``metrics.*``, plus ROC and precision-recall).

Labels and predictions are accepted as class ids ``(N,)``, one-hot or probability rows
``(N, classes)`` (reduced with argmax, on purpose and said so here), lists, pandas or
tensors. Binary scores ``(N,)`` are never rounded silently: pass ``threshold=`` to turn
them into class ids. Results agree with scikit-learn (tested), which is not needed here.
Every function returns one type: ``roc_curve``/``pr_curve`` one curve for binary scores,
``roc_curves``/``pr_curves`` a list of one-vs-rest curves for class scores.

>>> from nbvis import metrics
>>> metrics.accuracy([0, 1, 2, 2], [[0.9, 0.1, 0], [0.2, 0.7, 0.1], [0, 0.4, 0.6], [0.5, 0.5, 0]])
0.75
>>> metrics.confusion_matrix([0, 1, 1], [0, 1, 0])
array([[1, 0],
       [1, 1]])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._inputs import to_numpy
from ._validate import describe

__all__ = [
    "PerClassAccuracy",
    "PrCurve",
    "RocCurve",
    "accuracy",
    "class_ids",
    "confusion_matrix",
    "per_class_accuracy",
    "pr_curve",
    "pr_curves",
    "roc_curve",
    "roc_curves",
]


# -- inputs ----------------------------------------------------------------------------


def _array(value: Any, *, arg: str, numeric: bool = True) -> np.ndarray:
    if isinstance(value, (list, tuple)):
        try:
            out = np.asarray(value)
        except ValueError as exc:
            msg = f"{arg}: expected a rectangular list of numbers, got a ragged {describe(value)}"
            raise ValueError(msg) from exc
    else:
        out = to_numpy(value, arg=arg)
    if numeric and out.dtype.kind not in "biuf":
        msg = f"{arg}: expected numbers (class ids, one-hot rows or scores), got dtype {out.dtype}"
        raise TypeError(msg)
    return out


def class_ids(values: Any, *, arg: str = "labels", threshold: float | None = None) -> np.ndarray:
    """Class ids ``(N,)`` from ids, one-hot or probability rows ``(N, C)`` or binary scores.

    Parameters
    ----------
    values : array-like
        ``(N,)`` whole numbers ≥ 0 are ids. ``(N, C)`` rows with ``C ≥ 2`` (one-hot,
        probabilities or logits) become ``argmax`` over the last axis. ``(N,)`` or
        ``(N, 1)`` scores need ``threshold``: a score ≥ threshold is class 1.
    threshold : float, optional
        The cut for binary scores.

    Examples
    --------
    >>> class_ids([[0.1, 0.9], [0.8, 0.2]])
    array([1, 0])
    >>> class_ids([0.2, 0.7], threshold=0.5)
    array([0, 1])
    """
    a = _array(values, arg=arg)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim == 2:
        if a.shape[1] == 0:
            msg = f"{arg}: expected at least one column of class scores, got shape {a.shape}"
            raise ValueError(msg)
        if not np.all(np.isfinite(a)):
            msg = f"{arg}: NaN or infinite class scores cannot be reduced with argmax"
            raise ValueError(msg)
        return np.argmax(a, axis=1)
    if a.ndim != 1:
        msg = f"{arg}: expected class ids (N,) or rows of class scores (N, classes), got shape {a.shape}"
        raise ValueError(msg)
    if threshold is not None:
        if not np.all(np.isfinite(a)):
            msg = f"{arg}: NaN or infinite scores cannot be thresholded"
            raise ValueError(msg)
        return (a >= float(threshold)).astype(np.int64)
    if a.dtype.kind == "b":
        return a.astype(np.int64)
    if a.dtype.kind == "f" and not np.all(np.isfinite(a) & (a == np.round(a))):
        msg = (f"{arg}: got scores, not class ids (e.g. {a[~(a == np.round(a))][:1].tolist()}); "
               "pass threshold=0.5 for binary scores or (N, classes) rows for argmax")
        raise ValueError(msg)
    if a.size and a.min() < 0:
        msg = f"{arg}: class ids must be ≥ 0, got {a.min():g}"
        raise ValueError(msg)
    return a.astype(np.int64)


def _pair(labels: Any, predictions: Any, threshold: float | None) -> tuple[np.ndarray, np.ndarray]:
    y = class_ids(labels, arg="labels", threshold=threshold)
    p = class_ids(predictions, arg="predictions", threshold=threshold)
    if y.shape != p.shape:
        msg = f"labels and predictions: expected the same number of samples, got {y.size} and {p.size}"
        raise ValueError(msg)
    if y.size == 0:
        msg = "labels: expected at least one sample, got none"
        raise ValueError(msg)
    return y, p


def _weights(sample_weight: Any, n: int) -> np.ndarray | None:
    if sample_weight is None:
        return None
    w = _array(sample_weight, arg="sample_weight").astype(np.float64).reshape(-1)
    if w.size != n:
        msg = f"sample_weight: expected one weight per sample ({n}), got {w.size}"
        raise ValueError(msg)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        msg = "sample_weight: expected finite, non-negative weights"
        raise ValueError(msg)
    return w


def _num_classes(num_classes: int | None, *ids: np.ndarray) -> int:
    seen = max(int(i.max()) + 1 if i.size else 0 for i in ids)
    if num_classes is None:
        return seen
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        msg = f"num_classes: expected a positive whole number, got {num_classes!r}"
        raise ValueError(msg)
    if seen > num_classes:
        msg = f"num_classes: got {num_classes}, but the data has class id {seen - 1}"
        raise ValueError(msg)
    return int(num_classes)


# -- counts ----------------------------------------------------------------------------


def accuracy(labels: Any, predictions: Any, *, threshold: float | None = None, sample_weight: Any = None) -> float:
    """The share of samples whose predicted class is the true class.

    Parameters
    ----------
    labels, predictions : array-like
        Class ids, or one-hot / probability rows ``(N, classes)``, which are reduced
        with argmax (tfjs-vis compares element-wise instead, which is meaningless for
        probabilities). Binary scores need ``threshold``.
    threshold : float, optional
        Cut for binary scores ``(N,)``: ≥ threshold is class 1.
    sample_weight : array-like, optional
        One non-negative weight per sample.

    Examples
    --------
    >>> accuracy([1, 0, 1], [[0.2, 0.8], [0.6, 0.4], [0.9, 0.1]])
    0.6666666666666666
    """
    y, p = _pair(labels, predictions, threshold)
    w = _weights(sample_weight, y.size)
    hits = (y == p).astype(np.float64)
    if w is None:
        return float(hits.mean())
    if w.sum() == 0:
        msg = "sample_weight: all weights are zero"
        raise ValueError(msg)
    return float((hits * w).sum() / w.sum())


def confusion_matrix(
    labels: Any, predictions: Any, num_classes: int | None = None, *, sample_weight: Any = None,
    threshold: float | None = None,
) -> np.ndarray:
    """Counts ``[true class, predicted class]`` (weights summed instead when given).

    Parameters
    ----------
    labels, predictions : array-like
        As for :func:`accuracy`.
    num_classes : int, optional
        Default: the largest class id seen, plus one.
    sample_weight : array-like, optional
        Each sample adds its weight instead of 1 (the result is then float).

    Examples
    --------
    >>> confusion_matrix([0, 1, 2, 2], [0, 2, 2, 2], num_classes=4).shape
    (4, 4)
    """
    y, p = _pair(labels, predictions, threshold)
    n = _num_classes(num_classes, y, p)
    w = _weights(sample_weight, y.size)
    flat = np.bincount(y * n + p, weights=w, minlength=n * n)
    out = flat.reshape(n, n)
    return out if w is not None else out.astype(np.int64)


@dataclass(frozen=True)
class PerClassAccuracy:
    """Per-class accuracy (= recall: correct / true samples of the class) and sample counts.

    ``accuracy[i]`` is NaN for a class without true samples (tfjs-vis reports 0, which
    reads like a class the model always gets wrong). ``records()`` gives tfjs-vis's
    ``[{"accuracy": ..., "count": ...}, ...]``.
    """

    accuracy: np.ndarray
    count: np.ndarray

    def records(self) -> list[dict[str, float]]:
        return [{"accuracy": float(a), "count": float(c)} for a, c in zip(self.accuracy, self.count)]

    def __len__(self) -> int:
        return len(self.accuracy)


def per_class_accuracy(
    labels: Any, predictions: Any, num_classes: int | None = None, *, threshold: float | None = None
) -> PerClassAccuracy:
    """For each class: the share of its true samples predicted as it (per-class recall).

    Examples
    --------
    >>> r = per_class_accuracy([0, 0, 1, 1], [0, 1, 1, 1])
    >>> r.accuracy, r.count
    (array([0.5, 1. ]), array([2, 2]))
    """
    m = confusion_matrix(labels, predictions, num_classes, threshold=threshold)
    count = m.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        acc = np.where(count > 0, np.diag(m) / np.maximum(count, 1), np.nan)
    return PerClassAccuracy(acc, count)


# -- curves ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RocCurve:
    """A receiver operating characteristic curve, from the highest threshold down.

    ``thresholds[0]`` is ``inf`` (nothing predicted positive, the point (0, 0)).
    ``fpr``/``tpr`` are NaN when the data has no negatives/positives, and so is ``auc``.
    ``label`` is the class of a one-vs-rest curve (None for a binary curve).
    """

    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray
    auc: float
    label: int | None = None


@dataclass(frozen=True)
class PrCurve:
    """A precision-recall curve, scikit-learn's order: recall decreasing, ending at (0, 1).

    ``average_precision`` is ``Σ (Rₙ − Rₙ₋₁) Pₙ`` (not the trapezoid area, which is
    optimistic). ``thresholds`` are increasing, one fewer than the points.
    ``prevalence`` is the (weighted) share of positives: the precision of guessing.
    """

    precision: np.ndarray
    recall: np.ndarray
    thresholds: np.ndarray
    average_precision: float
    prevalence: float
    label: int | None = None


def _curve_inputs(
    labels: Any, scores: Any, pos_label: Any, *, per_class: bool, name: str
) -> list[tuple[int | None, np.ndarray, np.ndarray]]:
    """(class, is-positive, score) per curve: one for binary scores (``per_class=False``),
    one per column of ``(N, classes)`` scores (``per_class=True``)."""
    s = _array(scores, arg="scores").astype(np.float64)
    if s.ndim == 2 and s.shape[1] == 1 and not per_class:
        s = s[:, 0]
    if per_class and s.ndim != 2:
        msg = f"scores: {name}s() takes (N, classes) class scores, got shape {s.shape}; use {name}() for binary scores"
        raise ValueError(msg)
    if not per_class and s.ndim != 1:
        msg = (f"scores: {name}() takes (N,) binary scores, got shape {s.shape}; "
               f"use {name}s() for one curve per class")
        raise ValueError(msg)
    if not np.all(np.isfinite(s)):
        msg = "scores: expected finite scores, got NaN or infinity"
        raise ValueError(msg)
    y = _array(labels, arg="labels", numeric=s.ndim != 1)  # binary labels: anything pos_label can equal
    if s.ndim == 1:
        if y.ndim != 1:
            msg = f"labels: expected (N,) labels for (N,) binary scores, got shape {y.shape}"
            raise ValueError(msg)
        if y.size != s.size:
            msg = f"labels and scores: expected the same number of samples, got {y.size} and {s.size}"
            raise ValueError(msg)
        return [(None, y == pos_label, s)]
    ids = class_ids(y, arg="labels")
    if ids.size != s.shape[0]:
        msg = f"labels and scores: expected the same number of samples, got {ids.size} and {s.shape[0]}"
        raise ValueError(msg)
    if ids.size and ids.max() >= s.shape[1]:
        msg = f"labels: class id {ids.max()} has no column in scores of shape {s.shape}"
        raise ValueError(msg)
    return [(c, ids == c, s[:, c]) for c in range(s.shape[1])]


def _counts_at_thresholds(
    positive: np.ndarray, score: np.ndarray, w: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """False and true positives when predicting positive at each distinct score, high to low."""
    if score.size == 0:
        msg = "scores: expected at least one sample, got none"
        raise ValueError(msg)
    order = np.argsort(score, kind="mergesort")[::-1]
    score = score[order]
    pos = positive[order].astype(np.float64)
    weight = np.ones_like(pos) if w is None else w[order]
    last = np.r_[np.flatnonzero(np.diff(score)), score.size - 1]  # last index of each distinct score
    tps = np.cumsum(pos * weight)[last]
    fps = np.cumsum((1 - pos) * weight)[last]
    return fps, tps, score[last]


def _roc(curves: list[tuple[int | None, np.ndarray, np.ndarray]], sample_weight: Any,
         drop_intermediate: bool) -> list[RocCurve]:
    out = []
    for label, positive, score in curves:
        w = _weights(sample_weight, score.size)
        fps, tps, thresholds = _counts_at_thresholds(positive, score, w)
        if drop_intermediate and fps.size > 2:
            keep = np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True]
            fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
        fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
        thresholds = np.r_[np.inf, thresholds]
        fpr = fps / fps[-1] if fps[-1] > 0 else np.full(fps.shape, np.nan)
        tpr = tps / tps[-1] if tps[-1] > 0 else np.full(tps.shape, np.nan)
        area = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2)) if fps[-1] > 0 and tps[-1] > 0 else float("nan")
        out.append(RocCurve(fpr, tpr, thresholds, area, label))
    return out


def roc_curve(
    labels: Any, scores: Any, *, pos_label: Any = 1, sample_weight: Any = None, drop_intermediate: bool = True
) -> RocCurve:
    """The ROC curve and its area for binary scores (one return type: :class:`RocCurve`;
    :func:`roc_curves` gives one curve per class).

    Parameters
    ----------
    labels : array-like
        ``(N,)`` binary labels (``pos_label`` is positive).
    scores : array-like
        ``(N,)`` (or ``(N, 1)``) scores of the positive class.
    drop_intermediate : bool
        Leave out points on straight segments (the curve and the area do not change).

    Examples
    --------
    >>> c = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> c.auc
    0.75
    """
    curves = _curve_inputs(labels, scores, pos_label, per_class=False, name="roc_curve")
    return _roc(curves, sample_weight, drop_intermediate)[0]


def roc_curves(
    labels: Any, scores: Any, *, sample_weight: Any = None, drop_intermediate: bool = True
) -> list[RocCurve]:
    """One-vs-rest ROC curves, one per class (always a list, ``label`` = class id).

    Parameters
    ----------
    labels : array-like
        ``(N,)`` class ids or ``(N, classes)`` one-hot rows.
    scores : array-like
        ``(N, classes)`` probabilities or logits.

    Examples
    --------
    >>> [round(c.auc, 2) for c in roc_curves([0, 1, 2], np.eye(3))]
    [1.0, 1.0, 1.0]
    """
    curves = _curve_inputs(labels, scores, 1, per_class=True, name="roc_curve")
    return _roc(curves, sample_weight, drop_intermediate)


def _pr(curves: list[tuple[int | None, np.ndarray, np.ndarray]], sample_weight: Any) -> list[PrCurve]:
    out = []
    for label, positive, score in curves:
        w = _weights(sample_weight, score.size)
        fps, tps, thresholds = _counts_at_thresholds(positive, score, w)
        predicted = tps + fps
        precision = np.divide(tps, predicted, out=np.zeros_like(tps), where=predicted != 0)
        if tps[-1] > 0:
            recall = tps / tps[-1]
            ap = float(np.sum(np.diff(np.r_[0.0, recall]) * precision))
        else:
            recall = np.full(tps.shape, np.nan)
            ap = float("nan")
        total = tps[-1] + fps[-1]
        prevalence = float(tps[-1] / total) if total > 0 else float("nan")
        out.append(PrCurve(np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1], ap,
                           prevalence, label))
    return out


def pr_curve(labels: Any, scores: Any, *, pos_label: Any = 1, sample_weight: Any = None) -> PrCurve:
    """The precision-recall curve and average precision for binary scores (one return
    type: :class:`PrCurve`; :func:`pr_curves` gives one curve per class).

    Parameters are as for :func:`roc_curve`. Where nothing is predicted positive,
    precision is taken as 1 (the curve's end point, as in scikit-learn). With no
    positive samples, recall and average precision are NaN.

    Examples
    --------
    >>> c = pr_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> round(c.average_precision, 4)
    0.8333
    """
    return _pr(_curve_inputs(labels, scores, pos_label, per_class=False, name="pr_curve"), sample_weight)[0]


def pr_curves(labels: Any, scores: Any, *, sample_weight: Any = None) -> list[PrCurve]:
    """One-vs-rest precision-recall curves, one per class (always a list); parameters
    as for :func:`roc_curves`."""
    return _pr(_curve_inputs(labels, scores, 1, per_class=True, name="pr_curve"), sample_weight)


def as_per_class(result: Any) -> PerClassAccuracy | None:
    """A :class:`PerClassAccuracy` from itself or tfjs-vis's ``[{accuracy, count}]``; else None."""
    if isinstance(result, PerClassAccuracy):
        return result
    if isinstance(result, Sequence) and result and all(
        isinstance(r, Mapping) and {"accuracy", "count"} <= set(r) for r in result
    ):
        return PerClassAccuracy(np.array([float(r["accuracy"]) for r in result]),
                                np.array([float(r["count"]) for r in result]))
    return None
