"""Four Islands, Two Names: the helper package the course notebooks import."""

from .course import Lesson, lesson_table, lessons
from .data import describe, load, table_names
from .environment_check import check_environment, environment_summary
from .errors import DataError
from .quizwidget import quiz
from .scores import progress_table

__all__ = [
    "DataError",
    "Lesson",
    "check_environment",
    "describe",
    "environment_summary",
    "lesson_table",
    "lessons",
    "load",
    "progress_table",
    "quiz",
    "table_names",
]
