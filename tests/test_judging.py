"""Judging: every question type, numbers with units, pasted text, bad and arbitrary input (hypothesis)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourislands.judging import judge, normalised_text, parsed_number
from fourislands.quizbank import bank_files, load_bank, read_bank

BANK = read_bank(Path(__file__).parent / "fixtures" / "99-fixture.yaml")
Q = {q.id: q for q in BANK.questions}
REAL = [q for path in bank_files() for q in load_bank(path.name[:2]).questions]
NUMERIC = [q for q in REAL if q.type == "numeric"]
TEXT = [q for q in REAL if q.type == "text"]
# What copying from a web page or a PDF brings along unseen: soft hyphen, zero-width space,
# non-joiner, joiner, word joiner, left-to-right, right-to-left and Arabic letter marks, byte order mark.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\u200e\u200f\u061c\ufeff"
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
        "-49.4pp",
        "-49.4 pp",
        "-49,4 points",
        "-49.4 Percentage Point",
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


@pytest.mark.parametrize("question", NUMERIC, ids=lambda q: f"{q.lesson}-{q.id}")
def test_every_numeric_answer_may_carry_its_unit_as_shown_beside_the_field(question):
    for number in (f"{question.answer:g}", f"{question.answer:,g}"):
        for between in ("", " ", "\u00a0"):
            answer = f"{number}{between}{question.unit}"
            assert judge(question, answer).correct, answer
            assert judge(question, answer.upper()).correct, answer.upper()


@pytest.mark.parametrize("question", NUMERIC, ids=lambda q: f"{q.lesson}-{q.id}")
def test_a_unit_the_question_does_not_use_is_refused_with_a_message_naming_its_unit(question):
    for unit in ("kg", "m²", "miles", "°C"):
        result = judge(question, f"{question.answer:g} {unit}")
        assert result.status == "invalid" and not result.recorded, unit
        assert f"asks for {question.unit}:" in result.message


@pytest.mark.parametrize(
    ("lesson", "question", "answers"),
    [
        ("00", "total-area", ["5004 km²", "5004 km2", "5,004 km²", "5,004", "5004km²", "5004 sq km"]),
        ("01", "area-occupied-1945", ["5004 km²", "5004 km2", "5,004 km²", "5,004", "5004 KM²"]),
        ("01", "share-of-1956-islands", ["6.9%", "6.9 %", "6,9 %", "6.9 percent", "6.9 per cent"]),
        ("02", "share-three-islands", ["36.7%", "36.7 percent", "36.7 percent of total area"]),
        ("04", "russia-share-of-japan-lng-2021", ["9%", "9 pct"]),
        ("04", "trade-2019-below-peak", ["12 USD billion", "12 billion", "12 bn", "12 billion USD"]),
        ("01", "abe-putin-meetings-total", ["27 meetings", "27 meeting"]),
        ("03", "coastal-missile-range-gap", ["180 km", "180 kilometres"]),
        ("05", "russian-poll-change-points", ["-12 pp", "-12 percentage points", "−12 points"]),
    ],
)
def test_numbers_are_read_with_the_usual_spellings_of_their_unit(lesson, question, answers):
    for answer in answers:
        assert judge(load_bank(lesson).question(question), answer).correct, answer


@pytest.mark.parametrize(
    ("lesson", "question", "answer", "unit"),
    [
        ("00", "total-area", "5004 m²", "km²"),
        ("00", "total-area", "5004%", "km²"),
        ("01", "abe-putin-meetings-total", "27%", "meetings"),
        ("01", "share-of-1956-islands", "6.9 pp", "percent"),
        # Lesson 05 teaches that a change in shares is in percentage points, not percent.
        ("05", "russian-poll-change-points", "-12%", "percentage points"),
        ("04", "trade-2019-below-peak", "12 million", "USD billion"),
    ],
)
def test_a_right_number_in_a_wrong_unit_is_not_an_attempt(lesson, question, answer, unit):
    result = judge(load_bank(lesson).question(question), answer)
    assert result.status == "invalid" and not result.recorded
    assert result.message == (
        f"This question asks for {unit}: type the number alone, or the number followed by {unit}."
    )


def test_a_number_asked_without_a_unit_is_typed_alone():
    assert parsed_number("12 km") == "Type the number alone, without a unit."
    assert parsed_number("12.5") == 12.5


@pytest.mark.parametrize("character", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_from_copy_and_paste_are_read_as_absent(character):
    for answer in (f"Itu{character}rup", f"{character}Iturup", f"Iturup{character}"):
        result = judge(Q["a-name"], answer)
        assert result.correct and result.answer == "Iturup", ascii(answer)
    assert judge(Q["a-number"], f"{character}-49.4{character}").correct
    assert judge(load_bank("00").question("total-area"), f"5004{character} km²").correct


def test_a_line_break_pasted_with_an_answer_is_spacing():
    assert judge(Q["a-name"], "Iturup\r\n").correct


@settings(max_examples=200)
@given(data=st.data(), question=st.sampled_from(TEXT))
def test_any_accepted_answer_with_invisible_characters_pasted_in_is_right(data, question):
    text = data.draw(st.sampled_from(question.accept))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(st.sampled_from(INVISIBLE)) + text[at:]
    assert judge(question, text).correct


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
        ("a-number", "1,2345", "not a number"),
        ("a-number", "12,5,0", "not a number"),
        ("a-number", "-49 .4", "not a number"),
        ("a-number", "-49.4%", "asks for percentage points"),
        ("a-number", "-49.4 kg", "asks for percentage points"),
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
        ("a-name", "\u202eputurI", "invisible character, U+202E (right-to-left override)"),
        ("a-name", "Iturup\u2066", "invisible character, U+2066 (left-to-right isolate)"),
        ("a-name", "Itu\x07rup", "invisible character, U+0007"),
        ("a-name", "Iturup\ue000", "unusual character, U+E000"),
        ("a-name", "?!", "not only punctuation"),
        ("a-name", 42, "as text"),
    ],
)
def test_bad_input_gets_a_clear_message_and_is_not_an_attempt(question, answer, says):
    result = judge(Q[question], answer)
    assert result.status == "invalid" and not result.recorded
    assert says in result.message


@settings(max_examples=300)
@given(question=st.sampled_from(sorted(Q)), answer=anything)
def test_any_input_gives_a_result_never_an_exception(question, answer):
    result = judge(Q[question], answer)
    assert result.status in {"correct", "incorrect", "invalid"}
    assert isinstance(result.message, str) and result.message
    assert 0.0 <= result.score <= 1.0
    if result.recorded:
        assert result.answer is not None


@settings(max_examples=300)
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


def test_an_order_of_numbers_too_long_to_print_is_not_an_order():
    result = judge(Q["in-order"], [10**5000, "shimoda", "portsmouth", "san-francisco"])
    assert result.status == "invalid" and "exactly once" in result.message
