"""Charts and maps for lesson 01 (history): the timeline, the border lines and who held what.

Every date comes from data/timeline.csv; the border lines, and who held each area after each
line was drawn, come from data/geo/borders.geojson, whose features name the timeline row (and so
the source and quote) behind them. model/history.py reads both; these functions only draw.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator, MultipleLocator
from matplotlib.transforms import Bbox

from .. import maps
from ..data import load
from ..dates import decimal_year, year_of
from ..figures import (
    EXPLORER_WIDTH,
    JAPAN,
    LEADER,
    LESSON_SIZE,
    NEUTRAL,
    PALETTE,
    RUSSIA,
    chart_height,
    chart_width,
    finish,
    legend_below,
    new_axes,
    source_width,
)
from ..lesson import Block, source_html, source_words
from ..model.history import (
    DECADE_KINDS,
    REGION_ORDER,
    after_readings,
    border_lines,
    chronological,
    events_by_decade,
    holdings,
    legal_periods,
    month_label,
    readings_end,
    source_ids,
    themes,
)
from ..palette import BLACK
from ..words import wrapped
from .negotiations import date_words

# Sizes (inches) of the timeline as the lesson shows it and beside the explorer's controls, where
# it is narrower and so is given more height: the labels of the busy decades stack upwards.
TIMELINE_SIZE = (LESSON_SIZE[0], 4.6)
TIMELINE_EXPLORER_SIZE = (EXPLORER_WIDTH, 5.6)
# Short names for the events the timeline chart labels, when they are on it.
KEY_EVENTS = {
    "treaty-shimoda-1855": "Shimoda",
    "treaty-saint-petersburg-1875": "St Petersburg",
    "treaty-portsmouth-1905": "Portsmouth",
    "soviet-attack-1945-08-09": "Soviet attack",
    "san-francisco-treaty-1951": "San Francisco",
    "joint-declaration-1956": "Joint Declaration",
    "tokyo-declaration-1993": "Tokyo Declaration",
    "irkutsk-statement-2001": "Irkutsk",
    "singapore-summit-2018": "Singapore",
    "peace-talks-suspended-2022": "Talks halted",
}
ORIGIN_STYLE = {
    # origin: (legend label, marker, face colour, edge colour)
    "reading": ("reported in a reading", "o", BLACK, BLACK),
    "outside": ("from an outside source", "s", "white", PALETTE[2]),
}
AFTER_COLOUR = "#DDDDDD"
# Who held an area, as borders.geojson spells it: (label on the bar, colour, hatch, text colour).
HOLDERS = {
    "japan": ("Japan", JAPAN, "", "black"),
    "russia": ("Russia / USSR", RUSSIA, "", "white"),
    "joint": ("shared (no border drawn)", NEUTRAL, "", "white"),
    "disputed": ("Russia holds, Japan claims", RUSSIA, "///", "white"),
}
BAR_TEXT = {"joint": "shared"}  # shorter text where the legend label does not fit in a bar
REGION_LABELS = {
    "northern-sakhalin": "Northern Sakhalin",
    "southern-sakhalin": "Southern Sakhalin\n(Karafuto)",
    "northern-kurils": "Urup/Uruppu to\nShumshu/Shumushu",
    "four-islands": "The four islands",
}
# Line styles for the border layers, in date order: colour, dash pattern, width.
LINE_STYLES = [
    (PALETTE[5], "--", 2.2),
    (PALETTE[3], "-.", 2.2),
    (PALETTE[2], ":", 3.0),
    (BLACK, "-", 2.2),
]
# Kunashiri's name moves west of the 1945 line, into the Sea of Okhotsk; Etorofu's, under the 1855 line's end.
ISLAND_LABEL_OFFSETS = {"kunashiri": (-3.7, 1.25), "etorofu": (0.4, -0.75)}
# Where each line's year goes, in points from its first point (default: up and to the left).
YEAR_OFFSETS = {"line-1945": (6, -4), "border-1875": (-3, 2)}
CONTEXT_PLACES = {
    # coastline feature name: (where to write its label, lon/lat)
    "Sakhalin": (142.55, 48.6),
    "Hokkaido": (142.3, 43.4),
    "Kamchatka": (151.6, 51.5),
    "Urup": (150.85, 45.25),
    "Shumshu": (153.3, 50.35),
}
# Where the 1875 line and its year leave no room beside a place (and Shumshu's name would run
# onto Paramushir), its name goes out to sea with a leader line to this point of its land.
PLACE_POINTERS = {"Kamchatka": (156.7, 51.85), "Shumshu": (156.35, 50.85)}
# The coastline file ends at 157°E, where the 1875 line ends too: the map runs a little further
# east, so the line ends clear of the frame, and says the strip beyond 157°E has no coastline.
MAP_EXTENT = (139.0, 41.0, 157.6, 52.0)
# What the y tick labels take left of the axes, where the source line starts (inches).
SOURCE_INSET = 1.1
# The border explorer's figure, beside its controls: the map, and its key and source under it.
MAP_SIZE = (EXPLORER_WIDTH, 5.6)


def _wrapped(ax: Axes, text: str) -> str:
    """Return a source line broken to fit under the figure, its later lines indented."""
    return wrapped(text, width=source_width(ax, SOURCE_INSET), indent=2)


def timeline_chart(
    timeline: pd.DataFrame,
    ax: Axes | None = None,
    title: str = "Japan and Russia: the events of the course timeline",
    full: pd.DataFrame | None = None,
    numbered: bool = False,
    size: tuple[float, float] = TIMELINE_SIZE,
) -> Axes:
    """Plot each event as a mark in its theme's row against its date; shade what the readings miss.

    timeline may be a filtered part of the table; full (default: timeline) is the whole table,
    used to find where the readings end. numbered: write each event's number in date order
    (as chronological() sorts them) next to it, instead of naming the key events. size: of a new
    figure (TIMELINE_EXPLORER_SIZE beside an explorer's controls).
    """
    ax = new_axes(ax, size=size)
    full = timeline if full is None else full
    order = themes()
    end = readings_end(full)
    frame = timeline.assign(
        x=timeline["date"].map(decimal_year),
        y=timeline["theme"].map({t: i for i, t in enumerate(order)}),
        after=after_readings(full).reindex(timeline.index).fillna(False).astype(bool),
    )
    ax.set_yticks(range(len(order)), order)
    ax.set_ylim(len(order) - 0.4, -0.8)
    ax.set_xlabel("year")
    # Whole years only, and few enough that they stay apart at an explorer's width.
    ax.xaxis.set_major_locator(MaxNLocator(nbins=round(chart_width(ax)), integer=True))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    if frame.empty:
        ax.text(0.5, 0.5, "No events to show", transform=ax.transAxes, ha="center", va="center")
        alt = "An empty timeline: no event matches the choice."
        return finish(ax, title, "data/timeline.csv (no rows chosen)", alt)
    low, high = frame["x"].min(), frame["x"].max()
    pad = max(1.0, (high - low) * 0.03)
    ax.set_xlim(low - pad, high + pad)
    cut = decimal_year(end) + 0.5 / 12
    if frame["after"].any():
        ax.axvspan(
            cut, high + pad, facecolor=AFTER_COLOUR, edgecolor="#AAAAAA", hatch="..", linewidth=0, zorder=0
        )
        ax.text(
            high + pad,
            -0.6,
            "after the readings \u25b8 ",
            fontsize=8.5,
            va="center",
            ha="right",
            color="#333333",
        )
    handles = []
    for origin, (label, marker, face, edge) in ORIGIN_STYLE.items():
        part = frame[frame["origin"] == origin]
        if part.empty:
            continue
        ax.scatter(
            part["x"],
            part["y"],
            marker=marker,
            s=34,
            facecolors=face,
            edgecolors=edge,
            linewidths=1.2,
            zorder=3,
            label=label,
        )
        handles.append(
            Line2D(
                [],
                [],
                marker=marker,
                linestyle="",
                markerfacecolor=face,
                markeredgecolor=edge,
                label=f"{label} ({len(part)})",
            )
        )
    if frame["after"].any():
        handles.append(
            Patch(
                facecolor=AFTER_COLOUR,
                hatch="..",
                label=f"after the readings (after {month_label(end)})",
            )
        )
    # Under the "year" label, about a third of an inch below the axes whatever their height; in
    # one column where the three entries do not fit side by side.
    narrow = chart_width(ax) < 5.5
    legend_below(ax, handles, columns=1 if narrow else 2, gap=0.42 / (chart_height(ax) - 1.9))
    if numbered:
        texts = {i: str(n) for n, i in enumerate(chronological(frame).index, start=1)}
    else:
        texts = {
            i: f"{KEY_EVENTS[e]} {year_of(d)}"
            for i, e, d in zip(frame.index, frame["id"], frame["date"], strict=True)
            if e in KEY_EVENTS
        }
    readings, outside = source_ids(frame)
    source = (
        f"data/timeline.csv, {len(frame)} rows: readings {', '.join(readings) or 'none'}; "
        f"{len(outside)} outside sources listed in data/sources.csv"
    )
    finish(ax, title, _wrapped(ax, source), _timeline_alt(frame, end))
    # Last, once the title and source line have taken their room: labels are placed in points
    # from their marks, so rows that moved closer afterwards would push them onto other rows.
    place_timeline_labels(ax, frame, texts)
    return ax


def place_timeline_labels(ax: Axes, frame: pd.DataFrame, texts: dict) -> None:
    """Write texts (row index -> text) by their events, clear of the other labels, leaders and marks."""
    keys = frame.loc[list(texts)].sort_values("x", kind="stable")
    renderer = ax.figure.canvas.get_renderer()
    engine = ax.figure.get_layout_engine()
    if engine is not None:
        engine.execute(ax.figure)  # lay the figure out first, so positions on screen are near final
    area = ax.get_window_extent(renderer)
    scale = ax.figure.dpi / 72  # pixels per point
    # Every mark is an obstacle too (a label must not hide an event), and so is any note written.
    marks = ax.transData.transform(frame[["x", "y"]].to_numpy(dtype=float))
    fixed = [Bbox.from_extents(x - 4, y - 4, x + 4, y + 4) for x, y in marks]
    fixed += [text.get_window_extent(renderer) for text in ax.texts]
    short = all(len(t) <= 3 for t in texts.values())  # numbers sit closer than names
    # Two heights each side of a row, one box height apart, so that labels can stack in pairs.
    rises = (10, -10, 24, -24) if short else (13, -13, 27, -27, 41, -41)
    labels, options = [], []
    for index, row in keys.iterrows():
        label = ax.annotate(
            texts[index],
            xy=(row["x"], row["y"]),
            xytext=(0, 0),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=8.5,
            # The label's white box is drawn over the leader's start: no clipping to it (patchA).
            arrowprops={"arrowstyle": "-", "color": "#666666", "linewidth": 0.5, "patchA": None},
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            zorder=4,
        )
        label.update_positions(renderer)
        # The text's extent, padded so that neighbours keep a gap beyond its white box.
        box = Text.get_window_extent(label, renderer).padded(1.5 * scale)
        anchor = ax.transData.transform((row["x"], row["y"]))
        # Slid aside by less than half its width, a label still stands over its own mark.
        side = max(9 * scale, 0.4 * box.width)
        labels.append(label)
        options.append(
            [
                _Option(
                    abs(rise) + abs(slide) / scale / 4, (slide / scale, rise), there, _leader(anchor, there)
                )
                for rise in rises
                for slide in (0, -side, side)
                for there in [box.translated(slide, rise * scale)]
            ]
        )
    for label, place in zip(labels, _best_places(options, fixed, area), strict=True):
        label.set_position(place.offset)


# A label over another label hides a name; a label over a mark hides one event of many in a
# lane. So two labels clash at a higher cost than a label and a mark.
LABEL_CLASH_COST = 300


class _Option(NamedTuple):
    """One place a timeline label may go: its distance, offset (points), box and leader (pixels)."""

    distance: float
    offset: tuple[float, float]
    box: Bbox
    leader: Path


def _leader(anchor: np.ndarray, box: Bbox) -> Path:
    """Return the leader line an annotation draws, from the edge of its label's box to its mark."""
    centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
    towards = np.asarray(anchor, dtype=float) - centre
    with np.errstate(divide="ignore"):
        leaves = np.min(np.array([box.width, box.height]) / 2 / np.abs(towards))
    # It stops short of the middle of its mark, so that only other marks count as in its way.
    stops = 1 - 5 / max(np.hypot(*towards), 5)
    return Path([centre + min(leaves, stops) * towards, centre + stops * towards])


def _clashes(one: _Option, other: _Option) -> bool:
    """Return whether two labels' places clash: boxes overlapping, or a leader crossing either."""
    return bool(
        one.box.overlaps(other.box)
        or one.leader.intersects_path(other.leader)
        or one.leader.intersects_bbox(other.box)
        or other.leader.intersects_bbox(one.box)
    )


def _box_hits(box: Bbox, boxes: np.ndarray) -> np.ndarray:
    """Return, for each row (x0, y0, x1, y1) of boxes, whether box overlaps it (edges touching count)."""
    x0, y0, x1, y1 = box.extents
    return (x0 <= boxes[:, 2]) & (boxes[:, 0] <= x1) & (y0 <= boxes[:, 3]) & (boxes[:, 1] <= y1)


def _leader_hits(leader: Path, boxes: np.ndarray) -> np.ndarray:
    """Return, for each row (x0, y0, x1, y1) of boxes, whether the straight leader enters it.

    The Liang-Barsky test, for all boxes at once: the part of the segment inside each of the four
    half-planes of a box is an interval of the segment's parameter, and the box is entered when
    the four intervals meet. Asked for every place of every label, it must be quick.
    """
    (ax, ay), (bx, by) = leader.vertices[:2]
    steps = np.array([ax - bx, bx - ax, ay - by, by - ay])
    room = np.stack([ax - boxes[:, 0], boxes[:, 2] - ax, ay - boxes[:, 1], boxes[:, 3] - ay], axis=1)
    enter, leave = np.zeros(len(boxes)), np.ones(len(boxes))
    hits = np.ones(len(boxes), dtype=bool)
    for side, step in enumerate(steps):
        if step == 0:
            hits &= room[:, side] >= 0  # parallel to this side: inside its half-plane, or never
        elif step < 0:
            enter = np.maximum(enter, room[:, side] / step)
        else:
            leave = np.minimum(leave, room[:, side] / step)
    return hits & (enter <= leave)


def _hit_count(option: _Option, obstacles: np.ndarray) -> int:
    """Return how many of the obstacles (rows x0, y0, x1, y1) a place's box or leader runs into."""
    return int(np.count_nonzero(_box_hits(option.box, obstacles) | _leader_hits(option.leader, obstacles)))


def _best_places(options: list[list[_Option]], fixed: list[Bbox], area: Bbox) -> list[_Option]:
    """Return one place per label with the least total cost a bounded depth-first search finds.

    The cost of a place is its distance from the mark, plus 100 for each mark or note and
    LABEL_CLASH_COST for each other label its box or leader runs into, plus 1000 if it leaves
    the axes. Labels are taken in date
    order, each place cheapest first, so the first layout found is the greedy one; a partial
    layout is dropped as soon as it cannot beat the best found, since each label still to place
    costs at least its cheapest place alone.
    """
    obstacles = np.array([other.extents for other in fixed]).reshape(-1, 4)
    alone = [
        [
            option.distance
            + 100 * _hit_count(option, obstacles)
            + (0 if area.containsx(option.box.x0) and area.containsx(option.box.x1) else 1000)
            + (0 if area.containsy(option.box.y0) and area.containsy(option.box.y1) else 1000)
            for option in places
        ]
        for places in options
    ]
    least = [min(costs) for costs in alone]
    # Only labels whose places can meet need comparing: most pairs are far apart.
    reach = [
        Bbox.union([o.box for o in places] + [o.leader.get_extents() for o in places]) for places in options
    ]
    near = [[j for j in range(i) if reach[i].overlaps(reach[j])] for i in range(len(options))]
    best: tuple[float, tuple[int, ...]] = (math.inf, ())
    budget = 5000  # nodes to visit at most: enough for a dozen labels, quick for any

    @cache
    def clashes(i: int, k: int, j: int, m: int) -> bool:
        """Return whether place k of label i clashes with place m of label j (asked many times)."""
        return _clashes(options[i][k], options[j][m])

    def visit(done: tuple[int, ...], total: float) -> None:
        """Extend a partial layout (the place of each label so far) by every place of the next."""
        nonlocal best, budget
        i = len(done)
        if total + sum(least[i:]) >= best[0] or budget <= 0:
            return
        if i == len(options):
            best = (total, done)
            return
        budget -= 1
        costed = [
            (alone[i][k] + LABEL_CLASH_COST * sum(clashes(i, k, j, done[j]) for j in near[i]), k)
            for k in range(len(options[i]))
        ]
        for cost, k in sorted(costed):
            visit((*done, k), total + cost)

    visit((), 0.0)
    return [places[k] for places, k in zip(options, best[1], strict=True)]


def _timeline_alt(frame: pd.DataFrame, end: str) -> str:
    """Return alt text for the timeline chart that says where the events cluster."""
    years = frame["date"].map(year_of)
    counts = frame["theme"].value_counts()
    busiest = counts.index[0]
    decades = (years // 10 * 10).value_counts()
    top_decade = int(decades.index[0])
    after = int(frame["after"].sum())
    text = (
        f"Timeline of {len(frame)} events from {years.min()} to {years.max()}, one row per theme. "
        f"The busiest theme is {busiest} ({counts.iloc[0]} events) and the busiest decade the "
        f"{top_decade}s ({decades.iloc[0]} events); {int((years < 1945).sum())} events come "
        f"before 1945. Filled circles are events reported in the readings "
        f"({int((frame['origin'] == 'reading').sum())}), open squares events from outside sources "
        f"({int((frame['origin'] == 'outside').sum())})."
    )
    if after:
        text += f" A shaded band marks the {after} events after the readings end ({month_label(end)})."
    return text


def events_by_decade_chart(timeline: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Stack, for each decade, the events reported in the readings, from outside sources, and after."""
    ax = new_axes(ax, size=LESSON_SIZE)
    table = events_by_decade(timeline)
    styles = [  # label, colour, hatch: one for each of DECADE_KINDS, in its order
        ("reported in a reading", BLACK, ""),
        ("outside source, same period", PALETTE[2], ""),
        ("outside source, after the readings", AFTER_COLOUR, "///"),
    ]
    bottom = pd.Series(0, index=table.index)
    for kind, (label, colour, hatch) in zip(DECADE_KINDS, styles, strict=True):
        values = table[kind]
        ax.bar(
            table.index,
            values,
            width=8,
            bottom=bottom,
            color=colour,
            hatch=hatch,
            edgecolor="#333333",
            linewidth=0.5,
            label=f"{label} ({int(values.sum())})",
        )
        bottom = bottom + values
    for x, total in bottom.items():
        if total:
            ax.text(x, total + 0.4, str(int(total)), ha="center", va="bottom", fontsize=8.5)
    busy = [d for d, total in bottom.items() if total]  # name only the decades with events
    # Steep enough that neighbouring decades (1930s to 1960s) keep a gap between their labels.
    ax.set_xticks(
        busy, [f"{d}s" for d in busy], rotation=60, ha="right", rotation_mode="anchor", fontsize=8.5
    )
    ax.set_ylabel("events in the timeline")
    ax.set_ylim(0, bottom.max() * 1.15 + 1)
    ax.legend(loc="upper left", fontsize=8.5)
    ax.spines[["top", "right"]].set_visible(False)
    readings, outside = source_ids(timeline)
    end = readings_end(timeline)
    recent = int(bottom[bottom.index >= 1990].sum())
    after = int(table[DECADE_KINDS[2]].sum())
    alt = (
        f"Bar chart of the {len(timeline)} timeline events by decade, {table.index.min()}s to "
        f"{table.index.max()}s. {recent} of them fall in the 1990s or later; the busiest decade is "
        f"the {int(bottom.idxmax())}s with {int(bottom.max())}. Events reported in the readings "
        f"stop in {month_label(end)}; the {after} events after that come from outside "
        f"sources (hatched)."
    )
    source = (
        f"data/timeline.csv ({len(timeline)} rows): readings {', '.join(readings)}; "
        f"{len(outside)} outside sources in data/sources.csv"
    )
    return finish(ax, "How many events per decade, and from which kind of source", _wrapped(ax, source), alt)


def holdings_chart(timeline: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Draw, for each area, who held it between the 1855, 1875, 1905 and 1945 lines."""
    ax = new_axes(ax, size=(LESSON_SIZE[0], 4.0))
    periods = holdings(timeline)
    lines = border_lines(timeline)
    for y, region in enumerate(REGION_ORDER):
        for _, row in periods[periods["region"] == region].iterrows():
            label, colour, hatch, ink = HOLDERS[row["holder"]]
            width = row["end"] - row["start"]
            ax.broken_barh(
                [(row["start"], width)],
                (y - 0.38, 0.76),
                facecolors=colour,
                hatch=hatch,
                edgecolor="white",
                linewidth=1.0,
            )
            if width >= 15:
                text = BAR_TEXT.get(row["holder"], label)
                ax.text(
                    row["start"] + width / 2,
                    y,
                    # A bar of a few decades is narrower than "Russia / USSR": two lines there.
                    wrapped(text, width=8) if width < 35 else text,
                    ha="center",
                    va="center",
                    fontsize=8.5,
                    color=ink,
                    bbox={"facecolor": colour, "edgecolor": "none", "pad": 1.0},
                )
    ticks = sorted(set(periods["start"]) | set(periods["end"]))
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xlim(min(ticks) - 2, max(ticks) + 2)
    ax.set_yticks(range(len(REGION_ORDER)), [REGION_LABELS[r] for r in REGION_ORDER], fontsize=8.5)
    ax.set_ylim(len(REGION_ORDER) - 0.4, -0.6)
    ax.set_xlabel("year: each bar runs from one line (a treaty, or 1945) to the next")
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    ax.tick_params(axis="y", length=0)
    handles = [
        Patch(facecolor=colour, hatch=hatch, edgecolor="white", label=label)
        for label, colour, hatch, _ in HOLDERS.values()
    ]
    legend_below(ax, handles, columns=2, gap=0.5 / (chart_height(ax) - 1.75))
    ids = "; ".join(f"{r.timeline_id}: {r.source_id}" for r in lines.itertuples())
    source = f"data/geo/borders.geojson and data/timeline.csv ({ids})"
    title = "Who held what: Sakhalin and the Kurils, 1855 to today"
    return finish(ax, title, _wrapped(ax, source), _holdings_alt(periods))


def _holdings_alt(periods: pd.DataFrame) -> str:
    """Return alt text that walks through who held what in each period."""
    short = {
        "northern-sakhalin": "northern Sakhalin",
        "southern-sakhalin": "southern Sakhalin",
        "northern-kurils": "Urup to Shumshu",
        "four-islands": "the four islands",
    }
    parts = []
    for (start, end), group in periods.groupby(["start", "end"], sort=True):
        held = "; ".join(f"{short[r.region]}: {HOLDERS[r.holder][0]}" for r in group.itertuples())
        parts.append(f"{start}-{end}: {held}")
    return "Bars of who held each area over time. " + ". ".join(parts) + "."


def border_map(timeline: pd.DataFrame, layers: Iterable[str] | None = None, ax: Axes | None = None) -> Axes:
    """Map the region with the four islands under both names and the chosen border lines.

    layers: the years of the lines to draw ('1855', '1875', '1905', '1945'); None draws all.
    """
    lines = border_lines(timeline)
    chosen = lines if layers is None else lines[lines["layer"].isin([str(x) for x in layers])]
    ax = maps.base_map(new_axes(ax, size=MAP_SIZE), extent=MAP_EXTENT)
    ax = maps.label_islands(ax, offsets=ISLAND_LABEL_OFFSETS)
    # Degrees on the ticks say what the axes are: no axis labels, more room for the map.
    ax.set(xlabel="", ylabel="")
    ax.xaxis.set_major_locator(MultipleLocator(5))
    ax.xaxis.set_major_formatter("{x:g}°E")
    ax.yaxis.set_major_locator(MultipleLocator(2))
    ax.yaxis.set_major_formatter("{x:g}°N")
    ax.tick_params(labelsize=8.5)
    _mark_no_data(ax)
    _label_places(ax)
    for n, (_, line) in enumerate(lines.iterrows()):
        if line["id"] not in set(chosen["id"]):
            continue
        colour, dashes, width = LINE_STYLES[n % len(LINE_STYLES)]
        ax.plot(
            line["lon"],
            line["lat"],
            color=colour,
            linestyle=dashes,
            linewidth=width,
            label=line["label"],
            zorder=4,
        )
        dx, dy = YEAR_OFFSETS.get(line["id"], (-4, 4))
        ax.annotate(
            line["layer"],
            xy=(line["lon"][0], line["lat"][0]),
            xytext=(dx, dy),
            textcoords="offset points",
            ha="right" if dx < 0 else "left",
            va="bottom" if dy > 0 else "top",
            fontsize=9,
            fontweight="bold",
            color=colour if colour != PALETTE[6] else BLACK,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.8},
            zorder=5,
        )
    if len(chosen):
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.06),
            ncol=1,
            fontsize=8.5,
            labelspacing=0.3,  # closer rows: the figure with all four lines fits the explorer's height
            title="Lines (schematic: drawn between the islands, not surveyed)",
            title_fontsize=9,
            frameon=False,
        )
        drawn = "; ".join(chosen["label"])
        alt = (
            "Map of Hokkaido, Sakhalin, the Kuril chain and the tip of Kamchatka, with the four "
            f"disputed islands named in Japanese and Russian. Lines drawn: {drawn}."
        )
    else:
        alt = (
            "Map of Hokkaido, Sakhalin, the Kuril chain and the tip of Kamchatka, with the four "
            "disputed islands named in Japanese and Russian; no border line is drawn."
        )
    # Each timeline row once, then each source once (two lines share one): short enough to sit
    # under the map in an explorer's column.
    rows = ", ".join(chosen["timeline_id"]) or "none"
    cited = "; sources " + ", ".join(dict.fromkeys(chosen["source_id"])) if len(chosen) else ""
    source = (
        f"data/geo/borders.geojson, schematic lines from data/timeline.csv rows {rows}{cited}; "
        "coastlines GSHHG 2.3.6 (LGPL-3.0); names data/islands.csv"
    )
    years = ", ".join(chosen["layer"]) if len(chosen) else "no line chosen"
    return finish(ax, f"Where the line ran: {years}", _wrapped(ax, source), alt)


def _mark_no_data(ax: Axes) -> None:
    """Hatch the strip of the map east of the coastline file's edge, and say it has no coastline."""
    edge, east = maps.REGION[2], ax.get_xlim()[1]
    ax.axvspan(edge, east, facecolor="#F4F4F4", edgecolor="#BBBBBB", hatch="..", linewidth=0, zorder=1)
    ax.text(
        (edge + east) / 2,
        sum(ax.get_ylim()) / 2,
        f"no coastline data east of {edge:g}°E",
        rotation=90,
        ha="center",
        va="center",
        fontsize=8,  # the strip is a sixth of an inch wide at an explorer's size
        color="#555555",
        bbox={"facecolor": "#F4F4F4", "edgecolor": "none", "pad": 0.5},
        zorder=2,
    )


def _label_places(ax: Axes) -> None:
    """Name the places the border lines run between: Sakhalin, Hokkaido, Kamchatka, Urup, Shumshu."""
    names = {f["properties"]["name"]: f["properties"] for f in maps.coastlines()}
    for name, (lon, lat) in CONTEXT_PLACES.items():
        props = names.get(name)
        if props is None:
            continue
        ja, ru = props["name_ja"], props["name_ru"]
        text = ru if name in ("Sakhalin", "Kamchatka", "Urup", "Shumshu") else ja
        other = ja if text == ru else ru
        label = f"{text}\n({other})" if other and other != text and name != "Hokkaido" else text
        pointer = PLACE_POINTERS.get(name)
        ax.annotate(
            label,
            xy=pointer or (lon, lat),
            xytext=(lon, lat),
            fontsize=8.5,
            color="#333333",
            ha="center",
            va="center",
            style="italic",
            arrowprops=LEADER if pointer else None,
            zorder=3,
        )


# --- the legal texts as cards -----------------------------------------------------------------

# Which side cites a text: the words on its card and the colour of the card's left edge (the words
# say it, so the colour is never the only sign).
CITED_BY = {
    "japan": ("cited by Japan", JAPAN),
    "russia": ("cited by Russia", RUSSIA),
    "both": ("cited by both sides", NEUTRAL),
}
LANGUAGES = {"en": "English", "ja": "Japanese", "ru": "Russian"}
SMALL = 'style="margin: 4px 0; font-size: 85%; color: #444; overflow-wrap: anywhere;"'


def _cell(value) -> str:
    """Return a cell as text, a missing value as the empty string."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _legal_heading(row: pd.Series) -> str:
    article = _cell(row["article"])
    return f"{date_words(row['date'], row['precision'])} · {row['text']}" + (
        f", {article}" if article else ""
    )


def _legal_card(row: pd.Series, sources: pd.DataFrame) -> tuple[str, str]:
    """Return one text as an HTML card and as plain text."""
    heading = _legal_heading(row)
    cited, colour = CITED_BY.get(_cell(row["cited_by"]), ("", NEUTRAL))
    language = _cell(row["language"]) or "en"
    gloss = _cell(row["quote_gloss"])
    notes = [_cell(row["quote_note"])]
    if _cell(row["precision"]) != "day" and _cell(row["date_note"]):
        notes.append(f"Date: {_cell(row['date_note'])}")
    notes = [n for n in notes if n]
    readings = (
        ("Japan reads it as", row["japan_reading"]),
        ("Russia reads it as", row["russia_reading"]),
        ("What it does not settle", row["settles"]),
    )
    gloss_html = (
        f'<p style="margin: 4px 0;"><em>The course\'s translation from {LANGUAGES.get(language, language)}:'
        "</em> "
        f"&ldquo;{html.escape(gloss)}&rdquo;</p>"
        if gloss
        else ""
    )
    page = (
        f'<div class="fi-card fi-legal" data-id="{html.escape(row["id"], quote=True)}" '
        f'style="flex: 1 1 420px; border: 1px solid #999; border-left: 6px solid {colour}; '
        'border-radius: 6px; padding: 6px 12px;">'
        f'<p style="margin: 4px 0;"><strong>{html.escape(heading)}</strong><br>'
        f"{html.escape(_cell(row['party']))} · <em>{html.escape(cited)}</em></p>"
        f'<blockquote lang="{html.escape(language, quote=True)}" style="margin: 6px 0 6px 4px; '
        f'padding-left: 8px; border-left: 3px solid #CCCCCC;">&ldquo;{html.escape(row["quote"])}&rdquo;'
        f"</blockquote>{gloss_html}"
        + "".join(
            f'<p style="margin: 4px 0;"><strong>{label}:</strong> {html.escape(_cell(value))}</p>'
            for label, value in readings
        )
        + f"<p {SMALL}>Source: {source_html(row['source_id'], sources)}"
        + "".join(f"<br>{html.escape(n)}" for n in notes)
        + "</p></div>"
    )
    lines = [
        wrapped(f"  {heading}", indent=4),
        wrapped(f"    {_cell(row['party'])} · {cited}", indent=6),
        wrapped(f'    "{row["quote"]}"', indent=5),
    ]
    if gloss:
        lines.append(wrapped(f'    The course\'s translation: "{gloss}"', indent=6))
    lines += [wrapped(f"    {label}: {_cell(value)}", indent=6) for label, value in readings]
    # Not wrapped: an address broken across lines cannot be copied.
    lines.append(f"    Source: {source_words(row['source_id'], sources)}")
    lines += [wrapped(f"    {n}", indent=6) for n in notes]
    return page, "\n".join(lines)


def legal_cards(texts: pd.DataFrame, sources: pd.DataFrame | None = None) -> Block:
    """Return the legal_texts rows as cards, grouped by period in time order.

    Each card gives the date, the text and article, who issued it and which side cites it, the
    quote (with the course's translation of a Japanese or Russian one), how Japan reads it, how
    Russia reads it, what it does not settle, and its source, linked. The plain text says the same.
    """
    sources = load("sources").set_index("id") if sources is None else sources
    pages, texts_out = [], []
    for heading, rows in legal_periods(texts):
        cards = [_legal_card(row, sources) for _, row in rows.iterrows()]
        pages.append(
            f'<p style="margin: 12px 0 4px;"><strong>{html.escape(heading)}</strong></p>'
            '<div class="fi-cards" style="display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0;">'
            f"{''.join(page for page, _ in cards)}</div>"
        )
        texts_out.append("\n\n".join([heading] + [text for _, text in cards]))
    return Block(f'<div class="fi-legal-texts">{"".join(pages)}</div>', "\n\n".join(texts_out))
