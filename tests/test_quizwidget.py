"""The quiz widget, driven through the ipywidgets API: set values, click, read the feedback."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import ipywidgets
import pytest

from fourislands import progress
from fourislands.quizbank import read_bank
from fourislands.quizwidget import Quiz, shuffled

BANK = read_bank(Path(__file__).parent / "fixtures" / "99-fixture.yaml")


@pytest.fixture
def quiz(tmp_path, monkeypatch) -> Quiz:
    monkeypatch.setenv("FOURISLANDS_PROGRESS", str(tmp_path / "progress.json"))
    return Quiz(BANK)


def test_after_a_restart_each_question_shows_its_last_answer_and_verdict(quiz, tmp_path):
    view(quiz, "pick-one").radio.value = "kunashiri"
    view(quiz, "pick-one").check.click()
    view(quiz, "a-number").text.value = "-49.4"
    view(quiz, "a-number").check.click()
    for box, option_id in view(quiz, "pick-many").ticks:
        box.value = option_id == "habomai"
    view(quiz, "pick-many").check.click()
    progress._stores.clear()  # a new kernel: nothing in memory, all from the file
    again = Quiz(BANK)
    one = view(again, "pick-one")
    assert one.radio.value == "kunashiri" and "Not quite" in one.feedback.value
    assert "Your last answer, saved on" in one.feedback.value and one.reveal.layout.display is None
    number = view(again, "a-number")
    assert number.text.value == "-49.4" and "Correct." in number.feedback.value
    assert [box.value for box, _ in view(again, "pick-many").ticks] == [
        option_id == "habomai" for _, option_id in view(again, "pick-many").ticks
    ]
    assert view(again, "in-order").feedback.value == ""  # never answered: nothing shown
    assert "1 of 6 questions correct, 3 attempts so far. Next: question 1." in again.score.value
    assert Quiz(BANK, one_at_a_time=True).counter.value == "Question 1 of 6"
    view(again, "pick-one").radio.value = "etorofu"
    view(again, "pick-one").check.click()
    assert "Next: question 2." in Quiz(BANK).score.value  # pick-many: tried, not yet right
    assert Quiz(BANK, one_at_a_time=True).counter.value == "Question 2 of 6"


def view(quiz: Quiz, question_id: str):
    return next(v for v in quiz.views if v.question.id == question_id)


def saved(tmp_path) -> dict:
    """Return the attempts and events of the progress file (JSON Lines after a header line)."""
    records = [json.loads(line) for line in (tmp_path / "progress.json").read_text().splitlines()[1:]]
    return {
        "attempts": [r for r in records if r["t"] == "attempt"],
        "events": [r for r in records if r["t"] == "event"],
    }


def test_wrong_then_right_by_clicking(quiz, tmp_path):
    v = view(quiz, "pick-one")
    assert v.reveal.layout.display == "none"
    v.radio.value = "kunashiri"
    v.check.click()
    assert "Not quite" in v.feedback.value and "second" in v.feedback.value
    assert 'role="alert"' in v.feedback.value
    assert v.reveal.layout.display is None  # the answer may now be asked for
    v.radio.value = "etorofu"
    v.check.click()
    assert "Correct." in v.feedback.value and "larger than the other three" in v.feedback.value
    assert "Source:" in v.feedback.value
    link = '<a href="https://www.mofa.go.jp/erp/rss/northern/page1we_000017.html" target="_blank"'
    assert link in v.feedback.value  # an outside source opens in a new tab
    assert "1 of 6 questions correct, 2 attempts" in quiz.score.value
    assert [a["status"] for a in saved(tmp_path)["attempts"]] == ["incorrect", "correct"]


def test_every_type_can_be_answered_through_its_widgets(quiz):
    view(quiz, "pick-one").radio.value = "etorofu"
    for box, option_id in view(quiz, "pick-many").ticks:
        box.value = option_id in {"habomai", "shikotan"}
    view(quiz, "a-number").text.value = "-49.4"
    order = ["shimoda", "st-petersburg", "portsmouth", "san-francisco"]
    for box, item_id in view(quiz, "in-order").places:
        box.value = str(order.index(item_id) + 1)
    pairs = {"etorofu": "Iturup", "kunashiri": "Kunashir", "habomai": "Khabomai"}
    matching = view(quiz, "match-names")
    for box, pair_id in matching.matches:
        box.value = matching.letter_of[pairs[pair_id]]
    view(quiz, "a-name").text.value = "iturup"
    for v in quiz.views:
        v.check.click()
        assert "Correct." in v.feedback.value, v.question.id
    assert "6 of 6 questions correct, 6 attempts" in quiz.score.value


def test_bad_input_is_explained_and_not_recorded(quiz, tmp_path):
    v = view(quiz, "a-number")
    v.text.value = "a lot"
    v.check.click()
    assert "not a number" in v.feedback.value and "not counted" in v.feedback.value
    view(quiz, "pick-one").check.click()  # nothing chosen
    assert "Choose an option" in view(quiz, "pick-one").feedback.value
    assert not (tmp_path / "progress.json").exists() or saved(tmp_path)["attempts"] == []


def test_hint_and_show_answer_are_recorded(quiz, tmp_path):
    v = view(quiz, "pick-one")
    v.hint.click()
    assert "area column" in v.feedback.value
    v.radio.value = "shikotan"
    v.check.click()
    v.reveal.click()
    assert "Etorofu (Iturup)" in v.feedback.value and "The answer:" in v.feedback.value
    assert [e["kind"] for e in saved(tmp_path)["events"]] == ["hint", "answer shown"]


def test_one_question_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setenv("FOURISLANDS_PROGRESS", str(tmp_path / "progress.json"))
    quiz = Quiz(BANK, one_at_a_time=True)
    assert quiz.counter.value == "Question 1 of 6" and quiz.previous.disabled
    quiz.next.click()
    quiz.next.click()
    assert quiz.counter.value == "Question 3 of 6"
    assert quiz.stage.children == (quiz.views[2].box,)
    quiz.previous.click()
    assert quiz.counter.value == "Question 2 of 6"


def test_neighbours_see_different_orders_and_a_student_the_same_one():
    items = list(range(6))
    orders = {tuple(shuffled(items, seed, "01:q")) for seed in range(20)}
    assert len(orders) > 10
    assert shuffled(items, 7, "01:q") == shuffled(items, 7, "01:q")
    assert all(shuffled(items, seed, "01:q") != items for seed in range(200))


def test_a_damaged_progress_file_is_announced_in_the_quiz(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    path.write_text("{broken")
    monkeypatch.setenv("FOURISLANDS_PROGRESS", str(path))
    assert "damaged" in Quiz(BANK).notice.value


def test_static_fallback_shows_questions_but_no_answers(quiz):
    bundle = quiz._repr_mimebundle_()
    for text in (bundle["text/plain"], bundle["text/html"]):
        assert "Which island is the largest" in text and "Put these treaties in order" in text
        assert "49.4" not in text
        assert not any(q.explanation in text for q in BANK.questions)
        assert "Khabomai" in text  # the right-hand options are listed, unpaired
        assert "Habomai \u2192 Khabomai" not in text


def test_copies_of_a_question_and_every_score_line_follow_an_answer(quiz, tmp_path):
    # A lesson asks a question in its section and again in the whole quiz at the end.
    section = Quiz(BANK, ["pick-one"])
    other_lesson = Quiz(dataclasses.replace(BANK, lesson="98"))
    asked = view(section, "pick-one")
    asked.radio.value = "kunashiri"
    asked.check.click()
    copy = view(quiz, "pick-one")
    assert copy.radio.value == "kunashiri" and "Not quite" in copy.feedback.value
    assert copy.reveal.layout.display is None
    asked.radio.value = "etorofu"
    asked.check.click()
    assert copy.radio.value == "etorofu" and "Correct." in copy.feedback.value
    assert "1 of 6 questions correct, 2 attempts" in quiz.score.value
    assert "1 of 1 questions correct, 2 attempts" in section.score.value  # a checkpoint counts its own
    untouched = view(other_lesson, "pick-one")
    assert untouched.radio.value is None and untouched.feedback.value == ""
    assert "0 of 6 questions correct, 0 attempts" in other_lesson.score.value


def test_copies_mirror_every_kind_of_answer(quiz):
    again = Quiz(BANK)
    for box, option_id in view(quiz, "pick-many").ticks:
        box.value = option_id == "urup"
    for box, item_id in view(quiz, "in-order").places:
        box.value = "1" if item_id == "shimoda" else None
    matching = view(quiz, "match-names")
    for box, pair_id in matching.matches:
        box.value = matching.letter_of["Iturup"] if pair_id == "etorofu" else None
    view(quiz, "a-number").text.value = "12"
    for question_id in ("pick-many", "in-order", "match-names", "a-number"):
        view(quiz, question_id).check.click()
    assert [box.value for box, _ in view(again, "pick-many").ticks] == [
        box.value for box, _ in view(quiz, "pick-many").ticks
    ]
    assert {i: b.value for b, i in view(again, "in-order").places}["shimoda"] == "1"
    assert {i: b.value for b, i in view(again, "match-names").matches}["etorofu"] == matching.letter_of[
        "Iturup"
    ]
    assert view(again, "a-number").text.value == "12"


def test_a_full_quiz_sends_few_messages_and_shares_layouts_it_never_changes(quiz, monkeypatch):
    # A kernel's messages past a queue of about a thousand are dropped: a full quiz must stay
    # far below, whatever the bank. Every model a quiz opens is one message to the browser.
    from fourislands.course import lessons
    from fourislands.quizwidget import quiz as show_quiz

    opened = []
    open_model = ipywidgets.Widget.open

    def counted(self):
        opened.append(self)
        return open_model(self)

    monkeypatch.setattr(ipywidgets.Widget, "open", counted)
    for lesson in lessons():
        opened.clear()
        shown = show_quiz(lesson.id)
        questions = len(shown.views)
        assert len(opened) <= 20 * questions + 10, (lesson.id, len(opened), questions)
        layouts = [model for model in opened if isinstance(model, ipywidgets.Layout)]
        assert len(layouts) <= questions + 3, (lesson.id, len(layouts))  # the Show-answer buttons' own
        # Showing one question's answer button leaves every other question's hidden.
        shown.views[0].reveal.layout.display = None
        assert all(view.reveal.layout.display == "none" for view in shown.views[1:])


def test_a_matching_question_lists_its_options_once_and_takes_letters(quiz):
    matching = view(quiz, "match-names")
    question = matching.question
    options = [p.right for p in question.pairs] + list(question.distractors)
    listed = matching.inputs.children[0].value
    for option in options:
        assert listed.count(f"<li>{option}</li>") == 1, option
    assert sorted(matching.letters.values()) == sorted(options)
    for box, _ in matching.matches:
        assert list(box.options) == list(matching.letters), "each item picks among the letters only"
        assert all(not any(o in label for o in options) for label in box.options)
    # A letter stands for its option in the answer judged, and a saved answer comes back as letters.
    first, pair_id = matching.matches[0]
    first.value = matching.letter_of["Iturup"]
    assert matching.answer()[pair_id] == "Iturup"
    assert all(value is None for key, value in matching.answer().items() if key != pair_id)
    matching.show_answer({p.id: p.right for p in question.pairs})
    assert {i: matching.letters[b.value] for b, i in matching.matches} == {
        p.id: p.right for p in question.pairs
    }


def test_every_quiz_is_a_keyboard_scope_sharing_one_helper(quiz):
    from fourislands.keyboard import SCOPE_CLASS, KeyboardScope

    again = Quiz(BANK)
    helpers = [c for c in quiz.box.children if isinstance(c, KeyboardScope)]
    assert SCOPE_CLASS in quiz.box._dom_classes and len(helpers) == 1
    assert [c for c in again.box.children if isinstance(c, KeyboardScope)] == helpers  # one model


def test_a_checkpoint_is_titled_by_its_size_and_the_whole_quiz_by_the_bank(quiz):
    two = Quiz(BANK, ["pick-one", "a-number"])
    assert "<h4>Check yourself: 2 questions</h4>" in two.box.children[0].value
    assert "<h4>Check yourself: 1 question</h4>" in Quiz(BANK, ["a-name"]).box.children[0].value
    assert f"<h4>Quiz: {BANK.title}</h4>" in quiz.box.children[0].value
    assert "0 of 2 questions correct" in two.score.value


def test_back_at_the_whole_quiz_what_is_left_comes_first_and_what_is_right_is_folded(quiz):
    right, wrong = view(quiz, "a-name"), view(quiz, "pick-one")
    right.text.value = "iturup"
    right.check.click()
    wrong.radio.value = "kunashiri"
    wrong.check.click()
    again = Quiz(BANK)  # the notebook opened again
    shown = [child for child in again.box.children if child in [v.box for v in again.views]]
    assert [v.question.id for v in again.views if v.box in shown] == [
        q.id for q in BANK.questions if q.id != "a-name"
    ], "every question not yet right, wrong ones included, in bank order, before the folded ones"
    folded = again.already_right
    assert folded.selected_index is None and "1 question" in folded.titles[0]
    assert [c.children for c in folded.children] == [(view(again, "a-name").box,)]
