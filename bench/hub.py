"""What one student costs on the course's JupyterHub: memory and CPU seconds per student, against one alone.

N throwaway students (default 5) log in at once, and each runs lesson 01 in Chromium and answers a
question. The baseline is the same work done by one student alone on a fresh hub, in the same run:
the ratios say what a full class adds to each student's cost (memory shared, CPU contended). Run as
root on a machine with Chromium, after `make install` and `npm ci`:

    .venv/bin/python bench/hub.py --students 10

The students are real Unix accounts, removed afterwards with their homes, as the hub test does
(tests/hub/). The figures in docs/jupyterhub.md come from this script and from that test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # ahead of bench/, which holds hub.py
from hub.classroom import PROXY, class_at_work, missing_hub_tools  # noqa: E402


@dataclass(frozen=True)
class ClassRun:
    """What a class of students cost on a fresh hub: the printed figures and the means per student."""

    text: str
    pss: float  # bytes
    cpu: float  # seconds


def class_run(count: int) -> ClassRun:
    """Return the figures of count students logging in at once and working lesson 01 on a fresh hub."""
    # A class that does not get through raises with the hub's log (classroom.class_at_work).
    with tempfile.TemporaryDirectory() as folder, class_at_work(count, Path(folder)) as worked:
        usage, text = worked.usage, worked.figures()
    return ClassRun(text, sum(u.pss for u in usage) / count, sum(u.cpu for u in usage) / count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=5, help="how many students log in at once")
    args = parser.parse_args()
    reason = missing_hub_tools() or (None if PROXY.exists() else f"{PROXY} is missing: run `npm ci`")
    if reason:
        print(f"bench/hub.py cannot run here: {reason}")
        return 2
    alone = class_run(1)
    together = class_run(args.students)
    print(f"baseline, one student alone:\n{alone.text}\n\n{args.students} students at once:\n{together.text}")
    print(
        f"per student, {args.students} at once against one alone: memory x{together.pss / alone.pss:.2f}, "
        f"CPU x{together.cpu / alone.cpu:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
