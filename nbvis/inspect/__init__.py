"""Model inspection: the Inspector widget and its engine (activations, Grad-CAM, max-activation).

``nbvis.inspect(model, images)`` opens the Inspector widget (this module is callable);
the engine's classes are imported from it: ``from nbvis.inspect import GradCAM``.

The engine (``Activations``, ``GradCAM``, ``GradCAMPlusPlus``, ``MaximizeActivation``)
has Captum's shape: configuration in ``__init__``, work in a stateless ``attribute()``
that returns everything it computed. TensorFlow is imported when a method is first
used, not by ``import nbvis``. Everything runs compiled (``tf.function``), on the GPU
when TensorFlow sees one; each result reports its ``device``.

>>> from nbvis.inspect import Activations, GradCAM, list_layers
>>> [info.path for info in list_layers(model)]          # nested models included
>>> GradCAM(model).attribute(images).maps               # (N, h, w)
>>> acts = Activations(model).attribute(images)         # {path: array}, one forward pass
"""

import sys
import types
from typing import Any

from .._colors import colormap
from .._layers import LayerInfo, list_layers, resolve_layer
from ._tf import device_name
from .activations import Activations
from .cam import CAMResult, GradCAM, GradCAMPlusPlus, colorize, normalize, overlay, upsample
from .maximize import MaxActivationResult, MaximizeActivation, maximize_activation


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
    "CAMResult",
    "GradCAM",
    "GradCAMPlusPlus",
    "LayerInfo",
    "MaxActivationResult",
    "MaximizeActivation",
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
