"""Answer snapshots: a student's values as plain JSON, so tests never run in the student's process."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

from ..fingerprint import Blank, ChartRecord, chart_summary, kind_of

MAX_BYTES = 5_000_000
MAX_ITEMS = 100_000


class TooLarge(ValueError):
    """An answer too large to carry to the grader."""


def _plain(value: Any) -> Any:
    """Return a JSON-safe copy of a scalar: numpy and pandas scalars become Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else {"__float__": str(number)}
    if isinstance(value, str):
        return value
    return str(value)


def _restored_scalar(value: Any) -> Any:
    if isinstance(value, dict) and "__float__" in value:
        return float(value["__float__"])
    return value


def snapshot(value: Any) -> dict:
    """Return value as a tagged JSON-safe structure; raise TooLarge for giant answers."""
    if isinstance(value, Blank):
        return {"type": "blank"}
    kind = kind_of(value)
    if kind == "chart":
        return {"type": "chart", "summary": chart_summary(value)}
    if isinstance(value, pd.Series):
        value = value.to_frame(name=str(value.name))
    if isinstance(value, pd.DataFrame):
        if value.size > MAX_ITEMS:
            raise TooLarge(f"a table of {value.size} cells")
        index = None if isinstance(value.index, pd.RangeIndex) else [_plain(i) for i in value.index]
        return {
            "type": "frame",
            "columns": [str(c) for c in value.columns],
            "index": index,
            "index_name": None if value.index.name is None else str(value.index.name),
            "rows": [[_plain(v) for v in row] for row in value.itertuples(index=False, name=None)],
        }
    if kind == "list":
        items = list(value)
        if len(items) > MAX_ITEMS:
            raise TooLarge(f"a list of {len(items)} items")
        return {
            "type": "list",
            "tuple": isinstance(value, tuple),
            "items": [_plain(v) for v in items],
        }
    if kind in ("number", "text") or isinstance(value, (bool, np.bool_)) or value is None:
        if isinstance(value, str) and len(value) > MAX_BYTES:
            raise TooLarge(f"a text of {len(value)} characters")
        return {"type": "scalar", "value": _plain(value)}
    return {"type": "other", "name": type(value).__name__}


def encoded_snapshot(value: Any) -> str:
    """Return the snapshot of value as one line of JSON, within the size limit."""
    text = json.dumps(snapshot(value), ensure_ascii=False)
    if len(text) > MAX_BYTES:
        raise TooLarge(f"{len(text)} bytes")
    return text


class Unsupported:
    """Stands for an answer of a kind the grader cannot carry (a function, a module...)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


def restore(data: dict) -> Any:
    """Return the value a snapshot describes (a DataFrame, list, number, text or chart record)."""
    kind = data["type"]
    if kind == "blank":
        return Blank()
    if kind == "chart":
        return ChartRecord(data["summary"])
    if kind == "frame":
        rows = [[_restored_scalar(v) for v in row] for row in data["rows"]]
        frame = pd.DataFrame(rows, columns=data["columns"])
        if data["index"] is not None:
            frame.index = pd.Index([_restored_scalar(i) for i in data["index"]], name=data["index_name"])
        return frame
    if kind == "list":
        items = [_restored_scalar(v) for v in data["items"]]
        return tuple(items) if data["tuple"] else items
    if kind == "scalar":
        return _restored_scalar(data["value"])
    return Unsupported(data.get("name", "object"))
