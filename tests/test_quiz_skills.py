"""Every question says what it asks of the student, and each lesson bank asks for judgement."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fourislands.course import lessons
from fourislands.quizbank import SKILLS, BankError, bank_files, read_bank

FIXTURE = Path(__file__).parent / "fixtures" / "99-fixture.yaml"
# Every lesson after the start page teaches content, so each has a bank that must ask for judgement.
TEACHING_LESSONS = [lesson.id for lesson in lessons() if lesson.id != "00"]
LESSON_BANKS = [path for path in bank_files() if path.name[:2] in TEACHING_LESSONS]


def test_the_skills_are_judge_and_recall():
    assert SKILLS == ("judge", "recall")


def test_every_teaching_lesson_has_a_bank():
    assert len(TEACHING_LESSONS) >= 7
    assert sorted(path.name[:2] for path in LESSON_BANKS) == TEACHING_LESSONS


@pytest.mark.parametrize("path", bank_files(), ids=lambda path: path.stem)
def test_every_question_of_every_bank_has_a_skill(path):
    bank = read_bank(path)  # a missing or unknown skill is refused here
    assert all(question.skill in SKILLS for question in bank.questions)


@pytest.mark.parametrize("path", LESSON_BANKS, ids=lambda path: path.stem)
def test_at_least_a_third_of_each_lesson_bank_asks_the_student_to_judge(path):
    questions = read_bank(path).questions
    judging = [q.id for q in questions if q.skill == "judge"]
    assert 3 * len(judging) >= len(questions), (
        f"{path.name}: {len(judging)} of {len(questions)} questions are 'judge', fewer than a third"
    )


@pytest.mark.parametrize("path", bank_files(), ids=lambda path: path.stem)
def test_a_judging_question_says_why_each_wrong_answer_fails(path):
    for question in read_bank(path).questions:
        if question.skill != "judge":
            continue
        if question.type in ("single", "multiple"):
            silent = [o.id for o in question.options if not o.correct and not o.feedback]
            assert not silent, f"{path.name}, {question.id}: wrong options without feedback: {silent}"
        if question.type in ("numeric", "text"):
            assert question.wrong_answers, f"{path.name}, {question.id}: no wrong answers with feedback"
        assert question.source.quote or question.source.table, question.id


def fixture_with_skills() -> dict:
    """Return the fixture bank as a document, every question given a skill."""
    document = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    for question in document["questions"]:
        question.setdefault("skill", "recall")
    return document


def write(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "99-fixture.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_a_bank_whose_questions_all_have_a_skill_is_read_with_it(tmp_path):
    document = fixture_with_skills()
    document["questions"][0]["skill"] = "judge"
    bank = read_bank(write(tmp_path, document))
    assert [q.skill for q in bank.questions] == ["judge"] + ["recall"] * (len(bank.questions) - 1)


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda question: question.pop("skill"), "'skill' is a required property"),
        (lambda question: question.update(skill="guess"), "'guess' is not one of ['judge', 'recall']"),
        (lambda question: question.update(skill="Judge"), "is not one of"),
        (lambda question: question.update(skill=None), "is not one of"),
    ],
    ids=["missing", "unknown", "capitalised", "empty"],
)
def test_a_bank_with_a_missing_or_unknown_skill_is_refused_naming_file_and_question(tmp_path, edit, says):
    document = fixture_with_skills()
    question = document["questions"][3]
    edit(question)
    path = write(tmp_path, document)
    with pytest.raises(BankError) as caught:
        read_bank(path)
    error = caught.value
    assert (error.question, error.field) == (question["id"], "skill")
    assert str(error).startswith(f"{path}, question '{question['id']}', field 'skill': ")
    assert says in str(error)
