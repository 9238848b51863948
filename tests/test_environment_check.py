"""The start notebook's environment check: passes here, and says clearly what is missing."""

from __future__ import annotations

from importlib import metadata

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from fourislands import check_environment, environment_summary


def test_this_environment_passes_every_check():
    checks = check_environment()
    assert checks["ok"].all(), checks[~checks["ok"]]
    assert {"python", "pandas", "ipywidgets", "data: nhk_survey"} <= set(checks["check"])


@pytest.fixture
def ipywidgets_missing(monkeypatch):
    """Make ipywidgets look uninstalled to the checks."""
    real_version = metadata.version

    def version(name: str) -> str:
        if name == "ipywidgets":
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(metadata, "version", version)


def test_a_missing_package_fails_its_check(ipywidgets_missing):
    checks = check_environment().set_index("check")
    assert not checks.loc["ipywidgets", "ok"]
    assert checks.loc["ipywidgets", "found"] == "missing"
    assert checks.loc["pandas", "ok"]


def test_broken_data_fails_its_check_without_raising(project_copy):
    (project_copy / "data" / "islands.csv").write_text("nonsense\n")
    checks = check_environment().set_index("check")
    assert not checks.loc["data: islands", "ok"]
    assert "islands.csv" in checks.loc["data: islands", "found"]


def test_the_summary_names_what_failed():
    checks = pd.DataFrame(
        [
            {"check": "python", "needed": ">=3.11", "found": "3.11.7", "ok": True},
            {"check": "pandas", "needed": "==3.1.1", "found": "missing", "ok": False},
        ]
    )
    summary = environment_summary(checks)
    assert "1 of 2 checks failed (pandas)" in summary and "make lab" in summary
    assert environment_summary(checks[checks["ok"]]).startswith("All 1 checks passed")


@pytest.mark.parametrize("points_at", ["course.yml", "nowhere", "data"])
def test_a_wrong_fourislands_home_fails_the_course_folder_check_and_the_summary_says_so(
    project_copy, monkeypatch, points_at
):
    value = str(project_copy / points_at)
    monkeypatch.setenv("FOURISLANDS_HOME", value)
    checks = check_environment().set_index("check")
    assert not checks.loc["course folder", "ok"]
    assert "FOURISLANDS_HOME" in checks.loc["course folder", "found"]
    assert value in checks.loc["course folder", "found"]
    summary = environment_summary(checks.reset_index())
    assert "FOURISLANDS_HOME" in summary and value in summary
    assert "make lab" not in summary


def test_broken_data_is_not_answered_with_a_reinstall(project_copy):
    (project_copy / "data" / "islands.csv").write_text("nonsense\n")
    summary = environment_summary(check_environment())
    assert "(data: islands)" in summary and "'found' column" in summary
    assert "make lab" not in summary


def test_the_report_says_ready_in_one_line_when_every_check_passes():
    from fourislands import environment_report

    report = environment_report()
    page = report._repr_html_()
    assert report.ready and "Ready." in page and "<table" not in page
    assert f"All {len(report.checks)} checks passed" in repr(report)


def test_the_report_lists_only_what_failed_and_what_to_do(ipywidgets_missing):
    from fourislands import environment_report

    report = environment_report()
    page = report._repr_html_()
    assert not report.ready and "Not ready." in page and 'role="alert"' in page
    rows = [
        [cell.get_text() for cell in row.find_all("td")]
        for row in BeautifulSoup(page, "html.parser").find_all("tr")
    ]
    (failed,) = [row for row in rows if row]
    assert failed[0] == "ipywidgets" and failed[1].startswith("==") and failed[2] == "missing"
    assert "make lab" in page
