"""How long a lesson and its exercise take a student, estimated from what they hold."""

from __future__ import annotations

from dataclasses import dataclass

import nbformat

from .course import Lesson
from .exercise_build import questions, solution_path
from .paths import exercise_name, project_root
from .quizbank import load_bank
from .words import markdown_words

WORDS_PER_MINUTE = 200  # reading prose to understand it, not skimming
# Minutes for each thing a student does besides reading the prose. A figure, table or box is read
# and compared with the text; an explorer is tried with a few settings; a question is answered and
# its feedback read (once: the final quiz puts those already right away); a "Stop and think" is a
# pause to answer in one's head or on paper. A code question of an exercise is written and
# checked; a written answer is three to five sentences. An essay is drafted and revised with the
# sources open, at about 15 words a minute of finished text: 60 minutes for 900 words.
SHOWN_OUTPUT_MINUTES = 0.5
EXPLORER_MINUTES = 4
QUESTION_MINUTES = 1
PAUSE_MINUTES = 2
CODE_QUESTION_MINUTES = 3
WRITTEN_ANSWER_MINUTES = 5
ESSAY_WORDS_PER_MINUTE = 15


@dataclass(frozen=True)
class Estimate:
    """A lesson's estimated minutes of reading and of exercises, with what they are made of."""

    words: int
    outputs: int
    explorers: int
    questions: int
    pauses: int
    exercise_words: int = 0
    code_questions: int = 0
    written_answers: int = 0
    essay_words: int = 0  # the longest each essay may be, summed

    @property
    def reading_minutes(self) -> float:
        return (
            self.words / WORDS_PER_MINUTE
            + self.outputs * SHOWN_OUTPUT_MINUTES
            + self.explorers * EXPLORER_MINUTES
            + self.questions * QUESTION_MINUTES
            + self.pauses * PAUSE_MINUTES
        )

    @property
    def exercise_minutes(self) -> float:
        return (
            self.exercise_words / WORDS_PER_MINUTE
            + self.code_questions * CODE_QUESTION_MINUTES
            + self.written_answers * WRITTEN_ANSWER_MINUTES
            + self.essay_words / ESSAY_WORDS_PER_MINUTE
        )


def prose_words(notebook: nbformat.NotebookNode) -> int:
    """Return the words a student reads in a notebook's Markdown (disclosures folded, markup out)."""
    return markdown_words(" ".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown"))


def estimate(lesson: Lesson) -> Estimate:
    """Return the estimate for a lesson: its notebook, its question bank and its exercise."""
    root = project_root()
    notebook = nbformat.read(root / lesson.notebook, as_version=4)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"][1:]  # not the imports
    explorers = sum("_explorer(" in source for source in code)
    asked = sum("quiz(" in source for source in code)
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    parts = {
        "words": prose_words(notebook),
        "outputs": len(code) - explorers - asked,
        "explorers": explorers,
        "questions": len(load_bank(lesson.id).questions) if asked else 0,
        "pauses": sum(source.count("Stop and think") for source in markdown),
    }
    if lesson.exercise:
        exercise = nbformat.read(root / lesson.exercise, as_version=4)
        graded, written = questions(
            nbformat.read(solution_path(exercise_name(lesson.exercise)), as_version=4)
        )
        parts |= {
            "exercise_words": prose_words(exercise),
            "code_questions": len(graded),
            "written_answers": sum("words" not in answer for answer in written.values()),
            "essay_words": sum(answer["words"][1] for answer in written.values() if "words" in answer),
        }
    return Estimate(**parts)
