"""Build both editions of the whole book from one run of the lessons, against one build per edition.

Prints, from one run on this machine: the time of `fourislands build-book --out A --instructor-out B`
(make books) and of its baseline, the two commands `make book` and `make book-instructor` run one
after the other, with their ratio; and the student edition alone (make book) against its goal of
20 s. Each command runs REPEATS times, alternating with the others, and its median is kept.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FOURISLANDS = Path(sys.executable).parent / "fourislands"
REPEATS = 3
GOAL_SECONDS = 20.0


def seconds(*commands: list[str]) -> float:
    """Return how long the commands took, run one after the other; fail with the output of one that fails."""
    start = time.perf_counter()
    for command in commands:
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    runs: dict[str, list[float]] = {"both": [], "one by one": [], "student": []}
    with tempfile.TemporaryDirectory(prefix="fourislands-bench-book-") as scratch:
        for number in range(REPEATS):
            folder = Path(scratch) / str(number)
            student, instructor = [str(FOURISLANDS), "build-book", "--out"], [str(FOURISLANDS), "build-book"]
            runs["both"].append(seconds(student + [f"{folder}/b1", "--instructor-out", f"{folder}/i1"]))
            runs["one by one"].append(
                seconds(student + [f"{folder}/b2"], instructor + ["--instructor", "--out", f"{folder}/i2"])
            )
            runs["student"].append(seconds(student + [f"{folder}/b3"]))
    both, one_by_one, alone = (statistics.median(runs[name]) for name in ("both", "one by one", "student"))
    print(f"both editions from one run of the lessons (make books): {both:.1f} s (median of {REPEATS})")
    print(f"baseline, make book then make book-instructor: {one_by_one:.1f} s")
    print(f"ratio: x{both / one_by_one:.2f} of the baseline")
    verdict = "within" if alone <= GOAL_SECONDS else "OVER"
    print(f"the student edition alone (make book): {alone:.1f} s, {verdict} the goal of {GOAL_SECONDS:g} s")


if __name__ == "__main__":
    main()
