"""progress_table: the course at a glance, and where a student stands on each question of a lesson."""

from __future__ import annotations

import pytest

from fourislands import progress, progress_table
from fourislands.judging import Result


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("FOURISLANDS_PROGRESS", str(tmp_path / "progress.json"))
    progress._stores.clear()
    yield
    progress._stores.clear()


def test_the_lesson_table_counts_quiz_answers_exercise_checks_hints_and_solutions():
    progress.record_attempt("01", "shimoda-northernmost", Result("incorrect", "m", answer="x"))
    progress.record_event("01", "01-history:q1", "check failed")
    progress.record_event("01", "01-history:q1", "check passed")
    progress.record_event("01", "01-history:q2", "hint 1")
    progress.record_event("01", "01-history:q2", "hint 2")
    progress.record_event("01", "01-history:q3", "solution shown")
    table = progress_table().set_index("lesson")
    assert table.loc["01", "attempts"] == 1 and table.loc["01", "correct"] == 0
    assert table.loc["01", "exercise checks passed"] == "1 of 6"
    assert (table.loc["01", "hints"], table.loc["01", "solutions shown"]) == (2, 1)
    assert table.loc["00", "exercise checks passed"] == ""  # lesson 00 has no exercise: a blank
    assert not table.isna().any().any()


def test_the_question_table_says_where_each_quiz_and_exercise_question_stands():
    progress.record_attempt("01", "shimoda-northernmost", Result("correct", "m", score=1.0, answer="x"))
    progress.record_event("01", "01-history:q1", "check failed")
    progress.record_event("01", "01-history:q1", "check passed")
    progress.record_event("01", "01-history:q2", "hint 1")
    progress.record_event("01", "01-history:q3", "solution shown")
    rows = progress_table("01").set_index(["part", "question"])
    quiz_row = rows.loc[("quiz", "shimoda-northernmost")]
    assert quiz_row["status"] == "correct" and quiz_row["attempts"] == 1 and quiz_row["last"]
    assert rows.loc[("exercise 01-history", "q1")][["status", "attempts"]].tolist() == ["passed", 2]
    assert rows.loc[("exercise 01-history", "q2")][["status", "hints"]].tolist() == ["not checked", 1]
    assert bool(rows.loc[("exercise 01-history", "q3"), "answer or solution shown"])
    with pytest.raises(Exception, match="no lesson '42'"):
        progress_table("42")
