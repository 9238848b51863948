"""Question banks: one YAML file per lesson in data/quizzes/, checked against a JSON Schema."""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import yaml_fast
from .data import load
from .errors import DataError
from .jsonschema_fast import jsonschema_module
from .lesson import where_html
from .paths import data_dir

QUIZ_FOLDER = "quizzes"
SCHEMA_FILE = "bank.schema.json"
TYPES = ("single", "multiple", "numeric", "ordering", "matching", "text")
# What a question asks of the student: to weigh evidence or an argument, or to recall a fact.
SKILLS = ("judge", "recall")
SKILL_SCHEMA = {
    "enum": list(SKILLS),
    "description": "judge: the student weighs evidence or an argument (which reading is likely right"
    " and why, what a number can and cannot show, what a text supports and leaves open, whether a"
    " claim follows); recall: a fact, a date, a name, a definition or a routine computation.",
}


class BankError(DataError):
    """A question bank breaks its schema; the message names the file, question and field."""

    def __init__(
        self, file: str | Path, message: str, question: str | None = None, field: str | None = None
    ) -> None:
        self.file, self.row, self.column, self.problem = str(file), None, field, message
        self.question, self.field = question, field
        where = [self.file]
        if question:
            where.append(f"question '{question}'")
        if field:
            where.append(f"field '{field}'")
        ValueError.__init__(self, f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class Option:
    """One option of a single- or multiple-choice question."""

    id: str
    text: str
    correct: bool = False
    feedback: str | None = None


@dataclass(frozen=True)
class Item:
    """One item of an ordering question (banks list them in the correct order)."""

    id: str
    text: str


@dataclass(frozen=True)
class Pair:
    """One left-right pair of a matching question."""

    id: str
    left: str
    right: str


@dataclass(frozen=True)
class WrongAnswer:
    """A common wrong answer with its own feedback."""

    answer: float | str
    feedback: str


@dataclass(frozen=True)
class Source:
    """Where a question's answer comes from: a source id, with a quote or a table."""

    id: str
    quote: str | None = None
    table: str | None = None


@dataclass(frozen=True)
class Question:
    """One question of a bank; which fields are set depends on its type."""

    id: str
    type: str
    prompt: str
    explanation: str
    source: Source
    skill: str = ""  # "judge" or "recall"; every question of a bank has one (see SKILLS)
    lesson: str = ""
    hint: str | None = None
    objective: int | None = None
    options: tuple[Option, ...] = ()
    answer: float | None = None
    tolerance: float = 0.0
    unit: str | None = None
    items: tuple[Item, ...] = ()
    pairs: tuple[Pair, ...] = ()
    distractors: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    wrong_answers: tuple[WrongAnswer, ...] = ()
    data_check: dict | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Bank:
    """A lesson's question bank."""

    lesson: str
    title: str
    questions: tuple[Question, ...]
    path: str

    def question(self, question_id: str) -> Question:
        """Return the question with this id."""
        for question in self.questions:
            if question.id == question_id:
                return question
        known = ", ".join(q.id for q in self.questions)
        raise BankError(self.path, f"no question {question_id!r}; the questions are: {known}")


def bank_dir() -> Path:
    """Return the folder that holds the question banks."""
    return data_dir() / QUIZ_FOLDER


def _with_skill(schema: dict) -> dict:
    """Return the bank schema with a question's required `skill` (judge or recall) added.

    A schema file that already defines the field keeps its own definition.
    """
    question = schema["$defs"]["question"]
    question["properties"].setdefault("skill", SKILL_SCHEMA)
    if "skill" not in question["required"]:
        question["required"] = [*question["required"], "skill"]
    return schema


def _validator():
    """Return a JSON Schema validator for banks (the schema file is read once per process)."""
    if not hasattr(_validator, "cached"):
        jsonschema = jsonschema_module()
        schema_path = bank_dir() / SCHEMA_FILE
        try:
            schema = _with_skill(json.loads(schema_path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise BankError(schema_path, f"cannot be read ({error})") from None
        _validator.cached = jsonschema.Draft202012Validator(schema)
    return _validator.cached


def _schema_error(path: Path, document: object, error) -> BankError:
    """Return a BankError that names the question and field a schema error is about."""
    location = list(error.absolute_path)
    question = None
    if len(location) >= 2 and location[0] == "questions" and isinstance(location[1], int):
        raw = document["questions"][location[1]]
        question = raw.get("id") if isinstance(raw, dict) else None
        question = question if isinstance(question, str) else f"#{location[1] + 1}"
        location = location[2:]
    field_name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in location).lstrip(".")
    if error.validator == "required" and not field_name:
        missing = error.message.split("'")[1] if "'" in error.message else None
        return BankError(path, error.message, question, missing)
    message = error.message if len(error.message) < 200 else error.message[:200] + "..."
    return BankError(path, message, question, field_name or None)


def _question(raw: dict, lesson: str) -> Question:
    """Return a Question built from its checked YAML mapping."""
    return Question(
        id=raw["id"],
        type=raw["type"],
        prompt=raw["prompt"],
        explanation=raw["explanation"],
        source=Source(**raw["source"]),
        skill=raw["skill"],
        lesson=lesson,
        hint=raw.get("hint"),
        objective=raw.get("objective"),
        options=tuple(Option(**o) for o in raw.get("options", [])),
        answer=raw.get("answer"),
        tolerance=float(raw.get("tolerance", 0.0)),
        unit=raw.get("unit"),
        items=tuple(Item(**i) for i in raw.get("items", [])),
        pairs=tuple(Pair(**p) for p in raw.get("pairs", [])),
        distractors=tuple(raw.get("distractors", [])),
        accept=tuple(raw.get("accept", [])),
        wrong_answers=tuple(WrongAnswer(**w) for w in raw.get("wrong_answers", [])),
        data_check=raw.get("data_check"),
    )


def _duplicates(values: list[str]) -> list[str]:
    """Return the values that occur more than once, in order."""
    return sorted({v for v in values if values.count(v) > 1})


def _meaning_problems(question: Question) -> list[tuple[str, str]]:
    """Return (field, problem) for rules a JSON Schema cannot express."""
    problems = []
    correct = [o for o in question.options if o.correct]
    if question.type == "single" and len(correct) != 1:
        problems.append(
            (
                "options",
                f"a single-choice question needs exactly one correct option, not {len(correct)}",
            )
        )
    if question.type == "multiple" and not correct:
        problems.append(("options", "a multiple-choice question needs at least one correct option"))
    for name, ids in (
        ("options", [o.id for o in question.options]),
        ("items", [i.id for i in question.items]),
        ("pairs", [p.id for p in question.pairs]),
    ):
        if _duplicates(ids):
            problems.append((name, f"ids repeat: {_duplicates(ids)}"))
    rights = [p.right for p in question.pairs] + list(question.distractors)
    if _duplicates(rights):
        problems.append(("pairs", f"right-hand texts must differ: {_duplicates(rights)}"))
    return problems


def read_bank(path: Path) -> Bank:
    """Return the bank in a YAML file, checked; raise BankError naming file, question and field."""
    try:
        return _parsed_bank(path, path.read_bytes())
    except (FileNotFoundError, IsADirectoryError):
        raise BankError(path, "file not found") from None


def _parsed_bank(path: Path, content: bytes) -> Bank:
    """Return the bank held in content (the bytes of path), checked."""
    try:
        document = yaml_fast.safe_load(content.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise BankError(path, f"is not valid YAML ({error})") from None
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise _schema_error(path, document, errors[0])
    ids = [q["id"] for q in document["questions"]]
    if _duplicates(ids):
        raise BankError(path, f"question ids repeat: {_duplicates(ids)}", field="id")
    if not path.name.startswith(document["lesson"] + "-"):
        raise BankError(path, f"lesson {document['lesson']!r} does not match the file name", field="lesson")
    known_sources = set(load("sources")["id"])
    questions = tuple(_question(raw, document["lesson"]) for raw in document["questions"])
    for question in questions:
        for field_name, problem in _meaning_problems(question):
            raise BankError(path, problem, question.id, field_name)
        if question.source.id not in known_sources:
            raise BankError(path, f"unknown source id {question.source.id!r}", question.id, "source.id")
    return Bank(lesson=document["lesson"], title=document["title"], questions=questions, path=str(path))


def bank_path(lesson: str) -> Path:
    """Return the bank file of a lesson id ("01") or lesson slug ("01-history")."""
    lesson = str(lesson)
    matches = sorted(bank_dir().glob(f"{lesson.split('-')[0]}-*.yaml"))
    if not matches:
        raise BankError(bank_dir(), f"no question bank for lesson {lesson!r}")
    return matches[0]


def load_bank(lesson: str) -> Bank:
    """Return a lesson's question bank, checked against the schema and the sources."""
    path = bank_path(lesson)
    content = path.read_bytes()
    # Keyed by content, so an edited bank is always read again.
    key = (str(path), hashlib.blake2b(content, digest_size=16).hexdigest())
    if key not in _banks:
        _banks[key] = _parsed_bank(path, content)
    return _banks[key]


def bank_files() -> list[Path]:
    """Return every question bank file, in lesson order."""
    return sorted(bank_dir().glob("[0-9][0-9]-*.yaml"))


_banks: dict[tuple[str, str], Bank] = {}


def cite_html(source: Source) -> str:
    """Return a source as HTML: citation, the reading's file or a link to the address, and the quote."""
    row = load("sources").set_index("id").loc[source.id]
    quote, table = html.escape(source.quote or ""), html.escape(source.table or "")
    detail = f": &ldquo;{quote}&rdquo;" if source.quote else f", {table}"
    return f"{html.escape(row['citation'].rstrip('.'))} {where_html(row)}{detail}"


def _matching_rows(table, where: dict | None):
    """Return the rows of table whose columns equal where's values (a list means any of them)."""
    mask = table.index == table.index
    for column, wanted in (where or {}).items():
        if column not in table.columns:
            raise DataError(table.attrs.get("path", "?"), "data_check names an unknown column", column=column)
        values = wanted if isinstance(wanted, list) else [wanted]
        mask &= table[column].isin(values).to_numpy()
    return table[mask]


def _single_value(table, where: dict | None, column: str) -> float:
    """Return column of the one row matching where; several or none is an error."""
    rows = _matching_rows(table, where)
    if len(rows) != 1:
        raise DataError(table.attrs.get("path", "?"), f"data_check {where} matches {len(rows)} rows, not 1")
    return float(rows[column].iloc[0])


def answer_from_data(check: dict) -> float:
    """Return the value a numeric question's data_check computes from the data package."""
    table = load(check["table"])
    column = check["column"]
    how = check["aggregate"]
    if how == "value":
        return _single_value(table, check.get("where"), column)
    if how == "difference":
        return _single_value(table, check.get("to"), column) - _single_value(table, check.get("from"), column)
    if how == "count":
        return float(len(_matching_rows(table, check.get("where"))))
    total = float(_matching_rows(table, check.get("where"))[column].sum())
    if how == "sum":
        return total
    return 100 * total / float(table[column].sum())  # share
