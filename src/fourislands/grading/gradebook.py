"""Write the gradebook, one feedback file per student and the written answers, atomically."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import nbformat

from ..exercise_build import questions, solution_path
from .grader import StudentResult, results_from_json, results_json

WRITTEN_COLUMNS = [
    "student",
    "exercise",
    "question",
    "points",
    "rubric",
    "answer",
    "score",
    "comment",
]


def _atomic_write(path: Path, text: str) -> None:
    """Write text to path so that a crash leaves the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _written_specs(results: list[StudentResult]) -> dict[str, dict]:
    """Return {exercise: {written question: {points, rubric}}} for the exercises graded."""
    specs = {}
    for name in sorted({r.exercise for r in results if r.exercise}):
        specs[name] = questions(nbformat.read(solution_path(name), as_version=4))[1]
    return specs


def read_manual_scores(path: Path) -> tuple[dict[tuple[str, str], tuple[float, str]], list[str]]:
    """Return {(student, question): (score, comment)} from a filled written.csv, and problems found."""
    scores, problems = {}, []
    if not path.exists():
        return scores, problems
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            text = (row.get("score") or "").strip()
            if not text:
                continue
            try:
                score = float(text)
                maximum = float(row["points"])
            except (TypeError, ValueError, KeyError):
                problems.append(f"written.csv line {line}: score {text!r} is not a number; ignored")
                continue
            if not 0 <= score <= maximum:
                problems.append(f"written.csv line {line}: score {score:g} is outside 0-{maximum:g}; ignored")
                continue
            scores[(row["student"], row["question"])] = (score, row.get("comment") or "")
    return scores, problems


def _gradebook(results: list[StudentResult], specs: dict, manual: dict) -> str:
    autograded = sorted({q.question for r in results for q in r.questions})
    written = sorted({w for spec in specs.values() for w in spec})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "student",
            "exercise",
            "status",
            *autograded,
            *written,
            "autograded",
            "manual",
            "total",
            "possible",
            "file",
        ]
    )
    for r in results:
        earned = {q.question: q.earned for q in r.questions}
        spec = specs.get(r.exercise, {})
        manual_scores = {w: manual.get((r.student, w), (None, ""))[0] for w in spec}
        auto = sum(earned.values())
        hand = sum(s for s in manual_scores.values() if s is not None)
        possible = sum(q.points for q in r.questions) + sum(float(v["points"]) for v in spec.values())
        writer.writerow(
            [
                r.student,
                r.exercise or "",
                r.status if r.status == "graded" else f"rejected: {r.reason}",
            ]
            + [f"{earned[q]:g}" if q in earned else "" for q in autograded]
            + [
                ("" if manual_scores.get(w) is None else f"{manual_scores[w]:g}") if w in spec else ""
                for w in written
            ]
            + [f"{auto:g}", f"{hand:g}", f"{auto + hand:g}", f"{possible:g}", r.file]
        )
    return out.getvalue()


def _feedback(r: StudentResult, spec: dict, manual: dict) -> str:
    lines = [f"# Feedback for {r.student}", ""]
    if r.status != "graded":
        lines += [
            f"Your file `{Path(r.file).name}` could not be graded: {r.reason}.",
            "",
            "Please submit the exercise notebook (`.ipynb`) saved from JupyterLab, VS Code or Colab.",
        ]
        return "\n".join(lines) + "\n"
    auto = sum(q.earned for q in r.questions)
    possible = sum(q.points for q in r.questions)
    lines += [
        f"Exercise: **{r.exercise}**. Autograded: **{auto:g} of {possible:g}** points.",
        "",
    ]
    lines += ["| question | points | result |", "| --- | --- | --- |"]
    for q in r.questions:
        verdict = "passed" if q.earned else f"not passed: {q.reason}"
        lines.append(f"| {q.question} | {q.earned:g} / {q.points:g} | {verdict.replace('|', '/')} |")
    if r.notes:
        lines += ["", "## Notes from the grader", ""] + [f"- {n}" for n in r.notes]
    for question, answer in sorted(r.written.items()):
        info = spec.get(question, {"points": "?", "rubric": []})
        score, comment = manual.get((r.student, question), (None, ""))
        status = "to be graded by hand" if score is None else f"{score:g} of {info['points']} points"
        lines += [
            "",
            f"## Written answer {question} ({status})",
            "",
            answer or "_(no answer)_",
            "",
            "Rubric:",
        ]
        lines += [f"- {c['criterion']} ({c['points']} pt)" for c in info["rubric"]]
        if comment:
            lines += ["", f"Grader's comment: {comment}"]
    return "\n".join(lines) + "\n"


def _written_rows(results: list[StudentResult], specs: dict, manual: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=WRITTEN_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in results:
        for question, answer in sorted(r.written.items()):
            info = specs.get(r.exercise, {}).get(question, {"points": 0, "rubric": []})
            score, comment = manual.get((r.student, question), (None, ""))
            writer.writerow(
                {
                    "student": r.student,
                    "exercise": r.exercise,
                    "question": question,
                    "points": info["points"],
                    "rubric": "; ".join(f"{c['criterion']} ({c['points']})" for c in info["rubric"]),
                    "answer": answer,
                    "score": "" if score is None else f"{score:g}",
                    "comment": comment,
                }
            )
    return out.getvalue()


def write_outputs(results: list[StudentResult], out: Path) -> list[str]:
    """Write results.json, written.csv, feedback/*.md and gradebook.csv (last); return problems.

    Manual scores already typed into out/written.csv are kept and counted.
    """
    manual, problems = read_manual_scores(out / "written.csv")
    specs = _written_specs(results)
    _atomic_write(out / "results.json", results_json(results) + "\n")
    _atomic_write(out / "written.csv", _written_rows(results, specs, manual))
    for r in results:
        _atomic_write(out / "feedback" / f"{r.student}.md", _feedback(r, specs.get(r.exercise, {}), manual))
    _atomic_write(out / "gradebook.csv", _gradebook(results, specs, manual))
    return problems


def merge_written(out: Path) -> list[str]:
    """Fold the manual scores in out/written.csv into the gradebook and feedback, without regrading."""
    results = results_from_json((out / "results.json").read_text(encoding="utf-8"))
    return write_outputs(results, out)
