"""Lesson 06 (since 2018): the period's logic, its charts, its explorer, its data and the notebook."""

from __future__ import annotations

import datetime as dt
import re

import nbformat
import pandas as pd
import pytest
from course_root import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_rgba

from fourislands import DataError, figures, load
from fourislands.charts import recent as charts
from fourislands.dates import date_span, decimal_year
from fourislands.explore import recent as explore
from fourislands.explore.explorer import Explorer
from fourislands.figures import show
from fourislands.kernels import notebook_client
from fourislands.model import recent as model
from fourislands.model.history import themes
from fourislands.quizbank import load_bank

NOTEBOOK = ROOT / "notebooks" / "06-since-2018.ipynb"
EXERCISE = "06-since-2018-exercises.ipynb"
ACTORS = ["japan", "russia", "both", "other"]
# Numbers a source writes in words ("Thirty-three percent"), tens and units.
TENS_WORDS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
UNIT_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TENS = {w: 10 * n for n, w in enumerate(TENS_WORDS, 2)}
UNITS = {w: n for n, w in enumerate(UNIT_WORDS, 1)}


@pytest.fixture(scope="module")
def timeline():
    return load("timeline")


@pytest.fixture(scope="module")
def who():
    return load("recent_actors")


@pytest.fixture(scope="module")
def wording():
    return load("bluebook_wording")


@pytest.fixture(scope="module")
def events(timeline, who):
    return model.recent_events(timeline, who)


@pytest.fixture(scope="module")
def cut(timeline):
    return model.rupture_date(timeline)


def first_day(date: str) -> dt.date:
    return date_span(date)[0]


def plain_recent(timeline: pd.DataFrame) -> pd.DataFrame:
    """The timeline rows from 2018 on, found by a plain filter (independent of the module under test)."""
    return timeline[timeline["date"].str[:4].astype(int) >= 2018]


# --- the period's events ---------------------------------------------------------------------------


def test_recent_events_are_the_rows_from_2018_in_date_order(timeline, events):
    assert set(events["id"]) == set(plain_recent(timeline)["id"])
    starts = [first_day(d) for d in events["date"]]
    assert starts == sorted(starts) and min(starts) >= dt.date(2018, 1, 1)
    assert list(events["year"]) == [d.year for d in starts]
    assert list(events["x"]) == pytest.approx([decimal_year(d) for d in events["date"]])


def test_each_event_has_its_actor_and_half(events, who, cut):
    actors = who.set_index("timeline_id")["actor"]
    assert list(events["actor"]) == [actors[i] for i in events["id"]]
    for row in events.itertuples():
        surely_before = date_span(row.date)[1] < cut
        assert row.period == (model.BEFORE if surely_before else model.AFTER), row.id
    halves = events.set_index("id")["period"]
    assert halves[model.RUPTURE_ID] == model.AFTER
    assert cut == first_day(events.set_index("id").loc[model.RUPTURE_ID, "date"])


def test_a_month_that_holds_the_invasion_counts_as_after(timeline):
    frame = pd.concat(
        [timeline[timeline["id"] == model.RUPTURE_ID], timeline.iloc[[0, 0, 0]]], ignore_index=True
    )
    frame.loc[1:, "id"] = ["in-february", "day-before", "in-january"]
    frame.loc[1:, "date"] = ["2022-02", "2022-02-23", "2022-01"]
    halves = model.recent_events(frame).set_index("id")["period"]
    assert halves["in-february"] == model.AFTER and halves[model.RUPTURE_ID] == model.AFTER
    assert halves["day-before"] == model.BEFORE and halves["in-january"] == model.BEFORE


def test_events_without_an_actor_row_are_named_not_dropped(timeline, who):
    missing = who.iloc[1:]
    events = model.recent_events(timeline, missing)
    assert len(events) == len(plain_recent(timeline))
    unclassified = events.loc[events["actor"] == model.NOT_CLASSIFIED, "id"]
    assert list(unclassified) == [who.iloc[0]["timeline_id"]]
    assert (model.recent_events(timeline)["actor"] == model.NOT_CLASSIFIED).all()
    table = model.events_per_year(events, by="actor")
    assert list(table.columns) == [*ACTORS, model.NOT_CLASSIFIED]
    chosen = model.filter_recent(events, chosen_actors=[model.NOT_CLASSIFIED])
    assert chosen.ok and list(chosen.events["id"]) == list(unclassified)


def test_the_rupture_is_read_from_its_row(timeline):
    assert model.rupture_date(timeline) == first_day(
        timeline.loc[timeline["id"] == model.RUPTURE_ID, "date"].iloc[0]
    )
    with pytest.raises(DataError, match=model.RUPTURE_ID):
        model.rupture_date(timeline[timeline["id"] != model.RUPTURE_ID])


@pytest.mark.parametrize("by, columns", [("theme", themes()), ("actor", ACTORS)])
def test_events_per_year_match_a_plain_count(timeline, events, by, columns):
    table = model.events_per_year(events, by=by)
    assert list(table.columns) == columns
    recent = plain_recent(timeline)
    years = recent["date"].str[:4].astype(int)
    assert list(table.index) == list(range(years.min(), years.max() + 1))
    assert table.to_numpy().sum() == len(recent)
    for year in table.index:
        for column in columns:
            expected = int(((events["year"] == year) & (events[by] == column)).sum())
            assert table.loc[year, column] == expected, (year, column)


def test_events_per_year_keep_empty_years_and_refuse_other_counts(events):
    gapped = events[events["year"].isin([events["year"].min(), events["year"].max()])]
    table = model.events_per_year(gapped)
    assert list(table.index) == list(range(events["year"].min(), events["year"].max() + 1))
    assert table.loc[events["year"].min() + 1].sum() == 0
    with pytest.raises(ValueError, match="'theme' or 'actor'"):
        model.events_per_year(events, by="source_id")


def test_the_two_halves_are_measured_in_years(events, cut):
    before, after = model.period_years(events, cut)
    last = max(date_span(d)[1] for d in events["date"])
    assert before == pytest.approx((cut - dt.date(2018, 1, 1)).days / 365.25)
    assert after == pytest.approx(((last - cut).days + 1) / 365.25)


@pytest.mark.parametrize("by", ["theme", "actor"])
def test_before_and_after_count_each_half_and_divide_by_its_length(events, cut, by):
    table = model.before_and_after(events, cut, by=by)
    before_years, after_years = model.period_years(events, cut)
    for key in table.index.drop("all"):
        mine = events[events[by] == key]
        assert table.loc[key, "before"] == int((mine["period"] == model.BEFORE).sum())
        assert table.loc[key, "after"] == int((mine["period"] == model.AFTER).sum())
        assert table.loc[key, "before_per_year"] == pytest.approx(table.loc[key, "before"] / before_years)
        assert table.loc[key, "after_per_year"] == pytest.approx(table.loc[key, "after"] / after_years)
    assert table.loc["all", "before"] + table.loc["all", "after"] == len(events)


# --- choosing events -------------------------------------------------------------------------------


@settings(max_examples=40)
@given(
    st.lists(st.sampled_from(themes()), min_size=1, unique=True),
    st.lists(st.sampled_from(ACTORS), min_size=1, unique=True),
    st.tuples(st.integers(2018, 2026), st.integers(2018, 2026)),
    st.sampled_from(list(model.HALVES)),
)
def test_filter_keeps_exactly_what_was_chosen(chosen_themes, chosen_actors, years, half):
    events = model.recent_events(load("timeline"), load("recent_actors"))
    chosen = model.filter_recent(events, chosen_themes, chosen_actors, years, half)
    low, high = sorted(years)
    mask = events["theme"].isin(chosen_themes) & events["actor"].isin(chosen_actors)
    mask &= events["year"].between(low, high)
    if model.HALVES[half] is not None:
        mask &= events["period"] == model.HALVES[half]
    assert list(chosen.events["id"]) == list(events.loc[mask, "id"])
    assert chosen.ok == bool(mask.any())
    if chosen.ok:
        assert chosen.message.startswith(f"{int(mask.sum())} event")


@pytest.mark.parametrize(
    "args, words",
    [
        ({"chosen_themes": []}, "at least one theme"),
        ({"chosen_themes": "war"}, "as a list"),
        ({"chosen_themes": ["weather"]}, "Unknown theme 'weather'"),
        ({"chosen_actors": ["china"]}, "Unknown actor 'china'"),
        ({"years": "2020"}, "two numbers"),
        ({"years": (True, 2020)}, "two numbers"),
        ({"years": (2018, 2019, 2020)}, "two numbers"),
        ({"half": "the middle"}, "no part 'the middle'"),
        ({"chosen_themes": ["war"], "years": (2018, 2019)}, "No event in 2018-2019"),
    ],
)
def test_bad_choices_get_a_sentence_not_an_exception(events, args, words):
    chosen = model.filter_recent(events, **args)
    assert not chosen.ok and words in chosen.message and chosen.events.empty


def test_event_lines_list_in_date_order_and_count_the_rest(events):
    chosen = model.filter_recent(events)
    lines = model.event_lines(chosen, limit=5)
    assert len(lines) == 6 and lines[-1].startswith(f"... and {len(events) - 5} more")
    first = events.iloc[0]
    assert first["event"] in lines[0] and model.ACTOR_LABELS[first["actor"]] in lines[0]
    assert model.event_lines(model.filter_recent(events, chosen_themes=[])) == []


# --- the Bluebook's wording ------------------------------------------------------------------------


def test_the_ladder_has_a_cell_for_every_row_and_unknown_elsewhere(wording):
    ladder = model.bluebook_ladder(wording)
    years = wording["date"].str[:4].astype(int)
    assert list(ladder.index) == sorted(set(years))
    reported = set()
    for year, row in zip(years, wording.itertuples(), strict=True):
        assert ladder.loc[year, row.phrase] == (model.USED if row.used else model.NOT_USED), row.id
        reported.add((year, row.phrase))
    for year in ladder.index:
        for phrase in model.PHRASES:
            if (year, phrase) not in reported:
                assert ladder.loc[year, phrase] == model.NOT_REPORTED
        cells = ladder.loc[year, list(model.PHRASES)]
        assert ladder.loc[year, "rungs"] == int((cells == model.USED).sum())
        assert ladder.loc[year, "reported"] == int((cells != model.NOT_REPORTED).sum())


def test_the_ladder_refuses_rows_that_contradict_or_name_no_phrase(wording):
    row = wording.iloc[[0]].assign(used=~wording.iloc[0]["used"], id="contradiction")
    with pytest.raises(DataError, match="both to use and not to use"):
        model.bluebook_ladder(pd.concat([wording, row], ignore_index=True))
    with pytest.raises(DataError, match="no phrase 'sincerely'"):
        model.bluebook_ladder(wording.assign(phrase="sincerely"))


def test_wording_changes_are_the_flips_between_known_editions(wording):
    ladder = model.bluebook_ladder(wording)
    changes = model.wording_changes(ladder)
    for row in changes.itertuples():
        assert ladder.loc[row.since, row.phrase] != ladder.loc[row.edition, row.phrase]
        assert ladder.loc[row.edition, row.phrase] == (
            model.USED if row.change == "restored" else model.NOT_USED
        )
        between = [e for e in ladder.index if row.since < e < row.edition]
        assert all(ladder.loc[e, row.phrase] == model.NOT_REPORTED for e in between)
    flips = 0
    for phrase in model.PHRASES:
        known = ladder.loc[ladder[phrase] != model.NOT_REPORTED, phrase].tolist()
        flips += sum(a != b for a, b in zip(known, known[1:], strict=False))
    assert len(changes) == flips


def test_a_made_up_ladder_drops_and_restores():
    rows = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "date": ["2000", "2001", "2005", "2005"],
            "phrase": ["sovereignty", "sovereignty", "sovereignty", "illegally_occupied"],
            "used": [True, False, True, True],
        }
    )
    changes = model.wording_changes(model.bluebook_ladder(rows))
    assert changes.to_dict("records") == [
        {"edition": 2001, "phrase": "sovereignty", "change": "dropped", "since": 2000},
        {"edition": 2005, "phrase": "sovereignty", "change": "restored", "since": 2001},
    ]


def test_the_bluebook_rows_say_how_an_absent_phrase_is_known(wording):
    for row in wording.itertuples():
        if row.date[:4] not in row.quote:
            assert isinstance(row.date_note, str) and row.date_note, row.id
        if not row.used and row.source_id == "nhk-politics-2022-04-22":
            assert row.date_note.startswith("inferred"), row.id


# --- who governed ----------------------------------------------------------------------------------


def test_prime_ministers_follow_the_takes_office_rows(events):
    leaders = model.prime_ministers(events)
    taking = events[events["id"].str.contains("-takes-office-")]
    assert list(leaders["timeline_id"].iloc[1:]) == list(taking["id"])
    assert list(leaders["name"].iloc[1:]) == [i.split("-")[0].capitalize() for i in taking["id"]]
    assert leaders["timeline_id"].iloc[0].endswith("-resigns-2020")
    terms = leaders.to_dict("records")
    for now, after in zip(terms, terms[1:], strict=False):
        assert now["to"] == after["from"]  # a term runs to the day the next one begins
        assert now["days"] == (now["to"] - now["from"]).days
    last_day = max(date_span(d)[1] for d in events["date"])
    assert terms[-1]["to"] is None and terms[-1]["days"] == (last_day - terms[-1]["from"]).days


# --- the data behind the lesson --------------------------------------------------------------------


def test_every_event_since_2018_says_who_acted(timeline, who):
    recent = set(plain_recent(timeline)["id"])
    classified = set(who["timeline_id"])
    assert classified <= recent, "recent_actors names events before 2018"
    assert recent <= classified, f"add rows to data/recent_actors.csv for {sorted(recent - classified)}"


# --- the charts ------------------------------------------------------------------------------------


def assert_finished(ax, table: str) -> None:
    assert ax.get_title(loc="left")
    assert len(ax.fourislands_alt) > 80
    assert f"data/{table}.csv" in ax.fourislands_source
    assert show(ax).png.startswith(b"\x89PNG")


def test_the_lanes_draw_every_event_by_who_acted(events, cut):
    ax = charts.period_swimlanes(events, cut=cut)
    assert_finished(ax, "timeline")
    drawn = {}
    for collection in ax.collections:
        offsets = collection.get_offsets()
        if len(offsets):
            drawn[len(drawn)] = offsets
    points = pd.concat([pd.DataFrame(o, columns=["x", "y"]) for o in drawn.values()])
    assert len(points) == len(events)
    assert sorted(points["x"]) == pytest.approx(sorted(events["x"]))
    lanes = {t: i for i, t in enumerate(themes())}
    heights = charts.lane_positions(events, min_gap=0.1)
    assert all(abs(h - lanes[t]) < 0.5 for h, t in zip(heights, events["theme"], strict=True))
    assert any(line.get_xdata()[0] == pytest.approx(decimal_year(cut.isoformat())) for line in ax.lines)
    counts = events["actor"].value_counts()
    for actor, n in counts.items():
        assert f"{model.ACTOR_LABELS[actor]} {n}" in ax.fourislands_alt
    texts = {t.get_text() for t in ax.texts}
    shown = {name for key, name in charts.KEY_EVENTS.items() if key in set(events["id"])}
    assert shown <= texts


@given(st.lists(st.floats(2018.0, 2026.0), min_size=1, max_size=20), st.floats(0.01, 0.5))
def test_lane_positions_keep_close_marks_apart_when_there_is_room(xs, gap):
    frame = pd.DataFrame({"theme": ["economy"] * len(xs), "x": xs})
    heights = charts.lane_positions(frame, gap)
    lane = themes().index("economy")
    assert all(abs(h - lane) <= max(abs(v) for v in charts.LANE_LEVELS) + 1e-9 for h in heights)
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    for n, i in enumerate(order):
        earlier = [j for j in order[:n] if xs[i] - xs[j] < gap]
        if len(earlier) < len(charts.LANE_LEVELS):  # room left: no two close marks share a level
            assert all(heights[j] != heights[i] for j in earlier)


def test_the_lanes_number_the_events_for_the_explorer(events, cut):
    few = events[events["theme"] == "summit"]
    ax = charts.period_swimlanes(few, cut=cut, numbered=True, size=charts.SWIMLANE_EXPLORER_SIZE)
    numbers = sorted(int(t.get_text()) for t in ax.texts if t.get_text().isdigit())
    assert numbers == list(range(1, len(few) + 1))
    empty = charts.period_swimlanes(events.iloc[0:0], cut=cut)
    assert "no event" in empty.fourislands_alt


def test_who_moved_bars_are_the_counts_per_year(events, cut):
    ax = charts.actors_per_year_chart(events, cut=cut)
    assert_finished(ax, "timeline")
    table = model.events_per_year(events, by="actor")
    heights = [p.get_height() for p in ax.patches]
    assert len(heights) == table.size
    assert heights == pytest.approx([v for column in table.columns for v in table[column]])
    totals = {t.get_text() for t in ax.texts}
    assert {str(int(n)) for n in table.sum(axis=1)} <= totals


def test_before_after_bars_are_the_rates(events, cut):
    ax = charts.before_after_chart(events, cut=cut)
    assert_finished(ax, "timeline")
    table = model.before_and_after(events, cut).drop(index="all")
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx(list(table["before_per_year"]) + list(table["after_per_year"]))
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table.index)


def test_the_ladder_chart_marks_each_cell_as_the_model_says(wording, cut):
    ax = charts.wording_ladder_chart(wording, cut=cut)
    assert_finished(ax, "bluebook_wording")
    ladder = model.bluebook_ladder(wording)
    cells = {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("cell-")}
    assert len(cells) == len(ladder) * len(model.PHRASES)
    faces = {state: to_rgba(style[1]) for state, style in charts.CELL_STYLE.items()}
    for edition in ladder.index:
        for phrase in model.PHRASES:
            face = tuple(cells[f"cell-{edition}-{phrase}"].get_facecolor()[0])
            assert face == pytest.approx(faces[ladder.loc[edition, phrase]]), (edition, phrase)
    labels = [t.get_text() for t in ax.texts]
    for edition in ladder.index:
        rungs = str(ladder.loc[edition, "rungs"])
        assert any(label.startswith(rungs) for label in labels)
    assert all(str(e) in ax.fourislands_alt for e in ladder.index)


def lesson_charts(events, wording, cut):
    """Every chart the lesson shows, drawn as its cells draw it."""
    return {
        "lanes": charts.period_swimlanes(events, cut=cut),
        "who moved": charts.actors_per_year_chart(events, cut=cut),
        "before and after": charts.before_after_chart(events, cut=cut),
        "ladder": charts.wording_ladder_chart(wording, cut=cut),
    }


def test_lesson_charts_show_their_smallest_text_at_11_px(events, wording, cut):
    for name, ax in lesson_charts(events, wording, cut).items():
        shown = show(ax)
        assert shown.width_px <= figures.LESSON_WIDTH_PX, f"{name}: wider than the lesson column"
        text = shown.shown_text_px(figures.LESSON_WIDTH_PX)
        assert text >= figures.LEAST_TEXT_PX, f"{name}: smallest text {text:.1f} px as shown"


# --- the explorer ----------------------------------------------------------------------------------


def test_the_explorer_follows_the_contract_and_starts_with_every_event(events):
    explorer = explore.recent_explorer()
    assert isinstance(explorer, Explorer)
    for name in ("_repr_mimebundle_", "refresh", "holding", "watch", "as_text", "_show"):
        assert getattr(explore.RecentExplorer, name) is getattr(Explorer, name), name
    assert explorer.last_view.ok and explorer.last_selection.ok
    assert len(explorer.last_selection.events) == len(events)
    (shown,) = explorer.last_view.figures
    assert shown.width_px <= figures.EXPLORER_WIDTH_PX
    text = shown.shown_text_px(figures.EXPLORER_WIDTH_PX, figures.EXPLORER_HEIGHT_PX)
    assert text >= figures.LEAST_TEXT_PX
    assert f"{len(events)} events" in explorer.summary.value and "mathjax_ignore" in explorer.summary.value


def test_the_explorer_redraws_and_numbers_a_short_list(events):
    explorer = explore.recent_explorer()
    before = explorer.renders
    explorer.years.value = (2019, 2019)
    assert explorer.renders == before + 1
    in_2019 = events[events["year"] == 2019]
    assert list(explorer.last_selection.events["id"]) == list(in_2019["id"])
    assert "numbered as on the chart" in explorer.summary.value
    assert explorer.summary.value.count("<li>") == len(in_2019)
    explorer.actor_boxes["russia"].value = False
    assert "russia" not in set(explorer.last_selection.events["actor"])
    explorer.half.value = "from the invasion on"
    assert not explorer.last_view.ok and "No event in 2019" in explorer.as_text()


def test_the_explorer_splits_at_the_invasion_and_lists_the_rest(events):
    explorer = explore.recent_explorer()
    explorer.half.value = "before the invasion"
    before = events[events["period"] == model.BEFORE]
    assert list(explorer.last_selection.events["id"]) == list(before["id"])
    assert f"{len(before) - model.LIST_LIMIT} more" in explorer.summary.value
    for box in explorer.theme_boxes.values():
        box.value = False
    assert explorer.last_view.problem and explorer.output.outputs == ()
    assert explorer.as_text() == "Please check: Tick at least one theme to see its events."


def test_the_explorer_loads_its_tables_once(monkeypatch, timeline, who):
    loaded = []

    def counting_load(name):
        loaded.append(name)
        return {"timeline": timeline, "recent_actors": who}[name]

    monkeypatch.setattr(explore, "load", counting_load)
    explorer = explore.recent_explorer()
    explorer.years.value = (2020, 2022)
    explorer.theme_boxes["politics"].value = False
    assert sorted(loaded) == ["recent_actors", "timeline"]


# --- the notebook ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


def prose(notebook) -> str:
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def test_notebook_asks_every_question_of_its_bank(notebook):
    source = "\n".join(c.source for c in notebook.cells)
    bank = {q.id for q in load_bank("06").questions}
    asked = set()
    for call in re.findall(r'quiz\("06"((?:, "[^"]+")*)\)', source):
        asked |= set(re.findall(r'"([^"]+)"', call))
    assert asked == bank
    assert 'quiz("06")' in source and "recent_explorer()" in source
    assert f"Exercises: [{EXERCISE}](../exercises/{EXERCISE})" in source.replace("**", "")
    assert source.count("show(") >= 4


def test_notebook_links_only_to_sources_that_exist(notebook):
    sources = set(load("sources")["id"])
    linked = set(re.findall(r"\(bibliography\.ipynb#([\w-]+)\)", prose(notebook)))
    assert linked and linked <= sources, linked - sources


def test_every_percentage_in_the_text_is_in_the_data(notebook):
    def percents(text: str) -> set[float]:
        found = {float(x) for x in re.findall(r"(\d+(?:\.\d+)?) ?(?:%|percent\b)", text)}
        words = rf"\b({'|'.join(TENS)})(?:-({'|'.join(UNITS)}))? percent"
        for tens, units in re.findall(words, text, re.I):  # "Thirty-three percent"
            found.add(float(TENS[tens.lower()] + UNITS.get(units.lower(), 0)))
        return found

    allowed = set()
    for table in ("timeline", "economy", "voices", "opinion_polls"):
        frame = load(table)
        for column in ("quote", "detail"):
            if column in frame.columns:
                for text in frame[column].dropna():
                    allowed |= percents(text)
    allowed |= {float(v) for v in load("economy")["value"].dropna()}
    allowed |= {float(v) for v in load("opinion_polls")["percent"].dropna()}
    stated = percents(re.sub(r"<details\b.*?</details>", "", prose(notebook), flags=re.S))
    assert stated and stated <= allowed, stated - allowed


def test_both_names_both_positions_and_return_only_as_japans_word(notebook):
    text = prose(notebook)
    for name in ("Northern Territories", "South Kurils", "Etorofu", "Iturup", "Kunashiri", "Kunashir"):
        assert name in text
    for heading in ("What Japan argues", "What Russia argues", "How outside observers"):
        assert heading in text
    unquoted = re.sub(r"<details\b.*?</details>", "", text, flags=re.S)
    unquoted = re.sub(r'"[^"]*"|\u201c[^\u201d]*\u201d|\([^)]*\)', "", unquoted)
    assert not re.search(r"\breturn(s|ed|ing)?\b", unquoted, re.I), "'return' outside a quote"


def test_sections_are_numbered_and_each_names_its_sources(notebook):
    text = prose(notebook)
    numbers = [int(n) for n in re.findall(r"^## (\d+)\. ", text, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 10
    assert text.count("Sources for this section") >= len(numbers)
    assert text.count("Stop and think") >= 6


def test_the_notebook_runs_on_a_fresh_kernel(notebook):
    ran = nbformat.from_dict(notebook)
    notebook_client(ran, ROOT / "notebooks", timeout=120).execute()
    images = 0
    for cell in ran.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            assert output.output_type != "error", (cell.source[:60], output.get("evalue"))
            assert not (output.output_type == "stream" and output.name == "stderr"), output.text[:200]
            images += "image/png" in output.get("data", {})
    assert images >= 4
