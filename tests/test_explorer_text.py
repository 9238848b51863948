"""What the sequencing and role-play explorers print: readable tables and wording that fits."""

from __future__ import annotations

import html
import re

import pytest

from fourislands.explore import roleplay
from fourislands.explore import sequencing as seq
from fourislands.model import economy as model
from fourislands.model import seminar


@pytest.fixture(scope="module")
def ev():
    return seminar.evidence()


def _cells(table_html: str) -> list[str]:
    return re.findall(r"<t[dh][^>]*>", table_html)


@pytest.mark.parametrize("order", list(model.ORDERS))
def test_the_steps_table_has_padded_bordered_cells(order):
    table = seq.steps_html(model.play(order, 4))
    cells = _cells(table)
    assert cells, table[:200]
    for cell in cells:
        assert "padding" in cell and "border" in cell, cell


@pytest.mark.parametrize("order", list(model.ORDERS))
def test_every_plan_point_handed_over_is_visible_text(order):
    game = model.play(order, 3)
    table = seq.steps_html(game)
    # Drop the tooltips: what is left is what every reader, not only a mouse user, sees.
    visible = re.sub(r'\stitle="[^"]*"', "", table)
    for number, text in enumerate(game.points, start=1):
        assert f"{number}. {html.escape(text)}" in visible, text
    assert "Hover" not in table


def test_weights_print_as_whole_numbers_and_shares_with_one_decimal():
    table = seminar.weights_table()
    assert table["weight"].dtype.kind == "i"
    shares = dict(zip(table["id"], table["share of side (%)"], strict=True))
    assert shares["japan-all-four-islands"] == 27.3
    assert shares["japan-islands-before-treaty"] == 18.2
    assert shares["japan-former-residents-access"] == 9.1
    for _side, rows in table.groupby("side"):
        assert abs(rows["share of side (%)"].sum() - 100) <= 0.5
    equal = seminar.weights_table("equal")
    assert set(equal["weight"]) == {1} and set(equal["share of side (%)"]) == {14.3}


@pytest.mark.parametrize(
    ("weighting", "words", "not_words"),
    [
        ("illustrative", "illustrative weights", "every line counts the same"),
        ("equal", "every line counts the same", "illustrative weights"),
    ],
)
def test_the_verdict_and_headings_name_the_chosen_weighting(ev, weighting, words, not_words):
    score = seminar.score_package(
        "two", "no-foreign-forces", "eight-point-plan", "visa-free", weighting=weighting, ev=ev
    )
    assert score.ok
    assert f"({words})" in score.message and not_words not in score.message
    assert "(weighted)" not in score.message
    details = roleplay.details_html(score)
    assert "(weighted)" not in details
    assert details.count(f"of 100 kept ({words})") == 2


def test_a_poll_share_is_printed_at_one_precision(ev):
    score = seminar.score_package("two", "no-foreign-forces", "eight-point-plan", "visa-free", ev=ev)
    details = roleplay.details_html(score)
    former = next(o for o in score.opinions if o.group == "Former residents")
    assert former.score == 63.9
    bullet = next(b for b in details.split("<li>") if b.startswith("<strong>Former residents"))
    assert "63.9%.</strong>" in bullet and "64%" not in bullet
    assert "Best solution met: 63.9%" in bullet
