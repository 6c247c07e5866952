"""Views of training and models (tfjs-vis ``show.*``).

>>> cb = nbvis.show.fit_callbacks()          # a Keras callback with live charts
>>> model.fit(x, y, epochs=5, validation_split=0.2, callbacks=[cb])
>>> nbvis.show.history(model.history)        # a finished run
"""

from .training import TrainingPlots, fit_callbacks, history

__all__ = ["TrainingPlots", "fit_callbacks", "history"]
