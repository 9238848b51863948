"""Shared fixtures: a throwaway copy of the project a test may break, and a built fixture exercise."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from course_root import ROOT

# The exercise the grader tests build and grade: small, with every kind of check.
EXERCISE_FIXTURE = Path(__file__).parent / "fixtures" / "solutions" / "99-fixture.ipynb"


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a copy of course.yml and data/ that the package reads instead of the real ones."""
    copy = tmp_path / "course"
    shutil.copytree(ROOT / "data", copy / "data", ignore=shutil.ignore_patterns("geo"))
    shutil.copy(ROOT / "course.yml", copy / "course.yml")
    monkeypatch.setenv("FOURISLANDS_HOME", str(copy))
    return copy


@pytest.fixture(scope="session")
def built_fixture_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a course folder with the real data and the fixture exercise built, once per session.

    Building runs the solution on a kernel (seconds): the modules that grade share one build.
    """
    from fourislands import exercise_build

    home = tmp_path_factory.mktemp("built-course")
    shutil.copytree(ROOT / "data", home / "data", ignore=shutil.ignore_patterns("exercises"))
    shutil.copy(ROOT / "course.yml", home)
    (home / "solutions").mkdir()
    shutil.copy(EXERCISE_FIXTURE, home / "solutions")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOURISLANDS_HOME", str(home))
        exercise_build.write("99-fixture")
    return home


@pytest.fixture(scope="module")
def built_course(built_fixture_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Yield a course folder holding the real data and the fixture exercise, built as for students.

    A copy of the session's build for each module, which may change it freely.
    """
    home = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(built_fixture_course, home)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOURISLANDS_HOME", str(home))
        yield home


def pytest_configure(config: pytest.Config) -> None:
    """Keep the progress files the tests write (kernels too) out of the home folder; clear old pictures."""
    config.fourislands_scratch = Path(tempfile.mkdtemp(prefix="fourislands-tests-"))
    if not hasattr(config, "workerinput"):
        # Only this run's pictures, no stale failure shots: emptied once, before any worker starts,
        # as a worker emptying it would delete the pictures another worker had already taken.
        shutil.rmtree(ROOT / "build" / "screenshots", ignore_errors=True)
    os.environ["FOURISLANDS_PROGRESS"] = str(config.fourislands_scratch / "progress.json")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the progress folder of this run (each worker of pytest -n has its own)."""
    shutil.rmtree(config.fourislands_scratch, ignore_errors=True)
