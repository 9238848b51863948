"""Each lesson opens as a page: its header is a Markdown cell written from course.yml, imports folded."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from course_root import ROOT

from fourislands import DataError, lessons
from fourislands.lesson_headers import HEADER_ID, drifted, header_markdown, headers_command, write_headers

LESSONS = [lesson for lesson in lessons() if lesson.id != "00"]


def test_a_header_says_title_time_what_comes_before_and_each_objective():
    first, second = LESSONS[0], LESSONS[1]
    header = header_markdown(second.id)
    assert header.startswith("[\u2190 Start page and all lessons](00-start-here.ipynb)")
    assert f"# Lesson {second.id}: {second.title}" in header
    assert (
        f"about {second.reading_minutes} minutes of reading and {second.exercise_minutes} minutes" in header
    )
    assert f"lesson {first.id}, *{first.title}*" in header
    exercise = second.exercise.removeprefix("exercises/")
    assert f"minutes of exercises in [{exercise}](../exercises/{exercise})." in header
    assert (ROOT / "exercises" / exercise).is_file()
    for number, objective in enumerate(second.objectives, start=1):
        assert f"\n{number}. {objective}" in header
    with pytest.raises(DataError, match="no lesson '42'"):
        header_markdown("42")


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.id for lesson in LESSONS])
def test_every_lesson_opens_with_its_header_then_its_imports_folded(lesson):
    cells = nbformat.read(ROOT / lesson.notebook, as_version=4).cells
    assert cells[0].cell_type == "markdown" and cells[0].id == HEADER_ID
    assert cells[0].source == header_markdown(lesson.id)
    assert cells[1].cell_type == "code" and cells[1].source.startswith("from ")
    assert cells[1].metadata.get("jupyter", {}).get("source_hidden") is True
    assert not any("lesson_header" in cell.source for cell in cells)


def test_the_course_has_no_header_out_of_step_with_course_yml():
    assert drifted() == []


def test_a_changed_course_yml_is_caught_and_written_into_the_notebook(project_copy, capsys):
    shutil.copytree(ROOT / "notebooks", project_copy / "notebooks")
    lesson, following = LESSONS[0], LESSONS[1]
    course = project_copy / "course.yml"
    course.write_text(
        course.read_text(encoding="utf-8").replace(lesson.title, "A new title"), encoding="utf-8"
    )
    # The lesson's own header, and the next one's "before you start".
    assert drifted() == [lesson.notebook, following.notebook]
    assert headers_command(check=True) == 1 and lesson.notebook in capsys.readouterr().out
    assert write_headers() == [lesson.notebook, following.notebook]
    cells = nbformat.read(project_copy / lesson.notebook, as_version=4).cells
    assert "# Lesson 01: A new title" in cells[0].source and cells[1].cell_type == "code"
    assert sum(cell.get("id") == HEADER_ID for cell in cells) == 1
    assert write_headers() == [] and drifted() == []  # written once, then in step
