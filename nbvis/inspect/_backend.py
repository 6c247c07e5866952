"""What differs between Keras backends: compiling, gradients, devices, copies to the host.

The inspection methods are written once, in ``keras.ops``; this module gives them the
three things ``keras.ops`` has no word for:

* :meth:`Backend.compile` — TensorFlow: ``tf.function``; JAX: ``jax.jit`` over the model's
  variables passed in as arguments (``keras.StatelessScope``), so a model whose weights
  change is never served a stale compiled copy; PyTorch: eager (a Keras model's Python
  layers and nbvis's taps defeat ``torch.compile``'s graph capture);
* :meth:`Backend.value_and_grad` — ``tf.GradientTape``, ``jax.value_and_grad``,
  ``torch.autograd.grad``;
* :meth:`Backend.device` — where the backend places work (``"GPU:0"`` or ``"CPU:0"``).

Nothing here imports a backend at module level: ``import nbvis.inspect`` works with
whichever backend Keras was started with, TensorFlow installed or not.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np

__all__ = ["Backend", "Compiled", "backend", "device_name"]


class Compiled:
    """One function compiled per static key (a layer path, a call index), traced lazily.

    ``tracing_count`` counts how often the Python body ran under a tracer: switching
    images or classes must not add to it.
    """

    def __init__(self, backend: Backend, fn: Callable[..., Any], model: Any) -> None:
        self._backend = backend
        self._fn = fn
        self._model = model
        self._by_key: dict[Hashable, Callable[..., Any]] = {}
        self._traces = 0
        #: Facts a trace learns about its key (e.g. whether the score was taken on logits).
        self.facts: dict[Hashable, Any] = {}

    @property
    def tracing_count(self) -> int:
        return self._traces

    def __call__(self, key: Hashable, *args: Any) -> Any:
        compiled = self._by_key.get(key)
        if compiled is None:
            compiled = self._by_key[key] = self._backend.compile(_Body(self, key), self._model)
        with self._backend.no_grad():  # PyTorch: no autograd graph unless a method asks for one
            return compiled(*args)

    def _trace(self, key: Hashable, *inner: Any) -> Any:
        self._traces += 1
        out, fact = self._fn(key, *inner)
        self.facts[key] = fact
        return out


class _Body:
    """The function compiled for one key. An object, not a closure: ``tf.function`` counts
    traces per function *code*, which every closure shares, so five layers or methods
    compiled in a row printed "triggered tf.function retracing" though none retraced."""

    def __init__(self, compiled: Compiled, key: Hashable) -> None:
        self._compiled = compiled
        self._key = key

    def __call__(self, *inner: Any) -> Any:
        return self._compiled._trace(self._key, *inner)


class Backend:
    """The backend Keras runs on (``keras.backend.backend()``)."""

    def device(self) -> str:
        raise NotImplementedError

    def compile(self, fn: Callable[..., Any], model: Any) -> Callable[..., Any]:
        return fn

    def value_and_grad(self, fn: Callable[..., Any], args: Sequence[Any]) -> tuple[Any, list[Any | None]]:
        """Call ``fn(*args) -> (scalar, aux)``; return ``aux`` and d scalar / d each arg."""
        raise NotImplementedError

    def no_grad(self) -> Any:
        import contextlib

        return contextlib.nullcontext()

    def compiler(self, fn: Callable[..., Any], model: Any) -> Compiled:
        return Compiled(self, fn, model)

    @staticmethod
    def numpy(x: Any) -> np.ndarray:
        """``x`` as a numpy array: shared, not copied, where the tensor is already in host
        memory (``keras.ops.convert_to_numpy`` always copies: 1.35 GB of MobileNetV2
        activations took 430 ms that way on 2 CPU cores, and 0.1 ms shared)."""
        return np.asarray(x)


class _TensorFlow(Backend):
    def device(self) -> str:
        import tensorflow as tf

        return "GPU:0" if tf.config.list_logical_devices("GPU") else "CPU:0"

    def compile(self, fn: Callable[..., Any], model: Any) -> Callable[..., Any]:
        import tensorflow as tf

        return tf.function(fn, reduce_retracing=True)

    def value_and_grad(self, fn: Callable[..., Any], args: Sequence[Any]) -> tuple[Any, list[Any | None]]:
        import tensorflow as tf

        with tf.GradientTape(watch_accessed_variables=False) as tape:
            for a in args:
                tape.watch(a)
            value, aux = fn(*args)
        return aux, list(tape.gradient(value, list(args)))


class _Jax(Backend):
    def device(self) -> str:
        import jax

        return "GPU:0" if jax.devices()[0].platform in ("gpu", "cuda", "rocm") else "CPU:0"

    def compile(self, fn: Callable[..., Any], model: Any) -> Callable[..., Any]:
        import jax
        import keras

        variables = list(model.variables)

        def pure(values: list[Any], *args: Any) -> Any:
            with keras.StatelessScope(state_mapping=list(zip(variables, values))):
                return fn(*args)

        jitted = jax.jit(pure)
        return lambda *args: jitted([v.value for v in variables], *args)

    def value_and_grad(self, fn: Callable[..., Any], args: Sequence[Any]) -> tuple[Any, list[Any | None]]:
        import jax

        (_, aux), grads = jax.value_and_grad(fn, argnums=tuple(range(len(args))), has_aux=True)(*args)
        return aux, list(grads)


class _Torch(Backend):
    def device(self) -> str:
        from keras.src.backend.torch.core import get_device

        return "GPU:0" if str(get_device()).startswith("cuda") else "CPU:0"

    def value_and_grad(self, fn: Callable[..., Any], args: Sequence[Any]) -> tuple[Any, list[Any | None]]:
        import torch

        leaves = [a.detach().requires_grad_(True) for a in args]
        with torch.enable_grad():
            value, aux = fn(*leaves)
            grads = torch.autograd.grad(value, leaves, allow_unused=True)
        detach = lambda t: t.detach() if isinstance(t, torch.Tensor) else t  # noqa: E731
        import keras

        return keras.tree.map_structure(detach, aux), [None if g is None else g.detach() for g in grads]

    def no_grad(self) -> Any:
        import torch

        return torch.no_grad()

    @staticmethod
    def numpy(x: Any) -> np.ndarray:
        import torch

        if isinstance(x, torch.Tensor):
            x = x.detach()
            return (x if x.device.type == "cpu" else x.cpu()).numpy()
        return np.asarray(x)


_BACKENDS: dict[str, type[Backend]] = {"tensorflow": _TensorFlow, "jax": _Jax, "torch": _Torch}


def backend() -> Backend:
    """The :class:`Backend` for the backend Keras runs on."""
    import keras

    name = keras.backend.backend()
    kind = _BACKENDS.get(name)
    if kind is None:
        msg = f"nbvis.inspect supports the tensorflow, jax and torch Keras backends, not {name!r}"
        raise RuntimeError(msg)
    return kind()


def device_name() -> str:
    """Where the Keras backend places work by default: ``"GPU:0"`` or ``"CPU:0"``."""
    return backend().device()
