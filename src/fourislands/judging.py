"""Judge a quiz answer: a pure function from a question and an answer to a result."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .quizbank import Question

MAX_TEXT = 200
MAX_NUMBER_TEXT = 40
LARGEST = 1e15
# Categories no answer contains: symbols such as emoji, control and format characters
# (including bidirectional overrides), surrogates, private-use and unassigned code points.
FORBIDDEN_CATEGORIES = {"So", "Cc", "Cf", "Cs", "Co", "Cn"}
RIGHT_TO_LEFT = {"R", "AL"}
# ASCII digits only: other scripts' digits are not typed by accident (full-width digits from a
# Japanese keyboard are folded to ASCII first).
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", re.ASCII)
DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d{1,2}", re.ASCII)
UNIT_WORDS = ("%", "percentage points", "percent", "per cent", "points", "pts", "pp")


@dataclass(frozen=True)
class Result:
    """What a judged answer earned: status, a message in words, and what to record."""

    status: str  # "correct", "incorrect" or "invalid" (bad input: not an attempt)
    message: str
    feedback: str | None = None  # about the particular wrong answer given
    explanation: str | None = None  # why, once the answer is right
    score: float = 0.0  # share of the question that is right, 0 to 1
    answer: Any = None  # the answer as recorded (plain JSON values)

    @property
    def correct(self) -> bool:
        """Return True when the answer is right."""
        return self.status == "correct"

    @property
    def recorded(self) -> bool:
        """Return True when the answer counts as an attempt (it was well-formed)."""
        return self.status != "invalid"


def _invalid(message: str) -> Result:
    """Return the result for input that is not an answer at all; nothing is recorded."""
    return Result("invalid", message)


def _right(question: Question, answer: Any) -> Result:
    """Return the result for a right answer, with the question's explanation."""
    return Result("correct", "Correct.", explanation=question.explanation, score=1.0, answer=answer)


def _text_problem(text: object) -> str | None:
    """Return why text cannot be an answer (empty, too long, emoji, right-to-left), or None."""
    if not isinstance(text, str):
        return "Type your answer as text."
    if len(text) > MAX_TEXT:
        return f"That answer is too long: keep it under {MAX_TEXT} characters."
    if not text.strip():
        return "Type an answer first."
    if any(unicodedata.category(c) in FORBIDDEN_CATEGORIES and c not in "\t\n" for c in text):
        return "Use letters, digits and punctuation only: no answer contains emoji or symbols."
    if any(unicodedata.bidirectional(c) in RIGHT_TO_LEFT for c in text):
        return (
            "Right-to-left script is not part of any answer in this course: type the answer in "
            "Latin letters (Cyrillic or Japanese script also work where a name has them)."
        )
    return None


def normalised_text(text: str) -> str:
    """Return text folded for comparison: no accents, case, punctuation or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    spaced = "".join(" " if unicodedata.category(c)[0] in "PZ" else c for c in letters.casefold())
    return " ".join(spaced.split())


def parsed_number(answer: object, unit: str | None = None) -> float | str:
    """Return answer as a finite float, or a message saying why it is not a usable number."""
    if isinstance(answer, bool):
        return "Type a number, not yes or no."
    if isinstance(answer, int):
        return float(answer) if abs(answer) <= LARGEST else "That number is far too large."
    if isinstance(answer, float):
        if not math.isfinite(answer):
            return "Type an ordinary number: not NaN or infinity."
        return answer if abs(answer) <= LARGEST else "That number is far too large."
    if not isinstance(answer, str):
        return "Type a number."
    if len(answer) > MAX_TEXT:
        return f"That is too long for a number: keep it under {MAX_NUMBER_TEXT} characters."
    text = unicodedata.normalize("NFKC", answer).strip().replace("\u2212", "-")
    if not text:
        return "Type a number first."
    if len(text) > MAX_NUMBER_TEXT:
        return f"That is too long for a number: keep it under {MAX_NUMBER_TEXT} characters."
    lowered = text.lower()
    for word in ((unit.lower(),) if unit else ()) + UNIT_WORDS:
        if lowered.endswith(word):
            text = text[: len(text) - len(word)].strip()
            break
    if THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    elif DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    if not NUMBER.fullmatch(text):
        return "That is not a number: type digits, for example 12.5 or -3."
    value = float(text)
    if not math.isfinite(value) or abs(value) > LARGEST:
        return "That number is far too large."
    return value


def _judge_single(question: Question, answer: object) -> Result:
    options = {o.id: o for o in question.options}
    if answer is None or answer == "":
        return _invalid("Choose an option first.")
    if not isinstance(answer, str) or answer not in options:
        return _invalid("That is not one of the options: choose one of them.")
    chosen = options[answer]
    if chosen.correct:
        return _right(question, answer)
    return Result("incorrect", "Try again.", feedback=chosen.feedback, answer=answer)


def _judge_multiple(question: Question, answer: object) -> Result:
    options = {o.id: o for o in question.options}
    if isinstance(answer, (str, bytes, Mapping)) or not isinstance(answer, (Sequence, set, frozenset)):
        return _invalid("Tick the options that apply.")
    chosen = set(answer)
    if not chosen:
        return _invalid("Tick at least one option.")
    if not all(isinstance(a, str) and a in options for a in chosen):
        return _invalid("That is not one of the options: tick among them.")
    correct = {o.id for o in question.options if o.correct}
    recorded = sorted(chosen)
    if chosen == correct:
        return _right(question, recorded)
    right, wrong, missed = len(chosen & correct), len(chosen - correct), len(correct - chosen)
    parts = [f"{right} of your ticks {'is' if right == 1 else 'are'} right"]
    if wrong:
        parts.append(f"{wrong} {'is' if wrong == 1 else 'are'} wrong")
    if missed:
        parts.append(f"{missed} right option{'s' if missed > 1 else ''} not ticked")
    notes = [options[i].feedback for i in sorted(chosen - correct) if options[i].feedback]
    score = max(0.0, (right - wrong) / len(correct))
    return Result(
        "incorrect",
        ", ".join(parts).capitalize() + ". Try again.",
        feedback=" ".join(notes) or None,
        score=score,
        answer=recorded,
    )


def _judge_numeric(question: Question, answer: object) -> Result:
    value = parsed_number(answer, question.unit)
    if isinstance(value, str):
        return _invalid(value)
    slack = question.tolerance + 1e-9
    if abs(value - question.answer) <= slack:
        return _right(question, value)
    for wrong in question.wrong_answers:
        if isinstance(wrong.answer, (int, float)) and abs(value - wrong.answer) <= slack:
            return Result("incorrect", "Try again.", feedback=wrong.feedback, answer=value)
    feedback = None
    if question.answer and abs(value + question.answer) <= slack:
        feedback = "Check the sign: did the figure rise or fall?"
    return Result("incorrect", "Try again.", feedback=feedback, answer=value)


def _order_from(question: Question, answer: object) -> list[str] | str:
    """Return the item ids in the student's order, or why the answer is not a full order.

    The answer is either a sequence of item ids or a mapping of item id to position (1 = first).
    """
    ids = [item.id for item in question.items]
    if isinstance(answer, Mapping):
        positions = dict(answer)
        if set(positions) != set(ids) or any(positions[i] in (None, "") for i in ids):
            return "Give every item a position."
        if not all(isinstance(p, int) and not isinstance(p, bool) for p in positions.values()):
            return "Positions are whole numbers."
        if sorted(positions.values()) != list(range(1, len(ids) + 1)):
            return "Give each position to one item only."
        return sorted(ids, key=positions.__getitem__)
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Sequence):
        return "Put the items in order."
    order = list(answer)
    if sorted(map(str, order)) != sorted(ids) or len(order) != len(ids):
        return "Use every item exactly once."
    return order


def _judge_ordering(question: Question, answer: object) -> Result:
    order = _order_from(question, answer)
    if isinstance(order, str):
        return _invalid(order)
    ids = [item.id for item in question.items]
    if order == ids:
        return _right(question, order)
    in_place = sum(a == b for a, b in zip(order, ids, strict=True))
    return Result(
        "incorrect",
        f"{in_place} of {len(ids)} items are in the right place. Try again.",
        score=in_place / len(ids),
        answer=order,
    )


def _judge_matching(question: Question, answer: object) -> Result:
    if not isinstance(answer, Mapping):
        return _invalid("Match each item on the left with one on the right.")
    choices = {p.right for p in question.pairs} | set(question.distractors)
    pairs = {p.id: p for p in question.pairs}
    if set(answer) != set(pairs) or any(answer[i] in (None, "") for i in pairs):
        return _invalid("Match every item on the left first.")
    if not all(isinstance(answer[i], str) and answer[i] in choices for i in pairs):
        return _invalid("Choose each match from the list offered.")
    recorded = {i: answer[i] for i in sorted(pairs)}
    right = sum(answer[i] == pairs[i].right for i in pairs)
    if right == len(pairs):
        return _right(question, recorded)
    return Result(
        "incorrect",
        f"{right} of {len(pairs)} matches are right. Try again.",
        score=right / len(pairs),
        answer=recorded,
    )


def _judge_text(question: Question, answer: object) -> Result:
    problem = _text_problem(answer)
    if problem:
        return _invalid(problem)
    given = normalised_text(answer)
    if not given:
        return _invalid("Type a word or a name, not only punctuation.")
    if given in {normalised_text(a) for a in question.accept}:
        return _right(question, answer.strip())
    for wrong in question.wrong_answers:
        if isinstance(wrong.answer, str) and normalised_text(wrong.answer) == given:
            return Result("incorrect", "Try again.", feedback=wrong.feedback, answer=answer.strip())
    return Result("incorrect", "Check the spelling, or try again.", answer=answer.strip())


JUDGES = {
    "single": _judge_single,
    "multiple": _judge_multiple,
    "numeric": _judge_numeric,
    "ordering": _judge_ordering,
    "matching": _judge_matching,
    "text": _judge_text,
}


def judge(question: Question, answer: object) -> Result:
    """Return the result of answering question with answer; never raises on any answer."""
    try:
        return JUDGES[question.type](question, answer)
    except (TypeError, ValueError, OverflowError, RecursionError):
        # A hostile object (a list that cannot be sorted, a broken __eq__) is bad input too.
        return _invalid("That answer could not be read: please try again.")
