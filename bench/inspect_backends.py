"""Every inspection method on another backend or device, checked against a saved reference.

    python bench/inspect_backends.py save bench/out/inspect_reference.npz     # TensorFlow, here
    KERAS_BACKEND=jax python bench/inspect_backends.py check bench/out/inspect_reference.npz

``save`` runs the methods of ``tests/inspect/test_inspect_backends.py`` (the same code) on fixed
weights and inputs and stores weights, inputs and results; ``check`` loads them, runs the
same methods on the backend and device at hand (a GPU machine without TensorFlow, say)
and prints each result's largest difference, relative to the result's largest value.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "inspect")]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    import keras
    import models
    import numpy as np
    from test_inspect_backends import COMPUTE

    import nbvis.inspect as inspect

    namespace = {name: getattr(inspect, name) for name in inspect.__all__}
    exec(COMPUTE, namespace)
    compute = namespace["compute"]
    if mode == "save":
        keras.utils.set_random_seed(7)
        model, sub = models.functional(), models.subclassed()
        x, t = models.images(4, seed=11), np.array([0, 1, 2, 1])
        out = compute(model, sub, x, t)
        weights = {f"w{i}": w for i, w in enumerate(model.get_weights())}
        weights.update({f"s{i}": w for i, w in enumerate(sub.get_weights())})
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, x=x, t=t, n_model=len(model.get_weights()), n_sub=len(sub.get_weights()),
                 **weights, **{f"out:{k}": v for k, v in out.items()})
        print(f"saved {len(out)} results from the {keras.backend.backend()} backend on {inspect.device_name()}")
        return
    data = np.load(path)
    model, sub = models.functional(), models.subclassed()
    model.set_weights([data[f"w{i}"] for i in range(int(data["n_model"]))])
    sub.set_weights([data[f"s{i}"] for i in range(int(data["n_sub"]))])
    start = time.perf_counter()
    got = compute(model, sub, data["x"], data["t"])
    seconds = time.perf_counter() - start
    errors = {}
    for key, value in got.items():
        want = data[f"out:{key}"]
        scale = max(float(np.abs(want).max()), 1e-6)
        if key == "ig_delta":
            scale = float(np.abs(data["out:ig"].reshape(4, -1).sum(axis=1)).max())
        errors[key] = float(np.abs(value - want).max()) / scale
    print(json.dumps({"backend": keras.backend.backend(), "device": inspect.device_name(),
                      "seconds_first_run": round(seconds, 2), "worst": max(errors, key=errors.get),
                      "max_relative_error": {k: float(f"{v:.1e}") for k, v in errors.items()}}, indent=1))


if __name__ == "__main__":
    main()
