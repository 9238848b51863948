"""Check that this machine has what the course needs: Python, the pinned packages and the data."""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass
from importlib import metadata

import pandas as pd
from packaging.requirements import Requirement

from .data import load, table_names
from .errors import DataError
from .paths import project_root

MINIMUM_PYTHON = (3, 11)
COURSE_FOLDER = "course folder"


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


def _course_folder_row() -> dict:
    """Return the row that says whether the course folder (set by FOURISLANDS_HOME, if set) is found."""
    try:
        found, ok = str(project_root()), True
    except DataError as error:
        found, ok = str(error), False
    return {"check": COURSE_FOLDER, "needed": "a folder holding data/", "found": found, "ok": ok}


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
    folder = _course_folder_row()
    # Without the course folder no table can be read: one failed row says why, not one per table.
    data = _data_rows() if folder["ok"] else []
    return pd.DataFrame(rows + _package_rows() + [folder] + data)


def environment_summary(checks: pd.DataFrame) -> str:
    """Return one plain sentence saying whether the checks passed, and what to do if not."""
    failed = checks[~checks["ok"]]
    if failed.empty:
        return f"All {len(checks)} checks passed: the course is ready."
    names = ", ".join(failed["check"])
    advice = []
    folder = failed[failed["check"] == COURSE_FOLDER]
    if not folder.empty:
        advice.append(folder["found"].iloc[0])
    if failed["check"].str.startswith("data").any():
        advice.append(
            "A data file has a problem: the 'found' column says which file, row and column. "
            "Undo your change to that file, or copy it again from the course."
        )
    if (~failed["check"].str.startswith("data") & (failed["check"] != COURSE_FOLDER)).any():
        advice.append("Run `make lab` from the course folder to reinstall, or see README.md.")
    return f"{len(failed)} of {len(checks)} checks failed ({names}). " + " ".join(advice)


@dataclass(frozen=True)
class EnvironmentReport:
    """The checks as the start notebook shows them: one line when all pass, the failures when not."""

    checks: pd.DataFrame

    @property
    def ready(self) -> bool:
        return bool(self.checks["ok"].all())

    def __repr__(self) -> str:
        return environment_summary(self.checks)

    def _repr_html_(self) -> str:
        summary = html.escape(environment_summary(self.checks))
        if self.ready:
            return f'<p role="status" class="fi-ready"><strong>\u2714 Ready.</strong> {summary}</p>'
        failed = self.checks[~self.checks["ok"]][["check", "needed", "found"]]
        return (
            f'<div role="alert" class="fi-not-ready"><p><strong>\u2718 Not ready.</strong> {summary}</p>'
            f"{failed.to_html(index=False, escape=True, border=0)}</div>"
        )


def environment_report() -> EnvironmentReport:
    """Return the environment checks for display: 'Ready.' in one line, or what failed and what to do."""
    return EnvironmentReport(check_environment())
