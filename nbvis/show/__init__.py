"""Views of training, models and results (tfjs-vis ``show.*``).

>>> cb = nbvis.show.fit_callbacks()          # a Keras callback with live charts
>>> model.fit(x, y, epochs=5, validation_split=0.2, callbacks=[cb])
>>> nbvis.show.history(model.history)        # a finished run
>>> nbvis.show.model_summary(model)          # layers, shapes, parameters (nested models fold)
>>> nbvis.show.layer(model.layers[0])        # weight stats and histograms
>>> nbvis.show.confusion_matrix(y_test, model.predict(x_test), class_names=names)
"""

from .model import layer, model_summary
from .quality import confusion_matrix, per_class_accuracy, pr_curve, roc_curve
from .runs import runs
from .tensor import values_distribution
from .training import TrainingPlots, fit_callbacks, history

__all__ = [
    "TrainingPlots",
    "confusion_matrix",
    "fit_callbacks",
    "history",
    "layer",
    "model_summary",
    "per_class_accuracy",
    "pr_curve",
    "roc_curve",
    "runs",
    "values_distribution",
]
