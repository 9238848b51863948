"""Lesson 02 figures: the negotiation rounds, the summit count, the options' land shares, a split map."""

from __future__ import annotations

import calendar
import datetime
import html
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Polygon

from .. import maps
from ..data import load
from ..errors import DataError
from ..figures import (
    EXPLORER_WIDTH,
    JAPAN,
    LESSON_SIZE,
    NEUTRAL,
    PALETTE,
    PROJECTOR_HEIGHT,
    RUSSIA,
    finish,
    new_axes,
    note_under,
    source_line,
)
from ..lesson import Block, source_html, source_words
from ..model.negotiations import Split, island_areas, island_names, option_shares
from ..words import wrapped

KINDS = ("declaration", "summit", "two-plus-two", "ministerial", "proposal", "statement")
KIND_STYLE = {  # marker and colour: the shape alone tells the kinds apart
    "declaration": ("D", PALETTE[7]),
    "summit": ("o", PALETTE[0]),
    "two-plus-two": ("s", PALETTE[2]),
    "ministerial": ("^", PALETTE[3]),
    "proposal": ("*", PALETTE[5]),
    "statement": ("v", PALETTE[4]),
}
# The options the share chart compares, top to bottom (ids of settlement_options.csv).
CHART_OPTIONS = ("two", "three", "mori", "three-plus-alpha", "equal-area", "four")
SPLIT_EXTENT = (144.9, 42.95, 149.1, 45.75)  # west, south, east, north: Nemuro to Etorofu/Iturup
TEXT = 8  # points: tick labels, labels and keys; 7.5 points is the least a shown chart may use
# Inches. A lesson chart fills the lesson's column; the split map fits an explorer's column and,
# in the projector app, its height, with the source line the tight save adds under the figure.
TIMELINE_SIZE = (LESSON_SIZE[0], 4.4)
MEETINGS_SIZE = (LESSON_SIZE[0], 4.2)
SHARES_SIZE = (LESSON_SIZE[0], 4.4)
SPLIT_SIZE = (EXPLORER_WIDTH, PROJECTOR_HEIGHT - 0.35)


# --- dates ------------------------------------------------------------------------------------


def date_value(date: str, precision: str, where: str = "middle") -> float:
    """Return a date as a year with fraction: a month or a year at its middle, or at its end.

    `where="end"` places a month or year at its last day: the latest day a count 'by' that
    date can run to.
    """
    parts = [int(p) for p in str(date).split("-")]
    year = parts[0]
    days = 366 if calendar.isleap(year) else 365
    if precision == "day" and len(parts) == 3:
        day_of_year = datetime.date(year, parts[1], parts[2]).timetuple().tm_yday
        return year + (day_of_year - 0.5) / days
    if precision == "month" and len(parts) >= 2:
        month = parts[1]
        first = datetime.date(year, month, 1).timetuple().tm_yday - 1
        length = calendar.monthrange(year, month)[1]
        return year + (first + (length if where == "end" else length / 2)) / days
    return year + (1.0 if where == "end" else 0.5)


def date_words(date: str, precision: str) -> str:
    """Return a date as words: '2 November 2013', 'October 1993', '1956'."""
    parts = [int(p) for p in str(date).split("-")]
    if precision == "day" and len(parts) == 3:
        return f"{parts[2]} {calendar.month_name[parts[1]]} {parts[0]}"
    if precision == "month" and len(parts) >= 2:
        return f"{calendar.month_name[parts[1]]} {parts[0]}"
    return str(parts[0])


def _text(value) -> str:
    """Return a cell as text, with a missing value as the empty string."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


# --- cards ------------------------------------------------------------------------------------


def _card(row: pd.Series, sources: pd.DataFrame, issues: dict[str, str]) -> tuple[str, str]:
    when = date_words(row["date"], row["precision"])
    place = _text(row["place"])
    heading = f"{when} · {place}" if place else when
    document = _text(row["document"])
    kind = str(row["kind"]).replace("-", " ")
    sides = [
        f"<strong>{who}:</strong> {html.escape(_text(row[col]))}"
        for who, col in (("Japan", "japan_side"), ("Russia", "russia_side"))
        if _text(row[col])
    ]
    notes = []
    if _text(row["date_note"]):
        notes.append(f"Date: {html.escape(_text(row['date_note']))}")
    if _text(row["issue_id"]):
        topic = issues.get(row["issue_id"], "")
        notes.append(
            f"Reading issue {html.escape(row['issue_id'])} ({html.escape(topic)}): a reading errs "
            "or two disagree here; see data/reading_issues.csv."
        )
    cite = source_html(row["source_id"], sources)
    page = (
        '<div class="fi-card" style="flex: 1 1 320px; border: 1px solid #999; border-radius: 6px; '
        'padding: 6px 12px;">'
        f'<p style="margin: 4px 0;"><strong>{html.escape(heading)}</strong><br>'
        f"<em>{html.escape(kind)}</em>{': ' + html.escape(document) if document else ''}</p>"
        f'<p style="margin: 4px 0;">{" &nbsp; ".join(sides)}</p>'
        f'<p style="margin: 4px 0;">{html.escape(_text(row["agreed"]))}</p>'
        f'<p style="margin: 4px 0; font-size: 85%; color: #444;">Source: {cite}: '
        f"&ldquo;{html.escape(_text(row['quote']))}&rdquo;"
        f"{''.join(f'<br>{n}' for n in notes)}</p></div>"
    )
    text = "\n".join(
        [f"{heading} ({kind}{': ' + document if document else ''})"]
        + [
            f"  {who}: {_text(row[col])}"
            for who, col in (("Japan", "japan_side"), ("Russia", "russia_side"))
            if _text(row[col])
        ]
        + [f"  {_text(row['agreed'])}", f"  Source: {source_words(row['source_id'], sources)}"]
        + ([f"  Reading issue {row['issue_id']}"] if _text(row["issue_id"]) else [])
    )
    return page, text


def _plan_card(items: pd.DataFrame, title: str, sources: pd.DataFrame) -> tuple[str, str]:
    items = items.sort_values("position")
    entries = "".join(f"<li>{html.escape(_text(t))}</li>" for t in items["text"])
    cites = "; ".join(source_html(s, sources) for s in dict.fromkeys(items["source_id"]))
    page = (
        '<div class="fi-card fi-plan" style="flex: 1 1 320px; border: 1px solid #999; '
        'border-radius: 6px; padding: 6px 12px;">'
        f'<p style="margin: 4px 0;"><strong>{html.escape(title)}</strong></p><ol>{entries}</ol>'
        f'<p style="margin: 4px 0; font-size: 85%; color: #444;">Source: {cites}</p></div>'
    )
    text = "\n".join([title] + [f"  {p}. {t}" for p, t in zip(items["position"], items["text"], strict=True)])
    return page, text


def round_cards(
    negotiations: pd.DataFrame,
    ids: Sequence[str],
    plan_items: pd.DataFrame | None = None,
    plan_title: str = "",
    sources: pd.DataFrame | None = None,
) -> Block:
    """Return rows of the negotiations table (by id, in the order given) as cards.

    `plan_items`, when given, are rows of the plan_items table shown as a numbered list in one
    more card headed `plan_title`. Each card shows the date, kind, place, who took part, what
    was agreed or said, and its source with the quote; a reading issue is flagged.
    """
    sources = load("sources").set_index("id") if sources is None else sources
    reading_issues = load("reading_issues")
    issues = dict(zip(reading_issues["id"], reading_issues["topic"], strict=True))
    by_id = negotiations.set_index("id", drop=False)
    missing = [i for i in ids if i not in by_id.index]
    if missing:
        raise DataError("data/negotiations.csv", f"no rows with ids {missing}")
    pages, texts = [], []
    for row_id in ids:
        page, text = _card(by_id.loc[row_id], sources, issues)
        pages.append(page)
        texts.append(text)
    if plan_items is not None and len(plan_items):
        page, text = _plan_card(plan_items, plan_title or "The list", sources)
        pages.append(page)
        texts.append(text)
    deck = (
        '<div class="fi-cards" style="display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0;">'
        f"{''.join(pages)}</div>"
    )
    return Block(deck, "\n\n".join(texts))


# --- the rounds on a timeline -----------------------------------------------------------------


DECLARATION_TIERS = (6, -8)  # label offsets in points from the marker: up, then down, in turn


def rounds_timeline(negotiations: pd.DataFrame, ax: Axes | None = None, start: int = 1990) -> Axes:
    """Plot every row of the negotiations table as a marker: date across, kind of meeting down.

    Rows before `start` are named in a note at the left edge; declarations are labelled.
    """
    ax = new_axes(ax, size=TIMELINE_SIZE)
    rows = negotiations.assign(
        x=[date_value(d, p) for d, p in zip(negotiations["date"], negotiations["precision"], strict=True)]
    )
    shown = rows[rows["x"] >= start]
    earlier = rows[rows["x"] < start]
    positions = {kind: len(KINDS) - 1 - n for n, kind in enumerate(KINDS)}
    # The declarations' two-line names go above and below their row: it stands clear of the others.
    positions["declaration"] += 0.45
    for kind in KINDS:
        subset = shown[shown["kind"] == kind]
        marker, colour = KIND_STYLE[kind]
        ax.scatter(
            subset["x"],
            [positions[kind]] * len(subset),
            marker=marker,
            s=90 if marker == "*" else 40,
            color=colour,
            edgecolor="black",
            linewidth=0.5,
            alpha=0.85,
            zorder=3,
        )
    declarations = shown[shown["kind"] == "declaration"].sort_values("x")
    for n, (_, row) in enumerate(declarations.iterrows()):
        # Above and below the row in turn: neighbours' names cannot touch.
        rise = DECLARATION_TIERS[n % len(DECLARATION_TIERS)]
        ax.annotate(
            f"{_text(row['document'])}\n({date_words(row['date'], row['precision'])})",
            xy=(row["x"], positions["declaration"]),
            xytext=(0, rise),
            textcoords="offset points",
            ha="center",
            va="bottom" if rise > 0 else "top",
            fontsize=TEXT,
            linespacing=1.1,
            # The leader starts at the middle of the name's bottom (or top) edge: no clipping to its
            # box (patchA).
            arrowprops={
                "arrowstyle": "-",
                "color": "#777777",
                "linewidth": 0.5,
                "patchA": None,
                "relpos": (0.5, 0) if rise > 0 else (0.5, 1),
            },
        )
    if len(earlier):
        names = "; ".join(
            f"{date_words(r['date'], r['precision'])}: {_text(r['document']) or r['kind']}"
            for _, r in earlier.iterrows()
        )
        ax.text(
            0.01,
            0.03,
            f"Left of the scale: {names}",
            transform=ax.transAxes,
            fontsize=TEXT,
            color="#333333",
        )
    counts = rows["kind"].value_counts()  # the table's rows, those left of the scale included
    ax.set_yticks(
        list(positions.values()),
        [f"{k.replace('-', ' ')} ({counts.get(k, 0)})" for k in positions],
        fontsize=TEXT,
    )
    ax.set_ylim(-0.7, positions["declaration"] + 0.85)
    last = math.ceil(rows["x"].max()) + 1
    ax.set_xlim(start - 1.5, last)
    ax.set_xticks(range(start, last + 1, 5))
    ax.tick_params(axis="x", labelsize=TEXT)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_xlabel("year (a month or year without a day is drawn at its middle)", fontsize=9)
    ax.set_ylabel("kind of row (rows in the table)", fontsize=9)
    busiest = shown.assign(year=shown["x"].astype(int))["year"].value_counts()
    gap = _longest_gap(sorted(shown["x"]))
    alt = (
        f"A timeline of {len(shown)} of the {len(rows)} rows of the negotiations table, those from "
        f"{start} on, one marker per row, by kind. {int((shown['x'] >= 2013).sum())} of them fall in "
        f"2013 or later: the busiest year is {busiest.index[0]} with {busiest.iloc[0]} rows, and the "
        f"longest empty stretch runs from about {gap[0]:.0f} to {gap[1]:.0f}. Declarations are labelled."
    )
    return finish(
        ax,
        "Negotiation rounds and statements in the course data",
        source_line(
            "negotiations",
            rows["source_id"],
            "; one marker per row, so one meeting told by two readings shows twice",
            width=88,
        ),
        alt,
    )


def _longest_gap(values: list[float]) -> tuple[float, float]:
    pairs = list(zip(values, values[1:], strict=False))
    return max(pairs, key=lambda p: p[1] - p[0]) if pairs else (math.nan, math.nan)


# --- the summit count -------------------------------------------------------------------------


def running_counts(meeting_counts: pd.DataFrame) -> pd.DataFrame:
    """Return the rows that give a running count of Abe-Putin meetings, in date order.

    These are the rows whose id starts 'abe-putin' and which do not count within one calendar
    year ('during 2017'). Each gets `x`, its cut-off as a year with fraction: a day as is, a
    month at its middle, a year at its end (a count 'from 2012 to 2017' runs to 31 December).
    """
    rows = meeting_counts[
        meeting_counts["id"].str.startswith("abe-putin")
        & ~meeting_counts["what_counted"].str.contains("during", case=False)
    ].copy()
    rows["x"] = [
        date_value(d, p, where="end" if p == "year" else "middle")
        for d, p in zip(rows["as_of"], rows["precision"], strict=True)
    ]
    return rows.sort_values(["x", "count"]).reset_index(drop=True)


LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"}


def meeting_count_chart(
    meeting_counts: pd.DataFrame, ax: Axes | None = None, sources: pd.DataFrame | None = None
) -> Axes:
    """Plot the running count of Abe-Putin meetings against date, marking each reading's cut-off.

    Counts from the readings are filled circles, counts from outside sources open squares; the
    cut-offs of the readings' totals are dashed vertical lines.
    """
    ax = new_axes(ax, size=MEETINGS_SIZE)
    sources = load("sources").set_index("id") if sources is None else sources
    rows = running_counts(meeting_counts)
    if rows.empty:
        raise DataError("data/meeting_counts.csv", "no running counts of Abe-Putin meetings")
    kinds = rows["source_id"].map(sources["kind"])
    ax.plot(
        rows["x"],
        rows["count"].astype(float),
        color=NEUTRAL,
        linestyle=":",
        linewidth=1.2,
        zorder=1,
        label="joins the dated counts\n(meetings in between are not dated here)",
    )
    readings = rows[kinds == "reading"]
    outside = rows[kinds != "reading"]
    ax.scatter(
        outside["x"],
        outside["count"].astype(float),
        marker="s",
        s=55,
        facecolor="white",
        edgecolor=PALETTE[0],
        linewidth=1.6,
        zorder=3,
        label="count in an outside source",
    )
    ax.scatter(
        readings["x"],
        readings["count"].astype(float),
        marker="o",
        s=60,
        color=PALETTE[5],
        edgecolor="black",
        linewidth=0.5,
        zorder=4,
        label="count in a reading",
    )
    for index, row in rows.iterrows():
        reading = kinds[index] == "reading"
        file = str(sources.loc[row["source_id"], "file"])[:3] if reading else ""
        ax.annotate(
            f"{row['count']} ({file})" if reading else f"{row['count']}",
            xy=(row["x"], float(row["count"])),
            xytext=(8, -5) if reading else (-6, 7),
            textcoords="offset points",
            ha="left" if reading else "right",
            va="top" if reading else "bottom",
            fontsize=TEXT,
            fontweight="bold" if reading else "normal",
            # A reading's label can reach across the next cut-off line: the line passes behind it.
            bbox=LABEL_BOX if reading else None,
        )
    # The cut-offs to compare: the readings' totals that reading issue I-2 is about.
    cutoffs = readings[readings["issue_id"] == "I-2"]
    styles = ["--", "-."]
    for n, (_, row) in enumerate(cutoffs.iterrows()):
        ax.axvline(row["x"], color="#333333", linestyle=styles[n % 2], linewidth=1, zorder=0)
        file = sources.loc[row["source_id"], "file"]
        when = (
            "end of " + row["as_of"]
            if row["precision"] == "year"
            else date_words(row["as_of"], row["precision"])
        )
        ax.annotate(
            f"reading {str(file)[:3]} stops here:\n{row['count']} by {when}",
            xy=(row["x"], 0.02 + 0.1 * n),
            xycoords=("data", "axes fraction"),
            xytext=(-4 if n % 2 == 0 else 4, 0),
            textcoords="offset points",
            ha="right" if n % 2 == 0 else "left",
            va="bottom",
            fontsize=TEXT,
            bbox={
                "boxstyle": "round,pad=0.2",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.9,
            },
        )
    ax.set_ylim(0, float(rows["count"].max()) * 1.12)
    first, last = math.floor(rows["x"].min()), math.ceil(rows["x"].max())
    ax.set_xlim(first, last)
    ax.set_xticks(range(first, last + 1))
    ax.tick_params(labelsize=TEXT)
    ax.set_ylabel("Abe-Putin meetings so far", fontsize=9)
    ax.set_xlabel("cut-off date of the count", fontsize=9)
    ax.grid(color="#E5E5E5", linewidth=0.6)
    ax.legend(loc="upper left", fontsize=TEXT)
    top = rows.iloc[-1]
    parts = ", ".join(
        f"{r['count']} by the end of {r['as_of']}"
        if r["precision"] == "year"
        else f"{r['count']} by {date_words(r['as_of'], r['precision'])}"
        for _, r in cutoffs.iterrows()
    )
    alt = (
        f"Running count of Abe-Putin meetings against date, rising from {rows.iloc[0]['count']} by "
        f"{date_words(rows.iloc[0]['as_of'], rows.iloc[0]['precision'])} to {top['count']} by "
        f"{date_words(top['as_of'], top['precision'])}. The readings' totals sit on the same rising "
        f"line at different cut-offs ({parts}), so both are right for their dates."
    )
    return finish(
        ax,
        "Abe-Putin meetings: one running count, two cut-off dates",
        source_line("meeting_counts", rows["source_id"], "; reading issue I-2", width=100),
        alt,
    )


# --- the settlement options -------------------------------------------------------------------


def settlement_share_chart(
    settlement_options: pd.DataFrame,
    islands: pd.DataFrame,
    ax: Axes | None = None,
    option_ids: Sequence[str] = CHART_OPTIONS,
) -> Axes:
    """Draw each settlement option as a bar of 100% of the land: Japan's part, then Russia's.

    Shares come from the island areas. A '+ alpha' option that divides by area (Hirose's
    '3 + alpha') shows its whole islands solid and the alpha hatched, up to the equal split.
    """
    ax = new_axes(ax, size=SHARES_SIZE)
    shares = option_shares(settlement_options, islands).set_index("id")
    missing = [i for i in option_ids if i not in shares.index]
    if missing:
        raise DataError("data/settlement_options.csv", f"no options with ids {missing}")
    shares = shares.loc[list(option_ids)]
    equal = option_shares(settlement_options, islands).set_index("id")
    half = float(equal.loc["equal-area", "japan_percent"]) if "equal-area" in equal.index else 50.0
    japan = shares["japan_percent"].to_numpy(dtype=float)
    alpha = np.where(shares["plus_alpha"], np.maximum(half - japan, 0), 0.0)
    russia = 100 - japan - alpha
    y = np.arange(len(shares))[::-1]
    # Bars thinner than the default leave a gap above each one for the label of a small share.
    height = 0.64
    ax.barh(y, japan, height=height, color=JAPAN, edgecolor="black", linewidth=0.6, label="Japan")
    ax.barh(
        y,
        alpha,
        height=height,
        left=japan,
        color="white",
        edgecolor=JAPAN,
        hatch="///",
        linewidth=0.6,
        label="Japan: the 'alpha',\npart of Etorofu/Iturup",
    )
    ax.barh(
        y,
        russia,
        height=height,
        left=japan + alpha,
        color=RUSSIA,
        edgecolor="black",
        linewidth=0.6,
        label="Russia",
    )
    box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
    for yi, j, a, r in zip(y, japan, alpha, russia, strict=True):
        if j >= 20:
            ax.text(1.5, yi, f"Japan {j:.1f}%", ha="left", va="center", fontsize=TEXT)
        elif j > 0:
            # Too small to hold its label, which written beside it would sit on Russia's part:
            # the label goes above the bar, over Japan's end of it.
            ax.text(0.8, yi + height / 2 + 0.03, f"Japan {j:.1f}%", ha="left", va="bottom", fontsize=TEXT)
        if a > 0:
            ax.text(j + a / 2, yi, f"+ alpha\n{a:.1f}", ha="center", va="center", fontsize=TEXT, bbox=box)
        if r >= 20:
            ax.text(
                99,
                yi,
                f"Russia {r:.1f}%",
                ha="right",
                va="center",
                fontsize=TEXT,
                color="white",
                fontweight="bold",
            )
        else:
            # Beside the bar it would widen the chart past the lesson's column: above the bar,
            # over Russia's end of it, as a small share of Japan's is.
            ax.text(99.2, yi + height / 2 + 0.03, f"Russia {r:.1f}%", ha="right", va="bottom", fontsize=TEXT)
    ax.axvline(half, color="black", linestyle="--", linewidth=1)
    # Beside the dashed line, not across it.
    ax.text(half + 1, len(shares) - 0.5, "half the land", ha="left", va="bottom", fontsize=TEXT)
    ax.set_yticks(y, [wrapped(label, width=24) for label in shares["label"]], fontsize=TEXT)
    ax.tick_params(axis="x", labelsize=TEXT)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, len(shares) - 0.1)
    ax.set_xlabel("share of the four islands' land (%), from the island areas", fontsize=9)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=3, fontsize=TEXT, frameon=False)
    omitted = "; ".join(settlement_options.loc[~settlement_options["id"].isin(option_ids), "label"])
    total = sum(island_areas(islands).values())
    described = "; ".join(
        f"{lab}: Japan {j:.1f}%" + (f" plus an alpha up to {half:g}%" if a else "")
        for lab, j, a in zip(shares["label"], japan, alpha, strict=True)
    )
    alt = (
        f"Bars of each settlement option's share of the {total:,.0f} km2 of land. {described}. Every "
        f"option short of an equal split by area leaves Russia the larger part, because Etorofu/Iturup "
        f"alone is {100 * island_areas(islands)['etorofu'] / total:.1f}% of the land."
    )
    if omitted:
        alt += f" Options in the table not drawn here: {omitted}."
    sources = list(settlement_options.set_index("id").loc[list(option_ids), "source_id"])
    sources += list(islands["source_id"])
    return finish(
        ax,
        "Each settlement option's share of the land",
        source_line(
            "settlement_options",
            sources,
            " and data/islands.csv; shares computed from the areas"
            + (f"; options in the table not drawn here: {omitted}" if omitted else ""),
            width=82,
        ),
        alt,
    )


# --- a map of one split -----------------------------------------------------------------------


def _area(ring: np.ndarray) -> float:
    if len(ring) < 3:
        return 0.0
    x, y = ring[:, 0], ring[:, 1]
    return abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2


def _clip(ring: np.ndarray, direction: np.ndarray, limit: float) -> np.ndarray:
    """Return the part of a ring where position . direction <= limit (Sutherland-Hodgman)."""
    out = []
    points = ring if not np.allclose(ring[0], ring[-1]) else ring[:-1]
    for n in range(len(points)):
        p, q = points[n], points[(n + 1) % len(points)]
        sp, sq = p @ direction - limit, q @ direction - limit
        if sp <= 0:
            out.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            out.append(p + (q - p) * sp / (sp - sq))
    return np.asarray(out) if out else np.empty((0, 2))


def part_of_island(island: str, fraction: float) -> list[np.ndarray]:
    """Return the rings (lon, lat) of the south-western `fraction` of an island's land.

    A schematic cut square to the island's long axis, so the part has the right size; no
    proposal says where such a line would run.
    """
    rings = maps.island_rings(island)
    if not rings or fraction <= 0:
        return []
    lat0 = math.radians(float(np.mean(np.concatenate(rings)[:, 1])))
    scale = np.array([math.cos(lat0), 1.0])  # degrees to a locally square grid
    local = [r * scale for r in rings]
    points = np.concatenate(local)
    centred = points - points.mean(axis=0)
    axis = np.linalg.svd(centred, full_matrices=False)[2][0]
    if axis[0] < 0:
        axis = -axis  # positions grow from the south-west end, the end nearer Hokkaido
    whole = sum(_area(r) for r in local)
    low, high = float((points @ axis).min()), float((points @ axis).max())
    for _ in range(40):
        middle = (low + high) / 2
        share = sum(_area(_clip(r, axis, middle)) for r in local) / whole
        low, high = (middle, high) if share < fraction else (low, middle)
    cut = (low + high) / 2
    parts = [_clip(r, axis, cut) for r in local]
    return [p / scale for p in parts if len(p) >= 3]


def draw_partial_island(ax: Axes, island: str, fraction: float, name: str) -> str:
    """Draw Japan's part of a divided island (hatched) and return the caption sentence about it."""
    for ring in part_of_island(island, fraction):
        ax.add_patch(Polygon(ring, facecolor=JAPAN, edgecolor="black", linewidth=0.8, hatch="///", zorder=3))
    return (
        f" Japan's {100 * fraction:.0f}% of {name} is drawn at its "
        "south-western end: only its size is computed; no proposal fixes a line."
    )


# Where each island's names go on the split map, as (lon, lat) of the text's anchor: in the open
# sea beside the island, clear of the others' names and of the key.
SPLIT_LABELS = {
    "habomai": ((146.4, 43.27), "left", "top"),
    "shikotan": ((147.25, 43.65), "left", "center"),
    "kunashiri": ((145.05, 44.75), "left", "bottom"),
    "etorofu": ((148.2, 44.6), "left", "top"),
}


def split_map(islands: pd.DataFrame, split: Split, ax: Axes | None = None) -> Axes:
    """Map the four islands coloured by the side that gets each under a split.

    Japan's islands are orange and hatched, Russia's blue; a divided island shows Japan's part
    at its south-western end, a schematic position (only the size is computed). The key stands
    right of the map, which an explorer's column leaves room for.
    """
    ax = maps.base_map(new_axes(ax, size=SPLIT_SIZE), extent=SPLIT_EXTENT)
    # Degrees on the ticks themselves: no axis labels, so the map keeps the height they took.
    west, south, east, north = SPLIT_EXTENT
    longitudes = range(math.ceil(west), math.floor(east) + 1)
    latitudes = range(math.ceil(south), math.floor(north) + 1)
    ax.set_xticks(longitudes, [f"{d}°E" for d in longitudes])
    ax.set_yticks(latitudes, [f"{d}°N" for d in latitudes])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(labelsize=TEXT)
    areas = island_areas(islands)
    to_japan = set(split.japan_islands)
    for island in areas:
        japan = island in to_japan
        for ring in maps.island_rings(island):
            ax.add_patch(
                Polygon(
                    ring,
                    closed=True,
                    facecolor=JAPAN if japan else RUSSIA,
                    edgecolor="black",
                    linewidth=0.5,
                    hatch="///" if japan else None,
                    alpha=0.9,
                    zorder=2,
                )
            )
    schematic = ""
    names = island_names(islands)
    if split.partial_island:
        fraction = split.partial_km2 / areas[split.partial_island]
        schematic = draw_partial_island(ax, split.partial_island, fraction, names[split.partial_island])
    maps.name_islands_at(ax, names, SPLIT_LABELS, TEXT)
    key = ax.legend(
        handles=[
            Patch(facecolor=JAPAN, edgecolor="black", hatch="///", label="to Japan"),
            Patch(facecolor=RUSSIA, edgecolor="black", label="with Russia"),
        ],
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        borderaxespad=0,
        fontsize=TEXT,
        frameon=False,
    )
    if split.partial_island:
        # Under the key, wherever the layout puts it: a part's place is not a proposal's line.
        note_under(ax, key, "part of an island:\nschematic position", fontsize=TEXT)
    japan_names = [names[i] for i in split.japan_islands]
    if split.partial_island:
        japan_names.append(f"part of {names[split.partial_island]}")
    alt = (
        f"Map of the four islands: Japan gets {', '.join(japan_names) or 'no island'}, "
        f"{split.japan_percent:.1f}% of the land; Russia keeps {split.russia_percent:.1f}%."
        f"{schematic}"
    )
    return finish(
        ax,
        f"Japan {split.japan_percent:.1f}% of the land, Russia {split.russia_percent:.1f}%",
        wrapped(
            "data/islands.csv (mofa-northern-territories); coastlines data/geo/coastlines.geojson (GSHHG)",
            width=60,
        ),
        alt,
    )


__all__ = [
    "date_value",
    "date_words",
    "meeting_count_chart",
    "part_of_island",
    "round_cards",
    "rounds_timeline",
    "running_counts",
    "settlement_share_chart",
    "split_map",
]
