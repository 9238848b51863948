"""The lesson list of course.yml: the one place that says which lessons exist and in what order."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd
import yaml

from . import yaml_fast
from .errors import DataError
from .paths import home_setting_note, project_root

COURSE_FILE = "course.yml"
STATUSES = ("ready", "planned")
REQUIRED = {
    "id": str,
    "title": str,
    "minutes": dict,
    "objectives": list,
    "notebook": str,
    "status": str,
}


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course, as course.yml lists it."""

    id: str
    title: str
    reading_minutes: int
    exercise_minutes: int
    objectives: tuple[str, ...]
    notebook: str
    exercise: str | None
    status: str

    @property
    def stem(self) -> str:
        """Return the notebook's name without extension (02-negotiations): its book page's name too."""
        return PurePosixPath(self.notebook).stem

    @property
    def minutes(self) -> int:
        """Return the lesson's total time in minutes."""
        return self.reading_minutes + self.exercise_minutes


def _lesson(entry: object, position: int) -> Lesson:
    """Return one course.yml entry as a Lesson, or raise a DataError naming the field."""
    if not isinstance(entry, dict):
        raise DataError(COURSE_FILE, f"lesson {position} is not a mapping of fields")
    label = f"lesson {entry.get('id', position)!s}"
    for field, kind in REQUIRED.items():
        if not isinstance(entry.get(field), kind):
            raise DataError(COURSE_FILE, f"{label}: needs a {kind.__name__}", column=field)
    minutes = entry["minutes"]
    for part in ("reading", "exercises"):
        value = minutes.get(part)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise DataError(
                COURSE_FILE,
                f"{label}: minutes.{part} must be a whole number >= 0",
                column="minutes",
            )
    if entry["status"] not in STATUSES:
        raise DataError(COURSE_FILE, f"{label}: status must be one of {STATUSES}", column="status")
    exercise = entry.get("exercise")
    if exercise is not None and not isinstance(exercise, str):
        raise DataError(COURSE_FILE, f"{label}: exercise must be a path or null", column="exercise")
    return Lesson(
        id=entry["id"],
        title=entry["title"],
        reading_minutes=minutes["reading"],
        exercise_minutes=minutes["exercises"],
        objectives=tuple(str(o) for o in entry["objectives"]),
        notebook=entry["notebook"],
        exercise=exercise,
        status=entry["status"],
    )


def lessons() -> list[Lesson]:
    """Return the course's lessons in order, as course.yml lists them."""
    path = project_root() / COURSE_FILE
    try:
        document = yaml_fast.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(path, "file not found" + home_setting_note()) from None
    except yaml.YAMLError as error:
        raise DataError(path, f"is not valid YAML ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("lessons"), list):
        raise DataError(path, "needs a 'lessons' list")
    found = [_lesson(entry, n) for n, entry in enumerate(document["lessons"], start=1)]
    ids = [lesson.id for lesson in found]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise DataError(path, f"lesson ids repeat: {repeated}", column="id")
    return found


def lesson_table() -> pd.DataFrame:
    """Return the lesson list as a table for display: id, title, minutes, notebook, status."""
    return pd.DataFrame(
        [
            {
                "lesson": lesson.id,
                "title": lesson.title,
                "reading (min)": lesson.reading_minutes,
                "exercises (min)": lesson.exercise_minutes,
                "notebook": lesson.notebook,
                "exercise": lesson.exercise or "",
                "status": lesson.status,
            }
            for lesson in lessons()
        ]
    )


@dataclass(frozen=True)
class LessonLinks:
    """The lessons and their exercises as links, for the start notebook (which sits in notebooks/)."""

    lessons: tuple[Lesson, ...]

    def __repr__(self) -> str:
        return "\n".join(
            f"{lesson.id} {lesson.title} ({lesson.status}): {lesson.notebook}"
            + (f", exercise {lesson.exercise}" if lesson.exercise else "")
            for lesson in self.lessons
        )

    def _repr_html_(self) -> str:
        items = []
        for lesson in self.lessons:
            title = html.escape(f"{lesson.id} {lesson.title}")
            minutes = f"about {lesson.reading_minutes + lesson.exercise_minutes} minutes"
            if lesson.status != "ready":
                items.append(f"<li>{title} <em>({html.escape(lesson.status)}: not yet available)</em></li>")
                continue
            links = [f'<a href="{html.escape(link_from_notebooks(lesson.notebook))}">{title}</a>']
            if lesson.exercise:
                links.append(
                    f'<a href="{html.escape(link_from_notebooks(lesson.exercise))}">its exercise</a>'
                )
            items.append(f"<li>{' and '.join(links)} ({minutes})</li>")
        return f'<ol class="fi-lesson-links" start="0">{"".join(items)}</ol>'


def link_from_notebooks(path: str) -> str:
    """Return a course path (notebooks/..., exercises/...) as a link from a notebook in notebooks/."""
    return path.removeprefix("notebooks/") if path.startswith("notebooks/") else f"../{path}"


def lesson_links() -> LessonLinks:
    """Return the course's lessons, each a link to its notebook and its exercise, for display."""
    return LessonLinks(tuple(lessons()))
