"""Shared figure and map helpers: alt text, source line, PNG display, geometry, lesson blocks."""

from __future__ import annotations

import html
import io
import math
import re

import numpy as np
import pytest
from course_root import ROOT
from hypothesis import assume, given
from hypothesis import strategies as st
from matplotlib.transforms import Bbox
from PIL import Image

from fourislands import DataError, load, maps
from fourislands.figures import (
    DPI,
    PAD_INCHES,
    PALETTE,
    PROJECTOR_DPI,
    finish,
    least_text_px,
    legend_below,
    new_axes,
    png,
    show,
)
from fourislands.lesson import reading_issue, wrapped
from fourislands.palette import PAGE_LINK


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


def test_the_source_line_sits_under_all_the_chart_draws_and_inside_the_saved_image():
    ax = new_axes()
    bars = ax.bar(["one", "two"], [3, 1], label="bars")
    ax.set_xlabel("an axis label")
    legend_below(ax, [bars], columns=1, gap=0.12)
    finish(ax, "A title", "a source long enough to wrap " * 8, "Two bars.")
    image = Image.open(io.BytesIO(png(ax.figure)))
    renderer = ax.figure.canvas.get_renderer()
    line = ax.fourislands_source_line.get_window_extent(renderer)
    rest = ax.get_tightbbox(renderer)  # the line is outside the layout, so not in this box
    assert line.y1 < rest.y0 < ax.get_legend().get_window_extent(renderer).y0 + 1
    # The image holds the chart and the line under it, with the white margin around both.
    whole = Bbox.union([rest, line])
    margin = 2 * PAD_INCHES * DPI
    assert abs(image.size[1] - (whole.height + margin)) <= 2
    assert abs(image.size[0] - (whole.width + margin)) <= 2


def test_a_figure_is_laid_out_measured_and_drawn_once(monkeypatch):
    # Measuring all an axes draws is the dearest step of making a chart: two layout passes and the
    # box the source line sits under, which is also the image's tight box. Each one more was a
    # regression (a map measured its source line twice: the tight save gave back its size off in
    # the last digit; the tight box was measured apart from the source line's).
    from matplotlib.axes import Axes

    from fourislands.explore.timeline import border_explorer

    ax = new_axes()
    ax.bar(["one", "two"], [3, 1])
    ax.set_xlabel("an axis label")
    finish(ax, "A title", "a source", "Two bars.")
    measured = []
    measure = Axes.get_tightbbox
    monkeypatch.setattr(Axes, "get_tightbbox", lambda *a, **k: measured.append(1) or measure(*a, **k))
    png(ax.figure)
    assert len(measured) == 3
    measured.clear()
    border_explorer()  # draws its map once
    assert len(measured) == 3


def test_the_smallest_text_counts_what_is_drawn_and_only_that():
    ax = new_axes(size=(4.0, 3.0))
    ax.plot([0, 10], [0, 10])
    ax.set_xlim(0, 10)
    ax.tick_params(labelsize=9)
    ax.text(5, 5, "small note", fontsize=7)
    ax.text(5, 6, "hidden", fontsize=3).set_visible(False)
    ax.text(5, 7, "   ", fontsize=2)  # nothing to read
    assert least_text_px(ax.figure) == pytest.approx(7 * DPI / 72)
    assert least_text_px(ax.figure, PROJECTOR_DPI) == pytest.approx(7 * PROJECTOR_DPI / 72)
    # A tick past the axis' limits keeps a label of its own that is never drawn: it does not count.
    ax.texts[0].set_fontsize(10)
    ax.set_xticks([-5, 0, 5, 10], ["gone", "0", "5", "10"])
    ax.xaxis.get_major_ticks()[0].label1.set_fontsize(4)
    ax.set_xlim(0, 10)  # set_xticks widened the limits to show every tick
    assert least_text_px(ax.figure) == pytest.approx(9 * DPI / 72)
    ax.set_xlim(-6, 10)  # now it is drawn
    assert least_text_px(ax.figure) == pytest.approx(4 * DPI / 72)


def test_a_shown_figure_knows_its_size_and_says_its_smallest_text_on_the_image():
    ax = new_axes(size=(4.0, 3.0))
    ax.plot([1, 2], [1, 2])
    finish(ax, "Title", "data/islands.csv (mofa)", "A rising line.")
    lesson, projector = show(ax), show(ax, PROJECTOR_DPI)
    with Image.open(io.BytesIO(lesson.png)) as image:
        assert (lesson.width_px, lesson.height_px) == image.size
    # The same chart at a projector's DPI: larger by the ratio of the DPIs, text and all.
    assert projector.width_px / lesson.width_px == pytest.approx(PROJECTOR_DPI / DPI, rel=0.02)
    assert projector.text_px / lesson.text_px == pytest.approx(PROJECTOR_DPI / DPI)
    assert lesson.text_px == pytest.approx(8 * DPI / 72)  # the source line, the smallest text
    assert f'data-text-px="{lesson.text_px:.1f}"' in lesson._repr_mimebundle_()[0]["text/html"]
    # Shown in a narrower box the image shrinks, and its text with it; in a wider one it stays.
    assert lesson.shown_text_px(lesson.width_px / 2) == pytest.approx(lesson.text_px / 2)
    assert lesson.shown_text_px(3 * lesson.width_px, lesson.height_px / 4) == pytest.approx(
        lesson.text_px / 4
    )
    assert lesson.shown_text_px(10_000, 10_000) == lesson.text_px


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
    land = next(c for c in ax.collections if c.get_gid() == "coastline-level-1")
    assert len(land.get_paths()) > 200
    labels = {t.get_text() for t in ax.texts}
    assert "Etorofu / Iturup" in labels and "Shikotan" in labels


def test_reading_issue_box_shows_print_correction_and_reason():
    box = reading_issue("I-1")
    assert "1,283,200,000" in box.page and "Most likely right" in box.page and "Why" in box.page
    with pytest.raises(DataError, match="no reading issue"):
        reading_issue("I-99")


@pytest.mark.parametrize("issue_id", [f"I-{n}" for n in range(1, 55)])
def test_a_reading_issue_box_says_only_the_readings_that_print_the_slip_print_it(issue_id):
    issue = load("reading_issues").set_index("id").loc[issue_id]
    sources = load("sources").set_index("id")
    printed_in = issue["printed_in"].split(";")
    checked_by = issue["checked_by"].split(";") if isinstance(issue["checked_by"], str) else []
    box = reading_issue(issue_id)
    said, _, rest = box.text.partition("\n")[2].partition("\n")
    named = {
        sid
        for sid in sources.index
        if sources.loc[sid, "kind"] == "reading" and sources.loc[sid, "short"] in said
    }
    assert named == set(printed_in), said
    for piece in issue["printed"].split(" | "):
        assert f'"{piece}"' in said and f"&ldquo;{html.escape(piece)}&rdquo;" in box.page
    compare = rest.split("\n")[0] if checked_by else ""
    for sid in checked_by:
        assert sources.loc[sid, "short"] in compare
    assert compare.startswith("Compare: ") == bool(checked_by)


def test_the_still_at_war_and_mainichi_boxes_name_only_the_reading_that_slipped():
    # The review's two serious misattributions: the reading that corrects the slip was named as
    # printing it.
    at_war, mainichi = reading_issue("I-19"), reading_issue("I-3")
    assert 'The reading says (Su Wang 2013): "never signed a peace treaty' in at_war.text
    assert "Compare: The Strange Rapprochement (2017)" in at_war.text
    assert 'The reading says (Su Wang 2013): "about two third' in mainichi.text
    assert "Compare: Hirose 2018" in mainichi.text
    assert "Hirose" not in mainichi.page.split("Compare:")[0]


def test_a_reading_issue_with_fewer_pieces_than_readings_is_refused(monkeypatch):
    table = load("reading_issues").copy()
    table.loc[table["id"] == "I-50", "printed"] = "only one piece"
    monkeypatch.setattr(
        "fourislands.lesson.load", lambda name: table if name == "reading_issues" else load(name)
    )
    with pytest.raises(DataError, match="1 piece"):
        reading_issue("I-50")


def test_reading_issue_box_links_the_outside_source_it_was_checked_against():
    issues = load("reading_issues").set_index("id")
    checked = issues[issues["outside_source_id"].notna()].iloc[0]
    url = load("sources").set_index("id").loc[checked["outside_source_id"], "url"]
    assert (
        f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">'
        in reading_issue(checked.name).page
    )


def test_wrapped_text_breaks_between_words_and_indents_under_the_label():
    text = "1945-08-09  The Soviet Union attacks Manchuria, the Kurils and southern Sakhalin " * 3
    lines = wrapped(text.strip(), indent=12, width=60).splitlines()
    assert len(lines) > 1 and all(len(line) <= 60 for line in lines)
    assert all(line.startswith(" " * 12) and not line.startswith(" " * 13) for line in lines[1:])
    assert " ".join(wrapped(text, width=60).split()) == " ".join(text.split())  # no word cut or lost
    assert wrapped("self-defence forces", width=12) == "self-defence\nforces"  # hyphens keep words whole


def test_every_colour_the_package_draws_with_is_okabe_ito_or_a_neutral():
    # Colour-blind readers must tell every coloured thing apart: the only hues are Okabe-Ito's;
    # greys and pale land/sea tints carry no meaning. Links in the static pages have their own
    # colour, underlined as well (palette.PAGE_LINK).
    sources = list((ROOT / "src" / "fourislands").rglob("*.py"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    hues = set()
    for colour in set(re.findall(r"#[0-9A-Fa-f]{6}\b", text)):
        channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        if colour.upper() not in [*PALETTE, PAGE_LINK] and max(channels) - min(channels) > 24:
            hues.add(colour)
    named = set(re.findall(r"colou?r\s*=\s*\"([a-z][a-z:]*)\"", text)) - {"white", "black", "none"}
    assert hues == set() and named == set()


def test_the_colours_are_written_down_once_in_palette():
    # A colour changed in one place changes everywhere: no module spells out a palette colour.
    copies = {
        str(path.relative_to(ROOT)): colour
        for path in (ROOT / "src" / "fourislands").rglob("*.py")
        if path.name != "palette.py"
        for colour in re.findall(r"#[0-9A-Fa-f]{6}\b", path.read_text(encoding="utf-8"))
        if colour.upper() in PALETTE
    }
    assert copies == {}


@given(
    st.floats(0, 100), st.floats(0, 100), st.floats(5, 80), st.floats(5, 40),
    st.floats(0.05, 0.95), st.floats(0.05, 0.95), st.floats(-300, 300), st.floats(-300, 300),
    st.floats(0, 6), st.floats(0, 6),
)  # fmt: skip
def test_a_straight_leader_leaves_its_label_where_matplotlib_would_cut_it(
    x0, y0, w, h, fx, fy, ex, ey, sa, sb
):
    # Where matplotlib bisects a leader against the label's box, the course computes the point.
    from matplotlib.patches import ConnectionStyle, Rectangle
    from matplotlib.transforms import IdentityTransform

    from fourislands.figures import StraightLeader

    box = Rectangle((x0, y0), w, h, transform=IdentityTransform())
    start = (x0 + fx * w, y0 + fy * h)
    end = (start[0] + ex, start[1] + ey)
    assume(not box.get_window_extent().contains(*end) and math.hypot(ex, ey) > 2 * (w + h))
    ours = StraightLeader()(start, end, shrinkA=sa, shrinkB=sb, patchA=box).vertices
    theirs = ConnectionStyle.Arc3()(start, end, shrinkA=sa, shrinkB=sb, patchA=box).vertices
    assert np.allclose(ours[0], theirs[0], atol=0.05) and np.allclose(ours[-1], theirs[-1], atol=0.05)


def test_a_kept_figure_is_cut_out_of_one_drawing_the_size_a_new_one_is_saved_at():
    from fourislands.figures import KeptFigure, chart_size

    def chart(ax):
        ax.barh(["a long label on the left", "b"], [3, 1])
        ax.legend(["bars"], loc="upper left", bbox_to_anchor=(1.02, 1))  # reaches past the axes
        return finish(ax, "A title", "a source line " * 6, "Two bars.")

    kept = KeptFigure((4.0, 3.0))
    assert chart_size(kept.axes()) == pytest.approx((4.0, 3.0))  # the chart's rectangle, not the figure
    new, again = show(chart(new_axes(size=(4.0, 3.0)))), show(chart(kept.axes()))
    assert abs(again.width_px - new.width_px) <= 2 and abs(again.height_px - new.height_px) <= 2
    assert len(kept.figure.axes) == 1  # what it showed before is gone
    with Image.open(io.BytesIO(again.png)) as image:
        corner = image.convert("RGB").getpixel((0, 0))
    assert corner == (255, 255, 255)  # the margin, white: nothing cut through
