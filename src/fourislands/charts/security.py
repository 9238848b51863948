"""Lesson 03 charts and maps: deployments over time, missile range rings, distances to the straits."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from .. import maps
from ..figures import finish, legend_below, new_axes
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
# Where to write a point's name, in points from the point (dx, dy, alignment): the default is
# right and below; these keep the names on the crowded Nemuro coast apart.
LABEL_OFFSETS = {
    "place-rausu": (-5, 2, "right"),
    "place-shibetsu": (-5, 0, "right"),
    "place-notsuke": (-5, -9, "right"),
    "place-cape-nosappu": (-4, -11, "right"),
    "strait-soya": (8, -7, "left"),
    "strait-catherine": (6, -13, "left"),  # a little lower, off Etorofu's south-western tip
    # North of the strait, in two lines between the Bal ring and Kunashiri's leader: beside the
    # marker the name covered Shikotan.
    "strait-nemuro": (-10, 30, "center"),
}
TWO_LINE_LABELS = {"strait-nemuro"}
LEADER_FROM = 14  # points: a name set further than this from its point gets a leader line
# In degrees from each island's centre, clear of the rings of the range map and of the explorer's
# first map: Shikotan's name in the water between it and Kunashiri, Etorofu's to the north-west.
ISLAND_LABEL_SHIFTS = {
    "etorofu": (-1.97, 0.68),
    "kunashiri": (-1.6, 1.2),
    "shikotan": (-1.04, -0.05),
    "habomai": (0.25, -0.62),
}


# ---------------------------------------------------------------------------- maps


def _style(launcher: Launcher) -> tuple[str, str, str]:
    return SYSTEM_STYLE.get(launcher.system or "", OTHER_STYLE)


def draw_ring_map(launchers: list[Launcher], ax: Axes | None = None, extent=MAP_EXTENT) -> Axes:
    """Draw land, straits, places, sea lanes and one range ring per launcher; return ax."""
    ax = maps.base_map(new_axes(ax, size=(9.0, 7.6)), extent=extent)
    ax.set_autoscale_on(False)
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
            ax.annotate(
                lane.end_label,
                lane.coordinates[-1],
                xytext=(0, -11),
                textcoords="offset points",
                fontsize=7,
                style="italic",
                color="#444444",
                ha="center",
            )
    for place in load_places():
        if place.kind == "label":
            ax.text(
                place.lon,
                place.lat,
                place.label,
                fontsize=9,
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
            dx, dy, align = LABEL_OFFSETS.get(place.id, (6, -10, "left"))
            # A name set further off than its neighbours keeps a line to its point.
            leader = {"arrowstyle": "-", "color": "#333333", "linewidth": 0.6, "shrinkB": 4}
            ax.annotate(
                place.label.replace(" ", "\n", 1) if place.id in TWO_LINE_LABELS else place.label,
                (place.lon, place.lat),
                xytext=(dx, dy),
                textcoords="offset points",
                fontsize=7.5 if strait else 7,
                fontweight="bold" if strait else "normal",
                ha=align,
                zorder=7,
                arrowprops=leader if math.hypot(dx, dy) > LEADER_FROM else None,
                bbox={
                    "boxstyle": "round,pad=0.12",
                    "facecolor": "white",
                    "alpha": 0.7,
                    "edgecolor": "none",
                },
            )
    before = len(ax.texts)
    maps.label_islands(ax, offsets=ISLAND_LABEL_SHIFTS)
    for name in ax.texts[before:]:
        # Above the rings, on white: a ring of any range drawn through a name leaves it readable.
        name.set_zorder(7)
        name.set_bbox(
            {"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.75, "edgecolor": "none"}
        )
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
            markersize=15,
            color=colour,
            markeredgecolor="black",
            zorder=8,
            gid=f"launcher-{launcher.system or 'other'}",
        )
    handles = [
        Line2D(
            [],
            [],
            color=_style(x)[0],
            linestyle=_style(x)[1],
            marker="*",
            markersize=11,
            markeredgecolor="black",
            label=f"{x.system}: {x.range_km:g} km ring from a schematic site"
            if x.system
            else f"{x.label}: {x.range_km:g} km ring",
        )
        for x in launchers
    ]
    handles += [
        Line2D(
            [],
            [],
            color="white",
            marker="D",
            markeredgecolor="black",
            linestyle="",
            label="Strait (marker in mid-channel)",
        ),
        Line2D([], [], color="black", marker="o", markersize=3.5, linestyle="", label="Place"),
        Line2D([], [], color="#555555", linestyle=":", label="Sea lane (schematic)"),
    ]
    # Inside the map, the key hid the south-east arc of the 300 km ring.
    legend_below(ax, handles, columns=2, gap=0.09)
    return ax


def _map_source(extra: str = "") -> str:
    return wrapped(
        "data/military.csv (ranges: rapprochement2017; islands: worldtribune-kurile-coastal-"
        "missiles); data/geo/places.geojson (straits: wikipedia-nemuro-strait, gse-ekaterina-"
        "strait, wikipedia-vries-strait, wikipedia-la-perouse-strait; places: hoppou-islands-"
        "outline, hokkaido-pref-northern-territories; lane: csmonitor-1983-05-03); coastlines: "
        "GSHHG. Launcher sites, mid-channel markers and lanes are schematic." + extra
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
    return finish(ax, "What a 120 km and a 300 km reach cover from the islands", _map_source(), alt)


def launcher_map(
    lon: float, lat: float, range_km: float, label: str = "Your launcher", ax: Axes | None = None
) -> Axes:
    """Map one launcher of any position and range with the straits and places it reaches."""
    launcher = Launcher(label, float(lon), float(lat), float(range_km))
    ax = draw_ring_map([launcher], ax)
    targets = load_places(STRAIT_KINDS)
    inside = covered(launcher, targets)
    outside = [t.label for t in targets if t.label not in inside]
    alt = (
        f"Map with one range ring of {range_km:g} km around a launcher at {lat:.2f}°N "
        f"{lon:.2f}°E. Inside the ring: {and_list(inside, none='none of them')}. "
        f"Outside: {and_list(outside, none='none of them')}."
    )
    title = f"{label}: {range_km:g} km from {lat:.2f}°N, {lon:.2f}°E"
    return finish(ax, title, _map_source(), alt)


# ---------------------------------------------------------------------------- distances


def site_distances(
    military: pd.DataFrame, targets: list[Place] | None = None, ax: Axes | None = None
) -> Axes:
    """Bar chart: how far each strait and place lies from the two schematic launcher sites."""
    table = distance_table(military, targets)
    launchers = reported_launchers(military)
    systems = [x.system for x in launchers]
    table = table.sort_values(systems[-1], ascending=False)
    ax = new_axes(ax, size=(8.5, 5.2))
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
            fontsize=7.5,
            va="bottom",
        )
    labels = [f"{name} ({kind})" for name, kind in zip(table.index, table["kind"], strict=True)]
    ax.set_yticks(rows, labels, fontsize=8)
    ax.set_xlabel("great-circle distance from the launcher site (km)")
    ax.set_xlim(0, float(table[systems].to_numpy().max()) * 1.15)
    ax.set_ylim(-0.6, len(table) + 0.6)
    ax.legend(loc="center right", fontsize=8, framealpha=0.95)
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
        "on the islands named by worldtribune-kurile-coastal-missiles); ranges from "
        "data/military.csv (rapprochement2017)."
    )
    return finish(ax, "How far each strait and place lies from the two missile sites", source, alt)


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
    """Timeline of the military table: one row per kind, numbered points explained in a key."""
    points = timeline_points(military, start, end)
    # Narrow enough to show near full size in a notebook column, with the key under the chart.
    ax = new_axes(ax, size=(8.5, 7.2))
    # About one marker's width, in years: closer points of one kind would hide each other.
    close = (end + 1 - start) * 0.018
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
            markersize=8,
            markeredgecolor="white",
            elinewidth=1.2,
            capsize=3,
            label=kind,
        )
        bars.lines[0].set_gid(f"timeline-{kind}")
        if kind not in label_kinds:
            continue
        for n, (point, height) in enumerate(zip(mine.to_dict("records"), y, strict=True)):
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
            line = f"{number:>2}  {point['date_text']}: {point['label']}{note}"
            key_lines.append(textwrap.fill(line, 95, subsequent_indent="       "))
    counts = points["kind"].value_counts()
    ax.set_yticks(list(level.values()), [f"{k} ({counts[k]})" for k in level], fontsize=10)
    ax.set_ylim(-0.7, len(kinds) - 0.3)
    ax.set_xlim(start, end + 1)
    ax.set_xticks(range(start, end + 2))
    ax.tick_params(axis="x", labelsize=9)
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
            fontsize=9,
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
    source = wrapped(f"data/military.csv ({sources}).", 105)
    title = f"Deployments, incidents and talks around the islands, {start}-{end}"
    return finish(ax, title, source, alt)


__all__ = [
    "KINDS",
    "deployment_timeline",
    "draw_ring_map",
    "launcher_map",
    "range_map",
    "site_distances",
]
