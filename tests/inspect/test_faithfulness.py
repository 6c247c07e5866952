"""Every attribution method on a CNN trained in the test, on synthetic shapes with known object positions.

* pointing game: the hottest point of the (upsampled) map lies on the object;
* parameter randomisation (Adebayo et al. 2018): maps of the same architecture with
  random weights must not resemble the trained maps. Localisation alone is not
  faithfulness: on these bright objects even a random CNN points well (~0.9), so the
  pointing game catches misaligned or transposed maps and this test catches maps that
  do not depend on what the model learned.

Measured here (median Spearman, trained vs fully randomised weights, 48 images):
Grad-CAM 0.10, Saliency 0.15, SmoothGrad 0.27 at 10 % noise (the paper's lower end;
0.39 at 20 %, tf-keras-vis's default, which averages more of the input in), Integrated Gradients
-0.06 (its maps are signed; by absolute value 0.59), Grad-CAM++ 0.54, Layer-CAM 0.54,
Score-CAM 0.63. The last three weight the layer's activations with weights that are
never negative (relu(gradient), softmax scores): a random CNN's activations already
outline these bright objects (its Grad-CAM points at them 98 % of the time), so a
positive sum of them keeps the object's shape. That is the methods', not the code's:
all three agree with tf-keras-vis to 1e-7 (test_methods.py). Their tests are strict
expected failures, so a change that makes them pass is noticed too.

Pointing game with the kept weights (160 shapes): Grad-CAM, Grad-CAM++, Layer-CAM,
SmoothGrad and Integrated Gradients 1.000, Saliency 0.994 (one shape), Score-CAM 0.981.

The CNN is :func:`nbvis.datasets.shapes_cnn`, with the weights kept in the package: training's
float results differ between CPUs (one AMD EPYC machine's weights made Saliency miss one shape
of 160 more than Grad-CAM), and these tests check the methods, not the training. To train them
again: ``python tests/inspect/test_faithfulness.py`` (the recipe is :func:`train`).
"""

import keras
import numpy as np
import pytest
from scipy.stats import rankdata

from nbvis.datasets import shapes, shapes_cnn
from nbvis.inspect import (
    GradCAM,
    GradCAMPlusPlus,
    IntegratedGradients,
    LayerCAM,
    Saliency,
    ScoreCAM,
    SmoothGrad,
    upsample,
)

TOLERANCE = 2  # pixels around the object box
# Where a method is compared with Grad-CAM's hit rate, one shape of the 160: the hottest
# pixel is an argmax, and where two pixels are within float rounding of each other another
# CPU's summation order can move it (a method two shapes worse than Grad-CAM still fails).
ONE_SHAPE = 1 / 160


def train() -> keras.Model:
    """The recipe of the kept weights: 5 epochs on 3,000 shapes (about a minute on 2 cores)."""
    keras.utils.set_random_seed(0)
    data = shapes(3000, seed=1)
    model = shapes_cnn(trained=False)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(data.images, data.labels, epochs=5, batch_size=64, verbose=0)
    return model


@pytest.fixture(scope="session")  # once per worker: xdist interleaves other modules' tests
def trained():
    model = shapes_cnn()
    test = shapes(160, seed=2)
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
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
    """Spearman's rank correlation, ties ranked by their average (ReLU'd maps have many zeros)."""
    ra, rb = rankdata(a), rankdata(b)
    ra -= ra.mean()
    rb -= rb.mean()
    return float((ra * rb).sum() / np.sqrt((ra**2).sum() * (rb**2).sum() + 1e-12))


def test_pointing_game_hit_rate_is_at_least_085(trained):
    model, test, accuracy = trained
    assert accuracy >= 0.95, f"the test CNN did not train (accuracy {accuracy:.2f})"
    cam = GradCAM(model)
    result = cam.attribute(test.images, target=test.labels)
    maps = result.maps
    assert result.layer.path == "conv4" and result.scored_on == "logits"
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
    real = GradCAM(model, "conv4").attribute(x, target=y).maps
    rand = GradCAM(random_model, "conv4").attribute(x, target=y).maps
    rhos = [spearman(a.ravel(), b.ravel()) for a, b in zip(real, rand)]
    median = float(np.median(rhos))
    random_hits = pointing_hits(rand, test.boxes[:64]).mean()
    print(f"median Spearman trained vs random: {median:.3f}; random model pointing game {random_hits:.3f}")
    assert median <= 0.3


# each method, as the inspector would run it on this model (CAMs at the last conv layer)
METHODS = {
    "Grad-CAM++": lambda m: GradCAMPlusPlus(m, "conv4"),
    "Layer-CAM": lambda m: LayerCAM(m, "conv4"),
    "Score-CAM": lambda m: ScoreCAM(m, "conv4", batch_size=256),
    "Saliency": lambda m: Saliency(m),
    "SmoothGrad": lambda m: SmoothGrad(Saliency(m), samples=16, noise=0.1, seed=0),
    "Integrated Gradients": lambda m: IntegratedGradients(m, steps=32, batch_size=256),
}
POSITIVE_WEIGHTS = "activations summed with never-negative weights keep the object's outline under a random CNN"
RANDOMISATION_XFAIL = {name: pytest.mark.xfail(strict=True, reason=POSITIVE_WEIGHTS)
                       for name in ("Grad-CAM++", "Layer-CAM", "Score-CAM")}


def with_marks(names, marks):
    return [pytest.param(n, marks=marks[n]) if n in marks else n for n in names]


@pytest.fixture(scope="session")
def gradcam_hits(trained):
    model, test, _ = trained
    return pointing_hits(GradCAM(model).attribute(test.images, target=test.labels).maps, test.boxes).mean()


@pytest.fixture(scope="session")
def method_hits(trained):
    model, test, _ = trained
    out = {}
    for name, make in METHODS.items():
        # where a method points: signed maps (Integrated Gradients) by absolute value
        maps = np.abs(make(model).attribute(test.images, target=test.labels).maps)
        out[name] = pointing_hits(maps, test.boxes).mean()
    print("pointing game:", {k: round(float(v), 3) for k, v in out.items()})
    return out


@pytest.mark.parametrize("name", list(METHODS))
def test_each_method_points_at_the_object(method_hits, name):
    assert method_hits[name] >= 0.85


@pytest.mark.parametrize("name", with_marks(METHODS, {"Score-CAM": pytest.mark.xfail(
    strict=True, reason="0.981 vs 1.000: three class-1 shapes near the left edge, where a channel that answers "
                        "the zero padding outweighs the object (more than the one-shape margin)")}))
def test_each_method_points_at_the_object_at_least_as_well_as_gradcam(method_hits, gradcam_hits, name):
    assert method_hits[name] >= gradcam_hits - ONE_SHAPE - 1e-9


@pytest.mark.parametrize("name", with_marks(METHODS, RANDOMISATION_XFAIL))
def test_each_methods_maps_of_a_randomised_model_do_not_resemble_the_trained_maps(trained, name):
    model, test, _ = trained
    keras.utils.set_random_seed(99)
    random_model = keras.models.clone_model(model)
    x, y = test.images[:48], test.labels[:48]
    real = METHODS[name](model).attribute(x, target=y).maps
    rand = METHODS[name](random_model).attribute(x, target=y).maps
    median = float(np.median([spearman(a.ravel(), b.ravel()) for a, b in zip(real, rand)]))
    print(f"median Spearman trained vs random, {name}: {median:.3f}")
    assert median <= 0.3


def test_integrated_gradients_are_complete_within_one_percent_at_64_steps(trained):
    model, test, _ = trained
    x, y = test.images[:24], test.labels[:24]
    result = IntegratedGradients(model, steps=64, batch_size=256).attribute(x, target=y)
    logits = GradCAM(model).scores(np.concatenate([x, np.zeros_like(x)]), np.concatenate([y, y]))[0]
    gap = logits[np.arange(24), y] - logits[24 + np.arange(24), y]  # f(x) - f(baseline), on the logits
    total = result.attributions.reshape(24, -1).sum(axis=1)
    assert result.scored_on == "logits"
    np.testing.assert_allclose(total - gap, result.delta, atol=1e-4 * np.abs(gap).max())
    # within 1 % of f(x) - f(baseline); of one logit where that difference is smaller
    scale = np.maximum(np.abs(gap), 1.0)
    assert (np.abs(total - gap) <= 0.01 * scale).all(), np.abs(total - gap) / scale
    # and the check has teeth: too few steps on this ReLU network miss it
    rough = IntegratedGradients(model, steps=2, batch_size=256).attribute(x, target=y)
    assert (np.abs(rough.delta) > 0.01 * scale).any()


if __name__ == "__main__":  # train the kept weights again
    from pathlib import Path

    kept = Path(__file__).resolve().parents[2] / "nbvis" / "_data" / "shapes_cnn.npz"
    np.savez_compressed(kept, **{f"w{i}": w for i, w in enumerate(train().get_weights())})
    print(f"wrote {kept} ({kept.stat().st_size:,} bytes)")
