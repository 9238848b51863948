"""Write a graded folder's grades as the CSV file that Canvas or Moodle imports into its gradebook."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..atomic import write_text_atomically
from .gradebook import (
    COMPLETE,
    POINTS_POSSIBLE,
    book_rows,
    csv_text,
    exercise_rows,
    graded_folder,
    points_text,
)

FORMATS = ("canvas", "moodle")
# The columns Canvas's own gradebook export starts with. Its importer finds a student by "ID"
# (Canvas's own number, which the grader cannot know: left blank), then "SIS User ID", then
# "SIS Login ID", and takes the columns after "Section" for assignments.
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
# Moodle asks at import which column names the user ("Map from") and which user field it holds
# ("Map to": ID number, username, email address or Moodle's id).
MOODLE_ID_COLUMN = "ID number"


def named_columns(pairs: list[str]) -> dict[str, str]:
    """Return {exercise: column name} from EXERCISE=COLUMN pairs; raise ValueError on a malformed one."""
    named = {}
    for pair in pairs:
        exercise, equals, column = pair.partition("=")
        if not equals or not exercise.strip() or not column.strip():
            raise ValueError(
                f'--assignment {pair!r}: give EXERCISE=COLUMN, like 01-history="Exercise 1 (4711)"'
            )
        named[exercise.strip()] = column.strip()
    return named


def lms_grades(out: Path, lms: str, named: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Return the CSV text of out's grades for an LMS ("canvas" or "moodle"), and what to tell the grader.

    A grade is an exercise's total for a student whose status is complete; every other cell is
    blank and listed. Students with no grade at all are left out (Moodle stops a whole import at a
    student it does not know). Raises ValueError when there is nothing to export.
    """
    if lms not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}, not {lms!r}")
    named = named or {}
    results, specs, manual, problems = graded_folder(out)
    rows = book_rows(results, specs, manual)
    exercises = sorted({row.exercise for row in rows if row.graded and row.exercise in specs})
    if not exercises:
        raise ValueError(f"{out} holds no graded exercise to export")
    strangers = sorted(set(named) - set(exercises))
    if strangers:
        raise ValueError(
            f"--assignment names {', '.join(strangers)}, not graded in {out} ({', '.join(exercises)})"
        )
    headers = [named.get(exercise, exercise) for exercise in exercises]
    if len(set(headers)) < len(headers):
        raise ValueError(f"two exercises would share one column: {headers}")
    grades: dict[tuple[str, str], str] = {}
    blank: dict[tuple[str, str], list[str]] = {}
    for exercise in exercises:
        for row in exercise_rows(exercise, rows):
            if row.status == COMPLETE:
                grades[row.student, exercise] = points_text(row.total)
            else:  # an unfinished total is no grade to send a registrar
                blank.setdefault((exercise, row.status.split(":")[0]), []).append(row.student)
    students = sorted({student for student, _ in grades})
    cells = [[grades.get((student, exercise), "") for exercise in exercises] for student in students]
    if lms == "canvas":
        possible = [points_text(sum(q.points for q in specs[exercise].questions)) for exercise in exercises]
        table = [
            [*CANVAS_COLUMNS, *headers],
            [POINTS_POSSIBLE, "", "", "", "", *possible],
            *([student, "", student, "", "", *own] for student, own in zip(students, cells, strict=True)),
        ]
    else:
        table = [
            [MOODLE_ID_COLUMN, *headers],
            *([student, *own] for student, own in zip(students, cells, strict=True)),
        ]
    for (exercise, why), names in sorted(blank.items()):
        problems.append(f"{exercise}: {len(names)} left blank ({why}): {', '.join(names)}")
    left_out = sorted({row.student for row in rows} - set(students))
    if left_out:
        problems.append(
            f"{len(left_out)} students with no grade to export are not in the file: {', '.join(left_out)}"
        )
    return csv_text(table), problems


def export_command(args: argparse.Namespace) -> int:
    """Write the grades of a graded folder for Canvas or Moodle; return an exit code."""
    from .output_folder import OutputFolder, OutputProblem

    if not (args.graded / "results.json").is_file():  # checked before the lock would make the folder
        print(f"{args.graded} holds no results.json: grade into it first (fourislands grade --out)")
        return 2
    target = args.out or args.graded / f"{args.format}-grades.csv"
    try:
        named = named_columns(args.assignment or [])
        with OutputFolder(args.graded):  # a grader writing the folder now would leave it half new
            text, problems = lms_grades(args.graded, args.format, named)
            write_text_atomically(target, text, newline="")
    except (ValueError, OutputProblem, OSError) as problem:
        print(problem)
        return 2
    for problem in problems:
        print(problem)
    print(f"{args.format} grades: {target}")
    return 0
