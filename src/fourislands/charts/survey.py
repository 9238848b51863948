"""Lesson 05 figures: the four NHK survey tables (1991 vs 2015) and the other opinion polls.

Every figure comes from data/nhk_survey.csv (Hirose's Tables 1-4, from NHK's survey of former
residents of the islands and their descendants) or data/opinion_polls.csv (the Mainichi, Levada
and other polls as the readings report them). The tables and the arithmetic behind each chart
(`question_rows`, `change_table`, `printed_share`, ...) are in model/survey.py; this module draws.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import offset_copy

from ..data import load
from ..errors import DataError
from ..figures import (
    CHARACTER_EM,
    JAPAN,
    LESSON_SIZE,
    PALETTE,
    RUSSIA,
    characters_across,
    chart_height,
    chart_width,
    finish,
    new_axes,
    source_width,
)
from ..lesson import Block, source_html, source_words
from ..model.survey import (
    GROUP_NAMES,
    GROUPS,
    VOICE_GROUPS,
    YEARS,
    Population,
    answer_order,
    change_table,
    change_table_from_rows,
    point_and_relative_change,
    population,
    printed_share,
    question_rows,
    question_text,
    signed,
    table_number,
    voice_groups,
    without_no_answer,
)
from ..palette import GREEN, NEUTRAL, VERMILION
from ..words import and_list, wrapped
from .negotiations import date_words

GROUP_SHORT = {"former_residents": "former res.", "descendants": "descendants", "total": "total"}
# Group: (colour, hatch, line style, marker). Hatch, line style and marker tell the groups apart
# without colour.
GROUP_STYLE = {
    "former_residents": (VERMILION, "", "-", "o"),
    "descendants": (GREEN, "///", "--", "s"),
    "total": ("#555555", "...", ":", "D"),
}
ANSWER_COLOURS = [PALETTE[0], PALETTE[1], PALETTE[3], PALETTE[2], PALETTE[7], PALETTE[5]]
# Short names for the long answers of Table 4, used only where space is tight (slope labels).
SHORT_ANSWERS = {
    "Only Japanese people should live there": "Only Japanese live there",
    "Japanese and Russians should live together": "Live together",
    "Japanese should visit freely even without living rights": "Visit freely",
    "Yes, they will be returned": "Yes, will be returned",
    "No, they will not be returned": "No, will not be returned",
    "No, I don't want to live there": "No, don't want to",
    "Yes, I want to live there": "Yes, want to live there",
}
COUNTRY_NAMES = {"japan": "Japanese respondents", "russia": "Russian respondents"}
COUNTRY_COLOURS = {"japan": JAPAN, "russia": RUSSIA}
# Average width of a character of DejaVu Sans, in ems (measured on a source line: 0.51).
# Inches a slope chart gives its y axis (ticks and label), and its title, x ticks and key.
SLOPE_Y_AXIS_IN = 0.6
SLOPE_TITLE_AND_KEY_IN = 1.3
CHANGE_LABELS_IN = 1.5  # inches for the answers beside the change bars in a lesson (less in an explorer)
NHK_NOTE = "Hirose's tables from NHK's survey of former residents and their descendants; no sample sizes"


# --- shared pieces of the survey charts -----------------------------------------------------------


def _prepared(survey, question_id, groups, years, drop_no_answer) -> tuple[pd.DataFrame, str]:
    rows = question_rows(survey, question_id, groups, years)
    if drop_no_answer:
        rows = without_no_answer(rows)
    if rows.empty:
        raise DataError("data/nhk_survey.csv", f"no rows for {question_id} with these groups and years")
    return rows, question_text(survey, question_id)


def _title(
    question_id: str, question: str, ax: Axes, left_in: float, what: str = "", drop_no_answer=False
) -> str:
    """The chart's title, wrapped to end inside the figure: it starts left_in inches in, over the axes."""
    tail = " (shares among those who answered)" if drop_no_answer else ""
    # Bold 12-point text is about 1.2 times as wide per point as the 8-point text _chars counts.
    width = characters_across((chart_width(ax) - left_in) / 1.2, 12)
    return wrapped(f"{table_number(question_id)}{what}: {question}{tail}", width)


def _percent(value: float) -> str:
    return f"{value:.1f}%"


# --- sizes: a lesson draws these charts 6.5 inches wide, the explorer 4.9 ------------------------


def _wide(ax: Axes) -> bool:
    """Whether ax is in a figure as wide as a lesson's (full answers fit) or narrower (short ones)."""
    return chart_width(ax) >= LESSON_SIZE[0] - 0.1


def _answer_name(answer: str, ax: Axes) -> str:
    return answer if _wide(ax) else SHORT_ANSWERS.get(answer, answer)


def _nhk_source(question_ids_: Iterable[str], ax: Axes, left_in: float, extra: str = "") -> str:
    """The NHK source, wrapped to end inside the figure: it starts left_in inches in, under the axes."""
    tables = ", ".join(table_number(q) for q in dict.fromkeys(question_ids_))
    text = f"data/nhk_survey.csv (hirose2018, {tables}; {NHK_NOTE}){extra}"
    return wrapped(text, source_width(ax, left_in))


def _legend_under_ticks(ax: Axes, handles: list, columns: int, tick_lines: int) -> None:
    """Put the key under the x tick labels, whatever the axes' height: placed in points below the axes."""
    below = offset_copy(ax.transAxes, ax.figure, y=-(tick_lines * 8 * 1.2 + 10), units="points")
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=below,
        ncols=columns,
        fontsize=8,
        frameon=False,
        handlelength=1.6,
        columnspacing=1.2,
    )


# --- grouped bars ---------------------------------------------------------------------------------


def survey_bars(
    survey: pd.DataFrame,
    question_id: str,
    groups: Iterable[str] | None = ("former_residents", "descendants"),
    years: Iterable[int] | None = YEARS,
    drop_no_answer: bool = False,
    ax: Axes | None = None,
    size: tuple[float, float] = LESSON_SIZE,
) -> Axes:
    """Grouped bars: each answer of one question, one bar per group and year, the answers side by side.

    The group is told by colour and hatching, the year by shade (1991 pale, 2015 full) and by the
    key under the chart; each bar carries its value.
    """
    rows, question = _prepared(survey, question_id, groups, years, drop_no_answer)
    answers = answer_order(rows)
    combos = [(g, y) for g in GROUPS for y in YEARS if ((rows["group"] == g) & (rows["year"] == y)).any()]
    ax = new_axes(ax, size=size)
    slot = 0.84 / len(combos)
    positions = np.arange(len(answers), dtype=float)
    values = rows.set_index(["answer", "group", "year"])["percent"]
    # Inches of axes per answer (less the y axis); a value reads across a bar only where it fits.
    per_answer_in = (chart_width(ax) - 0.65) / len(answers)
    upright = per_answer_in * slot < 0.3
    for n, (group, year) in enumerate(combos):
        colour, hatch, _, _ = GROUP_STYLE[group]
        heights = [float(values.get((a, group, year), np.nan)) for a in answers]
        bars = ax.bar(
            positions - 0.42 + slot * (n + 0.5),
            np.nan_to_num(heights),
            width=slot * 0.92,
            color=colour,
            alpha=0.38 if year == YEARS[0] else 0.95,
            hatch=hatch,
            edgecolor=colour if year == YEARS[0] else "white",
            linewidth=0.8,
            label=f"{GROUP_NAMES[group] if len(combos) < 5 else GROUP_SHORT[group].capitalize()} {year}",
            gid=f"bars-{group}-{year}",
        )
        for bar, height in zip(bars, heights, strict=True):
            ax.annotate(
                f"{height:.1f}",
                xy=(bar.get_x() + bar.get_width() / 2, height),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                rotation=90 if upright else 0,
                fontsize=7.5,
            )
    names = [wrapped(_answer_name(a, ax), characters_across(per_answer_in * 0.95)) for a in answers]
    ax.set_xticks(positions, names, fontsize=8)
    top = float(rows["percent"].max())
    # Headroom for the values over the tallest bars: more where they stand upright.
    ax.set_ylim(0, top * (1.22 if upright else 1.12) + 4)
    ax.set_yticks([t for t in range(0, 101, 20) if t <= top * 1.1 + 10])
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlim(-0.5, len(answers) - 0.5)
    ax.set_ylabel(
        "percent who answered\n(recomputed without 'No answer')"
        if drop_no_answer
        else "percent of the group\n(as printed)",
        fontsize=8,
    )
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    columns = len({g for g, _ in combos})
    handles, _ = ax.get_legend_handles_labels()
    _legend_under_ticks(ax, handles, columns, max(n.count("\n") + 1 for n in names))
    alt = _bars_alt(rows, question, combos)
    title = _title(question_id, question, ax, 0.65, drop_no_answer=drop_no_answer)
    return finish(ax, title, _nhk_source([question_id], ax, 0.65), alt)


def _bars_alt(rows: pd.DataFrame, question: str, combos: list[tuple[str, int]]) -> str:
    parts = []
    for group, year in combos:
        mine = rows[(rows["group"] == group) & (rows["year"] == year)]
        top = mine.loc[mine["percent"].astype(float).idxmax()]
        parts.append(
            f"{GROUP_NAMES[group].lower()} {year}: '{top['answer']}' ({_percent(float(top['percent']))})"
        )
    text = (
        f"Vertical bars of the answers to '{question}', side by side, one bar per group and year "
        f"({len(combos)} per answer). The most common answer was, for " + "; ".join(parts) + "."
    )
    if {y for _, y in combos} == set(YEARS):
        change = change_table_from_rows(rows)
        biggest = change.loc[change["change_points"].abs().idxmax()]
        text += (
            f" The largest move is '{biggest['answer']}' among {GROUP_NAMES[biggest['group']].lower()}, "
            f"from {_percent(biggest['percent_1991'])} in 1991 to {_percent(biggest['percent_2015'])} "
            "in 2015."
        )
    return text


# --- slopes ---------------------------------------------------------------------------------------


def spread_labels(ys: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """Return label positions as close to ys as possible, at least `gap` apart, inside [low, high].

    Keeps the order of ys. Labels that would crowd each other form a block, evenly spaced and
    centred on the mean of their true positions, so a label moves down as readily as up. When the
    labels need more room than there is, they are spaced evenly.
    """
    if not ys:
        return []
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    wanted = [float(ys[i]) for i in order]
    if gap * (len(wanted) - 1) > high - low:
        gap = (high - low) / max(len(wanted) - 1, 1)

    def start(first: int, count: int) -> float:
        """Where a block of labels wanted[first:first + count] starts: centred, inside the bounds."""
        centre = sum(wanted[first + k] - k * gap for k in range(count)) / count
        return min(max(centre, low), high - (count - 1) * gap)

    blocks: list[list] = []  # [first label, number of labels, position of the first]
    for n in range(len(wanted)):
        blocks.append([n, 1, start(n, 1)])
        # Merge with the block below while they overlap; a merged block may reach the one below it.
        while len(blocks) > 1 and blocks[-1][2] < blocks[-2][2] + blocks[-2][1] * gap - 1e-9:
            first, count = blocks[-2][0], blocks[-2][1] + blocks[-1][1]
            blocks[-2:] = [[first, count, start(first, count)]]
    result = [0.0] * len(ys)
    for first, count, bottom in blocks:
        for k in range(count):
            result[order[first + k]] = bottom + k * gap
    return result


def slope_label_gap(high: float, ax: Axes) -> float:
    """The least distance between two slope labels, in percent: a 7.5-point line and a little air."""
    axes_in = chart_height(ax) - SLOPE_TITLE_AND_KEY_IN
    return high * 0.14 / axes_in


def survey_slopes(
    survey: pd.DataFrame,
    question_id: str,
    groups: Iterable[str] | None = ("former_residents", "descendants"),
    drop_no_answer: bool = False,
    ax: Axes | None = None,
    size: tuple[float, float] = LESSON_SIZE,
) -> Axes:
    """Slope chart: each answer's share in 1991 joined to its share in 2015, one line per group.

    Answers are told by colour and by the label at the right end; groups by line style and marker.
    """
    rows, question = _prepared(survey, question_id, groups, YEARS, drop_no_answer)
    change = change_table_from_rows(rows)
    answers = answer_order(rows)
    chosen = [g for g in GROUPS if g in set(rows["group"])]
    ax = new_axes(ax, size=size)
    top = max(float(change[["percent_1991", "percent_2015"]].to_numpy().max()), 10.0)
    high = min(100.0, top * 1.08 + 2)
    gap = slope_label_gap(high, ax)
    # Room below zero, so labels of small shares can spread down as well as up, off the x axis.
    bottom = -1.5 * gap
    left_labels, right_labels = [], []
    for _, row in change.iterrows():
        colour = ANSWER_COLOURS[answers.index(row["answer"]) % len(ANSWER_COLOURS)]
        _, _, style, marker = GROUP_STYLE[row["group"]]
        ax.plot(
            [0, 1],
            [row["percent_1991"], row["percent_2015"]],
            color=colour,
            linestyle=style,
            marker=marker,
            markersize=5,
            linewidth=1.8,
            gid=f"slope-{answers.index(row['answer'])}-{row['group']}",
        )
        left_labels.append((row["percent_1991"], f"{row['percent_1991']:.1f}", colour))
        name = SHORT_ANSWERS.get(row["answer"], row["answer"])
        group = f" ({GROUP_SHORT[row['group']]})" if len(chosen) > 1 else ""
        right_labels.append((row["percent_2015"], f"{row['percent_2015']:.1f}  {name}{group}", colour))
    # Lay the x axis out in inches: the values left of 1991, the longest label right of 2015, and
    # the slopes in what is left of the axes' width.
    right_in = max(len(text) for _, text, _ in right_labels) * 7.5 * CHARACTER_EM / 72 + 0.12
    left_in = 0.42
    span_in = chart_width(ax) - SLOPE_Y_AXIS_IN - left_in - right_in
    unit = 1 / max(span_in, 1.0)  # data units per inch along x
    for side, labels, x, ha in (
        ("left", left_labels, -0.1 * unit, "right"),
        ("right", right_labels, 1 + 0.1 * unit, "left"),
    ):
        ys = spread_labels([y for y, _, _ in labels], gap, bottom + gap / 2, high)
        for (y, text, colour), placed in zip(labels, ys, strict=True):
            # A leader only where a label had to move away from its point.
            moved = abs(placed - y) > gap * 0.1
            ax.annotate(
                text,
                xy=(0 if side == "left" else 1, y),
                xytext=(x, placed),
                textcoords="data",
                ha=ha,
                va="center",
                fontsize=7.5,
                color="black",
                # The leader starts at the middle of the label's near edge (relpos) and runs away from
                # it: no need to clip it against the text's box (patchA), which costs more than the
                # rest of the chart.
                arrowprops={
                    "arrowstyle": "-",
                    "color": colour,
                    "linewidth": 0.8,
                    "shrinkA": 1,
                    "shrinkB": 3,
                    "patchA": None,
                    "relpos": (0, 0.5) if ha == "left" else (1, 0.5),
                }
                if moved
                else None,
            )
    ax.set_xlim(-left_in * unit, 1 + right_in * unit)
    ax.set_ylim(bottom, high)
    ax.set_xticks([0, 1], ["1991", "2015"], fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_ylabel(
        "percent (among those who answered)" if drop_no_answer else "percent of the group (as printed)",
        fontsize=8,
    )
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.grid(axis="y", color="#EEEEEE", linewidth=0.6)
    handles = [
        Line2D(
            [],
            [],
            color="#333333",
            linestyle=GROUP_STYLE[g][2],
            marker=GROUP_STYLE[g][3],
            label=GROUP_NAMES[g],
        )
        for g in chosen
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 0.0),
        bbox_transform=offset_copy(ax.transAxes, ax.figure, y=-20, units="points"),
        ncol=len(handles),
        fontsize=8,
        frameon=False,
        title="line and marker: group; colour and label: answer",
        title_fontsize=8,
        alignment="left",
        handlelength=2.4,
        columnspacing=1.2,
    )
    biggest = change.loc[change["change_points"].abs().idxmax()]
    rising = change[change["change_points"] > 0]
    alt = (
        f"Slope chart of the answers to '{question}', 1991 on the left, 2015 on the right, one line per "
        f"answer and group ({', '.join(GROUP_NAMES[g].lower() for g in chosen)}). The steepest line is "
        f"'{biggest['answer']}' among {GROUP_NAMES[biggest['group']].lower()}: "
        f"{_percent(biggest['percent_1991'])} to {_percent(biggest['percent_2015'])}. Lines that rise: "
        + ("; ".join(f"'{r['answer']}' ({GROUP_SHORT[r['group']]})" for _, r in rising.iterrows()) or "none")
        + "."
    )
    title = _title(question_id, question, ax, SLOPE_Y_AXIS_IN, ", 1991 to 2015", drop_no_answer)
    return finish(ax, title, _nhk_source([question_id], ax, SLOPE_Y_AXIS_IN), alt)


# --- the change in points -------------------------------------------------------------------------


def change_bars(
    survey: pd.DataFrame,
    question_id: str,
    groups: Iterable[str] | None = GROUPS,
    drop_no_answer: bool = False,
    ax: Axes | None = None,
    size: tuple[float, float] = LESSON_SIZE,
) -> Axes:
    """Diverging bars: the change from 1991 to 2015 in percentage points, per answer and group.

    Falls go left of zero, rises right; each bar carries its signed value.
    """
    change = change_table(survey, question_id, groups, drop_no_answer)
    question = question_text(survey, question_id)
    answers = list(dict.fromkeys(change["answer"]))
    chosen = [g for g in GROUPS if g in set(change["group"])]
    ax = new_axes(ax, size=size)
    positions = np.arange(len(answers))[::-1].astype(float)
    height = 0.84 / len(chosen)
    reach = max(float(change["change_points"].abs().max()), 5.0)
    for n, group in enumerate(chosen):
        colour, hatch, _, _ = GROUP_STYLE[group]
        mine = change[change["group"] == group].set_index("answer")
        values = [float(mine.loc[a, "change_points"]) for a in answers]
        offsets = positions + 0.42 - height * (n + 0.5)
        bars = ax.barh(
            offsets,
            values,
            height=height * 0.92,
            color=colour,
            alpha=0.9,
            hatch=hatch,
            edgecolor="white",
            label=GROUP_NAMES[group],
            gid=f"change-{group}",
        )
        for bar, value in zip(bars, values, strict=True):
            ax.annotate(
                signed(value),
                xy=(value, bar.get_y() + bar.get_height() / 2),
                xytext=(2 if value >= 0 else -2, 0),
                textcoords="offset points",
                va="center",
                ha="left" if value >= 0 else "right",
                fontsize=7.5,
            )
    label_in = CHANGE_LABELS_IN if _wide(ax) else CHANGE_LABELS_IN * 0.7
    names = [wrapped(_answer_name(a, ax), characters_across(label_in)) for a in answers]
    ax.axvline(0, color="black", linewidth=1)
    ax.set_xlim(-reach * 1.35, reach * 1.35)
    ax.set_ylim(-0.55, len(answers) - 0.45)
    ax.set_yticks(positions, names, fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("\u2190 fell     change in percentage points (2015 minus 1991)     rose \u2192", fontsize=8)
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    # Under the axis label (a line of ticks, one of label): a key on the chart would hide bars.
    _legend_under_ticks(ax, ax.get_legend_handles_labels()[0], len(chosen), 2)
    alt = _change_alt(change, question)
    left_in = label_in + 0.15
    title = _title(question_id, question, ax, left_in, ", change from 1991 to 2015", drop_no_answer)
    return finish(ax, title, _nhk_source([question_id], ax, left_in, "; change = 2015 minus 1991"), alt)


def _change_alt(change: pd.DataFrame, question: str) -> str:
    fall = change.loc[change["change_points"].idxmin()]
    rise = change.loc[change["change_points"].idxmax()]
    groups = [g for g in ("former_residents", "descendants") if g in set(change["group"])]
    opposite = []
    if len(groups) == 2:
        for answer, mine in change.groupby("answer", sort=False):
            signs = mine.set_index("group")["change_points"]
            if signs[groups[0]] * signs[groups[1]] < 0:
                opposite.append(str(answer))

    def words(row) -> str:
        return (
            f"'{row['answer']}' among {GROUP_NAMES[row['group']].lower()} "
            f"({row['change_points']:+.1f} points, {_percent(row['percent_1991'])} to "
            f"{_percent(row['percent_2015'])})"
        )

    text = (
        f"Diverging bars of the change in percentage points from 1991 to 2015 in the answers to "
        f"'{question}'. The largest fall is {words(fall)}; the largest rise is {words(rise)}."
    )
    if opposite:
        on = and_list(opposite, quoted=True)
        text += f" Former residents and descendants moved in opposite directions on {on}."
    elif len(groups) == 2:
        text += " Former residents and descendants moved in the same direction on every answer."
    return text


# --- the other polls ------------------------------------------------------------------------------


def _pollster(row: pd.Series) -> str:
    return row["pollster"] if row["pollster"] != "not named in the reading" else "pollster not named"


def _year(row: pd.Series) -> str:
    return str(row["date"])[:4] if isinstance(row["date"], str) and row["date"] else "date not given"


def _poll_label(row: pd.Series, width: int) -> str:
    return wrapped(f"{_pollster(row)}, {_year(row)} [{row['source_id']}]: {row['statement']}", width)


def opinion_chart(opinion_polls: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars of every poll figure the readings print, Japanese polls above Russian ones.

    Each bar has its poll and statement written above it, across the chart's width. Country is told
    by colour and by the section heading; rows that two readings report differently (`disputed`)
    are hatched and flagged; a figure printed as 'more than' or in words is marked on its bar.
    """
    polls = opinion_polls.copy()
    polls["_draw"], polls["_kind"] = zip(
        *[printed_share(p, v) for p, v in zip(polls["percent"], polls["value_as_printed"], strict=True)],
        strict=True,
    )
    countries = [c for c in ("japan", "russia") if c in set(polls["country"])]
    polls["_c"] = polls["country"].map({c: n for n, c in enumerate(countries)})
    polls["_d"] = polls["date"].fillna("9999")
    polls = polls.sort_values(
        ["_c", "_d", "poll", "_draw"], ascending=[True, True, True, False], kind="stable"
    )
    drawable = polls[polls["_draw"].notna()]
    skipped = polls[polls["_draw"].isna()]
    # The labels end where the axes do: the value labels of the longest bars reach that far.
    width = characters_across(LESSON_SIZE[0] - 0.9)
    labels = {row["id"]: _poll_label(row, width) for _, row in drawable.iterrows()}
    # The y axis counts inches: a line of label, a bar and the air between rows each have a height.
    line, bar_height, air, heading = 0.14, 0.17, 0.1, 0.3
    depth = sum(len(countries) * [heading]) + sum(
        (label.count("\n") + 1) * line + bar_height + air for label in labels.values()
    )
    ax = new_axes(ax, size=(LESSON_SIZE[0], depth + 1.25))
    y = 0.0
    for country in countries:
        colour = COUNTRY_COLOURS[country]
        ax.axhline(y, color="#999999", linewidth=0.6)
        ax.text(
            0.5,
            y - 0.04,
            COUNTRY_NAMES[country].upper(),
            va="top",
            fontsize=9,
            fontweight="bold",
            color=colour,
        )
        y -= heading
        for _, row in drawable[drawable["country"] == country].iterrows():
            label = labels[row["id"]]
            ax.text(0.5, y, label, va="top", ha="left", fontsize=8, gid=f"poll-label-{row['id']}")
            y -= (label.count("\n") + 1) * line + bar_height / 2
            disputed = bool(row["disputed"])
            kind = row["_kind"]
            ax.barh(
                y,
                row["_draw"],
                height=bar_height,
                color="white" if kind == "approximate" else colour,
                alpha=0.9,
                hatch="xx" if disputed else "",
                edgecolor=colour if kind == "approximate" or disputed else "white",
                linestyle="--" if kind == "approximate" else "-",
                linewidth=1.4 if kind == "approximate" else 0.5,
                gid=f"poll-{row['id']}",
            )
            printed = row["value_as_printed"]
            # Words the reading printed are quoted, so they do not read as the course's own grammar.
            value = f"\u201c{printed}\u201d (in words)" if kind == "approximate" else printed
            note = " (a lower bound)" if kind == "lower bound" else ""
            flag = f", disputed ({row['issue_id']})" if disputed else ""
            ax.annotate(
                f"{value}{note}{flag}",
                xy=(row["_draw"], y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                fontweight="bold" if disputed else "normal",
            )
            y -= bar_height / 2 + air
    ax.set_ylim(y, 0.02)
    ax.set_yticks([])
    ax.set_xlim(0, 135)
    ax.set_xticks(range(0, 101, 20))
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("percent of respondents, as the readings print it", fontsize=8, loc="left")
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    ax.grid(axis="x", color="#EEEEEE", linewidth=0.6)
    ax.set_axisbelow(True)
    handles = [Patch(facecolor=COUNTRY_COLOURS[c], label=COUNTRY_NAMES[c]) for c in countries]
    handles.append(
        Patch(facecolor="white", edgecolor="#333333", hatch="xx", label="two readings disagree (disputed)")
    )
    handles.append(
        Patch(
            facecolor="white",
            edgecolor="#333333",
            linestyle="--",
            label="printed in words, drawn at that fraction",
        )
    )
    _legend_under_ticks(ax, handles, 2, 2)
    alt = _opinion_alt(drawable, skipped)
    sources = ", ".join(dict.fromkeys(polls["source_id"]))
    source = wrapped(
        f"data/opinion_polls.csv ({sources}; each bar is one row, so a poll two readings report "
        "shows twice); checked against mainichi-2016-11-07 for the Mainichi polls (I-3)",
        source_width(ax, 0.2),
    )
    return finish(ax, "What the polls in the readings say, in Japan and in Russia", source, alt)


def _opinion_alt(drawable: pd.DataFrame, skipped: pd.DataFrame) -> str:
    parts = []
    for country in ("japan", "russia"):
        mine = drawable[drawable["country"] == country]
        if mine.empty:
            continue
        items = "; ".join(
            f"{_pollster(r)}, {_year(r)} ({r['source_id']}): {r['value_as_printed']} '{r['statement']}'"
            for _, r in mine.iterrows()
        )
        parts.append(f"{COUNTRY_NAMES[country]}: {items}")
    disputed = drawable[drawable["disputed"].astype(bool)]
    text = "Horizontal bars of the poll figures the readings print. " + ". ".join(parts) + "."
    if len(disputed):
        polls = ", ".join(dict.fromkeys(disputed["poll"]))
        text += f" Hatched rows ({polls}) are one poll that two readings report with opposite meanings."
    if len(skipped):
        text += f" Not drawn (no figure printed): {', '.join(skipped['id'])}."
    return text


# --- percent and percentage points ----------------------------------------------------------------


def points_vs_percent(
    opinion_polls: pd.DataFrame,
    before_id: str = "russia-2011-oppose-return-hirose",
    after_id: str = "russia-2016-oppose-return-hirose",
    ax: Axes | None = None,
) -> Axes:
    """Two poll figures as bars, with the change in points, the relative change, and what
    'down N%' would give if N were read as percent of the first figure."""
    rows = opinion_polls.set_index("id")
    missing = [i for i in (before_id, after_id) if i not in rows.index]
    if missing:
        raise DataError("data/opinion_polls.csv", f"no rows with ids {missing}")
    before, after = rows.loc[before_id], rows.loc[after_id]
    if pd.isna(before["percent"]) or pd.isna(after["percent"]):
        raise DataError("data/opinion_polls.csv", "both rows need a printed percent")
    b, a = float(before["percent"]), float(after["percent"])
    points, relative = point_and_relative_change(b, a)
    literal = b * (1 - abs(points) / 100) if points < 0 else b * (1 + points / 100)
    ax = new_axes(ax, size=(LESSON_SIZE[0], 4.0))
    labels = [
        f"{_year(before)} survey\n('{before['value_as_printed']}')",
        f"{_year(after)} survey\n('{after['value_as_printed']}')",
        f"'{'down' if points < 0 else 'up'} {abs(points):g}%'\nread as percent of {b:g}",
    ]
    heights = [b, a, literal]
    colours = [RUSSIA if before["country"] == "russia" else JAPAN] * 2 + ["white"]
    bars = ax.bar(
        [0, 1, 2.3],
        heights,
        width=0.6,
        color=colours,
        edgecolor=[colours[0], colours[0], "#333333"],
        linestyle="-",
        linewidth=1.2,
        gid="points-vs-percent",
    )
    bars[2].set_linestyle("--")
    bars[2].set_hatch("..")
    for bar, value in zip(bars, heights, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 1.5, f"{value:.1f}%", ha="center", fontsize=8.5)
    ax.annotate(
        "",
        xy=(1.38, a),
        xytext=(1.38, b),
        arrowprops={"arrowstyle": "<->", "color": "black", "linewidth": 1},
    )
    ax.text(
        1.45,
        (a + b) / 2,
        f"{points:+g} percentage points\n= {relative:+.1f}% of {b:g}".replace("-", "\u2212"),
        va="center",
        fontsize=8,
    )
    ax.axhline(b, color="#999999", linewidth=0.6, linestyle=":")
    ax.axhline(a, color="#999999", linewidth=0.6, linestyle=":")
    ax.set_xticks([0, 1, 2.3], labels, fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlim(-0.5, 2.8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("percent of respondents", fontsize=8)
    ax.grid(axis="y", color="#EEEEEE", linewidth=0.6)
    ax.set_axisbelow(True)
    alt = (
        f"Bars of {_percent(b)} in {str(before['date'])[:4]} and {_percent(a)} in {str(after['date'])[:4]} "
        f"('{after['statement']}'): a change of {points:+g} percentage points, which is "
        f"{relative:+.1f}% of the first figure. A third, dashed bar shows {_percent(literal)}: what "
        f"'{'down' if points < 0 else 'up'} {abs(points):g}%' would leave if it meant percent of {b:g}, "
        "not points."
    )
    source = wrapped(
        f"data/opinion_polls.csv ({before_id}, {after_id}; {before['source_id']}); reading issue "
        f"{after['issue_id'] if isinstance(after['issue_id'], str) else 'none'}",
        source_width(ax, 0.55),
    )
    return finish(ax, "Percentage points or percent? The same fall two ways", source, alt)


# --- voices behind the numbers (data/voices.csv) ---------------------------------------------------

VOICE_FROM = {"japan": ("From Japan", JAPAN), "russia": ("From Russia", RUSSIA)}
VOICE_LANGUAGES = {"en": "English", "ja": "Japanese", "ru": "Russian"}
COUNTED_WORDS = {
    "japanese_1945": "Japanese living on the islands when the war ended",
    "former_residents_alive": "Former residents still alive",
    "islanders_today": "Residents today",
}
_VOICE_SMALL = 'style="margin: 4px 0; font-size: 85%; color: #444; overflow-wrap: anywhere;"'


def _voice_text(value) -> str:
    """Return a cell as text, a missing value as the empty string."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _voice_card(row: pd.Series, sources: pd.DataFrame) -> tuple[str, str]:
    """Return one voice (or one count of people) as an HTML card and as plain text."""
    when = date_words(row["date"], row["precision"])
    side, colour = VOICE_FROM.get(_voice_text(row["country"]), ("", NEUTRAL))
    language = _voice_text(row["language"]) or "en"
    gloss = _voice_text(row["quote_gloss"])
    counted = _voice_text(row["counted"])
    if counted:
        heading = f"{int(row['people']):,} people · {when}"
        lines_top = [COUNTED_WORDS.get(counted, counted), f"{row['who']}, {_voice_text(row['role'])}"]
        colour = NEUTRAL
    else:
        heading = str(row["who"])
        lines_top = [f"{_voice_text(row['role'])} · {when}", side]
    notes = [_voice_text(row["quote_note"])]
    if _voice_text(row["precision"]) != "day" and _voice_text(row["date_note"]):
        notes.append(f"Date: {_voice_text(row['date_note'])}")
    notes = [n for n in notes if n]
    note_source = _voice_text(row["note_source_id"])
    words = f"In the course's words: {row['summary']}"
    gloss_html = (
        f'<p style="margin: 4px 0;"><em>The course\'s translation from '
        f"{VOICE_LANGUAGES.get(language, language)}:</em> &ldquo;{html.escape(gloss)}&rdquo;</p>"
        if gloss
        else ""
    )
    page = (
        f'<div class="fi-card fi-voice" data-id="{html.escape(row["id"], quote=True)}" '
        f'style="flex: 1 1 320px; border: 1px solid #999; border-left: 6px solid {colour}; '
        'border-radius: 6px; padding: 6px 12px;">'
        f'<p style="margin: 4px 0;"><strong>{html.escape(heading)}</strong><br>'
        f"{html.escape(lines_top[0])}<br><em>{html.escape(lines_top[1])}</em></p>"
        f'<blockquote lang="{html.escape(language, quote=True)}" style="margin: 6px 0 6px 4px; '
        f'padding-left: 8px; border-left: 3px solid #CCCCCC;">&ldquo;{html.escape(row["quote"])}&rdquo;'
        f"</blockquote>{gloss_html}"
        f'<p style="margin: 4px 0;">{html.escape(words)}</p>'
        f"<p {_VOICE_SMALL}>Source: {source_html(row['source_id'], sources)}"
        + "".join(f"<br>{html.escape(n)}" for n in notes)
        + (f"<br>Source of the note: {source_html(note_source, sources)}" if note_source else "")
        + "</p></div>"
    )
    lines = [wrapped(f"  {heading}", indent=4)] + [wrapped(f"    {line}", indent=6) for line in lines_top]
    lines.append(wrapped(f'    "{row["quote"]}"', indent=5))
    if gloss:
        lines.append(wrapped(f'    The course\'s translation: "{gloss}"', indent=6))
    lines.append(wrapped(f"    {words}", indent=6))
    # Not wrapped: an address broken across lines cannot be copied.
    lines.append(f"    Source: {source_words(row['source_id'], sources)}")
    lines += [wrapped(f"    {n}", indent=6) for n in notes]
    if note_source:
        lines.append(f"    Source of the note: {source_words(note_source, sources)}")
    return page, "\n".join(lines)


def _population_words(counts: Population) -> str:
    """Return the counts of people in one or two sentences: the fall of the former residents and
    today's islanders added up."""
    series = pd.concat([counts.in_1945, counts.alive])
    said = []
    if not series.empty:
        steps = [
            f"{int(r.people):,} {'on' if r.precision == 'day' else 'in'} {date_words(r.date, r.precision)}"
            for r in series.itertuples(index=False)
        ]
        said.append(f"Japanese islanders and then former residents still alive: {and_list(steps)}.")
    if not counts.islanders.empty:
        parts = [
            f"{int(r.people):,} ({date_words(r.date, r.precision)})" for r in counts.islanders.itertuples()
        ]
        said.append(
            f"Residents of the islands today: {' and '.join(parts)} in the two Russian districts that "
            f"hold the islands, about {counts.islanders_about:,} together (two counts of different dates "
            "added)."
        )
    return " ".join(said)


def voice_cards(voices: pd.DataFrame, sources: pd.DataFrame | None = None) -> Block:
    """Return data/voices.csv as cards: first how many people (the counts, with their sum in words),
    then each group of voices in date order (model.survey.voice_groups).

    Each card gives who, their role and the date, where they speak from (the card's coloured edge
    says the same), the quote (with the course's translation of a Japanese or Russian one), a summary
    in the course's words and the source, linked, with any note on the quote. The plain text says the
    same.
    """
    sources = load("sources").set_index("id") if sources is None else sources
    counts = population(voices)
    sections = []
    people = pd.concat([counts.in_1945, counts.alive, counts.islanders])
    if not people.empty:
        sections.append((VOICE_GROUPS[0][1], _population_words(counts), people))
    sections += [(heading, "", rows) for _, heading, rows in voice_groups(voices)]
    pages, texts = [], []
    for heading, words, rows in sections:
        cards = [_voice_card(row, sources) for _, row in rows.iterrows()]
        lead = f'<p style="margin: 4px 0;">{html.escape(words)}</p>' if words else ""
        pages.append(
            f'<p style="margin: 12px 0 4px;"><strong>{html.escape(heading)}</strong></p>{lead}'
            '<div class="fi-cards" style="display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0;">'
            f"{''.join(page for page, _ in cards)}</div>"
        )
        texts.append(
            "\n\n".join([heading] + ([wrapped(words, indent=0)] if words else []) + [t for _, t in cards])
        )
    return Block(f'<div class="fi-voices">{"".join(pages)}</div>', "\n\n".join(texts))


__all__ = [
    "change_bars",
    "opinion_chart",
    "points_vs_percent",
    "spread_labels",
    "survey_bars",
    "survey_slopes",
    "voice_cards",
]
