"""Judge a quiz answer: a pure function from a question and an answer to a result."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .quizbank import Question

MAX_TEXT = 200
MAX_NUMBER_TEXT = 40
MAX_ITEMS = 1000  # no question has more than a few dozen choices; the bound keeps judging fast
LARGEST = 1e15
# Categories no answer contains: symbols such as emoji, control and format characters
# (including bidirectional overrides), surrogates, private-use and unassigned code points.
FORBIDDEN_CATEGORIES = {"So", "Cc", "Cf", "Cs", "Co", "Cn"}
RIGHT_TO_LEFT = {"R", "AL"}
# Invisible characters that copying from a web page or a PDF brings along, and that change
# nothing a reader sees: soft hyphen, zero-width space, non-joiner and joiner, word joiner,
# left-to-right, right-to-left and Arabic letter marks, byte order mark. Answers are read without them.
WITHOUT_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\u200e\u200f\u061c\ufeff"))
# ASCII digits only: other scripts' digits are not typed by accident (full-width digits from a
# Japanese keyboard are folded to ASCII first).
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
LEADING_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", re.ASCII)
DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d{1,2}", re.ASCII)
PERCENT = ("percent", "%", "per cent", "pct")
# Other ways to write the units of the banks, keyed by the unit folded as _unit_key() does; a
# question accepts its own unit as shown and these. "%" is not a way to write percentage points:
# lesson 05 teaches the difference.
UNIT_SPELLINGS = {
    "km2": ("km^2", "sq km", "square km", "square kilometres", "square kilometers"),
    "km": ("kilometres", "kilometers"),
    "percent": PERCENT,
    "percent of total area": PERCENT,
    "percentage points": (
        "percentage point",
        "percent points",
        "per cent points",
        "pct points",
        "points",
        "pts",
        "pp",
    ),
    "usd billion": ("billion usd", "usd bn", "billion", "bn"),
    "meetings": ("meeting",),
}
UNREADABLE = "That answer could not be read: give text, a number, or a list of the choices."


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


def _is_plain(value: object, inside: bool = False) -> bool:
    """Return True when value is made only of the exact built-in types the quiz widgets send.

    Only type() and identity are used, so none of value's own code runs: an object of any other
    class, a subclass included, can raise or lie when it is compared, hashed, iterated or printed.
    """
    kind = type(value)
    if value is None or kind is bool or kind is int or kind is float or kind is str:
        return True
    if inside:
        return False  # answers hold text and numbers: a container inside one is no answer
    if kind is list or kind is tuple or kind is set or kind is frozenset:
        return len(value) <= MAX_ITEMS and all(_is_plain(v, inside=True) for v in value)
    if kind is dict:
        return len(value) <= MAX_ITEMS and all(
            _is_plain(k, inside=True) and _is_plain(v, inside=True) for k, v in value.items()
        )
    return False


def _character_problem(character: str) -> str:
    """Return a message naming a character no answer contains, and saying what to do about it."""
    category = unicodedata.category(character)
    if category == "So":
        return "Use letters, digits and punctuation only: no answer contains emoji or symbols."
    kind = "an unusual character" if category in {"Cs", "Co", "Cn"} else "an invisible character"
    name = unicodedata.name(character, "")
    named = f"{kind}, U+{ord(character):04X}" + (f" ({name.lower()})" if name else "")
    return f"Your answer contains {named}, perhaps copied with the text: delete it, or type the answer again."


def _text_problem(text: str) -> str | None:
    """Return why text cannot be an answer (empty, emoji, invisible, right-to-left), or None."""
    if not text.strip():
        return "Type an answer first."
    for character in text:
        if unicodedata.category(character) in FORBIDDEN_CATEGORIES and not character.isspace():
            return _character_problem(character)
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


def _unit_key(unit: str) -> str:
    """Return a unit folded for comparison: compatibility forms (² as 2), case and spacing."""
    return " ".join(unicodedata.normalize("NFKC", unit).casefold().split())


def _unit_spellings(unit: str | None) -> set[str]:
    """Return the folded ways to write unit after a number: as shown, and the usual others."""
    if not unit:
        return set()
    key = _unit_key(unit)
    return {key, *UNIT_SPELLINGS.get(key, ())}


def _unit_problem(unit: str | None) -> str:
    """Return the message for a number followed by a unit the question does not use."""
    if not unit:
        return "Type the number alone, without a unit."
    return f"This question asks for {unit}: type the number alone, or the number followed by {unit}."


def parsed_number(answer: object, unit: str | None = None) -> float | str:
    """Return answer as a finite float, or a message saying why it is not a usable number.

    Text may end with unit, the unit shown beside the field, written as shown or another usual way.
    """
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
    text = unicodedata.normalize("NFKC", answer.translate(WITHOUT_INVISIBLE)).strip().replace("\u2212", "-")
    if not text:
        return "Type a number first."
    if len(text) > MAX_NUMBER_TEXT:
        return f"That is too long for a number: keep it under {MAX_NUMBER_TEXT} characters."
    leading = LEADING_NUMBER.match(text)
    rest = text[leading.end() :].strip() if leading else text
    # What follows the number is a unit unless it goes on like a number ("5 004", "1.2.3").
    if not leading or rest[:1].isdigit() or rest[:1] in ("+", "-", ".", ","):
        return "That is not a number: type digits, for example 12.5 or -3."
    if rest and _unit_key(rest) not in _unit_spellings(unit):
        return _unit_problem(unit)
    number = leading.group()
    if THOUSANDS.fullmatch(number):
        number = number.replace(",", "")
    elif DECIMAL_COMMA.fullmatch(number):
        number = number.replace(",", ".")
    if not NUMBER.fullmatch(number):
        return "That is not a number: type digits, for example 12.5 or -3."
    value = float(number)
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
    if not isinstance(answer, (list, tuple, set, frozenset)):
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
    if isinstance(answer, dict):
        if set(answer) != set(ids) or any(answer[i] in (None, "") for i in ids):
            return "Give every item a position."
        if not all(isinstance(p, int) and not isinstance(p, bool) for p in answer.values()):
            return "Positions are whole numbers."
        if sorted(answer.values()) != list(range(1, len(ids) + 1)):
            return "Give each position to one item only."
        return sorted(ids, key=answer.__getitem__)
    if not isinstance(answer, (list, tuple)):
        return "Put the items in order."
    if not all(isinstance(i, str) for i in answer) or sorted(answer) != sorted(ids):
        return "Use every item exactly once."
    return list(answer)


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
    if not isinstance(answer, dict):
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
    if not isinstance(answer, str):
        return _invalid("Type your answer as text.")
    if len(answer) > MAX_TEXT:
        return _invalid(f"That answer is too long: keep it under {MAX_TEXT} characters.")
    text = answer.translate(WITHOUT_INVISIBLE)
    problem = _text_problem(text)
    if problem:
        return _invalid(problem)
    given = normalised_text(text)
    if not given:
        return _invalid("Type a word or a name, not only punctuation.")
    if given in {normalised_text(a) for a in question.accept}:
        return _right(question, text.strip())
    for wrong in question.wrong_answers:
        if isinstance(wrong.answer, str) and normalised_text(wrong.answer) == given:
            return Result("incorrect", "Try again.", feedback=wrong.feedback, answer=text.strip())
    return Result("incorrect", "Check the spelling, or try again.", answer=text.strip())


JUDGES = {
    "single": _judge_single,
    "multiple": _judge_multiple,
    "numeric": _judge_numeric,
    "ordering": _judge_ordering,
    "matching": _judge_matching,
    "text": _judge_text,
}


def judge(question: Question, answer: object) -> Result:
    """Return the result of answering question with answer; never raises, whatever the answer is."""
    # Past this check the answer holds only exact built-in values, so judging it runs no code of
    # the caller's: no comparison, hash or conversion can raise, and what is recorded is plain JSON.
    if not _is_plain(answer):
        return _invalid(UNREADABLE)
    return JUDGES[question.type](question, answer)
