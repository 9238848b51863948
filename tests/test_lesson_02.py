"""Lesson 02: negotiation cards and charts, the split calculator, the bargaining game, the notebook."""

from __future__ import annotations

import math
import re

import nbformat
import numpy as np
import pytest
from course_root import ROOT
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.collections import PathCollection
from matplotlib.text import Annotation, Text
from traitlets import TraitError

from fourislands import DataError, figures, load, maps
from fourislands.charts import negotiations as charts
from fourislands.explore import bargaining, split
from fourislands.explore.explorer import Explorer
from fourislands.figures import show
from fourislands.model import negotiations as model
from fourislands.quizbank import load_bank

NOTEBOOK = ROOT / "notebooks" / "02-negotiations.ipynb"
EXERCISE = "02-negotiations-exercises.ipynb"  # its exercise notebook, linked at the end of the lesson


@pytest.fixture(scope="module")
def islands():
    return load("islands")


@pytest.fixture(scope="module")
def areas(islands):
    return model.island_areas(islands)


@pytest.fixture(scope="module")
def options():
    return load("settlement_options")


def texts(ax) -> str:
    return "\n".join(t.get_text() for t in ax.texts)


def assert_finished(ax, table: str) -> None:
    """A finished chart has a title, alt text and a source line naming its table."""
    assert ax.get_title(loc="left")
    assert len(ax.fourislands_alt) > 40
    assert f"data/{table}.csv" in ax.fourislands_source
    assert "Source: data/" in texts(ax)
    assert show(ax).png.startswith(b"\x89PNG")


# --- dates --------------------------------------------------------------------------------------


def test_dates_become_fractions_of_a_year_inside_their_period():
    assert charts.date_value("2017", "year") == 2017.5
    assert charts.date_value("2017", "year", where="end") == 2018.0
    july = charts.date_value("2017-07", "month")
    assert 2017 + 181 / 365 < july < 2017 + 212 / 365  # inside July
    assert charts.date_value("2017-07", "month", where="end") == pytest.approx(2017 + 212 / 365)
    day = charts.date_value("2017-11-10", "day")
    assert 2017 + 313 / 365 < day < 2017 + 314 / 365  # 10 November is day 314
    assert charts.date_words("2013-11-02", "day") == "2 November 2013"
    assert charts.date_words("1993-10", "month") == "October 1993"
    assert charts.date_words("1956", "year") == "1956"


# --- cards --------------------------------------------------------------------------------------


def test_cards_show_the_rows_in_order_with_source_and_issue():
    table = load("negotiations")
    ids = ["declaration-2001-03-irkutsk", "declaration-1993-10-tokyo"]
    cards = charts.round_cards(table, ids)
    rows = table.set_index("id")
    page = cards.page
    for row_id in ids:
        assert rows.loc[row_id, "agreed"].split("'")[0][:40] in page.replace("&#x27;", "'")
    assert page.index("Irkutsk Statement") < page.index("Tokyo Declaration")
    assert page.count('class="fi-card"') == len(ids)
    topic = load("reading_issues").set_index("id").loc["I-16", "topic"]
    assert "Reading issue I-16" in page and topic.split("'")[0] in page.replace("&#x27;", "'")
    assert 'href="bibliography.ipynb#hirose2018">Hirose 2018</a>' in page and "Hirose 2018" in repr(cards)


def test_a_card_dates_its_event_in_words_without_source_ids():
    table = load("negotiations")
    page = charts.round_cards(table, list(table["id"])).page
    notes = re.findall(r"Date: ([^<]*)", page)
    assert len(notes) == table["date_note"].notna().sum()
    for source_id in load("sources")["id"]:
        assert not any(source_id in note for note in notes), source_id
    assert not any("sources.csv" in note for note in notes)


def test_cards_list_plan_items_in_their_order():
    table, plans = load("negotiations"), load("plan_items")
    points = plans[plans["list"] == "putin-five-points"].sample(frac=1, random_state=1)
    cards = charts.round_cards(
        table, ["statement-2016-12-putin-five-points"], plan_items=points, plan_title="Five"
    )
    ordered = points.sort_values("position")["text"].tolist()
    shown = [cards.text.index(f"{n}. {t}") for n, t in enumerate(ordered, start=1)]
    assert shown == sorted(shown) and "<ol>" in cards.page


def test_cards_name_unknown_ids():
    with pytest.raises(DataError, match="no-such-round"):
        charts.round_cards(load("negotiations"), ["no-such-round"])


# --- the timeline -------------------------------------------------------------------------------


def test_timeline_plots_every_row_at_its_date_and_kind():
    table = load("negotiations")
    ax = charts.rounds_timeline(table, start=1990)
    assert_finished(ax, "negotiations")
    plotted = np.concatenate([c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)])
    expected = sorted(
        charts.date_value(d, p)
        for d, p in zip(table["date"], table["precision"], strict=True)
        if charts.date_value(d, p) >= 1990
    )
    assert sorted(plotted[:, 0]) == pytest.approx(expected)
    # The row labels count the table's rows, those left of the scale too.
    ticks = [label.get_text() for label in ax.get_yticklabels()]
    counts = table["kind"].value_counts()
    assert all(f"{kind.replace('-', ' ')} ({counts[kind]})" in ticks for kind in counts.index)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    labels = [text for text in ax.texts if isinstance(text, Annotation) and text.arrow_patch is not None]
    names = [Text.get_window_extent(label, renderer) for label in labels]  # the words, not the leader
    assert len(names) == (table["kind"] == "declaration").sum() - len(table[table["date"] < "1990"])
    assert not any(a.overlaps(b) for i, a in enumerate(names) for b in names[i + 1 :]), "names touch"
    early = table[table["date"].str[:4].astype(int) < 1990]
    for document in early["document"]:
        assert document in texts(ax)


# --- the summit count ---------------------------------------------------------------------------


def test_running_counts_never_fall_and_include_both_cut_offs():
    rows = charts.running_counts(load("meeting_counts"))
    counts = rows["count"].astype(int).tolist()
    assert counts == sorted(counts)  # a running count can only grow with its cut-off date
    assert set(rows.loc[rows["issue_id"] == "I-2", "source_id"]) == {"rapprochement2017", "hirose2018"}
    assert "abe-putin-meetings-in-2017-hirose" not in set(rows["id"])  # a count within one year


def test_meeting_chart_plots_the_counts_and_marks_the_two_cut_offs():
    table = load("meeting_counts")
    rows = charts.running_counts(table)
    ax = charts.meeting_count_chart(table)
    assert_finished(ax, "meeting_counts")
    line = next(line for line in ax.lines if len(line.get_xdata()) == len(rows))
    assert list(line.get_ydata()) == rows["count"].astype(float).tolist()
    cut_offs = rows[rows["issue_id"] == "I-2"]
    verticals = sorted(line.get_xdata()[0] for line in ax.lines if len(set(line.get_xdata())) == 1)
    assert verticals == pytest.approx(sorted(cut_offs["x"]))
    for count in cut_offs["count"]:
        assert f"{count} by" in texts(ax) and str(count) in ax.fourislands_alt
    assert "I-2" in ax.fourislands_source


# --- the land shares ----------------------------------------------------------------------------


def test_option_shares_come_from_the_island_areas(islands, options, areas):
    shares = model.option_shares(options, islands).set_index("id")
    total = sum(areas.values())
    for option_id, row in options.set_index("id").iterrows():
        listed = row["islands_to_japan"].split(";") if isinstance(row["islands_to_japan"], str) else []
        if not math.isnan(row["japan_area_share_percent"] or math.nan):
            expected = float(row["japan_area_share_percent"])
        else:
            expected = 100 * sum(areas[i] for i in listed) / total
        assert shares.loc[option_id, "japan_percent"] == pytest.approx(expected)
        assert shares.loc[option_id, "japan_percent"] + shares.loc[option_id, "russia_percent"] == (
            pytest.approx(100)
        )
    assert shares.loc["three-plus-alpha", "plus_alpha"] and not shares.loc["three", "plus_alpha"]


def test_share_chart_bars_equal_the_shares_and_fill_the_land(islands, options):
    ax = charts.settlement_share_chart(options, islands)
    assert_finished(ax, "settlement_options")
    bars = {c.get_label(): np.asarray(c.datavalues, dtype=float) for c in ax.containers}
    japan, russia = bars["Japan"], bars["Russia"]
    alpha = next(v for k, v in bars.items() if "alpha" in k)
    shares = model.option_shares(options, islands).set_index("id").loc[list(charts.CHART_OPTIONS)]
    # Bars run top to bottom in CHART_OPTIONS order; the container order is the same.
    assert japan == pytest.approx(shares["japan_percent"].to_numpy(dtype=float))
    assert japan + alpha + russia == pytest.approx(np.full(len(shares), 100.0))
    half = float(options.set_index("id").loc["equal-area", "japan_area_share_percent"])
    position = list(charts.CHART_OPTIONS).index("three-plus-alpha")
    assert japan[position] + alpha[position] == pytest.approx(half)
    assert alpha.sum() == pytest.approx(alpha[position])  # only '3 + alpha' has an alpha drawn
    # The labels are the options' own, broken onto two lines to leave the bars the lesson's width.
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert [label.replace("\n", " ") for label in labels] == shares["label"].tolist()
    assert max(len(line) for label in labels for line in label.split("\n")) <= 24


def test_share_chart_labels_sit_on_their_own_side_and_clear_of_the_half_line(islands, options):
    ax = charts.settlement_share_chart(options, islands)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    russia = next(c for c in ax.containers if c.get_label() == "Russia")
    for text in ax.texts:
        if text.get_text().startswith("Japan "):
            box = text.get_window_extent(renderer)
            assert not any(bar.get_window_extent(renderer).overlaps(box) for bar in russia), text.get_text()
    half = next(t for t in ax.texts if t.get_text() == "half the land").get_window_extent(renderer)
    line_x = ax.transData.transform((ax.lines[0].get_xdata()[0], 0))[0]
    assert not half.x0 <= line_x <= half.x1
    # The options the table has and the chart leaves out are named, not silently dropped.
    left_out = options.loc[~options["id"].isin(charts.CHART_OPTIONS), "label"]
    assert len(left_out)
    for label in left_out:
        assert label in ax.fourislands_source.replace("\n", " ") and label in ax.fourislands_alt


# --- the split calculator: logic ----------------------------------------------------------------


def test_the_1956_promise_is_the_two_island_option(options):
    two = options.set_index("id").loc["two", "islands_to_japan"]
    assert set(two.split(";")) == set(model.PROMISE_1956)


def test_split_by_islands_gives_area_shares(areas):
    total = sum(areas.values())
    two = model.split_by_islands(["shikotan", "habomai"], areas)
    assert two.japan_percent == pytest.approx(100 * (areas["habomai"] + areas["shikotan"]) / total)
    assert two.promise_covered_percent == pytest.approx(100) and two.times_promise == pytest.approx(1)
    assert two.japan_islands == ("habomai", "shikotan")  # table order, whatever the input order
    etorofu = model.split_by_islands("etorofu", areas)
    assert etorofu.promise_covered_km2 == 0 and etorofu.japan_km2 == areas["etorofu"]
    nothing = model.split_by_islands([], areas)
    assert nothing.japan_km2 == 0 and nothing.russia_percent == 100


def test_an_equal_split_takes_the_small_islands_and_part_of_the_largest(areas):
    half = model.split_by_share(50, areas)
    total = sum(areas.values())
    assert half.japan_percent == pytest.approx(50)
    # First principles: whole islands in table order while they fit into half the land.
    expected, running = [], 0.0
    for island, area in areas.items():
        if running + area > total / 2:
            break
        expected.append(island)
        running += area
    assert list(half.japan_islands) == expected
    assert half.partial_island == list(areas)[len(expected)]
    assert half.partial_km2 == pytest.approx(total / 2 - running)


@pytest.mark.parametrize("percent", [0, 0.1, 12.5, 33.3, 50, 77.7, 99.99, 100])
def test_a_share_split_always_adds_up(areas, percent):
    result = model.split_by_share(percent, areas)
    assert result.japan_percent == pytest.approx(percent, abs=0.02)
    assert result.japan_km2 + result.russia_km2 == pytest.approx(sum(areas.values()))


@pytest.mark.parametrize("bad", [-1, 100.5, math.nan, math.inf, "half", None, [50]])
def test_a_bad_share_gets_a_message_in_words(areas, bad):
    with pytest.raises(model.SplitInputError, match="number from 0 to 100"):
        model.split_by_share(bad, areas)


def test_an_unknown_island_gets_a_message_naming_it(areas):
    with pytest.raises(model.SplitInputError, match="'hokkaido' is not one of the islands"):
        model.split_by_islands(["habomai", "hokkaido"], areas)


def test_every_island_option_is_matched_by_its_own_islands(areas, options):
    for option_id, row in options.set_index("id").iterrows():
        listed = row["islands_to_japan"]
        if not isinstance(listed, str):
            continue
        matched = {
            m.option_id
            for m in model.matching_options(model.split_by_islands(listed.split(";"), areas), options)
        }
        assert option_id in matched


def test_share_matches_name_the_options(areas, options):
    def ids(result):
        return {m.option_id for m in model.matching_options(result, options)}

    equal = float(options.set_index("id").loc["equal-area", "japan_area_share_percent"])
    assert {"equal-area", "three-plus-alpha"} <= ids(model.split_by_share(equal, areas))
    assert "none" in ids(model.split_by_share(0, areas))
    assert ids(model.split_by_share(100, areas)) >= {"four", "two-first"}
    total = sum(areas.values())
    two = 100 * sum(areas[i] for i in model.PROMISE_1956) / total
    assert "two" in ids(model.split_by_share(round(two, 1), areas))  # same share, within 0.5 points
    assert "equal-area" not in ids(model.split_by_share(equal + 1, areas))


def test_the_description_gives_both_sides_and_the_promise(islands, options, areas):
    text = split.describe_split(model.split_by_share(50, areas), islands, options)
    assert "50.0%" in text and "Etorofu / Iturup" in text and "1956 promise" in text
    assert "Equal split by area" in text


def test_part_of_an_island_has_the_requested_share_of_its_area():
    whole = maps.island_rings("etorofu")
    scale = np.array([math.cos(math.radians(45.0)), 1.0])
    total = sum(charts._area(r * scale) for r in whole)
    for fraction in (0.1, 0.21, 0.5):
        part = charts.part_of_island("etorofu", fraction)
        assert sum(charts._area(r * scale) for r in part) / total == pytest.approx(fraction, abs=0.01)
        # The part lies at the south-western end: its centre is west of the island's.
        assert np.concatenate(part)[:, 0].mean() < np.concatenate(whole)[:, 0].mean()


def test_split_map_colours_the_islands_and_says_which_go_where(islands, areas):
    ax = charts.split_map(islands, model.split_by_share(50, areas))
    assert_finished(ax, "islands")
    assert "Etorofu / Iturup" in ax.fourislands_alt and "schematic" in texts(ax)
    hatched = [p for p in ax.patches if p.get_hatch() == "///"]
    island_rings = sum(len(maps.island_rings(i)) for i in model.split_by_share(50, areas).japan_islands)
    assert len(hatched) == island_rings + len(charts.part_of_island("etorofu", 0.2))


@pytest.mark.parametrize("share", [6.9, 50.0, 80.0])
def test_split_map_fits_the_explorer_and_the_projector_with_its_names_apart(islands, areas, share):
    ax = charts.split_map(islands, model.split_by_share(share, areas))
    in_lesson, in_app = show(ax), show(ax, figures.PROJECTOR_DPI)
    assert in_lesson.shown_text_px(figures.EXPLORER_WIDTH_PX, figures.EXPLORER_HEIGHT_PX) >= 11
    assert in_app.shown_text_px(figures.PROJECTOR_WIDTH_PX, figures.PROJECTOR_HEIGHT_PX) >= 16
    # Fitting as drawn, not shrunk: the app's text is its full size on the projector.
    assert in_app.width_px <= figures.PROJECTOR_WIDTH_PX and in_app.height_px <= figures.PROJECTOR_HEIGHT_PX
    renderer = ax.figure.canvas.get_renderer()
    leaders = [t for t in ax.texts if isinstance(t, Annotation) and t.arrow_patch is not None]
    names = [Text.get_window_extent(t, renderer) for t in leaders]  # the words, not the leader
    boxes = [*names, ax.get_legend().get_window_extent(renderer)]
    assert len(names) == len(areas)
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]), "names touch"
    assert all(ax.bbox.contains(*box.min) and ax.bbox.contains(*box.max) for box in names)


def test_lesson_charts_show_their_text_at_11_px_in_the_lesson(islands, options):
    """Each chart, shrunk to the lesson's column if wider, still shows its smallest text at 11 px."""
    for ax in (
        charts.rounds_timeline(load("negotiations")),
        charts.meeting_count_chart(load("meeting_counts")),
        charts.settlement_share_chart(options, islands),
    ):
        shown = show(ax)
        assert shown.shown_text_px(figures.LESSON_WIDTH_PX) >= figures.LEAST_TEXT_PX, ax.get_title(loc="left")
        assert shown.width_px <= figures.LESSON_WIDTH_PX, ax.get_title(loc="left")  # none shrunk


# --- the split calculator: widget ---------------------------------------------------------------


def test_split_explorer_reacts_to_islands_and_to_the_slider(areas):
    explorer = split.split_explorer()
    controls = explorer.controls
    assert "fi-explorer" in explorer._dom_classes
    assert set(explorer.split.japan_islands) == set(model.PROMISE_1956)
    before, alt_before = controls["summary"].value, explorer.figure_alt
    controls["islands"]["kunashiri"].value = True
    assert "kunashiri" in explorer.split.japan_islands and controls["summary"].value != before
    assert explorer.figure_alt != alt_before
    controls["mode"].value = "share"
    controls["share"].value = 50.0
    assert explorer.split.partial_island == "etorofu"
    assert "Equal split by area" in controls["summary"].value


# --- the bargaining game ------------------------------------------------------------------------

C, D = "cooperate", "defect"


def pd_matrix(t, r, p, s):
    """A symmetric prisoner's dilemma with temptation t > reward r > punishment p > sucker s."""
    return {(C, C): (r, r), (C, D): (s, t), (D, C): (t, s), (D, D): (p, p)}


def test_a_prisoners_dilemma_has_defection_dominant_and_a_better_cell():
    matrix = pd_matrix(5, 3, 1, 0)
    assert bargaining.dominant_strategy(matrix, "japan") == (D, True)
    assert bargaining.dominant_strategy(matrix, "russia") == (D, True)
    assert bargaining.nash_equilibria(matrix) == [(D, D)]
    assert bargaining.better_for_both(matrix, (D, D)) == [(C, C)]


def test_a_coordination_game_has_two_equilibria_and_no_dominant_move():
    matrix = {(C, C): (4, 4), (C, D): (0, 1), (D, C): (1, 0), (D, D): (2, 2)}
    assert bargaining.nash_equilibria(matrix) == [(C, C), (D, D)]
    assert bargaining.dominant_strategy(matrix, "japan") is None


def test_matching_pennies_has_no_pure_equilibrium():
    matrix = {(C, C): (1, -1), (C, D): (-1, 1), (D, C): (-1, 1), (D, D): (1, -1)}
    assert bargaining.nash_equilibria(matrix) == []
    assert any("No cell is an equilibrium" in line for line in bargaining.explain(matrix))


def test_ties_give_both_best_replies_and_weak_dominance():
    matrix = {(C, C): (2, 1), (C, D): (1, 1), (D, C): (2, 0), (D, D): (0, 0)}
    assert bargaining.best_responses(matrix, "japan")[C] == (C, D)
    assert bargaining.dominant_strategy(matrix, "japan") == (C, False)


def test_su_wangs_game_gives_her_conclusion():
    """003: Japan 'can only choose cooperation'; 'it is Russia's interest to keep choosing defection'."""
    matrix = bargaining.presets()["su-wang"][1]
    assert bargaining.dominant_strategy(matrix, "japan") == (C, True)
    assert bargaining.dominant_strategy(matrix, "russia") == (D, True)
    assert bargaining.nash_equilibria(matrix) == [(C, D)]
    lines = " ".join(bargaining.explain(matrix))
    assert "Russia: defect" in lines and "When would cooperating pay Russia" in lines


def test_the_deal_pays_preset_changes_one_payoff_and_the_outcome():
    base, changed = bargaining.presets()["su-wang"][1], bargaining.presets()["deal-pays"][1]
    differences = [(cell, n) for cell in base for n in range(2) if base[cell][n] != changed[cell][n]]
    assert differences == [((C, C), 1)]  # only Russia's payoff for a deal
    assert bargaining.nash_equilibria(changed) == [(C, C)]


@given(st.lists(st.integers(-10, 10), min_size=8, max_size=8))
def test_every_equilibrium_is_a_pair_of_best_replies(values):
    cells = [(j, r) for j in bargaining.MOVES for r in bargaining.MOVES]
    matrix = {cell: (values[2 * n], values[2 * n + 1]) for n, cell in enumerate(cells)}
    for j, r in bargaining.nash_equilibria(matrix):
        for other in bargaining.MOVES:
            assert matrix[(j, r)][0] >= matrix[(other, r)][0]
            assert matrix[(j, r)][1] >= matrix[(j, other)][1]
    japan = bargaining.dominant_strategy(matrix, "japan")
    russia = bargaining.dominant_strategy(matrix, "russia")
    if japan and russia and japan[1] and russia[1]:
        assert bargaining.nash_equilibria(matrix) == [(japan[0], russia[0])]


@pytest.mark.parametrize(
    ("matrix", "words"),
    [
        ({(C, C): (1, 1)}, "has no payoffs for"),
        ({**pd_matrix(5, 3, 1, 0), (C, C): (math.nan, 3)}, "finite number"),
        ({**pd_matrix(5, 3, 1, 0), (D, D): ("one", 1)}, "must be a number"),
        ({**pd_matrix(5, 3, 1, 0), (D, D): (True, 1)}, "must be a number"),
        ({**pd_matrix(5, 3, 1, 0), (D, D): (1, 1, 1)}, "two payoffs"),
        ({**pd_matrix(5, 3, 1, 0), ("wait", C): (1, 1)}, "'cooperate' and 'defect'"),
        ("not a matrix", "must map"),
    ],
)
def test_a_bad_matrix_gets_a_message_in_words(matrix, words):
    with pytest.raises(bargaining.PayoffError, match=re.escape(words)):
        bargaining.nash_equilibria(matrix)


def test_bargaining_explorer_redraws_on_presets_and_edits():
    explorer = bargaining.bargaining_explorer()
    assert isinstance(explorer, Explorer) and "fi-explorer" in explorer._dom_classes
    assert "fi-explorer-output" in explorer.output._dom_classes
    (shown,) = explorer.output.outputs  # the matrix stands where a figure would
    assert "\u2605 equilibrium" in shown["data"]["text/html"]
    assert "Russia: defect" in explorer.summary.value
    explorer.preset.value = "classic"
    assert "Japan: defect" in explorer.summary.value and "The dilemma" in explorer.summary.value
    box = explorer.cells[((C, C), "russia")]
    before = explorer.summary.value
    box.value = 99  # out of range: the widget keeps it inside the limits
    assert box.value == bargaining.PAYOFF_LIMIT
    assert explorer.summary.value != before and "You have changed the payoffs" in explorer.summary.value


def test_bargaining_explorer_fills_a_preset_with_one_redraw_and_says_it_in_words():
    explorer = bargaining.bargaining_explorer()
    assert explorer.renders == 1 and explorer.matrix == bargaining.check_matrix(
        bargaining.presets()["su-wang"][1]
    )
    explorer.preset.value = "classic"  # eight cells change, one redraw
    assert explorer.renders == 2 and explorer.last_view.ok
    assert explorer.matrix == bargaining.check_matrix(bargaining.presets()["classic"][1])
    assert "Japan's best reply" in explorer.output.outputs[0]["data"]["text/html"]
    assert "classic prisoner&#x27;s dilemma" in explorer.about.value.lower()
    text = explorer.as_text()
    assert "Equilibrium: Japan defects and Russia defects" in text
    assert "if Japan defects and Russia defects, Japan gets 1 and Russia 1 (Japan's best reply; " in text
    assert "You have changed" not in text
    explorer.cells[((C, C), "russia")].value = 6  # Russia's reward for a deal now beats temptation
    assert explorer.renders == 3 and explorer.matrix[(C, C)] == (3.0, 6.0)
    assert "You have changed the payoffs" in explorer.as_text()
    assert "Japan cooperates and Russia cooperates, Japan gets 3 and Russia 6" in explorer.figure_alt
    explorer.preset.value = "deal-pays"
    assert "You have changed" not in explorer.summary.value
    assert bargaining.nash_equilibria(explorer.matrix) == [(C, C)]
    assert "Equilibrium: Japan cooperates and Russia cooperates" in explorer.as_text()
    bundle = explorer._repr_mimebundle_()["text/plain"]
    assert bundle.startswith(explorer.title) and "Payoff matrix: if Japan cooperates" in bundle


def test_bargaining_explorer_shows_bad_payoffs_as_a_problem_not_an_error(monkeypatch):
    explorer = bargaining.bargaining_explorer()
    # The number boxes keep every value a whole number within the limits (a word is refused):
    with pytest.raises(TraitError):
        explorer.cells[((D, D), "japan")].value = "one"
    assert explorer.cells[((D, D), "japan")].value == 0 and explorer.last_view.ok
    # so a bad matrix can only come from code: the explorer words it and draws no matrix.
    monkeypatch.setattr(explorer, "payoffs", lambda: {(C, C): (1, 1)})
    explorer.refresh()
    assert "has no payoffs for" in explorer.last_view.problem and not explorer.last_view.ok
    assert (
        "Please check" in explorer.summary.value and "Japan defects, Russia defects" in explorer.summary.value
    )
    assert explorer.output.outputs == ()
    assert explorer.as_text().startswith("Please check: The matrix has no payoffs for:")
    monkeypatch.undo()
    explorer.cells[((D, D), "japan")].value = 1
    assert explorer.last_view.ok and explorer.output.outputs


# --- the notebook -------------------------------------------------------------------------------


def test_the_notebook_names_only_questions_issues_and_rows_that_exist():
    source = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells)
    bank = {q.id for q in load_bank("02").questions}
    asked = set()
    for call in re.findall(r'quiz\("02"((?:, "[^"]+")*)\)', source):
        asked |= set(re.findall(r'"([^"]+)"', call))
    assert asked and asked <= bank
    issues = set(load("reading_issues")["id"])
    named = set(re.findall(r'reading_issue\("(I-\d+)"\)', source))
    assert {"I-2"} < named <= issues
    rows = set(load("negotiations")["id"])
    kinds = "declaration|summit|two-plus-two|statement|proposal|ministerial"
    card_ids = set(re.findall(rf'"((?:{kinds})-[^"]+)"', source)) - bank
    assert card_ids and card_ids <= rows
    assert 'quiz("02")' in source and f"Exercises: [{EXERCISE}](../exercises/{EXERCISE})" in source.replace(
        "**", ""
    )
