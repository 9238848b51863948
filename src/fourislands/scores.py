"""Scores from saved progress: per quiz (attempts, correct) and for the whole course."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .course import lessons
from .errors import DataError
from .progress import read_progress
from .quizbank import Bank, bank_files, load_bank


@dataclass(frozen=True)
class QuizScore:
    """How far a student has got with one quiz."""

    questions: int
    answered: int
    correct: int
    attempts: int

    @property
    def remaining(self) -> int:
        """Return how many questions are not yet answered correctly."""
        return self.questions - self.correct

    def sentence(self) -> str:
        """Return the score in words."""
        return (
            f"Score: {self.correct} of {self.questions} questions correct, "
            f"{self.attempts} attempt{'s' if self.attempts != 1 else ''} so far."
        )


def quiz_score(bank: Bank, document: dict) -> QuizScore:
    """Return the score on one bank from a progress document (other lessons' rows ignored)."""
    ids = {q.id for q in bank.questions}
    mine = [a for a in document["attempts"] if a.get("lesson") == bank.lesson and a.get("question") in ids]
    return QuizScore(
        questions=len(ids),
        answered=len({a["question"] for a in mine}),
        correct=len({a["question"] for a in mine if a.get("status") == "correct"}),
        attempts=len(mine),
    )


def progress_table() -> pd.DataFrame:
    """Return one row per lesson with a quiz: questions, answered, correct, remaining, attempts."""
    document, notice = read_progress()
    with_banks = {path.name[:2] for path in bank_files()}
    rows = []
    for lesson in lessons():
        if lesson.id not in with_banks:
            continue
        try:
            bank = load_bank(lesson.id)
        except DataError as error:
            rows.append({"lesson": lesson.id, "quiz": f"cannot be loaded: {error}"})
            continue
        score = quiz_score(bank, document)
        rows.append(
            {
                "lesson": lesson.id,
                "quiz": bank.title,
                "questions": score.questions,
                "answered": score.answered,
                "correct": score.correct,
                "remaining": score.remaining,
                "attempts": score.attempts,
            }
        )
    table = pd.DataFrame(
        rows,
        columns=["lesson", "quiz", "questions", "answered", "correct", "remaining", "attempts"],
    )
    table.attrs["notice"] = notice
    return table
