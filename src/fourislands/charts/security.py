"""Lesson 03 charts and maps: deployments over time, missile range rings, distances to the straits."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from .. import maps
from ..data import load
from ..figures import EXPLORER_WIDTH, LEADER, LESSON_SIZE, PROJECTOR_HEIGHT, finish, legend_below, new_axes
from ..model.security import (
    MAP_EXTENT,
    STRAIT_KINDS,
    Launcher,
    Place,
    covered,
    distance_table,
    load_lanes,
    load_places,
    reported_launchers,
    timeline_points,
)
from ..palette import BLACK, BLUE, GREEN, PURPLE, SKY, VERMILION
from ..words import and_list, wrapped

# Inches: as wide as a lesson's column shows a figure at full size (figures.LESSON_SIZE).
TIMELINE_SIZE = (LESSON_SIZE[0], 6.2)
DISTANCES_SIZE = (LESSON_SIZE[0], 5.0)
KEY_WIDTH = 84  # characters of the timeline's 8-point key and source, beside its y labels
SOURCE_WIDTH = 78  # characters of an 8-point source line under a lesson chart, after its y labels
KINDS = ("deployment", "announcement", "exercise", "incident", "cooperation")
# Okabe-Ito colours, each with its own marker: the kind is also named on the y axis.
KIND_STYLE = {
    "deployment": (VERMILION, "s"),
    "announcement": (PURPLE, "D"),
    "exercise": (GREEN, "^"),
    "incident": (BLACK, "X"),
    "cooperation": (SKY, "o"),
}
# One ring style per system, shared by the range map and the distance chart.
SYSTEM_STYLE = {"Bal": (BLUE, "-", ""), "Bastion": (VERMILION, "--", "///")}
OTHER_STYLE = (GREEN, "-.", "...")


@dataclass(frozen=True)
class RingMapLayout:
    """How a ring map of one size writes its names, so that they stay apart and readable there."""

    size: tuple[float, float]  # inches, the figure without its source line
    fontsize: float  # of the names of straits, places, seas and lanes (islands' names: 8 points)
    # Where to write a strait's or place's name, in degrees: (lon, lat, alignment). A name set
    # apart keeps a leader line to its point; one not listed goes right of and below its point.
    names_at: dict[str, tuple[float, float, str]]
    texts: dict[str, str]  # names written otherwise than their label: broken into lines
    islands: dict[str, tuple[float, float]]  # degrees from each island's centre to its name
    seas: dict[str, tuple[float, float]]  # where a map label (sea, Hokkaido) goes if moved
    lane_end: tuple[float, float]  # degrees from a lane's end to the middle of its label
    # The explorer's narrow map: its key beside it (else under it), long names in more lines.
    narrow: bool
    source_width: int  # characters per line of the source


# The lesson's map, a column wide: the names of the crowded Nemuro coast stacked over Hokkaido, the
# islands' names in open water clear of both rings.
LESSON_RING_MAP = RingMapLayout(
    size=(LESSON_SIZE[0], 5.9),
    fontsize=8,
    names_at={
        # In two lines inside the Bal ring, north of the strait: the Bastion ring runs just west.
        "strait-nemuro": (145.28, 44.47, "center"),
        "place-rausu": (144.55, 44.22, "right"),
        "place-shibetsu": (144.75, 43.75, "right"),
        "place-notsuke": (144.75, 43.38, "right"),
        "place-cape-nosappu": (144.75, 42.93, "right"),
        "strait-soya": (142.3, 45.35, "left"),
        "strait-catherine": (147.6, 43.95, "left"),
        "strait-vries": (149.4, 45.65, "left"),
    },
    texts={
        "strait-nemuro": "Nemuro\nStrait",
        "place-cape-nosappu": "Cape Nosappu\n(Nemuro Peninsula)",
        "strait-catherine": "Catherine\n(Ekaterina) Strait",
    },
    islands={
        "etorofu": (-0.87, 1.18),
        "kunashiri": (-0.35, 1.43),
        "shikotan": (1.0, -0.75),
        "habomai": (-1.1, -1.45),
    },
    seas={"label-hokkaido": (142.4, 44.07)},
    lane_end=(0.3, -0.45),
    narrow=False,
    source_width=105,
)
# The explorer's map, beside its controls and, in the projector app, within a screen's height: the
# key beside the map, the long names in two or three lines.
EXPLORER_RING_MAP = RingMapLayout(
    size=(EXPLORER_WIDTH, PROJECTOR_HEIGHT - 0.85),  # less the source line, 5 lines under the map
    fontsize=7.5,
    names_at={
        "strait-nemuro": (144.85, 44.95, "right"),
        "place-rausu": (144.85, 44.5, "right"),
        "place-shibetsu": (144.85, 44.05, "right"),
        "place-notsuke": (144.85, 43.35, "right"),
        "place-cape-nosappu": (144.1, 42.3, "center"),
        "strait-soya": (141.15, 47.0, "left"),
        "strait-catherine": (147.4, 44.1, "left"),
        "strait-vries": (149.35, 45.8, "left"),
    },
    texts={
        "place-cape-nosappu": "Cape Nosappu\n(Nemuro Peninsula)",
        "place-notsuke": "Notsuke\nPeninsula",
        "strait-soya": "Soya /\nLa Pérouse\nStrait",
        "strait-catherine": "Catherine\n(Ekaterina) Strait",
        "strait-vries": "Vries (Friza)\nStrait",
    },
    islands={
        "etorofu": (-0.55, 1.58),
        "kunashiri": (-0.5, 1.5),
        "shikotan": (1.3, -0.4),
        "habomai": (2.45, -0.9),
    },
    seas={"label-hokkaido": (142.1, 44.38), "label-pacific": (151.0, 41.83)},
    lane_end=(0.6, -0.75),
    narrow=True,
    source_width=78,
)


# ---------------------------------------------------------------------------- maps


def _style(launcher: Launcher) -> tuple[str, str, str]:
    return SYSTEM_STYLE.get(launcher.system or "", OTHER_STYLE)


def _degree_ticks(ax: Axes, step: float) -> None:
    """Tick the map every step degrees, written 144°E and 44°N: no axis labels to make room for."""
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    ax.set_xticks(np.arange(math.ceil(west / step) * step, east, step))
    ax.set_yticks(np.arange(math.ceil(south / step) * step, north, step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _position: f"{value:g}°E"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: f"{value:g}°N"))
    ax.set_xlabel("")
    ax.set_ylabel("")


def _key_entries(launchers: list[Launcher], layout: RingMapLayout) -> list[Line2D]:
    """Return the map's key: one entry per ring, then the strait, place and sea lane markers."""
    width = 19 if layout.narrow else 60  # characters: a key beside the map is a narrow column

    def ring_name(launcher: Launcher) -> str:
        if launcher.system:
            return f"{launcher.system}: {launcher.range_km:g} km ring from a schematic site"
        return f"{launcher.label}: {launcher.range_km:g} km ring"

    handles = [
        Line2D(
            [],
            [],
            color=_style(x)[0],
            linestyle=_style(x)[1],
            marker="*",
            markersize=11,
            markeredgecolor="black",
            label=wrapped(ring_name(x), width),
        )
        for x in launchers
    ]
    return handles + [
        Line2D(
            [],
            [],
            color="white",
            marker="D",
            markeredgecolor="black",
            linestyle="",
            label=wrapped("Strait (marker in mid-channel)", width),
        ),
        Line2D([], [], color="black", marker="o", markersize=3.5, linestyle="", label="Place"),
        Line2D([], [], color="#555555", linestyle=":", label="Sea lane (schematic)"),
    ]


def draw_ring_map(
    launchers: list[Launcher],
    ax: Axes | None = None,
    extent=MAP_EXTENT,
    layout: RingMapLayout = LESSON_RING_MAP,
) -> Axes:
    """Draw land, straits, places, sea lanes and one range ring per launcher; return ax."""
    ax = maps.base_map(new_axes(ax, size=layout.size), extent=extent)
    ax.set_autoscale_on(False)
    _degree_ticks(ax, 3 if layout.narrow else 2)
    on_white = {"boxstyle": "round,pad=0.12", "facecolor": "white", "alpha": 0.75, "edgecolor": "none"}
    for lane in load_lanes():
        xs, ys = zip(*lane.coordinates, strict=True)
        ax.plot(xs, ys, color="#555555", linestyle=":", linewidth=1.4, zorder=3, gid=f"lane-{lane.id}")
        ax.annotate(
            "",
            xy=lane.coordinates[-1],
            xytext=lane.coordinates[-2],
            arrowprops={"arrowstyle": "->", "color": "#555555", "linewidth": 1.2},
            zorder=3,
        )
        if lane.end_label:
            lon, lat = lane.coordinates[-1]
            ax.text(
                lon + layout.lane_end[0],
                lat + layout.lane_end[1],
                wrapped(lane.end_label, 18) if layout.narrow else lane.end_label,
                fontsize=layout.fontsize,
                style="italic",
                color="#444444",
                ha="center",
                va="center",
                zorder=7,
                bbox=on_white,  # over the ring that crosses it in the explorer's small map
            )
    for place in load_places():
        if place.kind == "label":
            ax.text(
                *layout.seas.get(place.id, (place.lon, place.lat)),
                place.label,
                fontsize=layout.fontsize + 0.5,
                style="italic",
                color="#444444",
                ha="center",
                zorder=4,
            )
        elif place.kind in STRAIT_KINDS:
            strait = place.kind == "strait"
            ax.plot(
                place.lon,
                place.lat,
                marker="D" if strait else "o",
                markersize=6 if strait else 3.5,
                color="white" if strait else "black",
                markeredgecolor="black",
                zorder=6,
                gid=f"place-{place.id}",
            )
            text = layout.texts.get(place.id, place.label)
            style = {
                "fontsize": layout.fontsize,
                "fontweight": "bold" if strait else "normal",
                "zorder": 7,
                "bbox": on_white,
            }
            if place.id in layout.names_at:
                # Set apart where there is room, with a leader line to its point.
                lon, lat, align = layout.names_at[place.id]
                ax.annotate(
                    text,
                    (place.lon, place.lat),
                    xytext=(lon, lat),
                    ha=align,
                    va="center",
                    arrowprops={**LEADER, "color": "#333333"},
                    **style,
                )
            else:
                ax.annotate(
                    text, (place.lon, place.lat), xytext=(5, -10), textcoords="offset points", **style
                )
    before = len(ax.texts)
    maps.label_islands(ax, offsets=layout.islands)
    for name in ax.texts[before:]:
        # Above the rings, on white: a ring of any range drawn through a name leaves it readable.
        name.set_zorder(7)
        name.set_bbox({**on_white, "boxstyle": "round,pad=0.15"})
        name.set_ha("center")
        name.set_va("center")
        if layout.narrow:  # the Japanese name over the Russian one
            name.set_text(name.get_text().replace(" / ", " /\n"))
    for launcher in launchers:
        colour, line, _hatch = _style(launcher)
        lons, lats = maps.ring_points(launcher.lon, launcher.lat, launcher.range_km)
        ax.fill(lons, lats, color=colour, alpha=0.10, zorder=2)
        ax.plot(
            lons,
            lats,
            color=colour,
            linestyle=line,
            linewidth=1.8,
            zorder=5,
            gid=f"ring-{launcher.system or 'other'}",
        )
        ax.plot(
            launcher.lon,
            launcher.lat,
            marker="*",
            markersize=12 if layout.narrow else 15,
            color=colour,
            markeredgecolor="black",
            zorder=8,
            gid=f"launcher-{launcher.system or 'other'}",
        )
    handles = _key_entries(launchers, layout)
    if layout.narrow:
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            borderaxespad=0,
            fontsize=layout.fontsize,
            frameon=False,
            handlelength=1.5,
            handletextpad=0.5,
            labelspacing=0.7,
        )
    else:
        # Under the map: inside it, the key hid the south-east arc of the 300 km ring.
        legend_below(ax, handles, columns=2, gap=0.07)
    return ax


def _map_source(layout: RingMapLayout) -> str:
    """Return the ring map's source, in lines as wide as the layout's map."""
    return wrapped(
        "data/military.csv (ranges: rapprochement2017); data/geo/places.geojson (launcher "
        "islands: kyodo-2016-11-23; straits: wikipedia-nemuro-strait, gse-ekaterina-"
        "strait, wikipedia-vries-strait, wikipedia-la-perouse-strait; places: hoppou-islands-"
        "outline, hokkaido-pref-northern-territories; lane: csmonitor-1983-05-03); coastlines: "
        "GSHHG. Launcher sites, mid-channel markers and lanes are schematic.",
        layout.source_width,
    )


def range_map(military: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Map the Bal and Bastion range rings from their (schematic) reported sites."""
    launchers = reported_launchers(military)
    ax = draw_ring_map(launchers, ax)
    targets = load_places(STRAIT_KINDS)
    parts = []
    for launcher in launchers:
        island = "Kunashiri/Kunashir" if launcher.system == "Bal" else "Etorofu/Iturup"
        parts.append(
            f"the {launcher.system} ring ({launcher.range_km:g} km, drawn from a schematic site on "
            f"{island}) takes in {and_list(covered(launcher, targets), none='none of them')}"
        )
    left_out = [t.label for t in targets if all(t.label not in covered(x, targets) for x in launchers)]
    alt = (
        "Map of eastern Hokkaido and the disputed islands with two missile range rings: "
        + "; ".join(parts)
        + f". Outside every ring: {and_list(left_out, none='none of them')}. "
        "Dotted sea lanes run through the straits "
        "between the Sea of Okhotsk and the Pacific."
    )
    title = "What a 120 km and a 300 km reach cover from the islands"
    return finish(ax, title, _map_source(LESSON_RING_MAP), alt)


def launcher_map(
    lon: float,
    lat: float,
    range_km: float,
    label: str = "Your launcher",
    ax: Axes | None = None,
    layout: RingMapLayout = LESSON_RING_MAP,
) -> Axes:
    """Map one launcher of any position and range with the straits and places it reaches.

    The explorer passes EXPLORER_RING_MAP: the same map, laid out to be read beside its controls.
    """
    launcher = Launcher(label, float(lon), float(lat), float(range_km))
    ax = draw_ring_map([launcher], ax, layout=layout)
    targets = load_places(STRAIT_KINDS)
    inside = covered(launcher, targets)
    outside = [t.label for t in targets if t.label not in inside]
    alt = (
        f"Map with one range ring of {range_km:g} km around a launcher at {lat:.2f}°N "
        f"{lon:.2f}°E. Inside the ring: {and_list(inside, none='none of them')}. "
        f"Outside: {and_list(outside, none='none of them')}."
    )
    # The launcher's name is in the key: with it, the title ran past a narrow figure.
    title = f"{range_km:g} km from {lat:.2f}°N, {lon:.2f}°E"
    return finish(ax, title, _map_source(layout), alt)


# ---------------------------------------------------------------------------- distances


def site_distances(
    military: pd.DataFrame, targets: list[Place] | None = None, ax: Axes | None = None
) -> Axes:
    """Bar chart: how far each strait and place lies from the two schematic launcher sites."""
    table = distance_table(military, targets)
    launchers = reported_launchers(military)
    systems = [x.system for x in launchers]
    table = table.sort_values(systems[-1], ascending=False)
    ax = new_axes(ax, size=DISTANCES_SIZE)
    rows = np.arange(len(table))
    height = 0.8 / len(systems)
    for n, launcher in enumerate(launchers):
        colour, line, hatch = _style(launcher)
        values = table[launcher.system].to_numpy(dtype=float)
        offsets = rows - 0.4 + height * (n + 0.5)
        bars = ax.barh(
            offsets,
            values,
            height=height,
            color=colour,
            alpha=0.85,
            hatch=hatch,
            edgecolor="white",
            label=f"from the {launcher.system} site",
            gid=f"bars-{launcher.system}",
        )
        for bar, value in zip(bars, values, strict=True):
            ax.text(
                value + 5,
                bar.get_y() + bar.get_height() / 2,
                f"{value:.0f} km",
                va="center",
                fontsize=8,
                # Above the range lines, on white, so a line running through a value hides no digit.
                zorder=4,
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            )
        ax.axvline(
            launcher.range_km,
            color=colour,
            linestyle=line,
            linewidth=1.6,
            gid=f"range-{launcher.system}",
        )
        ax.text(
            launcher.range_km,
            len(table) - 0.35,
            f" {launcher.system} range\n {launcher.range_km:g} km",
            color=colour,
            fontsize=8,
            va="bottom",
        )
    # Two lines at most: on one line the longest name took a third of the chart's width.
    labels = [wrapped(f"{name} ({kind})", 24) for name, kind in zip(table.index, table["kind"], strict=True)]
    ax.set_yticks(rows, labels, fontsize=8)
    ax.set_xlabel("great-circle distance from the launcher site (km)")
    ax.set_xlim(0, float(table[systems].to_numpy().max()) * 1.15)
    ax.set_ylim(-0.6, len(table) + 0.6)
    # Under the chart: at this width, beside the bars it covered the longest of them.
    legend_below(ax, ax.get_legend_handles_labels()[0], columns=2, gap=0.13)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    parts = []
    for launcher in launchers:
        inside = table.index[table[launcher.system] <= launcher.range_km].tolist()
        parts.append(
            f"{len(inside)} of {len(table)} lie within the {launcher.system} range of "
            f"{launcher.range_km:g} km"
        )
    farthest = table.index[0]
    alt = (
        "Horizontal bars give the distance of each strait and place from the Bal site on "
        "Kunashiri/Kunashir and the Bastion site on Etorofu/Iturup, with the two ranges as "
        f"vertical lines: {'; '.join(parts)}. The farthest from the Bastion site is {farthest}."
    )
    source = wrapped(
        "distances computed on a sphere from data/geo/places.geojson (schematic launcher sites "
        "on the islands named by kyodo-2016-11-23); ranges from "
        "data/military.csv (rapprochement2017).",
        SOURCE_WIDTH,
    )
    return finish(ax, "Distances from the two missile sites", source, alt)


# ---------------------------------------------------------------------------- timeline


def _dodged(xs: np.ndarray, level: float, close: float, step: float = 0.16) -> np.ndarray:
    """Return the heights of one row's points (xs sorted): runs of points closer than `close`
    alternate above and below the row, so that markers drawn on top of each other stay apart."""
    ys = np.full(len(xs), level, dtype=float)
    first = 0
    while first < len(xs):
        end = first + 1
        while end < len(xs) and xs[end] - xs[end - 1] < close:
            end += 1
        if end - first > 1:
            ys[first:end] += np.where(np.arange(end - first) % 2 == 0, step, -step)
        first = end
    return ys


def deployment_timeline(
    military: pd.DataFrame,
    start: int = 2010,
    end: int = 2019,
    label_kinds: tuple[str, ...] = ("deployment", "incident"),
    ax: Axes | None = None,
) -> Axes:
    """Timeline of the military table: one row per kind, numbered points explained in a key.

    A point dated only by a reading's high-severity slip (reading_issues.csv) is drawn hollow and
    numbered whatever its kind, so that its key line names the slip.
    """
    issues = load("reading_issues")
    doubtful = frozenset(issues.loc[issues["severity"] == "high", "id"])
    points = timeline_points(military, start, end, doubtful_issues=doubtful)
    # As wide as a lesson column shows at full size, with the key under the chart.
    ax = new_axes(ax, size=TIMELINE_SIZE)
    # About one marker's width, in years (the plot is about 5 of the figure's 6.5 inches wide):
    # closer points of one kind would hide each other.
    close = (end + 1 - start) * 0.026
    kinds = [k for k in KINDS if k in set(points["kind"])]
    level = {kind: len(kinds) - 1 - n for n, kind in enumerate(kinds)}
    key_lines = []
    number = 0
    for kind in kinds:
        colour, marker = KIND_STYLE[kind]
        mine = points[points["kind"] == kind]
        y = _dodged(mine["x"].to_numpy(), level[kind], close)
        bars = ax.errorbar(
            mine["x"],
            y,
            xerr=mine["xerr"],
            fmt=marker,
            color=colour,
            markersize=7,
            markeredgecolor="white",
            elinewidth=1.2,
            capsize=3,
            label=kind,
        )
        bars.lines[0].set_gid(f"timeline-{kind}")
        hollow = mine["doubtful"].to_numpy(dtype=bool)
        if hollow.any():
            ax.plot(
                mine["x"][hollow],
                y[hollow],
                marker,
                markersize=7,
                markerfacecolor="white",
                markeredgecolor=colour,
                markeredgewidth=1.8,
                zorder=3,  # over the filled mark errorbar drew for every point
                gid=f"timeline-{kind}-doubtful",
            )
        for n, (point, height) in enumerate(zip(mine.to_dict("records"), y, strict=True)):
            if kind not in label_kinds and not point["doubtful"]:
                continue
            number += 1
            ax.annotate(
                str(number),
                (point["x"], height),
                xytext=(0, 8 if n % 2 == 0 else -17),
                textcoords="offset points",
                ha="center",
                fontsize=9,
                fontweight="bold",
            )
            note = f" (see {point['issues'].replace(';', ', ')})" if point["issues"] else ""
            if point["doubtful"]:
                note = f" (hollow: this date is a reading's slip, see {point['issues'].replace(';', ', ')})"
            also = f" (also reported as {point['also_dated']})" if point["also_dated"] else ""
            line = f"{number:>2}  {point['date_text']}: {point['label']}{also}{note}"
            key_lines.append(textwrap.fill(line, KEY_WIDTH, subsequent_indent="       "))
    counts = points["kind"].value_counts()
    ax.set_yticks(list(level.values()), [f"{k} ({counts[k]})" for k in level], fontsize=9)
    ax.set_ylim(-0.7, len(kinds) - 0.3)
    ax.set_xlim(start, end + 1)
    # Every year while they fit side by side at 8.5 points, every other year in a longer window.
    ax.set_xticks(range(start, end + 2, 1 if end + 1 - start <= 12 else 2))
    ax.tick_params(axis="x", labelsize=8.5)
    ax.set_xlabel("year (a bar shows the month or year a date covers)")
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    if key_lines:
        # Under the x-axis label, wherever the layout puts it: the key is read with the chart.
        ax.annotate(
            "Numbered events\n" + "\n".join(key_lines),
            xy=(0, 0),
            xycoords=("axes fraction", ax.xaxis.label),
            xytext=(0, -8),
            textcoords="offset points",
            va="top",
            ha="left",
            fontsize=8,
            family="DejaVu Sans",
            linespacing=1.3,
            annotation_clip=False,
        )
    dropped = len(military) - int(points["ids"].str.count(";").add(1).sum())
    per_kind = ", ".join(f"{counts[k]} {k}" for k in kinds)
    years = {
        kind: sorted({int(x) for x in points.loc[points["kind"] == kind, "x"]})
        for kind in kinds
        if kind in label_kinds
    }
    when = "; ".join(
        f"{kind} points fall in {and_list([str(y) for y in ys], none='none of them')}"
        for kind, ys in years.items()
    )
    alt = (
        f"Timeline of Russian deployments, announcements, exercises, incidents and Japan-Russia "
        f"cooperation from {start} to {end}, one row per kind ({per_kind} points): {when}. "
        f"{dropped} rows of the table fall outside these years or have no date."
    )
    sources = ", ".join(dict.fromkeys(s for cell in points["sources"] for s in cell.split(";")))
    source = wrapped(f"data/military.csv ({sources}).", KEY_WIDTH)
    title = f"Deployments, incidents and talks, {start}-{end}"
    return finish(ax, title, source, alt)


__all__ = [
    "KINDS",
    "deployment_timeline",
    "draw_ring_map",
    "launcher_map",
    "range_map",
    "site_distances",
]
