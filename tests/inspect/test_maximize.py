"""Activation maximisation: batched, clipped at every step, seeded, actually maximising."""

import models
import numpy as np
import pytest
import tensorflow as tf

from nbvis.inspect import Activations, MaximizeActivation, maximize_activation


def test_many_filters_are_optimised_in_one_batch_and_their_activation_rises():
    model = models.functional()
    result = maximize_activation(model, "c2", range(8), steps=40)
    assert result.images.shape == (8, 32, 32, 3)
    np.testing.assert_array_equal(result.filters, np.arange(8))
    start = np.random.default_rng(0).uniform(0.45, 0.55, (8, 32, 32, 3)).astype(np.float32)
    before = Activations(model, "c2").attribute(start)["c2"].mean(axis=(1, 2))
    after = Activations(model, "c2").attribute(result.images)["c2"].mean(axis=(1, 2))
    diagonal = np.arange(8)
    assert (after[diagonal, diagonal] > before[diagonal, diagonal]).mean() >= 0.75
    assert result.device in ("CPU:0", "GPU:0")


def test_images_stay_inside_the_valid_range_at_every_step():
    model = models.functional()
    opt = MaximizeActivation(model, "c2")
    x = tf.constant(np.full((2, 32, 32, 3), 0.5, np.float32))
    huge = tf.constant(100.0)
    rng = np.random.default_rng(0)
    for _ in range(3):
        move = tf.constant(opt.transform(rng, 2, np.array([1.0, 1.05]), 2))
        x, _ = opt._step("step", x, tf.constant([0, 1]), move, huge, tf.constant([-1.0, 2.0]))
        assert float(tf.reduce_min(x)) >= -1.0 and float(tf.reduce_max(x)) <= 2.0
    result = opt.attribute([0, 1], steps=5, learning_rate=10.0, input_range=(-1.0, 2.0))
    assert result.images.min() >= -1.0 and result.images.max() <= 2.0


def test_same_seed_same_images_other_seed_other_images():
    model = models.functional()
    a = maximize_activation(model, "c2", [0, 3], steps=6, seed=7).images
    b = maximize_activation(model, "c2", [0, 3], steps=6, seed=7).images
    c = maximize_activation(model, "c2", [0, 3], steps=6, seed=8).images
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_dense_units_can_be_maximised_too():
    result = maximize_activation(models.functional(), "hidden", [0, 5], steps=5)
    assert result.images.shape == (2, 32, 32, 3) and result.activations.shape == (2,)


def test_progress_hook_reports_steps_and_steps_do_not_retrace():
    opt = MaximizeActivation(models.functional(), "c2")
    seen = []
    opt.attribute([0, 1, 2], steps=10, progress=lambda done, total: seen.append((done, total)), progress_every=4)
    assert seen == [(4, 10), (8, 10), (10, 10)]
    assert opt.tracing_count == 1


@pytest.mark.parametrize(
    ("filters", "kwargs", "error", "pattern"),
    [
        ([8], {}, ValueError, r"filters: 'c2' has 8 filters \(0..7\), got \[8\]"),
        ([], {}, TypeError, r"filters: expected filter indices"),
        ([0], {"steps": 0}, ValueError, r"steps: expected a positive int"),
        ([0], {"input_range": (1, 0)}, ValueError, r"input_range: expected \(low, high\)"),
    ],
)
def test_bad_arguments_get_a_clear_error(filters, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        maximize_activation(models.functional(), "c2", filters, **kwargs)


def test_models_without_a_declared_input_shape_ask_for_one():
    with pytest.raises(ValueError, match="input_shape"):
        MaximizeActivation(models.subclassed(), "c2")
    result = maximize_activation(models.subclassed(), "c2", [1], steps=2, input_shape=models.SHAPE)
    assert result.images.shape == (1, 32, 32, 3)


def test_forward_pass_stops_at_the_layer_inside_a_nested_model():
    model = models.nested_in_sequential()
    opt = MaximizeActivation(model, "base/c1")
    result = opt.attribute([0, 2], steps=8)
    acts = Activations(model, "base/c1").attribute(result.images)["base/c1"].mean(axis=(1, 2))
    np.testing.assert_allclose(result.activations, acts[[0, 1], [0, 2]], rtol=1e-5)  # of the images returned
    assert all("call" not in layer.__dict__ for layer in model.layers[0].layers)


def test_a_memory_budget_splits_the_filters_and_gives_the_same_images():
    model = models.functional()
    opt = MaximizeActivation(model, "c2")
    whole = opt.attribute(range(6), steps=5, seed=3)
    budget = opt.attribute(range(6), steps=5, seed=3, batch_size=4)  # 4 + 2 filters
    np.testing.assert_allclose(budget.images, whole.images, atol=1e-5)
    np.testing.assert_allclose(budget.activations, whole.activations, rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError, match=r"batch_size: expected a positive int or None, got 0"):
        opt.attribute([0], steps=1, batch_size=0)
