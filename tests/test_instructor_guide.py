"""The instructor guide agrees with the course: each lesson's minutes, quiz, exercise and rubric."""

from __future__ import annotations

import re

import nbformat
import pytest
from course_root import ROOT

from fourislands import lessons, load
from fourislands.exercise_build import exercise_names, questions, solution_path
from fourislands.quizbank import bank_path, load_bank

GUIDE = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
TAUGHT = [lesson for lesson in lessons() if lesson.id != "00"]
GLANCE = re.compile(
    r"^\*\*At a glance:\*\* (?P<reading>\d+) minutes of reading and (?P<exercises>\d+) minutes of "
    r"exercises; quiz: (?P<questions>\d+) questions \((?P<bank>data/quizzes/[\w-]+\.yaml)\); "
    r"(?:exercise: (?P<exercise>exercises/[\w-]+\.ipynb), (?P<points>\d+) points"
    r"|essay: (?P<essay>\d+) points \(data/essay_rubric\.csv\))\.$",
    re.MULTILINE,
)


def exercise_points(name: str) -> tuple[int, int]:
    """Return an exercise's points for code questions and in all, from its solution notebook."""
    graded, written = questions(nbformat.read(solution_path(name), as_version=4))
    code = sum(q["points"] for q in graded.values())
    return code, code + sum(q["points"] for q in written.values())


def lesson_section(lesson_id: str) -> str:
    """Return the guide's section on one lesson, from its heading to the next lesson's."""
    found = re.search(
        rf"^## Lesson {lesson_id}\. .*?(?=^## Lesson \d\d\. |\Z)", GUIDE, re.MULTILINE | re.DOTALL
    )
    assert found, f"the guide has no section '## Lesson {lesson_id}.'"
    return found.group(0)


@pytest.mark.parametrize("lesson", TAUGHT, ids=[lesson.id for lesson in TAUGHT])
def test_each_lesson_section_opens_with_what_the_course_gives_it(lesson):
    section = lesson_section(lesson.id)
    first_line = section.splitlines()[2] if len(section.splitlines()) > 2 else ""
    glance = GLANCE.match(first_line)
    assert glance, (
        f"lesson {lesson.id}: the line under the heading is not an 'At a glance' line: {first_line!r}"
    )
    assert int(glance["reading"]) == lesson.reading_minutes
    assert int(glance["exercises"]) == lesson.exercise_minutes
    assert glance["bank"] == str(bank_path(lesson.id).relative_to(ROOT))
    assert int(glance["questions"]) == len(load_bank(lesson.id).questions)
    if lesson.exercise:
        assert glance["exercise"] == lesson.exercise
        name = re.sub(r"-exercises$", "", glance["exercise"].rsplit("/", 1)[1].removesuffix(".ipynb"))
        assert int(glance["points"]) == exercise_points(name)[1]
    else:
        rubric = load("essay_rubric")
        assert glance["essay"] is not None
        assert int(glance["essay"]) == int(rubric["points"].sum())


def test_the_guide_never_says_a_lesson_with_a_bank_has_no_quiz():
    for lesson in TAUGHT:
        section = lesson_section(lesson.id)
        assert not re.search(r"has no quiz|no quiz bank|still being written|unfinished", section), lesson.id


def test_the_exercise_table_gives_each_exercise_its_points_from_the_solution():
    rows = {name: line for name, line in re.findall(r"^\| `(\d\d-[\w-]+)` (\| .*)$", GUIDE, re.MULTILINE)}
    assert set(rows) == set(exercise_names())
    for name, line in rows.items():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        code, total = exercise_points(name)
        assert int(cells[0]) == code, name
        assert int(cells[-1]) == total, name
        written = [int(points) for points in re.findall(r"\((\d+)\)", cells[1])]
        assert sum(written) == total - code, name


def test_the_guide_marks_the_essay_with_the_one_rubric_of_the_course():
    rubric = load("essay_rubric")
    total = int(rubric["points"].sum())
    essay = GUIDE.split("### The essay and its rubric", 1)[1].split("\n## ", 1)[0]
    for criterion, points in zip(rubric["criterion"], rubric["points"], strict=True):
        assert criterion in essay and str(points) in essay, criterion
    assert f"out of {total}" in essay
    assert not re.search(rf"out of (?!{total}\b)\d+", essay)
