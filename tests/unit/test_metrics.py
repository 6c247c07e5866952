"""nbvis.metrics agrees with scikit-learn, and refuses ambiguous input with clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as sk

from nbvis import metrics


def _multiclass(seed: int, n: int = 400, classes: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    scores = rng.random((n, classes))
    scores[np.arange(n), y] += rng.random(n)  # informative, but far from perfect
    return y, scores / scores.sum(axis=1, keepdims=True)


def _binary(seed: int, n: int = 300, *, ties: bool = True) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    s = rng.random(n) * 0.6 + y * 0.3
    return y, np.round(s, 2) if ties else s  # rounding makes many tied scores


@pytest.mark.parametrize("seed", range(4))
def test_accuracy_argmaxes_probability_and_one_hot_rows_like_sklearn(seed):
    y, scores = _multiclass(seed)
    one_hot = np.eye(5)[y]
    expected = sk.accuracy_score(y, scores.argmax(1))
    assert metrics.accuracy(y, scores) == pytest.approx(expected)
    assert metrics.accuracy(one_hot, scores) == pytest.approx(expected)
    assert metrics.accuracy(y.tolist(), scores.tolist()) == pytest.approx(expected)
    w = np.random.default_rng(seed).random(y.size)
    assert metrics.accuracy(y, scores, sample_weight=w) == pytest.approx(
        sk.accuracy_score(y, scores.argmax(1), sample_weight=w))


def test_binary_scores_are_never_rounded_silently():
    with pytest.raises(ValueError, match=r"predictions: got scores, not class ids.*threshold=0.5"):
        metrics.accuracy([0, 1, 1], [0.2, 0.7, 0.4])
    assert metrics.accuracy([0, 1, 1], [0.2, 0.7, 0.4], threshold=0.5) == pytest.approx(2 / 3)
    # (N, 1) sigmoid outputs are binary scores too
    assert metrics.accuracy([0, 1, 1], [[0.2], [0.7], [0.4]], threshold=0.3) == 1.0


@pytest.mark.parametrize("seed", range(4))
def test_confusion_matrix_matches_sklearn_with_and_without_weights(seed):
    y, scores = _multiclass(seed)
    p = scores.argmax(1)
    m = metrics.confusion_matrix(y, scores)
    assert m.dtype.kind == "i"
    np.testing.assert_array_equal(m, sk.confusion_matrix(y, p))
    w = np.random.default_rng(seed).random(y.size)
    np.testing.assert_allclose(metrics.confusion_matrix(y, p, sample_weight=w),
                               sk.confusion_matrix(y, p, sample_weight=w))


def test_confusion_matrix_infers_or_takes_the_number_of_classes():
    assert metrics.confusion_matrix([0, 2], [2, 2]).shape == (3, 3)
    np.testing.assert_array_equal(metrics.confusion_matrix([0, 2], [2, 2], num_classes=4),
                                  sk.confusion_matrix([0, 2], [2, 2], labels=range(4)))
    with pytest.raises(ValueError, match="num_classes: got 2, but the data has class id 2"):
        metrics.confusion_matrix([0, 2], [2, 2], num_classes=2)


@pytest.mark.parametrize("seed", range(4))
def test_per_class_accuracy_is_per_class_recall(seed):
    y, scores = _multiclass(seed)
    r = metrics.per_class_accuracy(y, scores)
    np.testing.assert_allclose(r.accuracy, sk.recall_score(y, scores.argmax(1), average=None))
    np.testing.assert_array_equal(r.count, np.bincount(y, minlength=5))
    assert r.records()[0] == {"accuracy": pytest.approx(r.accuracy[0]), "count": float(r.count[0])}


def test_a_class_without_samples_has_nan_accuracy_not_zero():
    r = metrics.per_class_accuracy([0, 0, 2], [0, 1, 2])
    assert r.accuracy[0] == 0.5 and np.isnan(r.accuracy[1]) and r.accuracy[2] == 1.0
    assert r.count.tolist() == [2, 0, 1]


@pytest.mark.parametrize("ties", [True, False])
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("drop", [True, False])
def test_roc_curve_and_auc_match_sklearn(seed, ties, drop):
    y, s = _binary(seed, ties=ties)
    c = metrics.roc_curve(y, s, drop_intermediate=drop)
    fpr, tpr, thresholds = sk.roc_curve(y, s, drop_intermediate=drop)
    np.testing.assert_allclose(c.fpr, fpr)
    np.testing.assert_allclose(c.tpr, tpr)
    np.testing.assert_array_equal(c.thresholds, thresholds)
    assert c.auc == pytest.approx(sk.roc_auc_score(y, s))
    assert c.label is None


def test_weighted_and_one_vs_rest_roc_match_sklearn():
    y, s = _binary(7)
    w = np.random.default_rng(7).random(y.size)
    c = metrics.roc_curve(y, s, sample_weight=w)
    assert c.auc == pytest.approx(sk.roc_auc_score(y, s, sample_weight=w))
    y, scores = _multiclass(3)
    curves = metrics.roc_curves(y, scores)
    assert [c.label for c in curves] == [0, 1, 2, 3, 4]
    for c in curves:
        assert c.auc == pytest.approx(sk.roc_auc_score(y == c.label, scores[:, c.label]))
    assert np.mean([c.auc for c in curves]) == pytest.approx(sk.roc_auc_score(y, scores, multi_class="ovr"))
    # one-hot labels give the same curves
    assert [c.auc for c in metrics.roc_curves(np.eye(5)[y], scores)] == [c.auc for c in curves]


@pytest.mark.parametrize("ties", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_pr_curve_and_average_precision_match_sklearn(seed, ties):
    y, s = _binary(seed, ties=ties)
    c = metrics.pr_curve(y, s)
    precision, recall, thresholds = sk.precision_recall_curve(y, s)
    np.testing.assert_allclose(c.precision, precision)
    np.testing.assert_allclose(c.recall, recall)
    np.testing.assert_allclose(c.thresholds, thresholds)
    assert c.average_precision == pytest.approx(sk.average_precision_score(y, s))
    assert c.prevalence == pytest.approx(y.mean())
    w = np.random.default_rng(seed).random(y.size)
    assert metrics.pr_curve(y, s, sample_weight=w).average_precision == pytest.approx(
        sk.average_precision_score(y, s, sample_weight=w))


def test_one_vs_rest_average_precision_matches_sklearn_per_class():
    y, scores = _multiclass(5)
    for c in metrics.pr_curves(y, scores):
        assert c.average_precision == pytest.approx(sk.average_precision_score(y == c.label, scores[:, c.label]))


def test_pos_label_picks_the_positive_class_of_string_labels():
    y = np.array(["cat", "dog", "dog", "cat", "dog"])
    s = np.array([0.1, 0.8, 0.6, 0.7, 0.9])
    assert metrics.roc_curve(y, s, pos_label="dog").auc == pytest.approx(sk.roc_auc_score(y == "dog", s))


def test_a_curve_without_positives_is_nan_like_sklearn_not_an_error():
    c = metrics.roc_curve([0, 0, 0], [0.1, 0.2, 0.3])
    assert np.isnan(c.auc) and np.all(np.isnan(c.tpr))
    assert np.isnan(metrics.pr_curve([0, 0, 0], [0.1, 0.2, 0.3]).average_precision)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: metrics.accuracy([0, 1], [0, 1, 1]), "labels and predictions: expected the same number of samples, got 2 and 3"),
        (lambda: metrics.accuracy([], []), "labels: expected at least one sample"),
        (lambda: metrics.accuracy([0, -1], [0, 1]), "labels: class ids must be ≥ 0, got -1"),
        (lambda: metrics.accuracy(["a", "b"], [0, 1]), "labels: expected numbers"),
        (lambda: metrics.accuracy([[0, 1], [1]], [0, 1]), "labels: expected a rectangular list"),
        (lambda: metrics.accuracy(np.zeros((2, 2, 2)), [0, 1]), r"labels: expected class ids \(N,\).*got shape \(2, 2, 2\)"),
        (lambda: metrics.accuracy([0, 1], [[0.2, np.nan], [0.5, 0.5]]), "predictions: NaN or infinite class scores"),
        (lambda: metrics.confusion_matrix([0, 1], [0, 1], sample_weight=[1.0]), r"sample_weight: expected one weight per sample \(2\), got 1"),
        (lambda: metrics.confusion_matrix([0, 1], [0, 1], sample_weight=[1.0, -1]), "sample_weight: expected finite, non-negative"),
        (lambda: metrics.confusion_matrix([0, 1], [0, 1], num_classes=0), "num_classes: expected a positive whole number"),
        (lambda: metrics.roc_curve([0, 1], [0.2, np.nan]), "scores: expected finite scores"),
        (lambda: metrics.roc_curves([0, 1, 2], np.ones((3, 2))), r"labels: class id 2 has no column in scores of shape \(3, 2\)"),
        (lambda: metrics.roc_curve([0, 1, 2], np.ones((3, 2))), r"scores: roc_curve\(\) takes \(N,\) binary scores, got shape \(3, 2\); use roc_curves\(\)"),
        (lambda: metrics.pr_curves([0, 1], [0.1, 0.2]), r"scores: pr_curves\(\) takes \(N, classes\) class scores"),
        (lambda: metrics.pr_curve([0, 1], [0.1, 0.2, 0.3]), "labels and scores: expected the same number of samples, got 2 and 3"),
    ],
)
def test_bad_input_names_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_tensors_and_pandas_are_accepted():
    tf = pytest.importorskip("tensorflow")
    pd = pytest.importorskip("pandas")
    y, scores = _multiclass(1, n=50)
    assert metrics.accuracy(tf.constant(y), tf.constant(scores)) == metrics.accuracy(pd.Series(y), scores)
