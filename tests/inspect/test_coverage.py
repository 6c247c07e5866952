"""Every model shape of the coverage matrix: listing, activations, Grad-CAM (+ batch invariance)."""

import models
import numpy as np
import pytest

from nbvis.inspect import Activations, GradCAM, GradCAMPlusPlus, list_layers

# builder, default CAM layer path, output selector, CAM size
MATRIX = {
    "functional": (models.functional, "c2", None, 16),
    "sequential_with_input": (models.sequential_with_input, "c2", None, 14),
    "sequential_built_by_call": (models.sequential_called, "c2", None, 14),
    "nested_in_sequential": (models.nested_in_sequential, "base/c2", None, 16),
    "nested_in_functional": (models.nested_in_functional, "base/c2", None, 16),
    "subclassed": (models.subclassed, "c2", None, 16),
    "multi_input": (models.multi_input, "c2", None, 16),
    "multi_output": (models.multi_output, "c2", "cls", 16),
    "shared_layer": (models.shared_layer, "shared", None, 32),
    "mixed_float16": (models.mixed_float16, "c2", None, 16),
}


def inputs_for(name, n=4, seed=0):
    x = models.images(n, seed)
    if name == "multi_input":
        return [x, np.random.default_rng(seed).random((n, 4)).astype(np.float32)]
    return x


def rows(x, sl):
    return [v[sl] for v in x] if isinstance(x, list) else x[sl]


def weights_digest(model):
    return [w.copy() for w in model.get_weights()]


@pytest.mark.parametrize("name", list(MATRIX))
def test_gradcam_works_and_is_batch_invariant_on_every_model_shape(name):
    build, default_layer, output, size = MATRIX[name]
    model = build()
    before = weights_digest(model)
    x = inputs_for(name)
    cam = GradCAM(model, output=output)
    result = cam.attribute(x)
    maps = result.maps
    assert result.layer.path == default_layer
    assert maps.shape == (4, size, size)
    assert np.isfinite(maps).all() and (maps >= 0).all()
    assert result.scored_on == "logits"  # the softmax was bypassed without touching the model
    alone = cam.attribute(rows(x, slice(2, 3))).maps
    scale = max(float(np.abs(maps[2]).max()), 1e-12)
    assert np.abs(alone[0] - maps[2]).max() <= 1e-5 * scale
    assert GradCAMPlusPlus(model, output=output).attribute(x).maps.shape == maps.shape
    for a, b in zip(before, weights_digest(model)):
        np.testing.assert_array_equal(a, b)
    assert all("call" not in info.layer.__dict__ for info in list_layers(model))


@pytest.mark.parametrize("name", list(MATRIX))
def test_activations_of_every_layer_come_from_one_forward_pass(name):
    build, default_layer, _, _ = MATRIX[name]
    model = build()
    x = inputs_for(name)
    acts = Activations(model).attribute(x)
    assert default_layer in acts
    assert all(v.shape[0] == 4 for v in acts.values())
    leaf = [i for i in list_layers(model) if not i.is_model]
    assert set(k.split("@")[0].split("[")[0] for k in acts) == {i.path for i in leaf}
    if name == "shared_layer":
        # both calls of the shared layer, in call order: the second consumes the first
        assert "shared@1" in acts and not np.allclose(acts["shared"], acts["shared@1"])
    if name == "mixed_float16":
        assert acts["c2"].dtype == np.float16


def test_multi_output_scores_the_chosen_output_and_explains_the_choice():
    model = models.multi_output()
    x = models.images()
    with pytest.raises(ValueError, match="output: the model has 2 outputs"):
        GradCAM(model).attribute(x)
    box = GradCAM(model, output=1)
    assert box.attribute(x, target=2).scored_on == "output"  # a linear head has no squashing to bypass
    with pytest.raises(ValueError, match="no output named 'nope'"):
        GradCAM(model, output="nope").attribute(x)


def test_shared_layer_call_index_picks_which_call_to_explain():
    model = models.shared_layer()
    x = models.images()
    first = GradCAM(model, "shared", call_index=0).attribute(x).maps
    last = GradCAM(model, "shared", call_index=-1).attribute(x).maps
    assert first.shape == last.shape and not np.allclose(first, last)


def test_layer_listing_names_nested_layers_by_path_with_shapes():
    infos = {i.path: i for i in list_layers(models.nested_in_sequential())}
    assert list(infos)[:3] == ["base", "base/c1", "base/c2"]
    assert infos["base"].is_model and infos["base/c2"].kind == "Conv2D"
    assert infos["base/c2"].output_shape == (None, 16, 16, 8)
    assert infos["probs"].output_shape == (None, 3)


def test_subclassed_layer_shapes_come_from_a_sample_forward_pass():
    model = models.subclassed()
    assert {i.path: i.output_shape for i in list_layers(model)}["c2"] is None  # Keras does not know
    shapes = {i.path: i.output_shape for i in list_layers(model, models.images(2))}
    assert shapes["c2"] == (None, 16, 16, 8) and shapes["probs"] == (None, 3)


def test_targets_may_be_tensors():
    import tensorflow as tf

    model = models.functional()
    cam = GradCAM(model)
    a = cam.attribute(models.images(), target=tf.constant([2, 1, 0, 2])).maps
    result = cam.attribute(models.images(), target=[2, 1, 0, 2])
    np.testing.assert_array_equal(a, result.maps)
    np.testing.assert_array_equal(result.targets, [2, 1, 0, 2])


def test_activations_stay_on_the_device_until_a_layer_is_read():
    model = models.functional()
    acts = Activations(model).attribute(models.images(2))
    assert list(acts) == ["c1", "c2", "gap", "hidden", "probs"] and len(acts) == 5
    assert acts._arrays == {}  # nothing copied yet
    c2 = acts["c2"]
    assert isinstance(c2, np.ndarray) and c2.shape == (2, 16, 16, 8)
    assert set(acts._arrays) == {"c2"} and acts["c2"] is c2  # one layer copied, once
    np.testing.assert_array_equal(np.asarray(acts.tensor("c2")), c2)
    assert "LayerActivations({'c1': (2, 32, 32, 8)" in repr(acts)
