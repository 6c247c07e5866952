"""Grad-CAM maths: float64 reference, alignment, compilation, errors, helpers."""

import keras
import models
import numpy as np
import pytest
import tensorflow as tf

from nbvis.inspect import GradCAM, GradCAMPlusPlus, colorize, list_layers, normalize, overlay, upsample

L = keras.layers


def reference_cams(model, x, target, plus_plus=False):
    """Grad-CAM in float64, eagerly, on a hand-split copy of models.functional() (logits)."""
    w = {layer.name: layer.get_weights() for layer in model.layers}
    i = keras.Input(models.SHAPE, dtype="float64")
    c1 = L.Conv2D(8, 3, padding="same", activation="relu", dtype="float64")
    c2 = L.Conv2D(8, 3, padding="same", strides=2, activation="relu", dtype="float64")
    features = keras.Model(i, c2(c1(i)))
    j = keras.Input((16, 16, 8), dtype="float64")
    hidden = L.Dense(8, activation="relu", dtype="float64")
    logits = L.Dense(3, dtype="float64")  # the softmax removed: score on the logit
    head = keras.Model(j, logits(hidden(L.GlobalAveragePooling2D(dtype="float64")(j))))
    c1.set_weights(w["c1"]), c2.set_weights(w["c2"]), hidden.set_weights(w["hidden"]), logits.set_weights(w["probs"])
    a = tf.constant(features(x.astype(np.float64)).numpy())
    with tf.GradientTape() as tape:
        tape.watch(a)
        score = tf.gather(head(a), target, batch_dims=1)
    g = tape.gradient(score, a).numpy()
    a = a.numpy()
    if plus_plus:
        g2, g3 = g**2, g**3
        den = 2 * g2 + a.sum(axis=(1, 2), keepdims=True) * g3
        alpha = g2 / np.where(den != 0, den, 1)
        weights = (alpha * np.maximum(g, 0)).sum(axis=(1, 2), keepdims=True)
    else:
        weights = g.mean(axis=(1, 2), keepdims=True)
    return np.maximum((weights * a).sum(-1), 0)


@pytest.mark.parametrize("method", [GradCAM, GradCAMPlusPlus])
def test_maps_equal_a_float64_reference_at_cam_resolution(method):
    model = models.functional()
    x = models.images(6, seed=3)
    target = np.array([0, 1, 2, 2, 1, 0])
    ours = method(model, "c2").attribute(x, target=target).maps
    ref = reference_cams(model, x, target, plus_plus=method is GradCAMPlusPlus)
    assert ours.shape == ref.shape == (6, 16, 16)
    scale = np.abs(ref).max(axis=(1, 2), keepdims=True)
    assert (ref.max(axis=(1, 2)) > 0).all()
    assert (np.abs(ours - ref) <= 1e-5 * scale + 1e-12).all()


def test_a_sample_map_does_not_depend_on_its_batch_mates():
    model = models.functional()
    x = models.images(16, seed=5)
    cam = GradCAM(model)
    batch = cam.attribute(x).maps
    for i in (0, 7, 15):
        alone = cam.attribute(x[i : i + 1]).maps[0]
        assert np.abs(alone - batch[i]).max() <= 1e-5 * max(np.abs(batch[i]).max(), 1e-12)


@pytest.mark.parametrize("stride", [4, 8, 16, 32])
def test_upsampling_uses_half_pixel_centres(stride):
    n = 7
    for i, j in [(0, 0), (3, 5), (6, 6), (2, 0)]:
        cam = np.zeros((1, n, n), np.float32)
        cam[0, i, j] = 1
        up = upsample(cam, (n * stride, n * stride))[0]
        r, c = np.unravel_index(np.argmax(up), up.shape)
        assert stride * i <= r < stride * (i + 1) and stride * j <= c < stride * (j + 1), (stride, i, j, r, c)
        # and symmetric around the cell centre: no half-stride shift
        centre = stride * (i + 0.5) - 0.5, stride * (j + 0.5) - 0.5
        rows, cols = np.indices(up.shape)
        mass = up.sum()
        if 0 < i < n - 1 and 0 < j < n - 1:
            assert abs((rows * up).sum() / mass - centre[0]) < 1e-3 * stride
            assert abs((cols * up).sum() / mass - centre[1]) < 1e-3 * stride


def test_switching_image_or_class_does_not_retrace():
    model = models.functional()
    cam = GradCAM(model)
    x = models.images(4)
    cam.attribute(x)
    traced = cam.tracing_count
    cam.attribute(models.images(4, seed=9))
    cam.attribute(x, target=2)
    cam.attribute(x, target=[0, 1, 2, 0])
    cam.attribute(x, target=np.array([2, 2, 1, 0]))
    assert cam.tracing_count == traced == 1


def test_default_target_is_each_samples_top_class():
    model = models.functional()
    x = models.images(8, seed=2)
    result = GradCAM(model).attribute(x)
    np.testing.assert_array_equal(result.targets, model.predict(x, verbose=0).argmax(-1))


def test_probability_score_is_available_when_asked_for():
    model = models.functional()
    assert GradCAM(model, logits=False).attribute(models.images()).scored_on == "output"


def test_attribute_keeps_no_state_on_the_object_and_returns_what_it_computed():
    model = models.functional()
    cam = GradCAM(model, "c2")
    before = {k: v for k, v in vars(cam).items() if k != "_fn"}
    result = cam.attribute(models.images(4, seed=3), target=[0, 1, 2, 0])
    assert {k: v for k, v in vars(cam).items() if k != "_fn"} == before
    assert result.layer.path == "c2" and result.targets.tolist() == [0, 1, 2, 0]
    assert result.maps.shape[0] == 4 and result.device in ("CPU:0", "GPU:0")


@pytest.mark.parametrize(
    ("target", "error", "pattern"),
    [
        (7, ValueError, r"target: class 7 is out of range for 3 classes"),
        ([0, 1], ValueError, r"target: expected one class or 4 \(one per sample\), got shape \(2,\)"),
        (-1, ValueError, r"target: class indices must be >= 0"),
        ("cat", TypeError, r"target: expected class indices"),
    ],
)
def test_bad_targets_get_a_clear_error(target, error, pattern):
    with pytest.raises(error, match=pattern):
        GradCAM(models.functional()).attribute(models.images(), target=target)


def test_model_without_a_spatial_layer_explains_why_cam_cannot_apply():
    model = keras.Sequential([keras.Input((10,)), L.Dense(4, activation="relu"), L.Dense(2, activation="softmax")])
    with pytest.raises(ValueError, match="no layer with a spatial .* class activation map cannot be computed"):
        GradCAM(model).attribute(np.zeros((2, 10), np.float32))


def test_unknown_layer_name_suggests_close_matches():
    with pytest.raises(ValueError, match=r"no layer 'base/c3'.*Did you mean \['base/c2'"):
        GradCAM(models.nested_in_sequential(), "base/c3")


def test_layers_resolve_by_path_name_object_and_index():
    model = models.nested_in_sequential()
    infos = list_layers(model)
    by_object = GradCAM(model, model.layers[0].layers[2]).layer
    assert GradCAM(model, "base/c2").layer == GradCAM(model, "c2").layer == by_object
    assert GradCAM(model, 2).layer == infos[2] and GradCAM(model, -1).layer == infos[-1]


def test_all_zero_maps_normalise_to_zero_not_nan():
    maps = normalize(np.zeros((2, 4, 4)))
    assert np.isfinite(maps).all() and (maps == 0).all()
    scaled = normalize(np.array([[[1.0, 3.0], [2.0, 5.0]]]))
    assert scaled.min() == 0 and scaled.max() == pytest.approx(1.0)


def test_colorize_and_overlay_make_uint8_rgb_images():
    maps = np.linspace(0, 1, 16, dtype=np.float32).reshape(1, 4, 4)
    rgb = colorize(maps, "jet")
    assert rgb.dtype == np.uint8 and rgb.shape == (1, 4, 4, 3)
    assert tuple(rgb[0, 0, 0]) == (0, 0, 128) and tuple(rgb[0, -1, -1]) == (128, 0, 0)  # jet ends
    blended = overlay(np.zeros((1, 4, 4, 1), np.float32), maps, alpha=0.5)
    assert blended.shape == (1, 4, 4, 3) and blended.dtype == np.uint8
    with pytest.raises(ValueError, match="upsample first"):
        overlay(np.zeros((1, 8, 8, 3)), maps)
    with pytest.raises(ValueError, match="cmap: expected one of"):
        colorize(maps, "rainbow")
