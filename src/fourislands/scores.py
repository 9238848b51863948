"""Scores from saved progress: per quiz, per exercise, per lesson and per question."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from .course import Lesson, lessons
from .errors import DataError
from .paths import data_dir, exercise_name
from .progress import Progress, read_progress
from .quizbank import Bank, bank_files, load_bank

CHECK_WORDS = {
    "check passed": "passed",
    "check failed": "not yet",
    "check not attempted": "not attempted",
    "check error": "error",
}


@dataclass(frozen=True)
class QuizScore:
    """How far a student has got with one quiz."""

    questions: int
    answered: int
    correct: int
    attempts: int
    next_unanswered: int | None = None  # position (from 0) of the first question not yet right

    @property
    def remaining(self) -> int:
        """Return how many questions are not yet answered correctly."""
        return self.questions - self.correct

    def sentence(self) -> str:
        """Return the score in words, and which question to do next."""
        text = (
            f"Score: {self.correct} of {self.questions} questions correct, "
            f"{self.attempts} attempt{'s' if self.attempts != 1 else ''} so far."
        )
        if self.next_unanswered is not None and self.correct:
            text += f" Next: question {self.next_unanswered + 1}."
        return text


def quiz_score(bank: Bank, progress: Progress, question_ids: list[str] | None = None) -> QuizScore:
    """Return the score on a bank (or the questions named) from saved progress; O(questions)."""
    ids = question_ids or [q.id for q in bank.questions]
    summaries = [progress.of(bank.lesson, i) for i in ids]
    pending = [n for n, s in enumerate(summaries) if not s.correct]
    return QuizScore(
        questions=len(ids),
        answered=sum(s.attempts > 0 for s in summaries),
        correct=sum(s.correct for s in summaries),
        attempts=sum(s.attempts for s in summaries),
        next_unanswered=pending[0] if pending else None,
    )


LESSON_COLUMNS = [
    "lesson",
    "quiz",
    "questions",
    "answered",
    "correct",
    "remaining",
    "attempts",
    "exercise checks passed",
    "hints",
    "solutions shown",
]


def _exercise_questions(lesson: Lesson) -> tuple[str, list[str]]:
    """Return a lesson's exercise name and its question ids (none if it has no exercise)."""
    if not lesson.exercise:
        return "", []
    name = exercise_name(lesson.exercise)
    try:
        checks = json.loads((data_dir() / "exercises" / f"{name}.json").read_text(encoding="utf-8"))
        return name, list(checks["questions"])
    except (OSError, ValueError, KeyError, TypeError):
        return name, []


def _lesson_row(lesson: Lesson, progress: Progress, with_banks: set[str]) -> dict:
    row: dict = dict.fromkeys(LESSON_COLUMNS, "") | {"lesson": lesson.id}
    if lesson.id in with_banks:
        try:
            bank = load_bank(lesson.id)
            score = quiz_score(bank, progress)
            row.update(
                quiz=bank.title,
                questions=score.questions,
                answered=score.answered,
                correct=score.correct,
                remaining=score.remaining,
                attempts=score.attempts,
            )
        except DataError as error:
            row["quiz"] = f"cannot be loaded: {error}"
    name, questions = _exercise_questions(lesson)
    if questions:
        summaries = [progress.of(lesson.id, f"{name}:{q}") for q in questions]
        passed = sum(s.events.get("check passed", 0) > 0 for s in summaries)
        # Column names in words: a header with spaces wraps, and the table fits beside the notebook.
        row.update(
            {
                "exercise checks passed": f"{passed} of {len(questions)}",
                "hints": sum(s.count("hint") for s in summaries),
                "solutions shown": sum(s.events.get("solution shown", 0) > 0 for s in summaries),
            }
        )
    return row


QUESTION_COLUMNS = ["part", "question", "status", "attempts", "last", "hints", "answer or solution shown"]


def _question_rows(lesson: Lesson, progress: Progress) -> list[dict]:
    """Return one row per quiz and exercise question of a lesson: where the student stands."""
    rows = []
    if any(p.name.startswith(lesson.id) for p in bank_files()):
        for question in load_bank(lesson.id).questions:
            summary = progress.of(lesson.id, question.id)
            status = "correct" if summary.correct else ("tried" if summary.attempts else "not answered")
            rows.append(
                {
                    "part": "quiz",
                    "question": question.id,
                    "status": status,
                    "attempts": summary.attempts,
                    "last": (summary.last or {}).get("time", "")[:10],
                    "hints": summary.count("hint"),
                    "answer or solution shown": summary.count("answer shown") > 0,
                }
            )
    name, questions = _exercise_questions(lesson)
    for question in questions:
        summary = progress.of(lesson.id, f"{name}:{question}")
        checks = [
            e for e in progress.events if e["question"] == f"{name}:{question}" and e["kind"] in CHECK_WORDS
        ]
        rows.append(
            {
                "part": f"exercise {name}",
                "question": question,
                "status": CHECK_WORDS[checks[-1]["kind"]] if checks else "not checked",
                "attempts": len(checks),
                "last": checks[-1]["time"][:10] if checks else "",
                "hints": summary.count("hint"),
                "answer or solution shown": summary.events.get("solution shown", 0) > 0,
            }
        )
    return rows


def progress_table(lesson: str | None = None) -> pd.DataFrame:
    """Return one row per lesson (quiz score, exercise checks, hints), or per question of one lesson.

    `progress_table()` gives the course at a glance; `progress_table("01")` says, for each quiz and
    exercise question of lesson 01, whether it is done, how often it was tried and what was used.
    """
    progress, notice = read_progress()
    known = lessons()
    if lesson is not None:
        chosen = [item for item in known if item.id == lesson]
        if not chosen:
            raise DataError("course.yml", f"no lesson {lesson!r}; the lessons are {[i.id for i in known]}")
        table = pd.DataFrame(_question_rows(chosen[0], progress), columns=QUESTION_COLUMNS)
    else:
        with_banks = {path.name[:2] for path in bank_files()}
        rows = [_lesson_row(item, progress, with_banks) for item in known]
        # A lesson without a quiz or an exercise has blanks in those columns (not NaN), or no row.
        rows = [r for r in rows if r["quiz"] or r["exercise checks passed"]]
        table = pd.DataFrame(rows, columns=LESSON_COLUMNS)
    table.attrs["notice"] = notice
    return table
