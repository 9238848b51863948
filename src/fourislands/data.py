"""Load a table of the data package as a typed DataFrame checked against its Table Schema."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DataError
from .paths import data_dir

DESCRIPTOR = "datapackage.json"
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
# Whole-cell patterns for the Table Schema types the package uses. Numbers must be finite:
# a course figure is never NaN or infinite, so "nan" and "inf" are rejected as typos.
TYPE_PATTERNS = {
    "integer": r"[+-]?\d{1,18}",
    "number": r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?",
    "boolean": "|".join(TRUE_VALUES + FALSE_VALUES),
}
PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}
MAX_PROBLEMS_SHOWN = 5

_cache: dict[tuple, Any] = {}


def _read_bytes(path: Path) -> tuple[bytes, str]:
    """Return a file's bytes and their digest, which keys the caches: an edit is always seen."""
    try:
        content = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise DataError(path, "file not found") from None
    return content, hashlib.blake2b(content, digest_size=16).hexdigest()


def _cached(key: tuple, make: Callable[[], Any]) -> Any:
    """Return the cached value for key, computing and remembering it on a miss."""
    if key not in _cache:
        _cache[key] = make()
    return _cache[key]


def _parsed_descriptor(path: Path, content: bytes) -> dict:
    """Return datapackage.json parsed, or raise a DataError that says what is wrong."""
    try:
        descriptor = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(path, f"not valid JSON ({error})") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataError(path, "has no 'resources' list")
    return descriptor


def package() -> dict:
    """Return the data package descriptor (datapackage.json), re-read when the file changes."""
    path = data_dir() / DESCRIPTOR
    content, digest = _read_bytes(path)
    return _cached(("package", digest), lambda: _parsed_descriptor(path, content))


def table_names() -> list[str]:
    """Return the names of the tables in the data package, in the order it lists them."""
    return [resource["name"] for resource in package()["resources"]]


def resource(name: str) -> dict:
    """Return the Data Resource descriptor of one table."""
    for candidate in package()["resources"]:
        if candidate.get("name") == name:
            return candidate
    known = ", ".join(table_names())
    raise DataError(data_dir() / DESCRIPTOR, f"no table named {name!r}; the tables are: {known}")


def describe(name: str) -> pd.DataFrame:
    """Return one row per column of a table: its type, unit and description."""
    fields = resource(name)["schema"]["fields"]
    return pd.DataFrame(
        {
            "column": [f["name"] for f in fields],
            "type": [f.get("type", "string") for f in fields],
            "unit": [f.get("unit") or "" for f in fields],
            "required": [bool(f.get("constraints", {}).get("required")) for f in fields],
            "description": [f.get("description", "") for f in fields],
        }
    )


def load(name: str) -> pd.DataFrame:
    """Return a table of the data package as a typed DataFrame, checked against its schema.

    Raises DataError naming the file, row and column of the first problem found.
    """
    descriptor = resource(name)
    path = data_dir() / descriptor["path"]
    content, digest = _read_bytes(path)
    # Foreign keys make a table's validity depend on the tables it refers to.
    referenced = sorted(
        {fk["reference"].get("resource") or name for fk in descriptor["schema"].get("foreignKeys", [])}
        - {name}
    )
    others = tuple(_read_bytes(data_dir() / resource(other)["path"])[1] for other in referenced)
    # Keyed by content, not path: a copy of the data (the grader makes one per submission) hits too.
    key = ("table", json.dumps(descriptor, sort_keys=True), digest, others)
    # A copy, so that a student editing their DataFrame never changes the next load.
    return _cached(key, lambda: _checked_frame(descriptor, path, content)).copy()


def _read_raw(path: Path, content: bytes) -> pd.DataFrame:
    """Return the CSV content as untyped text cells, or raise a DataError naming the file."""
    try:
        return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataError(path, f"is not UTF-8 text ({error.reason})") from None
    except pd.errors.EmptyDataError:
        raise DataError(path, "is empty") from None
    except pd.errors.ParserError as error:
        raise DataError(path, f"is not a well-formed CSV file ({error})") from None


def _checked_frame(descriptor: dict, path: Path, content: bytes) -> pd.DataFrame:
    """Return the typed table, or raise a DataError for its first problems."""
    schema = descriptor["schema"]
    fields = schema["fields"]
    raw = _read_raw(path, content)
    _check_header(path, list(raw.columns), [f["name"] for f in fields])
    missing_values = schema.get("missingValues", [""])
    problems: list[tuple[int | None, str, str]] = []
    typed = {}
    for field in fields:
        cells = raw[field["name"]]
        missing = cells.isin(missing_values)
        typed[field["name"]] = _typed_column(field, cells, missing, problems)
        problems.extend(_constraint_problems(field, cells, typed[field["name"]], missing))
    frame = pd.DataFrame(typed, index=raw.index)
    problems.extend(_key_problems(descriptor, frame))
    if problems:
        problems.sort(key=lambda p: (p[0] is None, p[0] or 0))
        row, column, message = problems[0]
        more = len(problems) - 1
        if more:
            shown = "; ".join(f"row {r}, column '{c}': {m}" for r, c, m in problems[1:MAX_PROBLEMS_SHOWN])
            message += f" (and {more} more: {shown}{' ...' if more >= MAX_PROBLEMS_SHOWN else ''})"
        raise DataError(path, message, row=row, column=column)
    frame.attrs = {
        "name": descriptor["name"],
        "title": descriptor.get("title", descriptor["name"]),
        "description": descriptor.get("description", ""),
        "path": str(path),
        "units": {f["name"]: f.get("unit") for f in fields if f.get("unit")},
    }
    return frame


def _check_header(path: Path, found: list[str], expected: list[str]) -> None:
    """Raise a DataError when the CSV header differs from the schema's field names."""
    for position, name in enumerate(expected):
        if position >= len(found) or found[position] != name:
            problem = (
                "missing"
                if name not in found
                else f"out of order (found at position {found.index(name) + 1})"
            )
            raise DataError(path, f"column {problem}; the schema expects {expected}", row=1, column=name)
    if len(found) > len(expected):
        raise DataError(path, "column is not in the schema", row=1, column=found[len(expected)])


def _rows(mask: pd.Series) -> list[int]:
    """Return the file row numbers (the header is row 1) where mask is true."""
    return [int(i) + 2 for i in mask[mask].index]


def _typed_column(field: dict, cells: pd.Series, missing: pd.Series, problems: list) -> pd.Series:
    """Return the column converted to its schema type; bad cells are added to problems."""
    kind = field.get("type", "string")
    if kind not in PANDAS_DTYPES:
        raise DataError(DESCRIPTOR, f"unsupported type {kind!r}", column=field["name"])
    if kind == "string":
        return cells.mask(missing).astype("string")
    well_formed = cells.str.fullmatch(TYPE_PATTERNS[kind])
    for row in _rows(~missing & ~well_formed):
        problems.append((row, field["name"], f"{cells[row - 2]!r} is not a valid {kind}"))
    usable = cells.where(well_formed & ~missing)
    if kind == "boolean":
        return usable.map(lambda v: v in TRUE_VALUES, na_action="ignore").astype("boolean")
    return pd.to_numeric(usable).astype(PANDAS_DTYPES[kind])


def _constraint_problems(field: dict, cells: pd.Series, values: pd.Series, missing: pd.Series) -> list:
    """Return (row, column, message) for every cell that breaks the field's constraints."""
    rules = field.get("constraints", {})
    name = field["name"]
    present = ~missing & values.notna()
    checks = []
    if rules.get("required"):
        checks.append((missing, "a value is required"))
    if "enum" in rules:
        checks.append((present & ~values.isin(rules["enum"]), f"must be one of {rules['enum']}"))
    if "pattern" in rules:
        checks.append(
            (
                present & ~cells.str.fullmatch(rules["pattern"]),
                f"does not match {rules['pattern']!r}",
            )
        )
    if "minimum" in rules:
        checks.append((present & (values < rules["minimum"]), f"is below the minimum {rules['minimum']}"))
    if "maximum" in rules:
        checks.append((present & (values > rules["maximum"]), f"is above the maximum {rules['maximum']}"))
    if "minLength" in rules:
        checks.append(
            (
                present & (cells.str.len() < rules["minLength"]),
                f"is shorter than {rules['minLength']} characters",
            )
        )
    if "maxLength" in rules:
        checks.append(
            (
                present & (cells.str.len() > rules["maxLength"]),
                f"is longer than {rules['maxLength']} characters",
            )
        )
    if rules.get("unique"):
        checks.append((present & values.duplicated(keep="first"), "repeats a value that must be unique"))
    problems = []
    for mask, message in checks:
        for row in _rows(mask.fillna(False).astype(bool)):
            shown = "" if missing[row - 2] else f"{cells[row - 2][:60]!r} "
            problems.append((row, name, shown + message))
    return problems


def _as_list(names: str | list[str]) -> list[str]:
    """Return a Table Schema field reference (one name or several) as a list."""
    return [names] if isinstance(names, str) else list(names)


def _key_problems(descriptor: dict, frame: pd.DataFrame) -> list:
    """Return problems with the table's primary key and foreign keys."""
    schema = descriptor["schema"]
    problems = []
    key = _as_list(schema.get("primaryKey", []))
    if key:
        repeated = frame.duplicated(subset=key, keep="first")
        problems += [(row, key[0], f"primary key {key} repeats an earlier row") for row in _rows(repeated)]
    for foreign in schema.get("foreignKeys", []):
        columns = _as_list(foreign["fields"])
        target = foreign["reference"].get("resource") or descriptor["name"]
        target_columns = _as_list(foreign["reference"]["fields"])
        other = frame if target == descriptor["name"] else load(target)
        known = set(other[target_columns].itertuples(index=False, name=None))
        values = frame[columns]
        present = values.notna().all(axis=1)
        unknown = present & ~pd.Series(
            [tuple(v) in known for v in values.itertuples(index=False, name=None)],
            index=frame.index,
        )
        for row in _rows(unknown):
            shown = ", ".join(str(v) for v in values.loc[row - 2])
            problems.append(
                (
                    row,
                    columns[0],
                    f"{shown!r} is not a known {target_columns[0]} in table '{target}'",
                )
            )
    return problems
