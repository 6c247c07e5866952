"""The inspection engine under Keras 3's JAX and PyTorch backends, each in a fresh interpreter
where TensorFlow cannot be imported, checked against the TensorFlow backend on the same weights."""

import textwrap
from pathlib import Path

import keras
import models
import numpy as np
import pytest
from show.test_backends import needs, run_under

from nbvis.inspect import (
    Activations,
    GradCAM,
    GradCAMPlusPlus,
    IntegratedGradients,
    LayerCAM,
    Saliency,
    ScoreCAM,
    SmoothGrad,
    maximize_activation,
)

HERE = str(Path(__file__).parent)

# every method on the same weights and inputs; what the TensorFlow backend gives is the reference
COMPUTE = textwrap.dedent(
    """
    def compute(model, sub, x, t):
        out = {f"act/{k}": v for k, v in Activations(model).attribute(x).items()}
        out["gradcam"] = GradCAM(model, "c2").attribute(x, target=t).maps
        out["gradcam_default"] = GradCAM(model).attribute(x).maps
        out["gradcampp"] = GradCAMPlusPlus(model, "c2").attribute(x, target=t).maps
        out["layercam"] = LayerCAM(model, "c1").attribute(x, target=t).maps
        out["scorecam"] = ScoreCAM(model, "c2", batch_size=16).attribute(x, target=t).maps
        out["saliency"] = Saliency(model, abs=False).attribute(x, target=t).attributions
        ig = IntegratedGradients(model, steps=16, batch_size=32).attribute(x, target=t)
        out["ig"], out["ig_delta"] = ig.attributions, ig.delta
        out["smoothgrad"] = SmoothGrad(Saliency(model), samples=4, seed=3).attribute(x, target=t).maps
        out["subclassed"] = GradCAM(sub).attribute(x, target=t).maps
        # without the random transform: TensorFlow differentiates affine_transform approximately
        # (its registered gradient applies the inverse transform), JAX and PyTorch exactly
        out["maximize"] = maximize_activation(model, "c2", [0, 1], steps=3, seed=2, jitter=0, scales=(1.0,)).images
        return out
    """
)

SCRIPT = COMPUTE + textwrap.dedent(
    """
    import json, sys
    import numpy as np
    sys.path.insert(0, sys.argv[3])
    import keras, models
    from nbvis.inspect import (Activations, GradCAM, GradCAMPlusPlus, IntegratedGradients, LayerCAM, Saliency,
                               ScoreCAM, SmoothGrad, device_name, maximize_activation)
    data = np.load(sys.argv[1])
    model, sub = models.functional(), models.subclassed()
    model.set_weights([data[f"w{i}"] for i in range(int(data["n_model"]))])
    sub.set_weights([data[f"s{i}"] for i in range(int(data["n_sub"]))])
    before = [w.copy() for w in model.get_weights()]
    x, t = data["x"], data["t"]
    out = compute(model, sub, x, t)
    cam = GradCAM(model, "c2")
    cam.attribute(x, target=t)
    traced = cam.tracing_count
    cam.attribute(x[::-1].copy(), target=2)  # another image and class: no retrace where it compiles
    unchanged = all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    np.savez(sys.argv[2], **out)
    print(json.dumps({"backend": keras.backend.backend(), "device": device_name(), "unchanged": unchanged,
                      "retraced": cam.tracing_count - traced, "nbvis_tried_tensorflow": NBVIS_TRIED}))
    """
)


@pytest.fixture(scope="session")  # once per worker: xdist interleaves other modules' tests
def reference(tmp_path_factory):
    keras.utils.set_random_seed(7)
    model, sub = models.functional(), models.subclassed()
    x, t = models.images(4, seed=11), np.array([0, 1, 2, 1])
    path = tmp_path_factory.mktemp("weights") / "inputs.npz"
    weights = {f"w{i}": w for i, w in enumerate(model.get_weights())}
    weights.update({f"s{i}": w for i, w in enumerate(sub.get_weights())})
    np.savez(path, x=x, t=t, n_model=len(model.get_weights()), n_sub=len(sub.get_weights()), **weights)
    namespace = {"Activations": Activations, "GradCAM": GradCAM, "GradCAMPlusPlus": GradCAMPlusPlus,
                 "IntegratedGradients": IntegratedGradients, "LayerCAM": LayerCAM, "Saliency": Saliency,
                 "ScoreCAM": ScoreCAM, "SmoothGrad": SmoothGrad, "maximize_activation": maximize_activation}
    exec(COMPUTE, namespace)  # the very code the other backends run
    return path, namespace["compute"](model, sub, x, t)


@pytest.mark.parametrize("backend", [pytest.param("jax", marks=needs("jax")), pytest.param("torch", marks=needs("torch"))])
def test_every_method_gives_the_tensorflow_backends_maps_under_the_backend_without_tensorflow(backend, reference,
                                                                                               tmp_path):
    inputs, expected = reference
    out = run_under(backend, SCRIPT, str(inputs), str(tmp_path / "out.npz"), HERE)
    assert out["backend"] == backend and out["nbvis_tried_tensorflow"] == []
    assert out["device"] == "CPU:0"
    assert out["unchanged"]  # the taps left the model as it was
    if backend == "jax":
        assert out["retraced"] == 0  # jax.jit: another image or class reuses the compiled program
    got = dict(np.load(tmp_path / "out.npz"))
    assert set(got) == set(expected)
    for key, want in expected.items():
        scale = max(float(np.abs(want).max()), 1e-6)
        if key == "ig_delta":  # a small difference of large sums: measured against the sums
            scale = float(np.abs(expected["ig"].reshape(4, -1).sum(axis=1)).max())
        error = float(np.abs(got[key] - want).max()) / scale
        assert error <= 1e-4, (key, error)


def test_the_engine_imports_and_reports_its_device_without_tensorflow():
    script = "import nbvis.inspect as i, json; print(json.dumps({'device': i.device_name(), 'nbvis_tried_tensorflow': NBVIS_TRIED}))"
    out = run_under("jax", script)
    assert out == {"device": "CPU:0", "nbvis_tried_tensorflow": []}




WIDGET = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import models
    from nbvis.inspect.widget import METHODS, Inspector
    w = Inspector(models.functional(), models.images(2), class_names=["a", "b", "c"])
    states = {}
    for name in METHODS:
        w.method = name
        states[name] = [w._status["state"], w._cam.get("method")]
    w.maximize(2, steps=2)
    print(json.dumps({"preds": len(w._preds), "states": states, "gallery": w._gallery.get("total"),
                      "device": w._status["device"], "nbvis_tried_tensorflow": NBVIS_TRIED}))
    """
)


@pytest.mark.parametrize("backend", [pytest.param("jax", marks=needs("jax")), pytest.param("torch", marks=needs("torch"))])
def test_the_inspector_widget_works_under_the_backend_without_tensorflow(backend):
    out = run_under(backend, WIDGET, HERE)
    assert out["nbvis_tried_tensorflow"] == [] and out["device"] == "CPU:0"
    assert out["preds"] == 3  # the top-3 predictions, read off the backend's tensors
    assert out["states"] == {name: ["idle", name] for name in out["states"]} and len(out["states"]) == 7
    assert out["gallery"] == 2
