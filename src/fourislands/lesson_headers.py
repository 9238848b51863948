"""Each lesson's opening Markdown cell, written from course.yml: title, time, what comes before, objectives.

The header is Markdown in the notebook, not output of a cell, so a lesson opens as a page: its
title and objectives show before anything runs, and the static edition shows them as text.
`fourislands lesson-headers` writes them after course.yml changes; `--check` (and a test) says
which notebooks have drifted from it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from .course import Lesson, lessons, link_from_notebooks
from .errors import DataError
from .paths import project_root

HEADER_ID = "lesson-header"  # the id of the header cell, first in every lesson after the start page
START_PAGE = "00-start-here.ipynb"


def header_markdown(lesson_id: str) -> str:
    """Return a lesson's header as Markdown: the way back, title, time, what comes before, objectives."""
    everything = lessons()
    ids = [lesson.id for lesson in everything]
    if lesson_id not in ids:
        raise DataError("course.yml", f"no lesson {lesson_id!r}; the lessons are {ids}")
    position = ids.index(lesson_id)
    lesson = everything[position]
    before = everything[position - 1] if position else None
    before_text = f"lesson {before.id}, *{before.title}*" if before else "nothing: this is the first lesson"
    objectives = "\n".join(f"{n}. {objective}" for n, objective in enumerate(lesson.objectives, start=1))
    exercise = (
        f" in [{Path(lesson.exercise).name}]({link_from_notebooks(lesson.exercise)})"
        if lesson.exercise
        else ""
    )
    return (
        f"[\u2190 Start page and all lessons]({START_PAGE})\n\n"
        f"# Lesson {lesson.id}: {lesson.title}\n\n"
        f"**Time:** about {lesson.reading_minutes} minutes of reading and {lesson.exercise_minutes} minutes "
        f"of exercises{exercise}. **Before you start:** {before_text}.\n\n"
        f"**By the end of this lesson you can:**\n\n{objectives}"
    )


def _lesson_notebooks() -> list[tuple[Lesson, Path]]:
    """Return each lesson but the start page with its notebook's path."""
    root = project_root()
    return [
        (lesson, root / lesson.notebook) for lesson in lessons() if Path(lesson.notebook).name != START_PAGE
    ]


def drifted() -> list[str]:
    """Return the notebooks whose header cell is missing or differs from course.yml."""
    stale = []
    for lesson, path in _lesson_notebooks():
        first = nbformat.read(path, as_version=4).cells[0]
        if first.get("id") != HEADER_ID or first.source != header_markdown(lesson.id):
            stale.append(str(path.relative_to(project_root())))
    return stale


def write_headers() -> list[str]:
    """Write each lesson's header cell from course.yml, first in its notebook; return those changed."""
    changed = []
    for lesson, path in _lesson_notebooks():
        notebook = nbformat.read(path, as_version=4)
        header = nbformat.v4.new_markdown_cell(header_markdown(lesson.id), id=HEADER_ID)
        cells = [cell for cell in notebook.cells if cell.get("id") != HEADER_ID]
        if notebook.cells and notebook.cells[0] == header:
            continue
        notebook.cells = [header, *cells]
        nbformat.write(notebook, path)
        changed.append(str(path.relative_to(project_root())))
    return changed


def headers_command(check: bool) -> int:
    """Write the lesson headers (or with check, list those that drifted); return the exit code."""
    if check:
        stale = drifted()
        for path in stale:
            print(f"{path}: its header differs from course.yml (run: fourislands lesson-headers)")
        return 1 if stale else 0
    for path in write_headers():
        print(f"wrote the header of {path}")
    return 0
