"""Shared figure and map helpers: alt text, source line, PNG display, geometry, lesson blocks."""

from __future__ import annotations

import math

import pytest

from fourislands import DataError, maps
from fourislands.figures import finish, new_axes, show
from fourislands.lesson import lesson_header, reading_issue


def test_a_finished_figure_shows_as_png_with_alt_text_and_source():
    ax = new_axes()
    ax.plot([1, 2, 3], [3, 1, 2])
    finish(
        ax,
        "A title",
        "data/islands.csv (mofa-northern-territories)",
        "A line that falls, then rises.",
    )
    figure = show(ax)
    data, metadata = figure._repr_mimebundle_()
    assert figure.png.startswith(b"\x89PNG")
    assert 'alt="A line that falls, then rises."' in data["text/html"]
    assert metadata["image/png"]["alt"] == "A line that falls, then rises."
    assert ax.get_title(loc="left") == "A title"
    assert any("Source: data/islands.csv" in t.get_text() for t in ax.texts)


def test_alt_text_is_escaped_in_the_page():
    ax = finish(new_axes(), "t", "s", 'Quotes " and <tags>')
    assert 'alt="Quotes &quot; and &lt;tags&gt;"' in show(ax)._repr_mimebundle_()[0]["text/html"]


def test_ring_points_lie_at_the_radius():
    lons, lats = maps.ring_points(146.0, 44.0, 300, steps=36)
    distances = [maps.distance_km(146.0, 44.0, lon, lat) for lon, lat in zip(lons, lats, strict=True)]
    assert all(math.isclose(d, 300, rel_tol=1e-6) for d in distances)


def test_distance_matches_a_known_value():
    # One degree of latitude is about 111.2 km on a sphere of radius 6371 km.
    assert maps.distance_km(145.0, 43.0, 145.0, 44.0) == pytest.approx(111.19, abs=0.05)


def test_every_disputed_island_has_a_position_on_the_map():
    positions = maps.island_positions()
    assert set(positions) == {"habomai", "shikotan", "kunashiri", "etorofu"}
    lon, lat = {k: v[0] for k, v in positions.items()}, {k: v[1] for k, v in positions.items()}
    assert lon["etorofu"] > lon["shikotan"] > lon["habomai"]
    assert lat["etorofu"] > lat["kunashiri"] > lat["shikotan"] > lat["habomai"]


def test_the_base_map_draws_land_inside_the_region():
    ax = maps.label_islands(maps.base_map())
    assert ax.get_xlim() == (maps.REGION[0], maps.REGION[2])
    assert len(ax.patches) > 200
    labels = {t.get_text() for t in ax.texts}
    assert "Etorofu / Iturup" in labels and "Shikotan" in labels


def test_lesson_header_comes_from_course_yml():
    header = lesson_header("02")
    assert "Lesson 02" in header.page and "Before you start" in header.page
    assert "lesson 01" in repr(header)
    with pytest.raises(DataError, match="no lesson '42'"):
        lesson_header("42")


def test_reading_issue_box_shows_print_correction_and_reason():
    box = reading_issue("I-1")
    assert "1,283,200,000" in box.page and "Most likely right" in box.page and "Why" in box.page
    with pytest.raises(DataError, match="no reading issue"):
        reading_issue("I-99")
