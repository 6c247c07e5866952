"""Grad-CAM on a CNN trained in the test, on synthetic shapes with known object positions.

* pointing game: the hottest point of the (upsampled) map lies on the object;
* parameter randomisation (Adebayo et al. 2018): maps of the same architecture with
  random weights must not resemble the trained maps. Localisation alone is not
  faithfulness: on these bright objects even a random CNN points well (~0.9), so the
  pointing game catches misaligned or transposed maps and this test catches maps that
  do not depend on what the model learned.
"""

import keras
import numpy as np
import pytest

from nbvis.datasets import shapes
from nbvis.inspect import GradCAM, upsample

L = keras.layers
TOLERANCE = 2  # pixels around the object box


def cnn() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((64, 64, 3)),
            L.Conv2D(16, 3, padding="same", activation="relu"),
            L.Conv2D(32, 3, padding="same", strides=2, activation="relu"),
            L.Conv2D(32, 3, padding="same", activation="relu"),
            L.Conv2D(32, 3, padding="same", strides=2, activation="relu", name="last_conv"),
            L.GlobalAveragePooling2D(),
            L.Dense(3, activation="softmax"),
        ]
    )


@pytest.fixture(scope="module")
def trained():
    keras.utils.set_random_seed(0)
    train, test = shapes(3000, seed=1), shapes(160, seed=2)
    model = cnn()
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train.images, train.labels, epochs=5, batch_size=64, verbose=0)
    accuracy = model.evaluate(test.images, test.labels, verbose=0)[1]
    return model, test, accuracy


def pointing_hits(maps, boxes):
    up = upsample(maps, (64, 64))
    flat = up.reshape(len(up), -1).argmax(axis=1)
    rows, cols = np.unravel_index(flat, (64, 64))
    top, left, bottom, right = boxes.T
    return ((rows >= top - TOLERANCE) & (rows < bottom + TOLERANCE)
            & (cols >= left - TOLERANCE) & (cols < right + TOLERANCE))


def spearman(a, b):
    ra = np.argsort(np.argsort(a)).astype(float)
    rb = np.argsort(np.argsort(b)).astype(float)
    ra -= ra.mean()
    rb -= rb.mean()
    return float((ra * rb).sum() / np.sqrt((ra**2).sum() * (rb**2).sum() + 1e-12))


def test_pointing_game_hit_rate_is_at_least_085(trained):
    model, test, accuracy = trained
    assert accuracy >= 0.95, f"the test CNN did not train (accuracy {accuracy:.2f})"
    cam = GradCAM(model)
    result = cam.attribute(test.images, target=test.labels)
    maps = result.maps
    assert result.layer.path == "last_conv" and result.scored_on == "logits"
    hit_rate = pointing_hits(maps, test.boxes).mean()
    print(f"pointing game: {hit_rate:.3f} (accuracy {accuracy:.3f})")
    assert hit_rate >= 0.85
    # the game has teeth: maps with swapped axes (a classic pipeline bug) fail it
    assert pointing_hits(maps.transpose(0, 2, 1), test.boxes).mean() < 0.5


def test_maps_of_a_randomised_model_do_not_resemble_the_trained_maps(trained):
    model, test, _ = trained
    keras.utils.set_random_seed(99)
    random_model = keras.models.clone_model(model)  # same architecture, fresh random weights
    x, y = test.images[:64], test.labels[:64]
    real = GradCAM(model, "last_conv").attribute(x, target=y).maps
    rand = GradCAM(random_model, "last_conv").attribute(x, target=y).maps
    rhos = [spearman(a.ravel(), b.ravel()) for a, b in zip(real, rand)]
    median = float(np.median(rhos))
    random_hits = pointing_hits(rand, test.boxes[:64]).mean()
    print(f"median Spearman trained vs random: {median:.3f}; random model pointing game {random_hits:.3f}")
    assert median <= 0.3
