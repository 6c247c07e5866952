"""Model inspection engine: internal activations, Grad-CAM and activation maximisation.

Compute only (the inspector widget builds on it). TensorFlow is imported when a method
is first used, not by ``import nbvis``. Everything runs compiled (``tf.function``), on
the GPU when TensorFlow sees one; each object reports its ``device``.

>>> from nbvis.inspect import Activations, GradCAM, list_layers
>>> [info.path for info in list_layers(model)]          # nested models included
>>> maps = GradCAM(model).attribute(images)             # (N, h, w)
>>> acts = Activations(model).attribute(images)         # {path: array}, one forward pass
"""

from ._layers import LayerInfo, list_layers, resolve_layer
from ._tf import device_name
from .activations import Activations
from .cam import GradCAM, GradCAMPlusPlus, colorize, colormap, normalize, overlay, upsample
from .maximize import MaxActivation, MaximizeActivation, maximize_activation



def inspect(model, images, *, labels=None, class_names=None, layers=None):  # noqa: ANN001, ANN201
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
    "GradCAM",
    "GradCAMPlusPlus",
    "LayerInfo",
    "MaxActivation",
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
