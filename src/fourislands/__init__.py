"""Four Islands, Two Names: the helper package the course notebooks import."""

import pandas as pd

from .course import Lesson, lesson_links, lesson_table, lessons
from .data import describe, load, table_names
from .environment_check import check_environment, environment_report, environment_summary
from .errors import DataError
from .quizwidget import quiz
from .scores import progress_table

# Tables in the lessons hold sentences, quotes and names: pandas would cut each cell at 50
# characters, and the cut words are often the point of the table.
pd.set_option("display.max_colwidth", None)

__all__ = [
    "DataError",
    "Lesson",
    "check_environment",
    "describe",
    "environment_report",
    "environment_summary",
    "lesson_links",
    "lesson_table",
    "lessons",
    "load",
    "progress_table",
    "quiz",
    "table_names",
]
