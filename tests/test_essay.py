"""The seminar essay as an exercise: its length counted from the saved file, graded by the marking sheet."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from course_root import ROOT
from test_marking import FAST, book, column, written

from fourislands import load
from fourislands.cli import main
from fourislands.course import lessons
from fourislands.errors import DataError
from fourislands.essay_length import essay_length, length_verdict, saved_notebook
from fourislands.exercise_build import ESSAY_PLACEHOLDER, essay_answer, questions, solution_path
from fourislands.exercises import Exercise
from fourislands.grading import marking
from fourislands.kernels import notebook_client
from fourislands.paths import exercise_path
from fourislands.reading_time import ESSAY_WORDS_PER_MINUTE, estimate

NAME = "07-seminar"


def essay_notebook(text: str | None) -> nbformat.NotebookNode:
    """Return the released essay exercise with text in its essay box (None: left as released)."""
    notebook = nbformat.read(exercise_path(NAME), as_version=4)
    for cell in notebook.cells:
        if text is not None and cell.metadata.get("nbgrader", {}).get("grade_id") == "w1":
            cell.source = text
    return notebook


def an_essay(words: int) -> str:
    """Return an essay of exactly this many words (5 or more) in two paragraphs, with marks and a link."""
    body = (
        ["**Claim.**"]
        + [f"word{i}" for i in range(words - 4)]
        + ["[Hirose 2018](bibliography.ipynb#h)", "ends."]
    )
    return " ".join(body[: words // 2]) + "\n\n" + " ".join(body[words // 2 :])


# -- the essay's spec comes from data/, one rubric for the sheet and the printed page ---------------


def test_the_essay_takes_its_rubric_and_length_from_the_data_tables():
    _, written_answers = questions(nbformat.read(solution_path(NAME), as_version=4))
    essay = written_answers["w1"]
    rubric = load("essay_rubric")
    essays = load("essays").set_index("id")
    assert [c["points"] for c in essay["rubric"]] == list(rubric["points"])
    assert all(
        c["criterion"].startswith(name + ": ")
        for c, name in zip(essay["rubric"], rubric["criterion"], strict=True)
    )
    assert essay["points"] == int(rubric["points"].sum()) == 20
    assert essay["words"] == [
        int(essays.loc["seminar", "min_words"]),
        int(essays.loc["seminar", "max_words"]),
    ]
    # The prompt the student reads states the same length the count checks.
    assert f"{essay['words'][0]} to {essay['words'][1]} words" in essays.loc["seminar", "prompt"]


def test_an_essay_cell_whose_points_disagree_with_the_rubric_is_refused():
    with pytest.raises(DataError, match="adds to 20"):
        essay_answer("seminar", {"grade_id": "w1", "points": 10})
    with pytest.raises(DataError, match="no essay 'nope'"):
        essay_answer("nope", {"grade_id": "w1", "points": 20})


def test_the_student_sees_an_essay_box_asking_for_the_length_and_no_model_answer():
    notebook = essay_notebook(None)
    box = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "w1")
    assert box.source == ESSAY_PLACEHOLDER.format(min_words=600, max_words=900)
    text = exercise_path(NAME).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "full-marks essay" not in text


def test_the_minutes_count_the_essay_at_its_longest():
    seminar = next(lesson for lesson in lessons() if lesson.id == "07")
    found = estimate(seminar)
    assert found.essay_words == 900 and found.written_answers == 0
    assert found.exercise_minutes >= 900 / ESSAY_WORDS_PER_MINUTE


# -- the count, from a file that may be anything ---------------------------------------------------


@pytest.mark.parametrize("words", [5, 599, 600, 750, 900, 901, 2000])
def test_the_count_is_the_words_of_the_essay_box_and_says_where_it_stands(tmp_path, words):
    path = tmp_path / "07-seminar-exercises.ipynb"
    nbformat.write(essay_notebook(an_essay(words)), path)
    length = essay_length(path, "w1")
    assert length.words == words and length.saved is not None and not length.problem
    within, sentence = length_verdict(length, 600, 900)
    assert within == (600 <= words <= 900)
    assert sentence.startswith(f"{words} words in your essay as saved at")
    if words < 600:
        assert f"{600 - words} more to reach 600" in sentence
    if words > 900:
        assert f"{words - 900} over; cut to 900" in sentence


def test_an_untouched_box_is_not_started_and_the_model_answer_counts(tmp_path):
    path = tmp_path / "e.ipynb"
    nbformat.write(essay_notebook(None), path)
    assert essay_length(path, "w1").words == 0
    assert "not started" in length_verdict(essay_length(path, "w1"), 600, 900)[1]
    solution = essay_length(solution_path(NAME), "w1")
    assert 300 < solution.words < 900  # the model outline is counted like any essay


DAMAGED = {
    "not-json": b"%PDF-1.4 \x00\x01",
    "a-list": b"[1, 2, 3]",
    "cells-not-a-list": b'{"cells": {"a": 1}}',
    "cell-not-a-dict": b'{"cells": [1, "x", null]}',
    "metadata-odd": b'{"cells": [{"metadata": [1], "source": "x"}, {"metadata": {"nbgrader": "w1"}}]}',
    "deep": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_a_damaged_file_gets_a_sentence_not_a_traceback(tmp_path, name):
    path = tmp_path / "e.ipynb"
    path.write_bytes(DAMAGED[name])
    length = essay_length(path, "w1")
    assert length.words is None and length.problem
    within, sentence = length_verdict(length, 600, 900)
    assert not within and sentence.startswith("Cannot count your essay: e.ipynb")


def test_a_source_that_is_not_text_a_deleted_box_a_missing_or_huge_file_are_said(tmp_path):
    path = tmp_path / "e.ipynb"
    cell = {"cell_type": "markdown", "metadata": {"nbgrader": {"grade_id": "w1"}}, "source": 42}
    path.write_text(json.dumps({"cells": [cell]}))
    assert "holds no text" in essay_length(path, "w1").problem
    cell["source"] = ["My ", "essay ", "in lines."]
    path.write_text(json.dumps({"cells": [cell]}))
    assert essay_length(path, "w1").words == 4
    assert "no essay box (w2)" in essay_length(path, "w2").problem
    assert "not saved in this folder yet" in essay_length(tmp_path / "none.ipynb", "w1").problem
    big = tmp_path / "big.ipynb"
    with big.open("wb") as handle:
        handle.truncate(60_000_000)  # sparse: costs no disk
    assert "too large" in essay_length(big, "w1").problem


def test_the_file_counted_is_the_kernels_notebook_else_the_exercises_own(tmp_path):
    mine = tmp_path / "my copy.ipynb"
    mine.write_text("{}")
    assert saved_notebook(NAME, str(mine), tmp_path) == mine
    assert saved_notebook(NAME, "elsewhere/my copy.ipynb", tmp_path) == mine  # an API path: its name here
    assert saved_notebook(NAME, "", tmp_path) == tmp_path / "07-seminar-exercises.ipynb"
    assert (
        saved_notebook(NAME, str(tmp_path / "gone.ipynb"), tmp_path)
        == tmp_path / "07-seminar-exercises.ipynb"
    )
    assert saved_notebook(NAME, "/etc/passwd", tmp_path) == tmp_path / "07-seminar-exercises.ipynb"


def test_word_count_reads_the_notebook_jupyter_started_the_kernel_for(tmp_path, monkeypatch):
    path = tmp_path / "renamed by the student.ipynb"
    nbformat.write(essay_notebook(an_essay(650)), path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    monkeypatch.chdir(tmp_path)
    shown = Exercise(NAME).word_count("w1")
    assert "650 words in your essay" in shown.text and "within the length" in shown.text
    assert 'role="status"' in shown.page and "press Ctrl+S" in shown.text
    wrong = Exercise(NAME).word_count("W9<script>")
    assert "No essay" in wrong.text and "w1" in wrong.text and "<script>" not in wrong.page


def test_the_released_notebook_run_in_its_folder_counts_its_own_untouched_box(tmp_path):
    path = tmp_path / exercise_path(NAME).name
    shutil.copy(exercise_path(NAME), path)
    notebook = nbformat.read(path, as_version=4)
    notebook_client(notebook, tmp_path).execute()
    shown = "".join(
        str(o.get("data", {})) for c in notebook.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "Your essay is not started" in shown and "(the essay asks for 600 to 900 words)" in shown
    assert "Traceback" not in shown


def test_an_exercise_without_an_essay_says_so():
    shown = Exercise("01-history").word_count("w1")
    assert "No essay 'w1'; the essays: none." in shown.text


# -- graded and marked like every written answer ----------------------------------------------------


def test_a_class_of_essays_is_kept_as_written_and_marked_on_the_sheet(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FOURISLANDS_HOME", str(ROOT))
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    hostile = an_essay(700) + '\n\n<script>alert(1)</script> =HYPERLINK("x")'
    nbformat.write(essay_notebook(hostile), folder / "ana.ipynb")
    nbformat.write(essay_notebook(an_essay(640)), folder / "ben.ipynb")
    nbformat.write(essay_notebook(None), folder / "cai.ipynb")  # handed in untouched
    assert main(["grade", str(folder), "--out", str(out), *FAST]) == 0
    assert (out / "marking" / "07-seminar-w1.ipynb").is_file()
    grades = book(out, NAME)
    assert {s: grades[s]["status"] for s in grades} == dict.fromkeys(
        ("ana", "ben", "cai"), "awaiting manual marks"
    )
    header, rows = written(out)
    assert "<script>alert(1)</script>" in rows[("ana", NAME, "w1")]["answer"]  # kept as written
    sheet = marking.load_sheet(out, NAME, "W1")
    assert [c["points"] for c in sheet.question.rubric] == [5, 5, 5, 5]
    view = marking.SheetView(sheet)  # the grader sees each essay's length beside it
    assert view.current == "ana" and "(702 words, " in view.heading.value
    assert list(sheet.answers) == ["ana", "ben", "cai"]
    for n, mark in enumerate(("5", "4", "3", "5"), start=1):
        sheet.set("ana", f"c{n}", mark)
    sheet.set("ben", "c1", "6")  # over the criterion's 5: never counted
    marking.save_sheet(sheet)
    header, rows = written(out)
    assert rows[("ana", NAME, "w1")][column(header, NAME, "w1", 2)] == "4"
    assert rows[("ana", NAME, "w1")]["total"] == "17"
    grades = book(out, NAME)
    assert (grades["ana"]["status"], grades["ana"]["total"]) == ("complete", "17")
    assert grades["ben"]["status"] == "awaiting manual marks" and grades["ben"]["total"] != "6"
    # The sheet and the student's own count agree on the length of the same essay.
    assert essay_length(folder / "ana.ipynb", "w1").words == 702
