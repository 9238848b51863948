"""Lesson 04 (economics): its charts, the 'eat and run' sequencing game, and the notebook."""

from __future__ import annotations

import math
import re

import ipywidgets as widgets
import nbformat
import numpy as np
import pytest
from course_root import ROOT
from hypothesis import given
from hypothesis import strategies as st

from fourislands import DataError, load
from fourislands.charts import economy as charts
from fourislands.explore import sequencing as seq
from fourislands.explore.explorer import Explorer
from fourislands.figures import (
    EXPLORER_HEIGHT_PX,
    EXPLORER_WIDTH_PX,
    LEAST_TEXT_PX,
    LESSON_WIDTH_PX,
    show,
)
from fourislands.model import economy as model
from fourislands.quizbank import load_bank

NOTEBOOK = ROOT / "notebooks" / "04-economics.ipynb"
SCALE = {"million": 1e6, "billion": 1e9, "trillion": 1e12}
EXERCISE = "04-economics-exercises.ipynb"  # its exercise notebook, linked at the end of the lesson


@pytest.fixture(scope="module")
def economy():
    return load("economy")


@pytest.fixture(scope="module")
def rows(economy):
    return economy.set_index("id")


@pytest.fixture(scope="module")
def points():
    return model.eight_points()


@pytest.fixture(scope="module")
def fears():
    """The 'eat and run' fears from data/: side ('japan', 'russia', 'both') -> verbatim quote."""
    table = load("eat_and_run_fears")
    return dict(zip(table["side"], table["quote"], strict=True))


def texts(ax) -> str:
    return "\n".join(t.get_text() for t in ax.texts)


def assert_finished(ax, source: str = "data/economy.csv") -> None:
    """A course figure: a title, alt text that says something, a source line naming its data."""
    assert ax.get_title(loc="left")
    assert len(ax.fourislands_alt) > 80
    assert source in ax.fourislands_source
    assert "Source: " in texts(ax)
    assert show(ax).png.startswith(b"\x89PNG")


def patches(ax, gid: str) -> list:
    return [p for p in ax.patches if p.get_gid() == gid]


# --- reading the table --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (200, "USD million", ("USD", 2e8)),
        (10, "USD billion", ("USD", 1e10)),
        (1.28, "USD trillion", ("USD", 1.28e12)),
        (1283200000, "USD", ("USD", 1283200000.0)),
        (200, "EUR million", ("EUR", 2e8)),
    ],
)
def test_money_units_become_plain_amounts(value, unit, expected):
    currency, plain = charts.amount(value, unit)
    assert currency == expected[0] and plain == pytest.approx(expected[1])


@pytest.mark.parametrize("unit", ["percent", "USD zillion", "", "companies of Japan"])
def test_a_unit_that_is_not_money_is_a_data_error(unit):
    with pytest.raises(DataError, match="not a money unit"):
        charts.amount(1, unit)


def test_a_missing_row_is_a_data_error_naming_it(economy):
    broken = economy[economy["id"] != "eco-trade-volume-2008"]
    with pytest.raises(DataError, match="eco-trade-volume-2008"):
        charts.growth_chart(broken)
    with pytest.raises(DataError, match="eco-energy-yamal-china"):
        charts.yamal_chart(economy[economy["id"] != "eco-energy-yamal-china"])


# --- trade and companies ------------------------------------------------------------------------


def test_trade_points_come_from_the_rows(rows, economy):
    points = charts.trade_points(economy).set_index("row")
    peak = float(rows.loc["eco-trade-volume-2008", "value"])
    times = float(rows.loc["eco-trade-growth-2003-2008", "value"])
    assert points.loc["eco-trade-growth-2003-2008", "usd_billion"] == pytest.approx(peak / times)
    assert points.loc["eco-trade-growth-2003-2008", "year"] == 2003  # "from 2003 to 2008"
    assert points.loc["eco-trade-volume-2008", "usd_billion"] == peak
    assert "below half" in rows.loc["eco-trade-fall-2009", "quote"]
    assert points.loc["eco-trade-fall-2009", "usd_billion"] == pytest.approx(peak / 2)
    assert points.loc["eco-trade-fall-2009", "kind"] == "upper bound"
    assert points.loc["eco-trade-2019-01-level", "usd_billion"] == float(
        rows.loc["eco-trade-2019-01-level", "value"]
    )


def test_a_changed_table_changes_the_worked_out_2003_level(economy):
    edited = economy.copy()
    edited.loc[edited["id"] == "eco-trade-volume-2008", "value"] = 40.0
    points = charts.trade_points(edited).set_index("row")
    times = float(economy.set_index("id").loc["eco-trade-growth-2003-2008", "value"])
    assert points.loc["eco-trade-growth-2003-2008", "usd_billion"] == pytest.approx(40 / times)


def test_growth_chart_plots_multiples_of_2003(economy, rows):
    ax = charts.growth_chart(economy)
    assert_finished(ax)
    companies = economy[economy["topic"] == "companies"].sort_values("date")
    line = next(x for x in ax.lines if x.get_gid() == "companies")
    values = companies["value"].astype(float).to_numpy()
    assert np.allclose(line.get_ydata(), values / values[0])
    assert list(line.get_xdata()) == [float(d) for d in companies["date"]]
    trade = next(x for x in ax.lines if x.get_gid() == "trade-line")
    times = float(rows.loc["eco-trade-growth-2003-2008", "value"])
    assert np.allclose(trade.get_ydata(), [1.0, times, times / 2])  # 2003, 2008, the 2009 bound
    labels = texts(ax)
    for value in values:
        assert f"{value:g}" in labels
    assert f"{float(rows.loc['eco-trade-recovery-2017', 'value']):g}%" in labels
    assert f"from {int(values[0])} in 2003 to {int(values[-1])} in 2016" in ax.fourislands_alt


def test_growth_chart_puts_the_2019_level_by_its_point_clear_of_the_2017_band(economy, rows):
    ax = charts.growth_chart(economy)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    level = next(t for t in ax.texts if "cited January 2019" in t.get_text())
    box = level.get_bbox_patch().get_window_extent(renderer)
    point = ax.transData.transform(level.xy)
    assert box.x0 <= point[0] <= box.x1 and box.y0 > point[1]  # just over its own point
    band = patches(ax, f"note-{rows.loc['eco-trade-recovery-2017'].name}")
    assert band and not any(p.get_window_extent(renderer).overlaps(box) for p in band)
    assert box.x1 <= ax.get_window_extent(renderer).x1


# --- energy ---------------------------------------------------------------------------------------


def test_energy_chart_draws_each_share_as_a_part_of_its_whole(economy):
    ax = charts.energy_shares_chart(economy)
    assert_finished(ax)
    bars = patches(ax, "shares")
    ids = [charts.ENERGY_MAKE_UP_ROW, *charts.ENERGY_SHARE_ROWS.values()]
    expected = [float(economy.set_index("id").loc[i, "value"]) for i in ids]
    assert [b.get_width() for b in bars] == expected
    assert bars[0].get_width() > 90 and all(b.get_width() < 20 for b in bars[1:])
    assert "I-5" in ax.fourislands_source
    for fuel, row in charts.ENERGY_SHARE_ROWS.items():
        value = float(economy.set_index("id").loc[row, "value"])
        assert f"{fuel} about {value:g}%" in ax.fourislands_alt


# --- Yamal LNG ------------------------------------------------------------------------------------


def test_yamal_bars_are_the_printed_and_reported_amounts_in_millions(economy, rows):
    ax = charts.yamal_chart(economy)
    assert_finished(ax)
    bars = patches(ax, "yamal")
    expected = []
    for row_id, _, _ in charts.YAMAL_ROWS:
        value, unit = float(rows.loc[row_id, "value"]), rows.loc[row_id, "unit"]
        expected.append(value * SCALE[unit.split()[1]] / 1e6)
    assert [b.get_width() for b in bars] == pytest.approx(expected)
    ratio = expected[1] / expected[0]  # as printed, both in US$
    assert f"{ratio:g} times" in ax.fourislands_alt
    assert "€200 million" in texts(ax) and "US$10 billion" in texts(ax)
    assert "not converted" in ax.get_xlabel()


# --- the deals of December 2016 -------------------------------------------------------------------


def test_deal_counts_are_the_three_counts_with_their_wording(economy, rows):
    ax = charts.deal_counts_chart(economy)
    assert_finished(ax)
    widths = sorted(b.get_width() for b in patches(ax, "deal-counts"))
    assert widths == sorted(float(rows.loc[r, "value"]) for r in charts.DEAL_ROWS)
    labels = texts(ax)
    for row_id in charts.DEAL_ROWS:
        qualifier = rows.loc[row_id, "qualifier"]
        words = f"{float(rows.loc[row_id, 'value']):g} {rows.loc[row_id, 'unit']}"
        assert (f"{qualifier} {words}" if isinstance(qualifier, str) else words) in labels
    assert f"¥{float(rows.loc[charts.DEAL_VALUE_ROW, 'value']):g} billion" in labels
    assert "I-53" in ax.fourislands_source


# --- the sequencing game: logic -------------------------------------------------------------------


def test_eight_points_come_from_plan_items_in_order(points):
    plans = load("plan_items")
    rows = plans[plans["list"] == "eight-point-plan"].sort_values("position")
    assert points == tuple(rows["text"])
    with pytest.raises(DataError, match="eight-point-plan"):
        model.eight_points(plans[plans["list"] != "eight-point-plan"])


@given(st.integers(1, 40), st.data())
def test_groups_are_as_even_as_possible(total, data):
    n = data.draw(st.integers(1, total))
    sizes = model.group_sizes(total, n)
    assert sum(sizes) == total and len(sizes) == n
    assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)


def test_japan_first_exposes_japan_by_its_whole_cost_and_tempts_russia(points, fears):
    values = model.Values(6, 9, 8, 10)
    game = model.play("japan-first", 4, values, points)
    assert game.ok and len(game.steps) == 8
    assert [s.mover for s in game.steps] == ["japan"] * 4 + ["russia"] * 4
    assert game.peak("japan") == (pytest.approx(values.japan_cost), 4)
    assert game.peak("russia") == (0.0, 0)
    # Japan has handed over everything: stopping saves Russia its whole territorial step.
    assert game.steps[3].gain_by_stopping("russia") == pytest.approx(values.russia_cost)
    assert all(not s.would_stop("japan") for s in game.steps)
    assert [s.number for s in game.eat_and_run_steps("russia")][:4] == [1, 2, 3, 4]
    words = " ".join(model.explain(game))
    assert fears["japan"] in words and fears["russia"] not in words
    assert "illustrative" in words


def test_russia_first_is_the_mirror_image(points, fears):
    values = model.Values(6, 9, 8, 10)
    game = model.play("russia-first", 2, values, points)
    assert [s.mover for s in game.steps] == ["russia", "russia", "japan", "japan"]
    assert game.peak("russia") == (pytest.approx(values.russia_cost), 2)
    assert game.peak("japan") == (0.0, 0)
    assert game.steps[1].gain_by_stopping("japan") == pytest.approx(values.japan_cost)
    words = " ".join(model.explain(game))
    assert fears["russia"] in words and fears["japan"] not in words


@pytest.mark.parametrize("n", [1, 2, 4, 8])
def test_even_simultaneous_steps_leave_nobody_exposed_and_nobody_tempted(points, n):
    values = model.Values(6, 9, 8, 10)
    game = model.play("simultaneous", n, values, points)
    assert len(game.steps) == n and {s.mover for s in game.steps} == {"both"}
    for step in game.steps:
        for side in model.SIDES:
            assert step.exposure(side) == 0 and not step.would_stop(side)
    # Within a step, the side that goes first risks one installment: its cost divided by n.
    assert game.installment_risk("japan") == pytest.approx(values.japan_cost / n)
    assert game.installment_risk("russia") == pytest.approx(values.russia_cost / n)


def test_a_deal_one_side_values_below_its_cost_fails_in_every_order(points):
    values = model.presets()["islands-first-in-russia"][1]
    assert values.russia_cost > values.russia_gain
    for order in model.ORDERS:
        game = model.play(order, 4, values, points)
        assert game.deal_gain("russia") == pytest.approx(values.russia_gain - values.russia_cost)
        assert any("does not want the whole deal" in line for line in model.explain(game))
        # Whoever moves first, the finished deal leaves Russia worse off than never starting.
        assert game.steps[-1].net("russia") < 0
        if order != "russia-first":  # having received first, Russia gains by stopping at once
            assert game.steps[0].would_stop("russia")


def test_economics_first_is_safe_only_if_the_step_costs_russia_nothing(points):
    free = model.play("japan-first", 4, model.Values(6, 9, 0, 10), points)
    assert not any(s.would_stop("russia") for s in free.steps)
    costly = model.play("japan-first", 4, model.Values(6, 9, 1, 10), points)
    assert any(s.would_stop("russia") for s in costly.steps)


values_strategy = st.builds(model.Values, *[st.integers(0, model.VALUE_LIMIT)] * 4)


@given(st.sampled_from(list(model.ORDERS)), st.integers(1, 8), values_strategy)
def test_every_schedule_hands_over_everything_and_accounts_add_up(order, n, values):
    points = tuple(f"point {i}" for i in range(1, 9))
    game = model.play(order, n, values, points)
    assert game.ok
    assert len(game.steps) == (n if order == "simultaneous" else 2 * n)
    handed = [p for s in game.steps for p in s.japan_points]
    assert handed == list(range(1, 9))
    last = game.steps[-1]
    for side in model.SIDES:
        assert last.given(side) == pytest.approx(values.cost(side))
        assert last.received(side) == pytest.approx(values.gain(side))
        assert last.gain_by_stopping(side) == 0
        assert last.net(side) == pytest.approx(game.deal_gain(side))
        for step in game.steps:
            assert step.exposure(side) >= 0
            assert step.exposure(side) == pytest.approx(max(0.0, -step.net(side)))
        peak, at = game.peak(side)
        assert peak == pytest.approx(max(s.exposure(side) for s in game.steps))
    given_japan = [s.given("japan") for s in game.steps]
    assert given_japan == sorted(given_japan)  # nothing is ever taken back


def test_the_fears_are_the_ones_the_quiz_bank_quotes_from_reading_000(fears):
    bank = {q.id: q for q in load_bank("04").questions}
    assert bank["eat-and-run-japanese-fear"].source.quote == fears["japan"]
    assert bank["eat-and-run-both-sides"].source.quote == fears["both"]
    assert bank["eat-and-run-japanese-fear"].source.id == "rapprochement2017"
    assert set(load("eat_and_run_fears")["source_id"]) == {"rapprochement2017"}


@pytest.mark.parametrize(
    ("order", "n", "values", "words"),
    [
        ("sideways", 4, None, "order must be one of"),
        (None, 4, None, "order must be one of"),
        ("japan-first", 0, None, "from 1 to 8"),
        ("japan-first", 9, None, "from 1 to 8"),
        ("japan-first", 2.5, None, "whole number"),
        ("japan-first", True, None, "whole number"),
        ("japan-first", "four", None, "whole number"),
        ("japan-first", None, None, "it is empty"),
        ("japan-first", "  ", None, "it is empty"),
        ("japan-first", 4, model.Values(-1, 9, 8, 10), "from 0 to 20"),
        ("japan-first", 4, model.Values(6, 21, 8, 10), "from 0 to 20"),
        ("japan-first", 4, model.Values(6, 9, math.nan, 10), "must be a number"),
        ("japan-first", 4, model.Values(6, 9, 8, math.inf), "must be a number"),
        ("japan-first", 4, model.Values("six", 9, 8, 10), "must be a number"),
        ("japan-first", 4, model.Values(None, 9, 8, 10), "it is empty"),
        ("japan-first", 4, (6, 9, 8, 10), "must be given as Values"),
    ],
)
def test_bad_input_gets_a_message_in_words(points, order, n, values, words):
    game = model.play(order, n, model.Values() if values is None else values, points)
    assert not game.ok and words in game.message
    assert model.explain(game) == [game.message]
    assert seq.summary_html(game) == "" and seq.steps_html(game) == ""  # the explorer shows the problem
    with pytest.raises(ValueError, match=re.escape(game.message[:20])):
        charts.exposure_chart(game)


def test_an_empty_plan_gets_a_message():
    game = model.play("japan-first", 1, model.Values(), ())
    assert not game.ok and "at least one point" in game.message


# --- the sequencing game: chart and widget --------------------------------------------------------


def test_exposure_chart_plots_each_sides_exposure_after_every_step(points):
    game = model.play("japan-first", 4, model.Values(6, 9, 8, 10), points)
    ax = charts.exposure_chart(game)
    assert_finished(ax, source="plan_items.csv")
    for side in model.SIDES:
        line = next(x for x in ax.lines if x.get_gid() == f"exposure-{side}")
        assert list(line.get_ydata()) == pytest.approx([0.0] + [s.exposure(side) for s in game.steps])
    # The key is under the chart, its long entries on two lines.
    assert "Russia would gain by stopping here, Japan exposed" in [
        t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()
    ]
    assert "Japan's exposure peaks at 6 after step 4" in ax.fourislands_alt
    # Hatched: the steps where Russia gains by stopping while Japan is exposed, as the words say.
    hatched = sorted(round(p.get_x() + p.get_width() / 2) for p in ax.patches if p.get_hatch() == "//")
    assert hatched == [s.number for s in game.eat_and_run_steps("russia")] == [1, 2, 3, 4, 5, 6]


# --- legible where shown -------------------------------------------------------------------------


@pytest.mark.parametrize("chart", ["growth_chart", "energy_shares_chart", "yamal_chart", "deal_counts_chart"])
def test_each_lesson_chart_fits_a_lessons_width_with_text_large_enough(economy, chart):
    figure = show(getattr(charts, chart)(economy))
    assert figure.width_px <= LESSON_WIDTH_PX  # shown at its own size, never shrunk
    assert figure.shown_text_px(LESSON_WIDTH_PX) >= LEAST_TEXT_PX


# The longest games (16 steps, both kinds of hatching in turn) and the shortest.
GAMES = [("japan-first", 8), ("russia-first", 8), ("simultaneous", 8), ("japan-first", 1)]


@pytest.mark.parametrize(("order", "n"), GAMES)
def test_the_exposure_chart_is_legible_in_the_lesson_and_in_the_explorer(points, order, n):
    game = model.play(order, n, model.presets()["islands-first-in-russia"][1], points)
    lesson = show(charts.exposure_chart(game))
    assert lesson.width_px <= LESSON_WIDTH_PX
    assert lesson.shown_text_px(LESSON_WIDTH_PX) >= LEAST_TEXT_PX
    explorer = seq.sequencing_explorer(order=order, installments=n)
    (shown,) = explorer.last_view.figures  # as the explorer draws it, in its narrower column
    assert shown.width_px <= EXPLORER_WIDTH_PX and shown.height_px <= EXPLORER_HEIGHT_PX
    assert shown.shown_text_px(EXPLORER_WIDTH_PX, EXPLORER_HEIGHT_PX) >= LEAST_TEXT_PX


def all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from all_widgets(child)


def test_the_explorer_is_keyboard_friendly_and_classed():
    explorer = seq.sequencing_explorer()
    assert isinstance(explorer, Explorer) and "fi-explorer" in explorer._dom_classes
    assert "fi-explorer-output" in explorer.output._dom_classes
    kinds = {type(w) for w in all_widgets(explorer)}
    assert not kinds & {widgets.Dropdown, widgets.Select, widgets.SelectMultiple}
    assert explorer.renders == 1 and explorer.output.outputs
    assert explorer.preset.value == "both-gain"
    # The base draws the page without a kernel: no text fallback or guard of the module's own.
    assert "_repr_mimebundle_" not in vars(seq.SequencingExplorer)


def test_controls_sit_beside_the_figure_and_the_steps_table_is_folded_away():
    explorer = seq.sequencing_explorer()
    panel = next(w for w in explorer.children if "fi-explorer-controls" in w._dom_classes)
    figure = next(w for w in explorer.children if "fi-explorer-figure" in w._dom_classes)
    column = list(all_widgets(panel))
    for control in (explorer.order, explorer.installments, explorer.preset, *explorer.sliders.values()):
        assert control in column
    assert explorer.output in figure.children and explorer.summary in explorer.children
    assert explorer.table not in column and explorer.table in explorer.notes.children
    assert explorer.notes.selected_index is None  # folded until opened
    assert explorer.notes.titles == (seq.STEPS_NOTE,)
    # The question 4 of the notebook names a slider by its label: the labels are the model's.
    assert [s.description for s in explorer.sliders.values()] == list(model.FIELDS.values())
    # Their labels wrap in the narrow column: the rows grow to hold them rather than cut them.
    assert {s.layout.height for s in explorer.sliders.values()} == {"auto"}


def test_buttons_and_sliders_drive_the_words_the_chart_and_the_table():
    explorer = seq.sequencing_explorer()
    before = (explorer.summary.value, explorer.output.outputs, explorer.table.value)
    explorer.order.value = "russia-first"
    assert explorer.game.order == "russia-first" and explorer.renders == 2
    assert explorer.summary.value != before[0] and explorer.output.outputs != before[1]
    assert explorer.table.value != before[2]
    assert "Russia: territorial step 1 of 4" in explorer.table.value
    explorer.installments.value = 8
    assert len(explorer.game.steps) == 16 and explorer.renders == 3
    assert explorer.table.value == seq.steps_html(explorer.game)  # the folded note follows
    explorer.preset.value = "islands-first-in-russia"
    chosen = model.presets()["islands-first-in-russia"][1]
    assert explorer.values == chosen and explorer.renders == 4  # four sliders, one redraw
    assert "does not want the whole deal" in explorer.summary.value
    assert model.presets()["islands-first-in-russia"][2][:40] in explorer.about.value
    explorer.sliders["russia_cost"].value = 3
    assert explorer.preset.value is None and "Your own values" in explorer.about.value
    assert explorer.game.values.russia_cost == 3 and explorer.renders == 5
    text = explorer._repr_mimebundle_()["text/plain"]
    assert text.startswith(seq.SequencingExplorer.title) and "illustrative" in text


def test_what_is_shown_is_the_game_in_words_and_its_chart():
    explorer = seq.sequencing_explorer(order="simultaneous", installments=2)
    game = model.play("simultaneous", 2, model.presets()["both-gain"][1])
    view = explorer.last_view
    assert view.ok and view.summary == seq.summary_html(game) == explorer.summary.value
    assert len(view.figures) == 1 and view.figures[0].alt == charts.exposure_chart(game).fourislands_alt
    words = explorer.as_text()
    for line in model.explain(game):
        assert line in words
    assert words.endswith(view.figures[0].alt)
    assert explorer.table.value == seq.steps_html(game)


def test_moving_sliders_back_to_a_preset_lights_it_without_a_second_redraw():
    explorer = seq.sequencing_explorer()
    explorer.sliders["japan_cost"].value = 7
    assert explorer.preset.value is None and explorer.renders == 2
    explorer.sliders["japan_cost"].value = 6
    assert explorer.preset.value == "both-gain" and explorer.renders == 3
    assert model.presets()["both-gain"][2][:40] in explorer.about.value


def test_a_preset_chosen_while_holding_is_drawn_once_at_the_end():
    explorer = seq.sequencing_explorer()
    with explorer.holding():
        explorer.order.value = "simultaneous"
        explorer.preset.value = "islands-first-in-russia"
        assert explorer.renders == 1 and explorer.game.order == "japan-first"
    assert explorer.renders == 2 and explorer.game.order == "simultaneous"
    assert explorer.game.values == model.presets()["islands-first-in-russia"][1]


def test_bad_starting_values_give_a_notice_not_a_traceback():
    explorer = seq.sequencing_explorer(order="sideways", installments=0)
    assert "Please check" in explorer.summary.value and "sideways" in explorer.summary.value
    assert "sideways" in explorer.last_view.problem and explorer.as_text().startswith("Please check:")
    assert explorer.order.value == "japan-first" and explorer.installments.value == 4
    assert explorer.preset.value == "both-gain" and not explorer.output.outputs
    explorer.installments.value = 3  # any move plays the game the controls show
    assert explorer.game.ok and explorer.game.order == "japan-first" and explorer.renders == 1
    assert "Please check" not in explorer.summary.value and explorer.output.outputs


@pytest.mark.parametrize(
    ("start", "words"),
    [
        ({"installments": 9}, "from 1 to 8"),
        ({"values": model.Values(6, 21, 8, 10)}, "from 0 to 20"),
        ({"values": (6, 9, 8, 10)}, "must be given as Values"),
    ],
)
def test_every_bad_start_is_named_and_the_defaults_are_shown(start, words):
    explorer = seq.sequencing_explorer(**start)
    assert words in explorer.last_view.problem and explorer.renders == 0
    assert explorer.values == model.presets()["both-gain"][1] and explorer.installments.value == 4


def test_a_game_the_model_refuses_is_shown_as_a_problem_with_no_chart():
    explorer = seq.sequencing_explorer()
    explorer.points = ()  # a plan with no points: the model says so, the explorer does not raise
    explorer.order.value = "russia-first"
    assert not explorer.game.ok and explorer.last_view.problem == explorer.game.message
    assert "at least one point" in explorer.summary.value and "Please check" in explorer.summary.value
    assert not explorer.output.outputs and explorer.table.value == "" and explorer.renders == 1
    assert explorer.as_text() == f"Please check: {explorer.game.message}"


# --- the notebook ---------------------------------------------------------------------------------


def test_the_notebook_names_only_questions_issues_and_rows_that_exist():
    source = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells)
    bank = {q.id for q in load_bank("04").questions}
    asked = set()
    for call in re.findall(r'quiz\("04"((?:, "[^"]+")*)\)', source):
        asked |= set(re.findall(r'"([^"]+)"', call))
    assert asked == bank, bank - asked  # every question is asked in its section
    issues = set(load("reading_issues")["id"])
    named = set(re.findall(r'reading_issue\("(I-\d+)"\)', source))
    assert {"I-5", "I-1", "I-53"} <= named <= issues
    economy_ids = set(load("economy")["id"])
    cited = set(re.findall(r"`(eco-[a-z0-9-]+)`", source)) | set(re.findall(r'"(eco-[a-z0-9-]+)"', source))
    assert cited and cited <= economy_ids, cited - economy_ids
    sources = set(load("sources")["id"])
    outside = {s for s in re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", source) if not s.startswith("eco-")}
    rows = set(load("timeline")["id"]) | set(load("opinion_polls")["id"])
    assert outside <= sources | rows | {"opinion_polls"}, outside - sources - rows
    assert 'quiz("04")' in source
    assert f"Exercises: [{EXERCISE}](../exercises/{EXERCISE})" in source.replace("**", "")
    assert "illustrative" in source and "sequencing_explorer()" in source
