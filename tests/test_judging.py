"""Judging: every question type, every kind of bad input, and arbitrary input (hypothesis)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourislands.judging import judge, normalised_text, parsed_number
from fourislands.quizbank import read_bank

BANK = read_bank(Path(__file__).parent / "fixtures" / "99-fixture.yaml")
Q = {q.id: q for q in BANK.questions}
RIGHT_ORDER = ["shimoda", "st-petersburg", "portsmouth", "san-francisco"]
RIGHT_MATCH = {"etorofu": "Iturup", "kunashiri": "Kunashir", "habomai": "Khabomai"}

anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300) | st.binary(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=10,
)


def test_single_choice():
    assert judge(Q["pick-one"], "etorofu").correct
    wrong = judge(Q["pick-one"], "kunashiri")
    assert wrong.status == "incorrect" and "second" in wrong.feedback
    assert wrong.explanation is None  # no explanation (it would give the answer away) until right


def test_multiple_choice_needs_exactly_the_right_set():
    assert judge(Q["pick-many"], ["shikotan", "habomai"]).correct
    partial = judge(Q["pick-many"], ["habomai", "urup"])
    assert partial.status == "incorrect"
    assert "1 of your ticks is right, 1 is wrong, 1 right option not ticked" in partial.message
    assert "north of the 1855 line" in partial.feedback
    assert judge(Q["pick-many"], ["habomai"]).score == 0.5


def test_numeric_with_tolerance_units_and_common_mistakes():
    q = Q["a-number"]
    for answer in (
        -49.4,
        "-49.4",
        " -49.40 ",
        "−49.4",
        "-49.4 percentage points",
        "-49,4",
        -49.44,
        "－４９．４",
    ):
        assert judge(q, answer).correct, answer
    assert not judge(q, -49.5).correct
    assert "relative change" in judge(q, "-78").feedback
    assert "sign" in judge(q, 49.4).feedback


def test_ordering_accepts_a_sequence_or_positions():
    q = Q["in-order"]
    assert judge(q, RIGHT_ORDER).correct
    assert judge(q, {item: n for n, item in enumerate(RIGHT_ORDER, start=1)}).correct
    swapped = judge(q, ["st-petersburg", "shimoda", "portsmouth", "san-francisco"])
    assert swapped.status == "incorrect" and swapped.message.startswith("2 of 4 items")


def test_matching_counts_right_pairs():
    q = Q["match-names"]
    assert judge(q, RIGHT_MATCH).correct
    wrong = judge(q, {**RIGHT_MATCH, "habomai": "Urup"})
    assert wrong.status == "incorrect" and wrong.message.startswith("2 of 3 matches")


def test_text_ignores_case_spacing_punctuation_and_accents():
    q = Q["a-name"]
    for answer in ("Iturup", "  iturup ", "ITURUP.", "Itúrup", "Итуруп"):
        assert judge(q, answer).correct, answer
    assert "Kunashiri" in judge(q, "kunashir").feedback
    assert judge(q, "Urup").status == "incorrect"


@pytest.mark.parametrize(
    ("question", "answer", "says"),
    [
        ("pick-one", None, "Choose an option"),
        ("pick-one", "atlantis", "not one of the options"),
        ("pick-one", ["etorofu"], "not one of the options"),
        ("pick-many", [], "at least one"),
        ("pick-many", "habomai", "Tick the options"),
        ("pick-many", ["habomai", "mars"], "not one of the options"),
        ("a-number", "", "Type a number first"),
        ("a-number", "forty", "not a number"),
        ("a-number", "NaN", "not a number"),
        ("a-number", float("nan"), "not NaN or infinity"),
        ("a-number", float("inf"), "not NaN or infinity"),
        ("a-number", "inf", "not a number"),
        ("a-number", "1e400", "far too large"),
        ("a-number", 10**400, "far too large"),
        ("a-number", "9" * 50, "too long"),
        ("a-number", "x" * 1_000_000, "too long"),
        ("a-number", "🙂", "not a number"),
        ("a-number", "٤٩", "not a number"),
        ("a-number", True, "not yes or no"),
        ("in-order", {"shimoda": 1}, "every item a position"),
        ("in-order", {i: 1 for i in RIGHT_ORDER}, "one item only"),
        ("in-order", ["shimoda", "shimoda", "portsmouth", "san-francisco"], "exactly once"),
        ("match-names", {"etorofu": "Iturup"}, "every item"),
        ("match-names", {**RIGHT_MATCH, "habomai": "Tokyo"}, "from the list"),
        ("a-name", "", "Type an answer first"),
        ("a-name", "   ", "Type an answer first"),
        ("a-name", "x" * 1_000_000, "too long"),
        ("a-name", "Iturup 🙂", "emoji or symbols"),
        ("a-name", "איטורופ", "Right-to-left"),
        ("a-name", "\u202eputurI", "emoji or symbols"),
        ("a-name", "?!", "not only punctuation"),
        ("a-name", 42, "as text"),
    ],
)
def test_bad_input_gets_a_clear_message_and_is_not_an_attempt(question, answer, says):
    result = judge(Q[question], answer)
    assert result.status == "invalid" and not result.recorded
    assert says in result.message


@settings(max_examples=300, deadline=None)
@given(question=st.sampled_from(sorted(Q)), answer=anything)
def test_any_input_gives_a_result_never_an_exception(question, answer):
    result = judge(Q[question], answer)
    assert result.status in {"correct", "incorrect", "invalid"}
    assert isinstance(result.message, str) and result.message
    assert 0.0 <= result.score <= 1.0
    if result.recorded:
        assert result.answer is not None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parsed_number_is_finite_or_a_message(text):
    value = parsed_number(text)
    assert isinstance(value, str) or math.isfinite(value)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_a_number_typed_as_text_reads_back(value):
    assert parsed_number(repr(value)) == value


@given(st.text(max_size=40))
def test_normalising_is_idempotent(text):
    once = normalised_text(text)
    assert normalised_text(once) == once
