"""Build student exercise notebooks and their public checks from the solution notebooks."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat

from .data import load
from .errors import DataError
from .exercises import encoded
from .kernels import notebook_client
from .paths import data_dir, exercise_path, project_root

SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?", re.S | re.M)
HIDDEN = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n(.*?)^[ \t]*### END HIDDEN TESTS[ \t]*\n?", re.S | re.M
)
# A written answer's cell as it starts: a quoted box (JupyterLab draws a rule beside it) that says
# how to write in it, so it is not taken for the task's own text.
WRITTEN_PLACEHOLDER = (
    "> **Your answer.** Double-click this box, replace these lines with your answer (a few "
    "sentences), then press Shift+Enter to show it."
)


# An essay's cell as it starts: the same box, with the length the prompt asks for.
ESSAY_PLACEHOLDER = (
    "> **Your essay.** Double-click this box, replace these lines with your essay ({min_words} to "
    "{max_words} words, in paragraphs), then press Shift+Enter to show it."
)


def _metadata_part(cell, key: str) -> dict:
    """Return one dictionary of a cell's metadata, empty where it is missing, null or not a dictionary."""
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    part = metadata.get(key) if isinstance(metadata, dict) else None
    return part if isinstance(part, dict) else {}


def nbgrader_meta(cell) -> dict:
    """Return a cell's nbgrader metadata (empty for ordinary cells, and for `"nbgrader": null`)."""
    return _metadata_part(cell, "nbgrader")


def course_meta(cell) -> dict:
    """Return a cell's fourislands metadata (answer name, hints, rubric)."""
    return _metadata_part(cell, "fourislands")


def solution_path(name: str) -> Path:
    """Return the solution notebook of an exercise name ("01-history")."""
    return project_root() / "solutions" / f"{name}.ipynb"


def exercise_names() -> list[str]:
    """Return the names of all exercises that have a solution notebook."""
    return sorted(p.stem for p in (project_root() / "solutions").glob("[0-9][0-9]-*.ipynb"))


def student_version(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the exercise notebook: solutions replaced by ____ stubs, hidden tests removed."""
    notebook = copy.deepcopy(solution)
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if meta.get("solution") and cell.cell_type == "code":
            answer = course_meta(cell)["answer"]
            stub = f"# Your code here: store your answer in {answer}\n{answer} = ____\n"
            cell.source = SOLUTION.sub(lambda _m, s=stub: s, cell.source, count=1).rstrip("\n")
        elif meta.get("solution") and course_meta(cell).get("essay"):
            words = essay_words(course_meta(cell)["essay"])
            cell.source = ESSAY_PLACEHOLDER.format(min_words=words[0], max_words=words[1])
        elif meta.get("solution"):
            cell.source = WRITTEN_PLACEHOLDER
        if meta.get("grade") and cell.cell_type == "code":
            cell.source = HIDDEN.sub("", cell.source).rstrip("\n")
    notebook.metadata.setdefault("fourislands", {})["role"] = "exercise"
    return notebook


def questions(solution: nbformat.NotebookNode) -> tuple[dict, dict]:
    """Return the autograded questions and written answers of a solution notebook, in order."""
    graded, written = {}, {}
    answers = {}
    for cell in solution.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            extra = course_meta(cell)
            match = SOLUTION.search(cell.source)
            if match is None:
                raise DataError(
                    meta.get("grade_id", "?"), "an answer cell needs ### BEGIN/END SOLUTION markers"
                )
            answers[extra["question"]] = {
                "answer": extra["answer"],
                "hints": extra.get("hints", []),
                "decimals": extra.get("decimals", 1),
                "solution": match.group(1),
                "cell": meta["grade_id"],
            }
        elif meta.get("grade") and cell.cell_type == "code":
            question = meta["grade_id"]
            graded[question] = {**answers[question], "points": meta["points"], "tests": question}
        elif meta.get("grade") and meta.get("solution") and course_meta(cell).get("essay"):
            written[meta["grade_id"]] = essay_answer(course_meta(cell)["essay"], meta)
        elif meta.get("grade") and meta.get("solution"):
            written[meta["grade_id"]] = {
                "points": meta["points"],
                "rubric": course_meta(cell).get("rubric", []),
            }
    return graded, written


def essay_words(essay: str) -> tuple[int, int]:
    """Return the fewest and most words data/essays.csv asks of an essay."""
    row = _essay_row(essay)
    return int(row["min_words"]), int(row["max_words"])


def _essay_row(essay: str) -> dict:
    """Return an essay's row of data/essays.csv; raise DataError naming the essays if there is none."""
    essays = load("essays").set_index("id", drop=False)
    if essay not in essays.index:
        raise DataError("essays", f"no essay {essay!r}; the essays are {', '.join(essays.index)}")
    return essays.loc[essay].to_dict()


def essay_answer(essay: str, meta: dict) -> dict:
    """Return an essay's written answer as the checks hold it: points, rubric and length from data/.

    The rubric is data/essay_rubric.csv's, the one the instructor edition prints, so the marking
    sheet and the printed page cannot differ; the cell's points must be the rubric's total.
    """
    words = essay_words(essay)
    rows = load("essay_rubric")
    rows = rows[rows["essay_id"] == essay].sort_values("position")
    rubric = [
        {"points": int(row.points), "criterion": f"{row.criterion}: {row.full_marks}"}
        for row in rows.itertuples()
    ]
    total = sum(item["points"] for item in rubric)
    if not rubric or total != meta["points"]:
        raise DataError(
            meta.get("grade_id", "?"),
            f"essay {essay!r}: the cell gives {meta['points']} points, "
            f"its rubric in essay_rubric adds to {total}",
        )
    return {"points": meta["points"], "rubric": rubric, "essay": essay, "words": list(words)}


def probed(name: str, solution: nbformat.NotebookNode, with_tests: bool = False) -> nbformat.NotebookNode:
    """Return a copy of the solution with a last cell that prints the answers' fingerprints.

    Without tests by default: the test cells need the very checks these fingerprints make, as do
    cells marked needs_checks (an essay's word count reads its length from them).
    """
    graded, _ = questions(solution)
    notebook = copy.deepcopy(solution)
    notebook.cells = [c for c in notebook.cells if not course_meta(c).get("needs_checks")]
    if not with_tests:
        notebook.cells = [
            c for c in notebook.cells if not (nbgrader_meta(c).get("grade") and c.cell_type == "code")
        ]
    probe = (
        "import json as _json\nfrom fourislands.fingerprint import fingerprint as _fingerprint\n"
        f"_answers = {json.dumps({q: [v['answer'], v['decimals']] for q, v in graded.items()})}\n"
        f"print(_json.dumps({{q: _fingerprint(globals()[a], salt='{name}:' + q, decimals=d) "
        "for q, (a, d) in _answers.items()}))"
    )
    notebook.cells.append(nbformat.v4.new_code_cell(probe))
    return notebook


def checks_from(name: str, solution: nbformat.NotebookNode, executed: nbformat.NotebookNode) -> dict:
    """Return the public-check file of an exercise from a run of probed(solution)."""
    graded, written = questions(solution)
    fingerprints = json.loads(executed.cells[-1].outputs[0]["text"])
    return {
        "exercise": name,
        "lesson": name[:2],
        "title": solution.metadata.get("fourislands", {}).get("title", name),
        "questions": {
            q: {
                "answer": v["answer"],
                "points": v["points"],
                "hints": v["hints"],
                "fingerprint": fingerprints[q],
                "solution": encoded(v["solution"]),
            }
            for q, v in graded.items()
        },
        "written": written,
    }


def public_checks(name: str, solution: nbformat.NotebookNode, timeout: int = 120) -> dict:
    """Return the public-check file of an exercise, by running its solution notebook."""
    executed = probed(name, solution)
    notebook_client(executed, solution_path(name).parent, timeout=timeout).execute()
    return checks_from(name, solution, executed)


def build(name: str) -> tuple[nbformat.NotebookNode, dict]:
    """Return the exercise notebook and the public checks built from a solution notebook."""
    solution = nbformat.read(solution_path(name), as_version=4)
    return student_version(solution), public_checks(name, solution)


def write(name: str) -> None:
    """Build an exercise and write its notebook (exercise_path) and data/exercises/<name>.json."""
    notebook, checks = build(name)
    exercise_path(name).parent.mkdir(exist_ok=True)
    nbformat.write(notebook, exercise_path(name))
    folder = data_dir() / "exercises"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.json").write_text(
        json.dumps(checks, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
