"""What every result type shares: it converts like its main array and says what it holds.

``np.asarray(GradCAM(model).attribute(x))`` is the maps, as a Captum user (or code written
before the results carried their metadata) expects; ``repr`` lists each field's shape and
dtype instead of printing whole arrays.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

__all__ = ["ArrayResult", "describe"]


def describe(value: Any) -> str:
    """A short text for one field: arrays by shape and dtype, everything else by ``repr``."""
    if isinstance(value, np.ndarray):
        return f"array{value.shape} {value.dtype}"
    return repr(value)


class ArrayResult:
    """Mixin for the frozen result dataclasses: ``np.asarray(result)`` is ``result.<MAIN>``."""

    #: The field that ``np.asarray`` returns.
    MAIN: ClassVar[str]

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        array = np.asarray(getattr(self, self.MAIN))
        if dtype is not None:
            array = array.astype(dtype, copy=False)
        return array.copy() if copy else array

    def __repr__(self) -> str:
        fields = ", ".join(f"{f.name}={describe(getattr(self, f.name))}"
                           for f in dataclasses.fields(self))  # type: ignore[arg-type]
        return f"{type(self).__name__}({fields}; np.asarray gives .{self.MAIN})"
