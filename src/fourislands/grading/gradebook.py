"""Write the gradebooks, one feedback file per student and the written answers, atomically."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import nbformat

from ..atomic import write_text_atomically
from ..exercise_build import exercise_names, nbgrader_meta, questions, solution_path
from .grader import StudentResult, results_from_json, results_json

# written.csv: a row per written answer. Between "points" and "score" come the criteria columns,
# one per criterion of each written question's rubric (criterion_name: "w1 c1 Defines both
# measures (1)"), where the grader types each criterion's mark; or the grader types one "score" for
# the whole answer. "total" is what counts, computed from them (mark_total).
WRITTEN_COLUMNS = ["student", "exercise", "question", "points", "score", "total", "comment", "answer"]
# written.csv as versions before the criteria columns wrote it (the whole rubric in one cell, one
# score per answer): still read, so that the marks typed into such a file are merged.
OLD_WRITTEN_COLUMNS = ["student", "exercise", "question", "points", "rubric", "answer", "score", "comment"]
COMPLETE = "complete"
AWAITING = "awaiting manual marks"
NO_SUBMISSION = "missing: no submission of this exercise was found"
# The label of each exercise gradebook's first data row. No student id can equal it: ids keep
# only letters, digits, '.', '-', '_' and '~', never a space.
POINTS_POSSIBLE = "Points Possible"
EXERCISE_BOOK = re.compile(r"gradebook-(\d\d-[\w-]+)\.csv")
# RFC 4180 line ends: Python's csv quotes a field holding any character of the line end, so a lone
# carriage return in an answer is quoted too (with "\n" alone it was not, and split the row).
LINE_END = "\r\n"

# A spreadsheet takes a cell that starts with one of these for a formula (OWASP's lists for CSV
# injection: = + - @, and tab, carriage return, NUL before them), and the full-width forms too.
FORMULA_STARTS = "=+-@\uff1d\uff0b\uff0d\uff20"
CONTROL_STARTS = "\t\r\n\0"
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _would_be_formula(text: str) -> bool:
    """Return whether a cell, with any apostrophes before it removed, could open as a formula."""
    core = text.lstrip("'")
    if NUMBER.fullmatch(core):
        return False
    first, visible = core[:1], core.lstrip()[:1]  # "" is in every string: test that there is one
    return (bool(first) and first in CONTROL_STARTS) or (bool(visible) and visible in FORMULA_STARTS)


def spreadsheet_cell(value: object) -> str:
    """Return a CSV cell that no spreadsheet opens as a formula: such text gets a leading apostrophe.

    Numbers stay numbers. plain_cell() reverses it exactly, whatever the text: text that already
    starts with apostrophes before a formula character gets one more.
    """
    text = "" if value is None else str(value)
    return "'" + text if _would_be_formula(text) else text


def plain_cell(text: str | None) -> str:
    """Return the text spreadsheet_cell() was given (a spreadsheet may also have dropped the apostrophe)."""
    text = text or ""
    return text[1:] if text.startswith("'") and _would_be_formula(text[1:]) else text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Return rows as CSV text, every cell made safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=LINE_END)
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue()


@contextlib.contextmanager
def _long_fields() -> Iterator[None]:
    """Read CSV fields of any length: a written answer may be longer than csv's 128 KiB default."""
    previous = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def points_text(value: float | None) -> str:
    """Return points as a spreadsheet reads them: 7, 2.5, 1.3333 (never 1e+06), blank for none."""
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _write(path: Path, text: str) -> None:
    """Write one output file whole, private to the grader (grades), newlines as written (CSV)."""
    write_text_atomically(path, text, newline="")


# A question's task cell opens with its label, points and title: "**Q1 (1 point). The year 1945.**
# How many ...", "## Q1. The two-island option in land (2 points)", "## Q1 (2 points): rows of
# each kind"; the rest of the cell is the task.
TASK_LEAD = re.compile(r"\A\s*(?:#{1,6}[ \t]+(?P<heading>[^\n]*)|\*\*(?P<bold>.+?)\*\*)", re.S)
LABELLED = re.compile(
    r"\A(?P<label>[QW]\d+)\b\s*(?:\([^)]*\))?\s*[.:]?\s*(?P<title>.*?)\s*"
    r"(?:\(\d+(?:\.\d+)?\s+points?\b[^)]*\))?\s*[.:]?\Z",
    re.S,
)


@dataclass(frozen=True)
class Question:
    """One column of an exercise's gradebook: a question, its points, and how the notebook shows it."""

    id: str
    points: float
    written: bool
    label: str = ""
    title: str = ""
    task: str = ""
    rubric: tuple = ()

    @property
    def name(self) -> str:
        """The question as the exercise notebook names it: "Q1. The year 1945" (or just "Q1")."""
        label = self.label or self.id.upper()
        return f"{label}. {self.title}" if self.title else label


@dataclass(frozen=True)
class ExerciseSpec:
    """What the solution notebook says of an exercise: its title and its questions, in order."""

    name: str
    title: str
    questions: tuple[Question, ...]

    @property
    def written(self) -> dict[str, dict]:
        """{written question: {points, rubric}}, as read_manual_scores checks scores against."""
        return {q.id: {"points": q.points, "rubric": list(q.rubric)} for q in self.questions if q.written}

    def question(self, question_id: str) -> Question:
        """Return a question by id; one the solution no longer has is named by its id."""
        found = [q for q in self.questions if q.id == question_id]
        return found[0] if found else Question(question_id, 0.0, question_id.startswith("w"))


def described(task_source: str) -> tuple[str, str, str]:
    """Return (label, title, task) from a task cell's Markdown; label and title may be empty."""
    lead = TASK_LEAD.match(task_source)
    if lead is None:
        return "", "", task_source.strip()
    heading = " ".join((lead["heading"] or lead["bold"]).split())
    task = task_source[lead.end() :].strip()
    labelled = LABELLED.match(heading)
    if labelled is None:
        return "", heading.rstrip(".:").strip(), task
    return labelled["label"], labelled["title"].strip(), task


def exercise_spec(name: str, solution: nbformat.NotebookNode) -> ExerciseSpec:
    """Return an exercise's questions (autograded, then written), named as its task cells show them."""
    graded, written = questions(solution)
    tasks = {
        nbgrader_meta(cell).get("grade_id"): cell.source
        for cell in solution.cells
        if cell.cell_type == "markdown" and str(nbgrader_meta(cell).get("grade_id", "")).endswith("-task")
    }
    found = []
    for question, spec in [*graded.items(), *written.items()]:
        label, title, task = described(tasks.get(f"{question}-task", ""))
        found.append(
            Question(
                question,
                float(spec["points"]),
                question in written,
                label,
                title,
                task,
                tuple(spec.get("rubric", ())),
            )
        )
    title = (solution.metadata.get("fourislands") or {}).get("title") or name
    return ExerciseSpec(name, title, tuple(found))


def exercise_specs() -> dict[str, ExerciseSpec]:
    """Return every exercise of the course, read from its solution notebook (never a submission)."""
    return {
        name: exercise_spec(name, nbformat.read(solution_path(name), as_version=4))
        for name in exercise_names()
    }


class Mark(NamedTuple):
    """A written answer's valid mark: its points, the grader's comment, and each criterion's points."""

    score: float
    comment: str
    criteria: tuple[float, ...] = ()


Marks = dict[tuple[str, str, str], Mark]

# A criteria column of written.csv: "w1 c1 Defines both measures (1)", or "01-history w1 c1 ..."
# once the file holds two exercises. Only the question and the criterion's number are read back:
# the words after them are for the grader, and a spreadsheet or a new rubric may change them.
CRITERION_COLUMN = re.compile(
    r"(?:(?P<exercise>\d\d-[\w.-]+)\s+)?(?P<question>[wW]\d+)\s+[cC](?P<n>\d+)(?=\s|\Z).*", re.S
)


def criterion_column(name: str) -> tuple[str, str, int] | None:
    """Return (exercise, or "" for any, question, criterion number) a column of written.csv marks, or None."""
    found = CRITERION_COLUMN.fullmatch(plain_cell(name).strip())
    if found is None or int(found["n"]) < 1:
        return None
    return found["exercise"] or "", found["question"].lower(), int(found["n"])


def criterion_short(text: str, limit: int = 32) -> str:
    """Return a criterion's first words, short enough for a column name: "Defines points as the…"."""
    shown = ""
    for word in str(text).split():
        if len(shown) + len(word) + 1 > limit:
            return (shown.rstrip(",.;:") or word[:limit]) + "…"
        shown = f"{shown} {word}".strip()
    return shown


def criterion_name(exercise: str, question: str, n: int, rubric: tuple | list) -> str:
    """Return the name of a criteria column: "w1 c1 Defines points as the… (1)" (exercise first if given)."""
    head = f"{exercise} {question} c{n}" if exercise else f"{question} c{n}"
    if n > len(rubric):
        return head
    criterion = rubric[n - 1]
    return f"{head} {criterion_short(criterion['criterion'])} ({points_text(float(criterion['points']))})"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def mark_total(criteria: dict[int, str], score: str, spec: dict) -> tuple[float | None, list[str]]:
    """Return the points an answer's typed marks give (None: no valid mark yet) and what is wrong with them.

    criteria: {criterion number: as typed}; score: the typed score, as typed; spec: {points,
    rubric} of the question, from the solution (never from written.csv, which anyone can edit).
    Once any criterion is typed the criteria decide: each must be a number within 0 and its
    points, and every criterion marked (0 for none); else a typed score within 0 and the
    question's points counts. What is not valid is kept in written.csv as typed, not counted.
    The marking sheets and --merge-written both total marks with this function.
    """
    maximum = float(spec["points"])
    rubric = list(spec.get("rubric") or [])
    problems: list[str] = []
    if criteria:
        given, valid = [], True
        for n, text in sorted(criteria.items()):
            if n > len(rubric):
                problems.append(f"c{n} {text!r}: the rubric has {len(rubric)} criteria; kept, not counted")
                valid = False
                continue
            criterion = rubric[n - 1]
            name, top = f"c{n} ({criterion_short(criterion['criterion'])})", float(criterion["points"])
            value = _number(text)
            if value is None:
                problems.append(f"{name}: {text!r} is not a number; kept, not counted")
                valid = False
            elif not 0 <= value <= top:  # NaN fails this too
                problems.append(f"{name}: {value:g} is outside 0-{top:g}; kept, not counted")
                valid = False
            else:
                given.append(value)
        missing = [f"c{n}" for n in range(1, len(rubric) + 1) if n not in criteria]
        if missing:
            problems.append(
                f"{', '.join(missing)} not marked yet (0 for none): "
                "the criteria count once every one is marked"
            )
        if not valid or missing:
            return None, problems
        total = sum(given)
        if total > maximum:
            return None, [f"the criteria give {total:g}, more than the question's {maximum:g}; not counted"]
        if score and _number(score) != total:
            problems.append(f"score {score!r} differs from the criteria's {total:g}: the criteria count")
        return total, problems
    if not score:
        return None, problems
    value = _number(score)
    if value is None:
        return None, [f"score {score!r} is not a number; kept, not counted"]
    if not 0 <= value <= maximum:  # NaN fails this too
        return None, [f"score {value:g} is outside 0-{maximum:g}; kept, not counted"]
    return value, []


def read_typed(path: Path) -> list[dict]:
    """Return every row of written.csv with something typed in it: marks, a score, a total, a comment.

    Reads written.csv as this version writes it and as earlier ones did (one score column, the
    rubric in one cell). Each row is a dict: student, exercise, question, points, answer, score,
    total, comment as typed; criteria {number: as typed} from the columns of its own question;
    stray {(exercise, question, number): as typed} from another question's columns (kept, not
    counted); line, its row's number in the file.
    """
    typed: list[dict] = []
    if not path.exists():
        return typed
    with path.open(encoding="utf-8-sig", newline="") as handle, _long_fields():
        reader = csv.DictReader(handle)
        columns = {name: criterion_column(name) for name in reader.fieldnames or [] if isinstance(name, str)}
        for line, raw in enumerate(reader, start=2):
            row = {name: plain_cell(value) for name, value in raw.items() if isinstance(name, str)}
            student, exercise, question = (row.get(k) or "" for k in ("student", "exercise", "question"))
            criteria: dict[int, str] = {}
            stray: dict[tuple[str, str, int], str] = {}
            for name, target in columns.items():
                value = (row.get(name) or "").strip()
                if target is None or not value:
                    continue
                target_exercise, target_question, n = target
                if target_question == question and target_exercise in ("", exercise):
                    criteria[n] = value
                else:
                    stray[(target_exercise or exercise, target_question, n)] = value
            entry = {
                "student": student,
                "exercise": exercise,
                "question": question,
                "points": row.get("points") or "",
                "answer": row.get("answer") or "",
                "score": (row.get("score") or "").strip(),
                "total": (row.get("total") or "").strip(),
                "comment": row.get("comment") or "",
                "criteria": criteria,
                "stray": stray,
                "line": line,
            }
            if entry["score"] or entry["total"] or entry["comment"].strip() or criteria or stray:
                typed.append(entry)
    return typed


def typed_key(row: dict) -> tuple[str, str, str]:
    """Return a typed row's (student, exercise, question)."""
    return row["student"], row["exercise"], row["question"]


def typed_where(row: dict) -> str:
    """Return where a typed row is, for a message: "written.csv line 4 (alice 01-history w1)"."""
    key = " ".join(typed_key(row))
    return f"written.csv line {row['line']} ({key})" if row.get("line") else key


def valid_marks(typed: list[dict], specs: dict[str, dict]) -> tuple[Marks, list[str]]:
    """Return the valid marks of typed rows {(student, exercise, question): Mark}, and what is wrong.

    specs: {exercise: {written question: {points, rubric}}}, from the solutions.
    """
    marks: Marks = {}
    problems: list[str] = []
    for row in typed:
        key, where = typed_key(row), typed_where(row)
        for (exercise, question, n), value in sorted(row["stray"].items()):
            problems.append(
                f"{where}: {value!r} is under {exercise} {question} c{n}, a column of another question; "
                "kept, not counted"
            )
        if not row["score"] and not row["criteria"]:
            if row["total"]:
                problems.append(
                    f"{where}: total {row['total']!r} with no score and no criteria; kept, not counted "
                    "(the total is computed: type a score, or the criteria)"
                )
            continue
        spec = specs.get(key[1], {}).get(key[2])
        if spec is None:
            problems.append(
                f"{where}: exercise {key[1]!r} has no written question {key[2]!r}; kept, not counted"
            )
            continue
        total, found = mark_total(row["criteria"], row["score"], spec)
        problems += [f"{where}: {problem}" for problem in found]
        if total is not None:
            rubric = list(spec.get("rubric") or [])
            criteria = (
                tuple(float(row["criteria"][n]) for n in range(1, len(rubric) + 1)) if row["criteria"] else ()
            )
            marks[key] = Mark(total, row["comment"], criteria)
    return marks, problems


def read_manual_scores(path: Path, specs: dict[str, dict]) -> tuple[Marks, list[dict], list[str]]:
    """Return valid marks {(student, exercise, question): Mark}, every typed row (read_typed), and problems.

    specs: {exercise: {written question: {points, rubric}}}. A mark counts only within 0 and
    the points the solution gives the question or criterion (never the points column of the CSV,
    which anyone can edit); every typed row is returned, so that rewriting written.csv never loses one.
    """
    typed = read_typed(path)
    marks, problems = valid_marks(typed, specs)
    return marks, typed, problems


@dataclass
class BookRow:
    """One student's row for one exercise: status, points per question (absent: none yet), totals."""

    student: str
    exercise: str
    status: str
    scores: dict[str, float] = field(default_factory=dict)
    autograded: float | None = None
    manual: float | None = None
    possible: float | None = None
    file: str = ""

    @property
    def total(self) -> float | None:
        return None if self.autograded is None else self.autograded + (self.manual or 0.0)

    @property
    def graded(self) -> bool:
        return self.autograded is not None


def book_row(result: StudentResult, spec: ExerciseSpec | None, manual: Marks) -> BookRow:
    """Return a result's gradebook row: complete only once every written answer has a valid mark."""
    exercise = result.exercise or ""
    if result.status != "graded":
        return BookRow(result.student, exercise, f"{result.status}: {result.reason}", file=result.file)
    written = list(spec.written) if spec is not None else sorted(result.written)
    typed = {
        w: manual[(result.student, exercise, w)][0]
        for w in written
        if (result.student, exercise, w) in manual
    }
    written_points = sum(q.points for q in spec.questions if q.written) if spec is not None else 0.0
    return BookRow(
        result.student,
        exercise,
        COMPLETE if len(typed) == len(written) else AWAITING,
        {**{q.question: q.earned for q in result.questions}, **typed},
        autograded=sum(q.earned for q in result.questions),
        manual=sum(typed.values()),
        possible=sum(q.points for q in result.questions) + written_points,
        file=result.file,
    )


def book_rows(results: list[StudentResult], specs: dict[str, ExerciseSpec], manual: Marks) -> list[BookRow]:
    """Return one gradebook row per result, in the order of the results."""
    return [book_row(r, specs.get(r.exercise or ""), manual) for r in results]


def exercise_rows(name: str, rows: list[BookRow]) -> list[BookRow]:
    """Return one row per student of the folder for one exercise, saying why where there is no score.

    A student with no result for it shows a file that could not be read as any exercise
    (rejected), else the roster's "missing", else that no submission of it was found: a
    registrar's list has every student.
    """
    by_student: dict[str, list[BookRow]] = {}
    for row in rows:
        by_student.setdefault(row.student, []).append(row)
    chosen = []
    for student in sorted(by_student):
        own = [r for r in by_student[student] if r.exercise == name]
        unplaced = [r for r in by_student[student] if not r.exercise]
        if own:
            chosen.append(own[0])
        elif unplaced:
            chosen.append(BookRow(student, name, unplaced[0].status, file=unplaced[0].file))
        else:
            chosen.append(BookRow(student, name, NO_SUBMISSION))
    return chosen


def exercise_gradebook(spec: ExerciseSpec, rows: list[BookRow]) -> str:
    """Return gradebook-<exercise>.csv: a row of possible points, then every student of the folder."""
    ids = [q.id for q in spec.questions]
    auto = sum(q.points for q in spec.questions if not q.written)
    hand = sum(q.points for q in spec.questions if q.written)
    table: list[list[object]] = [
        ["student", "status", *ids, "autograded", "manual", "total", "file"],
        [POINTS_POSSIBLE, "", *(points_text(q.points) for q in spec.questions)]
        + [points_text(auto), points_text(hand), points_text(auto + hand), ""],
    ]
    for row in exercise_rows(spec.name, rows):
        table.append(
            [row.student, row.status, *(points_text(row.scores.get(q)) for q in ids)]
            + [points_text(row.autograded), points_text(row.manual), points_text(row.total), row.file]
        )
    return csv_text(table)


def combined_gradebook(rows: list[BookRow], specs: dict[str, ExerciseSpec]) -> str:
    """Return gradebook.csv: one row per student and exercise, every exercise of the folder.

    Question columns are named by the question alone (`q1`) while the folder holds one exercise,
    and by exercise and question (`01-history:q1`) once it holds several: `q1` is not worth the
    same in two exercises.
    """
    exercises = sorted({row.exercise for row in rows if row.graded})
    columns: list[tuple[str, str, str]] = []
    for exercise in exercises:
        ids = [q.id for q in specs[exercise].questions] if exercise in specs else []
        ids += sorted({q for row in rows if row.exercise == exercise for q in row.scores} - set(ids))
        columns += [(exercise, q, f"{exercise}:{q}" if len(exercises) > 1 else q) for q in ids]
    table: list[list[object]] = [
        ["student", "exercise", "status", *(header for *_, header in columns)]
        + ["autograded", "manual", "total", "possible", "file"]
    ]
    for row in rows:
        table.append(
            [row.student, row.exercise, row.status]
            + [points_text(row.scores.get(q)) if row.exercise == e else "" for e, q, _ in columns]
            + [points_text(row.autograded), points_text(row.manual), points_text(row.total)]
            + [points_text(row.possible), row.file]
        )
    return csv_text(table)


def _table_cell(text: str) -> str:
    """Return text that stays inside one cell of a Markdown table."""
    return " ".join(text.replace("|", "/").split())


def _quoted(markdown: str) -> list[str]:
    """Return Markdown as a block quote: the task as the notebook shows it, set apart from the rest."""
    return [f"> {line}".rstrip() for line in markdown.splitlines()]


def _feedback(r: StudentResult, spec: ExerciseSpec | None, manual: Marks) -> str:
    lines = [f"# Feedback for {r.student}", ""]
    if r.status != "graded":
        lines += [
            f"Your file `{Path(r.file).name}` could not be graded: {r.reason}.",
            "",
            "Please submit the exercise notebook (`.ipynb`) saved from JupyterLab, VS Code or Colab.",
        ]
        return "\n".join(lines) + "\n"
    spec = spec or ExerciseSpec(r.exercise or "", r.exercise or "", ())
    auto = sum(q.earned for q in r.questions)
    possible = sum(q.points for q in r.questions)
    lines += [
        f"Exercise **{r.exercise}**: {spec.title}. Autograded: **{auto:g} of {possible:g}** points.",
        "",
    ]
    lines += ["| question | points | result |", "| --- | --- | --- |"]
    for q in r.questions:
        verdict = "passed" if q.earned else f"not passed: {q.reason}"
        name = spec.question(q.question).name
        lines.append(f"| {_table_cell(name)} | {q.earned:g} / {q.points:g} | {_table_cell(verdict)} |")
    if r.notes:
        lines += ["", "## Notes from the grader", ""] + [f"- {n}" for n in r.notes]
    for q in r.questions:
        shown = spec.question(q.question)
        verdict = "passed" if q.earned else f"not passed: {q.reason}"
        lines += [
            "",
            f"## {shown.name} ({q.earned:g} of {q.points:g} point{'' if q.points == 1 else 's'})",
            "",
        ]
        lines += [*_quoted(shown.task), ""] if shown.task else []
        lines += [f"Result: {verdict}"]
    for question, answer in sorted(r.written.items()):
        shown = spec.question(question)
        mark = manual.get((r.student, r.exercise or "", question))
        score, comment = (mark.score, mark.comment) if mark else (None, "")
        points = f"{shown.points:g} point{'' if shown.points == 1 else 's'}" if shown.points else "? points"
        status = "to be graded by hand" if score is None else f"{score:g} of {points}"
        lines += ["", f"## {shown.name} ({status})", ""]
        lines += [*_quoted(shown.task), ""] if shown.task else []
        lines += ["Your answer:", "", answer or "_(no answer)_", "", "Rubric:"]
        given = mark.criteria if mark else ()
        for n, c in enumerate(shown.rubric):
            lines.append(f"- {c['criterion']} ({c['points']} pt)")
            lines[-1] += f": {given[n]:g} of {c['points']}" if n < len(given) else ""
        if comment:
            lines += ["", f"Grader's comment: {comment}"]
    return "\n".join(lines) + "\n"


def _rubric(specs: dict[str, ExerciseSpec], exercise: str, question: str) -> tuple:
    return specs[exercise].question(question).rubric if exercise in specs else ()


def _question_order(pair: tuple[str, str]) -> tuple:
    exercise, question = pair
    number = question[1:]
    return exercise, int(number) if number.isdigit() else 0, question


def _written_rows(
    results: list[StudentResult], specs: dict[str, ExerciseSpec], typed: list[dict], manual: Marks
) -> tuple[str, list[str]]:
    """Return written.csv: a row per written answer with what was typed for it, then typed rows left over.

    A column per criterion of each written question in the file (and per criterion anything was
    typed under, so that nothing typed is lost), and the total that counts (manual).
    """
    typed_by_key = {typed_key(t): t for t in typed}
    rows: list[tuple[tuple[str, str, str], str, str, dict]] = []  # key, points, answer, what was typed
    problems, used = [], set()
    for r in results:
        spec = specs.get(r.exercise or "")
        for question, answer in sorted(r.written.items()):
            key = (r.student, r.exercise or "", question)
            shown = spec.question(question) if spec is not None else Question(question, 0.0, True)
            mark = typed_by_key.get(key, {})
            used.add(key)
            # Spaces and line ends do not count: a spreadsheet saving written.csv may change them.
            if mark and mark["answer"].split() != answer.split():
                problems.append(
                    f"{r.student} {r.exercise} {question}: the written answer changed since it was marked; "
                    "the typed marks are kept: check them"
                )
            rows.append((key, points_text(shown.points), answer, mark))
    for key, mark in typed_by_key.items():
        if key not in used:  # a mark for a row no longer graded: kept, so nothing typed is lost
            rows.append((key, mark["points"], mark["answer"], mark))
            problems.append(f"{' '.join(key)}: a typed score with no graded submission; kept in written.csv")
    counts: dict[tuple[str, str], int] = {}
    for key, _points, _answer, mark in rows:
        own = (key[1], key[2])
        counts[own] = max(counts.get(own, 0), len(_rubric(specs, *own)), *mark.get("criteria", {0: ""}))
        for exercise, question, n in mark.get("stray", {}):
            other = (exercise, question)
            counts[other] = max(counts.get(other, 0), len(_rubric(specs, *other)), n)
    prefixed = len({exercise for exercise, _ in counts}) > 1  # "w1 c1" is no one column in two exercises
    columns = [
        (exercise, question, n)
        for exercise, question in sorted(counts, key=_question_order)
        for n in range(1, counts[(exercise, question)] + 1)
    ]
    table: list[list[object]] = [
        [
            *WRITTEN_COLUMNS[:4],
            *(criterion_name(e if prefixed else "", q, n, _rubric(specs, e, q)) for e, q, n in columns),
            *WRITTEN_COLUMNS[4:],
        ]
    ]
    for key, points, answer, mark in rows:
        criteria, stray = mark.get("criteria", {}), mark.get("stray", {})
        score = mark.get("score", "")
        if key in manual:
            total = points_text(manual[key].score)
        else:  # a total typed with nothing to compute it from is kept as typed (and not counted)
            total = "" if score or criteria else mark.get("total", "")
        table.append(
            [
                *key,
                points,
                *(
                    criteria.get(n, "") if (e, q) == key[1:] else stray.get((e, q, n), "")
                    for e, q, n in columns
                ),
                score,
                total,
                mark.get("comment", ""),
                answer,
            ]
        )
    return csv_text(table), problems


def feedback_path(out: Path, result: StudentResult) -> Path:
    """Return where a result's feedback goes: a folder per exercise, one file per student."""
    return out / "feedback" / (result.exercise or "not-graded") / f"{result.student}.md"


def exercise_gradebook_path(out: Path, exercise: str) -> Path:
    """Return where an exercise's own gradebook goes: out/gradebook-01-history.csv."""
    return out / f"gradebook-{exercise}.csv"


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


def graded_folder(out: Path) -> tuple[list[StudentResult], dict[str, ExerciseSpec], Marks, list[str]]:
    """Return what a graded folder holds: its results, the course's exercises, valid typed marks, problems.

    Only reads (an export changes nothing); raises ValueError when out/results.json is missing or
    cannot be read.
    """
    saved = out / "results.json"
    if not saved.is_file():
        raise ValueError(
            f"{out} holds no results.json: grade into it first (fourislands grade ... --out {out})"
        )
    try:
        results = sorted(results_from_json(saved.read_text(encoding="utf-8")), key=lambda r: r.key)
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(f"{saved} cannot be read ({error}); grade into {out} again") from None
    specs = exercise_specs()
    manual, _typed, problems = read_manual_scores(
        out / "written.csv", {name: spec.written for name, spec in specs.items()}
    )
    return results, specs, manual, problems


Edit = Callable[[list[dict]], list[str]]


def write_outputs(results: list[StudentResult], out: Path, edit: Edit | None = None) -> list[str]:
    """Write results.json, written.csv, feedback/ and the gradebooks (gradebook.csv last); return problems.

    Rows already in out/ for other students or exercises are kept, and so is every mark typed
    into out/written.csv. edit, if given, changes the typed rows (read_typed) before they are
    counted and written back, and returns what to tell the grader (a marking sheet's Save).
    The caller holds the folder's lock.
    """
    results, problems = merged_results(results, out)
    specs = exercise_specs()
    typed = read_typed(out / "written.csv")
    if edit is not None:
        problems += edit(typed)
    manual, typed_problems = valid_marks(typed, {name: spec.written for name, spec in specs.items()})
    written, written_problems = _written_rows(results, specs, typed, manual)
    _write(out / "results.json", results_json(results) + "\n")
    _write(out / "written.csv", written)
    current = set()
    for r in results:
        if r.status == "missing":
            continue  # no file, so nobody to send feedback to
        current.add(feedback_path(out, r))
        _write(feedback_path(out, r), _feedback(r, specs.get(r.exercise or ""), manual))
    for stale in (out / "feedback").rglob("*.md"):
        if stale not in current:
            stale.unlink()
    rows = book_rows(results, specs, manual)
    graded_exercises = sorted({row.exercise for row in rows if row.graded and row.exercise in specs})
    unknown = sorted({row.exercise for row in rows if row.graded and row.exercise not in specs})
    if unknown:
        problems.append(
            f"no solution notebook for {', '.join(unknown)}: only in gradebook.csv, with no possible points"
        )
    for exercise in graded_exercises:
        _write(exercise_gradebook_path(out, exercise), exercise_gradebook(specs[exercise], rows))
    for stale in out.glob("gradebook-*.csv"):
        book = EXERCISE_BOOK.fullmatch(stale.name)
        if book and book[1] not in graded_exercises:  # no result of it is left (results.json was edited)
            stale.unlink()
    _write(out / "gradebook.csv", combined_gradebook(rows, specs))
    return problems + typed_problems + written_problems


def merge_written(out: Path, edit: Edit | None = None) -> list[str]:
    """Fold the marks typed in out/written.csv into the gradebooks and feedback, without regrading.

    edit: as for write_outputs (a marking sheet saves its marks so, under the folder's lock).
    """
    return write_outputs([], out, edit)
