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
from .cam import GradCAM, GradCAMPlusPlus, colorize, normalize, overlay, upsample
from .maximize import MaxActivation, MaximizeActivation, maximize_activation

__all__ = [
    "Activations",
    "GradCAM",
    "GradCAMPlusPlus",
    "LayerInfo",
    "MaxActivation",
    "MaximizeActivation",
    "colorize",
    "device_name",
    "list_layers",
    "maximize_activation",
    "normalize",
    "overlay",
    "resolve_layer",
    "upsample",
]
