"""Lesson 06 figures and cards: the two positions, the publics, a package's scores and its map.

The cards and the opinion chart read data tables directly. The package figures draw what
`fourislands.model.seminar.score_package` computed (a score object with the package, its
split of the land, each red line checked and each poll read), so that the numbers in a figure
are the numbers the explorer explains in words.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Polygon

from .. import maps
from ..data import load
from ..errors import DataError
from ..figures import JAPAN, NEUTRAL, RUSSIA, finish, new_axes
from ..lesson import Block, source_html, source_words
from ..model.seminar import OPINION_GROUPS, SIDES, PackageScore, opinion_rows
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
# The essay of the seminar: its prompt (data/essays.csv) and rubric (data/essay_rubric.csv).
ESSAY = "seminar"


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


def position_cards(red_lines: pd.DataFrame, sources: pd.DataFrame | None = None) -> Block:
    """Return the two positions as cards: each side's red lines, with source, quote and issue."""
    sources = load("sources").set_index("id") if sources is None else sources
    topics = load("reading_issues").set_index("id")["topic"]
    unknown = sorted(set(red_lines["side"]) - set(SIDES))
    if unknown:
        raise DataError("data/red_lines.csv", f"unknown sides {unknown}", column="side")
    pages, texts = [], []
    for side, name in SIDES.items():
        rows = red_lines[red_lines["side"] == side]
        items, lines = [], [f"{name}: what {'Tokyo' if side == 'japan' else 'Moscow'} says it cannot give up"]
        for _, row in rows.iterrows():
            kind = KIND_LABELS.get(row["kind"], str(row["kind"]))
            cite = source_words(row["source_id"], sources)
            issue = ""
            if _text(row["issue_id"]):
                topic = topics.get(row["issue_id"], "")
                issue = f"<br>Reading issue {html.escape(row['issue_id'])}: {html.escape(topic)}."
            body = (
                f"<strong>{html.escape(kind)}.</strong> {html.escape(row['statement'])}"
                f'<br><span style="font-size: 85%; color: #444;">{source_html(row["source_id"], sources)}: '
                f"&ldquo;{html.escape(row['quote'])}&rdquo;{issue}</span>"
            )
            items.append((row["id"], body))
            lines.append(f"  {kind}. {row['statement']} ({cite})")
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
    ax = new_axes(ax, size=(9.0, 6.0))
    y, labels, position = [], [], 0.0
    heading_y = {}
    for group, _, _ in OPINION_GROUPS:
        mine = rows[rows["group"] == group]
        heading_y[group] = position
        position -= 0.9
        for _, row in mine.iterrows():
            y.append(position)
            labels.append(textwrap.fill(row["answer"], 48))
            position -= 1.0
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
            ax.text(value + 1, bar.get_y() + bar.get_height() / 2, f"{value:g}%", va="center", fontsize=9)
        ax.text(
            0.5,
            heading_y[group] - 0.1,
            group,
            ha="left",
            va="center",
            fontsize=9,
            fontweight="bold",
        )
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_ylim(min(y) - 0.7, 0.4)
    ax.set_xlabel("percent of respondents, as printed (each poll asked its own question)")
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
        115,
    )
    return finish(ax, "What the publics said about giving up or getting back the islands", source, alt)


# ---------------------------------------------------------------------------- a package's scores


def _score_rows(score: PackageScore) -> list[dict]:
    """Return the bars of a package's scores, top to bottom: side, label, value, style, note."""
    rows = []
    for side in SIDES:
        red = score.red_line_score(side)
        crossed = len(score.crossed(side))
        partly = len(score.partly(side))
        notes = [f"{crossed} crossed"] + ([f"{partly} partly kept"] if partly else [])
        rows.append(
            {
                "side": side,
                "label": f"{SIDES[side]}: red lines kept\n(weighted, {score.weighting})",
                "value": red,
                "kind": "red lines",
                "note": ", ".join(notes),
            }
        )
        for check in score.opinions:
            if check.side == side:
                rows.append(
                    {
                        "side": side,
                        "label": textwrap.fill(f"{check.group}: {check.measure} ({check.poll})", 34),
                        "value": check.score,
                        "kind": "public",
                        "note": "",
                    }
                )
    return rows


def package_score_chart(score: PackageScore, ax: Axes | None = None) -> Axes:
    """Bars of one package's scores: each side's red lines kept, and how its public would take it.

    `score` is what `model.seminar.score_package` returns. Red-line bars are solid, poll bars
    hatched; Japan's bars are orange, Russia's blue, and every bar is named on the axis.
    """
    if not getattr(score, "ok", False):
        raise DataError("package", f"cannot chart a package that was not scored: {score.message}")
    rows = _score_rows(score)
    ax = new_axes(ax, size=(8.5, 4.8))
    y = np.arange(len(rows))[::-1].astype(float)
    for yi, row in zip(y, rows, strict=True):
        colour = JAPAN if row["side"] == "japan" else RUSSIA
        public = row["kind"] == "public"
        ax.barh(
            yi,
            row["value"],
            height=0.66,
            color="white" if public else colour,
            edgecolor=colour if public else "black",
            hatch="///" if public else "",
            linewidth=1.0,
        )
        note = f"  ({row['note']})" if row["note"] else ""
        shown = f"{row['value']:g}" if public else f"{row['value']:.0f}"
        ax.text(row["value"] + 1, yi, f"{shown}{note}", va="center", fontsize=8.5)
    japan_rows = sum(r["side"] == "japan" for r in rows)
    ax.axhline(len(rows) - japan_rows - 0.5, color="#999999", linewidth=0.8, linestyle=":")
    ax.set_yticks(y, [r["label"] for r in rows], fontsize=8)
    ax.set_xlim(0, 118)
    ax.set_xticks(range(0, 101, 20))
    ax.set_ylim(-0.6, len(rows) - 0.4)
    axis_words, source_words = WEIGHTING_WORDS[score.weighting]
    ax.set_xlabel(f"score out of 100 ({axis_words}; poll shares as printed)")
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(
        handles=[
            Patch(facecolor=JAPAN, edgecolor="black", label="Japan: red lines"),
            Patch(facecolor="white", edgecolor=JAPAN, hatch="///", label="Japan: public, former residents"),
            Patch(facecolor=RUSSIA, edgecolor="black", label="Russia: red lines"),
            Patch(facecolor="white", edgecolor=RUSSIA, hatch="///", label="Russia: public"),
        ],
        loc="upper center",
        bbox_to_anchor=(0.45, -0.16),
        ncols=2,
        fontsize=8,
        frameon=False,
    )
    described = "; ".join(
        f"{r['label'].replace(chr(10), ' ')} {r['value']:.0f}" + (f" ({r['note']})" if r["note"] else "")
        for r in rows
    )
    alt = f"Bars of the scores of the package {score.summary}. {described}."
    sources = sorted({c.source_id for c in score.lines} | {s for o in score.opinions for s in o.sources})
    source = wrapped(
        f"data/red_lines.csv, data/opinion_polls.csv and data/nhk_survey.csv ({', '.join(sources)}); "
        f"scores computed by the course (model/seminar.py) {source_words}.",
        115,
    )
    title = textwrap.fill(f"How each side would receive: {score.short_summary}", 78, break_on_hyphens=False)
    return finish(ax, title, source, alt)


# ---------------------------------------------------------------------------- a package on the map


def package_map(islands: pd.DataFrame, score: PackageScore, ax: Axes | None = None) -> Axes:
    """Map the four islands as a package divides them, with its other three parts in a box.

    Islands to Japan are orange and hatched (dotted when 'later' in a phased option), Russia's
    blue; a divided island shows Japan's part at its south-western end, a schematic position.
    """
    if not getattr(score, "ok", False):
        raise DataError("package", f"cannot map a package that was not scored: {score.message}")
    territory = score.territory
    split = territory.split
    ax = maps.base_map(new_axes(ax, size=(7.6, 6.0)), extent=SPLIT_EXTENT)
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
    maps.label_islands(
        ax, offsets={"kunashiri": (-1.15, 0.55), "habomai": (-0.75, -0.42), "shikotan": (0.45, 0.3)}
    )
    box = "\n".join(
        textwrap.fill(f"{part}: {label}", 40, subsequent_indent="   ", break_on_hyphens=False)
        for part, label in score.parts()
    )
    if split.partial_island:
        box += "\n(part of an island: schematic position)"
    ax.text(
        0.99,
        0.02,
        box,
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        multialignment="left",
        fontsize=7.5,
        bbox={"facecolor": "white", "edgecolor": "#777777", "boxstyle": "round,pad=0.3"},
        zorder=5,
    )
    handles = [Patch(facecolor=JAPAN, edgecolor="black", hatch="///", label="to Japan")]
    if later:
        handles.append(Patch(facecolor=JAPAN, edgecolor="black", hatch="...", label="to Japan later"))
    if split.russia_km2 > 0:
        handles.append(Patch(facecolor=RUSSIA, edgecolor="black", label="with Russia"))
    ax.legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.95)
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
    title = textwrap.fill(
        f"{territory.short_label}: Japan {split.japan_percent:.1f}%, Russia {split.russia_percent:.1f}% "
        f"of the land{in_the_end}",
        70,
    )
    return finish(
        ax,
        title,
        "data/settlement_options.csv and data/islands.csv (mofa-northern-territories); "
        "coastlines data/geo/coastlines.geojson (GSHHG)",
        alt,
    )


# ---------------------------------------------------------------------------- every package at once


def red_line_landscape(table: pd.DataFrame, highlight: dict | None = None, ax: Axes | None = None) -> Axes:
    """Scatter every package by the share of each side's red lines it keeps.

    `table` is `model.seminar.package_table()`: one row per package with `japan_score` and
    `russia_score`. Grey circles are all packages (bigger where several coincide); `highlight`
    (security, economy and access values) marks and names the territory options with those parts.
    """
    needed = {"territory", "territory_label", "security", "economy", "access", "japan_score", "russia_score"}
    missing = needed - set(table.columns)
    if missing:
        raise DataError("package table", f"missing columns {sorted(missing)}")
    ax = new_axes(ax, size=(9.0, 6.2))
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
        label=textwrap.fill(f"every package ({len(table)}); bigger where several coincide", 30),
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
    ax.text(
        89,
        103,
        "every red line of both sides kept:\n"
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
                label=textwrap.fill(f"{label} ({jx:.0f},\u00a0{ry:.0f})", 30),
            )
    ax.set_xlim(-5, 108)
    ax.set_ylim(-5, 110)
    ax.set_xlabel("Japan: red lines kept (weighted %)")
    ax.set_ylabel("Russia: red lines kept (weighted %)")
    ax.grid(color="#EEEEEE", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize=9,
        title="Key (Japan score, Russia score)" if highlight else None,
        title_fontsize=9,
        frameon=False,
        labelspacing=0.9,
    )
    best = table.assign(low=table[["japan_score", "russia_score"]].min(axis=1)).sort_values("low").iloc[-1]
    fixed = ""
    if highlight:
        fixed = (
            f" Named markers: the {len(shown)} territory options with security "
            f"'{highlight['security']}', economy '{highlight['economy']}' and access "
            f"'{highlight['access']}'."
        )
    alt = (
        f"Scatter of all {len(table)} packages by the weighted share of Japan's red lines kept "
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
        "data/red_lines.csv (scored by model/seminar.py with illustrative weights) and "
        "data/settlement_options.csv",
        115,
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
