"""Marking sheets: a notebook per written question, each student's answer beside a control per criterion.

The logic is here and needs no kernel. load_sheet reads the answers (results.json) and the marks
typed so far (written.csv); a Sheet holds the marks the grader sets; save_sheet writes only those
the grader changed into written.csv, under the graded folder's lock, and totals them with the code
of --merge-written. The notebook (marking_notebook) only calls sheet_view, whose widgets call these.

A student's answer is hostile: the sheet shows it only as the text of a read-only text box (never
HTML, Markdown or a label, which JupyterLab would render or typeset), with characters that
reorder or hide text shown by their code point.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..atomic import write_text_atomically
from ..words import markdown_words
from .gradebook import (
    ExerciseSpec,
    Question,
    exercise_specs,
    mark_total,
    merge_written,
    points_text,
    read_typed,
    typed_key,
)
from .grader import results_from_json
from .output_folder import OutputFolder, OutputProblem

MARKING_FOLDER = "marking"
# How long a Save waits for the folder's lock (another sheet saving, a grader at work) before it
# gives up and says so; the marks stay in the sheet to be saved again.
SAVE_WAIT_SECONDS = 10.0
# Characters that reorder text (bidirectional controls) or hide it (zero-width, tags): shown as
# ⟨U+202E⟩ so that what the grader reads is what the student wrote. Zero-width (non-)joiners
# stay: Persian, Hindi and emoji need them.
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
JOINERS = set("\u200c\u200d")
ANSWER_STYLE = (
    ".fourislands-answer textarea:disabled {opacity: 1; color: var(--jp-content-font-color1);"
    " background: var(--jp-layout-color0); cursor: text}"
)


def shown_text(text: str) -> str:
    """Return a student's text as a grader should see it: line ends as \\n, hidden characters made visible."""
    shown = []
    for char in text.replace("\r\n", "\n").replace("\r", "\n"):
        category = unicodedata.category(char)
        hidden = char in BIDI_CONTROLS or (category == "Cf" and char not in JOINERS)
        if hidden or (category == "Cc" and char not in "\n\t"):
            shown.append(f"⟨U+{ord(char):04X}⟩")
        else:
            shown.append(char)
    return "".join(shown)


def one_line(text: str, limit: int = 60) -> str:
    """Return the start of a text on one line, for a list of students."""
    line = " ".join(shown_text(text[: limit * 20]).split())  # the start only: an answer may be huge
    return line if len(line) <= limit else line[: limit - 1] + "…"


@dataclass
class Entry:
    """What is typed for one answer: each criterion's mark, a score, a comment (all as text, as typed)."""

    criteria: dict[int, str] = field(default_factory=dict)
    score: str = ""
    comment: str = ""

    def copy(self) -> Entry:
        return Entry(dict(self.criteria), self.score, self.comment)

    def get(self, name: str) -> str:
        """Return a field by its name: "c1", "score" or "comment"."""
        if name.startswith("c") and name[1:].isdigit():
            return self.criteria.get(int(name[1:]), "")
        return getattr(self, name)


def _field(row: dict, name: str) -> str:
    if name.startswith("c") and name[1:].isdigit():
        return row["criteria"].get(int(name[1:]), "")
    return row[name]


def _set_field(row: dict, name: str, value: str) -> None:
    if name.startswith("c") and name[1:].isdigit():
        if value:
            row["criteria"][int(name[1:])] = value
        else:
            row["criteria"].pop(int(name[1:]), None)
    else:
        row[name] = value


Changes = dict[str, dict[str, tuple[str, str]]]  # student -> field -> (as loaded, as set now)


@dataclass
class Sheet:
    """The marking of one written question: every graded answer to it, and its marks."""

    out: Path
    exercise: ExerciseSpec
    question: Question
    answers: dict[str, str]  # student -> answer, as graded (results.json), in the order shown
    loaded: dict[str, Entry]  # as written.csv held them when the sheet was loaded or last saved
    marks: dict[str, Entry]  # as the grader has set them here

    @property
    def spec(self) -> dict:
        """The question's points and rubric, from the solution."""
        return {"points": self.question.points, "rubric": list(self.question.rubric)}

    def entry(self, student: str) -> Entry:
        return self.marks.setdefault(student, Entry())

    def set(self, student: str, name: str, value: str) -> None:
        """Set one field of a student's marks: "c1" (a criterion), "score" or "comment"; "" clears it."""
        if student not in self.answers:
            raise KeyError(f"{student!r} has no graded answer to {self.question.id}")
        entry = self.entry(student)
        if name.startswith("c") and name[1:].isdigit():
            n = int(name[1:])
            if value.strip():
                entry.criteria[n] = value.strip()
            else:
                entry.criteria.pop(n, None)
        elif name in ("score", "comment"):
            setattr(entry, name, value.strip() if name == "score" else value)
        else:
            raise KeyError(name)

    def total(self, student: str) -> tuple[float | None, list[str]]:
        """Return a student's total as --merge-written counts it (None: no valid mark), and what is wrong."""
        entry = self.marks.get(student, Entry())
        return mark_total(entry.criteria, entry.score, self.spec)

    def changes(self) -> Changes:
        """Return the fields the grader changed since the sheet was loaded or saved."""
        found: Changes = {}
        for student, entry in self.marks.items():
            before = self.loaded.get(student, Entry())
            names = {f"c{n}" for n in {*entry.criteria, *before.criteria}} | {"score", "comment"}
            changed = {
                name: (before.get(name), entry.get(name))
                for name in sorted(names)
                if before.get(name) != entry.get(name)
            }
            if changed:
                found[student] = changed
        return found

    def unsaved(self) -> list[str]:
        return list(self.changes())


def _not_graded(out: Path) -> str:
    return f"{out} holds no results.json: grade into it first (fourislands grade ... --out {out})"


def load_sheet(out: Path, exercise: str, question: str) -> Sheet:
    """Return the sheet of one written question of a graded folder; raise ValueError if there is none."""
    specs = exercise_specs()
    spec, question_id = specs.get(exercise), question.lower()
    if spec is None:
        raise ValueError(f"the course has no exercise {exercise!r} (it has {', '.join(sorted(specs))})")
    if question_id not in spec.written:
        raise ValueError(
            f"{exercise} has no written question {question!r} (it has {', '.join(sorted(spec.written))})"
        )
    saved = out / "results.json"
    if not saved.is_file():
        raise ValueError(_not_graded(out))
    try:
        results = results_from_json(saved.read_text(encoding="utf-8"))
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(f"{saved} cannot be read ({error}); grade into {out} again") from None
    answers = {
        r.student: r.written[question_id]
        for r in sorted(results, key=lambda r: r.student)
        if r.status == "graded" and r.exercise == exercise and question_id in r.written
    }
    loaded: dict[str, Entry] = {}
    for row in read_typed(out / "written.csv"):
        student, row_exercise, row_question = typed_key(row)
        if (row_exercise, row_question) == (exercise, question_id) and student in answers:
            loaded[student] = Entry(dict(row["criteria"]), row["score"], row["comment"])
    marks = {student: entry.copy() for student, entry in loaded.items()}
    return Sheet(out, spec, spec.question(question_id), answers, loaded, marks)


def apply_changes(typed: list[dict], exercise: str, question: str, answers: dict[str, str], changes: Changes):
    """Apply a sheet's changes to written.csv's typed rows (read_typed); return what to tell the grader.

    Only the fields the grader changed are written, so that marks saved meanwhile from another
    sheet, or typed into written.csv, stay. A field changed both here and elsewhere since this
    sheet was loaded takes this sheet's value, and the message says what it replaced. A row
    changed here keeps the answer the grader saw: if a regrade changed it meanwhile, the merge
    says so.
    """
    rows = {typed_key(row): row for row in typed}
    said = []
    for student, fields in sorted(changes.items()):
        key = (student, exercise, question)
        row = rows.get(key)
        if row is None:
            row = {
                "student": student,
                "exercise": exercise,
                "question": question,
                "points": "",
                "answer": "",
                "score": "",
                "total": "",
                "comment": "",
                "criteria": {},
                "stray": {},
                "line": None,
            }
            typed.append(row)
            rows[key] = row
        row["answer"] = answers.get(student, row["answer"])  # the answer the grader marked
        for name, (before, after) in sorted(fields.items()):
            now = _field(row, name)
            if now not in (before, after):
                said.append(
                    f"{student} {exercise} {question} {name}: {now!r} was saved from elsewhere after this "
                    f"sheet was loaded; replaced by this sheet's {after!r}"
                )
            _set_field(row, name, after)
    return said


@contextlib.contextmanager
def waiting_lock(out: Path, wait: float) -> Iterator[OutputFolder]:
    """Hold the graded folder's lock, waiting up to wait seconds for another holder; else OutputProblem."""
    deadline = time.monotonic() + wait
    while True:
        folder = OutputFolder(out)
        try:
            folder.__enter__()
        except OutputProblem:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)
            continue
        try:
            yield folder
        finally:
            folder.__exit__(None, None, None)
        return


def save_sheet(sheet: Sheet, wait: float = SAVE_WAIT_SECONDS) -> list[str]:
    """Save the marks changed in a sheet into written.csv and fold them in; return what to tell the grader.

    Under the folder's lock (waiting for it up to wait seconds): written.csv is read again, only
    the changed fields are applied, and written.csv, the gradebooks and the feedback are written
    as --merge-written writes them, each atomically. Then the sheet holds what written.csv holds,
    marks saved from other sheets included. If the lock stays taken, nothing is written and the
    marks stay in the sheet, unsaved.
    """
    changes = sheet.changes()
    exercise, question = sheet.exercise.name, sheet.question.id
    try:
        with waiting_lock(sheet.out, wait):

            def edit(typed: list[dict]) -> list[str]:
                return apply_changes(typed, exercise, question, sheet.answers, changes)

            problems = merge_written(sheet.out, edit)
            fresh = load_sheet(sheet.out, exercise, question)
    except (OutputProblem, OSError) as problem:
        return [f"not saved: {problem}. Your marks are still here: save again"]
    sheet.answers, sheet.loaded, sheet.marks = fresh.answers, fresh.loaded, fresh.marks
    mine = [p for p in problems if f" {exercise} {question}" in p]
    others = len(problems) - len(mine)
    saved = sum(len(fields) for fields in changes.values())
    said = [
        f"saved {saved} change{'' if saved == 1 else 's'} for {len(changes)} "
        f"student{'' if len(changes) == 1 else 's'} into written.csv"
        if changes
        else "nothing changed here since the last save: the sheet now shows the marks of written.csv"
    ]
    if others:
        said.append(f"{others} messages on other questions: fourislands grade --merge-written shows them")
    return said + mine


# -- the notebook ------------------------------------------------------------------------------


def sheet_path(out: Path, exercise: str, question: str) -> Path:
    """Return where a question's marking sheet goes: out/marking/01-history-w1.ipynb."""
    return out / MARKING_FOLDER / f"{exercise}-{question}.ipynb"


def marking_notebook(spec: ExerciseSpec, question: Question) -> nbformat.NotebookNode:
    """Return the marking sheet of one written question: the task and rubric (from the solution), and a cell.

    It holds nothing of any student: the cell reads the answers and marks when it runs.
    """
    rubric = "\n".join(
        f"- **c{n}** ({points_text(float(c['points']))} pt): {c['criterion']}"
        for n, c in enumerate(question.rubric, start=1)
    )
    intro = (
        f"# Marking {question.name} ({points_text(question.points)} points)\n\n"
        f"Exercise {spec.name}: {spec.title}. Run the cell below (Shift+Enter): it shows one student's "
        "answer at a time, as plain text, beside a control per criterion of the rubric (– is not marked "
        "yet). **Save marks** writes the marks you changed into `../written.csv` and folds them into "
        "the gradebooks and feedback, as `fourislands grade --merge-written` does. Several graders "
        "may mark at once, each in a copy of this sheet: a save changes only the marks it changed.\n\n"
        "A criterion marked counts once every criterion of the answer is marked; without criteria, "
        "a score for the whole answer counts. Marks outside the points are kept, not counted."
    )
    task = "\n".join(f"> {line}".rstrip() for line in question.task.splitlines())
    code = (
        "from pathlib import Path\n\n"
        "from fourislands.grading.marking import sheet_view\n\n"
        "# This notebook sits in the marking/ folder of the graded folder it marks.\n"
        f"sheet_view(Path.cwd().parent, {spec.name!r}, {question.id!r})"
    )
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(intro),
        nbformat.v4.new_markdown_cell(f"## The task\n\n{task}\n\n## The rubric\n\n{rubric}"),
        nbformat.v4.new_code_cell(code),
    ]
    for n, cell in enumerate(notebook.cells):
        cell.id = f"marking-{n}"
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return notebook


def write_marking_sheets(out: Path, exercise: str | None = None, question: str | None = None) -> list[Path]:
    """Write the marking sheet of each written question graded in out (or of one); return their paths.

    A sheet whose cells are already as they would be is left alone, outputs and all (it may be
    open in JupyterLab). Raises ValueError when there is nothing to mark.
    """
    saved = out / "results.json"
    if not saved.is_file():
        raise ValueError(_not_graded(out))
    specs = exercise_specs()
    results = results_from_json(saved.read_text(encoding="utf-8"))
    graded = sorted({r.exercise for r in results if r.status == "graded" and r.exercise in specs})
    if exercise is not None:
        if exercise not in specs:
            raise ValueError(f"the course has no exercise {exercise!r} (it has {', '.join(sorted(specs))})")
        graded = [exercise]
    paths = []
    for name in graded:
        for q in specs[name].questions:
            if not q.written or (question is not None and q.id != question.lower()):
                continue
            path = sheet_path(out, name, q.id)
            notebook = marking_notebook(specs[name], q)
            with contextlib.suppress(OSError, ValueError, nbformat.reader.NotJSONError):
                old = nbformat.read(path, as_version=4)
                if [(c.cell_type, c.source) for c in old.cells] == [
                    (c.cell_type, c.source) for c in notebook.cells
                ]:
                    paths.append(path)
                    continue
            write_text_atomically(path, nbformat.writes(notebook) + "\n")
            paths.append(path)
    if question is not None and not paths:
        raise ValueError(f"{exercise or 'no exercise graded here'} has no written question {question!r}")
    return paths


def mark_command(args: argparse.Namespace) -> int:
    """Write the marking sheets of a graded folder (or of one question); return an exit code."""
    try:
        paths = write_marking_sheets(args.graded, args.exercise, args.question)
    except (ValueError, OSError) as problem:
        print(problem)
        return 2
    if not paths:
        print(f"{args.graded} holds no graded written answers to mark")
        return 0
    for path in paths:
        print(f"marking sheet: {path}")
    print(f"open one in JupyterLab (jupyter lab {paths[0]}) and run its cell")
    return 0


# -- the widgets -------------------------------------------------------------------------------


class SheetView:
    """The widgets of a sheet: a list of the students, one student's answer and a control per criterion."""

    def __init__(self, sheet: Sheet) -> None:
        import ipywidgets as widgets  # only the notebook needs them

        self.sheet = sheet
        self.students = list(sheet.answers)
        self.current = self.students[0] if self.students else ""
        self._quiet = False
        layout = widgets.Layout
        # The sheet's own style: the read-only answer at full contrast (JupyterLab dims it to 60%).
        self.style = widgets.HTML(f"<style>{ANSWER_STYLE}</style>")
        self.title = widgets.HTML()
        self.roster = widgets.Select(rows=min(14, max(len(self.students), 2)), layout=layout(width="26em"))
        self.previous = widgets.Button(description="Previous", icon="arrow-left", layout=layout(width="8em"))
        self.next = widgets.Button(description="Next", icon="arrow-right", layout=layout(width="8em"))
        self.next_unmarked = widgets.Button(description="Next unmarked", layout=layout(width="9.5em"))
        self.heading = widgets.HTML()
        # The answer: a read-only text box shows text as text (no HTML, Markdown or maths).
        self.answer = widgets.Textarea(disabled=True, layout=layout(width="100%", height="16em"))
        self.answer.add_class("fourislands-answer")
        self.controls = {}
        rows = []
        for n, criterion in enumerate(sheet.question.rubric, start=1):
            toggle = widgets.ToggleButtons(
                style={"button_width": "2.6em"}, layout=layout(flex="0 0 auto", width="max-content")
            )
            toggle.observe(self._setter(f"c{n}"), names="value")
            self.controls[f"c{n}"] = toggle
            words = html.escape(str(criterion["criterion"]))
            label = widgets.HTML(
                f"<b>c{n}</b> ({html.escape(points_text(float(criterion['points'])))} pt) {words}",
                layout=layout(flex="1 1 auto"),
            )
            rows.append(widgets.HBox([toggle, label], layout=layout(align_items="center")))
        self.score = widgets.Text(
            description="score",
            placeholder="or one score for the whole answer",
            continuous_update=False,
            layout=layout(width="22em"),
        )
        self.score.observe(self._setter("score"), names="value")
        self.total = widgets.HTML()
        self.comment = widgets.Textarea(
            description="comment", continuous_update=False, layout=layout(width="100%", height="4em")
        )
        self.comment.observe(self._setter("comment"), names="value")
        self.save = widgets.Button(description="Save marks", button_style="primary", icon="save")
        self.status = widgets.HTML()
        self.roster.observe(self._chosen, names="value")
        self.previous.on_click(lambda _: self._step(-1))
        self.next.on_click(lambda _: self._step(1))
        self.next_unmarked.on_click(lambda _: self._to_unmarked())
        self.save.on_click(lambda _: self.save_now())
        left = widgets.VBox(
            [self.roster, widgets.HBox([self.previous, self.next]), self.next_unmarked],
            layout=layout(width="27em"),
        )
        right = widgets.VBox(
            [self.heading, self.answer, *rows, widgets.HBox([self.score, self.total]), self.comment],
            layout=layout(flex="1"),
        )
        self.widget = widgets.VBox(
            [self.style, self.title, widgets.HBox([left, right]), widgets.HBox([self.save, self.status])]
        )
        self.refresh()

    def _setter(self, name: str):
        def changed(event: dict) -> None:
            if not self._quiet and self.current:
                self.sheet.set(self.current, name, event["new"] or "")
                self._refresh_marks()

        return changed

    def _chosen(self, event: dict) -> None:
        if not self._quiet and event["new"]:
            self.current = event["new"]
            self.refresh()

    def _step(self, by: int) -> None:
        if self.students:
            self.current = self.students[(self.students.index(self.current) + by) % len(self.students)]
            self.refresh()

    def _to_unmarked(self) -> None:
        start = self.students.index(self.current) if self.current in self.students else -1
        for student in self.students[start + 1 :] + self.students[: start + 1]:
            if self.sheet.total(student)[0] is None:
                self.current = student
                self.refresh()
                return
        self.status.value = "<span>Every answer has a valid mark.</span>"

    def roster_label(self, student: str) -> str:
        """Return a student's line in the list: state, id, total, the answer's start (all plain text)."""
        total, problems = self.sheet.total(student)
        state = "✓" if total is not None and not problems else ("!" if problems else "·")
        shown = "–" if total is None else points_text(total)
        unsaved = " *" if student in self.sheet.changes() else ""
        answer = one_line(self.sheet.answers[student], 40)
        return f"{state} {student}  {shown}/{points_text(self.sheet.question.points)}{unsaved}  {answer}"

    def refresh(self) -> None:
        """Show the current student and every mark as the sheet holds them."""
        self._quiet = True
        try:
            self.students = list(self.sheet.answers)
            if self.current not in self.sheet.answers:
                self.current = self.students[0] if self.students else ""
            self.roster.options = [(self.roster_label(s), s) for s in self.students]
            self.roster.value = self.current or None
            answer = self.sheet.answers.get(self.current, "")
            self.answer.value = shown_text(answer)
            self.heading.value = (
                f"<b>{html.escape(self.current)}</b> ({markdown_words(answer):,} words, "
                f"{len(answer):,} characters)"
                if self.current
                else "No graded answer to this question yet."
            )
            entry = self.sheet.marks.get(self.current, Entry())
            for n, criterion in enumerate(self.sheet.question.rubric, start=1):
                top = float(criterion["points"])
                options = [("–", "")] + [(points_text(k), points_text(k)) for k in range(int(top) + 1)]
                if top != int(top):
                    options.append((points_text(top), points_text(top)))
                typed = entry.criteria.get(n, "")
                value = next((v for _, v in options if v and _same(v, typed)), None)
                if value is None and typed:  # typed into written.csv, not a choice here: shown as typed
                    options.append((typed if len(typed) <= 4 else typed[:3] + "…", typed))
                    value = typed
                self.controls[f"c{n}"].options = options
                self.controls[f"c{n}"].value = value or ""
            self.score.value = entry.score
            self.comment.value = entry.comment
            self._refresh_marks()
        finally:
            self._quiet = False

    def _refresh_marks(self) -> None:
        quiet, self._quiet = self._quiet, True
        try:
            total, problems = self.sheet.total(self.current) if self.current else (None, [])
            possible = points_text(self.sheet.question.points)
            counted = "no mark yet" if total is None else f"total <b>{points_text(total)}</b> of {possible}"
            said = "".join(f"<br>{html.escape(p)}" for p in problems)
            self.total.value = f"<span>{counted}{said}</span>"
            self.roster.options = [(self.roster_label(s), s) for s in self.students]
            self.roster.value = self.current or None
            marked = sum(self.sheet.total(s)[0] is not None for s in self.students)
            unsaved = len(self.sheet.changes())
            self.title.value = (
                f"<b>{html.escape(self.sheet.exercise.name)} {html.escape(self.sheet.question.name)}</b>: "
                f"{len(self.students)} answers, {marked} with a valid mark, "
                + (
                    f"<b>{unsaved} student{'' if unsaved == 1 else 's'} with unsaved marks</b>"
                    if unsaved
                    else "all saved"
                )
            )
        finally:
            self._quiet = quiet

    def save_now(self, wait: float = SAVE_WAIT_SECONDS) -> list[str]:
        """Save the sheet's changed marks (save_sheet), show what happened, and return it."""
        self.save.disabled, self.status.value = True, "saving…"
        try:
            said = save_sheet(self.sheet, wait)
        finally:
            self.save.disabled = False
        self.refresh()
        shown = said[:12] + ([f"and {len(said) - 12} more"] if len(said) > 12 else [])
        self.status.value = "<br>".join(html.escape(line) for line in shown)
        return said


def _same(option: str, typed: str) -> bool:
    try:
        return float(option) == float(typed)
    except ValueError:
        return False


def sheet_view(out: Path | str, exercise: str, question: str):
    """Return the marking sheet's widgets for one written question of a graded folder (the notebook cell)."""
    return SheetView(load_sheet(Path(out), exercise, question)).widget
