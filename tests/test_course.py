"""course.yml is the one lesson list: it must agree with the notebooks on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from course_root import ROOT

from fourislands import DataError, lesson_table, lessons
from fourislands.exercise_build import exercise_names
from fourislands.paths import exercise_name, exercise_path


def test_lesson_ids_are_in_order_and_notebooks_follow_the_naming_rule():
    found = lessons()
    assert [lesson.id for lesson in found] == [f"{n:02d}" for n in range(len(found))]
    for lesson in found:
        assert lesson.notebook.startswith(f"notebooks/{lesson.id}-"), lesson.notebook
        assert lesson.notebook.endswith(".ipynb")
        if lesson.exercise:
            # The exercise's tab differs from its lesson's; its name is the lesson's file name.
            assert lesson.exercise == lesson.notebook.replace("notebooks/", "exercises/").replace(
                ".ipynb", "-exercises.ipynb"
            )
            assert exercise_name(lesson.exercise) == Path(lesson.notebook).stem
            assert exercise_path(exercise_name(lesson.exercise)) == ROOT / lesson.exercise
            assert Path(lesson.exercise).name != Path(lesson.notebook).name


def test_each_exercise_in_course_yml_is_one_with_a_solution_and_each_solution_is_listed():
    listed = {exercise_name(lesson.exercise) for lesson in lessons() if lesson.exercise}
    assert listed == set(exercise_names())


def test_every_ready_lesson_is_on_disk_and_every_notebook_is_listed():
    found = lessons()
    for lesson in found:
        if lesson.status == "ready":
            assert (ROOT / lesson.notebook).is_file(), lesson.notebook
    listed = {lesson.notebook for lesson in found} | {lesson.exercise for lesson in found}
    listed.add("notebooks/bibliography.ipynb")  # not a lesson: the page every citation links to
    for folder in ("notebooks", "exercises"):
        for path in (ROOT / folder).glob("*.ipynb"):
            assert f"{folder}/{path.name}" in listed, f"{path} is not in course.yml"
    ready = {lesson.notebook for lesson in found if lesson.status == "ready"}
    on_disk = {f"notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert on_disk - {"notebooks/bibliography.ipynb"} == ready, (
        "a notebook on disk must be marked ready, and a ready one must exist"
    )


def test_every_lesson_has_three_to_five_objectives_and_minutes():
    for lesson in lessons():
        assert 3 <= len(lesson.objectives) <= 5, lesson.id
        assert lesson.minutes > 0


def test_lesson_table_lists_every_lesson():
    table = lesson_table()
    assert list(table["lesson"]) == [lesson.id for lesson in lessons()]
    assert table["title"].str.len().min() > 5


def test_the_start_page_links_every_ready_lesson_and_exercise_to_a_file_that_exists():
    import re

    from fourislands import lesson_links

    page = lesson_links()._repr_html_()
    links = re.findall(r'<a href="([^"]+)">', page)
    expected = [
        path
        for lesson in lessons()
        if lesson.status == "ready"
        for path in (lesson.notebook, lesson.exercise)
        if path
    ]
    assert [str((ROOT / "notebooks" / link).resolve().relative_to(ROOT)) for link in links] == expected
    assert all((ROOT / path).exists() for path in expected)
    assert page.count("<li>") == len(lessons())


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('title: "Start here: how the course works"', "title: 5", "title"),
        (
            "minutes: {reading: 15, exercises: 0}",
            "minutes: {reading: fifteen, exercises: 0}",
            "minutes",
        ),
        ("    status: ready\n", "    status: finished\n", "status"),
        ("    notebook: notebooks/00-start-here.ipynb\n", "", "notebook"),
    ],
)
def test_a_broken_course_file_names_the_field(project_copy, old, new, field):
    path = project_copy / "course.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(DataError) as caught:
        lessons()
    assert caught.value.column == field
    assert "course.yml" in str(caught.value)
    assert "lesson 00" in str(caught.value)


def test_a_file_that_is_not_yaml_gets_a_clear_message(project_copy):
    (project_copy / "course.yml").write_text("lessons: [unclosed\n")
    with pytest.raises(DataError, match="not valid YAML"):
        lessons()
