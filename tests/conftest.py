"""Shared fixtures: the project folder, and a throwaway copy of it that a test may break."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from course_root import ROOT


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a copy of course.yml and data/ that the package reads instead of the real ones."""
    copy = tmp_path / "course"
    shutil.copytree(ROOT / "data", copy / "data", ignore=shutil.ignore_patterns("geo"))
    shutil.copy(ROOT / "course.yml", copy / "course.yml")
    monkeypatch.setenv("FOURISLANDS_HOME", str(copy))
    return copy


def pytest_configure(config: pytest.Config) -> None:
    """Keep the progress files the tests write (kernels too) out of the home folder."""
    folder = Path(tempfile.mkdtemp(prefix="fourislands-tests-"))
    os.environ["FOURISLANDS_PROGRESS"] = str(folder / "progress.json")
