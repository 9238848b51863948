"""Lesson 07 (seminar): the red-lines table, the cards and charts, the role-play scoring, the notebook."""

from __future__ import annotations

import html
import inspect
import re

import ipywidgets as widgets
import nbformat
import numpy as np
import pandas as pd
import pytest
from course_root import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import PathCollection

from fourislands import DataError, figures, lessons, load, maps
from fourislands.charts import seminar
from fourislands.data import package
from fourislands.explore import roleplay
from fourislands.explore.explorer import Explorer
from fourislands.figures import show
from fourislands.keyboard import SCOPE_CLASS
from fourislands.lesson import source_html
from fourislands.model import seminar as model
from fourislands.model.negotiations import PROMISE_1956, island_areas, option_shares
from fourislands.quizbank import load_bank

NOTEBOOK = ROOT / "notebooks" / "07-seminar.ipynb"
ALL_ISLANDS = ("habomai", "shikotan", "kunashiri", "etorofu")


@pytest.fixture(scope="module")
def red_lines():
    return load("red_lines")


@pytest.fixture(scope="module")
def polls():
    return load("opinion_polls").set_index("id")["percent"].astype(float)


@pytest.fixture(scope="module")
def survey():
    return load("nhk_survey").set_index("id")["percent"].astype(float)


@pytest.fixture(scope="module")
def ev():
    return model.evidence()


@pytest.fixture(scope="module")
def table(ev):
    return model.package_table(ev=ev)


def texts(ax) -> str:
    return "\n".join(t.get_text() for t in ax.texts)


def assert_finished(ax, *tables: str) -> None:
    """A finished chart has a title, alt text that says something and a source line naming its tables."""
    assert ax.get_title(loc="left")
    assert len(ax.fourislands_alt) > 60
    assert "Source: data/" in texts(ax)
    for table in tables:
        assert f"data/{table}.csv" in ax.fourislands_source
    assert show(ax).png.startswith(b"\x89PNG")


def status(score, line_id: str) -> str:
    return next(c.status for c in score.lines if c.id == line_id)


# ------------------------------------------------------------------------------ the table


def test_red_lines_cover_both_sides_and_every_kind_of_condition(red_lines):
    assert set(red_lines["side"]) == {"japan", "russia"}
    assert red_lines["id"].str.startswith(tuple(f"{s}-" for s in red_lines["side"].unique())).all()
    for row in red_lines.itertuples():
        assert row.id.startswith(row.side + "-"), row.id
    kinds = red_lines.groupby("side")["kind"].apply(set)
    assert {"sovereignty", "security", "economy", "sequence"} <= kinds["japan"] & kinds["russia"]
    assert (red_lines["quote"].str.len() <= 300).all() and (red_lines["statement"].str.len() > 20).all()


def test_the_2016_economic_plan_is_flagged_on_both_sides(red_lines):
    flagged = red_lines[red_lines["issue_id"] == "I-50"]
    assert set(flagged["side"]) == {"japan", "russia"} and set(flagged["kind"]) == {"economy"}
    readings = set(load("reading_issues").set_index("id").loc["I-50", "printed_in"].split(";"))
    assert set(flagged["source_id"]) <= readings


def test_the_resource_is_described_like_the_others():
    resource = package()["resources"][-1]
    assert resource["name"] == "red_lines" and resource["path"] == "red_lines.csv"
    names = [f["name"] for f in resource["schema"]["fields"]]
    assert names == ["id", "side", "kind", "statement", "source_id", "quote", "issue_id", "scenarios"]
    for field in resource["schema"]["fields"]:
        assert {"type", "title", "description", "unit", "constraints"} <= set(field), field["name"]
        assert "required" in field["constraints"]
    keys = {fk["fields"][0]: fk["reference"]["resource"] for fk in resource["schema"]["foreignKeys"]}
    assert keys == {"source_id": "sources", "issue_id": "reading_issues"}


def test_every_red_line_has_one_rule_one_weight_and_one_name(red_lines):
    ids = set(red_lines["id"])
    scoring = load("red_line_scoring").set_index("red_line_id")
    assert ids == set(model.RULES) == set(scoring.index)
    assert scoring["short_name"].notna().all() and scoring["weight"].notna().all()
    weighed = red_lines.assign(w=red_lines["id"].map(scoring["weight"]))
    for scenario in model.SCENARIOS:
        binding = weighed[weighed["scenarios"].str.split(";").map(lambda s, sc=scenario: sc in s)]
        totals = binding.groupby("side")["w"].sum()
        assert totals["japan"] == totals["russia"], scenario  # neither side counts for more in total
        assert binding.groupby("side").size().tolist() == [7, 7], scenario


def test_the_roleplay_presets_offer_only_choices_the_model_knows():
    resource = next(r for r in package()["resources"] if r["name"] == "roleplay_presets")
    enums = {f["name"]: f["constraints"].get("enum") for f in resource["schema"]["fields"]}
    assert enums["security"] == list(model.SECURITY)
    assert enums["economy"] == list(model.ECONOMY)
    assert enums["access"] == list(model.ACCESS)
    presets = model.presets()
    assert list(presets) == list(load("roleplay_presets")["label"])
    assert all(model.check_package(*package, model.evidence()) is None for package in presets.values())


def test_a_red_line_without_a_rule_or_a_rule_without_a_row_is_a_data_error(red_lines):
    extra = pd.concat([red_lines, red_lines.iloc[[0]].assign(id="japan-something-new")])
    with pytest.raises(DataError, match="no scoring rule.*japan-something-new"):
        model.evidence(red_lines=extra)
    with pytest.raises(DataError, match="russia-russian-law"):
        model.evidence(red_lines=red_lines[red_lines["id"] != "russia-russian-law"])
    polls = load("opinion_polls")
    with pytest.raises(DataError, match="levada-2016-against-transfer-kremlin"):
        model.evidence(opinion_polls=polls[polls["id"] != "levada-2016-against-transfer-kremlin"])


# ------------------------------------------------------------------------------ cards


def test_position_cards_show_every_line_with_its_reading_and_issue(red_lines):
    cards = seminar.position_cards(red_lines)
    page = html.unescape(cards.page)
    assert page.count('class="fi-card"') == 2
    assert page.index("Japan:") < page.index("Russia:")
    sources = load("sources").set_index("id")
    for row in red_lines.itertuples():
        assert row.statement in page and row.quote in page
        if sources.loc[row.source_id, "kind"] == "reading":
            assert sources.loc[row.source_id, "short"] in page
        else:  # an outside source: its id, linked to its page, as every outside source is cited
            assert html.unescape(source_html(row.source_id, sources)) in page
    assert "Reading issue I-50" in page
    assert all(row.statement in cards.text for row in red_lines.itertuples())


def test_recommendation_cards_keep_hiroses_order():
    plans = load("plan_items")
    shuffled = plans.sample(frac=1, random_state=3)
    cards = seminar.recommendation_cards(shuffled)
    items = plans[plans["list"] == "hirose-recommendations"].sort_values("position")
    assert len(items) == 5
    positions = [cards.text.index(f"{p}. {t}") for p, t in zip(items["position"], items["text"], strict=True)]
    assert positions == sorted(positions) and "<ol>" in cards.page
    with pytest.raises(DataError, match="hirose-recommendations"):
        seminar.recommendation_cards(plans[plans["list"] != "hirose-recommendations"])


def rubric() -> list[tuple[str, int, str]]:
    """Return the seminar essay's rubric from data/: (criterion, points, full marks when) in order."""
    rows = load("essay_rubric").query("essay_id == 'seminar'").sort_values("position")
    return list(zip(rows["criterion"], rows["points"], rows["full_marks"], strict=True))


def test_the_essay_rubric_has_four_criteria_and_shows_its_total():
    assert len(rubric()) == 4
    total = sum(points for _, points, _ in rubric())
    block = seminar.essay_prompt()
    assert f"Total: {total} points" in block.text
    prompt = load("essays").set_index("id").loc["seminar", "prompt"]
    assert f"Essay. {prompt}" in block.text and html.escape(prompt) in block.page
    for name, points, _ in rubric():
        assert f"{name} ({points} points)" in block.text and html.escape(name) in block.page


def test_the_rubric_reads_from_the_left_and_the_top():
    page = seminar.essay_prompt().page
    cells = re.findall(r"<t[dh]( [^>]*)?>", page)
    assert len(cells) == 3 * (len(rubric()) + 2)
    assert all("vertical-align: top" in (c or "") for c in cells)
    assert all("text-align:" in (c or "") for c in cells)
    assert page.count("text-align: left") == 2 * (len(rubric()) + 2)


# ------------------------------------------------------------------------------ the opinion chart


def test_opinion_bars_equal_the_poll_rows(polls, survey):
    ax = seminar.opinion_chart(load("opinion_polls"), load("nhk_survey"))
    assert_finished(ax, "opinion_polls", "nhk_survey")
    expected = []
    for _, table, ids in model.OPINION_GROUPS:
        values = polls if table == "opinion_polls" else survey
        expected += [float(values[i]) for i in ids]
    widths = [b.get_width() for container in ax.containers for b in container]
    assert widths == pytest.approx(expected)
    for group, _, _ in model.OPINION_GROUPS:
        assert group in texts(ax) and group in ax.fourislands_alt
    assert f"{polls['levada-2016-against-transfer-kremlin']:g}%" in texts(ax)


# ------------------------------------------------------------------------------ scoring: the land


def test_each_option_keeps_the_land_the_split_calculator_gives(ev):
    islands, options = load("islands"), load("settlement_options")
    shares = option_shares(options, islands).set_index("id")
    equal = float(options.set_index("id").loc["equal-area", "japan_area_share_percent"])
    for option_id, land in ev.territories.items():
        if option_id in model.ALPHA_AS:
            assert land.split.japan_percent == pytest.approx(equal)  # Hirose: divide by area
        else:
            assert land.split.japan_percent == pytest.approx(shares.loc[option_id, "japan_percent"])
    assert ev.territories["two-first"].all_four and ev.territories["two-first"].later == (
        "kunashiri",
        "etorofu",
    )
    assert set(ev.territories["two"].split.japan_islands) == set(PROMISE_1956)
    assert not ev.territories["none"].transfer


# ------------------------------------------------------------------------------ scoring: red lines


def test_a_score_is_the_weighted_share_of_the_lines_at_stake(ev):
    for pkg in [
        ("two", "no-foreign-forces", "eight-point-plan", "visa-free"),
        ("equal-area", "none", "none", "none"),
    ]:
        for weighting in model.WEIGHTINGS:
            score = model.score_package(*pkg, weighting=weighting, ev=ev)
            for side in ("japan", "russia"):
                at_stake = [c for c in score.lines if c.side == side and c.status != model.NOT_AT_STAKE]
                value = {"kept": 1, "partly kept": 0.5, "crossed": 0}
                weight = (lambda c: 1) if weighting == "equal" else (lambda c: ev.weights[c.id])
                expected = (
                    100 * sum(weight(c) * value[c.status] for c in at_stake) / sum(map(weight, at_stake))
                )
                assert score.red_line_score(side) == pytest.approx(expected)


def test_each_sides_opening_position_keeps_all_its_own_lines_of_2018(ev):
    # The presets are the readings' positions: they keep their own side's lines of 2018 (the
    # scenario is named since 2026 became the default).
    japan = model.score_package(*model.presets()["Japan's opening position"], scenario="2018", ev=ev)
    russia = model.score_package(*model.presets()["Russia's opening position"], scenario="2018", ev=ev)
    assert japan.red_line_score("japan") == 100 and not japan.crossed("japan")
    assert russia.red_line_score("russia") == 100 and not russia.crossed("russia")
    assert status(japan, "russia-sovereignty-unquestionable") == model.CROSSED
    assert status(russia, "japan-all-four-islands") == model.CROSSED
    assert status(russia, "japan-cooperation-for-progress") == model.CROSSED  # money, no islands


def test_only_all_four_islands_keep_japans_core_line(ev):
    for option_id, land in ev.territories.items():
        score = model.score_package(option_id, ev=ev)
        kept = status(score, "japan-all-four-islands") == model.KEPT
        assert kept == (set(land.split.japan_islands) == set(ALL_ISLANDS))


def test_russia_keeps_sovereignty_only_without_a_transfer_and_partly_for_the_1956_islands(ev):
    expected = {
        option_id: (
            model.KEPT
            if land.split.japan_km2 == 0
            else model.PARTLY
            if set(land.split.japan_islands) == set(PROMISE_1956) and land.split.partial_island is None
            else model.CROSSED
        )
        for option_id, land in ev.territories.items()
    }
    for option_id, wanted in expected.items():
        assert status(model.score_package(option_id, ev=ev), "russia-sovereignty-unquestionable") == wanted


def test_security_clauses_matter_only_when_an_island_changes_hands(ev):
    lines = ("japan-alliance-stays", "russia-no-us-forces", "russia-outside-security-treaty")
    for clause in model.SECURITY:
        score = model.score_package("none", clause, ev=ev)
        assert {status(score, line) for line in lines} == {model.NOT_AT_STAKE}
    outside = model.score_package("three", "outside-treaty", ev=ev)
    assert status(outside, "russia-outside-security-treaty") == model.KEPT
    assert status(outside, "japan-alliance-stays") == model.CROSSED
    bare = model.score_package("three", "none", ev=ev)
    assert status(bare, "russia-no-us-forces") == model.CROSSED
    assert status(bare, "japan-alliance-stays") == model.KEPT


def test_the_law_for_joint_activities_is_a_mirror(ev):
    special = model.score_package("two", economy="joint-special", ev=ev)
    russian = model.score_package("two", economy="joint-russian-law", ev=ev)
    pairs = ("japan-special-legal-system", "russia-russian-law")
    assert [status(special, i) for i in pairs] == [model.KEPT, model.CROSSED]
    assert [status(russian, i) for i in pairs] == [model.CROSSED, model.KEPT]
    everything = model.score_package("four", economy="joint-special", ev=ev)  # no island stays Russian
    assert {status(everything, i) for i in pairs} == {model.NOT_AT_STAKE}


def test_access_changes_only_the_access_line_and_the_former_residents(ev):
    base = model.score_package("three", "demilitarised", "eight-point-plan", "visa-free", ev=ev)
    for access in ("grave-visits", "none"):
        other = model.score_package("three", "demilitarised", "eight-point-plan", access, ev=ev)
        changed = {a.id for a, b in zip(base.lines, other.lines, strict=True) if a.status != b.status}
        assert changed == {"japan-former-residents-access"}
        moved = {a.group for a, b in zip(base.opinions, other.opinions, strict=True) if a.score != b.score}
        assert moved == {"Former residents"}
        assert other.red_line_score("russia") == base.red_line_score("russia")


def test_no_package_keeps_every_line_of_both_sides_under_either_weighting(ev, table):
    assert len(table) == len(ev.territories) * len(model.SECURITY) * len(model.ECONOMY) * len(model.ACCESS)
    assert not ((table["japan_crossed"] == 0) & (table["russia_crossed"] == 0)).any()
    equal = model.package_table("equal", ev=ev)
    assert not ((equal["japan_score"] == 100) & (equal["russia_score"] == 100)).any()
    assert table[["japan_score", "russia_score"]].stack().between(0, 100).all()


def test_closest_packages_are_ranked_by_lines_crossed(ev, table):
    closest = model.closest_packages(8, ev=ev)
    totals = (closest["japan_crossed"] + closest["russia_crossed"]).tolist()
    assert totals == sorted(totals)
    assert totals[0] == int((table["japan_crossed"] + table["russia_crossed"]).min())
    assert len(model.closest_packages(0, ev=ev)) == 0


# ------------------------------------------------------------------------------ scoring: the publics


def test_the_publics_read_the_poll_rows(ev, polls, survey):
    four, flexible = polls["mainichi-2016-four-islands-hirose"], polls["mainichi-2016-flexible-hirose"]
    against = polls["levada-2016-against-transfer-kremlin"]
    visit = survey["t4-former-residents-2015-visit-freely"]
    together = survey["t4-former-residents-2015-live-together"]

    def publics(*pkg, **parts):
        return {o.group: o.score for o in model.score_package(*pkg, **parts, ev=ev).opinions}

    assert publics("four") == pytest.approx(
        {"Japanese public": 100, "Former residents": visit + together, "Russian public": 100 - against}
    )
    assert publics("two", access="visa-free") == pytest.approx(
        {"Japanese public": 100 - four, "Former residents": visit + together, "Russian public": 100 - against}
    )
    assert publics("two", access="grave-visits")["Former residents"] == pytest.approx(together)
    assert publics("none", access="none") == pytest.approx(
        {"Japanese public": 100 - four - flexible, "Former residents": 0, "Russian public": 100}
    )
    reasons = " ".join(
        o.reason for o in model.score_package("two", economy="eight-point-plan", ev=ev).opinions
    )
    assert f"{polls['levada-2016-keep-islands-kremlin']:g}%" in reasons  # money does not buy the public


def test_every_check_says_why_in_words(table, ev):
    for pkg in model.all_packages(ev)[::37]:
        score = model.score_package(pkg, ev=ev)
        assert all(len(c.reason) > 20 for c in score.lines)
        assert all(re.search(r"\d", o.reason) for o in score.opinions)  # each public reason gives its figures
        page = roleplay.score_html(score)
        assert page.count("<tr>") == len(score.lines) + 2  # a header row per side
        assert "illustrative" in page


# ------------------------------------------------------------------------------ scoring: bad choices


@pytest.mark.parametrize(
    ("choices", "words"),
    [
        (("five",), "no territory option 'five'"),
        (("",), "Please choose a territory option"),
        ((None,), "Please choose a territory option"),
        ((4,), "no territory option '4'"),
        (("two", "nuclear"), "no security choice 'nuclear'"),
        (("two", "none", "money"), "no economy choice 'money'"),
        (("two", "none", "none", "tunnel"), "no access choice 'tunnel'"),
    ],
)
def test_a_bad_choice_gets_a_message_in_words(ev, choices, words):
    score = model.score_package(*choices, ev=ev)
    assert not score.ok and words in score.message and "Choose one of" in score.message
    assert score.red_line_score("japan") is None and "Please check" in roleplay.score_html(score)


def test_an_unknown_weighting_gets_a_message(ev):
    score = model.score_package("two", weighting="heavy", ev=ev)
    assert not score.ok and "weighting" in score.message


@settings(max_examples=60)
@given(
    st.one_of(st.text(max_size=30), st.integers(), st.none(), st.floats(allow_nan=True)), st.text(max_size=10)
)
def test_no_choice_ever_raises(ev, territory, access):
    score = model.score_package(territory, "none", "none", access, ev=ev)
    assert score.ok == (territory in ev.territories and access in model.ACCESS)


# ------------------------------------------------------------------------------ package charts


def test_score_bars_equal_the_scores(ev):
    score = model.score_package("two", "no-foreign-forces", "eight-point-plan", "visa-free", ev=ev)
    ax = seminar.package_score_chart(score)
    assert_finished(ax, "red_lines", "opinion_polls", "nhk_survey")
    widths = [p.get_width() for p in ax.patches]
    expected = [
        score.red_line_score("japan"),
        *[o.score for o in score.opinion("japan")],
        score.red_line_score("russia"),
        *[o.score for o in score.opinion("russia")],
    ]
    assert widths == pytest.approx(expected)
    # Each bar is named above it, across the chart (no y tick labels to take the width).
    assert not [t for t in ax.get_yticklabels() if t.get_text()]
    names = [t for t in ax.texts if t.get_va() == "bottom" and t.get_position()[0] == 1]
    labels = [t.get_text() for t in sorted(names, key=lambda t: -t.get_position()[1])]  # top to bottom
    assert len(labels) == len(expected)
    assert labels[0].startswith("Japan: red lines") and "Levada 2016" in labels[-1]
    assert f"{len(score.crossed('japan'))} crossed" in labels[0]
    with pytest.raises(DataError, match="not scored"):
        seminar.package_score_chart(model.score_package("zzz", ev=ev))


@pytest.mark.parametrize(
    ("weighting", "words"), [("illustrative", "illustrative weights"), ("equal", "counts the same")]
)
def test_score_chart_names_the_weights_it_was_drawn_with(ev, weighting, words):
    score = model.score_package(
        "two", "no-foreign-forces", "eight-point-plan", "visa-free", weighting=weighting, ev=ev
    )
    ax = seminar.package_score_chart(score)
    # The axis label and source line are wrapped to the chart's width: read them as one line each.
    label, source = (" ".join(words.split()) for words in (ax.get_xlabel(), ax.fourislands_source))
    assert words in label
    if weighting == "equal":
        assert "illustrative" not in label + source
        assert "counting every red line the same" in source
    else:
        assert "with illustrative weights" in source


def test_the_map_colours_the_islands_as_the_package_divides_them(ev):
    islands = load("islands")
    rings = {i: len(maps.island_rings(i)) for i in ALL_ISLANDS}
    two = model.score_package("two", "demilitarised", ev=ev)
    ax = seminar.package_map(islands, two)
    assert_finished(ax, "settlement_options", "islands")
    hatched = [p for p in ax.patches if p.get_hatch() == "///"]
    assert len(hatched) == rings["habomai"] + rings["shikotan"]
    # The key and the names are wrapped to the map's width: read them as one line.
    words = " ".join(texts(ax).split())
    assert "Demilitarised islands" in words
    assert all(name in words for name in ("Etorofu / Iturup", "Kunashiri / Kunashir", "Shikotan"))
    share = 100 * sum(island_areas(islands)[i] for i in PROMISE_1956) / sum(island_areas(islands).values())
    assert f"{share:.1f}%" in ax.get_title(loc="left") and f"{share:.1f}%" in ax.fourislands_alt
    phased = seminar.package_map(islands, model.score_package("two-first", ev=ev))
    dotted = [p for p in phased.patches if p.get_hatch() == "..."]
    assert len(dotted) == rings["kunashiri"] + rings["etorofu"]
    legend = [t.get_text() for t in phased.get_legend().get_texts()]
    assert "to Japan later" in legend and "with Russia" not in legend
    equal = seminar.package_map(islands, model.score_package("equal-area", ev=ev))
    assert "schematic" in texts(equal) and "Etorofu / Iturup" in equal.fourislands_alt


def test_the_landscape_plots_every_package_and_names_the_highlighted_ones(table):
    parts = {"security": "no-foreign-forces", "economy": "eight-point-plan", "access": "visa-free"}
    ax = seminar.red_line_landscape(table, highlight=parts)
    assert_finished(ax, "red_lines")
    grey, *named = [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets())]
    points = {tuple(p) for p in np.round(grey.get_offsets(), 1)}
    assert points == set(zip(table["japan_score"].round(1), table["russia_score"].round(1), strict=True))
    shown = table[(table[list(parts)] == pd.Series(parts)).all(axis=1)]
    marked = {tuple(np.round(c.get_offsets()[0], 6)) for c in named}
    assert marked == set(zip(shown["japan_score"].round(6), shown["russia_score"].round(6), strict=True))
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    for label in shown["territory_label"]:
        assert label.split()[0] in legend
    assert ax.get_title(loc="left").startswith("No package")
    assert all(t.get_fontsize() >= 8.5 for t in [*ax.get_legend().get_texts(), ax.get_legend().get_title()])
    perfect = table.copy()
    perfect.loc[0, ["japan_score", "russia_score"]] = 100.0  # a made-up package that keeps everything
    assert ax.get_title(loc="left") != seminar.red_line_landscape(perfect).get_title(loc="left")
    with pytest.raises(DataError, match="missing columns"):
        seminar.red_line_landscape(table.drop(columns="russia_score"))


def test_every_chart_is_legible_where_it_is_shown(ev, table):
    """The smallest text of each chart, shrunk to where it is shown, stays readable.

    A lesson shows a figure at most LESSON_WIDTH_PX wide; the role-play explorer shows its map and
    score chart at most EXPLORER_WIDTH_PX by EXPLORER_HEIGHT_PX, and its projector app draws them at
    PROJECTOR_DPI in at most PROJECTOR_WIDTH_PX by PROJECTOR_HEIGHT_PX, read from the back of a room.
    """
    islands = load("islands")
    parts = {"security": "no-foreign-forces", "economy": "eight-point-plan", "access": "visa-free"}
    two = model.score_package("two", "no-foreign-forces", "eight-point-plan", "visa-free", ev=ev)
    lesson = {
        "opinion": seminar.opinion_chart(load("opinion_polls"), load("nhk_survey")),
        "scores": seminar.package_score_chart(two),
        "map": seminar.package_map(islands, two),
        "landscape": seminar.red_line_landscape(table, highlight=parts),
    }
    for name, ax in lesson.items():
        shown = show(ax)
        assert shown.width_px <= figures.LESSON_WIDTH_PX, name
        assert shown.shown_text_px(figures.LESSON_WIDTH_PX) >= figures.LEAST_TEXT_PX, name
    # The longest title (three lines) and the longest key (a part of an island) of the explorer.
    for scored in (two, model.score_package("two-first", ev=ev), model.score_package("equal-area", ev=ev)):
        for draw in (seminar.package_map, seminar.package_score_chart):
            args = (islands, scored) if draw is seminar.package_map else (scored,)
            explorer = show(draw(*args, size=seminar.EXPLORER_SIZE))
            assert (
                explorer.shown_text_px(figures.EXPLORER_WIDTH_PX, figures.EXPLORER_HEIGHT_PX)
                >= figures.LEAST_TEXT_PX
            ), (draw.__name__, scored.summary)
            app = show(draw(*args, size=seminar.EXPLORER_SIZE), figures.PROJECTOR_DPI)
            assert (
                app.shown_text_px(figures.PROJECTOR_WIDTH_PX, figures.PROJECTOR_HEIGHT_PX)
                >= figures.PROJECTOR_TEXT_PX
            ), (draw.__name__, scored.summary)


# ------------------------------------------------------------------------------ the scenarios: 2026 and 2018

NEW_IN_2026 = {
    "japan-inherent-territory-2022",
    "japan-sanctions-kept",
    "russia-no-ceding-territory-2020",
    "russia-war-outcome-first",
    "russia-no-treaty-while-unfriendly",
}


def test_the_seminar_is_set_in_2026_by_default(ev):
    assert model.DEFAULT_SCENARIO == "2026" and list(model.SCENARIOS) == ["2026", "2018"]
    for function in (
        model.score_package,
        model.package_table,
        model.closest_packages,
        model.weights_table,
        roleplay.roleplay_explorer,
    ):
        assert inspect.signature(function).parameters["scenario"].default == "2026", function.__name__
    score = model.score_package("two", ev=ev)
    assert score.scenario == "2026" and score.message.startswith(
        "Scored against the red lines that bind in 2026."
    )
    assert {c.id for c in score.lines} >= NEW_IN_2026
    assert roleplay.roleplay_explorer(draw_map=False).scenario.value == "2026"


def test_the_new_red_lines_load_with_their_sources_quotes_and_weights(red_lines):
    sources = load("sources").set_index("id")
    scoring = load("red_line_scoring").set_index("red_line_id")
    new = red_lines[red_lines["scenarios"] == "2026"]
    assert set(new["id"]) == NEW_IN_2026
    for row in new.itertuples():
        source = sources.loc[row.source_id]
        assert source["kind"] == "outside" and source["url"].startswith("http"), row.id
        assert source["confidence"] in {"high", "medium"} and row.quote.strip(), row.id
        assert scoring.loc[row.id, "weight"] >= 1 and scoring.loc[row.id, "short_name"], row.id
    # The lines of 2018 that later events overtook bind only in the readings' scenario.
    overtaken = set(red_lines.loc[red_lines["scenarios"] == "2018", "id"])
    assert overtaken == {
        "japan-two-first-only-if-four",
        "japan-cooperation-for-progress",
        "russia-1956-terms-open",
        "russia-economy-no-condition",
        "russia-treaty-without-preconditions",
    }
    assert set(red_lines["scenarios"]) == {"2018", "2026", "2018;2026"}
    resource = next(r for r in package()["resources"] if r["name"] == "red_lines")
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "scenarios")
    assert "2026" in field["description"] and field["constraints"]["required"]


def test_each_scenario_scores_exactly_the_lines_that_bind_in_it(ev, red_lines):
    for scenario in model.SCENARIOS:
        binding = {r.id for r in red_lines.itertuples() if scenario in r.scenarios.split(";")}
        score = model.score_package(
            "three", "demilitarised", "joint-special", "visa-free", scenario=scenario, ev=ev
        )
        assert {c.id for c in score.lines} == binding and score.scenario == scenario
        assert [row["id"] for row in ev.binding(scenario)] == [i for i in red_lines["id"] if i in binding]
        assert set(model.weights_table(scenario=scenario)["id"]) == binding


def test_a_transfer_crosses_the_2026_constitution_and_not_the_2018_lines(ev):
    line = "russia-no-ceding-territory-2020"
    for option_id, land in ev.territories.items():
        now = model.score_package(option_id, ev=ev)
        then = model.score_package(option_id, scenario="2018", ev=ev)
        assert line not in {c.id for c in then.lines}
        expected = model.KEPT if not land.transfer else model.PARTLY if land.promise_only else model.CROSSED
        assert status(now, line) == expected, option_id
    three = model.score_package("three", ev=ev)
    assert status(three, line) == model.CROSSED and three.crossed("russia")
    assert "constitution" in next(c.reason for c in three.lines if c.id == line)
    # The two islands of 1956 pass only as a border delimitation, the amended article's exception.
    assert "delimitation" in next(c.reason for c in model.score_package("two", ev=ev).lines if c.id == line)


def test_the_2026_lines_read_the_package_as_their_sources_state_them(ev):
    def statuses(line, *pkg):
        return status(model.score_package(*pkg, ev=ev), line)

    for option_id, land in ev.territories.items():  # Japan's 2022 wording: no island left to Russia
        kept = statuses("japan-inherent-territory-2022", option_id) == model.KEPT
        assert kept == land.all_four, option_id
    war = "russia-war-outcome-first"  # Lavrov: recognise Russian sovereignty over all the islands first
    assert [statuses(war, t) for t in ("none", "two", "two-plus-alpha", "three", "four")] == [
        model.KEPT,
        model.PARTLY,
        model.CROSSED,
        model.CROSSED,
        model.CROSSED,
    ]
    # Japan's sanctions and Russia's "change in relations" mirror each other over the economic part.
    for economy, japan, russia in [
        ("none", model.KEPT, model.CROSSED),
        ("eight-point-plan", model.CROSSED, model.KEPT),
        ("joint-special", model.PARTLY, model.PARTLY),
        ("joint-russian-law", model.PARTLY, model.PARTLY),
    ]:
        score = model.score_package("two", economy=economy, ev=ev)
        assert status(score, "japan-sanctions-kept") == japan, economy
        assert status(score, "russia-no-treaty-while-unfriendly") == russia, economy


def test_the_scenario_changes_the_scores_and_the_closest_packages(ev):
    package = model.Package(*model.presets()["The 1956 text plus guarantees"])
    now, then = (model.score_package(package, scenario=s, ev=ev) for s in ("2026", "2018"))
    assert (now.red_line_score("japan"), now.red_line_score("russia")) != (
        then.red_line_score("japan"),
        then.red_line_score("russia"),
    )
    assert (
        len(now.crossed("japan")) == len(then.crossed("japan")) + 1
    )  # the eight-point plan, under sanctions
    assert then.message.startswith("Scored against the red lines of 2018, as the readings report them.")
    assert now.opinions == then.opinions  # the publics are the same polls in both
    # The readings' openings cross a line their own side has added since.
    japan = model.score_package(*model.presets()["Japan's opening position"], ev=ev)
    assert [c.id for c in japan.crossed("japan")] == ["japan-sanctions-kept"]
    russia = model.score_package(*model.presets()["Russia's opening position"], ev=ev)
    assert [c.id for c in russia.partly("russia")] == ["russia-no-treaty-while-unfriendly"]
    # No deal keeps every line in either scenario, and 2026 is the harder one.
    fewest = {}
    for scenario in model.SCENARIOS:
        table = model.package_table(ev=ev, scenario=scenario)
        assert set(table["scenario"]) == {scenario}
        assert not ((table["japan_crossed"] == 0) & (table["russia_crossed"] == 0)).any()
        fewest[scenario] = int((table["japan_crossed"] + table["russia_crossed"]).min())
    assert fewest == {"2026": 3, "2018": 2}
    closest = model.closest_packages(1, ev=ev, scenario="2026")
    assert closest.loc[0, "japan_crossed"] + closest.loc[0, "russia_crossed"] == fewest["2026"]


def test_a_bad_scenario_gets_a_message_in_words(ev, red_lines):
    for bad in ("1999", None, 2026):
        score = model.score_package("two", scenario=bad, ev=ev)
        assert (
            not score.ok and "There is no scenario" in score.message and "'2026' and '2018'" in score.message
        )
    with pytest.raises(ValueError, match="no scenario '1999'"):
        model.package_table(scenario="1999", ev=ev)
    with pytest.raises(DataError, match="scenarios"):
        model.evidence(red_lines=red_lines.assign(scenarios=red_lines["scenarios"].replace("2026", "2030")))
    without_japan = red_lines.assign(
        scenarios=[
            ("2018" if side == "japan" else cell)
            for side, cell in zip(red_lines["side"], red_lines["scenarios"], strict=True)
        ]
    )
    with pytest.raises(DataError, match="the scenario 2026 needs red lines of both sides"):
        model.evidence(red_lines=without_japan)


def test_the_cards_show_a_scenarios_lines_and_mark_the_new_ones(red_lines):
    for scenario in model.SCENARIOS:
        cards = seminar.position_cards(red_lines, scenario=scenario)
        page = html.unescape(cards.page)
        for row in red_lines.itertuples():
            assert (row.statement in page) == (scenario in row.scenarios.split(";")), (scenario, row.id)
        assert f"Japan: what Tokyo says it cannot give up ({scenario})" in cards.text
        assert ("New since 2018." in page) == (scenario == "2026")
    everything = html.unescape(seminar.position_cards(red_lines).page)
    assert everything.count("New since 2018.") == 5 and everything.count("2018 only") == 5
    with pytest.raises(DataError, match="no scenario"):
        seminar.position_cards(red_lines, scenario="1999")


def test_the_charts_name_the_scenario_they_score(ev):
    then = model.score_package(
        "two", "no-foreign-forces", "eight-point-plan", "visa-free", scenario="2018", ev=ev
    )
    ax = seminar.package_score_chart(then)
    assert "red lines of 2018" in " ".join(ax.get_xlabel().split())
    assert "the red lines of 2018, as the readings report them" in ax.fourislands_alt
    landscape = seminar.red_line_landscape(model.package_table(ev=ev, scenario="2026"))
    assert "red lines of 2026" in " ".join(landscape.fourislands_source.split())


def test_the_scenario_row_is_a_keyboard_toggle_row_that_changes_the_verdict(ev):
    explorer = roleplay.roleplay_explorer(draw_map=False)
    views = count_views(explorer)
    row = explorer.scenario
    column = area(explorer, "controls").children
    # A compact toggle row at the top of the column, which the keyboard scope announces as a radio group.
    assert isinstance(row, widgets.ToggleButtons) and row.description == "Red lines of"
    assert [value for _, value in row.options] == ["2026", "2018"] and len(row.tooltips) == 2
    assert SCOPE_CLASS in explorer._dom_classes
    assert column.index(row) < column.index(explorer.presets[0]) < column.index(explorer.territory)
    assert "red lines that bind in 2026" in explorer.summary.value
    assert "red lines of 2026:" in explorer.details.value
    row.value = "2018"
    assert len(views) == 1 and explorer.last_score.scenario == "2018"
    assert "red lines of 2018, as the readings report them" in explorer.summary.value
    assert "Japan's red lines of 2018:" in explorer.details.value
    expected = model.score_package(explorer.package, scenario="2018", ev=ev).message
    assert html.escape(expected) in explorer.summary.value and expected in explorer.as_text()
    russia = next(b for b in explorer.presets if b.description == "Russia's opening position")
    russia.click()
    assert explorer.scenario.value == "2018" and explorer.last_score.red_line_score("russia") == 100
    row.value = "2026"
    assert (
        explorer.last_score.red_line_score("russia") < 100
    )  # its 2018 opening meets a 2026 line only in part
    row.value = None
    assert "There is no scenario" in explorer.last_view.problem and explorer.details.value == ""
    started = roleplay.roleplay_explorer(draw_map=False, scenario="2018")
    assert started.scenario.value == "2018" and started.last_score.scenario == "2018"
    odd = roleplay.roleplay_explorer(draw_map=False, scenario="1999")
    assert "no scenario &#x27;1999&#x27;" in odd.notice.value and odd.scenario.value == "2026"
    assert odd.last_view.ok


# ------------------------------------------------------------------------------ the widget


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def count_views(explorer) -> list:
    """Record the package each redraw of an explorer scores (the explorer calls view() once a redraw)."""
    packages = []
    view = explorer.view

    def counted():
        packages.append(explorer.package)
        return view()

    explorer.view = counted
    return packages


def area(explorer, name: str):
    return next(child for child in explorer.children if child.layout.grid_area == name)


def shown_text(output) -> list[str]:
    return [o["data"]["text/plain"] for o in output.outputs]


def test_the_explorer_is_keyboard_friendly_and_classed():
    explorer = roleplay.roleplay_explorer(draw_map=False)
    kinds = {type(w) for w in walk(explorer)}
    assert not kinds & {widgets.Dropdown, widgets.Select, widgets.SelectMultiple}
    assert widgets.RadioButtons in kinds
    assert "fi-explorer" in explorer._dom_classes and "fi-explorer-output" in explorer.output._dom_classes
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"].startswith(f"{explorer.title} (open this notebook in JupyterLab")
    assert "Role-play scorer" in bundle["text/plain"] and "red lines" in bundle["text/plain"]
    assert explorer.as_text() in bundle["text/plain"]


def test_the_explorer_keeps_to_the_contract_and_adds_no_wiring_of_its_own():
    assert issubclass(roleplay.RoleplayExplorer, Explorer)
    own = vars(roleplay.RoleplayExplorer)
    for name in ("_repr_mimebundle_", "refresh", "holding", "watch", "_show", "as_text", "redraw"):
        assert name not in own, name
    explorer = roleplay.roleplay_explorer(draw_map=False)
    assert not {"_quiet", "_busy", "_updating"} & set(vars(explorer))
    classes = [c for w in walk(explorer) for c in w._dom_classes if c.startswith("fi-explorer")]
    assert sorted(classes) == sorted(set(classes))  # each of the base's classes once, none added
    assert explorer._dom_classes.count("fi-explorer") == 1 and classes.count("fi-explorer-output") == 1


def test_the_controls_sit_in_a_column_beside_the_map_and_the_reasons_are_folded(ev):
    explorer = roleplay.roleplay_explorer(("three", "demilitarised", "eight-point-plan", "visa-free"))
    assert explorer.layout.grid_template_columns.startswith("minmax(220px, 340px)")
    column = area(explorer, "controls").children
    radios = [explorer.territory, explorer.security, explorer.economy, explorer.access, explorer.weighting]
    for control in [*radios, explorer.draw_map, *explorer.presets]:
        assert control in column  # stacked in the column, not side by side in a row
    assert [column.index(r) for r in radios] == sorted(column.index(r) for r in radios)
    assert all(isinstance(r, widgets.RadioButtons) and r.description for r in radios)
    assert explorer.output in area(explorer, "figure").children
    assert area(explorer, "summary") is explorer.summary
    # The map is the figure; the verdict and the publics are under it; every reason is in a folded note.
    score = model.score_package(explorer.package, ev=ev)
    (shown,) = explorer.last_view.figures
    assert (
        "Map of the four islands" in shown.alt and "Map of the four islands" in shown_text(explorer.output)[0]
    )
    assert html.escape(score.message) in explorer.summary.value
    assert "Russian public (Levada 2016), not against: 22%" in explorer.summary.value
    assert "<table" not in explorer.summary.value  # the red-line table is folded away
    assert explorer.notes.selected_index is None
    assert explorer.notes.titles == (roleplay.DETAILS_NOTE, roleplay.CHART_NOTE)
    assert explorer.notes.children[0] is explorer.details
    assert explorer.details.value == roleplay.details_html(score)
    for line in score.lines:
        assert html.escape(line.statement) in explorer.details.value
        assert html.escape(line.reason) in explorer.details.value
    assert explorer.details.value.count("<tr>") == len(score.lines) + 2
    words = explorer.as_text()
    assert words.startswith("The package Territory: Three islands") and score.message in words
    assert words.endswith(shown.alt)


def test_choices_presets_and_weights_drive_the_words_and_the_map(ev):
    explorer = roleplay.roleplay_explorer(draw_map=False)
    views = count_views(explorer)
    start = explorer.summary.value
    assert explorer.last_view.ok and explorer.last_view.figures == () and explorer.output.outputs == ()
    explorer.territory.value = "four"
    assert len(views) == 1 and explorer.summary.value != start
    assert explorer.last_score.package.territory == "four" and explorer.last_view.ok
    russia = next(b for b in explorer.presets if b.description == "Russia's opening position")
    russia.click()
    assert explorer.package == model.Package(*model.presets()["Russia's opening position"])
    assert len(views) == 2 and views[-1] == explorer.package  # four controls set, one redraw
    expected = model.score_package(explorer.package, ev=ev).message
    assert html.escape(expected) in explorer.summary.value and expected in explorer.as_text()
    russia.click()
    assert len(views) == 2  # the package shown already: nothing to redraw
    details = explorer.details.value
    explorer.weighting.value = "equal"
    assert len(views) == 3
    assert explorer.details.value != details and "every line counts the same" in explorer.details.value
    assert "every line counts the same" in explorer.summary.value
    renders = explorer.renders
    explorer.draw_map.value = True
    assert explorer.renders == renders + 1 and len(explorer.output.outputs) == 1
    assert "Map of the four islands" in shown_text(explorer.output)[0]
    before = shown_text(explorer.output)
    explorer.territory.value = "two"
    assert explorer.renders == renders + 2 and shown_text(explorer.output) != before
    assert explorer.figure_alt in explorer.as_text()
    explorer.draw_map.value = False
    assert explorer.output.outputs == () and explorer.last_view.figures == () and explorer.figure_alt == ""


def test_the_score_chart_is_drawn_only_while_its_note_is_open():
    explorer = roleplay.roleplay_explorer(draw_map=False)
    assert explorer.renders == 0 and explorer.chart.outputs == ()
    explorer.notes.selected_index = roleplay.CHART_INDEX
    assert explorer.renders == 1
    (bars,) = shown_text(explorer.chart)
    assert "Bars of the scores" in bars and "illustrative" in bars
    explorer.notes.selected_index = roleplay.CHART_INDEX  # opened again: nothing new to draw
    assert explorer.renders == 1
    explorer.weighting.value = "equal"
    assert explorer.renders == 2 and "equal" in shown_text(explorer.chart)[0]
    explorer.notes.selected_index = None
    explorer.territory.value = "four"
    assert explorer.renders == 2 and explorer.chart.outputs == ()
    explorer.notes.selected_index = roleplay.CHART_INDEX
    assert explorer.renders == 3 and "all four islands" in shown_text(explorer.chart)[0]


def test_a_bad_choice_in_the_widget_is_a_problem_in_words_not_a_traceback():
    explorer = roleplay.roleplay_explorer()
    explorer.notes.selected_index = roleplay.CHART_INDEX
    explorer.territory.value = None
    problem = explorer.last_view.problem
    assert problem.startswith("Please choose a territory option") and "Choose one of" in problem
    assert "Please check" in explorer.summary.value and html.escape(problem) in explorer.summary.value
    assert explorer.output.outputs == () and explorer.chart.outputs == () and explorer.details.value == ""
    assert explorer.as_text() == f"Please check: {problem}"
    explorer.territory.value = "two"
    assert explorer.last_view.ok and explorer.output.outputs and explorer.chart.outputs
    assert explorer.details.value == roleplay.details_html(explorer.last_score)
    assert explorer.details.value.count("of 100 kept") == 2
    explorer.weighting.value = None
    assert "There is no weighting" in explorer.last_view.problem and explorer.details.value == ""


def test_the_publics_line_gives_each_share_at_the_datas_precision(ev):
    score = model.score_package("two", "no-foreign-forces", "eight-point-plan", "visa-free", ev=ev)
    line = roleplay.publics_html(score)
    for opinion in score.opinions:
        assert (
            f"{opinion.group} ({opinion.poll}), {opinion.measure}: {roleplay._percent(opinion.score)}%"
            in line
        )
    assert "63.9%" in line and "64%" not in line
    assert roleplay.publics_html(model.score_package("atlantis", ev=ev)) == ""


def test_a_bad_starting_package_gives_a_notice_not_a_traceback():
    explorer = roleplay.roleplay_explorer(model.Package("atlantis"), draw_map=False)
    assert "no territory option 'atlantis'" in html.unescape(explorer.notice.value)
    assert explorer.notice in area(explorer, "controls").children and explorer.notice.layout.display is None
    assert explorer.package == model.Package(*model.presets()["The 1956 text plus guarantees"])
    assert explorer.last_score.ok and explorer.last_view.ok
    odd = roleplay.roleplay_explorer(42, draw_map=False)
    assert "Give the starting package" in odd.notice.value and odd.last_score.ok and odd.last_view.ok
    chosen = roleplay.roleplay_explorer(("three", "demilitarised"), draw_map=False)
    assert chosen.package == model.Package("three", "demilitarised") and chosen.notice.value == ""
    assert chosen.notice.layout.display == "none"


# ------------------------------------------------------------------------------ the bank and the notebook


def test_the_bank_covers_every_objective_with_at_least_four_types():
    bank = load_bank("07")
    objectives = next(x for x in lessons() if x.id == "07").objectives
    assert 8 <= len(bank.questions) <= 12
    assert len({q.type for q in bank.questions}) >= 4
    assert {q.objective for q in bank.questions} == set(range(1, len(objectives) + 1))


def test_the_notebook_names_only_questions_issues_and_rows_that_exist():
    source = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells)
    bank = {q.id for q in load_bank("07").questions}
    asked = set()
    for call in re.findall(r'quiz\("07"((?:, "[^"]+")*)\)', source):
        asked |= set(re.findall(r'"([^"]+)"', call))
    assert asked == bank  # every question is asked in a section, and the full quiz ends the lesson
    assert 'quiz("07")' in source
    issues = set(load("reading_issues")["id"])
    named = set(re.findall(r'reading_issue\("(I-\d+)"\)', source))
    assert named and named <= issues
    timeline = set(load("timeline")["id"])
    negotiations = set(load("negotiations")["id"])
    cited = set(re.findall(r'"((?:grave|visa|first|visit|takaichi)-[a-z0-9-]+-\d{4})"', source))
    assert cited and cited <= timeline
    cards = set(re.findall(r'"((?:summit|statement|ministerial)-\d{4}-[a-z0-9-]+)"', source))
    assert cards and cards <= negotiations
    polls = set(load("opinion_polls")["id"]) | set(load("nhk_survey")["id"])
    rows = set(re.findall(r"`((?:mainichi|levada|t4)-[a-z0-9-]+)`", source))
    assert rows and rows <= polls
    assert source.count("show(") >= 4 and "roleplay_explorer(scenario=SCENARIO)" in source
    assert "illustrative" in source and "6 to 30 students" in source


def test_the_notebook_names_its_scenario_and_offers_2018_and_the_observer_roles():
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert re.search(r'^SCENARIO = "2026"', code, re.MULTILINE) and 'SCENARIO = "2018"' in code
    assert 'print(f"The seminar\'s setting: {SCENARIOS[SCENARIO]}.")' in code
    for call in (
        "position_cards(red_lines, scenario=SCENARIO)",
        "weights_table(scenario=SCENARIO)",
        "roleplay_explorer(scenario=SCENARIO)",
        "package_table(scenario=SCENARIO)",
        "closest_packages(6, scenario=SCENARIO)",
    ):
        assert call in code, call
    assert code.count("scenario=SCENARIO") == 6  # the example package too
    assert "## The setting: 2026, or 2018" in prose and "*2018: the readings*" in prose
    for role in (
        "An Ainu organisation",
        "The former residents' league",
        "Chishima Habomai Islands Residents League",
        "Russian residents of the islands",
        "The US embassy",
    ):
        assert role in prose, role
    linked = set(re.findall(r"\(bibliography\.ipynb#([a-z0-9-]+)\)", prose))
    sources = set(load("sources")["id"])
    assert linked <= sources
    new_sources = {load("red_lines").set_index("id").loc[i, "source_id"] for i in NEW_IN_2026}
    assert new_sources <= linked  # every source of a 2026 line is cited in the briefing
