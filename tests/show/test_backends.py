"""fit_callbacks and run logging under Keras 3's JAX and PyTorch backends, each in a
fresh interpreter (a process has one Keras backend) where TensorFlow cannot be imported."""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

FIT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import keras
    import nbvis
    from nbvis.runs import load

    logdir, per_execution = sys.argv[1], int(sys.argv[2])
    rng = np.random.default_rng(0)
    x = rng.random((640, 8)).astype("float32")
    y = (x.sum(1) > 4).astype("int32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=per_execution)
    cb = nbvis.show.fit_callbacks(display=False, run="lr=3e-3", logdir=logdir)
    history = model.fit(x, y, epochs=3, batch_size=32, validation_split=0.25, verbose=0, callbacks=[cb])
    (run,) = load(logdir)
    batch = cb.plots.charts["batch", "loss"].tables["values"]
    print(json.dumps({
        "backend": keras.backend.backend(),
        "nbvis_tried_tensorflow": NBVIS_TRIED,
        "chart_steps": batch.column("x").tolist(),
        "run_tags": sorted(run.tags),
        "run_batch_steps": run.scalars("batch_loss").step.tolist(),
        "run_epoch_loss": run.scalars("epoch_val_loss").value.tolist(),
        "history_val_loss": history.history["val_loss"],
        "hparams": run.hparams,
    }))
    """
)

LOOP = textwrap.dedent(
    """
    import json, sys
    import nbvis.runs as runs
    import jax, jax.numpy as jnp

    big = jax.random.normal(jax.random.key(0), (3000, 3000))
    with runs.start("jax-loop", logdir=sys.argv[1]) as run:
        pending = big @ big @ big  # dispatched, not computed yet
        run.log(1, loss=pending.mean())
        waited = pending.is_ready()  # False: logging did not wait for the device
        value = float(pending.mean())
    (loaded,) = runs.load(sys.argv[1])
    print(json.dumps({"waited": waited, "logged": loaded.scalars("loss").value.tolist(), "value": value,
                      "nbvis_tried_tensorflow": NBVIS_TRIED}))
    """
)


# TensorFlow is installed in the test environment: hide it, as on a machine without it
# (Keras itself looks for it, e.g. in set_random_seed), and record any attempt to import it.
NO_TENSORFLOW = textwrap.dedent(
    """
    import importlib.abc, importlib.machinery, os, sys, traceback
    NBVIS_TRIED = []  # imports of TensorFlow with nbvis's code on the stack
    class Hidden(importlib.abc.Loader):
        def create_module(self, spec):
            stack = [f.filename for f in traceback.extract_stack()]
            if any(os.sep + "nbvis" + os.sep in f for f in stack):
                NBVIS_TRIED.append(spec.name)
            raise ImportError("TensorFlow is hidden in this test")
        def exec_module(self, module):
            pass
    class NoTensorFlow:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] == "tensorflow":
                return importlib.machinery.ModuleSpec(name, Hidden())
            return None
    sys.meta_path.insert(0, NoTensorFlow())
    """
)


def run_under(backend: str, script: str, *args: str) -> dict:
    env = {**os.environ, "KERAS_BACKEND": backend, "JAX_PLATFORMS": "cpu", "CUDA_VISIBLE_DEVICES": ""}
    code = NO_TENSORFLOW + script
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def needs(module: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(importlib.util.find_spec(module) is None, reason=f"{module} is not installed")


@pytest.mark.parametrize("backend", [pytest.param("jax", marks=needs("jax")), pytest.param("torch", marks=needs("torch"))])
def test_fit_callbacks_plot_and_log_a_run_under_the_backend_without_tensorflow(backend, tmp_path):
    per_execution = 4 if backend == "jax" else 1  # torch: Keras allows only 1
    out = run_under(backend, FIT, str(tmp_path), str(per_execution))
    assert out["backend"] == backend  # and it trained, plotted and logged with TensorFlow hidden
    assert out["nbvis_tried_tensorflow"] == []
    # 15 steps an epoch; with 4 per execution Keras reports the 4th, 8th, 12th and 15th
    steps = sorted({*range(per_execution, 16, per_execution), 15})
    expected = [e * 15 + s for e in range(3) for s in steps]
    # the true global step. Keras may run the batch hook of async-safe callbacks on several
    # threads, so a late thread's point can arrive after later ones (a clean-clone run saw
    # step 4 after 15): every step once, in any order; the line layer draws rows in x order
    assert sorted(out["chart_steps"]) == expected
    assert sorted(out["run_batch_steps"]) == expected
    assert {"batch_loss", "batch_accuracy", "epoch_loss", "epoch_val_loss", "epoch_val_accuracy"} <= set(out["run_tags"])
    np.testing.assert_allclose(out["run_epoch_loss"], out["history_val_loss"], rtol=1e-6)
    assert out["hparams"]["learning_rate"] == pytest.approx(3e-3)
    assert out["hparams"]["batch_size"] == 32 and out["hparams"]["epochs"] == 3


@needs("jax")
def test_logging_a_jax_array_does_not_wait_for_the_device(tmp_path):
    out = run_under("jax", LOOP, str(tmp_path))
    assert out["waited"] is False
    assert out["logged"] == [pytest.approx(out["value"], rel=1e-6)]
    assert out["nbvis_tried_tensorflow"] == []
