"""Write the gradebook, one feedback file per student and the written answers, atomically."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import nbformat

from ..atomic import write_text_atomically
from ..exercise_build import exercise_names, questions, solution_path
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


def _write(path: Path, text: str) -> None:
    """Write one output file whole, private to the grader (grades), newlines as written (CSV)."""
    write_text_atomically(path, text, newline="")


def _written_specs() -> dict[str, dict]:
    """Return {exercise: {written question: {points, rubric}}} from the solution notebooks."""
    return {name: questions(nbformat.read(solution_path(name), as_version=4))[1] for name in exercise_names()}


Marks = dict[tuple[str, str, str], tuple[float, str]]


def read_manual_scores(path: Path, specs: dict[str, dict]) -> tuple[Marks, list[dict], list[str]]:
    """Return typed scores {(student, exercise, question): (score, comment)}, every typed row, and problems.

    A score counts only within 0 and the points the solution gives the question (never the
    points column of the CSV, which anyone can edit); every typed row is returned, so that
    rewriting written.csv never loses one.
    """
    scores, typed, problems = {}, [], []
    if not path.exists():
        return scores, typed, problems
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            text, comment = (row.get("score") or "").strip(), (row.get("comment") or "").strip()
            if not text and not comment:
                continue
            typed.append(row)
            if not text:
                continue
            key = (row.get("student") or "", row.get("exercise") or "", row.get("question") or "")
            spec = specs.get(key[1], {}).get(key[2])
            if spec is None:
                problems.append(
                    f"written.csv line {line}: exercise {key[1]!r} has no written question {key[2]!r}; "
                    "kept, not counted"
                )
                continue
            try:
                score = float(text)
            except ValueError:
                problems.append(f"written.csv line {line}: score {text!r} is not a number; ignored")
                continue
            maximum = float(spec["points"])
            if not 0 <= score <= maximum:
                problems.append(f"written.csv line {line}: score {score:g} is outside 0-{maximum:g}; ignored")
                continue
            scores[key] = (score, row.get("comment") or "")
    return scores, typed, problems


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
        manual_scores = {w: manual.get((r.student, r.exercise or "", w), (None, ""))[0] for w in spec}
        auto = sum(earned.values())
        hand = sum(s for s in manual_scores.values() if s is not None)
        possible = sum(q.points for q in r.questions) + sum(float(v["points"]) for v in spec.values())
        writer.writerow(
            [
                r.student,
                r.exercise or "",
                r.status if r.status == "graded" else f"{r.status}: {r.reason}",
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
        score, comment = manual.get((r.student, r.exercise or "", question), (None, ""))
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


def _written_rows(results: list[StudentResult], specs: dict, typed: list[dict]) -> tuple[str, list[str]]:
    """Return written.csv: a row per written answer with what was typed for it, then typed rows left over."""
    typed_by_key = {
        (t.get("student") or "", t.get("exercise") or "", t.get("question") or ""): t for t in typed
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=WRITTEN_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    problems, used = [], set()
    for r in results:
        for question, answer in sorted(r.written.items()):
            key = (r.student, r.exercise or "", question)
            info = specs.get(r.exercise, {}).get(question, {"points": 0, "rubric": []})
            mark = typed_by_key.get(key, {})
            used.add(key)
            if mark and (mark.get("answer") or "").strip() != answer.strip():
                problems.append(
                    f"{r.student} {r.exercise} {question}: the written answer changed since it was marked; "
                    "the typed score is kept: check it"
                )
            writer.writerow(
                {
                    "student": r.student,
                    "exercise": r.exercise,
                    "question": question,
                    "points": info["points"],
                    "rubric": "; ".join(f"{c['criterion']} ({c['points']})" for c in info["rubric"]),
                    "answer": answer,
                    "score": (mark.get("score") or "").strip(),
                    "comment": mark.get("comment") or "",
                }
            )
    for key, mark in typed_by_key.items():
        if key not in used:  # a mark for a row no longer graded: kept, so nothing typed is lost
            writer.writerow(mark)
            problems.append(f"{' '.join(key)}: a typed score with no graded submission; kept in written.csv")
    return out.getvalue(), problems


def feedback_path(out: Path, result: StudentResult) -> Path:
    """Return where a result's feedback goes: a folder per exercise, one file per student."""
    return out / "feedback" / (result.exercise or "not-graded") / f"{result.student}.md"


def merged_results(results: list[StudentResult], out: Path) -> tuple[list[StudentResult], list[str]]:
    """Return results plus the rows of out/results.json they leave alone (other students or files)."""
    saved = out / "results.json"
    if not saved.exists():
        return sorted(results, key=lambda r: r.key), []
    try:
        previous = results_from_json(saved.read_text(encoding="utf-8"))
    except (ValueError, TypeError, KeyError) as error:
        backup = saved.with_name(f"results.json.damaged-{int(time.time())}")
        saved.replace(backup)
        return sorted(results, key=lambda r: r.key), [
            f"{saved} could not be read ({error}); moved to {backup.name}"
        ]
    keys, files = {r.key for r in results}, {r.file for r in results if r.file}
    students = {r.student for r in results if r.status != "missing"}
    kept = [
        r
        for r in previous
        if r.key not in keys and r.file not in files and not (r.status == "missing" and r.student in students)
    ]
    return sorted(kept + results, key=lambda r: r.key), []


def write_outputs(results: list[StudentResult], out: Path) -> list[str]:
    """Write results.json, written.csv, feedback/ and gradebook.csv (last); return problems.

    Rows already in out/ for other students or exercises are kept, and so is every score typed
    into out/written.csv.
    """
    results, problems = merged_results(results, out)
    specs = _written_specs()
    manual, typed, typed_problems = read_manual_scores(out / "written.csv", specs)
    written, written_problems = _written_rows(results, specs, typed)
    _write(out / "results.json", results_json(results) + "\n")
    _write(out / "written.csv", written)
    current = set()
    for r in results:
        if r.status == "missing":
            continue  # no file, so nobody to send feedback to
        current.add(feedback_path(out, r))
        _write(feedback_path(out, r), _feedback(r, specs.get(r.exercise, {}), manual))
    for stale in (out / "feedback").rglob("*.md"):
        if stale not in current:
            stale.unlink()
    _write(out / "gradebook.csv", _gradebook(results, specs, manual))
    return problems + typed_problems + written_problems


def merge_written(out: Path) -> list[str]:
    """Fold the manual scores in out/written.csv into the gradebook and feedback, without regrading."""
    return write_outputs([], out)
