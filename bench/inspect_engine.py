"""Inspection engine speed, side by side with its baselines in the same run, on any Keras backend.

* Every attribution method, warm, at batch 1 and 32: nbvis, and beside it tf-keras-vis
  on the same model (its ``ReplaceToLinear`` logits recipe) where it has the method
  and the backend is TensorFlow. Raw maps (``expand_cam=False``, ``normalize_*=False``).
* All-layer activations: ``Activations(model).attribute(x)`` (every layer, one pass,
  left on the device until read), and the same with every layer read into numpy, vs
  ``model.predict(x)`` and vs one compiled forward pass.
* Activation maximisation: 16 filters as one batch vs one filter at a time (same
  code, same steps), and the peak accelerator memory of the batch with and without a
  memory budget (``batch_size=4``).

Models: a small CNN at 64x64 (the inspector example's size) and MobileNetV2 (random
weights: nothing is downloaded). The device used is printed first.

Run:  python bench/inspect_engine.py [--repeats 20] [--size 160] [--device cpu|gpu]
      KERAS_BACKEND=jax python bench/inspect_engine.py --device gpu
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def median_s(fn: Callable[[], object], repeats: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_memory(fn: Callable[[], object]) -> str:
    """Peak accelerator memory while ``fn`` runs (PyTorch; JAX: the process's peak so far)."""
    import keras

    if keras.backend.backend() == "torch":
        import torch

        if torch.cuda.is_available():
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            fn()
            torch.cuda.synchronize()
            return f"{torch.cuda.max_memory_allocated() / 2**20:.0f} MiB"
    if keras.backend.backend() == "jax":
        import jax

        fn()
        stats = jax.devices()[0].memory_stats() or {}
        if "peak_bytes_in_use" in stats:
            return f"{stats['peak_bytes_in_use'] / 2**20:.0f} MiB (process peak)"
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        if tf.config.list_logical_devices("GPU"):
            tf.config.experimental.reset_memory_stats("GPU:0")
            fn()
            return f"{tf.config.experimental.get_memory_info('GPU:0')['peak'] / 2**20:.0f} MiB"
    fn()
    return "n/a (no accelerator)"


def tf_keras_vis_methods(model: Any, layer: str) -> dict[str, Callable[[Any, list[int]], Any]]:
    """tf-keras-vis's twin of each method, where it has one (TensorFlow backend only)."""
    import keras

    if keras.backend.backend() != "tensorflow":
        return {}
    try:
        from tf_keras_vis.gradcam import Gradcam
        from tf_keras_vis.gradcam_plus_plus import GradcamPlusPlus
        from tf_keras_vis.layercam import Layercam
        from tf_keras_vis.saliency import Saliency as TfkvSaliency
        from tf_keras_vis.scorecam import Scorecam
        from tf_keras_vis.utils.model_modifiers import ReplaceToLinear
        from tf_keras_vis.utils.scores import CategoricalScore
    except ImportError:
        return {}

    def make(kind: Any) -> Any:
        return kind(model, model_modifier=ReplaceToLinear(), clone=True)

    cam, campp, lcam, scam, sal = make(Gradcam), make(GradcamPlusPlus), make(Layercam), make(Scorecam), make(TfkvSaliency)
    raw = {"penultimate_layer": layer, "expand_cam": False, "normalize_cam": False}
    return {
        "Grad-CAM": lambda x, t: cam(CategoricalScore(t), x, **raw),
        "Grad-CAM++": lambda x, t: campp(CategoricalScore(t), x, **raw),
        "Layer-CAM": lambda x, t: lcam(CategoricalScore(t), x, **raw),
        "Score-CAM": lambda x, t: scam(CategoricalScore(t), x, batch_size=64, **raw),
        "Saliency": lambda x, t: sal(CategoricalScore(t), x, normalize_map=False),
        "SmoothGrad (16)": lambda x, t: sal(CategoricalScore(t), x, smooth_samples=16, normalize_map=False),
    }


def bench_methods(model: Any, cam_layer: str, size: int, repeats: int, slow_batch32: bool) -> list[tuple]:
    import numpy as np

    from nbvis.inspect import (
        GradCAM,
        GradCAMPlusPlus,
        IntegratedGradients,
        LayerCAM,
        Saliency,
        ScoreCAM,
        SmoothGrad,
    )

    ours = {
        "Grad-CAM": GradCAM(model, cam_layer),
        "Grad-CAM++": GradCAMPlusPlus(model, cam_layer),
        "Layer-CAM": LayerCAM(model, cam_layer),
        "Score-CAM": ScoreCAM(model, cam_layer, batch_size=64),
        "Saliency": Saliency(model),
        "SmoothGrad (16)": SmoothGrad(Saliency(model), samples=16),
        "Integrated Gradients (32)": IntegratedGradients(model, steps=32),
    }
    theirs = tf_keras_vis_methods(model, cam_layer)
    slow = ("Score-CAM", "SmoothGrad (16)", "Integrated Gradients (32)")
    rng = np.random.default_rng(0)
    rows = []
    for n in (1, 32):
        x = rng.random((n, size, size, 3)).astype(np.float32)
        target = [1] * n
        for name, method in ours.items():
            if n == 32 and name in slow and not slow_batch32:
                rows.append((f"{name}, batch {n}", None, "skipped on CPU (see --device gpu)", None, ""))
                continue
            reps = max(1, repeats // 5) if name in slow else repeats
            t_ours = median_s(lambda m=method, x=x, t=target: m.attribute(x, target=t), reps, warmup=1)
            twin = theirs.get(name)
            if twin is None:
                rows.append((f"{name}, batch {n}", t_ours, "", None, ""))
                continue
            a = method.attribute(x, target=target).maps
            b = np.asarray(twin(x, target))
            agree = f"maps agree to {float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-12)):.0e}"
            t_theirs = median_s(lambda f=twin, x=x, t=target: f(x, t), reps, warmup=1)
            rows.append((f"{name}, batch {n}", t_ours, "tf-keras-vis", t_theirs, agree))
    rows.append(("  (Grad-CAM traces over all those calls)", ours["Grad-CAM"].tracing_count, "", None, ""))
    return rows


def bench_activations(model: Any, size: int, repeats: int) -> list[tuple]:
    import keras
    import numpy as np

    from nbvis.inspect import Activations
    from nbvis.inspect._backend import backend

    rng = np.random.default_rng(0)
    acts = Activations(model)
    forward = backend().compiler(lambda _k, x: (model(x, training=False), None), model)
    rows = []
    for label, n in (("1 image", 1), ("batch 32", 32)):
        x = rng.random((n, size, size, 3)).astype(np.float32)
        n_layers = len(acts.attribute(x))
        t_acts = median_s(lambda x=x: acts.attribute(x), repeats)
        t_predict = median_s(lambda x=x: model.predict(x, verbose=0), repeats)
        t_forward = median_s(lambda x=x: keras.ops.convert_to_numpy(forward("f", keras.ops.convert_to_tensor(x))),
                             repeats)
        t_read = median_s(lambda x=x: [a.nbytes for a in acts.attribute(x).values()], repeats)
        rows.append((f"all {n_layers} layers' activations, {label}", t_acts, "model.predict", t_predict, ""))
        rows.append(("", t_acts, "compiled forward (output only)", t_forward, ""))
        rows.append(("  ... and every layer read into numpy", t_read, "model.predict", t_predict, ""))
    return rows


def bench_maximize(model: Any, layer: str, repeats: int, steps: int) -> list[tuple]:
    from nbvis.inspect import MaximizeActivation

    filters = list(range(16))
    opt = MaximizeActivation(model, layer)
    reps = max(3, repeats // 5)
    t_batch = median_s(lambda: opt.attribute(filters, steps=steps), reps, warmup=1)
    t_loop = median_s(lambda: [opt.attribute([f], steps=steps) for f in filters], reps, warmup=1)
    rows = [(f"max-activation, 16 filters x {steps} steps", t_batch, "one filter at a time", t_loop, "")]
    whole = peak_memory(lambda: opt.attribute(filters, steps=4))
    budget = peak_memory(lambda: opt.attribute(filters, steps=4, batch_size=4))
    rows.append((f"  peak memory: 16 at once {whole}; batch_size=4 {budget}", "", "", None, ""))
    return rows


def print_rows(title: str, rows: list[tuple]) -> None:
    print(f"\n{title}", flush=True)
    print(f"{'what':<44}{'nbvis':>10}  {'baseline':<31}{'baseline':>10}{'ratio':>9}")
    for what, t_a, base, t_b, note in rows:
        if t_a is None:
            print(f"{what:<44}{'-':>10}  {base}")
        elif t_b is None:
            text = f"{t_a * 1e3:>8.1f}ms" if isinstance(t_a, float) else f"{t_a!s:>10}"
            print(f"{what:<44}{text}")
        else:
            print(f"{what:<44}{t_a * 1e3:>8.1f}ms  {base:<31}{t_b * 1e3:>8.1f}ms{t_b / t_a:>8.2f}x  {note}")


def shapes_cnn() -> Any:
    import keras

    L = keras.layers
    inputs = keras.Input((64, 64, 3))
    x = inputs
    for layer in (
        L.Conv2D(16, 3, padding="same", activation="relu", name="conv1"),
        L.Conv2D(32, 3, padding="same", strides=2, activation="relu", name="conv2"),
        L.Conv2D(32, 3, padding="same", activation="relu", name="conv3"),
        L.Conv2D(64, 3, padding="same", strides=2, activation="relu", name="conv4"),
        L.GlobalAveragePooling2D(),
        L.Dense(3, activation="softmax"),
    ):
        x = layer(x)
    return keras.Model(inputs, x)  # functional: tf-keras-vis's ReplaceToLinear fails on Sequential


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--size", type=int, default=160)
    parser.add_argument("--steps", type=int, default=32, help="gradient-ascent steps per run")
    parser.add_argument("--device", choices=["cpu", "gpu"], default=None,
                        help="hide the GPU (cpu) or require one (gpu); default: what the backend picks")
    parser.add_argument("--skip-mobilenet", action="store_true")
    parser.add_argument("--only-mobilenet", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    if args.device == "cpu":  # before any backend is imported
        os.environ["CUDA_VISIBLE_DEVICES"] = ""
        os.environ["JAX_PLATFORMS"] = "cpu"
    import keras

    from nbvis.inspect import device_name

    device = device_name()
    if args.device == "gpu" and device != "GPU:0":
        raise SystemExit(f"--device gpu: the {keras.backend.backend()} backend sees no GPU (it runs on {device})")
    keras.utils.set_random_seed(0)
    on_gpu = device == "GPU:0"
    print(f"backend: {keras.backend.backend()}, device: {device}; median of {args.repeats} warm runs "
          f"(slow methods and max-activation: fewer)", flush=True)
    models = []
    if not args.only_mobilenet:
        models.append(("small CNN, 64x64 (the inspector example's size)", shapes_cnn(), "conv4", "conv4", 64, True))
    if not args.skip_mobilenet:
        mobilenet = keras.applications.MobileNetV2(weights=None, input_shape=(args.size, args.size, 3), classes=10)
        models.append((f"MobileNetV2, {args.size}x{args.size}, random weights", mobilenet, "Conv_1", "block_6_expand",
                       args.size, on_gpu))
    for title, model, cam_layer, max_layer, size, slow_batch32 in models:  # each part printed as it ends
        print_rows(f"{title}: activations", bench_activations(model, size, args.repeats))
        print_rows(f"{title}: max-activation", bench_maximize(model, max_layer, args.repeats, args.steps))
        print_rows(f"{title}: attribution methods",
                   bench_methods(model, cam_layer, size, args.repeats, slow_batch32))

if __name__ == "__main__":
    main()
