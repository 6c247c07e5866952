"""The attribution methods: agreement with tf-keras-vis, batch invariance, compilation, errors."""

import keras
import models
import numpy as np
import pytest
from tf_keras_vis.layercam import Layercam
from tf_keras_vis.saliency import Saliency as TfkvSaliency
from tf_keras_vis.scorecam import Scorecam
from tf_keras_vis.utils.model_modifiers import ReplaceToLinear
from tf_keras_vis.utils.scores import CategoricalScore

from nbvis.inspect import (
    AttributionResult,
    CAMResult,
    GradCAM,
    IntegratedGradients,
    LayerCAM,
    Saliency,
    ScoreCAM,
    SmoothGrad,
)

TARGETS = [0, 1, 2, 1]


def relative(ours, theirs):
    return float(np.abs(ours - theirs).max() / np.abs(theirs).max())


@pytest.fixture(scope="session")  # once per worker: xdist interleaves other modules' tests
def model():
    keras.utils.set_random_seed(1)
    return models.functional()


@pytest.fixture(scope="session")
def x():
    return models.images(4, seed=3)


def tfkv(kind, model):
    return kind(model, model_modifier=ReplaceToLinear(), clone=True)  # its documented logits recipe


def test_layercam_agrees_with_tf_keras_vis(model, x):
    ours = LayerCAM(model, "c2").attribute(x, target=TARGETS).maps
    theirs = tfkv(Layercam, model)(CategoricalScore(TARGETS), x, penultimate_layer="c2", expand_cam=False,
                                   normalize_cam=False)
    assert relative(ours, theirs) <= 1e-5


def test_scorecam_agrees_with_tf_keras_vis_where_no_upsampling_is_needed(model, x):
    ours = ScoreCAM(model, "c1", batch_size=48).attribute(x, target=TARGETS).maps
    theirs = tfkv(Scorecam, model)(CategoricalScore(TARGETS), x, penultimate_layer="c1", expand_cam=False,
                                   normalize_cam=False)
    assert relative(ours, theirs) <= 1e-5


def test_scorecam_at_a_coarser_layer_differs_from_tf_keras_vis_only_by_how_masks_are_upsampled(model, x):
    # tf-keras-vis upsamples the masks with scipy's zoom(order=1), which aligns the corner
    # pixels; nbvis uses half-pixel centres, as its Grad-CAM pictures and the Score-CAM
    # authors' code (F.interpolate, align_corners=False) do. At 16 -> 32 the two grids are
    # a quarter-pixel apart: the maps differ by a few 1e-3, not by a method.
    ours = ScoreCAM(model, "c2").attribute(x, target=TARGETS).maps
    theirs = tfkv(Scorecam, model)(CategoricalScore(TARGETS), x, penultimate_layer="c2", expand_cam=False,
                                   normalize_cam=False)
    assert 1e-5 < relative(ours, theirs) <= 1e-2


@pytest.mark.parametrize("use_abs", [True, False])
def test_saliency_agrees_with_tf_keras_vis(model, x, use_abs):
    ours = Saliency(model, abs=use_abs).attribute(x, target=TARGETS)
    modifier = (lambda g: keras.ops.abs(g)) if use_abs else None
    theirs = tfkv(TfkvSaliency, model)(CategoricalScore(TARGETS), x, normalize_map=False, keepdims=True,
                                       gradient_modifier=modifier)
    theirs = np.asarray(theirs)  # kept channels come back as a tensor
    assert relative(ours.attributions, theirs) <= 1e-5
    reduced = theirs.max(axis=-1) if use_abs else theirs.sum(axis=-1)
    assert relative(ours.maps, reduced) <= 1e-5


def test_smoothgrad_agrees_with_tf_keras_vis_with_the_same_seed(model, x):
    # per image: nbvis gives every image of a batch the same draws (batch invariance),
    # tf-keras-vis draws one block for the batch; for a single image they coincide
    for i, target in enumerate(TARGETS):
        one = x[i : i + 1]
        ours = SmoothGrad(Saliency(model), samples=8, noise=0.2, seed=5).attribute(one, target=target).maps
        np.random.seed(5)  # tf-keras-vis draws its noise from numpy's global generator
        theirs = tfkv(TfkvSaliency, model)(CategoricalScore([target]), one, smooth_samples=8, smooth_noise=0.2,
                                           normalize_map=False)
        assert relative(ours, theirs) <= 1e-5
    other_seed = SmoothGrad(Saliency(model), samples=8, noise=0.2, seed=6).attribute(one, target=target).maps
    assert relative(other_seed, theirs) > 1e-3


def methods(model):
    return {
        "layercam": LayerCAM(model),
        "scorecam": ScoreCAM(model, batch_size=16),
        "saliency": Saliency(model, batch_size=4),
        "integrated": IntegratedGradients(model, steps=8, batch_size=16),
        "smoothgrad": SmoothGrad(Saliency(model, batch_size=8), samples=4, seed=1),
        "smooth_gradcam": SmoothGrad(GradCAM(model), samples=3, seed=1),
    }


@pytest.mark.parametrize("name", list(methods(models.functional())))
def test_a_samples_map_does_not_depend_on_its_batch_mates(model, name):
    method = methods(model)[name]
    x = models.images(6, seed=4)
    batch = method.attribute(x).maps
    for i in (0, 5):
        alone = method.attribute(x[i : i + 1]).maps[0]
        assert np.abs(alone - batch[i]).max() <= 1e-5 * max(np.abs(batch[i]).max(), 1e-12), name


@pytest.mark.parametrize("name", ["layercam", "scorecam", "saliency", "integrated", "smoothgrad"])
def test_switching_image_or_class_does_not_retrace(model, name):
    method = methods(model)[name]
    method.attribute(models.images(4, seed=1), target=[0, 1, 2, 0])
    traced = method.tracing_count
    method.attribute(models.images(4, seed=2), target=1)
    method.attribute(models.images(4, seed=3), target=[2, 2, 1, 0])
    assert method.tracing_count == traced


def test_results_say_what_they_explain(model, x):
    cam = ScoreCAM(model, "c2").attribute(x, target=2)
    assert isinstance(cam, CAMResult) and cam.layer.path == "c2" and cam.targets.tolist() == [2] * 4
    assert cam.scored_on == "logits" and cam.maps.shape == (4, 16, 16) and (cam.maps >= 0).all()
    sal = Saliency(model).attribute(x)
    assert isinstance(sal, AttributionResult) and sal.attributions.shape == x.shape and sal.maps.shape == (4, 32, 32)
    np.testing.assert_array_equal(sal.targets, model.predict(x, verbose=0).argmax(-1))
    ig = IntegratedGradients(model, steps=8).attribute(x, target=1)
    assert ig.delta.shape == (4,) and ig.maps.shape == (4, 32, 32)
    smooth = SmoothGrad(IntegratedGradients(model, steps=4), samples=2).attribute(x, target=1)
    assert smooth.delta is None and smooth.attributions.shape == x.shape


def test_progress_is_reported_for_the_slow_methods(model, x):
    for method in (ScoreCAM(model, batch_size=16), IntegratedGradients(model, steps=8, batch_size=8),
                   SmoothGrad(Saliency(model, batch_size=8), samples=6)):
        seen = []
        method.attribute(x, target=1, progress=lambda done, total, seen=seen: seen.append((done, total)))
        assert len(seen) >= 2 and seen[-1][0] == seen[-1][1], (type(method).__name__, seen)
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_integrated_gradients_take_a_baseline(model, x):
    grey = IntegratedGradients(model, baseline=0.5, steps=16).attribute(x, target=0)
    same = IntegratedGradients(model, baseline=np.full(x.shape[1:], 0.5), steps=16).attribute(x, target=0)
    np.testing.assert_allclose(grey.attributions, same.attributions, rtol=1e-6, atol=1e-8)
    black = IntegratedGradients(model, steps=16).attribute(x, target=0)
    assert np.abs(grey.attributions - black.attributions).max() > 1e-4


@pytest.mark.parametrize(
    ("make", "error", "pattern"),
    [
        (lambda m: IntegratedGradients(m, steps=0), ValueError, r"steps: expected a positive int, got 0"),
        (lambda m: IntegratedGradients(m, baseline=np.zeros((5, 5))).attribute(models.images()), ValueError,
         r"baseline: expected a number, one input's shape \(32, 32, 3\) or the batch's"),
        (lambda m: ScoreCAM(m, batch_size=0), ValueError, r"batch_size: expected a positive int, got 0"),
        (lambda m: SmoothGrad(m), TypeError, r"method: expected an nbvis.inspect method"),
        (lambda m: SmoothGrad(Saliency(m), samples=0), ValueError, r"samples: expected a positive int"),
        (lambda m: SmoothGrad(Saliency(m), noise=-1), ValueError, r"noise: expected a number >= 0"),
        (lambda m: Saliency(m).attribute(models.images(), target=9), ValueError,
         r"target: class 9 is out of range for 3 classes"),
        (lambda m: ScoreCAM(m).attribute(models.images(), target=[1, 2]), ValueError,
         r"target: expected one class or 4"),
        (lambda m: LayerCAM(m).attribute(models.images(), target=-2), ValueError,
         r"target: class indices must be >= 0"),
    ],
)
def test_bad_arguments_get_a_clear_error(model, make, error, pattern):
    with pytest.raises(error, match=pattern):
        make(model)


def test_input_space_methods_explain_why_a_multi_input_model_is_refused():
    model = models.multi_input()
    x = [models.images(2), np.zeros((2, 4), np.float32)]
    with pytest.raises(ValueError, match=r"x: Saliency explains a single-input model; this one takes 2 inputs"):
        Saliency(model).attribute(x)
    assert LayerCAM(model).attribute(x).maps.shape == (2, 16, 16)  # the CAMs handle it


def test_results_convert_like_their_main_array_and_say_what_they_hold(model, x):
    from nbvis.inspect import Activations, MaximizeActivation

    cam = GradCAM(model, "c2").attribute(x, target=1)
    np.testing.assert_array_equal(np.asarray(cam), cam.maps)  # Captum's users write this
    assert np.asarray(cam, dtype=np.float64).dtype == np.float64
    assert "maps=array(4, 16, 16) float32" in repr(cam) and "np.asarray gives .maps" in repr(cam)
    sal = Saliency(model).attribute(x)
    np.testing.assert_array_equal(np.asarray(sal), sal.attributions)
    assert "attributions=array(4, 32, 32, 3) float32" in repr(sal) and "delta=None" in repr(sal)
    one = Activations(model, ["c1"]).attribute(x)
    np.testing.assert_array_equal(np.asarray(one), one["c1"])
    both = Activations(model, ["c1", "c2"]).attribute(x)
    with pytest.raises(TypeError, match=r"LayerActivations holds 2 layers, so it is no single array; take one by path: result\['c1'\]"):
        np.asarray(both)
    best = MaximizeActivation(model, "c2").attribute([0, 1], steps=2)
    assert np.asarray(best).shape == best.images.shape == (2, 32, 32, 3)
    assert "filters=array(2,) int" in repr(best)


def test_every_method_and_layer_made_in_a_row_prints_no_tensorflow_retracing_warning():
    # each compiles its own functions once; TensorFlow counted them as one function retracing
    # (they shared one closure's code) and printed its warning into the notebook after five
    import logging

    import tensorflow as tf

    from nbvis.datasets import shapes, shapes_cnn
    from nbvis.inspect import GradCAMPlusPlus

    cnn, test = shapes_cnn(), shapes(4, seed=2)
    messages: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
    tf.get_logger().addHandler(handler)
    try:
        for method in (GradCAM(cnn), LayerCAM(cnn), ScoreCAM(cnn), SmoothGrad(Saliency(cnn), samples=4, seed=0),
                       IntegratedGradients(cnn, steps=8), GradCAMPlusPlus(cnn), GradCAM(cnn, "conv2"),
                       GradCAM(cnn, "conv3")):
            method.attribute(test.images, target=test.labels)
    finally:
        tf.get_logger().removeHandler(handler)
    assert not [m for m in messages if "retracing" in m], messages
