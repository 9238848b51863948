"""Honest minutes: the time course.yml states for each lesson is the time its contents take."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from course_root import ROOT

from fourislands import lessons
from fourislands.reading_time import (
    EXPLORER_MINUTES,
    PAUSE_MINUTES,
    WORDS_PER_MINUTE,
    estimate,
    prose_words,
)

LESSONS = lessons()


def close_enough(stated: int, estimated: float) -> bool:
    """Return whether a stated time is the estimate within 5 minutes or 15%, whichever is more."""
    return abs(stated - estimated) <= max(5, 0.15 * estimated)


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.id for lesson in LESSONS])
def test_each_lesson_states_the_minutes_its_contents_take(lesson):
    found = estimate(lesson)
    assert close_enough(lesson.reading_minutes, found.reading_minutes), (lesson.id, found)
    if lesson.exercise:
        assert close_enough(lesson.exercise_minutes, found.exercise_minutes), (lesson.id, found)


def test_prose_words_leave_out_link_targets_markup_and_sources_disclosures():
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(
                "## Two words\n\nThree more [Hirose 2018](bibliography.ipynb#hirose2018) **here**.\n\n"
                '<details class="fi-sources"><summary>Sources</summary>\n\n- `a-row` (timeline)\n\n</details>'
            ),
            nbformat.v4.new_code_cell("print('not prose at all')"),
        ]
    )
    assert prose_words(notebook) == 7  # Two words Three more Hirose 2018 here.


def test_more_prose_a_pause_and_an_explorer_lengthen_the_estimate(tmp_path, monkeypatch):
    lesson = next(lesson for lesson in LESSONS if lesson.id == "03")
    for folder in ("data", "notebooks", "exercises", "solutions"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "course.yml", tmp_path)
    monkeypatch.setenv("FOURISLANDS_HOME", str(tmp_path))
    before = estimate(lesson)
    path = tmp_path / lesson.notebook
    notebook = nbformat.read(path, as_version=4)
    notebook.cells += [
        nbformat.v4.new_markdown_cell("word " * WORDS_PER_MINUTE * 10 + "\n\n**Stop and think.** Why?"),
        nbformat.v4.new_code_cell("range_explorer()"),
    ]
    nbformat.write(notebook, path)
    after = estimate(lesson)
    added = after.reading_minutes - before.reading_minutes
    assert added == pytest.approx(10 + 5 / WORDS_PER_MINUTE + PAUSE_MINUTES + EXPLORER_MINUTES, abs=0.01)
