"""Lesson 07 figures and cards: the two positions, the publics, a package's scores and its map.

The cards and the opinion chart read data tables directly. The package figures draw what
`fourislands.model.seminar.score_package` computed (a score object with the package, its
split of the land, each red line checked and each poll read), so that the numbers in a figure
are the numbers the explorer explains in words.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

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
    PROJECTOR_HEIGHT,
    RUSSIA,
    chart_width,
    finish,
    new_axes,
    note_under,
    source_width,
    title_width,
)
from ..lesson import Block, source_html, source_words
from ..model.seminar import OPINION_GROUPS, SCENARIOS, SIDES, PackageScore, opinion_rows
from ..palette import GREEN
from ..words import and_list, wrapped
from .negotiations import SPLIT_EXTENT, draw_partial_island

KIND_LABELS = {
    "sovereignty": "Sovereignty",
    "territory": "Which islands",
    "sequence": "What comes first",
    "security": "Security",
    "economy": "Economy",
    "access": "Access",
}
# The red-line weights a package was scored with, as its chart's x-axis label and source line say
# them: the role-play explorer lets a student count every line the same.
WEIGHTING_WORDS = {
    "illustrative": ("illustrative weights for red lines", "with illustrative weights"),
    "equal": ("every red line counts the same", "counting every red line the same"),
}
GROUP_STYLE = {  # colour and hatch: the group is also named on the axis
    "Japanese public: Mainichi 2016": (JAPAN, ""),
    "Former residents: NHK 2015, best solution": (JAPAN, "///"),
    "Russian public: Levada 2016": (RUSSIA, ""),
}
OPINION_NAMES_INCHES = 2.4  # what the opinion chart's answers, 40 characters a line, take left of it
# The essay of the seminar: its prompt (data/essays.csv) and rubric (data/essay_rubric.csv).
ESSAY = "seminar"


# The role-play explorer draws its map and score chart this size: as wide as its figure column, and
# low enough for the projector app to show them whole at its larger text.
EXPLORER_SIZE = (EXPLORER_WIDTH, PROJECTOR_HEIGHT - 0.45)


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


# ---------------------------------------------------------------------------- cards


def _card(title: str, items: Iterable[tuple[str, str]], footer: str = "") -> str:
    entries = "".join(f'<li style="margin-bottom: 6px;">{body}</li>' for _, body in items)
    return (
        '<div class="fi-card" style="flex: 1 1 340px; border: 1px solid #999; border-radius: 6px; '
        'padding: 6px 12px;">'
        f'<p style="margin: 4px 0;"><strong>{html.escape(title)}</strong></p>'
        f'<ul style="padding-left: 18px;">{entries}</ul>{footer}</div>'
    )


def _deck(cards: Iterable[str]) -> str:
    return (
        '<div class="fi-cards" style="display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0;">'
        f"{''.join(cards)}</div>"
    )


def _binds_in(red_lines: pd.DataFrame) -> pd.Series:
    """Each red line's scenarios as a tuple ('2018;2026' -> ('2018', '2026'))."""
    if "scenarios" not in red_lines.columns:
        raise DataError("data/red_lines.csv", "no column 'scenarios'", column="scenarios")
    return red_lines["scenarios"].map(lambda cell: tuple(str(cell).split(";")))


def _when(scenarios: tuple[str, ...]) -> str:
    """A card's words for a line that does not bind in every scenario ('' for one that does)."""
    if set(scenarios) >= set(SCENARIOS):
        return ""
    if scenarios == ("2018",):
        return "2018 only: later events overtook it. "
    return "New since 2018. "


def position_cards(
    red_lines: pd.DataFrame, sources: pd.DataFrame | None = None, scenario: str | None = None
) -> Block:
    """Return the two positions as cards: each side's red lines, with source, quote and issue.

    With a scenario ('2026' or '2018') the cards show the lines that bind in it; without one they
    show every line. A line that binds in one scenario only says so.
    """
    sources = load("sources").set_index("id") if sources is None else sources
    topics = load("reading_issues").set_index("id")["topic"]
    unknown = sorted(set(red_lines["side"]) - set(SIDES))
    if unknown:
        raise DataError("data/red_lines.csv", f"unknown sides {unknown}", column="side")
    if scenario is not None and scenario not in SCENARIOS:
        raise DataError("scenario", f"there is no scenario {scenario!r}: choose one of {and_list(SCENARIOS)}")
    binds = _binds_in(red_lines)
    if scenario is not None:
        shown = binds.map(lambda scenarios: scenario in scenarios)
        red_lines, binds = red_lines[shown], binds[shown]
    when = f" ({scenario})" if scenario else ""
    pages, texts = [], []
    for side, name in SIDES.items():
        rows = red_lines[red_lines["side"] == side]
        capital = "Tokyo" if side == "japan" else "Moscow"
        items, lines = [], [f"{name}: what {capital} says it cannot give up{when}"]
        for index, row in rows.iterrows():
            kind = KIND_LABELS.get(row["kind"], str(row["kind"]))
            note = _when(binds[index])
            cite = source_words(row["source_id"], sources)
            issue = ""
            if _text(row["issue_id"]):
                topic = topics.get(row["issue_id"], "")
                issue = f"<br>Reading issue {html.escape(row['issue_id'])}: {html.escape(topic)}."
            body = (
                f"<strong>{html.escape(kind)}.</strong> {html.escape(note)}{html.escape(row['statement'])}"
                f'<br><span style="font-size: 85%; color: #444;">{source_html(row["source_id"], sources)}: '
                f"&ldquo;{html.escape(row['quote'])}&rdquo;{issue}</span>"
            )
            items.append((row["id"], body))
            lines.append(f"  {kind}. {note}{row['statement']} ({cite})")
        title = lines[0]
        pages.append(_card(title, items))
        texts.append("\n".join(lines))
    return Block(_deck(pages), "\n\n".join(texts))


def recommendation_cards(plan_items: pd.DataFrame, sources: pd.DataFrame | None = None) -> Block:
    """Return Hirose's five policy recommendations as one card, in her order, with quotes."""
    sources = load("sources").set_index("id") if sources is None else sources
    rows = plan_items[plan_items["list"] == "hirose-recommendations"].sort_values("position")
    if rows.empty:
        raise DataError("data/plan_items.csv", "no rows in the list 'hirose-recommendations'")
    entries = "".join(
        f"<li>{html.escape(row['text'])}"
        f'<br><span style="font-size: 85%; color: #444;">&ldquo;{html.escape(row["quote"])}&rdquo;'
        "</span></li>"
        for _, row in rows.iterrows()
    )
    cites = "; ".join(source_html(s, sources) for s in dict.fromkeys(rows["source_id"]))
    page = _deck(
        [
            '<div class="fi-card fi-plan" style="flex: 1 1 340px; border: 1px solid #999; '
            'border-radius: 6px; padding: 6px 12px;">'
            '<p style="margin: 4px 0;"><strong>Hirose\'s five recommendations to Tokyo (2018)</strong></p>'
            f'<ol>{entries}</ol><p style="margin: 4px 0; font-size: 85%; color: #444;">Source: {cites}</p>'
            "</div>"
        ]
    )
    text = "\n".join(
        ["Hirose's five recommendations to Tokyo (2018)"]
        + [f"  {p}. {t}" for p, t in zip(rows["position"], rows["text"], strict=True)]
    )
    return Block(page, text)


def essay_prompt() -> Block:
    """Return the seminar essay: the prompt and its rubric (four criteria with their points)."""
    prompts = load("essays").set_index("id")["prompt"]
    if ESSAY not in prompts.index:
        raise DataError("data/essays.csv", f"no essay with id {ESSAY!r}", column="id")
    prompt = str(prompts[ESSAY])
    criteria = load("essay_rubric")
    criteria = criteria[criteria["essay_id"] == ESSAY].sort_values("position")
    if criteria.empty:
        raise DataError("data/essay_rubric.csv", f"no criteria for the essay {ESSAY!r}", column="essay_id")
    rubric = [
        (str(name), int(points), str(about))
        for name, points, about in zip(
            criteria["criterion"], criteria["points"], criteria["full_marks"], strict=True
        )
    ]
    total = sum(points for _, points, _ in rubric)
    # JupyterLab right-aligns table cells by default: text reads from the left and from the top.
    cell = "style='text-align: left; vertical-align: top;'"
    number = "style='text-align: center; vertical-align: top;'"
    rows = "".join(
        f"<tr><td {cell}><strong>{html.escape(name)}</strong></td><td {number}>{points}</td>"
        f"<td {cell}>{html.escape(about)}</td></tr>"
        for name, points, about in rubric
    )
    page = (
        '<div class="fi-essay" style="border: 1px solid #999; border-left: 6px solid '
        f"{GREEN}; "
        'padding: 6px 12px; margin: 8px 0;">'
        f"<p><strong>Essay.</strong> {html.escape(prompt)}</p>"
        f'<table class="fi-rubric"><tr><th {cell}>Criterion</th><th {number}>Points</th>'
        f"<th {cell}>Full marks when the essay ...</th></tr>"
        f"{rows}<tr><td {cell}><strong>Total</strong></td><td {number}>{total}</td><td {cell}></td></tr>"
        "</table></div>"
    )
    text = "\n".join(
        [f"Essay. {prompt}", "Rubric:"]
        + [f"  {name} ({points} points): {about}" for name, points, about in rubric]
        + [f"  Total: {total} points"]
    )
    return Block(page, text)


# ---------------------------------------------------------------------------- public opinion


def opinion_chart(opinion_polls: pd.DataFrame, nhk_survey: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Bars of what three polls found: the Japanese public, former residents, the Russian public.

    Each poll asked its own question, so bars compare within a group, not across groups.
    """
    rows = opinion_rows(opinion_polls, nhk_survey)
    ax = new_axes(ax, size=(LESSON_SIZE[0], 5.4))
    y, labels, position = [], [], 0.0
    heading_y = {}
    for group, _, _ in OPINION_GROUPS:
        mine = rows[rows["group"] == group]
        heading_y[group] = position
        position -= 0.9
        for _, row in mine.iterrows():
            label = wrapped(row["answer"], 40)
            # A name of three lines needs more than a bar's height: the rows part to make room.
            extra = 0.2 * max(0, label.count("\n") - 1)
            position -= extra
            y.append(position)
            labels.append(label)
            position -= 1.0 + extra
        position -= 0.5
    for group, _, _ in OPINION_GROUPS:
        mask = (rows["group"] == group).to_numpy()
        colour, hatch = GROUP_STYLE[group]
        values = rows.loc[mask, "percent"].to_numpy(dtype=float)
        positions = np.asarray(y)[mask]
        bars = ax.barh(
            positions,
            values,
            height=0.72,
            color=colour if not hatch else "white",
            edgecolor=colour if hatch else "black",
            hatch=hatch,
            linewidth=0.8,
            label=group,
        )
        for bar, value in zip(bars, values, strict=True):
            ax.text(value + 1, bar.get_y() + bar.get_height() / 2, f"{value:g}%", va="center", fontsize=8)
        ax.text(
            0.5,
            heading_y[group] - 0.1,
            group,
            ha="left",
            va="center",
            fontsize=8.5,
            fontweight="bold",
        )
    ax.set_yticks(y, labels, fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlim(0, 100)
    ax.set_ylim(min(y) - 0.7, 0.4)
    ax.set_xlabel("percent of respondents, as printed\n(each poll asked its own question)", fontsize=9)
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    parts = []
    for group, _, _ in OPINION_GROUPS:
        mine = rows[rows["group"] == group]
        parts.append(
            f"{group}: "
            + "; ".join(f"{a} {p:g}%" for a, p in zip(mine["answer"], mine["percent"], strict=True))
        )
    alt = (
        "Horizontal bars of three polls the seminar scores packages against. "
        + ". ".join(parts)
        + ". Most Japanese respondents would accept less than four islands and free visits were the "
        "former residents' most common answer, while most Russian respondents were against any "
        "transfer."
    )
    polls = rows[rows["table"] == "opinion_polls"]
    source = wrapped(
        f"data/opinion_polls.csv ({', '.join(dict.fromkeys(polls['source_id']))}) and data/nhk_survey.csv "
        "(hirose2018, Table 4: former residents, 2015); percentages as the readings print them.",
        source_width(ax, OPINION_NAMES_INCHES),
    )
    title = wrapped(
        "What the publics said about giving up or getting back the islands",
        title_width(ax, OPINION_NAMES_INCHES),
    )
    return finish(ax, title, source, alt)


# ---------------------------------------------------------------------------- a package's scores


def _score_rows(score: PackageScore) -> list[dict]:
    """Return the bars of a package's scores, top to bottom: side, label, value, kind, note."""
    rows = []
    for side in SIDES:
        crossed = len(score.crossed(side))
        partly = len(score.partly(side))
        notes = [f"{crossed} crossed"] + ([f"{partly} partly kept"] if partly else [])
        rows.append(
            {
                "side": side,
                "label": f"{SIDES[side]}: red lines kept",
                "value": score.red_line_score(side),
                "kind": "red lines",
                "note": ", ".join(notes),
            }
        )
        for check in score.opinions:
            if check.side == side:
                rows.append(
                    {
                        "side": side,
                        "label": f"{check.group}: {check.measure} ({check.poll})",
                        "value": check.score,
                        "kind": "public",
                        "note": "",
                    }
                )
    return rows


def package_score_chart(score: PackageScore, ax: Axes | None = None, size=LESSON_SIZE) -> Axes:
    """Bars of one package's scores: each side's red lines kept, and how its public would take it.

    `score` is what `model.seminar.score_package` returns. Red-line bars are solid, poll bars
    hatched; Japan's bars are orange, Russia's blue, and every bar is named just above it (a
    red-line bar with how many lines are crossed). The explorer draws it at EXPLORER_SIZE.
    """
    if not getattr(score, "ok", False):
        raise DataError("package", f"cannot chart a package that was not scored: {score.message}")
    rows = _score_rows(score)
    ax = new_axes(ax, size=size)
    # Each bar's name is written above it, across the chart: names beside the bars would take
    # a third of a narrow chart's width from the bars and the title.
    y = np.arange(len(rows))[::-1].astype(float)
    for yi, row in zip(y, rows, strict=True):
        colour = JAPAN if row["side"] == "japan" else RUSSIA
        public = row["kind"] == "public"
        ax.barh(
            yi,
            row["value"],
            height=0.42,
            color="white" if public else colour,
            edgecolor=colour if public else "black",
            hatch="///" if public else "",
            linewidth=1.0,
        )
        shown = f"{row['value']:g}" if public else f"{row['value']:.0f}"
        ax.text(row["value"] + 1, yi, shown, va="center", fontsize=8)
        note = f" ({row['note']})" if row["note"] else ""
        ax.text(1, yi + 0.24, f"{row['label']}{note}", va="bottom", fontsize=8)
    # Japan's bars above the dotted line, Russia's below: it runs just above the first Russian name.
    russia_rows = sum(r["side"] == "russia" for r in rows)
    ax.axhline(russia_rows - 1 + 0.7, color="#999999", linewidth=0.8, linestyle=":")
    ax.set_yticks([])
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlim(0, 108)
    ax.set_xticks(range(0, 101, 20))
    ax.set_ylim(-0.4, len(rows) - 0.25)
    axis_words, source_words = WEIGHTING_WORDS[score.weighting]
    ax.set_xlabel(
        wrapped(
            f"score out of 100 (red lines of {score.scenario}, {axis_words}; poll shares as printed)",
            int(chart_width(ax) * 12),
        ),
        fontsize=9,
    )
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    described = "; ".join(
        f"{r['label']} {r['value']:.0f}" + (f" ({r['note']})" if r["note"] else "") for r in rows
    )
    alt = (
        f"Bars of the scores of the package {score.summary}, against {SCENARIOS[score.scenario]}, "
        f"red lines kept weighted {score.weighting}: {described}."
    )
    sources = sorted({c.source_id for c in score.lines} | {s for o in score.opinions for s in o.sources})
    source = wrapped(
        f"data/red_lines.csv, data/opinion_polls.csv and data/nhk_survey.csv ({', '.join(sources)}); "
        f"scores computed by the course (model/seminar.py) {source_words}.",
        source_width(ax),
    )
    title = wrapped(f"How each side would receive: {score.short_summary}", title_width(ax))
    return finish(ax, title, source, alt)


# ---------------------------------------------------------------------------- a package on the map


# Where each island's names start, in degrees: in open sea, led back to the island by a line.
ISLAND_LABELS = {
    "etorofu": ((148.25, 44.55), "left", "center"),
    "kunashiri": ((145.0, 44.95), "left", "center"),
    "shikotan": ((147.2, 43.45), "left", "center"),
    "habomai": ((146.35, 43.13), "left", "center"),
}
MAP_SIZE = (LESSON_SIZE[0], 4.4)  # inches: the package map in a lesson
MAP_TICKS_INCHES = 0.45  # what the map's latitudes take left of it


def package_map(islands: pd.DataFrame, score: PackageScore, ax: Axes | None = None, size=MAP_SIZE) -> Axes:
    """Map the four islands as a package divides them, with the key and its four parts beside it.

    Islands to Japan are orange and hatched (dotted when 'later' in a phased option), Russia's
    blue; a divided island shows Japan's part at its south-western end, a schematic position.
    The explorer draws it at EXPLORER_SIZE.
    """
    if not getattr(score, "ok", False):
        raise DataError("package", f"cannot map a package that was not scored: {score.message}")
    territory = score.territory
    split = territory.split
    ax = maps.base_map(new_axes(ax, size=size), extent=SPLIT_EXTENT)
    # Degrees on the ticks instead of axis labels: the width goes to the map and the key beside it.
    ax.set_xticks(range(145, 150), [f"{d}\u00b0E" for d in range(145, 150)])
    ax.set_yticks(range(43, 46), [f"{d}\u00b0N" for d in range(43, 46)])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_anchor("W")  # the map at the left, the key and the parts right beside it
    later = set(territory.later)
    for island in islands["id"]:
        to_japan = island in split.japan_islands
        hatch = ("..." if island in later else "///") if to_japan else None
        for ring in maps.island_rings(island):
            ax.add_patch(
                Polygon(
                    ring,
                    closed=True,
                    facecolor=JAPAN if to_japan else RUSSIA,
                    edgecolor="black",
                    linewidth=0.5,
                    hatch=hatch,
                    alpha=0.9,
                    zorder=2,
                )
            )
    schematic = ""
    names = territory.names
    if split.partial_island:
        fraction = split.partial_km2 / dict(split.areas)[split.partial_island]
        schematic = draw_partial_island(ax, split.partial_island, fraction, names[split.partial_island])
    maps.name_islands_at(ax, names, ISLAND_LABELS)
    handles = [Patch(facecolor=JAPAN, edgecolor="black", hatch="///", label="to Japan")]
    if later:
        handles.append(Patch(facecolor=JAPAN, edgecolor="black", hatch="...", label="to Japan later"))
    if split.russia_km2 > 0:
        handles.append(Patch(facecolor=RUSSIA, edgecolor="black", label="with Russia"))
    key = ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        borderaxespad=0,
        fontsize=8,
        frameon=False,
    )
    parts = "\n".join(wrapped(f"{part}: {label}", 22, indent=2) for part, label in score.parts())
    if split.partial_island:
        parts += "\n" + wrapped("(part of an island: schematic position)", 22)
    # Under the key, however many entries it has, at the key's left edge.
    note_under(ax, key, parts, offset=(4, -10), fontsize=8, linespacing=1.15)
    japan_names = [names[i] for i in split.japan_islands if i not in later]
    if split.partial_island:
        japan_names.append(f"part of {names[split.partial_island]}")
    later_text = f", then {and_list([names[i] for i in territory.later])} later" if later else ""
    alt = (
        f"Map of the four islands under the package {score.summary}: Japan gets "
        f"{and_list(japan_names) or 'no island'}{later_text}, {split.japan_percent:.1f}% of the land"
        f"{' in the end' if later else ''}; Russia keeps {split.russia_percent:.1f}%.{schematic}"
    )
    in_the_end = " in the end" if later else ""
    shares = f"Japan {split.japan_percent:.1f}%, Russia {split.russia_percent:.1f}% of the land{in_the_end}"
    title = f"{territory.short_label}: {shares}"
    if len(title) > title_width(ax, MAP_TICKS_INCHES):  # too long for one line: the shares on the second
        title = f"{territory.short_label}:\n{wrapped(shares, title_width(ax, MAP_TICKS_INCHES))}"
    source = wrapped(
        "data/settlement_options.csv and data/islands.csv (mofa-northern-territories); "
        "coastlines data/geo/coastlines.geojson (GSHHG)",
        source_width(ax, MAP_TICKS_INCHES),
    )
    return finish(ax, title, source, alt)


# ---------------------------------------------------------------------------- every package at once


def red_line_landscape(table: pd.DataFrame, highlight: dict | None = None, ax: Axes | None = None) -> Axes:
    """Scatter every package by the share of each side's red lines it keeps.

    `table` is `model.seminar.package_table()`: one row per package with `japan_score` and
    `russia_score` (and `scenario`, the red lines scored, which the source line names). Grey
    circles are all packages (bigger where several coincide); `highlight` (security, economy and
    access values) marks and names the territory options with those parts.
    """
    needed = {"territory", "territory_label", "security", "economy", "access", "japan_score", "russia_score"}
    missing = needed - set(table.columns)
    if missing:
        raise DataError("package table", f"missing columns {sorted(missing)}")
    ax = new_axes(ax, size=(LESSON_SIZE[0], 4.6))
    points = table.round({"japan_score": 1, "russia_score": 1})
    counts = points.groupby(["japan_score", "russia_score"]).size().reset_index(name="n")
    ax.scatter(
        counts["japan_score"],
        counts["russia_score"],
        s=12 + 10 * np.sqrt(counts["n"].to_numpy()),
        facecolor="#DDDDDD",
        edgecolor=NEUTRAL,
        linewidth=0.5,
        zorder=1,
        label=wrapped(f"every package ({len(table)}); bigger where several coincide", 24),
    )
    both = table[(table["japan_score"] >= 100 - 1e-9) & (table["russia_score"] >= 100 - 1e-9)]
    ax.add_patch(
        Polygon(
            [(90, 90), (105, 90), (105, 105), (90, 105)],
            closed=True,
            facecolor="none",
            edgecolor="black",
            linestyle="--",
            linewidth=1,
            zorder=0,
        )
    )
    # Left of the box, in three short lines: the packages at Russia 100 end where Japan reaches 17.
    ax.text(
        88,
        104,
        "every red line of\nboth sides kept:\n"
        + ("no package reaches here" if both.empty else f"{len(both)} packages"),
        ha="right",
        va="top",
        fontsize=8,
    )
    shown = pd.DataFrame()
    if highlight:
        mask = np.ones(len(table), dtype=bool)
        for part in ("security", "economy", "access"):
            mask &= (table[part] == highlight[part]).to_numpy()
        shown = table[mask]
        groups = shown.groupby(["japan_score", "russia_score"], sort=False)
        markers = ["o", "s", "^", "D", "v", "P", "X", "<", ">"]
        for n, ((jx, ry), group) in enumerate(groups):
            label = " / ".join(group["territory_label"])
            ax.scatter(
                [jx],
                [ry],
                marker=markers[n % len(markers)],
                s=75,
                facecolor="white",
                edgecolor="black",
                linewidth=1.5,
                zorder=3,
                # A no-break space keeps the two scores of the key on one line.
                label=wrapped(f"{label} ({jx:.0f},\u00a0{ry:.0f})", 24),
            )
    ax.set_xlim(-5, 108)
    ax.set_ylim(-5, 110)
    ax.set_xlabel("Japan: red lines kept (weighted %)", fontsize=9)
    ax.set_ylabel("Russia: red lines kept (weighted %)", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(color="#EEEEEE", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        borderaxespad=0,
        fontsize=8.5,
        title="Key (Japan score,\nRussia score)" if highlight else None,
        title_fontsize=8.5,
        alignment="left",
        frameon=False,
        labelspacing=0.7,
    )
    best = table.assign(low=table[["japan_score", "russia_score"]].min(axis=1)).sort_values("low").iloc[-1]
    fixed = ""
    if highlight:
        fixed = (
            f" Named markers: the {len(shown)} territory options with security "
            f"'{highlight['security']}', economy '{highlight['economy']}' and access "
            f"'{highlight['access']}'."
        )
    scenarios = sorted(set(table["scenario"])) if "scenario" in table.columns else []
    against = f" of {and_list(scenarios)}" if scenarios else ""
    alt = (
        f"Scatter of all {len(table)} packages by the weighted share of Japan's red lines{against} kept "
        f"(across) and Russia's (up). "
        + (
            "No package reaches the top right corner where both sides keep every red line; "
            if both.empty
            else f"{len(both)} packages keep every red line of both sides; "
        )
        + f"the best for the side that does worse is {best['territory_label']} with Japan at "
        f"{best['japan_score']:.0f} and Russia at {best['russia_score']:.0f}.{fixed}"
    )
    title = (
        "No package keeps every red line of both sides"
        if both.empty
        else f"{len(both)} packages keep every red line of both sides"
    )
    source = wrapped(
        f"data/red_lines.csv (the red lines{against}, scored by model/seminar.py with illustrative weights) "
        "and data/settlement_options.csv",
        source_width(ax, 0.5),
    )
    return finish(ax, title, source, alt)


__all__ = [
    "essay_prompt",
    "opinion_chart",
    "package_map",
    "package_score_chart",
    "position_cards",
    "recommendation_cards",
    "red_line_landscape",
]
