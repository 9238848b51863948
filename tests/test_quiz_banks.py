"""The question banks: valid, complete, discriminating, sourced, and numerically right."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from course_root import ROOT

from fourislands import lessons
from fourislands.judging import judge, normalised_text
from fourislands.quizbank import BankError, answer_from_data, bank_files, load_bank, read_bank

CONTENT_LESSONS = ["01", "02", "03", "04", "05"]
FIXTURE = Path(__file__).parent / "fixtures" / "99-fixture.yaml"
BANKS = {path.name[:2]: read_bank(path) for path in bank_files()}
QUESTIONS = [q for bank in BANKS.values() for q in bank.questions]


def test_every_bank_belongs_to_a_lesson_and_is_named_like_its_notebook():
    by_id = {lesson.id: lesson for lesson in lessons()}
    for path in bank_files():
        lesson = by_id[path.name[:2]]
        assert Path(lesson.notebook).stem == path.stem


@pytest.mark.parametrize("lesson", CONTENT_LESSONS)
def test_each_content_lesson_has_a_full_bank_with_all_six_types(lesson):
    bank = load_bank(lesson)
    assert len(bank.questions) >= 12
    assert {q.type for q in bank.questions} == {
        "single",
        "multiple",
        "numeric",
        "ordering",
        "matching",
        "text",
    }


@pytest.mark.parametrize("lesson", CONTENT_LESSONS)
def test_every_objective_is_tested_by_a_question(lesson):
    objectives = next(x for x in lessons() if x.id == lesson).objectives
    tested = {q.objective for q in load_bank(lesson).questions}
    assert tested == set(range(1, len(objectives) + 1))


@pytest.mark.parametrize(
    "question", [q for q in QUESTIONS if q.type == "numeric"], ids=lambda q: f"{q.lesson}-{q.id}"
)
def test_every_numeric_answer_follows_from_the_data(question):
    expected = answer_from_data(question.data_check)
    assert abs(expected - question.answer) <= question.tolerance + 1e-9
    assert judge(question, f"{question.answer:g}").correct


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: f"{q.lesson}-{q.id}")
def test_the_answer_is_not_in_the_prompt_and_wrong_answers_teach(question):
    prompt = f" {normalised_text(question.prompt)} "  # padded, to compare whole words
    if question.type == "text":
        assert not any(f" {normalised_text(a)} " in prompt for a in question.accept)
    if question.type == "single":
        correct = next(o for o in question.options if o.correct)
        assert f" {normalised_text(correct.text)} " not in prompt
    if question.type in ("single", "multiple"):
        wrong = [o for o in question.options if not o.correct]
        assert wrong, "a choice question needs wrong options"
        assert any(o.feedback for o in wrong), "at least one wrong option says why it is wrong"
    if question.type == "single":
        longest_wrong = max(len(o.text) for o in question.options if not o.correct)
        assert len(correct.text) <= 1.5 * longest_wrong + 10, "the answer should not stand out by its length"


def test_questions_have_stable_unique_ids_across_each_bank():
    for bank in BANKS.values():
        ids = [q.id for q in bank.questions]
        assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("edit", "question", "field", "says"),
    [
        (
            lambda d: d["questions"][0]["options"][0].update(correct="yes"),
            "pick-one",
            "options[0].correct",
            "not of type",
        ),
        (lambda d: d["questions"][1].pop("explanation"), "pick-many", "explanation", "required"),
        (lambda d: d["questions"][2].update(answer="many"), "a-number", "answer", "not of type"),
        (
            lambda d: d["questions"][0]["options"][1].update(correct=True),
            "pick-one",
            "options",
            "exactly one correct",
        ),
        (
            lambda d: d["questions"][5]["source"].update(id="nobody"),
            "a-name",
            "source.id",
            "unknown source",
        ),
        (lambda d: d["questions"][3].update(type="essay"), "in-order", "type", "is not one of"),
        (
            lambda d: d["questions"][4]["pairs"].append({"id": "etorofu", "left": "x", "right": "y"}),
            "match-names",
            "pairs",
            "repeat",
        ),
    ],
)
def test_a_broken_bank_names_file_question_and_field(tmp_path, edit, question, field, says):
    document = yaml.safe_load(FIXTURE.read_text())
    edit(document)
    path = tmp_path / "99-fixture.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    with pytest.raises(BankError) as caught:
        read_bank(path)
    error = caught.value
    assert (error.question, error.field) == (question, field)
    assert str(error).startswith(f"{path}, question '{question}', field '{field}'")
    assert says in str(error)


def test_a_bank_that_is_not_yaml_or_misnamed_is_reported(tmp_path):
    broken = tmp_path / "99-fixture.yaml"
    broken.write_text("questions: [unclosed")
    with pytest.raises(BankError, match="not valid YAML"):
        read_bank(broken)
    misnamed = tmp_path / "98-other.yaml"
    shutil.copy(FIXTURE, misnamed)
    with pytest.raises(BankError, match="does not match the file name"):
        read_bank(misnamed)


def test_the_course_banks_are_the_ones_on_disk():
    assert sorted(BANKS) == sorted(p.name[:2] for p in (ROOT / "data" / "quizzes").glob("*.yaml"))
