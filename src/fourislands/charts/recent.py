"""Charts for lesson 06 (since 2018): the period's events in lanes, who moved each year, the Bluebook ladder.

Every event comes from data/timeline.csv, who acted in it from data/recent_actors.csv (the course's
reading of each row) and the Bluebook's wording from data/bluebook_wording.csv. model/recent.py
chooses and counts; these functions only draw.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..data import load
from ..dates import decimal_year
from ..figures import (
    EXPLORER_WIDTH,
    JAPAN,
    LESSON_SIZE,
    NEUTRAL,
    RUSSIA,
    chart_height,
    chart_width,
    finish,
    legend_below,
    new_axes,
    source_width,
)
from ..model.history import month_label, themes
from ..model.recent import (
    ACTOR_LABELS,
    AFTER,
    BEFORE,
    NOT_CLASSIFIED,
    NOT_REPORTED,
    NOT_USED,
    PHRASE_LABELS,
    PHRASES,
    USED,
    actors,
    before_and_after,
    bluebook_ladder,
    events_per_year,
    period_years,
    rupture_date,
)
from ..palette import BLACK, SKY, VERMILION
from ..words import and_list, wrapped
from .history import place_timeline_labels

# Sizes (inches): the lanes as the lesson shows them, and beside the explorer's controls, where
# they are narrower and so a little taller.
SWIMLANE_SIZE = (LESSON_SIZE[0], 4.8)
SWIMLANE_EXPLORER_SIZE = (EXPLORER_WIDTH, 5.4)
# Who acted: (marker, face colour, edge colour, bar hatch). Each actor has its own marker and
# hatch as well as its colour, so the key reads without colour.
ACTOR_STYLE = {
    "japan": ("o", JAPAN, BLACK, ""),
    "russia": ("s", RUSSIA, BLACK, ""),
    "both": ("D", NEUTRAL, BLACK, "//"),
    "other": ("^", "white", BLACK, ".."),
    NOT_CLASSIFIED: ("X", BLACK, BLACK, "xx"),
}
RUPTURE_COLOUR = VERMILION
AFTER_SHADE = "#F0F0F0"
# Short names for the events the lanes name, when they are on the chart.
KEY_EVENTS = {
    "singapore-summit-2018": "Singapore",
    "lavrov-sovereignty-demand-2019": "Lavrov's demand",
    "constitution-amendment-2020": "Constitution",
    "peace-talks-suspended-2022": "Talks halted",
    "bluebook-illegal-occupation-2022": "'Illegally occupied'",
    "sakhalin2-decree-2022": "Sakhalin-2",
    "victory-over-japan-day-2023": "3 Sep renamed",
    "peskov-no-treaty-2026": "Peskov",
}
LANE_LEVELS = (0.0, -0.2, 0.2, -0.38, 0.38)  # where marks of one lane sit, so that close events stay apart
SOURCE_INSET = 0.8  # what the lane names take left of the axes, where the source line starts (inches)


def _wrapped(ax: Axes, text: str, inset: float = SOURCE_INSET) -> str:
    """Return a source line broken to fit under the figure, its later lines indented."""
    return wrapped(text, width=source_width(ax, inset), indent=2)


def _cut(cut: dt.date | None) -> dt.date:
    """Return the day of the invasion: the one given, or the timeline's."""
    return rupture_date(load("timeline")) if cut is None else cut


def _sources(events: pd.DataFrame) -> str:
    """Return the sources of some events: the readings by id, the outside sources counted."""
    readings = sorted(events.loc[events["origin"] == "reading", "source_id"].unique())
    outside = events.loc[events["origin"] == "outside", "source_id"].nunique()
    named = f"readings {', '.join(readings)}; " if readings else ""
    return f"{named}{outside} outside sources listed in data/sources.csv"


def lane_positions(events: pd.DataFrame, min_gap: float) -> pd.Series:
    """Return each event's height on the chart: its theme's lane, moved up or down off a close neighbour.

    In date order within a lane, an event takes the first of LANE_LEVELS whose last mark is at
    least min_gap (years) before it; when none is, the level whose last mark is furthest back.
    """
    order = {t: i for i, t in enumerate(themes())}
    heights = pd.Series(0.0, index=events.index)
    for theme, rows in events.groupby("theme", sort=False):
        last = dict.fromkeys(LANE_LEVELS, float("-inf"))
        for index, x in rows["x"].sort_values(kind="stable").items():
            free = [level for level in LANE_LEVELS if x - last[level] >= min_gap]
            level = free[0] if free else min(last, key=last.get)
            last[level] = x
            heights[index] = order[theme] + level
    return heights


def period_swimlanes(
    events: pd.DataFrame,
    ax: Axes | None = None,
    cut: dt.date | None = None,
    title: str = "2018-2026: events by theme and by who acted",
    numbered: bool = False,
    years: tuple[int, int] | None = None,
    size: tuple[float, float] = SWIMLANE_SIZE,
) -> Axes:
    """Draw each event as a mark in its theme's lane against its date, shaped by who acted.

    events: rows of model.recent.recent_events (possibly filtered). A dashed line marks the day of
    the invasion of Ukraine (cut; default: the timeline's), the time after it shaded. numbered:
    write each event's number in date order beside it (as the explorer lists them), else name
    the key events. years: the first and last year to show (default: those of the events).
    """
    ax = new_axes(ax, size=size)
    cut = _cut(cut)
    lanes = themes()
    ax.set_yticks(range(len(lanes)), lanes)
    ax.set_ylim(len(lanes) - 0.45, -0.9)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    for lane in range(len(lanes)):
        ax.axhline(lane + 0.5, color="#E4E4E4", linewidth=0.6, zorder=0)
    if years is None:
        years = (int(events["year"].min()), int(events["year"].max())) if len(events) else (2018, 2026)
    low, high = years[0], years[1] + 1
    last = float(events["x"].max()) if len(events) else high
    right = min(high + 0.05, max(years[1] + 0.4, last + 0.2))
    ax.set_xlim(low - 0.1, right)
    step = 1 if chart_width(ax) >= 5.5 or high - low <= 6 else 2
    ticks = [y for y in range(low, high + 1, step) if y <= right]
    ax.set_xticks(ticks, [str(y) for y in ticks])
    rupture = decimal_year(cut.isoformat())
    shows_cut = low <= rupture <= right
    if shows_cut:
        ax.axvspan(rupture, right, facecolor=AFTER_SHADE, edgecolor="none", zorder=0)
        ax.axvline(rupture, color=RUPTURE_COLOUR, linestyle="--", linewidth=1.4, zorder=1)
        # Beside the line, on the side with more room: the words must stay inside the frame.
        room_right = (right - rupture) / (right - low + 0.1) > 0.45
        ax.text(
            rupture + (0.06 if room_right else -0.06),
            -0.62,
            "invasion of Ukraine \u25b8" if room_right else "\u25c2 invasion of Ukraine",
            fontsize=8.5,
            color="#333333",
            va="center",
            ha="left" if room_right else "right",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8},
        )
    if events.empty:
        ax.text(0.5, 0.5, "No events to show", transform=ax.transAxes, ha="center", va="center")
        alt = "An empty chart of the lanes 2018 to 2026: no event matches the choice."
        return finish(ax, title, "data/timeline.csv (no rows chosen)", alt)
    px_per_year = (chart_width(ax) - 1.0) * ax.figure.dpi / (right - low)
    frame = events.assign(y=lane_positions(events, min_gap=9.0 / px_per_year))
    handles = []
    for actor in [*actors(), NOT_CLASSIFIED]:
        part = frame[frame["actor"] == actor]
        if part.empty:
            continue
        marker, face, edge, _ = ACTOR_STYLE[actor]
        ax.scatter(
            part["x"],
            part["y"],
            marker=marker,
            s=30,
            facecolors=face,
            edgecolors=edge,
            linewidths=0.7,
            zorder=3,
        )
        label = f"{ACTOR_LABELS.get(actor, actor)} ({len(part)})"
        handles.append(
            Line2D(
                [], [], marker=marker, linestyle="", markerfacecolor=face, markeredgecolor=edge, label=label
            )
        )
    if shows_cut:
        handles.append(Line2D([], [], color=RUPTURE_COLOUR, linestyle="--", label="24 Feb 2022"))
    narrow = chart_width(ax) < 5.5
    legend_below(ax, handles, columns=3 if narrow else 6, gap=0.12 / max(chart_height(ax) - 1.8, 1))
    source = (
        f"data/timeline.csv, {len(frame)} rows ({_sources(frame)}); "
        "who acted: data/recent_actors.csv (the course's reading of each row)"
    )
    finish(ax, title, _wrapped(ax, source), _swimlane_alt(frame, cut))
    if numbered:
        texts = {i: str(n) for n, i in enumerate(frame.sort_values("x", kind="stable").index, start=1)}
    else:
        texts = {i: KEY_EVENTS[e] for i, e in zip(frame.index, frame["id"], strict=True) if e in KEY_EVENTS}
    if texts:
        place_timeline_labels(ax, frame, texts)
    return ax


def _swimlane_alt(frame: pd.DataFrame, cut: dt.date) -> str:
    """Return alt text: how many events, in which lanes, by whom, before and after the invasion."""
    lanes = frame["theme"].value_counts()
    busiest = lanes.index[0]
    halves = frame["period"].value_counts()
    who = frame["actor"].value_counts()
    acted = and_list(f"{ACTOR_LABELS.get(a, a)} {who[a]}" for a in [*actors(), NOT_CLASSIFIED] if a in who)
    summits = frame[frame["theme"] == "summit"]
    last_summit = (
        f" The last summit mark is in {month_label(summits['date'].iloc[-1])}." if len(summits) else ""
    )
    return (
        f"Lane chart of {len(frame)} events from {month_label(frame['date'].iloc[0])} to "
        f"{month_label(frame['date'].iloc[-1])}, one lane per theme; the busiest lane is {busiest} "
        f"with {lanes[busiest]}. A dashed line marks the invasion of Ukraine on "
        f"{month_label(cut.isoformat())}: "
        f"{halves.get(BEFORE, 0)} events before it, {halves.get(AFTER, 0)} from it on. Who acted: {acted}."
        f"{last_summit}"
    )


def actors_per_year_chart(events: pd.DataFrame, ax: Axes | None = None, cut: dt.date | None = None) -> Axes:
    """Draw the events of each year as a stacked bar, one segment per actor (Japan, Russia, both, others)."""
    ax = new_axes(ax, size=(LESSON_SIZE[0], 3.9))
    cut = _cut(cut)
    table = events_per_year(events, by="actor")
    bottom = pd.Series(0, index=table.index)
    for actor in table.columns:
        marker, face, edge, hatch = ACTOR_STYLE[actor]
        values = table[actor]
        label = f"{ACTOR_LABELS.get(actor, actor)} ({int(values.sum())})"
        ax.bar(
            table.index,
            values,
            bottom=bottom,
            width=0.7,
            color=face,
            edgecolor="#333333",
            hatch=hatch,
            linewidth=0.6,
            label=label,
        )
        bottom = bottom + values
    for year, total in bottom.items():
        ax.text(year, total + 0.3, str(int(total)), ha="center", va="bottom", fontsize=8.5)
    ax.set_xticks(table.index, [str(y) for y in table.index])
    ax.set_ylabel("events in the timeline")
    ax.set_ylim(0, bottom.max() * 1.22 + 1)
    ax.spines[["top", "right"]].set_visible(False)
    rupture = decimal_year(cut.isoformat()) - 0.5  # bars are centred on their year
    ax.axvline(rupture, color=RUPTURE_COLOUR, linestyle="--", linewidth=1.2)
    ax.text(rupture + 0.05, bottom.max() * 1.18 + 1, "\u25c2 invasion of Ukraine", fontsize=8.5, va="top")
    ax.legend(loc="upper left", fontsize=8.5, ncols=2, frameon=False)
    busiest = int(bottom.idxmax())
    split = table.loc[busiest]
    alt = (
        f"Stacked bars of the lesson's {int(bottom.sum())} events per year, {table.index.min()} to "
        f"{table.index.max()}, split by who acted. The busiest year is {busiest} with {int(bottom.max())} "
        f"events: {and_list(f'{ACTOR_LABELS.get(a, a)} {int(split[a])}' for a in table.columns if split[a])}."
        " "
        f"Over the whole period Japan acted in {int(table['japan'].sum())} events and Russia in "
        f"{int(table['russia'].sum())}; both sides together in {int(table['both'].sum())}, "
        f"{int(table.loc[table.index >= cut.year, 'both'].sum())} of them from {cut.year} on."
    )
    source = f"data/timeline.csv ({_sources(events)}); data/recent_actors.csv (the course's reading)"
    return finish(ax, "Who moved, year by year", _wrapped(ax, source, inset=0.4), alt)


def before_after_chart(events: pd.DataFrame, ax: Axes | None = None, cut: dt.date | None = None) -> Axes:
    """Draw, for each theme, the events per year before the invasion and from it on, as paired bars."""
    ax = new_axes(ax, size=(LESSON_SIZE[0], 3.9))
    cut = _cut(cut)
    table = before_and_after(events, cut).drop(index="all")
    before_years, after_years = period_years(events, cut)
    rows = list(range(len(table)))
    before_label = f"before 24 Feb 2022 ({before_years:.1f} years)"
    after_label = f"from 24 Feb 2022 on ({after_years:.1f} years)"
    ax.barh(
        [r - 0.2 for r in rows],
        table["before_per_year"],
        height=0.38,
        color=SKY,
        edgecolor="#333333",
        linewidth=0.5,
        hatch="//",
        label=before_label,
    )
    ax.barh(
        [r + 0.2 for r in rows],
        table["after_per_year"],
        height=0.38,
        color=RUPTURE_COLOUR,
        edgecolor="#333333",
        linewidth=0.5,
        label=after_label,
    )
    for r, (_, row) in zip(rows, table.iterrows(), strict=True):
        for shift, count, rate in (
            (-0.2, row["before"], row["before_per_year"]),
            (0.2, row["after"], row["after_per_year"]),
        ):
            ax.text(rate + 0.05, r + shift, f"{rate:.1f} ({int(count)})", va="center", fontsize=8)
    ax.set_yticks(rows, list(table.index))
    ax.invert_yaxis()
    ax.set_xlabel("events per year in the timeline (in brackets: how many)")
    ax.set_xlim(0, table[["before_per_year", "after_per_year"]].to_numpy().max() * 1.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper right", fontsize=8.5, frameon=False)  # the top rows have the shortest bars
    rose = table.index[(table["after_per_year"] - table["before_per_year"]).argmax()]
    fell = table.index[(table["after_per_year"] - table["before_per_year"]).argmin()]
    alt = (
        f"Paired bars per theme: events per year before the invasion of Ukraine ({before_years:.1f} years "
        f"from January 2018) and from it on ({after_years:.1f} years). The largest rise is {rose}, from "
        f"{table.loc[rose, 'before_per_year']:.1f} to {table.loc[rose, 'after_per_year']:.1f} a year; the "
        f"largest fall is {fell}, from {table.loc[fell, 'before_per_year']:.1f} to "
        f"{table.loc[fell, 'after_per_year']:.1f}. Summits: {int(table.loc['summit', 'before'])} before, "
        f"{int(table.loc['summit', 'after'])} after."
    )
    source = f"data/timeline.csv ({_sources(events)})"
    return finish(
        ax, "Events per year before and after 24 February 2022, by theme", _wrapped(ax, source), alt
    )


# --- the Bluebook ladder ---------------------------------------------------------------------------

# How each cell of the ladder is drawn: (marker, face, edge, size, key text).
CELL_STYLE = {
    USED: ("s", JAPAN, BLACK, 110, "used"),
    NOT_USED: ("X", "#999999", "#444444", 110, "not used"),
    NOT_REPORTED: ("s", "white", "#BBBBBB", 60, "no source read"),
}


def wording_ladder_chart(wording: pd.DataFrame, ax: Axes | None = None, cut: dt.date | None = None) -> Axes:
    """Draw which of three phrases each Diplomatic Bluebook edition a source reports on used.

    One column per edition (evenly spaced: the years between 2011 and 2018 have no row), one row
    per phrase, mildest at the bottom; a grey cross marks a phrase not used, a pale box one no source
    the course read reports on. The number above each column counts the phrases it is known to use.
    """
    ax = new_axes(ax, size=(LESSON_SIZE[0], 3.4))
    cut = _cut(cut)
    ladder = bluebook_ladder(wording)
    editions = list(ladder.index)
    for column, edition in enumerate(editions):
        for row, phrase in enumerate(PHRASES):
            state = ladder.loc[edition, phrase]
            marker, face, edge, size, _ = CELL_STYLE[state]
            ax.scatter(
                column,
                row,
                marker=marker,
                s=size,
                facecolors=face,
                edgecolors=edge,
                linewidths=1.0,
                zorder=3,
                gid=f"cell-{edition}-{phrase}",
            )
        known = ladder.loc[edition, "reported"]
        rungs = ladder.loc[edition, "rungs"]
        ax.text(
            column,
            len(PHRASES) - 0.35,
            f"{rungs}" + ("" if known == len(PHRASES) else "+?"),
            ha="center",
            va="center",
            fontsize=8.5,
            fontweight="bold",
        )
    gaps = [(a, b) for a, b in zip(editions, editions[1:], strict=False) if b - a > 1]
    for n, (a, b) in enumerate(zip(editions, editions[1:], strict=False)):
        if b - a > 1:  # editions with no row between these two: the columns are not evenly spaced years
            ax.axvline(n + 0.5, color="#BBBBBB", linestyle=":", linewidth=1.0)
    # Editions come out each spring: the one of the invasion's year is the first after it.
    after = [n for n, e in enumerate(editions) if e >= cut.year]
    if after:
        ax.axvline(after[0] - 0.5, color=RUPTURE_COLOUR, linestyle="--", linewidth=1.2)
    ax.set_xticks(range(len(editions)), [str(e) for e in editions])
    ax.set_yticks(range(len(PHRASES)), [PHRASE_LABELS[p] for p in PHRASES])
    ax.set_xlim(-0.6, len(editions) - 0.4)
    ax.set_ylim(-0.6, len(PHRASES) - 0.05)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("edition; above each: how many phrases it uses (+?: a source is silent)")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    handles = [
        Line2D([], [], marker=m, linestyle="", markerfacecolor=f, markeredgecolor=e, markersize=8, label=t)
        for m, f, e, _, t in CELL_STYLE.values()
    ]
    handles.append(
        Patch(facecolor="white", edgecolor=RUPTURE_COLOUR, linestyle="--", label="after 24 Feb 2022")
    )
    legend_below(ax, handles, columns=4, gap=0.42 / max(chart_height(ax) - 1.6, 1))
    alt = (
        "Grid of Japan's Diplomatic Bluebook editions "
        f"{and_list(editions)} against three phrases about the islands: a claim of sovereignty, "
        "'inherent territory' and 'illegally occupied'. "
        + " ".join(_edition_words(ladder, e) for e in editions)
        + (f" No edition between {and_list(f'{a} and {b}' for a, b in gaps)} has a row." if gaps else "")
    )
    ids = ", ".join(sorted(wording["source_id"].unique()))
    source = f"data/bluebook_wording.csv ({ids})"
    return finish(ax, "Three phrases in Japan's Diplomatic Bluebooks", _wrapped(ax, source, 1.3), alt)


def _edition_words(ladder: pd.DataFrame, edition: int) -> str:
    """Return one edition of the ladder in words: the phrases it used, and whether the rest is known."""
    used = [PHRASE_LABELS[p] for p in PHRASES if ladder.loc[edition, p] == USED]
    rest = "" if ladder.loc[edition, "reported"] == len(PHRASES) else ", the rest not reported"
    return f"{edition}: {and_list(used, none='none of them')} used{rest}."
