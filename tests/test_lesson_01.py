"""Lesson 01 (history): its logic, its charts and map, the border lines file, and the explorers."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import ipywidgets as widgets
import nbformat
import numpy as np
import pandas as pd
import pytest
from course_root import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.colors import to_hex
from matplotlib.path import Path
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from fourislands import dates, figures, load, maps
from fourislands.charts import history
from fourislands.explore import timeline as explore
from fourislands.explore.explorer import Explorer
from fourislands.figures import JAPAN, LAND, RUSSIA, show
from fourislands.model import history as model

BORDERS = ROOT / "data" / "geo" / "borders.geojson"


@pytest.fixture(scope="module")
def timeline() -> pd.DataFrame:
    return load("timeline")


@pytest.fixture(scope="module")
def geo() -> dict:
    return json.loads(BORDERS.read_text(encoding="utf-8"))


def period(date: str) -> pd.Period:
    """The period a date of the data covers, by pandas (independent of the package's own parser)."""
    return pd.Period(date, freq={4: "Y", 7: "M", 10: "D"}[len(date)])


def after_readings_expected(frame: pd.DataFrame) -> pd.Series:
    """Rows that begin after the end of the latest period a reading reports."""
    end = max(period(d).end_time for d in frame.loc[frame["origin"] == "reading", "date"])
    return frame["date"].map(lambda d: period(d).start_time > end)


def source_line(ax) -> str:
    return next(t.get_text() for t in ax.texts if t.get_text().startswith("Source:"))


def assert_finished(ax) -> None:
    """A course figure: a title, a source line naming its data, alt text of some substance."""
    assert ax.get_title(loc="left")
    assert "data/" in source_line(ax)
    assert len(ax.fourislands_alt) > 60
    assert show(ax).png.startswith(b"\x89PNG")


# --- dates ------------------------------------------------------------------------------------


def test_date_span_covers_the_whole_period():
    assert dates.date_span("1904") == (dt.date(1904, 1, 1), dt.date(1904, 12, 31))
    assert dates.date_span("2016-02") == (dt.date(2016, 2, 1), dt.date(2016, 2, 29))
    assert dates.date_span("1945-08-09") == (dt.date(1945, 8, 9), dt.date(1945, 8, 9))


@pytest.mark.parametrize("bad", ["", "45", "1945-13", "1945-02-30", "1945/08/09", None, "soon"])
def test_date_span_says_in_words_what_is_wrong(bad):
    with pytest.raises(ValueError, match="date"):
        dates.date_span(bad)


def test_every_timeline_date_parses_as_pandas_reads_it(timeline):
    for date in timeline["date"]:
        first, last = dates.date_span(date)
        assert (first, last) == (period(date).start_time.date(), period(date).end_time.date())


def test_decimal_year_is_the_middle_of_the_period():
    assert dates.decimal_year("1945-08-09") == pytest.approx(1945 + (221 - 0.5) / 365)
    assert dates.decimal_year("1904") == pytest.approx(1904.5, abs=0.01)


def test_readings_end_and_what_comes_after(timeline):
    readings = timeline[timeline["origin"] == "reading"]
    latest = max(readings["date"], key=lambda d: period(d).end_time)
    assert model.readings_end(timeline) == latest
    after = model.after_readings(timeline)
    assert after.equals(after_readings_expected(timeline).astype(bool))
    assert (timeline.loc[after, "origin"] == "outside").all()
    assert after.any() and not after.all()


# --- the border lines -------------------------------------------------------------------------


def test_every_border_line_carries_the_source_and_quote_of_its_timeline_row(geo, timeline):
    rows = timeline.set_index("id")
    sources = set(load("sources")["id"])
    assert len(geo["features"]) == 4
    for feature in geo["features"]:
        props = feature["properties"]
        assert {"label", "source_id", "quote", "schematic", "timeline_id", "held"} <= set(props)
        assert props["source_id"] in sources
        row = rows.loc[props["timeline_id"]]
        assert (props["source_id"], props["quote"]) == (row["source_id"], row["quote"])
        assert isinstance(props["schematic"], bool)
        assert set(props["held"]) == set(geo["regions"])
        assert set(props["held"].values()) <= set(history.HOLDERS)
        assert feature["geometry"]["type"] == "LineString"


def test_the_layers_are_the_years_of_the_four_rows(timeline):
    lines = model.border_lines(timeline)
    years = [int(timeline.set_index("id").loc[i, "date"][:4]) for i in lines["timeline_id"]]
    assert list(lines["year"]) == years == sorted(years)
    assert list(lines["layer"]) == [str(y) for y in years]
    assert set(lines["timeline_id"]) == {
        "treaty-shimoda-1855",
        "treaty-saint-petersburg-1875",
        "treaty-portsmouth-1905",
        "four-islands-occupied-1945",
    }


def crossings(a, b, line) -> int:
    """How many times the segment a-b crosses a polyline (a proper intersection test)."""

    def side(p, q, r):
        return np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    count = 0
    for p, q in zip(line[:-1], line[1:], strict=True):
        if side(a, b, p) != side(a, b, q) and side(p, q, a) != side(p, q, b):
            count += 1
    return count


def centre(name: str) -> tuple[float, float]:
    """Mean point of the largest ring of a coastline feature."""
    feature = next(f for f in maps.coastlines() if f["properties"]["name"] == name)
    ring = max(maps._rings(feature["geometry"]), key=len)
    return tuple(np.mean(np.asarray(ring), axis=0))


def test_each_line_runs_where_its_treaty_put_it(timeline):
    lines = model.border_lines(timeline).set_index("layer")
    coords = {k: list(zip(r["lon"], r["lat"], strict=True)) for k, r in lines.iterrows()}
    islands = maps.island_positions()
    etorofu, urup = centre("Etorofu / Iturup"), centre("Urup")
    assert crossings(etorofu, urup, coords["1855"]) == 1
    assert crossings(islands["kunashiri"], etorofu, coords["1855"]) == 0
    assert crossings(centre("Shumshu"), centre("Kamchatka"), coords["1875"]) == 1
    assert crossings(centre("Paramushir"), centre("Shumshu"), coords["1875"]) == 0
    assert set(lines.loc["1905", "lat"]) == {50.0}
    hokkaido = centre("Hokkaido")
    for island, position in islands.items():
        assert crossings(hokkaido, position, coords["1945"]) % 2 == 1, island
    assert crossings(islands["kunashiri"], islands["etorofu"], coords["1945"]) == 0


def test_no_line_at_sea_runs_over_land(timeline):
    land = [
        Path(np.asarray(ring))
        for f in maps.coastlines()
        if f["properties"]["level"] == 1
        for ring in maps._rings(f["geometry"])
    ]
    for _, line in model.border_lines(timeline).iterrows():
        if line["layer"] == "1905":
            continue  # the 50th parallel crosses Sakhalin by definition
        points = np.asarray(list(zip(line["lon"], line["lat"], strict=True)))
        samples = np.concatenate(
            [np.linspace(a, b, 200) for a, b in zip(points[:-1], points[1:], strict=True)]
        )
        assert not any(p.contains_points(samples).any() for p in land), line["layer"]


# --- charts -----------------------------------------------------------------------------------


def test_timeline_chart_plots_every_event_at_its_date_and_theme(timeline):
    ax = history.timeline_chart(timeline)
    assert_finished(ax)
    points = np.concatenate([c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)])
    assert len(points) == len(timeline)
    themes = model.themes()
    expected = sorted(
        (dates.decimal_year(d), themes.index(t))
        for d, t in zip(timeline["date"], timeline["theme"], strict=True)
    )
    assert np.allclose(sorted(map(tuple, points)), expected)
    after = int(after_readings_expected(timeline).sum())
    assert f"the {after} events after the readings" in ax.fourislands_alt
    assert f"{len(timeline)} events" in ax.fourislands_alt
    assert "hirose2018" in source_line(ax)


def test_timeline_chart_copes_with_no_events(timeline):
    ax = history.timeline_chart(timeline.iloc[0:0], full=timeline)
    assert "no event" in ax.fourislands_alt.lower()


def test_numbered_timeline_numbers_events_in_date_order(timeline):
    part = timeline[timeline["date"].str[:4].astype(int) <= 1905]
    ax = history.timeline_chart(part, full=timeline, numbered=True)
    numbers = sorted(int(t.get_text()) for t in ax.texts if t.get_text().isdigit())
    assert numbers == list(range(1, len(part) + 1))


def drawn_boxes(ax, texts) -> list:
    """The boxes the texts of a drawn figure take on screen (pixels): white box if any, no leader."""
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    return [
        t.get_bbox_patch().get_window_extent(renderer)
        if t.get_bbox_patch()
        else Text.get_window_extent(t, renderer)
        for t in texts
    ]


@pytest.mark.parametrize("numbered", [False, True])
def test_timeline_labels_sit_by_their_marks_without_overlaps_or_crossed_leaders(timeline, numbered):
    part = timeline if not numbered else timeline[timeline["date"].str[:4].astype(int) >= 2013].head(12)
    ax = history.timeline_chart(part, full=timeline, numbered=numbered)
    labels = [t for t in ax.texts if isinstance(t, Annotation) and t.arrow_patch is not None]
    assert len(labels) == (len(part) if numbered else len(history.KEY_EVENTS))
    boxes = drawn_boxes(ax, labels)
    leaders = [Path(t.arrow_patch.get_path().vertices[[0, -1]]) for t in labels]
    area = ax.get_window_extent()
    scale = ax.figure.dpi / 72
    for n, (label, box, leader) in enumerate(zip(labels, boxes, leaders, strict=True)):
        mark = ax.transData.transform(label.xy)
        assert area.x0 <= box.x0 and box.x1 <= area.x1, label.get_text()
        # Near its mark: the mark lies under the label, within two rows' reach above or below it.
        assert box.x0 <= mark[0] <= box.x1 and min(abs(box.y0 - mark[1]), abs(box.y1 - mark[1])) < 40 * scale
        for other_box, other_leader, other in zip(boxes[:n], leaders[:n], labels[:n], strict=True):
            pair = (label.get_text(), other.get_text())
            assert not box.overlaps(other_box), pair
            assert not leader.intersects_path(other_leader), pair


coordinate = st.integers(-12, 12).map(float)


@settings(max_examples=400)
@given(coordinate, coordinate, coordinate, coordinate, coordinate, coordinate, coordinate, coordinate)
def test_label_clash_tests_agree_with_matplotlib_for_every_box_at_once(ax, ay, bx, by, x0, y0, x1, y1):
    """The placement's quick tests, all boxes at once, say what matplotlib's own tests say."""
    leader = Path([(ax, ay), (bx, by)])
    box = Bbox.from_extents(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    grown, shrunk = box.padded(1e-6), box.padded(-1e-6) if box.width and box.height else None
    rows = np.array([box.extents, grown.extents])
    hits = history._leader_hits(leader, rows)
    # Where the leader only grazes an edge or a corner, matplotlib's answer depends on the edge's
    # direction; the placement counts a graze as a hit, the stricter answer.
    assert hits[1] >= hits[0]
    if shrunk is not None and history._leader_hits(leader, np.array([shrunk.extents]))[0] == hits[1]:
        assert hits[0] == leader.intersects_bbox(box)
    mark = Bbox.from_extents(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
    assert history._box_hits(mark, rows)[0] == mark.overlaps(box)


def test_events_by_decade_bars_add_up_to_the_data(timeline):
    ax = history.events_by_decade_chart(timeline)
    assert_finished(ax)
    heights: dict[int, float] = {}
    for bar in ax.patches:
        x = round(bar.get_x() + bar.get_width() / 2)
        heights[x] = heights.get(x, 0) + bar.get_height()
    expected = timeline["date"].str[:3].astype(int).mul(10).value_counts()
    assert {k: v for k, v in heights.items() if v} == {int(k): v for k, v in expected.items()}
    hatched = sum(b.get_height() for b in ax.patches if b.get_hatch())
    assert hatched == after_readings_expected(timeline).sum()


def test_events_by_decade_counts_every_event_once_by_its_kind(timeline):
    table = model.events_by_decade(timeline)
    assert list(table.columns) == list(model.DECADE_KINDS)
    assert list(table.index) == list(range(table.index.min(), table.index.max() + 1, 10))
    expected = timeline["date"].str[:3].astype(int).mul(10).value_counts()
    assert table.sum(axis=1)[table.sum(axis=1) > 0].to_dict() == {int(k): v for k, v in expected.items()}
    assert table[model.DECADE_KINDS[0]].sum() == (timeline["origin"] == "reading").sum()
    assert table[model.DECADE_KINDS[2]].sum() == after_readings_expected(timeline).sum()


def bars(ax) -> list[tuple[float, float, str]]:
    """(start, end, face colour) of every bar of a broken_barh chart."""
    found = []
    for collection in ax.collections:
        if isinstance(collection, PolyCollection):
            vertices = collection.get_paths()[0].vertices
            colour = to_hex(collection.get_facecolor()[0])
            found.append((vertices[:, 0].min(), vertices[:, 0].max(), colour))
    return found


def test_holdings_chart_bars_follow_the_lines_and_their_holders(timeline, geo):
    ax = history.holdings_chart(timeline)
    assert_finished(ax)
    rows = timeline.set_index("id")
    years = sorted(int(rows.loc[f["properties"]["timeline_id"], "date"][:4]) for f in geo["features"])
    last = int(timeline["date"].str[:4].astype(int).max())
    found = bars(ax)
    assert len(found) == len(geo["regions"]) * len(years)
    assert {(s, e) for s, e, _ in found} == set(zip(years, years[1:] + [last], strict=True))
    held_1905 = next(
        f["properties"]["held"] for f in geo["features"] if f["properties"]["timeline_id"].endswith("1905")
    )
    colours_1905 = sorted(c for s, _, c in found if s == 1905)
    expected = sorted({"japan": JAPAN, "russia": RUSSIA}[h].lower() for h in held_1905.values())
    assert colours_1905 == expected
    assert f"{years[-1]}-{last}:" in ax.fourislands_alt


def test_border_map_draws_the_chosen_lines_with_their_labels(timeline, geo):
    ax = history.border_map(timeline)
    assert_finished(ax)
    drawn = {line.get_label(): line for line in ax.lines}
    for feature in geo["features"]:
        line = drawn[feature["properties"]["label"]]
        assert np.allclose(line.get_xydata(), feature["geometry"]["coordinates"])
        assert feature["properties"]["source_id"] in source_line(ax).replace("\n", "")
    texts = {t.get_text() for t in ax.texts}
    assert "Etorofu / Iturup" in texts and "Kunashiri / Kunashir" in texts
    only = history.border_map(timeline, ["1945"])
    assert [line.get_label() for line in only.lines] == [geo["features"][3]["properties"]["label"]]
    none = history.border_map(timeline, [])
    assert not none.lines and "no border line" in none.fourislands_alt


def test_border_map_lines_end_inside_the_frame_and_its_names_do_not_overlap(timeline, geo):
    ax = history.border_map(timeline)
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    for feature in geo["features"]:
        for lon, lat in feature["geometry"]["coordinates"]:
            assert west + 0.3 <= lon <= east - 0.3 and south + 0.3 <= lat <= north - 0.3
    names = [t for t in ax.texts if t.get_text() and not t.get_text().startswith("Source:")]
    boxes = drawn_boxes(ax, names)
    frame = ax.get_window_extent()
    for n, (name, box) in enumerate(zip(names, boxes, strict=True)):
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, name
        for other, other_box in zip(names[:n], boxes[:n], strict=True):
            assert not box.overlaps(other_box), (name.get_text(), other.get_text())
    # Shumshu's name lies on no land (Paramushir, next to Shumshu, least of all).
    shumshu = next(b for t, b in zip(names, boxes, strict=True) if t.get_text().startswith("Shumshu"))
    (land,) = [c for c in ax.collections if c.get_gid() == "coastline-level-1"]
    assert to_hex(land.get_facecolor()[0]) == LAND.lower()
    shapes = [path.transformed(land.get_transform()).get_extents() for path in land.get_paths()]
    assert shapes and not any(shape.overlaps(shumshu) for shape in shapes)


# The lesson's charts, each as drawn where it is shown, and the box it is shown in (CSS px).
LESSON_BOX = (figures.LESSON_WIDTH_PX, float("inf"))
EXPLORER_BOX = (figures.EXPLORER_WIDTH_PX, figures.EXPLORER_HEIGHT_PX)
SHOWN_CHARTS = {
    "timeline in the lesson": (lambda t: history.timeline_chart(t), LESSON_BOX),
    "timeline in the explorer": (
        lambda t: history.timeline_chart(t, title="Timeline: all eras", size=history.TIMELINE_EXPLORER_SIZE),
        EXPLORER_BOX,
    ),
    "holdings": (history.holdings_chart, LESSON_BOX),
    "events by decade": (history.events_by_decade_chart, LESSON_BOX),
    "border map, every line": (history.border_map, EXPLORER_BOX),
}


@pytest.mark.parametrize("chart", SHOWN_CHARTS)
def test_each_chart_shows_its_smallest_text_at_11_px_where_it_is_shown(timeline, chart):
    """Shrunk to fit its column (never enlarged), no text of the chart is under 11 CSS px."""
    draw, (width, height) = SHOWN_CHARTS[chart]
    shown = show(draw(timeline))
    assert shown.width_px <= width and shown.height_px <= height, (shown.width_px, shown.height_px)
    assert shown.shown_text_px(width, height) >= figures.LEAST_TEXT_PX


# --- choosing events and lines ----------------------------------------------------------------


def test_the_eras_split_the_timeline_into_parts(timeline):
    eras = model.eras(timeline)
    labels = [e.label for e in eras]
    assert len(set(labels)) == len(labels) and labels[0] == model.ALL_ERAS
    counts = pd.Series(0, index=timeline.index)
    for era in eras[1:]:
        counts += (
            model.filter_events(timeline, era.label).events.index.to_series().reindex(timeline.index).notna()
        )
    assert (counts == 1).all(), "every event belongs to exactly one era"
    last = model.filter_events(timeline, "after the readings")
    assert set(last.events.index) == set(timeline.index[after_readings_expected(timeline)])


def test_filter_events_on_known_choices(timeline):
    everything = model.filter_events(timeline)
    assert everything.ok and len(everything.events) == len(timeline)
    early = model.filter_events(timeline, "to 1905")
    assert early.ok and (early.events["date"].str[:4].astype(int) <= 1905).all()
    assert "treaty-shimoda-1855" in set(early.events["id"])
    assert early.message.startswith(f"{len(early.events)} events")
    treaties = model.filter_events(timeline, "All", ["treaty"], "readings")
    expected = timeline[(timeline["theme"] == "treaty") & (timeline["origin"] == "reading")]
    assert set(treaties.events["id"]) == set(expected["id"])


def test_filter_events_explains_an_empty_result(timeline):
    result = model.filter_events(timeline, "after the readings", None, "readings")
    assert not result.ok and result.events.empty
    assert result.message.startswith("No event matches") and "Tick more themes" in result.message
    # Neutral: why the readings report nothing after they end is the lesson's own question.
    assert "readings end" not in result.message and "later event" not in result.message


@pytest.mark.parametrize(
    ("era", "themes", "origin", "words"),
    [
        ("bogus", None, "all sources", "no era"),
        (None, None, "all sources", "no era"),
        (1945, None, "all sources", "no era"),
        ("All", [], "all sources", "at least one theme"),
        ("All", "war", "all sources", "list of names"),
        ("All", ["wars"], "all sources", "Unknown theme"),
        ("All", 42, "all sources", "list of names"),
        ("All", None, "newspapers", "no source choice"),
    ],
)
def test_filter_events_answers_bad_choices_in_words(timeline, era, themes, origin, words):
    result = model.filter_events(timeline, era, themes, origin)
    assert not result.ok and result.events.empty
    assert words.lower() in result.message.lower()


@settings(max_examples=60)
@given(
    era=st.one_of(st.none(), st.text(max_size=30), st.integers(), st.sampled_from(["All", "to 1905"])),
    themes=st.one_of(st.none(), st.text(max_size=10), st.lists(st.text(max_size=10), max_size=3)),
    origin=st.one_of(st.none(), st.text(max_size=20), st.sampled_from(list(model.ORIGINS))),
)
def test_filter_events_never_raises(era, themes, origin):
    result = model.filter_events(load("timeline"), era, themes, origin)
    assert isinstance(result.message, str) and result.message
    assert result.ok == (not result.events.empty)


def test_event_lines_are_in_date_order_and_say_how_many_more(timeline):
    chosen = model.filter_events(timeline, "1991-2012")
    lines = model.event_lines(chosen, limit=5)
    assert len(lines) == 6 and lines[-1].startswith(f"... and {len(chosen.events) - 5} more")
    dates = [line.split(": ")[0] for line in lines[:-1]]
    assert dates == sorted(dates)
    assert model.event_lines(model.filter_events(timeline, "bogus")) == []
    after = model.event_lines(model.filter_events(timeline, "after the readings"), limit=100)
    assert all(line.endswith("[after the readings]") for line in after)
    reading = model.event_lines(model.filter_events(timeline, "All", ["war"], "readings"))
    assert any("Miller 2014" in line for line in reading)  # a reading named as students cite it


def test_layer_choice():
    known = ["1855", "1875", "1905", "1945"]
    assert model.layer_choice({"1855": True, "1945": True, "1875": False}, known)[0] == ["1855", "1945"]
    chosen, message = model.layer_choice({"1855": False}, known)
    assert chosen == [] and "No line is ticked" in message
    chosen, message = model.layer_choice({"1999": True, "1905": "yes"}, known)
    assert chosen == [] and "no line '1999'" in message and "True or False" in message
    assert model.layer_choice(["1855"], known) == (
        [],
        "Give the layers as a mapping such as {'1855': True}.",
    )


# --- the widgets ------------------------------------------------------------------------------


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def shown_alt(output) -> str:
    return output.outputs[0]["data"]["text/plain"] if output.outputs else ""


def controls_column(explorer) -> list:
    """The widgets in the explorer's controls column."""
    (panel,) = [child for child in explorer.children if child.layout.grid_area == "controls"]
    return list(walk(panel))


def test_timeline_explorer_redraws_when_the_era_changes(timeline):
    view = explore.timeline_explorer()
    assert isinstance(view, Explorer) and "fi-explorer" in view._dom_classes
    assert "fi-explorer-output" in view.output._dom_classes
    kinds = {type(w) for w in walk(view)}
    assert not kinds & {widgets.Dropdown, widgets.Select, widgets.SelectMultiple}
    before = shown_alt(view.output)
    assert f"{len(timeline)} events" in before
    assert before == f"Figure: {view.figure_alt}" and view.renders == 1
    view.era.value = "to 1905"
    expected = model.filter_events(timeline, "to 1905")
    assert shown_alt(view.output) != before and view.renders == 2
    assert f"Timeline of {len(expected.events)} events" in shown_alt(view.output)
    assert shown_alt(view.output) == f"Figure: {view.figure_alt}"
    assert expected.message in view.summary.value and view.last_view.ok
    assert view.summary.value.count("<li>") == len(expected.events)
    lines = model.event_lines(expected)
    assert view.as_text() == " ".join(
        [expected.message, "The events, earliest first (numbered as on the chart)", *lines, view.figure_alt]
    )


def test_timeline_explorer_puts_its_controls_in_the_column_under_a_title():
    view = explore.timeline_explorer()
    column = controls_column(view)
    for control in [view.era, view.origin, *view.theme_boxes.values()]:
        assert any(control is w for w in column)
    assert view.title in view.children[0].value
    text = view._repr_mimebundle_()["text/plain"]
    assert text.startswith(view.title) and view.figure_alt in text


def test_timeline_explorer_lists_the_first_events_and_how_many_more(timeline):
    view = explore.timeline_explorer(era="1991-2012")
    chosen = model.filter_events(timeline, "1991-2012")
    assert len(chosen.events) > model.LIST_LIMIT
    lines = model.event_lines(chosen)
    assert view.summary.value.count("<li>") == model.LIST_LIMIT
    assert "numbered as on the chart" not in view.summary.value
    assert html.escape(lines[-1]) in view.summary.value and lines[-1].startswith("... and")


def test_timeline_explorer_starts_on_all_eras_for_an_unknown_era(timeline):
    view = explore.timeline_explorer(era="bogus")
    assert view.era.value == model.ALL_ERAS and view.last_view.ok
    assert f"{len(timeline)} events" in view.figure_alt


def test_timeline_explorer_says_what_to_do_when_nothing_is_ticked(timeline):
    view = explore.timeline_explorer(era="to 1905")
    for box in view.theme_boxes.values():
        box.value = False
    assert view.output.outputs == () and "<li>" not in view.summary.value
    assert "Tick at least one theme" in view.summary.value
    assert not view.last_view.ok and view.figure_alt == ""
    assert view.as_text() == "Please check: Tick at least one theme to see its events."
    view.theme_boxes["treaty"].value = True
    expected = model.filter_events(timeline, "to 1905", ["treaty"])
    assert expected.message in view.summary.value and view.output.outputs
    assert view.last_view.ok and view.summary.value.count("<li>") == len(expected.events)


def test_timeline_explorer_explains_an_empty_chart(timeline):
    view = explore.timeline_explorer(era="after the readings")
    drawn = view.renders
    view.origin.value = "readings"
    expected = model.filter_events(timeline, "after the readings", None, "readings")
    assert not expected.ok and view.output.outputs == () and view.renders == drawn
    assert view.last_view.problem == expected.message and "No event matches" in view.as_text()
    assert html.escape(expected.message) in view.summary.value  # its quotes are escaped


def test_timeline_explorer_ticks_one_theme_with_one_redraw(timeline):
    view = explore.timeline_explorer()
    drawn = view.renders
    with view.holding():
        for theme, box in view.theme_boxes.items():
            box.value = theme == "treaty"
    assert view.renders == drawn + 1
    expected = model.filter_events(timeline, model.ALL_ERAS, ["treaty"])
    assert expected.message in view.summary.value
    assert f"Timeline of {len(expected.events)} events" in view.figure_alt


def test_border_explorer_switches_layers(geo):
    view = explore.border_explorer(layers=["1855"])
    assert isinstance(view, Explorer) and "fi-explorer" in view._dom_classes
    assert "fi-explorer-output" in view.output._dom_classes
    assert all(any(box is w for w in controls_column(view)) for box in view.boxes.values())
    labels = {f["properties"]["timeline_id"][-4:]: f["properties"]["label"] for f in geo["features"]}
    assert labels["1855"] in shown_alt(view.output) and labels["1945"] not in shown_alt(view.output)
    assert view.layers == ["1855"] and view.renders == 1
    view.boxes["1945"].value = True
    assert labels["1945"] in shown_alt(view.output) and view.layers == ["1855", "1945"]
    assert shown_alt(view.output) == f"Figure: {view.figure_alt}"
    assert "Showing the 1855 and 1945 lines." in view.as_text()
    view.boxes["1855"].value = view.boxes["1945"].value = False
    assert "No line is ticked" in view.summary.value and "no border line" in shown_alt(view.output)
    assert view.last_view.ok and view.layers == [] and view.renders == 4
    assert view.as_text().startswith("No line is ticked") and "no border line" in view.figure_alt


def test_border_explorer_ticks_every_line_with_one_redraw(geo):
    view = explore.border_explorer(layers=[])
    with view.holding():
        for box in view.boxes.values():
            box.value = True
    assert view.renders == 2 and view.layers == ["1855", "1875", "1905", "1945"]
    for feature in geo["features"]:
        assert feature["properties"]["label"] in view.figure_alt
    text = view._repr_mimebundle_()["text/plain"]
    assert text.startswith(view.title) and "Showing the 1855, 1875, 1905 and 1945 lines." in text


# --- the legal texts --------------------------------------------------------------------------

# The texts each side argues from at its strongest: Japan from the Allies' own principles, the
# 1855 border, Article 25 and the declarations that name the islands; Russia from the wartime
# agreements, Article 2(c), Japan's own words of 1951, the UN Charter and the 1960 memorandum.
JAPAN_TEXTS = {
    "atlantic-charter-1941",
    "cairo-declaration-1943",
    "treaty-shimoda-1855",
    "scapin-677-para6-1946",
    "san-francisco-art25-1951",
    "us-aide-memoire-1956",
    "joint-declaration-1956-art9",
    "japan-memorandum-1960",
    "tokyo-declaration-1993-art2",
    "cabinet-answer-chishima-2006",
}
RUSSIA_TEXTS = {
    "yalta-agreement-1945",
    "potsdam-declaration-1945",
    "instrument-of-surrender-1945",
    "scapin-677-para3-1946",
    "san-francisco-art2c-1951",
    "yoshida-san-francisco-1951",
    "nishimura-diet-1951",
    "un-charter-art107-1945",
    "soviet-memorandum-1960",
    "zakharova-statement-2025",
}
SCRIPTS = {"ja": "[\u3040-\u30ff\u4e00-\u9fff]", "ru": "[\u0400-\u04ff]"}
LESSON = ROOT / "notebooks" / "01-history.ipynb"


@pytest.fixture(scope="module")
def legal_texts() -> pd.DataFrame:
    return load("legal_texts")


def flat(text: str) -> str:
    """Text with every run of spaces and line breaks as one space, as a reader reads wrapped lines."""
    return " ".join(text.split())


def test_legal_texts_load_with_both_readings_on_every_row(legal_texts):
    assert len(legal_texts) >= 20 and legal_texts["id"].is_unique
    for column in ("text", "party", "japan_reading", "russia_reading", "settles", "quote", "source_id"):
        filled = legal_texts[column].notna() & legal_texts[column].str.strip().ne("")
        assert filled.all(), (column, list(legal_texts.loc[~filled, "id"]))
    assert (legal_texts["japan_reading"] != legal_texts["russia_reading"]).all()
    # Neutral words: in the course's own voice the islands are transferred or handed over; 'return'
    # is Japan's word, said as Japan's.
    assert not legal_texts["settles"].str.contains(r"\breturn", case=False).any()


def test_each_side_has_its_strongest_texts(legal_texts):
    cited = legal_texts.set_index("id")["cited_by"]
    assert set(cited.index) >= JAPAN_TEXTS | RUSSIA_TEXTS, (JAPAN_TEXTS | RUSSIA_TEXTS) - set(cited.index)
    assert cited[sorted(JAPAN_TEXTS)].isin(["japan", "both"]).all()
    assert cited[sorted(RUSSIA_TEXTS)].isin(["russia", "both"]).all()
    # Balanced: each side cites some texts alone, and neither has twice the other's.
    counts = cited.value_counts()
    assert min(counts["japan"], counts["russia"]) * 2 > max(counts["japan"], counts["russia"])


def test_a_quote_in_japanese_or_russian_has_the_course_translation(legal_texts):
    foreign = legal_texts["language"] != "en"
    assert set(legal_texts.loc[foreign, "language"]) == {"ja", "ru"}
    assert legal_texts.loc[foreign, "quote_gloss"].notna().all()
    assert legal_texts.loc[~foreign, "quote_gloss"].isna().all()
    for row in legal_texts[foreign].itertuples():
        assert re.search(SCRIPTS[row.language], row.quote), row.id
        assert not re.search(SCRIPTS[row.language], row.quote_gloss), row.id
    english = legal_texts.loc[~foreign, "quote"].str.split().str.len()
    assert english.max() <= 60, "an English quote runs past about 50 words"


def test_legal_texts_quote_graded_outside_sources_and_say_what_a_weaker_quote_is(legal_texts):
    sources = load("sources").set_index("id")
    cited = sources.loc[legal_texts["source_id"]]
    assert (cited["kind"] == "outside").all()
    medium = legal_texts[(cited["confidence"] == "medium").to_numpy()]
    assert not medium.empty
    # A quote of medium confidence says on its card what it is (second-hand, a summary, a copy).
    assert medium["quote_note"].notna().all(), list(medium.loc[medium["quote_note"].isna(), "id"])


def test_legal_periods_keep_time_order_and_every_text_once(legal_texts):
    groups = model.legal_periods(legal_texts.sample(frac=1, random_state=1))
    ids = [row_id for _, rows in groups for row_id in rows["id"]]
    assert sorted(ids) == sorted(legal_texts["id"]) and len(ids) == len(set(ids))
    starts = [dates.date_span(d)[0] for _, rows in groups for d in rows["date"]]
    assert starts == sorted(starts)
    labels = [p.label for p in model.LEGAL_PERIODS]
    assert [heading.rsplit(", ", 1)[0] for heading, _ in groups] == [
        label for label in labels if any(h.startswith(label) for h, _ in groups)
    ]
    assert groups[1][0] == "War aims and wartime agreements, 1941-1945"
    for heading, rows in groups:
        years = sorted(dates.year_of(d) for d in rows["date"])
        assert heading.endswith(str(years[-1])) and str(years[0]) in heading


def test_legal_period_boundaries():
    assert model.legal_period("1945-08-31").label == "War aims and wartime agreements"
    assert model.legal_period("1945-09-02").label == "Surrender, occupation and the peace treaty"
    assert model.legal_period("1945-09").label == "Surrender, occupation and the peace treaty"
    assert model.legal_period("1991").label == "After the Soviet Union"


def test_legal_order_names_the_columns_it_lacks(legal_texts):
    with pytest.raises(model.DataError, match="'japan_reading'"):
        model.legal_order(legal_texts.drop(columns=["japan_reading"]))


def test_legal_cards_show_every_text_both_readings_and_a_link_for_each_source(legal_texts):
    page = history.legal_cards(legal_texts).page
    sources = load("sources").set_index("id")
    rows = legal_texts.set_index("id")
    cards = page.split('class="fi-card fi-legal"')[1:]
    assert len(cards) == len(legal_texts)
    shown = [re.search(r'data-id="([^"]+)"', card).group(1) for card in cards]
    assert shown == list(model.legal_order(legal_texts)["id"])
    for row_id, card in zip(shown, cards, strict=True):
        row = rows.loc[row_id]
        for value in (row["text"], row["quote"], row["japan_reading"], row["russia_reading"], row["settles"]):
            assert html.escape(value) in card, (row_id, value[:40])
        assert "Japan reads it as:" in card and "Russia reads it as:" in card
        url = html.escape(sources.loc[row["source_id"], "url"], quote=True)
        assert f'<a href="{url}" target="_blank" rel="noopener">' in card, row_id
        assert f'lang="{row["language"]}"' in card
        if row["language"] != "en":
            assert "The course's translation from" in card and html.escape(row["quote_gloss"]) in card
    for heading, _ in model.legal_periods(legal_texts):
        assert f"<strong>{html.escape(heading)}</strong>" in page
    assert "$" not in page


def test_legal_cards_fall_back_to_text_that_names_every_text(legal_texts):
    block = history.legal_cards(legal_texts)
    text = repr(block)
    assert "<" not in text.replace("<http", "")
    assert all(len(line) <= 96 or "Source:" in line or "<http" in line for line in text.splitlines())
    reader = flat(text)
    sources = load("sources").set_index("id")
    for row in legal_texts.itertuples():
        assert flat(row.text) in reader, row.id
        assert flat(f"Japan reads it as: {row.japan_reading}") in reader, row.id
        assert flat(f"Russia reads it as: {row.russia_reading}") in reader, row.id
        assert sources.loc[row.source_id, "url"] in text, row.id


def test_the_lesson_shows_the_legal_cards_after_san_francisco_and_1956():
    cells = nbformat.read(LESSON, as_version=4).cells
    code = [c.source for c in cells if c.cell_type == "code"]
    assert any('legal_cards(load("legal_texts"))' in source for source in code)
    prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    headings = re.findall(r"^## (\d+)\. (.+)$", prose, re.MULTILINE)
    assert [int(n) for n, _ in headings] == list(range(1, len(headings) + 1))
    titles = [title for _, title in headings]
    legal = titles.index("The legal cases side by side")
    assert legal > max(
        next(i for i, t in enumerate(titles) if t.startswith("San Francisco 1951")),
        next(i for i, t in enumerate(titles) if t.startswith("1956")),
    )
    section = prose.split("## " + headings[legal][0] + ". ", 1)[1].split("\n## ", 1)[0]
    assert "Stop and think" in section and "Sources for this section" in section


def test_the_beyond_the_readings_heading_spans_the_events_after_the_readings(timeline):
    cells = nbformat.read(LESSON, as_version=4).cells
    prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    heading = re.search(r"^## \d+\. Beyond the readings: (\d{4})-(\d{4})$", prose, re.MULTILINE)
    assert heading, "no 'Beyond the readings: YYYY-YYYY' heading"
    years = timeline.loc[model.after_readings(timeline), "date"].str[:4].astype(int)
    assert (int(heading[1]), int(heading[2])) == (years.min(), years.max())
