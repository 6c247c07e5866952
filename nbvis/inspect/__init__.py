"""Model inspection: the Inspector widget and its engine (activations, attributions, max-activation).

``nbvis.inspect(model, images)`` opens the Inspector widget (this module is callable);
the engine's classes are imported from it: ``from nbvis.inspect import GradCAM``.

The engine has Captum's shape: configuration in ``__init__``, work in a stateless
``attribute()`` that returns everything it computed.

* ``Activations``: any layers' outputs from one forward pass;
* class activation maps: ``GradCAM``, ``GradCAMPlusPlus``, ``LayerCAM``, ``ScoreCAM``;
* input-space attributions: ``Saliency``, ``IntegratedGradients``, and ``SmoothGrad``
  around any of the methods;
* ``MaximizeActivation``: inputs that excite chosen filters.

Written in ``keras.ops``, it runs on every Keras backend (TensorFlow, JAX, PyTorch),
compiled where the backend compiles (``tf.function``, ``jax.jit``), on the GPU when the
backend sees one; each result reports its ``device``. No backend is imported by
``import nbvis``.

>>> from nbvis.inspect import Activations, GradCAM, SmoothGrad, Saliency, list_layers
>>> [info.path for info in list_layers(model)]          # nested models included
>>> GradCAM(model).attribute(images).maps               # (N, h, w)
>>> SmoothGrad(Saliency(model), seed=0).attribute(images, target=3).maps    # (N, H, W)
>>> acts = Activations(model).attribute(images)         # {path: array}, one forward pass
"""

import sys
import types
from typing import Any

from .._colors import colormap
from .._layers import LayerInfo, list_layers, resolve_layer
from .._validate import strict_kwargs
from ._backend import device_name
from .activations import Activations, LayerActivations
from .cam import CAMResult, GradCAM, GradCAMPlusPlus, LayerCAM, ScoreCAM
from .gradients import AttributionResult, IntegratedGradients, Saliency, SmoothGrad
from .maximize import MaxActivationResult, MaximizeActivation, maximize_activation
from .pictures import colorize, normalize, overlay, upsample


@strict_kwargs
def inspect(model: Any, images: Any, *, labels: Any = None, class_names: Any = None, layers: Any = None) -> Any:
    """An interactive inspector of ``model`` on ``images`` (see :class:`nbvis.inspect.widget.Inspector`).

    Feature maps of any layer, top-k predictions, the Grad-CAM of a chosen class over the
    image, and max-activation images on request.

    Examples
    --------
    >>> nbvis.inspect.inspect(model, x_test[:8], labels=y_test[:8], class_names=names)
    """
    from .widget import inspect as _inspect  # needs the built front end

    return _inspect(model, images, labels=labels, class_names=class_names, layers=layers)


__all__ = [
    "Activations",
    "AttributionResult",
    "CAMResult",
    "GradCAM",
    "GradCAMPlusPlus",
    "IntegratedGradients",
    "LayerActivations",
    "LayerCAM",
    "LayerInfo",
    "MaxActivationResult",
    "MaximizeActivation",
    "Saliency",
    "ScoreCAM",
    "SmoothGrad",
    "colorize",
    "colormap",
    "device_name",
    "inspect",
    "list_layers",
    "maximize_activation",
    "normalize",
    "overlay",
    "resolve_layer",
    "upsample",
]


class _CallableModule(types.ModuleType):
    """Lets ``nbvis.inspect(model, images)`` open the widget while ``nbvis.inspect`` stays a module."""

    def __call__(self, model: Any, images: Any, **kwargs: Any) -> Any:
        return inspect(model, images, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
