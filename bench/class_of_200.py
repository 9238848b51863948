"""Grade and report a class of 200 with the fourislands command, against grading one student alone.

The class is bench/grading.py's batch of 20 (14 right, 6 broken in the usual ways, one of them an
endless loop) ten times over, under 200 student names; the baseline is one right submission graded
alone in the same run, so the ratio says what a class costs per student once the start is paid.
Prints the seconds of `grade` and of `report`, and the ratio.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from grading import CELL_SECONDS, batch

from fourislands.cli import main as fourislands

CLASS = 200


def timed(arguments: list[str]) -> float:
    """Return the seconds one fourislands command takes (its output kept quiet); fail if it fails."""
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as said:
        code = fourislands(arguments)
    if code != 0:
        sys.exit(f"fourislands {' '.join(arguments)} failed ({code}): {said.getvalue()[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    cases, _ = batch()
    root = Path(tempfile.mkdtemp(prefix="class-bench-"))
    names = sorted(cases)
    for folder in ("class", "alone"):
        (root / folder).mkdir()
    for n in range(CLASS):
        nbformat.write(cases[names[n % len(names)]], root / "class" / f"s{n:03d}.ipynb")
    nbformat.write(cases["correct-00"], root / "alone" / "s000.ipynb")
    grade = ["--jobs", "2", "--cell-timeout", str(CELL_SECONDS)]
    alone = timed(["grade", str(root / "alone"), "--out", str(root / "alone-out"), *grade])
    whole = timed(["grade", str(root / "class"), "--out", str(root / "class-out"), *grade])
    report = timed(["report", str(root / "class-out")])
    print(f"grading one student alone (baseline): {alone:.1f} s")
    print(
        f"grading a class of {CLASS} (10 endless loops among them): {whole:.1f} s, "
        f"{whole / CLASS:.2f} s a student"
    )
    print(f"the class report: {report:.1f} s")
    print(f"per student in the class against one alone: x{whole / CLASS / alone:.2f}")


if __name__ == "__main__":
    main()
