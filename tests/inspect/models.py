"""Small Keras models of every shape the inspection engine must handle (32x32x3 inputs)."""

from __future__ import annotations

import keras
import numpy as np

L = keras.layers
SHAPE = (32, 32, 3)


def base(name: str = "base") -> keras.Model:
    i = keras.Input(SHAPE)
    x = L.Conv2D(8, 3, padding="same", activation="relu", name="c1")(i)
    x = L.Conv2D(8, 3, padding="same", strides=2, activation="relu", name="c2")(x)
    return keras.Model(i, x, name=name)


def head() -> list:
    return [L.GlobalAveragePooling2D(name="gap"), L.Dense(8, activation="relu", name="hidden"),
            L.Dense(3, activation="softmax", name="probs")]


def functional() -> keras.Model:
    i = keras.Input(SHAPE)
    x = L.Conv2D(8, 3, padding="same", activation="relu", name="c1")(i)
    x = L.Conv2D(8, 3, padding="same", strides=2, activation="relu", name="c2")(x)
    for layer in head():
        x = layer(x)
    return keras.Model(i, x, name="functional")


def sequential_with_input() -> keras.Model:
    return keras.Sequential([keras.Input(SHAPE), L.Conv2D(8, 3, activation="relu", name="c1"),
                             L.Conv2D(8, 3, strides=2, activation="relu", name="c2"), *head()])


def sequential_called() -> keras.Model:
    model = keras.Sequential([L.Conv2D(8, 3, activation="relu", name="c1"),
                              L.Conv2D(8, 3, strides=2, activation="relu", name="c2"), *head()])
    model(np.zeros((1, *SHAPE), np.float32))
    return model


def nested_in_sequential() -> keras.Model:
    model = keras.Sequential([base(), *head()])
    model.build((None, *SHAPE))
    return model


def nested_in_functional() -> keras.Model:
    i = keras.Input(SHAPE)
    x = base()(i)
    for layer in head():
        x = layer(x)
    return keras.Model(i, x, name="outer")


class Subclassed(keras.Model):
    def __init__(self) -> None:
        super().__init__(name="subclassed")
        self.head_layers = head()  # created before the convs: attribute order != call order
        self.c1 = L.Conv2D(8, 3, padding="same", activation="relu", name="c1")
        self.c2 = L.Conv2D(8, 3, padding="same", strides=2, activation="relu", name="c2")

    def call(self, x, training=False):
        x = self.c2(self.c1(x))
        for layer in self.head_layers:
            x = layer(x)
        return x


def subclassed() -> keras.Model:
    model = Subclassed()
    model(np.zeros((1, *SHAPE), np.float32))
    return model


def multi_input() -> keras.Model:
    image, extra = keras.Input(SHAPE, name="image"), keras.Input((4,), name="extra")
    x = L.Conv2D(8, 3, padding="same", activation="relu", name="c1")(image)
    x = L.Conv2D(8, 3, padding="same", strides=2, activation="relu", name="c2")(x)
    x = L.Concatenate()([L.GlobalAveragePooling2D()(x), L.Dense(4, activation="relu")(extra)])
    return keras.Model([image, extra], L.Dense(3, activation="softmax", name="probs")(x))


def multi_output() -> keras.Model:
    i = keras.Input(SHAPE)
    x = L.Conv2D(8, 3, padding="same", activation="relu", name="c1")(i)
    x = L.Conv2D(8, 3, padding="same", strides=2, activation="relu", name="c2")(x)
    g = L.GlobalAveragePooling2D()(x)
    return keras.Model(i, [L.Dense(3, activation="softmax", name="cls")(g), L.Dense(4, name="box")(g)])


def shared_layer() -> keras.Model:
    i = keras.Input(SHAPE)
    x = L.Conv2D(8, 3, padding="same", activation="relu", name="c1")(i)
    shared = L.Conv2D(8, 3, padding="same", activation="relu", name="shared")
    x = shared(shared(x))  # one layer, called twice
    for layer in head():
        x = layer(x)
    return keras.Model(i, x, name="shared")


def mixed_float16() -> keras.Model:
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        i = keras.Input(SHAPE)
        x = L.Conv2D(8, 3, padding="same", activation="relu", name="c1")(i)
        x = L.Conv2D(8, 3, padding="same", strides=2, activation="relu", name="c2")(x)
        x = L.GlobalAveragePooling2D()(x)
        out = L.Dense(3, activation="softmax", dtype="float32", name="probs")(x)
        return keras.Model(i, out, name="mixed")
    finally:
        keras.config.set_dtype_policy(previous)


def images(n: int = 4, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, *SHAPE)).astype(np.float32)
