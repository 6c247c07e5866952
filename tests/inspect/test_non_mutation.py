"""The user's model is left exactly as it was, even when an exception is raised midway."""

import hashlib

import keras
import models
import numpy as np
import pytest

from nbvis.inspect import Activations, GradCAM, MaximizeActivation, list_layers

L = keras.layers


class Bomb(L.Layer):
    """Identity that raises when armed: an exception in the middle of a forward pass."""

    armed = False

    def call(self, x):
        if Bomb.armed:
            raise RuntimeError("boom")
        return x


def bomb_model():
    i = keras.Input(models.SHAPE)
    x = L.Conv2D(8, 3, padding="same", activation="relu", name="c1")(i)
    x = Bomb(name="bomb")(x)
    x = L.Conv2D(8, 3, padding="same", strides=2, activation="relu", name="c2")(x)
    x = L.GlobalAveragePooling2D()(x)
    return keras.Model(i, L.Dense(3, activation="softmax", name="probs")(x))


def fingerprint(model):
    digest = hashlib.sha256()
    for w in model.get_weights():
        digest.update(w.tobytes())
    layers = [(i.path, type(i.layer).call, i.layer.__dict__.get("call"), getattr(i.layer, "activation", None),
               i.layer.trainable) for i in list_layers(model)]
    return digest.hexdigest(), layers, model.trainable


@pytest.fixture(autouse=True)
def _disarm():
    yield
    Bomb.armed = False


def test_every_method_leaves_the_model_unchanged():
    model = bomb_model()
    before = fingerprint(model)
    x = models.images()
    GradCAM(model).attribute(x)
    GradCAM(model, "c1").attribute(x, target=1)
    Activations(model).attribute(x)
    MaximizeActivation(model, "c2").attribute([0, 1], steps=3)
    assert fingerprint(model) == before
    assert model.layers[-1].activation is keras.activations.softmax


@pytest.mark.parametrize("method", ["gradcam", "activations", "maximize"])
def test_an_exception_midway_leaves_no_wrapper_behind(method):
    model = bomb_model()
    before = fingerprint(model)
    Bomb.armed = True
    with pytest.raises(RuntimeError, match="boom"):
        if method == "gradcam":
            GradCAM(model, "c2").attribute(models.images())
        elif method == "activations":
            Activations(model).attribute(models.images())
        else:
            MaximizeActivation(model, "c2", input_shape=models.SHAPE).attribute([0], steps=2)
    assert fingerprint(model) == before
    assert all("call" not in info.layer.__dict__ for info in list_layers(model))
    Bomb.armed = False
    np.testing.assert_array_equal(model.predict(models.images(), verbose=0).shape, (4, 3))


def test_a_progress_hook_that_raises_leaves_the_model_unchanged():
    model = models.functional()
    before = fingerprint(model)

    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        MaximizeActivation(model, "c2").attribute([0, 1], steps=16, progress=stop, progress_every=2)
    assert fingerprint(model) == before
