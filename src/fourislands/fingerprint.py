"""Answer fingerprints: compare a student's answer with the expected one without shipping it."""

from __future__ import annotations

import hashlib
import json
import math
from numbers import Number
from typing import Any

import numpy as np
import pandas as pd

FACTORS = (100, 0.01, 1000, 0.001, 10, 0.1)


class Blank:
    """The ____ placeholder a student replaces with code; an answer left as it is not attempted."""

    def __repr__(self) -> str:
        return "____"


____ = Blank()


class ChartRecord:
    """What a chart showed, carried without matplotlib (the grader moves answers between processes)."""

    def __init__(self, summary: dict) -> None:
        self.summary = summary

    def __repr__(self) -> str:
        return f"ChartRecord({self.summary})"


def not_a_real_number(value: Number) -> str | None:
    """Return what a number is when it is no ordinary real number (complex, or too big for a float)."""
    if isinstance(value, (complex, np.complexfloating)):
        return "a complex number (one with j in it)"
    try:
        float(value)
    except OverflowError:
        return "a number too large to be a float (above about 1.8e308)"
    except (TypeError, ValueError):  # a Decimal signalling NaN, a number type float() does not know
        return f"a {type(value).__name__} that cannot be read as a float"
    return None


def _rounded(value: Any, decimals: int) -> Any:
    """Return value with numbers rounded, numpy and pandas scalars made plain, text trimmed."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, Number) and not isinstance(value, bool):
        unreal = not_a_real_number(value)
        if unreal is not None:  # a dict, so it equals no rounded value of an expected answer
            return {"not a real number": unreal}
        number = float(value)
        if math.isnan(number):
            return "NaN"
        return round(number, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    if value is None or value is pd.NA:
        return None
    if isinstance(value, str):
        return " ".join(value.split())
    return str(value)


def _digest(salt: str, payload: Any) -> str:
    """Return a salted SHA-256 of a JSON payload, so a fingerprint cannot be looked up elsewhere."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{salt}\n{text}".encode()).hexdigest()[:32]


def _frame(value: Any) -> pd.DataFrame | None:
    """Return value as a DataFrame when it is one (a Series becomes a one-column frame)."""
    if isinstance(value, pd.Series):
        frame = value.to_frame(name=str(value.name))
        return frame if isinstance(value.index, pd.RangeIndex) else frame.reset_index()
    if isinstance(value, pd.DataFrame):
        return value.reset_index() if not isinstance(value.index, pd.RangeIndex) else value
    return None


def kind_of(value: Any) -> str:
    """Return the kind of an answer: number, text, list, frame, chart or other."""
    if isinstance(value, (bool, np.bool_)):
        return "other"
    if isinstance(value, Number):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return "frame"
    if isinstance(value, (list, tuple, np.ndarray)):
        return "list"
    if isinstance(value, ChartRecord) or (hasattr(value, "get_title") and hasattr(value, "patches")):
        return "chart"
    return "other"


def _rows(frame: pd.DataFrame, decimals: int) -> list[list[Any]]:
    return [[_rounded(v, decimals) for v in row] for row in frame.itertuples(index=False, name=None)]


def chart_summary(ax: Any) -> dict:
    """Return what a chart shows: title, axis labels, bar heights (sorted, and in order), number of lines.

    Hidden tests read a chart through this, never through the Axes: in the grader the answer
    arrives as a ChartRecord, which carries only this summary.
    """
    if isinstance(ax, ChartRecord):
        return ax.summary
    bars = sorted((p for p in ax.patches if type(p).__name__ == "Rectangle"), key=lambda b: b.get_x())
    return {
        "title": ax.get_title() or ax.get_title(loc="left"),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "bars": len(bars),
        "heights": sorted(round(float(b.get_height()), 1) for b in bars),
        "heights_left_to_right": [round(float(b.get_height()), 1) for b in bars],
        "widths": sorted(round(float(b.get_width()), 1) for b in bars),
        "lines": len(ax.lines),
    }


def fingerprint(value: Any, salt: str, decimals: int = 1) -> dict:
    """Return a fingerprint of an expected answer: its kind, shape and salted hashes."""
    kind = kind_of(value)
    if kind in ("number", "text"):
        found = {"kind": kind, "decimals": decimals, "hash": _digest(salt, _rounded(value, decimals))}
        if kind == "number":  # a count is checked as one: no word of decimal places to a wrong one
            found["whole"] = float(value).is_integer()
        return found
    if kind == "list":
        items = [_rounded(v, decimals) for v in list(value)]
        return {
            "kind": "list",
            "decimals": decimals,
            "length": len(items),
            "hash": _digest(salt, items),
            "sorted_hash": _digest(salt, sorted(items, key=json.dumps)),
        }
    if kind == "frame":
        frame = _frame(value)
        rows = _rows(frame, decimals)
        return {
            "kind": "frame",
            "decimals": decimals,
            "columns": [str(c) for c in frame.columns],
            "rows": len(rows),
            "hash": _digest(salt, rows),
            "sorted_hash": _digest(salt, sorted(rows, key=json.dumps)),
        }
    if kind == "chart":
        summary = chart_summary(value)
        return {
            "kind": "chart",
            "bars": summary["bars"],
            "lines": summary["lines"],
            "heights_hash": _digest(salt, summary["heights"]),
        }
    raise TypeError(f"cannot fingerprint an answer of type {type(value).__name__}")


KIND_WORDS = {
    "number": "a number",
    "text": "a piece of text (a str)",
    "list": "a list",
    "frame": "a pandas DataFrame",
    "chart": "a matplotlib chart (the Axes you drew on)",
    "other": "something else",
}


def compare(expected: dict, value: Any, salt: str) -> tuple[bool, str]:
    """Return (passed, message): what is wrong with value, in words that do not give the answer."""
    kind = expected["kind"]
    found = kind_of(value)
    if found != kind:
        return False, f"Expected {KIND_WORDS[kind]}, but got {type(value).__name__}."
    decimals = expected.get("decimals", 1)
    if kind == "number" and (unreal := not_a_real_number(value)) is not None:
        return False, f"Expected an ordinary real number, such as 12 or -3.5, but got {unreal}."
    if kind in ("number", "text"):
        if _digest(salt, _rounded(value, decimals)) == expected["hash"]:
            return True, "The value is right."
        if kind == "number":
            number = float(value)
            if math.isnan(number) or math.isinf(number):
                return (
                    False,
                    "The value is NaN or infinite: check for a division by zero or an empty selection.",
                )
            if _digest(salt, _rounded(-number, decimals)) == expected["hash"]:
                return (
                    False,
                    "The size is right but the sign is wrong: did the figure rise or fall?",
                )
            for factor in FACTORS:
                if _digest(salt, _rounded(number * factor, decimals)) == expected["hash"]:
                    size = f"{factor:g} times too small" if factor > 1 else f"{1 / factor:g} times too large"
                    return False, f"The value is {size}: check percent against fraction, or the units."
            if expected.get("whole") or decimals <= 0:  # a count: a note on decimals would only confuse
                return False, "Not the expected number."
            places = "1 decimal place" if decimals == 1 else f"{decimals} decimal places"
            return False, f"Not the expected value (compared after rounding to {places})."
        return (
            False,
            "Not the expected text (spaces at the ends do not matter; spelling and case do).",
        )
    if kind == "list":
        if len(value) != expected["length"]:  # before any per-item work: a wrong answer can be huge
            return False, f"Expected {expected['length']} items, you have {len(value)}."
        items = [_rounded(v, decimals) for v in list(value)]
        if _digest(salt, items) == expected["hash"]:
            return True, "The list is right."
        if _digest(salt, sorted(items, key=json.dumps)) == expected["sorted_hash"]:
            return False, "The right items, in the wrong order."
        return False, "Some items are not the expected ones."
    if kind == "frame":
        if isinstance(value, pd.DataFrame) and isinstance(value.columns, pd.MultiIndex):
            return False, (
                f"Your table has {value.columns.nlevels} levels of column headers (a MultiIndex, as .agg "
                "or .pivot_table can make). Flatten them to one level, for example by giving the table "
                f"a list of new names: table.columns = [...]. Expected columns {expected['columns']}."
            )
        frame = _frame(value)
        frame = frame.set_axis([str(c) for c in frame.columns], axis=1)  # 1991 and "1991" alike
        columns = list(frame.columns)
        missing = [c for c in expected["columns"] if c not in columns]
        extra = [c for c in columns if c not in expected["columns"]]
        if missing or extra:
            parts = ([f"missing columns {missing}"] if missing else []) + (
                [f"extra columns {extra}"] if extra else []
            )
            return False, f"Wrong columns: {'; '.join(parts)}. Expected {expected['columns']}."
        if len(frame) != expected["rows"]:  # before any per-row work: a wrong answer can be huge
            return (
                False,
                f"Expected {expected['rows']} rows, you have {len(frame)}: check your filter.",
            )
        rows = _rows(frame[expected["columns"]], decimals)
        if _digest(salt, rows) == expected["hash"]:
            return True, "The table is right."
        if _digest(salt, sorted(rows, key=json.dumps)) == expected["sorted_hash"]:
            return False, "The right rows, in the wrong order: check how you sort."
        return False, "The columns and row count are right, but some values differ."
    summary = chart_summary(value)
    if not summary["title"]:
        return False, "Give the chart a title (ax.set_title)."
    if not (summary["xlabel"] or summary["ylabel"]):
        return False, "Label the axes (ax.set_xlabel / ax.set_ylabel)."
    if expected["bars"] and summary["bars"] != expected["bars"]:
        return False, f"Expected {expected['bars']} bars, the chart has {summary['bars']}."
    if expected["lines"] and summary["lines"] < expected["lines"]:
        return False, f"Expected {expected['lines']} lines, the chart has {summary['lines']}."
    if expected["bars"] and _digest(salt, summary["heights"]) != expected["heights_hash"]:
        return False, "The bars do not have the expected lengths: check the values you plot."
    return True, "The chart has a title, labels and the expected values."
