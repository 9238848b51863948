"""Lesson 03 (security): its charts, its map data and the range explorer."""

from __future__ import annotations

import html
import itertools
import json
import math

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest
from course_root import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.path import Path
from matplotlib.text import Text

from fourislands import DataError, dates, figures, load, maps
from fourislands.charts import security as charts
from fourislands.explore import ranges
from fourislands.explore.explorer import Explorer
from fourislands.figures import LESSON_SIZE, show
from fourislands.model import security as model

PLACES = ROOT / "data" / "geo" / "places.geojson"


@pytest.fixture(scope="module")
def military():
    return load("military")


@pytest.fixture(scope="module")
def economy():
    return load("economy")


@pytest.fixture(scope="module")
def collection() -> dict:
    return json.loads(PLACES.read_text(encoding="utf-8"))


def data_ranges(military) -> dict[str, float]:
    """Return {first word of the system: range} straight from the table's range rows."""
    rows = military[military["range_km"].notna()]
    return {s.split()[0]: float(r) for s, r in zip(rows["system_or_event"], rows["range_km"], strict=True)}


def assert_finished(ax) -> None:
    """A course figure: a title, a source line under it and alt text that says something."""
    assert ax.get_title(loc="left")
    assert len(getattr(ax, "fourislands_alt", "")) > 60
    assert any(t.get_text().startswith("Source: ") for t in ax.texts)
    assert show(ax).png.startswith(b"\x89PNG")


# ------------------------------------------------------------------------------ the map data


def test_every_feature_is_labelled_sourced_and_quoted(collection):
    sources = set(load("sources")["id"])
    assert collection["type"] == "FeatureCollection"
    west, south, east, north = model.MAP_EXTENT
    for feature in collection["features"]:
        props = feature["properties"]
        assert props["label"] and props["quote"], props
        assert props["source_id"] in sources, props["source_id"]
        assert isinstance(props["schematic"], bool)
        points = (
            [feature["geometry"]["coordinates"]]
            if feature["geometry"]["type"] == "Point"
            else feature["geometry"]["coordinates"]
        )
        for lon, lat in points:
            assert west <= lon <= east and south <= lat <= north, props["id"]


def test_the_four_straits_of_the_lesson_are_there():
    labels = " ".join(p.label for p in model.load_places(("strait",)))
    for name in ("Nemuro", "Catherine", "Vries", "Soya", "La Pérouse"):
        assert name in labels
    assert len(model.load_lanes()) >= 2


def test_launchers_are_schematic_and_stand_on_the_islands_the_reports_name(military):
    launchers = model.load_places(("launcher",))
    assert {p.system for p in launchers} == set(data_ranges(military))
    named = military[military["island_ids"].notna() & military["kind"].eq("deployment")]
    for place in launchers:
        assert place.schematic, "the sources name islands, not sites"
        rows = named[named["system_or_event"].str.startswith(place.system + " ")]
        assert place.island_id in set(rows["island_ids"]), place.system
        land = [
            ring
            for f in maps.coastlines()
            if f["properties"].get("island_id") == place.island_id
            for ring in maps._rings(f["geometry"])
        ]
        assert any(Path(ring).contains_point((place.lon, place.lat)) for ring in land)


def test_a_missing_places_file_is_a_data_error_naming_it(project_copy):
    with pytest.raises(DataError, match="places.geojson"):
        model.load_places()


def test_system_ranges_come_from_the_table(military):
    assert model.system_ranges(military) == data_ranges(military)
    launchers = model.reported_launchers(military)
    assert {x.system: x.range_km for x in launchers} == data_ranges(military)


def test_two_different_ranges_for_one_system_are_refused(military):
    broken = military.copy()
    row = broken.index[broken["range_km"].notna()][0]
    twin = broken.loc[[row]].copy()
    twin["range_km"] = twin["range_km"] + 1
    with pytest.raises(DataError, match="two different ranges"):
        model.system_ranges(pd.concat([broken, twin]))


# ------------------------------------------------------------------------------ the timeline


def test_decimal_year_puts_a_date_in_the_middle_of_what_it_covers():
    assert dates.decimal_year("2016") == 2016.5
    # 2013 is not a leap year: 7 February is day 38, whose middle is 37.5 days in.
    assert dates.decimal_year("2013-02-07") == pytest.approx(2013 + 37.5 / 365)
    # July 2016 (leap year) starts after 182 days and lasts 31.
    assert dates.decimal_year("2016-07") == pytest.approx(2016 + (182 + 15.5) / 366)
    assert dates.decimal_year("2016-01") < dates.decimal_year("2016-01-20")
    assert dates.decimal_year(2016) == 2016.5  # a year typed as a number is still that year
    for bad in ("2016-13-", "2016-13", "2015-02-29", "16", "", None, 2016.5):
        with pytest.raises(ValueError):
            dates.decimal_year(bad)


def test_every_dated_row_in_the_window_is_in_exactly_one_point(military):
    points = model.timeline_points(military, 2010, 2019)
    ids = [i for cell in points["ids"] for i in cell.split(";")]
    dated = military[military["date"].notna()]
    years = dated["date"].str[:4].astype(int)
    expected = set(dated.loc[(years >= 2010) & (years <= 2019), "id"])
    assert sorted(ids) == sorted(expected)
    for _, point in points.iterrows():
        rows = military.set_index("id").loc[point["ids"].split(";")]
        assert set(rows["kind"]) == {point["kind"]}
        # Each row's date covers the point's, or is the year a folded year-only report gave.
        assert all(d.startswith(point["date"][:7]) or d == point["also_dated"] for d in rows["date"])


def test_timeline_plots_each_kind_at_its_dates(military):
    ax = charts.deployment_timeline(military, 2010, 2019)
    assert_finished(ax)
    dated = military[military["date"].notna()]
    dated = dated[dated["date"].str[:4].astype(int).between(2010, 2019)]
    # One year-only report of a month's event is folded into that month's point (below).
    folded = {"mil-2016-bal-bastion-hirose"} & set(dated["id"])
    for kind in set(dated["kind"]):
        line = next(x for x in ax.lines if x.get_gid() == f"timeline-{kind}")
        mine = dated[(dated["kind"] == kind) & ~dated["id"].isin(folded)]
        months = set(mine["date"].str[:7])
        assert len(line.get_xdata()) == len(months)
        for date in months:  # a point sits inside the month or year of each group
            start = int(date[:4]) + (int(date[5:7]) - 1) / 12 if len(date) == 7 else int(date)
            span = 1 / 12 if len(date) == 7 else 1
            assert any(start - 0.01 <= x <= start + span + 0.01 for x in line.get_xdata())
    key = next(t.get_text() for t in ax.texts if t.get_text().startswith("Numbered events"))
    labelled = dated[dated["kind"].isin(["deployment", "incident"]) & ~dated["id"].isin(folded)]
    # Every deployment and incident is numbered, and so is the 2+2 agreement dated by a slip (I-12).
    groups = labelled.groupby(["kind", labelled["date"].str[:7]]).ngroups + 1
    assert f"\n{groups:>2}  " in key and f"\n{groups + 1:>2}  " not in key


def test_a_point_dated_by_a_high_severity_slip_is_hollow_and_its_key_names_the_slip(military):
    ax = charts.deployment_timeline(military, 2010, 2019)
    hollow = next(x for x in ax.lines if x.get_gid() == "timeline-cooperation-doubtful")
    assert list(hollow.get_xdata()) == [2014.5] and hollow.get_markerfacecolor() == "white"
    assert not any(str(x.get_gid()).endswith("-doubtful") for x in ax.lines if x is not hollow)
    key = next(t.get_text() for t in ax.texts if t.get_text().startswith("Numbered events"))
    assert "2014: Agreement on regular 2+2 consultations (hollow: this date is a reading's" in key
    assert "see I-12" in key


def test_a_year_only_report_joins_the_month_that_names_the_same_systems(military):
    points = model.timeline_points(military, 2010, 2019)
    deployments = points[points["kind"] == "deployment"].set_index("date")
    assert "2016" not in deployments.index
    november = deployments.loc["2016-11"]
    assert november["also_dated"] == "2016" and "I-52" in november["issues"]
    assert "hirose2018" in november["sources"].split(";")
    # Another year-only point of 2016 that names other things keeps its own place.
    announcements = points[points["kind"] == "announcement"]
    assert "2016" in set(announcements["date"]) and "2016-03" in set(announcements["date"])


def test_timeline_window_changes_what_is_shown(military):
    ax = charts.deployment_timeline(military, 2016, 2017)
    assert ax.get_xlim() == (2016, 2018)
    xs = np.concatenate([x.get_xdata() for x in ax.lines if str(x.get_gid()).startswith("time")])
    assert xs.min() >= 2016 and xs.max() < 2018
    assert "2016-2017" in ax.get_title(loc="left")


# ------------------------------------------------------------------------------ map and bars


def test_range_map_draws_each_ring_at_the_range_the_table_gives(military):
    ax = charts.range_map(military)
    assert_finished(ax)
    ranges_km = data_ranges(military)
    for place in model.load_places(("launcher",)):
        ring = next(x for x in ax.lines if x.get_gid() == f"ring-{place.system}")
        distances = [
            maps.distance_km(place.lon, place.lat, lon, lat)
            for lon, lat in zip(ring.get_xdata(), ring.get_ydata(), strict=True)
        ]
        assert np.allclose(distances, ranges_km[place.system], rtol=1e-6)
        star = next(x for x in ax.lines if x.get_gid() == f"launcher-{place.system}")
        assert (star.get_xdata()[0], star.get_ydata()[0]) == (place.lon, place.lat)
    assert "schematic" in ax.fourislands_source


def test_range_map_alt_text_names_what_each_ring_covers(military):
    ax = charts.range_map(military)
    targets = model.load_places(model.STRAIT_KINDS)
    bastion = next(p for p in model.load_places(("launcher",)) if p.system == "Bastion")
    far = max(targets, key=lambda t: maps.distance_km(bastion.lon, bastion.lat, t.lon, t.lat))
    assert f"Outside every ring: {far.label}" in ax.fourislands_alt


def test_distance_bars_equal_the_great_circle_distances(military):
    targets = model.load_places(model.STRAIT_KINDS)
    ax = charts.site_distances(military, targets)
    assert_finished(ax)
    for place in model.load_places(("launcher",)):
        widths = sorted(p.get_width() for p in ax.patches if p.get_gid() == f"bars-{place.system}")
        expected = sorted(maps.distance_km(place.lon, place.lat, t.lon, t.lat) for t in targets)
        assert np.allclose(widths, expected)
        line = next(x for x in ax.lines if x.get_gid() == f"range-{place.system}")
        assert line.get_xdata()[0] == data_ranges(military)[place.system]


def test_leverage_table_repeats_the_data_rows(economy, military):
    table = model.leverage_table(economy, military)
    assert set(table["lever"]) == {"Japan: economic", "Russia: military"}
    both = {"economy": economy.set_index("id"), "military": military.set_index("id")}
    for _, row in table.iterrows():
        source = both["economy"] if row["row"] in both["economy"].index else both["military"]
        data = source.loc[row["row"]]
        values = [data.get(c) for c in ("value", "range_km", "personnel") if c in data.index]
        assert row["figure"] in [float(v) for v in values if pd.notna(v)]
        assert not (isinstance(row["figure"], float) and row["figure"].is_integer()), "a count shown as 68.0"
        assert row["source_id"] == data["source_id"]


# ------------------------------------------------------------------------------ layout


def drawn(ax):
    """Draw ax's figure as a notebook shows it, then on its own canvas; return the renderer."""
    show(ax)
    ax.figure.canvas.draw()  # the tight PNG moved the text boxes: put them back to measure
    return ax.figure.canvas.get_renderer()


def text_box(text, renderer):
    """The box a text covers on the page (its white box when it has one), without any leader."""
    patch = text.get_bbox_patch()
    return patch.get_window_extent(renderer) if patch is not None else Text.get_window_extent(text, renderer)


def test_timeline_key_is_readable_under_the_chart(military):
    ax = charts.deployment_timeline(military)
    renderer = drawn(ax)
    assert ax.figure.get_figwidth() <= LESSON_SIZE[0]  # shown at full size in a notebook column
    key = next(t for t in ax.texts if t.get_text().startswith("Numbered events"))
    source = next(t for t in ax.texts if t.get_text().startswith("Source: "))
    assert key.get_fontsize() >= 8
    assert all(t.get_fontsize() >= 8.5 for t in ax.get_xticklabels() + ax.get_yticklabels())
    below = ax.xaxis.label.get_window_extent(renderer)
    assert text_box(key, renderer).y1 <= below.y0
    assert text_box(source, renderer).y1 <= text_box(key, renderer).y0


def test_timeline_points_of_one_kind_do_not_cover_each_other(military):
    ax = charts.deployment_timeline(military)
    renderer = drawn(ax)
    for line in ax.lines:
        if not str(line.get_gid()).startswith("timeline-"):
            continue
        size = line.get_markersize() * renderer.points_to_pixels(1)
        centres = line.get_transform().transform(line.get_xydata())
        for n, a in enumerate(centres):
            for b in centres[n + 1 :]:
                assert np.hypot(*(a - b)) >= size * 0.9, line.get_gid()


def test_range_map_names_hide_no_island_and_no_ring_crosses_them(military):
    ax = charts.range_map(military)
    renderer = drawn(ax)
    frame = ax.get_window_extent(renderer)
    islands = [
        Path(ax.transData.transform(np.asarray(ring)))
        for feature in maps.coastlines()
        if feature["properties"].get("island_id") and feature["properties"].get("level") == 1
        for ring in maps._rings(feature["geometry"])
    ]
    rings = [
        Path(ax.transData.transform(line.get_xydata())).clip_to_bbox(frame, inside=True)
        for line in ax.lines
        if str(line.get_gid()).startswith("ring-")
    ]
    names = [t for t in ax.texts if t.get_text() and not t.get_text().startswith("Source: ")]
    boxes = {t.get_text(): text_box(t, renderer) for t in names}
    for n, (name, box) in enumerate(boxes.items()):
        for other, other_box in list(boxes.items())[n + 1 :]:
            assert not box.overlaps(other_box), (name, other)
        for island in islands:
            assert not island.intersects_bbox(box, filled=True), name
    islands_table = load("islands")
    both_names = {
        ja if ja == ru else f"{ja} / {ru}"
        for ja, ru in zip(islands_table["name_ja"], islands_table["name_ru"], strict=True)
    }
    island_names = [t.get_text() for t in names if t.get_text() in both_names and t.arrow_patch is not None]
    assert {"Shikotan", "Etorofu / Iturup", "Kunashiri / Kunashir"} <= set(island_names)
    for name in [*island_names, "Nemuro\nStrait"]:
        assert not any(ring.intersects_bbox(boxes[name], filled=False) for ring in rings), name
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.y1 <= frame.y0  # under the map, where it covers no ring
    assert not any(ring.intersects_bbox(legend, filled=False) for ring in rings)


def test_explorer_map_names_stay_apart_and_on_the_map():
    # The explorer's map is a third as wide as the lesson's: its own layout keeps the names apart.
    ax = charts.launcher_map(147.87, 45.07, 300, label="Etorofu", layout=charts.EXPLORER_RING_MAP)
    renderer = drawn(ax)
    frame = ax.get_window_extent(renderer)
    names = [t for t in ax.texts if t.get_text() and not t.get_text().startswith("Source: ")]
    boxes = {t.get_text(): text_box(t, renderer) for t in names}
    assert len(boxes) == len(names) >= 16  # every strait, place, island, sea and the lane's end
    for n, (name, box) in enumerate(boxes.items()):
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, name
        for other, other_box in list(boxes.items())[n + 1 :]:
            assert not box.overlaps(other_box), (name, other)
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.x0 >= frame.x1  # beside the map, where it covers no ring


def test_every_chart_is_legible_where_it_is_shown(military):
    for ax in (
        charts.deployment_timeline(military),
        charts.range_map(military),
        charts.site_distances(military),
    ):
        shown = show(ax)
        assert shown.width_px <= figures.LESSON_WIDTH_PX, ax.get_title(loc="left")
        assert shown.shown_text_px(figures.LESSON_WIDTH_PX) >= figures.LEAST_TEXT_PX, ax.get_title(loc="left")
    (in_lesson,) = ranges.range_explorer().last_view.figures
    assert in_lesson.width_px <= figures.EXPLORER_WIDTH_PX
    shown_px = in_lesson.shown_text_px(figures.EXPLORER_WIDTH_PX, figures.EXPLORER_HEIGHT_PX)
    assert shown_px >= figures.LEAST_TEXT_PX
    (in_app,) = ranges.range_explorer(projector=True).last_view.figures
    assert in_app.height_px <= figures.PROJECTOR_HEIGHT_PX
    shown_px = in_app.shown_text_px(figures.PROJECTOR_WIDTH_PX, figures.PROJECTOR_HEIGHT_PX)
    assert shown_px >= figures.PROJECTOR_TEXT_PX


def test_distance_values_stay_readable_where_a_range_line_runs(military):
    ax = charts.site_distances(military)
    renderer = drawn(ax)
    ranges = [x for x in ax.lines if str(x.get_gid()).startswith("range-")]
    values = [t for t in ax.texts if t.get_text().endswith(" km") and "range" not in t.get_text()]
    crossed = 0
    for text in values:
        box = text.get_window_extent(renderer)
        for line in ranges:
            x = line.get_transform().transform((line.get_xdata()[0], 0))[0]
            if box.x0 <= x <= box.x1:
                crossed += 1
                patch = text.get_bbox_patch()
                assert patch is not None and patch.get_facecolor()[:3] == (1, 1, 1)
                assert text.get_zorder() > line.get_zorder()
    assert crossed  # the data put at least one value on a range line


# ------------------------------------------------------------------------------ the explorer


def test_a_target_at_the_launcher_is_inside_at_distance_zero():
    target = model.load_places(("strait",))[0]
    reach = model.places_in_range(target.lon, target.lat, 1)
    assert reach.ok and reach.inside[0] == (target.label, 0.0)


def test_inside_means_no_further_than_the_range():
    target = model.Place("t", "strait", "Test strait", 146.0, 44.0, "x", "q", True, "")
    one_degree = 2 * math.pi * maps.EARTH_RADIUS_KM / 360  # a degree of latitude, in km
    short = model.places_in_range(146.0, 45.0, one_degree - 0.01, [target])
    long = model.places_in_range(146.0, 45.0, one_degree + 0.01, [target])
    assert short.inside == () and short.outside[0][1] == pytest.approx(one_degree)
    assert long.inside_labels == ["Test strait"]


def test_a_target_exactly_at_the_range_is_inside():
    target = model.load_places(("strait",))[0]
    distance = maps.distance_km(147.0, 45.0, target.lon, target.lat)
    assert model.places_in_range(147.0, 45.0, distance, [target]).inside_labels == [target.label]
    assert model.places_in_range(147.0, 45.0, distance * 0.999, [target]).inside == ()


def test_the_reported_sites_reach_what_the_distances_say(military):
    targets = model.load_places(model.STRAIT_KINDS)
    for launcher in model.reported_launchers(military):
        reach = model.places_in_range(launcher.lon, launcher.lat, launcher.range_km)
        expected = {
            t.label
            for t in targets
            if maps.distance_km(launcher.lon, launcher.lat, t.lon, t.lat) <= launcher.range_km
        }
        assert set(reach.inside_labels) == expected
        assert len(reach.inside) + len(reach.outside) == len(targets)


@pytest.fixture(scope="module")
def shared_explorer():
    """One range explorer for tests that only refresh it (making one draws a map)."""
    return ranges.range_explorer()


@pytest.mark.parametrize(
    ("lon", "lat", "range_km", "words"),
    [
        ("abc", 45, 300, "must be a number"),
        (None, 45, 300, "empty"),
        (147, "  ", 300, "empty"),
        (147, 45, float("nan"), "must be a number"),
        (147, 45, float("inf"), "must be a number"),
        (True, 45, 300, "must be a number"),
        (170, 45, 300, "off the map"),
        (147, 60, 300, "off the map"),
        (147, 45, 0, "more than 0 km"),
        (147, 45, -5, "more than 0 km"),
        (147, 45, 5000, "at most"),
    ],
)
def test_bad_input_gets_a_message_in_words(lon, lat, range_km, words, shared_explorer, monkeypatch):
    reach = model.places_in_range(lon, lat, range_km)
    assert not reach.ok and words in reach.message and reach.inside == ()
    assert ranges.reach_html(reach) == f"<p>{html.escape(reach.message)}</p>"
    # The explorer shows such a reach as a problem to fix, in words and without a map.
    renders = shared_explorer.renders
    monkeypatch.setattr(ranges, "places_in_range", lambda *_args, **_kwargs: reach)
    shared_explorer.refresh()
    assert shared_explorer.last_view.problem == reach.message and not shared_explorer.last_view.figures
    assert "Please check" in shared_explorer.summary.value
    assert html.escape(reach.message) in shared_explorer.summary.value
    assert shared_explorer.output.outputs == () and shared_explorer.renders == renders
    assert shared_explorer.as_text() == f"Please check: {reach.message}"


@settings(max_examples=60)
@given(
    st.one_of(st.none(), st.text(max_size=5), st.floats(allow_nan=True), st.integers()),
    st.one_of(st.none(), st.text(max_size=5), st.floats(allow_nan=True), st.integers()),
    st.one_of(st.none(), st.text(max_size=5), st.floats(allow_nan=True), st.integers()),
)
def test_no_input_raises(lon, lat, range_km):
    reach = model.places_in_range(lon, lat, range_km, targets=[])
    assert isinstance(reach.message, str) and reach.message


def test_candidate_sites_start_with_the_reported_ones():
    sites = model.candidate_sites()
    reported = {p.lon: p for p in model.load_places(("launcher",))}
    labels = list(sites)
    assert "Bastion reported" in labels[0] and "Bal reported" in labels[1]
    assert {sites[labels[0]][0], sites[labels[1]][0]} == set(reported)
    assert any(label.startswith("Shikotan") for label in labels)


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_the_widget_is_keyboard_friendly_and_classed():
    explorer = ranges.range_explorer()
    kinds = {type(w) for w in walk(explorer)}
    assert not kinds & {widgets.Dropdown, widgets.Select, widgets.SelectMultiple}
    assert isinstance(explorer, Explorer) and explorer.title.startswith("Range explorer")
    assert "fi-explorer" in explorer._dom_classes
    assert "fi-explorer-output" in explorer.output._dom_classes
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "Range explorer" in bundle["text/plain"] and "km" in bundle["text/plain"]
    assert explorer.last_reach.message in bundle["text/plain"]
    assert explorer.figure_alt and explorer.figure_alt in bundle["text/plain"]


def test_the_controls_stand_in_the_column_and_fill_its_width():
    explorer = ranges.range_explorer()
    (column,) = [c for c in explorer.children if "fi-explorer-controls" in c._dom_classes]
    controls = [explorer.site, explorer.lon, explorer.lat, explorer.preset, explorer.range_km]
    assert all(control in column.children for control in controls)
    assert explorer.notice in column.children
    for control in controls:
        assert control.layout.width == "100%", control.description
    for slider in (explorer.lon, explorer.lat, explorer.range_km):
        assert slider.continuous_update is False  # one redraw when the slider is let go


def test_where_the_ranges_and_sites_come_from_is_a_folded_note(military):
    explorer = ranges.range_explorer()
    assert explorer.notes.selected_index is None  # folded until asked for
    assert explorer.notes.titles == ("Where the ranges and the sites come from",)
    (note,) = explorer.notes.children
    rows = military[military["range_km"].notna()]
    for system, km, row, source in zip(
        rows["system_or_event"], rows["range_km"], rows["id"], rows["source_id"], strict=True
    ):
        assert all(part in note.value for part in (system, f"{km:g} km", row, source))
    for label, (lon, lat) in explorer.sites.items():
        assert f"{html.escape(label)}</td><td>{lat:.2f}°N {lon:.2f}°E" in note.value
    assert "schematic" in note.value


def test_buttons_and_sliders_drive_the_words_and_the_map(military):
    explorer = ranges.range_explorer()
    start = (explorer.renders, explorer.summary.value, explorer.output.outputs[0]["data"])
    assert "image/png" in start[2] and "alt=" in start[2]["text/html"]
    bal = data_ranges(military)["Bal"]
    explorer.preset.value = next(k for k in explorer.presets if k.startswith("Bal"))
    assert explorer.range_km.value == bal
    assert explorer.renders == start[0] + 1 and explorer.summary.value != start[1]
    assert f"range of {bal:g} km" in explorer.summary.value
    assert explorer.output.outputs[0]["data"]["text/plain"] != start[2]["text/plain"]
    kunashiri = next(k for k in explorer.sites if "Bal reported" in k)
    explorer.site.value = kunashiri
    assert (explorer.lon.value, explorer.lat.value) == pytest.approx(explorer.sites[kunashiri])
    assert explorer.renders == start[0] + 2  # both sliders moved, one map drawn
    lon, lat = explorer.sites[kunashiri]
    assert f"launcher at {lat:.2f}°N {lon:.2f}°E" in explorer.output.outputs[0]["data"]["text/plain"]
    assert explorer.last_reach.inside_labels == list(
        model.places_in_range(*explorer.sites[kunashiri], bal).inside_labels
    )
    explorer.lon.value = explorer.lon.value + 1.0
    assert explorer.site.value is None  # a custom position: no site lit
    explorer.range_km.value = 250
    assert explorer.preset.value is None and "range of 250 km" in explorer.summary.value


def test_bad_starting_values_give_a_notice_not_a_traceback():
    off_map = ranges.range_explorer(lon=200)
    assert "off the map" in off_map.notice.value
    assert off_map.lon.value == next(iter(off_map.sites.values()))[0]
    assert f"starts at {html.escape(off_map.site.value)}" in off_map.notice.value
    assert off_map.notice.layout.display is None and off_map.last_view.ok  # said, and the map drawn
    too_far = ranges.range_explorer(range_km=800)
    assert "runs from" in too_far.notice.value and too_far.range_km.value == 500
    assert too_far.notice.layout.display is None
    fine = ranges.range_explorer(lon=146.5, lat=44.0, range_km=200)
    assert fine.notice.value == "" and fine.notice.layout.display == "none"
    assert (fine.lon.value, fine.lat.value, fine.range_km.value) == (146.5, 44.0, 200)
    assert fine.site.value is None and fine.preset.value is None


def test_one_press_draws_one_map_and_lights_only_what_matches():
    explorer = ranges.range_explorer()  # at the first site with the longest range
    presets = sorted(explorer.presets, key=explorer.presets.get)  # the shortest range first
    for site, preset in zip(explorer.sites, itertools.cycle(presets)):
        (lon, lat), km = explorer.sites[site], explorer.presets[preset]
        renders = explorer.renders
        with explorer.holding():  # a new place and a new range at once: one map
            explorer.site.value = site
            explorer.preset.value = preset
        assert explorer.renders == renders + 1
        assert (explorer.lon.value, explorer.lat.value, explorer.range_km.value) == (lon, lat, km)
        assert (explorer.site.value, explorer.preset.value) == (site, preset)
        assert f"range of {km:g} km" in explorer.summary.value
    renders = explorer.renders
    explorer.range_km.value = 200
    assert explorer.renders == renders + 1 and explorer.preset.value is None
    assert explorer.site.value == site  # the launcher did not move


def test_a_redraw_reads_no_file(shared_explorer, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the explorer read its data again")

    monkeypatch.setattr(ranges, "load", refuse)
    monkeypatch.setattr(ranges, "load_places", refuse)
    monkeypatch.setattr(ranges, "candidate_sites", refuse)
    renders = shared_explorer.renders
    shared_explorer.lat.value = 44.5
    shared_explorer.range_km.value = 150
    assert shared_explorer.renders == renders + 2 and shared_explorer.last_view.ok
    assert "range of 150 km" in shared_explorer.summary.value
