"""The Inspector widget, kernel side: payloads, paging, normalisation, dense layers, errors."""

import keras
import models
import numpy as np
import pytest

from nbvis.inspect import Activations, inspect

L = keras.layers


def wide_model(channels=160):
    i = keras.Input(models.SHAPE)
    x = L.Conv2D(64, 3, padding="same", activation="relu", name="c64")(i)
    x = L.Conv2D(channels, 3, padding="same", strides=2, activation="relu", name="wide")(x)
    x = L.GlobalAveragePooling2D()(x)
    x = L.Dense(12, activation="relu", name="hidden")(x)
    return keras.Model(i, L.Dense(3, activation="softmax", name="probs")(x))


def test_a_64_channel_layer_travels_as_one_uint8_atlas_under_1_mb(comms):
    w = inspect(wide_model(), models.images(4))
    assert w.layer == "c64"
    grid = w._grid
    assert grid["kind"] == "conv" and grid["n"] == 64 and grid["pages"] == 1
    assert grid["data"].nbytes == 64 * grid["tile_h"] * grid["tile_w"] <= 1_000_000
    acts = Activations(w.model, "c64").attribute(models.images(4)[:1])["c64"][0]
    np.testing.assert_allclose(grid["means"], acts.mean(axis=(0, 1)), rtol=1e-5)


def test_layers_with_hundreds_of_channels_are_paged(comms):
    w = inspect(wide_model(160), models.images(2))
    w.layer = "wide"
    assert (w._grid["pages"], w._grid["n"], w._grid["first"]) == (3, 64, 0)
    w.page = 2
    assert (w._grid["n"], w._grid["first"], w._grid["channels"]) == (32, 128, 160)


def test_per_tile_normalisation_stretches_every_tile(comms):
    w = inspect(wide_model(), models.images(2))
    shared = np.frombuffer(w._grid["data"], np.uint8).reshape(64, -1)
    w.per_tile = True
    own = np.frombuffer(w._grid["data"], np.uint8).reshape(64, -1)
    live = own.max(axis=1) > 0
    assert (own.max(axis=1)[live] == 255).all()
    assert (shared.max(axis=1) < 255).sum() > 0 and not np.array_equal(shared, own)


def test_dense_layers_show_unit_activations(comms):
    w = inspect(wide_model(), models.images(2))
    w.layer = "hidden"
    acts = Activations(w.model, "hidden").attribute(models.images(2)[:1])["hidden"][0]
    assert w._grid["kind"] == "dense" and w._grid["n"] == 12
    np.testing.assert_allclose(w._grid["values"], acts, rtol=1e-5)


def test_predictions_and_cam_follow_the_chosen_image_and_class(comms):
    model = models.functional()
    x = models.images(5)
    w = inspect(model, x, class_names=["zero", "one", "two"])
    probs = model.predict(x, verbose=0)
    w.image = 3
    assert [p["index"] for p in w._preds] == list(np.argsort(-probs[3])[:3])
    assert w._preds[0]["name"] == ["zero", "one", "two"][int(np.argmax(probs[3]))]
    assert w._cam["image"] == 3 and w._cam["target"] == int(np.argmax(probs[3]))
    w.target = 1
    assert w._cam["target"] == 1 and w._cam["data"].nbytes == 32 * 32 * 3


def test_errors_are_shown_inside_the_widget_and_it_keeps_working(comms):
    w = inspect(models.functional(), models.images(2))
    w.layer = "no_such_layer"
    assert w._status["state"] == "error" and "no layer 'no_such_layer'" in w._status["message"]
    w.layer = "c2"
    assert w._status["state"] == "idle" and w._grid["layer"] == "c2"
    assert w._status["device"] in ("CPU:0", "GPU:0") and "feature maps" in w._status["ms"]


def test_keras_applications_models_use_the_same_path_offline_with_random_weights(comms):
    # With internet, weights="imagenet" downloads the weights; nothing else changes.
    model = keras.applications.MobileNetV2(weights=None, input_shape=(96, 96, 3), classes=5)
    w = inspect(model, np.random.default_rng(0).random((2, 96, 96, 3)).astype("float32"))
    assert w._grid["kind"] == "conv" and w._cam["layer"] == "out_relu"
    assert any(layer["path"] == "block_16_project" for layer in w._layers)


def test_bad_images_are_refused_with_a_clear_error():
    with pytest.raises(ValueError, match=r"images: expected a batch \(N, H, W\[, C\]\)"):
        inspect(models.functional(), np.zeros((32, 32)))


def test_nbvis_inspect_is_callable_and_shows_true_labels_and_colour_maps(comms):
    import nbvis
    from nbvis.inspect.widget import Inspector

    w = nbvis.inspect(models.functional(), models.images(3), labels=[2, 0, 1], class_names=["a", "b", "<c>"])
    assert isinstance(w, Inspector) and w._labels == ["<c>", "a", "b"]
    jet = bytes(w._cam["data"])
    w.cmap = "viridis"
    assert bytes(w._cam["data"]) != jet and w._cam["image"] == 0
    with pytest.raises(ValueError, match="labels: got 2 labels for 3 images"):
        nbvis.inspect(models.functional(), models.images(3), labels=[0, 1])


def test_every_method_can_be_chosen_and_its_map_is_the_engines(comms):
    from nbvis.inspect import normalize, upsample
    from nbvis.inspect.widget import METHODS, SLOW

    model = models.functional()
    x = models.images(3)
    w = inspect(model, x)
    w.image, w.target = 2, 1
    for name in METHODS:
        statuses = []
        w.observe(lambda change, statuses=statuses: statuses.append(change["new"]), names="_status")
        w.method = name
        w.unobserve_all("_status")
        assert w._status["state"] == "idle", w._status
        assert w._cam["method"] == name and w._cam["target"] == 1 and w._cam["image"] == 2
        result = METHODS[name](model).attribute(x[2:3], target=[1])
        expected = normalize(upsample(np.abs(result.maps), (32, 32)) if result.maps.shape[1] != 32 else np.abs(result.maps))
        np.testing.assert_allclose(w.attribution(2, 1, name)[0], expected[0], atol=1e-5)
        assert w._cam["layer"] == ("input" if name in ("Saliency", "SmoothGrad", "Integrated Gradients") else "c2")
        progress = [s.get("progress") for s in statuses if s.get("state") == "computing" and s.get("progress") is not None]
        if name in SLOW:
            assert progress and progress[-1] == 1.0, (name, progress)  # a progress bar for the slow ones
        else:
            assert progress == [], name


def test_maps_are_cached_per_image_class_and_method(comms):
    w = inspect(models.functional(), models.images(2))
    w.method = "Score-CAM"
    cached = w.attribution(w.image, w.target, "Score-CAM")
    w.method = "Grad-CAM"
    w.method = "Score-CAM"  # back: served from the cache
    assert w.attribution(w.image, w.target, "Score-CAM") is cached
    w.image = 1
    assert w.attribution(1, -1, "Score-CAM") is not cached and len(w._maps) == 3  # 2 for image 0, 1 for image 1


def test_the_inspector_leaves_a_picture_of_its_view_with_names_as_text(comms):
    import base64
    import re

    w = inspect(models.functional(), models.images(2), class_names=["<b>zero</b>", "one", "two"])
    w.method, w.target = "Layer-CAM", 0
    picture = w.picture_html()
    assert "Layer-CAM of &lt;b&gt;zero&lt;/b&gt; (layer c2), image 0" in picture and "<b>zero</b>" not in picture
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', picture)
    assert len(images) == 2  # the overlay and the feature maps
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    bundle = w._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data and "nbvis-static" in data["text/html"]


def test_an_error_stays_shown_until_its_own_task_succeeds(comms):
    w = inspect(models.functional(), models.images(2))
    w.layer = "no_such_layer"
    w.target = 2  # another task succeeds meanwhile: the feature maps' error is still shown
    assert w._cam["target"] == 2
    assert w._status["state"] == "error" and "no layer 'no_such_layer'" in w._status["message"]
    w.layer = "c1"
    assert w._status["state"] == "idle" and w._status["errors"] == {}
