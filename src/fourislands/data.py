"""Load a table of the data package as a typed DataFrame checked against its Table Schema."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DataError
from .paths import data_dir, home_setting_note

DESCRIPTOR = "datapackage.json"
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
# Whole-cell patterns for the Table Schema types the package uses. Digits are [0-9], not \d, which
# also matches full-width and other scripts' digits that pandas cannot convert. Numbers must be
# finite: a course figure is never NaN or infinite, so "nan" and "inf" are rejected as typos, and a
# number too large for a float (1e999) is rejected once converted.
TYPE_PATTERNS = {
    "integer": r"[+-]?[0-9]{1,18}",
    "number": r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?",
    "boolean": "|".join(TRUE_VALUES + FALSE_VALUES),
}
PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}
NOT_FINITE_WORDS = {"nan", "inf", "infinity"}
MAX_PROBLEMS_SHOWN = 5
MAX_VALUE_SHOWN = 60
# What no text file holds: NUL (byte 0), or a byte that is not UTF-8, decoded as a lone surrogate.
UNREADABLE_CHARACTER = re.compile("[\x00\udc80-\udcff]")

_cache: dict[tuple, Any] = {}


def _read_bytes(path: Path) -> tuple[bytes, str]:
    """Return a file's bytes and their digest, which keys the caches: an edit is always seen."""
    try:
        content = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise DataError(path, "file not found" + home_setting_note()) from None
    except OSError as error:
        raise DataError(path, f"cannot be read ({error.strerror})") from None
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


def _text_cells(path: Path, content: bytes, expected: list[str]) -> tuple[pd.DataFrame, list[int]]:
    """Return the CSV's cells as text under the header's names, and the file row each row starts on.

    Rows are counted as an editor counts lines: the header is row 1, and a blank line is skipped but
    counted. Raises a DataError for a bad header, a broken quote or a character no text file holds.
    """
    # UTF-16 puts a zero byte beside each ASCII letter, so the first or second byte is zero.
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in content[:2]:
        raise DataError(
            path, "is saved as UTF-16 text, not UTF-8: save it again as UTF-8 (in Excel: 'CSV UTF-8')"
        )
    suspect = False
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        # Undecodable bytes become lone surrogates, so that the cell holding one can be named.
        text, suspect = content.decode("utf-8", errors="surrogateescape"), True
    suspect = suspect or "\x00" in text
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    header: list[str] = []
    rows: list[int] = []
    records: list[list[str]] = []
    end = 0
    try:
        for fields in reader:
            start, end = end + 1, reader.line_num
            # A line of nothing but spaces holds no value: skipped, as pandas.read_csv skips it, so
            # the table is the one a student reading the file with pandas gets.
            if not fields or (len(fields) == 1 and not fields[0].strip(" \t")):
                continue
            if suspect:
                _check_characters(path, start, fields, header or fields)
            if not header:
                _check_header(path, start, fields, expected)
                header = fields
            elif len(fields) > len(header):
                raise DataError(
                    path,
                    f"has {len(fields)} values, but the header names {len(header)} columns: a value "
                    "that holds a comma needs quotes around it, or a comma is one too many",
                    row=start,
                )
            else:
                rows.append(start)
                records.append(fields)
    except csv.Error as error:
        raise DataError(path, _csv_problem(str(error), end + 1, reader.line_num), row=end + 1) from None
    if not header:
        raise DataError(path, "is empty")
    if not records:
        raise DataError(
            path,
            "has its header but no rows: no table of the course is empty, so the file was probably "
            "cut short; put back the course's original file",
        )
    width = len(header)
    padded = [fields if len(fields) == width else fields + [""] * (width - len(fields)) for fields in records]
    return pd.DataFrame(padded, columns=header, dtype=str), rows


def _csv_problem(reason: str, row: int, last_row: int) -> str:
    """Return in plain words what an error of Python's strict csv reader means, for rows row to last_row."""
    text_after_quote = reason.startswith("',' expected after")
    if text_after_quote and last_row == row:
        return (
            "a value in quotes has more text after its closing quote: put quotes around the whole value, "
            'and write each quote inside it twice ("")'
        )
    # A quote left open swallows the lines after it, up to the next quote or the end of the file.
    if text_after_quote or reason.startswith(("unexpected end of data", "field larger than field limit")):
        swallowed = (
            f", so the lines after it, up to row {last_row}, run into one value" if last_row > row else ""
        )
        return f'a quote (") opened in this row is never closed{swallowed}: add the closing quote'
    return f"is not a well-formed CSV file ({reason})"


def _check_characters(path: Path, row: int, fields: list[str], names: list[str]) -> None:
    """Raise a DataError at the first of fields that holds a NUL byte or a byte that is not UTF-8."""
    for position, value in enumerate(fields):
        found = UNREADABLE_CHARACTER.search(value)
        if found is None:
            continue
        if found.group() == "\x00":
            problem = (
                "holds a NUL character (byte 0), which has no place in a text file; editors show it as "
                "NUL or as a box: delete it"
            )
        else:
            problem = (
                "is not UTF-8 text: the file was saved in another encoding; save it again as UTF-8 "
                "(in Excel: 'CSV UTF-8')"
            )
        column = _readable(names[position]) if position < len(names) else None
        raise DataError(path, f"{_readable(value)[:MAX_VALUE_SHOWN]!r} {problem}", row=row, column=column)


def _readable(text: str) -> str:
    """Return text with each byte that was not UTF-8 shown as the replacement character."""
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


def _checked_frame(descriptor: dict, path: Path, content: bytes) -> pd.DataFrame:
    """Return the typed table, or raise a DataError for its first problems."""
    schema = descriptor["schema"]
    fields = schema["fields"]
    raw, rows = _text_cells(path, content, [f["name"] for f in fields])
    missing_values = schema.get("missingValues", [""])
    problems: list[tuple[int, str, str]] = []  # (position in the table, column, message)
    typed = {}
    for field in fields:
        cells = raw[field["name"]]
        missing = cells.isin(missing_values)
        typed[field["name"]] = _typed_column(field, cells, missing, problems)
        problems.extend(_constraint_problems(field, cells, typed[field["name"]], missing))
    frame = pd.DataFrame(typed, index=raw.index)
    problems.extend(_key_problems(descriptor, frame))
    if problems:
        problems.sort(key=lambda p: p[0])
        position, column, message = problems[0]
        more = len(problems) - 1
        if more:
            shown = "; ".join(
                f"row {rows[p]}, column '{c}': {m}" for p, c, m in problems[1:MAX_PROBLEMS_SHOWN]
            )
            message += f" (and {more} more: {shown}{' ...' if more >= MAX_PROBLEMS_SHOWN else ''})"
        raise DataError(path, message, row=rows[position], column=column)
    frame.attrs = {
        "name": descriptor["name"],
        "title": descriptor.get("title", descriptor["name"]),
        "description": descriptor.get("description", ""),
        "path": str(path),
        "units": {f["name"]: f.get("unit") for f in fields if f.get("unit")},
    }
    return frame


def _check_header(path: Path, row: int, found: list[str], expected: list[str]) -> None:
    """Raise a DataError naming the first header name that differs from the schema, as the file has it."""
    if found == expected:
        return
    schema = f"the schema expects {expected}"
    if any(";" in name for name in found):
        raise DataError(
            path,
            "separates its values with ';' instead of ','. A spreadsheet set up for a language that "
            "writes 12,5 for twelve and a half saves CSV files this way: save it again as "
            "'CSV UTF-8 (Comma delimited)', or put back the course's original file",
            row=row,
        )
    for name in found:
        positions = [str(n) for n, other in enumerate(found, start=1) if other == name]
        if len(positions) > 1:
            times = "twice" if len(positions) == 2 else f"{len(positions)} times"
            raise DataError(
                path,
                f"the header has this name {times} (columns {', '.join(positions)}): rename or delete "
                f"the extra one; {schema}",
                row=row,
                column=name,
            )
    missing = [name for name in expected if name not in found]
    extra = [name for name in found if name not in expected]
    for name in extra:
        meant = next((m for m in missing if m.casefold() == name.strip().casefold()), None)
        if meant is not None:
            raise DataError(path, _misspelling(name, meant), row=row, column=name)
    if extra:
        lacking = f", and the header lacks {missing}: rename it to one of those" if missing else ": delete it"
        raise DataError(path, f"column is not in the schema{lacking}; {schema}", row=row, column=extra[0])
    if missing:
        raise DataError(path, f"column missing; {schema}", row=row, column=missing[0])
    for position, name in enumerate(expected):
        if found[position] != name:
            raise DataError(
                path,
                f"column out of order (found at position {found.index(name) + 1}, expected at "
                f"{position + 1}); {schema}",
                row=row,
                column=name,
            )


def _misspelling(found: str, meant: str) -> str:
    """Return how a header name differs from the schema's name it stands for, and the fix."""
    differences = []
    if found != found.strip():
        differences.append("a space before or after it")
    if found.strip() != meant:
        differences.append("capital letters that differ from the schema's")
    return f"this header should be {meant!r}; it has {' and '.join(differences)}: rename it to {meant!r}"


def _positions(mask: pd.Series) -> list[int]:
    """Return the positions in the table (0 for its first row) where mask is true."""
    return [int(i) for i in mask[mask].index]


def _typed_column(field: dict, cells: pd.Series, missing: pd.Series, problems: list) -> pd.Series:
    """Return the column converted to its schema type; bad cells are added to problems."""
    kind = field.get("type", "string")
    if kind not in PANDAS_DTYPES:
        raise DataError(DESCRIPTOR, f"unsupported type {kind!r}", column=field["name"])
    if kind == "string":
        return cells.mask(missing).astype("string")
    well_formed = cells.str.fullmatch(TYPE_PATTERNS[kind])
    for position in _positions(~missing & ~well_formed):
        problems.append((position, field["name"], _invalid_value(cells[position], kind)))
    usable = cells.where(well_formed & ~missing)
    if kind == "boolean":
        return usable.map(lambda v: v in TRUE_VALUES, na_action="ignore").astype("boolean")
    numbers = pd.to_numeric(usable)
    if kind == "number":
        too_large = numbers.abs() == float("inf")
        for position in _positions(too_large):
            shown = cells[position][:MAX_VALUE_SHOWN]
            problems.append(
                (
                    position,
                    field["name"],
                    f"{shown!r} is too large: it would be infinite; numbers must be finite",
                )
            )
        numbers = numbers.mask(too_large)
    return numbers.astype(PANDAS_DTYPES[kind])


def _invalid_value(value: str, kind: str) -> str:
    """Return why a cell is not a valid value of its type, with a hint for the likely typos."""
    message = f"{value[:MAX_VALUE_SHOWN]!r} is not a valid {kind}"
    if any(character.isdigit() and not character.isascii() for character in value):
        return f"{message}: it has digits other than 0-9 (full-width, or another script's); type them again"
    if value.strip().lstrip("+-").casefold() in NOT_FINITE_WORDS:
        return message + ": numbers must be finite"
    return message


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
                # ASCII, so that \d means 0-9 as in the type patterns: a full-width date fails.
                present & ~cells.str.fullmatch(rules["pattern"], flags=re.ASCII),
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
        for position in _positions(mask.fillna(False).astype(bool)):
            shown = "" if missing[position] else f"{cells[position][:MAX_VALUE_SHOWN]!r} "
            problems.append((position, name, shown + message))
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
        problems += [(p, key[0], f"primary key {key} repeats an earlier row") for p in _positions(repeated)]
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
        for position in _positions(unknown):
            shown = ", ".join(str(v) for v in values.loc[position])
            problems.append(
                (
                    position,
                    columns[0],
                    f"{shown!r} is not a known {target_columns[0]} in table '{target}'",
                )
            )
    return problems
