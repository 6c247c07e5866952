"""Small synthetic datasets with known truth, for demos and tests that must run offline."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

__all__ = ["Shapes", "Weather", "shapes", "shapes_cnn", "weather"]

SHAPE_NAMES = ("filled square", "hollow square", "cross")


@dataclass(frozen=True)
class Shapes:
    """Images with one object each, and where that object is.

    Attributes
    ----------
    images : np.ndarray
        ``(N, size, size, 3)`` float32 in [0, 1]: dark Gaussian noise plus one bright object.
    labels : np.ndarray
        ``(N,)`` int: 0 filled square, 1 hollow square, 2 cross.
    boxes : np.ndarray
        ``(N, 4)`` int ``(top, left, bottom, right)`` of each object, bottom/right exclusive.
    class_names : tuple of str
    """

    images: np.ndarray
    labels: np.ndarray
    boxes: np.ndarray
    class_names: tuple[str, ...] = SHAPE_NAMES


def shapes(n: int, *, size: int = 64, object_size: int = 12, noise: float = 0.15, seed: int = 0) -> Shapes:
    """``n`` noisy images, each with one shape of 3 classes at a random position.

    Examples
    --------
    >>> data = shapes(100, seed=1)
    >>> data.images.shape, data.labels[:3], data.boxes[0]
    ((100, 64, 64, 3), array([...]), array([top, left, bottom, right]))
    """
    if n < 1 or size < object_size + 2:
        msg = f"n, size: need n >= 1 and size >= object_size + 2, got n={n}, size={size}"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    images = np.clip(noise * rng.standard_normal((n, size, size, 3)), 0, 1).astype(np.float32)
    labels = rng.integers(0, 3, n)
    tops = rng.integers(0, size - object_size, n)
    lefts = rng.integers(0, size - object_size, n)
    k = object_size
    glyphs = np.zeros((3, k, k), dtype=bool)
    glyphs[0] = True
    glyphs[1, [0, 1, -2, -1], :] = glyphs[1, :, [0, 1, -2, -1]] = True
    idx = np.arange(k)
    for d in (-1, 0, 1):
        keep = (idx + d >= 0) & (idx + d < k)
        glyphs[2, idx[keep], (idx + d)[keep]] = True
        glyphs[2, idx[keep], (k - 1 - idx - d)[keep]] = True
    colours = rng.uniform(0.7, 1.0, (n, 3)).astype(np.float32)  # bright objects on dark noise
    for i in range(n):
        window = images[i, tops[i] : tops[i] + k, lefts[i] : lefts[i] + k]
        window[glyphs[labels[i]]] = colours[i]
    boxes = np.stack([tops, lefts, tops + k, lefts + k], axis=1)
    return Shapes(images, labels.astype(np.int64), boxes)


def shapes_cnn(*, trained: bool = True) -> Any:
    """A small Keras CNN that tells the three :func:`shapes` classes apart, trained once.

    Four 3×3 convolutions (``conv1`` … ``conv4``, 16-32-32-32 filters, the 2nd and 4th with
    stride 2), global average pooling and a softmax ``probs`` layer; 23,683 weights. Its kept
    weights (in the package, 90 kB) were trained on ``shapes(3000, seed=1)`` for 5 epochs of
    Adam at 3e-3, batch 64, seed 0: 100 % accurate on ``shapes(160, seed=2)``, where Grad-CAM's
    hottest pixel lies within 2 pixels of the object in every image — a model whose right
    answers are known, to learn the inspector on without a minute of training first.

    Parameters
    ----------
    trained : bool
        ``False``: the same architecture, freshly initialised, to train yourself.

    Examples
    --------
    >>> model = shapes_cnn()
    >>> test = shapes(8, seed=2)
    >>> float((model.predict(test.images, verbose=0).argmax(1) == test.labels).mean())
    1.0
    """
    import keras  # only here: the rest of nbvis.datasets needs no Keras

    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input((64, 64, 3)),
            layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1"),
            layers.Conv2D(32, 3, padding="same", strides=2, activation="relu", name="conv2"),
            layers.Conv2D(32, 3, padding="same", activation="relu", name="conv3"),
            layers.Conv2D(32, 3, padding="same", strides=2, activation="relu", name="conv4"),
            layers.GlobalAveragePooling2D(name="pool"),
            layers.Dense(3, activation="softmax", name="probs"),
        ],
        name="shapes_cnn",
    )
    if trained:
        with (resources.files(__package__) / "_data" / "shapes_cnn.npz").open("rb") as f, np.load(f) as kept:
            model.set_weights([kept[f"w{i}"] for i in range(len(kept.files))])
    return model


@dataclass(frozen=True)
class Weather:
    """A weather-station record: one row every ``step_minutes``, one column per quantity.

    Attributes
    ----------
    time : np.ndarray
        ``(N,)`` float64, milliseconds since 1970 (a Vega-Lite ``temporal`` axis reads it).
    columns : dict of str to np.ndarray
        ``(N,)`` float64 per quantity, in the Jena climate dataset's order and units.
    step_minutes : int
    """

    time: np.ndarray
    columns: dict[str, np.ndarray]
    step_minutes: int


def weather(rows: int = 420_480, *, step_minutes: int = 10, seed: int = 0) -> Weather:
    """A synthetic stand-in for the Jena climate record (2009-2016, 14 columns).

    Temperature follows a yearly and a daily cycle plus weather fronts (a random walk);
    the other columns derive from it the way they do physically (saturation vapour
    pressure from temperature, dew point from vapour pressure, density from pressure
    and temperature), so their correlations are real. With the default 420,480 rows of
    10 minutes it spans 8 years, as the chapter's dataset does.

    Examples
    --------
    >>> w = weather(144 * 7)  # one week
    >>> len(w.time), list(w.columns)[:3]
    (1008, ['p (mbar)', 'T (degC)', 'Tpot (K)'])
    """
    rng = np.random.default_rng(seed)
    t_days = np.arange(rows) * (step_minutes / 1440.0)
    start_ms = 1230768000000.0  # 2009-01-01T00:00Z
    year = 2 * np.pi * (t_days - 15) / 365.25
    day = 2 * np.pi * (t_days % 1.0)
    fronts = np.cumsum(rng.normal(scale=0.03, size=rows))
    width = min(4321, rows)  # a month of 10-minute steps: weather, not climate drift
    fronts -= np.convolve(fronts, np.ones(width) / width, mode="same")
    temp = 9.5 - 9.0 * np.cos(year) - 3.5 * np.cos(day - 0.6) + 3.0 * fronts + rng.normal(scale=0.2, size=rows)
    pressure = 989.0 + 8.0 * np.sin(2 * np.pi * t_days / 5.3) - 1.2 * fronts + rng.normal(scale=0.3, size=rows)
    rh = np.clip(76 + 12 * np.cos(day - 0.6) + 8 * np.cos(year) - 6 * fronts + rng.normal(scale=3, size=rows), 12, 100)
    vp_max = 6.1078 * np.exp(17.27 * temp / (temp + 237.3))
    vp_act = vp_max * rh / 100
    log_ratio = np.log(vp_act / 6.1078)
    dew = 237.3 * log_ratio / (17.27 - log_ratio)
    kelvin = temp + 273.15
    wind = np.abs(2.0 + 1.2 * np.cos(year) + rng.gamma(2.0, 0.6, size=rows))
    columns = {
        "p (mbar)": pressure,
        "T (degC)": temp,
        "Tpot (K)": kelvin * (1000 / pressure) ** 0.286,
        "Tdew (degC)": dew,
        "rh (%)": rh,
        "VPmax (mbar)": vp_max,
        "VPact (mbar)": vp_act,
        "VPdef (mbar)": vp_max - vp_act,
        "sh (g/kg)": 622 * vp_act / (pressure - vp_act),
        "H2OC (mmol/mol)": 1000 * vp_act / pressure,
        "rho (g/m**3)": 100 * pressure / (287.05 * kelvin) * 1000,
        "wv (m/s)": wind,
        "max. wv (m/s)": wind * (1.6 + rng.gamma(2.0, 0.2, size=rows)),
        "wd (deg)": (200 + 80 * np.sin(2 * np.pi * t_days / 9.1) + rng.normal(scale=40, size=rows)) % 360,
    }
    return Weather(start_ms + t_days * 86_400_000.0, columns, step_minutes)
