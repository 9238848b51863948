"""Grade a batch of 20 submissions with the course grader (sandboxed and not) and with nbgrader.

Prints, from one run on this machine: the honest-throughput ratio (nbgrader's time over ours on
the 19 submissions without the endless loop), the same ratio with the endless loop, and the
sandbox's own cost per submission (sandboxed against not), with how many scores each got right.
Our runs are repeated and their medians kept; nbgrader's are long, so they run once each.
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from fourislands.exercise_build import questions, solution_path
from fourislands.grading.grader import grade
from fourislands.grading.limits import Limits
from fourislands.paths import exercise_path

# nbgrader is a test tool (the dev extra): the code that drives it lives with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from nbgrader_compat import nbgrader_scores  # noqa: E402

EXERCISE = "05-survey"
CELL_SECONDS = 10
REPEATS = 3
GOAL = 10.0


def batch() -> tuple[dict[str, nbformat.NotebookNode], dict[str, dict[str, float]]]:
    """Return 20 submissions and the score each question of each deserves (scored on its own)."""
    solution = nbformat.read(solution_path(EXERCISE), as_version=4)
    released = nbformat.read(exercise_path(EXERCISE), as_version=4)
    graded, _ = questions(solution)
    names = list(graded)
    right = {q: spec["solution"] for q, spec in graded.items()}
    full = {q: float(spec["points"]) for q, spec in graded.items()}

    def submission(changes: dict[str, str]) -> nbformat.NotebookNode:
        notebook = copy.deepcopy(released)
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            question = grade_id.removesuffix("-answer")
            if grade_id.endswith("-answer"):
                cell.source = changes.get(question, right[question])
        return notebook

    cases, expected = {}, {}
    for n in range(14):
        cases[f"correct-{n:02d}"], expected[f"correct-{n:02d}"] = submission({}), dict(full)
    broken = {
        "not-attempted": (names[1], f"{graded[names[1]]['answer']} = ____", False),
        # Broken answers sit where no later answer builds on them (q2 here), except the kill.
        "wrong-value": (names[1], f"{graded[names[1]]['answer']} = None", False),
        "endless-loop": (names[1], "while True:\n    pass", False),
        "raises": (names[1], "raise ValueError('oops')", False),
        "sys-exit": (names[3], "import sys\nsys.exit(1)", False),
        "kills-its-process": (names[4], "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", True),
    }
    for student, (question, code, stops) in broken.items():
        cases[student] = submission({question: code})
        later = names[names.index(question) + 1 :] if stops else []
        expected[student] = {q: 0.0 if q == question or q in later else full[q] for q in names}
    return cases, expected


def right_count(scores: dict, expected: dict) -> int:
    """Return how many submissions got exactly the scores they deserve."""
    count = 0
    for student, wanted in expected.items():
        got = scores.get(student) or {}
        count += all(float(got.get(q, 0.0)) == points for q, points in wanted.items())
    return count


def ours(folder: Path, sandbox: str) -> tuple[float, dict]:
    """Return the median seconds of REPEATS runs of the course grader on folder, and its scores."""
    times, scores = [], {}
    for _ in range(REPEATS):
        start = time.perf_counter()
        results = grade([folder], limits=Limits(cell_seconds=CELL_SECONDS), sandbox=sandbox)
        times.append(time.perf_counter() - start)
        scores = {r.student: {q.question: q.earned for q in r.questions} for r in results}
    return statistics.median(times), scores


def theirs(paths: dict[str, Path], workdir: Path) -> tuple[float, dict]:
    """Return the seconds nbgrader's generate_assignment and autograde take on paths, and its scores."""
    start = time.perf_counter()
    scores = nbgrader_scores(EXERCISE, paths, workdir, timeout=CELL_SECONDS)
    return time.perf_counter() - start, scores


def main() -> None:
    cases, expected = batch()
    root = Path(tempfile.mkdtemp(prefix="grading-bench-"))
    folders = {"all": root / "all", "honest": root / "honest"}
    paths: dict[str, dict[str, Path]] = {"all": {}, "honest": {}}
    for student, notebook in cases.items():
        for kind in ("all", "honest"):
            if kind == "honest" and student == "endless-loop":
                continue
            paths[kind][student] = folders[kind] / f"{student}.ipynb"
            paths[kind][student].parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, paths[kind][student])
    honest_expected = {s: e for s, e in expected.items() if s != "endless-loop"}
    sandboxed_honest, scores_sh = ours(folders["honest"], "required")
    plain_honest, scores_ph = ours(folders["honest"], "off")
    sandboxed_all, scores_sa = ours(folders["all"], "required")
    nbgrader_honest, scores_nh = theirs(paths["honest"], root / "nbgrader-honest")
    nbgrader_all, scores_na = theirs(paths["all"], root / "nbgrader-all")
    honest_n = len(honest_expected)
    print(
        f"{len(cases)} submissions of {EXERCISE} ({honest_n} honest, 1 endless loop), {os.cpu_count()} cores,"
    )
    print(f"{CELL_SECONDS} s per cell; ours: median of {REPEATS} runs; nbgrader: one run each")
    print(f"  {'':<28} {'honest batch':>13} {'with the loop':>14}   scores right")
    rows = [
        ("nbgrader autograde", nbgrader_honest, nbgrader_all, scores_nh, scores_na),
        ("fourislands, sandboxed", sandboxed_honest, sandboxed_all, scores_sh, scores_sa),
    ]
    for label, honest_s, all_s, honest_scores, all_scores in rows:
        print(
            f"  {label:<28} {honest_s:11.1f} s {all_s:12.1f} s   "
            f"{right_count(honest_scores, honest_expected)}/{honest_n}, "
            f"{right_count(all_scores, expected)}/{len(cases)}"
        )
    print(
        f"  {'fourislands, not sandboxed':<28} {plain_honest:11.1f} s {'':>14}   "
        f"{right_count(scores_ph, honest_expected)}/{honest_n}"
    )
    honest_ratio = nbgrader_honest / sandboxed_honest
    print(f"  honest throughput, nbgrader / fourislands sandboxed: {honest_ratio:.1f}x (goal {GOAL:g}x)")
    print(f"  with the endless loop: {nbgrader_all / sandboxed_all:.1f}x")
    cost = (sandboxed_honest - plain_honest) / honest_n
    print(
        f"  the sandbox's own cost: {cost * 1000:+.0f} ms per submission "
        f"({sandboxed_honest / plain_honest:.2f}x the unsandboxed time)"
    )
    for student in sorted(expected):
        mine = scores_sa.get(student) or {}
        other = {q: s for q, s in (scores_na.get(student) or {}).items() if q in expected[student]}
        if mine != expected[student] or other != expected[student]:
            print(f"  {student}: deserved {expected[student]}, ours {mine}, nbgrader {other}")
    sys.exit(0 if honest_ratio >= GOAL and right_count(scores_sa, expected) == len(cases) else 1)


if __name__ == "__main__":
    main()
