"""Each batch's own value from the running means Keras logs (nbvis/show/_batches.py)."""

import math

import numpy as np

from nbvis.show._batches import BatchValues


def running(values, sizes):
    """What Keras logs after each batch: the size-weighted mean since the epoch began."""
    values, sizes = np.asarray(values, float), np.asarray(sizes, float)
    return np.cumsum(values * sizes) / np.cumsum(sizes)


def test_each_batch_is_recovered_from_the_running_means_including_a_smaller_last_batch():
    values, sizes = [4.0, 2.0, 6.0, 1.0], [32, 32, 32, 8]
    batches = BatchValues({"loss"}, batch_size=32, samples=104)
    got = [batches.take(0, k, {"loss": m})["loss"] for k, m in enumerate(running(values, sizes), start=1)]
    np.testing.assert_allclose(got, values, rtol=1e-12)


def test_points_every_few_batches_are_the_mean_of_the_batches_since_the_last_point():
    values, sizes = [4.0, 2.0, 6.0, 1.0, 3.0], [10, 10, 10, 10, 10]
    means = running(values, sizes)
    batches = BatchValues({"loss"}, batch_size=10, samples=50)
    got = [batches.take(0, k, {"loss": means[k - 1]})["loss"] for k in (2, 4, 5)]  # steps_per_execution=2
    np.testing.assert_allclose(got, [3.0, 3.5, 3.0], rtol=1e-12)


def test_without_a_batch_size_batches_count_alike_and_other_names_pass_through():
    batches = BatchValues({"loss"})
    out = [batches.take(0, k, {"loss": m, "auc": 0.5 + k / 10}) for k, m in ((1, 2.0), (2, 1.5))]
    assert [o["loss"] for o in out] == [2.0, 1.0]
    assert [o["auc"] for o in out] == [0.6, 0.7]  # not a mean: as logged


def test_a_new_epoch_starts_from_its_own_first_batch_and_a_non_finite_mean_stays_so():
    batches = BatchValues({"loss"}, batch_size=1)
    assert batches.take(0, 1, {"loss": 2.0})["loss"] == 2.0
    assert batches.take(0, 2, {"loss": 3.0})["loss"] == 4.0
    assert batches.take(1, 1, {"loss": 5.0})["loss"] == 5.0  # Keras reset its means
    assert math.isnan(batches.take(1, 2, {"loss": float("nan")})["loss"])
    assert batches.take(1, 3, {"loss": float("inf")})["loss"] == float("inf")


def test_float32_running_means_give_each_value_to_a_hundred_thousandth():
    # Keras' means are float32 and the recovery scales them by the batch count: after k batches
    # the error is about k * 2 ulp of the mean (45 batches of ~1: ~1e-5); the bound leaves 10x
    values = np.random.default_rng(0).uniform(0.1, 2.0, 45).astype(np.float32)
    means = running(values, [32] * 45).astype(np.float32)
    batches = BatchValues({"loss"}, batch_size=32)
    got = [batches.take(0, i + 1, {"loss": float(m)})["loss"] for i, m in enumerate(means)]
    np.testing.assert_allclose(got, values, atol=1e-4)
