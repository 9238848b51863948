"""Shared fixtures: the project folder, and a throwaway copy of it that a test may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a copy of course.yml and data/ that the package reads instead of the real ones."""
    copy = tmp_path / "course"
    shutil.copytree(ROOT / "data", copy / "data", ignore=shutil.ignore_patterns("geo"))
    shutil.copy(ROOT / "course.yml", copy / "course.yml")
    monkeypatch.setenv("FOURISLANDS_HOME", str(copy))
    return copy
