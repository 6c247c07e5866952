"""Kernel-side columnar tables and their binary wire encoding.

A chart's data lives here as named tables of growable numpy columns. Numeric
columns are float64, or stored as they are sent where a column is ``compact``
(int32, float32, uint8); categorical columns (e.g. series names) are integer codes
plus an append-only list of categories. :func:`encode` turns a row range of a
table into a small JSON header plus one little-endian buffer per column — the
only form in which data travels to the browser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

__all__ = ["Blocks", "ColumnSpec", "GrowingArray", "Repeated", "Table", "encode", "narrowed"]

Precision = Literal["exact", "f32", "u8"]
#: How narrow a compact number column may be stored, widening only when a value does not fit:
#: ``"int"`` int32 -> int64 -> float64 (integers in range); ``"f32"`` float32 -> float64
#: (finite values within float32's range: for columns sent as float32 anyway); ``"f32_exact"``
#: float32 -> float64 (values float32 holds exactly, NaN too); ``"f64"`` float64 always.
Narrowing = Literal["int", "f32", "f32_exact", "f64"]

_INT32_MAX = np.iinfo(np.int32).max
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_LADDERS: dict[str, tuple[type, ...]] = {
    "int": (np.int32, np.int64, np.float64),
    "f32": (np.float32, np.float64),
    "f32_exact": (np.float32, np.float64),
    "f64": (np.float64,),
}


def _holds(dtype: type, values: np.ndarray, rule: Narrowing) -> bool:
    """Whether ``dtype`` stores ``values`` without changing any of them (by ``rule``)."""
    if dtype is np.float64 or values.size == 0:
        return True
    if rule == "int":
        integral = values.dtype.kind in "iub" or (np.isfinite(values).all() and np.array_equal(values, np.trunc(values)))
        if not integral:
            return False
        info = np.iinfo(dtype)
        return bool(values.min() >= info.min and values.max() <= info.max)
    if rule == "f32":
        finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values
        return finite.size == 0 or float(np.abs(finite).max()) <= _FLOAT32_MAX
    with np.errstate(over="ignore", invalid="ignore"):  # f32_exact
        return bool(np.array_equal(values.astype(np.float32), values, equal_nan=True))


def narrowed(values: np.ndarray | Sequence[float], rule: Narrowing, at_least: type | None = None) -> np.ndarray:
    """``values`` in the narrowest dtype of ``rule``'s ladder (no narrower than
    ``at_least``) that holds every one of them unchanged; no copy when they already are.

    Examples
    --------
    >>> narrowed([1.0, 2.0], "int").dtype, narrowed([0.5, 0.1], "f32_exact").dtype
    (dtype('int32'), dtype('float64'))
    """
    array = np.asarray(values)
    ladder = _LADDERS[rule]
    start = ladder.index(at_least) if at_least in ladder else 0
    for dtype in ladder[start:]:
        if _holds(dtype, array, rule):
            return array.astype(dtype, copy=False)
    return array.astype(np.float64, copy=False)  # pragma: no cover - the ladders end with float64


def _with_room(data: np.ndarray, n: int, need: int, dtype: type, *, half: bool) -> np.ndarray:
    """``data`` with room for ``need`` values of ``dtype``, its first ``n`` kept: the same
    array when it has both, else a new one grown by half (or doubled) or widened."""
    capacity = len(data)
    if need > capacity:
        capacity = max(need, capacity + (capacity // 2 if half else capacity), 16)
    if capacity == len(data) and data.dtype == dtype:
        return data
    grown: np.ndarray = np.empty(capacity, dtype=dtype)
    grown[:n] = data[:n]
    return grown


class GrowingArray:
    """A 1-D array that grows by appends (amortised O(1)) and is stored as narrow as
    ``rule`` allows, widening when an appended value does not fit (see :data:`Narrowing`).

    Examples
    --------
    >>> a = GrowingArray("int")
    >>> a.extend([1, 2]); a.view().dtype
    dtype('int32')
    >>> a.extend([2.5]); a.view().tolist()
    [1.0, 2.0, 2.5]
    """

    __slots__ = ("data", "n", "rule")

    def __init__(self, rule: Narrowing = "f64", values: np.ndarray | Sequence[float] = ()) -> None:
        self.rule: Narrowing = rule
        self.data = narrowed(values, rule).copy() if len(values) else np.empty(0, _LADDERS[rule][0])
        self.n = len(self.data)

    def extend(self, values: np.ndarray | Sequence[float]) -> None:
        if not len(values):
            return
        new = narrowed(values, self.rule, self.data.dtype.type)
        need = self.n + len(new)
        self.data = _with_room(self.data, self.n, need, new.dtype.type, half=True)
        self.data[self.n : need] = new
        self.n = need

    def view(self) -> np.ndarray:
        """The values so far (a view: copy it to keep it)."""
        return self.data[: self.n]

    @property
    def nbytes(self) -> int:
        return int(self.data.nbytes)


@dataclass(frozen=True)
class Repeated:
    """One label for ``n`` rows of a category column: ``Table.append({"run": Repeated("a", 10_000), ...})``
    encodes it once instead of per row."""

    label: str
    n: int

    def __len__(self) -> int:
        return self.n


@dataclass(frozen=True)
class Blocks:
    """Labels in consecutive blocks of one label each: ``Blocks((Repeated("a", 3), Repeated("b", 2)))``
    is a, a, a, b, b, encoded a block at a time (a million rows of a few series as a few labels,
    not a million strings)."""

    blocks: tuple[Repeated, ...]

    def __len__(self) -> int:
        return sum(block.n for block in self.blocks)


@dataclass(frozen=True)
class ColumnSpec:
    """How one column is stored and sent.

    Parameters
    ----------
    kind : {"number", "category"}
        Numbers are stored as float64; categories as codes into a list of strings.
    precision : {"exact", "f32", "u8"}
        Wire precision of a number column. ``"exact"`` sends int32 when every value
        is an integer in range and float64 otherwise; ``"f32"`` sends float32 (about
        7 significant digits), falling back to float64 for values beyond float32's range;
        ``"u8"`` stores and sends bytes (pixels), one byte per value.
    compact : bool
        Store the column as it is sent, widening only when a value needs it: category
        codes as uint8, then uint16, then int32 as categories are added; ``"exact"``
        numbers as int32 while they are integers in range (then float64); ``"f32"`` numbers
        as float32 while finite values are in range (then float64). Encoding such a column
        copies nothing. For big append-only tables (a runs board); the default stores
        float64 and int32 codes.
    """

    kind: Literal["number", "category"] = "number"
    precision: Precision = "exact"
    compact: bool = False


@dataclass
class _Column:
    spec: ColumnSpec
    data: np.ndarray
    categories: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)

    def codes_for(self, labels: Sequence[str] | Repeated | Blocks) -> np.ndarray:
        if isinstance(labels, Blocks):
            parts = [self.codes_for(block) for block in labels.blocks]
            return np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)
        if isinstance(labels, Repeated):
            code = self.index.get(labels.label)
            if code is None:
                code = self.index[labels.label] = len(self.categories)
                self.categories.append(labels.label)
            return np.full(labels.n, code, dtype=np.int32)
        if len(labels) <= 64:  # the common streaming case: a few rows per append
            codes = np.empty(len(labels), dtype=np.int32)
            for i, label in enumerate(labels):
                code = self.index.get(label)
                if code is None:
                    code = self.index[label] = len(self.categories)
                    self.categories.append(str(label))
                codes[i] = code
            return codes
        unique, inverse = np.unique(np.asarray(labels, dtype=object), return_inverse=True)
        # keep categories in order of first appearance, not sorted order
        first = np.full(len(unique), len(labels))
        np.minimum.at(first, inverse, np.arange(len(labels)))
        mapping = np.empty(len(unique), dtype=np.int32)
        for u in np.argsort(first, kind="stable"):
            label = str(unique[u])
            code = self.index.get(label)
            if code is None:
                code = self.index[label] = len(self.categories)
                self.categories.append(label)
            mapping[u] = code
        return mapping[inverse]


class Table:
    """A growable table of named columns (amortised O(1) appends).

    Parameters
    ----------
    columns : mapping of str to ColumnSpec
        The column names and kinds, fixed for the table's lifetime.

    Examples
    --------
    >>> t = Table({"x": ColumnSpec(), "series": ColumnSpec("category")})
    >>> t.append({"x": np.arange(3.0), "series": ["a", "a", "b"]})
    >>> t.n, t.categories("series")
    (3, ['a', 'b'])
    """

    def __init__(self, columns: Mapping[str, ColumnSpec]) -> None:
        self.specs = dict(columns)
        self.n = 0
        self._columns: dict[str, _Column] = {}
        self.clear()

    def clear(self) -> None:
        """Drop every row (categories are kept, so codes already sent stay valid)."""
        old = getattr(self, "_columns", {})
        self._columns = {
            name: _Column(
                spec,
                np.empty(16, dtype=_storage(spec)),
                list(old[name].categories) if name in old else [],
                dict(old[name].index) if name in old else {},
            )
            for name, spec in self.specs.items()
        }
        self.n = 0

    def append(self, values: Mapping[str, np.ndarray | Sequence[str] | Repeated | Blocks]) -> None:
        """Append rows given as equally long columns, one per column of the table."""
        if set(values) != set(self.specs):
            msg = f"columns {sorted(values)} do not match the table's {sorted(self.specs)}"
            raise ValueError(msg)
        lengths = {len(v) for v in values.values()}
        if len(lengths) != 1:
            msg = f"columns have different lengths {sorted(lengths)}"
            raise ValueError(msg)
        (m,) = lengths
        stop = self.n + m
        for name, column in self._columns.items():
            spec = column.spec
            if spec.kind == "category":
                new = column.codes_for(values[name])  # type: ignore[arg-type]
                dtype = _code_dtype(len(column.categories)) if spec.compact else column.data.dtype.type
            elif spec.compact and spec.precision != "u8":
                new = narrowed(values[name], _rule(spec), column.data.dtype.type)  # type: ignore[arg-type]
                dtype = new.dtype.type
            else:
                new, dtype = values[name], column.data.dtype.type  # type: ignore[assignment]
            # compact tables grow by half (they are the big ones), the others double
            column.data = _with_room(column.data, self.n, stop, dtype, half=spec.compact)
            column.data[self.n : stop] = new
        self.n = stop

    def take(self, rows: np.ndarray) -> Table:
        """A new table of the given rows (indices), with the same columns and categories."""
        out = Table(self.specs)
        for name, column in self._columns.items():
            target = out._columns[name]
            target.data = column.data[: self.n][rows].copy()
            target.categories = list(column.categories)
            target.index = dict(column.index)
        out.n = len(rows)
        return out

    def keep(self, mask: np.ndarray) -> None:
        """Drop, in place, the rows where ``mask`` is false (categories are kept)."""
        for column in self._columns.values():
            kept = column.data[: self.n][mask]
            column.data[: kept.size] = kept
        self.n = int(np.count_nonzero(mask))

    def column(self, name: str) -> np.ndarray:
        """The stored values of a column (codes for a category column); a view."""
        return self._columns[name].data[: self.n]

    def categories(self, name: str) -> list[str]:
        """The categories of a category column, in order of first appearance."""
        return list(self._columns[name].categories)

    def labels(self, name: str) -> list[str]:
        """The values of a category column as strings."""
        cats = self._columns[name].categories
        return [cats[c] for c in self.column(name)]


def _storage(spec: ColumnSpec) -> type:
    if spec.kind == "category":
        return np.uint8 if spec.compact else np.int32
    if spec.precision == "u8":
        return np.uint8
    if spec.compact:
        return _LADDERS[_rule(spec)][0]
    return np.float64


def _rule(spec: ColumnSpec) -> Narrowing:
    return "f32" if spec.precision == "f32" else "int"


def _code_dtype(n_categories: int) -> type:
    return np.uint8 if n_categories <= 256 else np.uint16 if n_categories <= 65536 else np.int32


def _number_wire(values: np.ndarray, precision: Precision) -> tuple[str, np.ndarray]:
    if precision == "u8":
        return "u8", values
    if values.dtype == np.int32:  # a compact column: sent as it is stored
        return "i32", values
    if values.dtype == np.float32:
        return "f32", values
    finite = values[np.isfinite(values)]
    if precision == "f32":
        if finite.size == 0 or float(np.abs(finite).max()) <= _FLOAT32_MAX:
            return "f32", values.astype("<f4")
        return "f64", values.astype("<f8")
    if (
        finite.size == values.size
        and (values.size == 0 or float(np.abs(values).max()) <= _INT32_MAX)
        and bool(np.all(values == np.round(values)))
    ):
        return "i32", values.astype("<i4")
    return "f64", values.astype("<f8")


def _code_wire(codes: np.ndarray, n_categories: int) -> tuple[str, np.ndarray]:
    dtype = _code_dtype(n_categories)
    return _CODE_WIRE[dtype], codes.astype(np.dtype(dtype).newbyteorder("<"), copy=False)


_CODE_WIRE: dict[type, str] = {np.uint8: "u8", np.uint16: "u16", np.int32: "i32"}


def encode(
    table: Table, start: int = 0, stop: int | None = None
) -> tuple[dict[str, object], list[memoryview]]:
    """Encode rows ``[start, stop)`` of a table for the wire.

    Returns
    -------
    header : dict
        ``{"n": rows, "columns": {name: {"dtype": ..., "buf": i, "categories"?: [...]}}}``
    buffers : list of memoryview
        One little-endian buffer per column; ``buf`` indexes into this list.
    """
    stop = table.n if stop is None else stop
    columns: dict[str, object] = {}
    buffers: list[memoryview] = []
    for name, spec in table.specs.items():
        values = table.column(name)[start:stop]
        entry: dict[str, object] = {}
        if spec.kind == "category":
            categories = table.categories(name)
            dtype, wire = _code_wire(values, len(categories))
            entry["categories"] = categories
        else:
            dtype, wire = _number_wire(values, spec.precision)
        if not spec.compact and spec.precision != "u8" and np.may_share_memory(wire, values):
            wire = wire.copy()  # a view of a table that may change in place (a window); compact ones are append-only
        entry.update(dtype=dtype, buf=len(buffers))
        buffers.append(memoryview(np.ascontiguousarray(wire).view(np.uint8).data))
        columns[name] = entry
    return {"n": stop - start, "columns": columns}, buffers
