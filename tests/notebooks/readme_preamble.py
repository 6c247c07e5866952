"""The names of your own that README.md's snippets use, so that each snippet runs as it is.

``tests/notebooks/test_readme.py`` runs this, then one snippet, in a fresh kernel. Offline data:
scikit-learn's 8x8 digits and a small Keras CNN for them (three 3x3 convolutions, ``conv1`` …
``conv3`` with 16 filters each).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from sklearn.datasets import load_digits

import nbvis  # noqa: F401  (every snippet uses it)

digits = load_digits()
x = (digits.images / 16.0).astype("float32")[..., None]  # (1797, 8, 8, 1) in [0, 1]
y = digits.target  # (1797,) digit ids
names = [str(d) for d in range(10)]


def make_model(lr: float = 1e-3) -> keras.Model:
    """A compiled CNN for ``x`` and ``y`` (seeded: the same weights every time)."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1"),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv2"),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv3"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10, activation="softmax", name="probs"),
    ])
    model.compile(keras.optimizers.Adam(lr), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


model = make_model()
images = x[:8]  # a few inputs to inspect
y_test = y[-300:]  # held-out labels, and the model's class probabilities for them
probs = model.predict(x[-300:], verbose=0)
tensor = keras.ops.convert_to_numpy(model.get_layer("conv1").kernel)  # any array or tensor
_losses = iter(1 / (1 + np.arange(10**6) / 100) + 0.05 * np.random.default_rng(0).random(10**6))


def train_step() -> float:
    """One step of a training loop of your own; here, the next value of a falling loss."""
    return float(next(_losses))
