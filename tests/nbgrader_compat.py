"""Grade submissions with nbgrader (a test tool, in the dev extra) to compare with the course grader."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from fourislands.exercise_build import solution_path

ASSIGNMENT = "exercise"
CONFIG = """c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"
c.Execute.timeout = {timeout}
c.Execute.kernel_manager_class = "fourislands.kernels.AsyncIPCKernelManager"
"""


def _nbgrader(course: Path, *arguments: str, check: bool = True) -> None:
    """Run an nbgrader command in the course folder; raise with its output if it fails and check."""
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *arguments, "--force"],
        cwd=course,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            # nbgrader runs `alembic` and `jupyter` by name: they live beside this Python.
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "FOURISLANDS_PROGRESS": str(course / "progress.json"),
        },
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"nbgrader {arguments[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def nbgrader_scores(
    name: str, submissions: dict[str, Path], workdir: Path, timeout: int = 10
) -> dict[str, dict]:
    """Return {student: {question: points}} from nbgrader's generate_assignment and autograde.

    A student nbgrader could not grade (its kernel died) gets None.
    """
    course = workdir / "nbgrader-course"
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    shutil.copy(solution_path(name), source / f"{name}.ipynb")
    (course / "nbgrader_config.py").write_text(CONFIG.format(root=str(course), timeout=timeout))
    for student, path in submissions.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copy(path, folder / f"{name}.ipynb")
    _nbgrader(course, "generate_assignment", ASSIGNMENT)
    # A submission whose kernel dies makes autograde fail for that student only: read the rest.
    _nbgrader(course, "autograde", ASSIGNMENT, "--create", check=False)
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gradebook:
        for student in submissions:
            try:
                notebook = gradebook.find_submission_notebook(name, ASSIGNMENT, student)
            except Exception:  # nbgrader could not grade this submission at all
                scores[student] = None
                continue
            scores[student] = {g.name: g.score for g in notebook.grades if g.auto_score is not None}
    return scores
