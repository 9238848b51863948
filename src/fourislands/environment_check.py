"""Check that this machine has what the course needs: Python, the pinned packages and the data."""

from __future__ import annotations

import sys
from importlib import metadata

import pandas as pd
from packaging.requirements import Requirement

from .data import load, table_names
from .errors import DataError

MINIMUM_PYTHON = (3, 11)


def _package_rows() -> list[dict]:
    """Return one row per dependency of the course: required and installed versions."""
    rows = []
    for text in metadata.requires("fourislands") or []:
        requirement = Requirement(text)
        if requirement.marker is not None:  # extras (dev, tools) are not needed for lessons
            continue
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            installed = None
        ok = installed is not None and requirement.specifier.contains(installed, prereleases=True)
        rows.append(
            {
                "check": requirement.name,
                "needed": str(requirement.specifier),
                "found": installed or "missing",
                "ok": ok,
            }
        )
    return rows


def _data_rows() -> list[dict]:
    """Return one row per data table: does it load and pass its schema?"""
    try:
        names = table_names()
    except DataError as error:
        return [{"check": "data package", "needed": "valid", "found": str(error), "ok": False}]
    rows = []
    for name in names:
        try:
            found, ok = f"{len(load(name))} rows", True
        except DataError as error:
            found, ok = str(error), False
        rows.append({"check": f"data: {name}", "needed": "valid", "found": found, "ok": ok})
    return rows


def check_environment() -> pd.DataFrame:
    """Return a table of checks (Python, packages, data tables), each with ok True or False."""
    python = ".".join(map(str, sys.version_info[:3]))
    rows = [
        {
            "check": "python",
            "needed": ">=" + ".".join(map(str, MINIMUM_PYTHON)),
            "found": python,
            "ok": sys.version_info[:2] >= MINIMUM_PYTHON,
        }
    ]
    return pd.DataFrame(rows + _package_rows() + _data_rows())


def environment_summary(checks: pd.DataFrame) -> str:
    """Return one plain sentence saying whether the checks passed, and what to do if not."""
    failed = checks[~checks["ok"]]
    if failed.empty:
        return f"All {len(checks)} checks passed: the course is ready."
    names = ", ".join(failed["check"])
    return (
        f"{len(failed)} of {len(checks)} checks failed ({names}). "
        "Run `make lab` from the course folder to reinstall, or see README.md."
    )
