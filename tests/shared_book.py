"""Both editions of the book, built once a test session by the course's command, for every test process."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from fourislands.book import EDITIONS

ROOT = Path(__file__).resolve().parents[1]
FOURISLANDS = Path(sys.executable).parent / "fourislands"
# The start page; a lesson with charts, explorers, an exercise and quizzes of every kind; the
# seminar, whose instructor edition adds role cards and the essay rubric.
LESSONS = ["00", "02", "07"]
BUILD_SECONDS = 300


@dataclass(frozen=True)
class SharedBook:
    """The two editions' folders, the files the command said it wrote in each (in its order), and the
    progress file of a student that was set while it ran: the build must leave it untouched."""

    outs: dict[str, Path]
    written: dict[str, list[Path]]
    progress: Path


def written_by(output: str, outs: dict[str, Path]) -> dict[str, list[Path]]:
    """Return, edition by edition, the files the command's output says it wrote, in the order it said so.

    A page is said as "PATH written", an instructor page as "PATH written (instructor edition)", and
    each edition's index last, in its closing line "PATH/index.html, N lesson pages ... written in S s".
    """
    written: dict[str, list[Path]] = {edition: [] for edition in outs}
    for line in output.splitlines():
        path = Path(line.split(" written", 1)[0].split(", ", 1)[0])
        for edition, out in outs.items():
            if path.parent == out and " written" in line:
                written[edition].append(path)
    return written


def shared_book(tmp_path_factory: pytest.TempPathFactory) -> SharedBook:
    """Return both editions of LESSONS, built by `fourislands build-book` from one run of the lessons.

    The test processes of one `pytest -n` run share a temporary folder above each one's own: the
    first to ask builds there under a lock while the others wait, then all read the same files. A
    run without workers builds in its own temporary folder.
    """
    own = tmp_path_factory.getbasetemp()
    folder = (own.parent if "PYTEST_XDIST_WORKER" in os.environ else own) / "shared-book"
    folder.mkdir(exist_ok=True)
    outs = {edition: folder / edition for edition in EDITIONS}
    progress = folder / "home" / "progress.json"
    said = folder / "build-book.txt"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the build fails
        if not said.exists():
            progress.parent.mkdir(exist_ok=True)  # a student's progress file: the build must not touch it
            done = subprocess.run(
                [str(FOURISLANDS), "build-book", "--out", str(outs["student"]),
                 "--instructor-out", str(outs["instructor"]), *LESSONS],
                cwd=ROOT, capture_output=True, text=True, timeout=BUILD_SECONDS,
                env=dict(os.environ, FOURISLANDS_PROGRESS=str(progress)),
            )  # fmt: skip
            assert done.returncode == 0, done.stdout + done.stderr
            said.write_text(done.stdout, encoding="utf-8")
    return SharedBook(outs, written_by(said.read_text(encoding="utf-8"), outs), progress)
