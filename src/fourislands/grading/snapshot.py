"""Answer snapshots: a student's value as plain JSON that keeps its type, so tests see what was made.

`snapshot` runs beside the student's code and turns an answer into tagged JSON: a Series stays a
Series (name, index and dtype), a DataFrame keeps its index and column labels and their types, an
ndarray its dtype and shape, a tuple stays a tuple, numpy scalars stay numpy scalars. `restore`
runs in the grader on JSON that may be forged: it builds values only from data, checks every
field and dtype against a short list, and raises SnapshotError for anything else.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from ..fingerprint import Blank, ChartRecord, chart_summary

MAX_BYTES = 5_000_000
MAX_ITEMS = 100_000
MAX_DEPTH = 20
MAX_INT_DIGITS = 4000  # Python refuses to write longer integers as JSON anyway
INTEGER_DTYPES = re.compile(r"u?int(8|16|32|64)")
FLOAT_DTYPES = re.compile(r"float(16|32|64)")
TIME_DTYPES = re.compile(r"(datetime64|timedelta64)\[(s|ms|us|ns)\]")
NUMPY_TEXT_DTYPE = re.compile(r"[<>=|]?U\d{1,6}")
NULLABLE_DTYPES = {
    **{f"{p}Int{b}": getattr(pd, f"{p}Int{b}Dtype") for p in ("", "U") for b in (8, 16, 32, 64)},
    "Float32": pd.Float32Dtype,
    "Float64": pd.Float64Dtype,
    "boolean": pd.BooleanDtype,
}
CHART_FIELDS = {
    "title": str,
    "xlabel": str,
    "ylabel": str,
    "bars": int,
    "lines": int,
    "heights": list,
    "heights_left_to_right": list,
    "widths": list,
}


class TooLarge(ValueError):
    """An answer too large, or nested too deeply, to carry to the grader."""


class SnapshotError(ValueError):
    """JSON that is not a snapshot this module makes (damaged, or forged by a submission)."""


class Unsupported:
    """Stands for an answer of a kind the grader cannot carry (a function, a module...)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


class _Budget:
    """Counts the items a snapshot has taken, to stop at MAX_ITEMS."""

    def __init__(self) -> None:
        self.items = 0

    def take(self, count: int) -> None:
        self.items += count
        if self.items > MAX_ITEMS:
            raise TooLarge(f"more than {MAX_ITEMS:,} values")


# --- making a snapshot (beside the student's code) ------------------------------------------------


def _float(value: float) -> float | str:
    """Return a float JSON can carry: NaN and the infinities become text."""
    return value if math.isfinite(value) else str(value)


def _int(value: int) -> int:
    if value.bit_length() > MAX_INT_DIGITS * 3:
        raise TooLarge("an integer of thousands of digits")
    return value


def _value(value: Any, budget: _Budget, depth: int = 0) -> dict:
    """Return the tagged JSON form of any answer value."""
    if depth > MAX_DEPTH:
        raise TooLarge(f"values nested more than {MAX_DEPTH} deep")
    budget.take(1)
    if value is None:
        return {"t": "none"}
    if isinstance(value, Blank):
        return {"t": "blank"}
    if value is pd.NA:
        return {"t": "na"}
    if value is pd.NaT:
        return {"t": "nat"}
    if isinstance(value, ChartRecord) or (hasattr(value, "get_title") and hasattr(value, "patches")):
        return {"t": "chart", "summary": chart_summary(value)}
    if isinstance(value, pd.DataFrame):
        budget.take(value.size)
        return {
            "t": "frame",
            "index": _index(value.index, budget, depth),
            "columns": _index(value.columns, budget, depth),
            "data": [_column(value.iloc[:, i], budget, depth) for i in range(value.shape[1])],
        }
    if isinstance(value, pd.Series):
        budget.take(len(value))
        return {
            "t": "series",
            "name": _value(value.name, budget, depth + 1),
            "index": _index(value.index, budget, depth),
            "values": _column(value, budget, depth),
        }
    if isinstance(value, pd.Index):
        return {"t": "pandas-index", "index": _index(value, budget, depth)}
    if isinstance(value, np.ndarray):
        budget.take(value.size)
        return {
            "t": "ndarray",
            "shape": list(value.shape),
            "values": _column(value.reshape(-1), budget, depth),
        }
    if isinstance(value, np.generic):
        return {"t": "np", **_numpy_scalar(value)}
    if isinstance(value, bool):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, int):
        return {"t": "int", "v": _int(int(value))}
    if isinstance(value, float):
        return {"t": "float", "v": _float(float(value))}
    if isinstance(value, complex):
        return {"t": "complex", "re": _float(value.real), "im": _float(value.imag)}
    if isinstance(value, str):
        if len(value) > MAX_BYTES:
            raise TooLarge(f"a text of {len(value):,} characters")
        return {"t": "str", "v": str(value)}
    if isinstance(value, pd.Timestamp):
        return {
            "t": "timestamp",
            **_moment(value.asm8, value.unit),
            "tz": None if value.tz is None else str(value.tz),
        }
    if isinstance(value, pd.Timedelta):
        return {"t": "timedelta", **_moment(value.asm8, value.unit)}
    for moment in (datetime.datetime, datetime.date, datetime.time):  # datetime before date: a subclass
        if isinstance(value, moment):
            return {"t": moment.__name__, "v": moment.isoformat(value)}
    if isinstance(value, (list, tuple, set, frozenset)):
        kind = next(k for k in (tuple, list, frozenset, set) if isinstance(value, k)).__name__
        items = list(value)
        budget.take(len(items))
        return {"t": kind, "items": [_value(v, budget, depth + 1) for v in items]}
    if isinstance(value, dict):
        pairs = list(value.items())
        budget.take(2 * len(pairs))
        return {
            "t": "dict",
            "items": [[_value(k, budget, depth + 1), _value(v, budget, depth + 1)] for k, v in pairs],
        }
    return {"t": "other", "type": type(value).__name__[:100]}


def _moment(value: np.datetime64 | np.timedelta64, unit: str) -> dict:
    """Return a pandas time as an integer count of its unit (asm8 is already in that unit)."""
    return {"unit": unit, "v": int(value.astype(np.int64))}


def _numpy_scalar(value: np.generic) -> dict:
    """Return {dtype, v} for a numpy scalar."""
    dtype = value.dtype
    if dtype.kind == "b":
        return {"dtype": "bool", "v": bool(value)}
    if dtype.kind in "iu" and INTEGER_DTYPES.fullmatch(dtype.name):
        return {"dtype": dtype.name, "v": int(value)}
    if dtype.kind == "f" and FLOAT_DTYPES.fullmatch(dtype.name):
        return {"dtype": dtype.name, "v": _float(float(value))}
    if dtype.kind in "mM" and TIME_DTYPES.fullmatch(dtype.name):
        return {"dtype": dtype.name, "v": None if np.isnat(value) else int(value.astype(np.int64))}
    if dtype.kind == "U":
        return {"dtype": "str_", "v": str(value)}
    return {"dtype": "other", "v": type(value).__name__}


def _times(values: np.ndarray) -> list:
    """Return datetime64 or timedelta64 values as integers in their unit, NaT as None."""
    numbers = values.view(np.int64).tolist()
    return [None if nat else n for n, nat in zip(numbers, np.isnat(values).tolist(), strict=True)]


def _column(values: Any, budget: _Budget, depth: int) -> dict:
    """Return a one-dimensional array (Series, Index or ndarray) as {dtype, values, ...}."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype):
        array = np.asarray(values)
        if dtype.kind in "iu" and INTEGER_DTYPES.fullmatch(dtype.name):
            return {"dtype": dtype.name, "values": array.tolist()}
        if dtype.kind == "f" and FLOAT_DTYPES.fullmatch(dtype.name):
            return {"dtype": dtype.name, "values": [_float(v) for v in array.tolist()]}
        if dtype.kind == "b":
            return {"dtype": "bool", "values": array.tolist()}
        if dtype.kind in "mM" and TIME_DTYPES.fullmatch(dtype.name):
            return {"dtype": dtype.name, "values": _times(array)}
        if dtype.kind == "U":
            return {"dtype": dtype.str, "values": array.tolist()}
        return {"dtype": "object", "values": [_value(v, budget, depth + 1) for v in array.tolist()]}
    array = values.array if isinstance(values, (pd.Series, pd.Index)) else values
    if isinstance(dtype, pd.StringDtype):
        text = [
            None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)
            for v in array.to_numpy(dtype=object)
        ]
        return {"dtype": str(dtype), "storage": dtype.storage, "values": text}
    if str(dtype) in NULLABLE_DTYPES:
        plain = array.to_numpy(dtype=object, na_value=None).tolist()
        return {
            "dtype": str(dtype),
            "values": [v if v is None or isinstance(v, (bool, int)) else _float(float(v)) for v in plain],
        }
    if isinstance(dtype, pd.CategoricalDtype):
        return {
            "dtype": "category",
            "ordered": bool(dtype.ordered),
            "categories": _column(dtype.categories, budget, depth),
            "codes": np.asarray(array.codes).tolist(),
        }
    if isinstance(dtype, pd.DatetimeTZDtype):
        return {
            "dtype": "datetimetz",
            "unit": dtype.unit,
            "tz": str(dtype.tz),
            "values": _times(np.asarray(array.asi8).view(f"<M8[{dtype.unit}]")),
        }
    return {
        "dtype": "object",
        "values": [_value(v, budget, depth + 1) for v in array.to_numpy(dtype=object).tolist()],
    }


def _index(index: pd.Index, budget: _Budget, depth: int) -> dict:
    """Return an index (or the column labels) with its type and names."""
    if isinstance(index, pd.RangeIndex):
        return {
            "t": "range",
            "start": index.start,
            "stop": index.stop,
            "step": index.step,
            "name": _value(index.name, budget, depth + 1),
        }
    if isinstance(index, pd.MultiIndex):
        budget.take(index.size * index.nlevels)
        return {
            "t": "multi",
            "names": [_value(n, budget, depth + 1) for n in index.names],
            "levels": [_column(index.get_level_values(i), budget, depth) for i in range(index.nlevels)],
        }
    budget.take(len(index))
    return {
        "t": "index",
        "name": _value(index.name, budget, depth + 1),
        "values": _column(index, budget, depth),
    }


def snapshot(value: Any) -> dict:
    """Return value as tagged, JSON-safe data that keeps its type; raise TooLarge for giant answers."""
    return _value(value, _Budget())


def encoded_snapshot(value: Any) -> str:
    """Return the snapshot of value as one line of JSON, within the size limit."""
    text = json.dumps(snapshot(value), ensure_ascii=False, allow_nan=False)
    if len(text) > MAX_BYTES:
        raise TooLarge(f"{len(text):,} bytes")
    return text


# --- restoring a snapshot (in the grader, on untrusted JSON) --------------------------------------


def _need(condition: bool, what: str) -> None:
    if not condition:
        raise SnapshotError(what)


def _field(data: Any, key: str, kind: type | tuple) -> Any:
    _need(isinstance(data, dict) and key in data, f"missing '{key}'")
    value = data[key]
    _need(
        isinstance(value, kind) and not (kind is int and isinstance(value, bool)),
        f"'{key}' has the wrong type",
    )
    return value


def _restored_float(value: Any) -> float:
    if isinstance(value, str):
        _need(value in ("nan", "inf", "-inf"), "a number written as text")
        return float(value)
    _need(isinstance(value, (int, float)) and not isinstance(value, bool), "a number expected")
    return float(value)


def _restored_value(data: Any, depth: int = 0) -> Any:
    _need(depth <= MAX_DEPTH + 2, "nested too deeply")
    kind = _field(data, "t", str)
    if kind == "none":
        return None
    if kind == "blank":
        return Blank()
    if kind == "na":
        return pd.NA
    if kind == "nat":
        return pd.NaT
    if kind == "bool":
        return _field(data, "v", bool)
    if kind == "int":
        return _field(data, "v", int)
    if kind == "float":
        return _restored_float(data.get("v"))
    if kind == "complex":
        return complex(_restored_float(data.get("re")), _restored_float(data.get("im")))
    if kind == "str":
        return _field(data, "v", str)
    if kind == "np":
        return _restored_numpy_scalar(data)
    if kind == "timestamp":
        moment = pd.Timestamp(np.datetime64(_field(data, "v", int), _unit(data)))
        zone = data.get("tz")
        _need(zone is None or isinstance(zone, str), "a time zone is text")
        return moment if zone is None else moment.tz_localize("UTC").tz_convert(zone)
    if kind == "timedelta":
        return pd.Timedelta(np.timedelta64(_field(data, "v", int), _unit(data)))
    if kind in ("datetime", "date", "time"):
        return getattr(datetime, kind).fromisoformat(_field(data, "v", str))
    if kind in ("list", "tuple", "set", "frozenset"):
        items = [_restored_value(v, depth + 1) for v in _field(data, "items", list)]
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[kind](items)
    if kind == "dict":
        pairs = _field(data, "items", list)
        _need(all(isinstance(p, list) and len(p) == 2 for p in pairs), "dict items are pairs")
        return {_restored_value(k, depth + 1): _restored_value(v, depth + 1) for k, v in pairs}
    if kind == "chart":
        return ChartRecord(_restored_chart(_field(data, "summary", dict)))
    if kind == "series":
        index = _restored_index(_field(data, "index", dict), depth)
        values = _restored_column(_field(data, "values", dict), depth)
        _need(len(values) == len(index), "a Series' index and values differ in length")
        return _series(values, index, _restored_value(data.get("name"), depth + 1))
    if kind == "frame":
        return _restored_frame(data, depth)
    if kind == "pandas-index":
        return _restored_index(_field(data, "index", dict), depth)
    if kind == "ndarray":
        shape = _field(data, "shape", list)
        _need(
            len(shape) <= 32
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape),
            "a shape",
        )
        values = _restored_column(_field(data, "values", dict), depth)
        array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
        _need(math.prod(shape) == len(array), "an array's shape and values differ")
        return array.reshape(shape)
    if kind == "other":
        return Unsupported(str(data.get("type", "object"))[:100])
    raise SnapshotError(f"unknown kind {kind[:40]!r}")


def _unit(data: dict) -> str:
    unit = _field(data, "unit", str)
    _need(unit in ("s", "ms", "us", "ns"), "a time unit")
    return unit


def _restored_numpy_scalar(data: dict) -> np.generic:
    dtype = _field(data, "dtype", str)
    value = data.get("v")
    if dtype == "bool":
        return np.bool_(_field(data, "v", bool))
    if INTEGER_DTYPES.fullmatch(dtype):
        return np.dtype(dtype).type(_field(data, "v", int))
    if FLOAT_DTYPES.fullmatch(dtype):
        return np.dtype(dtype).type(_restored_float(value))
    if TIME_DTYPES.fullmatch(dtype):
        return np.array([np.iinfo(np.int64).min if value is None else _field(data, "v", int)]).view(dtype)[0]
    if dtype == "str_":
        return np.str_(_field(data, "v", str))
    _need(dtype == "other", f"unknown numpy dtype {dtype[:40]!r}")
    return Unsupported(f"numpy {str(value)[:40]}")


def _restored_chart(summary: dict) -> dict:
    restored = {}
    for key, kind in CHART_FIELDS.items():
        value = summary.get(key, kind())
        _need(isinstance(value, kind) and not isinstance(value, bool), f"chart field '{key}'")
        if kind is list:
            value = [_restored_float(v) for v in value]
            _need(len(value) <= MAX_ITEMS, "too many bars")
        restored[key] = value
    return restored


def _restored_column(data: dict, depth: int) -> Any:
    """Return the array a column snapshot describes, of the dtype it names."""
    dtype = _field(data, "dtype", str)
    if dtype == "category":
        categories = _restored_column(_field(data, "categories", dict), depth)
        codes = _field(data, "codes", list)
        _need(
            all(isinstance(c, int) and not isinstance(c, bool) and -1 <= c < len(categories) for c in codes),
            "category codes",
        )
        return pd.Categorical.from_codes(
            codes, categories=pd.Index(categories), ordered=bool(data.get("ordered"))
        )
    values = _field(data, "values", list)
    _need(len(values) <= MAX_ITEMS, "too many values")
    if dtype == "bool":
        _need(all(isinstance(v, bool) for v in values), "booleans expected")
        return np.array(values, dtype=bool)
    if INTEGER_DTYPES.fullmatch(dtype):
        _need(all(isinstance(v, int) and not isinstance(v, bool) for v in values), "integers expected")
        try:
            return np.array(values, dtype=dtype)
        except OverflowError:
            raise SnapshotError(f"an integer out of range for {dtype}") from None
    if FLOAT_DTYPES.fullmatch(dtype):
        return np.array([_restored_float(v) for v in values], dtype=dtype)
    if TIME_DTYPES.fullmatch(dtype):
        _need(
            all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in values),
            "times expected",
        )
        nat = np.iinfo(np.int64).min
        return np.array([nat if v is None else v for v in values], dtype=np.int64).view(dtype)
    if NUMPY_TEXT_DTYPE.fullmatch(dtype):
        _need(all(isinstance(v, str) for v in values), "text expected")
        return np.array(values, dtype=dtype)
    if dtype in ("str", "string"):
        _need(all(v is None or isinstance(v, str) for v in values), "text expected")
        storage = data.get("storage")
        _need(storage in ("python", "pyarrow"), "a string storage")
        missing = np.nan if dtype == "str" else pd.NA
        return pd.array(values, dtype=pd.StringDtype(storage=storage, na_value=missing))
    if dtype in NULLABLE_DTYPES:
        _need(all(v is None or isinstance(v, (bool, int, float, str)) for v in values), "values expected")
        plain = [None if v is None else (_restored_float(v) if isinstance(v, str) else v) for v in values]
        return pd.array(plain, dtype=NULLABLE_DTYPES[dtype]())
    if dtype == "datetimetz":
        unit, zone = _unit(data), _field(data, "tz", str)
        nat = np.iinfo(np.int64).min
        _need(
            all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in values),
            "times expected",
        )
        naive = np.array([nat if v is None else v for v in values], dtype=np.int64).view(f"<M8[{unit}]")
        return pd.DatetimeIndex(naive).tz_localize("UTC").tz_convert(zone).array
    if dtype == "object":
        array = np.empty(len(values), dtype=object)
        array[:] = [_restored_value(v, depth + 1) for v in values] if values else []
        return array
    raise SnapshotError(f"unknown dtype {dtype[:40]!r}")


def _restored_index(data: dict, depth: int) -> pd.Index:
    kind = _field(data, "t", str)
    if kind == "range":
        start, stop, step = (_field(data, k, int) for k in ("start", "stop", "step"))
        _need(step != 0 and len(range(start, stop, step)) <= MAX_ITEMS, "a range")
        return pd.RangeIndex(start, stop, step, name=_restored_value(data.get("name"), depth + 1))
    if kind == "multi":
        levels = [_restored_column(level, depth) for level in _field(data, "levels", list)]
        names = [_restored_value(n, depth + 1) for n in _field(data, "names", list)]
        _need(0 < len(levels) == len(names) and len({len(level) for level in levels}) == 1, "a MultiIndex")
        return pd.MultiIndex.from_arrays(levels, names=names)
    _need(kind == "index", "an index")
    values = _restored_column(_field(data, "values", dict), depth)
    return pd.Index(
        values,
        dtype=_object_or_inferred(values),
        name=_restored_value(data.get("name"), depth + 1),
        tupleize_cols=False,
    )


def _object_or_inferred(values: Any) -> Any:
    """Return object for an object array (pandas would infer text from it), else None to keep its dtype."""
    return object if isinstance(values, np.ndarray) and values.dtype == object else None


def _series(values: Any, index: pd.Index, name: Any = None) -> pd.Series:
    return pd.Series(values, index=index, name=name, dtype=_object_or_inferred(values), copy=False)


def _restored_frame(data: dict, depth: int) -> pd.DataFrame:
    index = _restored_index(_field(data, "index", dict), depth)
    columns = _restored_index(_field(data, "columns", dict), depth)
    arrays = [_restored_column(c, depth) for c in _field(data, "data", list)]
    _need(len(arrays) == len(columns), "a DataFrame's columns and labels differ in number")
    _need(all(len(a) == len(index) for a in arrays), "a DataFrame's columns differ in length")
    frame = pd.DataFrame({position: _series(a, index) for position, a in enumerate(arrays)}, index=index)
    frame.columns = columns
    return frame


def restore(data: Any) -> Any:
    """Return the value a snapshot describes; raise SnapshotError if it is not one this module makes."""
    try:
        return _restored_value(data)
    except SnapshotError:
        raise
    except (ValueError, TypeError, KeyError, OverflowError, IndexError, RecursionError) as error:
        raise SnapshotError(f"{type(error).__name__}: {str(error)[:120]}") from None
