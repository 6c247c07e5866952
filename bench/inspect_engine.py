"""Inspection engine speed, side by side with its baselines in the same run.

* Grad-CAM, warm: nbvis vs tf-keras-vis (Gradcam + ReplaceToLinear, its documented
  logits recipe) on the same model, 1 image and a batch of 32, raw maps
  (``expand_cam=False``, so neither pays for upsampling).
* All-layer activations: ``Activations(model).attribute(x)`` (every layer, one pass,
  copied to numpy) vs ``model.predict(x)`` and vs one compiled forward pass.
* Activation maximisation: 16 filters as one batch vs one filter at a time (same
  code, same steps).

Model: MobileNetV2 (random weights: nothing is downloaded) at 160x160, 10 classes.
Run:  python bench/inspect_engine.py [--repeats 20] [--size 160]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras
import numpy as np
import tensorflow as tf

from nbvis.inspect import Activations, GradCAM, MaximizeActivation, device_name


def median_s(fn: Callable[[], object], repeats: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_model(model, cam_layer: str, max_layer: str, size: int, repeats: int, steps: int) -> list[tuple]:
    from tf_keras_vis.gradcam import Gradcam
    from tf_keras_vis.utils.model_modifiers import ReplaceToLinear
    from tf_keras_vis.utils.scores import CategoricalScore

    rng = np.random.default_rng(0)
    x1 = rng.random((1, size, size, 3)).astype(np.float32)
    x32 = rng.random((32, size, size, 3)).astype(np.float32)
    ours = GradCAM(model, cam_layer)
    theirs = Gradcam(model, model_modifier=ReplaceToLinear(), clone=True)
    rows = []
    for name, x in (("Grad-CAM, 1 image", x1), ("Grad-CAM, batch 32", x32)):
        target = [1] * len(x)
        a = ours.attribute(x, target=target)
        b = theirs(CategoricalScore(target), x, penultimate_layer=cam_layer, expand_cam=False, normalize_cam=False)
        agree = float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-12))
        t_ours = median_s(lambda x=x, target=target: ours.attribute(x, target=target), repeats)
        t_theirs = median_s(
            lambda x=x, target=target: theirs(CategoricalScore(target), x, penultimate_layer=cam_layer,
                                              expand_cam=False, normalize_cam=False),
            repeats,
        )
        rows.append((name, t_ours, "tf-keras-vis", t_theirs, f"maps agree to {agree:.0e}"))
    rows.append(("  (Grad-CAM traces over all those calls)", ours.tracing_count, "", None, ""))

    acts = Activations(model)
    forward = tf.function(lambda x: model(x, training=False))
    for label, x in (("1 image", x1), ("batch 32", x32)):
        n_layers = len(acts.attribute(x))
        t_acts = median_s(lambda x=x: acts.attribute(x), repeats)
        t_predict = median_s(lambda x=x: model.predict(x, verbose=0), repeats)
        t_forward = median_s(lambda x=x: forward(tf.constant(x)).numpy(), repeats)
        rows.append((f"all {n_layers} layers' activations, {label}", t_acts, "model.predict", t_predict, ""))
        rows.append(("", t_acts, "compiled forward (output only)", t_forward, ""))

    filters = list(range(16))
    opt = MaximizeActivation(model, max_layer)
    reps = max(3, repeats // 5)
    t_batch = median_s(lambda: opt.attribute(filters, steps=steps), reps, warmup=1)
    t_loop = median_s(lambda: [opt.attribute([f], steps=steps) for f in filters], reps, warmup=1)
    rows.append((f"max-activation, 16 filters x {steps} steps", t_batch, "one filter at a time", t_loop, ""))
    return rows


def print_rows(title: str, rows: list[tuple]) -> None:
    print(f"\n{title}")
    print(f"{'what':<44}{'nbvis':>10}  {'baseline':<31}{'baseline':>10}{'ratio':>9}")
    for what, t_a, base, t_b, note in rows:
        if t_b is None:
            print(f"{what:<44}{t_a:>10}")
            continue
        print(f"{what:<44}{t_a * 1e3:>8.1f}ms  {base:<31}{t_b * 1e3:>8.1f}ms{t_b / t_a:>8.2f}x  {note}")


def shapes_cnn() -> keras.Model:
    L = keras.layers
    return keras.Sequential([
        keras.Input((64, 64, 3)),
        L.Conv2D(16, 3, padding="same", activation="relu", name="conv1"),
        L.Conv2D(32, 3, padding="same", strides=2, activation="relu", name="conv2"),
        L.Conv2D(32, 3, padding="same", activation="relu", name="conv3"),
        L.Conv2D(64, 3, padding="same", strides=2, activation="relu", name="conv4"),
        L.GlobalAveragePooling2D(), L.Dense(3, activation="softmax"),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--size", type=int, default=160)
    parser.add_argument("--steps", type=int, default=32, help="gradient-ascent steps per run")
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    print(f"device: {device_name()}; median of {args.repeats} warm runs (max-activation: {max(3, args.repeats // 5)})")
    # tf-keras-vis needs a functional model (its ReplaceToLinear fails on Sequential)
    small = shapes_cnn()
    inputs = keras.Input((64, 64, 3))
    small = keras.Model(inputs, _chain(small, inputs))
    print_rows("small CNN, 64x64 (the inspector example's size)",
               bench_model(small, "conv4", "conv4", 64, args.repeats, args.steps))
    mobilenet = keras.applications.MobileNetV2(weights=None, input_shape=(args.size, args.size, 3), classes=10)
    print_rows(f"MobileNetV2, {args.size}x{args.size}, random weights",
               bench_model(mobilenet, "Conv_1", "block_6_expand", args.size, args.repeats, args.steps))


def _chain(sequential: keras.Model, x):
    for layer in sequential.layers:
        x = layer(x)
    return x


if __name__ == "__main__":
    main()
