"""Lesson 04 figures: trade since 2003, the 98% energy share, Yamal LNG, the 2016 deals, exposure.

They cover trade and companies since 2003, what the 98% energy share measures, the Yamal LNG
figures, the deal counts of December 2016, and who is exposed in the sequencing game.

Every figure reads its numbers from the `economy` table by row id (a missing row is a
DataError naming it); figures kept "as printed" are labelled so, beside the outside checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, StrMethodFormatter
from matplotlib.transforms import offset_copy

from ..dates import decimal_year
from ..errors import DataError
from ..figures import (
    EXPLORER_WIDTH,
    JAPAN,
    LESSON_SIZE,
    NEUTRAL,
    PALETTE,
    RUSSIA,
    characters_across,
    chart_width,
    finish,
    legend_below,
    new_axes,
    source_line,
)
from ..words import wrapped

if TYPE_CHECKING:  # only for type hints: the explorer imports this module, not the other way
    from ..model.economy import Game

CHINA = PALETTE[3]  # reddish purple: neither side's colour
ENERGY = PALETTE[2]  # bluish green: energy's share of what Japan buys from Russia

# Rows of data/economy.csv each chart uses.
TRADE_ROWS = {
    "growth": "eco-trade-growth-2003-2008",
    "peak": "eco-trade-volume-2008",
    "fall": "eco-trade-fall-2009",
    "decline": "eco-trade-decline-2015",
    "recovery": "eco-trade-recovery-2017",
    "level-2019": "eco-trade-2019-01-level",
    "target-2019": "eco-trade-2019-01-target",
}
# Hirose: trade in 2009 "fell below half of the previous year's trade" (row eco-trade-fall-2009,
# which has no number of its own): the 2008 level times this is an upper bound for 2009.
FALL_2009_BOUND = 0.5
ENERGY_MAKE_UP_ROW = "eco-energy-share-of-imports-from-russia"
ENERGY_SHARE_ROWS = {
    "crude oil": "eco-energy-russia-share-crude-2021",
    "LNG": "eco-energy-russia-share-lng-2021",
    "coal": "eco-energy-russia-share-coal-2021",
}
YAMAL_ROWS = (  # (row, who, how it is known)
    ("eco-energy-yamal-japan", "Japan", "as printed in The Kremlin Has the Upper Hand (2018)"),
    ("eco-energy-yamal-china", "China", "as printed in The Kremlin Has the Upper Hand (2018)"),
    ("eco-energy-yamal-jbic-credit", "Japan", "JBIC export credit\n(Barents Observer)"),
    ("eco-energy-yamal-chinese-loans", "China", "Chinese bank loans\n(Reuters)"),
)
DEAL_ROWS = (
    "eco-deals-2016-12-items-68",
    "eco-deals-2016-12-nhk-70-odd",
    "eco-deals-2016-12-deals-80",
)
DEAL_VALUE_ROW = "eco-deals-2016-12-value-300bn-yen"
SCALES = {"": 1.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
CURRENCY_SIGNS = {"USD": "US$", "EUR": "€", "JPY": "¥", "RUB": "RUB "}
LESSON_WIDTH = LESSON_SIZE[0]
EXPOSURE_LESSON_SIZE = (LESSON_WIDTH, 4.8)
# The sequencing explorer's figure: as wide as its column, taller than wide for the key below.
EXPOSURE_EXPLORER_SIZE = (EXPLORER_WIDTH, 5.2)
NOTE_SIZE = 8  # points: labels and notes on the charts, the least a student reads where they are shown


# A source line's characters under a lesson chart: it starts right of up to 1.5 in of tick labels.
SOURCE_WIDTH = characters_across(LESSON_WIDTH - 1.5)


# --- reading the table ------------------------------------------------------------------------


def rows_by_id(economy: pd.DataFrame, ids: Iterable[str]) -> pd.DataFrame:
    """Return the rows of the economy table with these ids, in this order (DataError if missing)."""
    ids = list(ids)
    table = economy.set_index("id", drop=False)
    missing = [i for i in ids if i not in table.index]
    if missing:
        raise DataError("data/economy.csv", f"no rows with ids {missing}")
    return table.loc[ids]


def amount(value: float, unit: str) -> tuple[str, float]:
    """Return (currency, amount in plain units) for a money value: (200, 'USD million') -> ('USD', 2e8)."""
    parts = str(unit).split()
    if (
        not parts
        or len(parts) > 2
        or not re.fullmatch(r"[A-Z]{3}", parts[0])
        or (len(parts) == 2 and parts[1] not in SCALES)
    ):
        raise DataError("data/economy.csv", f"{unit!r} is not a money unit such as 'USD billion'")
    scale = SCALES[parts[1]] if len(parts) == 2 else 1.0
    return parts[0], float(value) * scale


def money_words(value: float, unit: str, qualifier: str = "") -> str:
    """Return a money value as words: 'about US$12 billion', 'US$200 million', '€200 million'."""
    currency, _ = amount(value, unit)
    scale = unit.split()[1] if len(unit.split()) == 2 else ""
    sign = CURRENCY_SIGNS.get(currency, currency + " ")
    text = f"{sign}{float(value):,g}{' ' + scale if scale else ''}"
    return f"{qualifier} {text}".strip() if isinstance(qualifier, str) and qualifier else text


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


# --- trade and companies ----------------------------------------------------------------------


def trade_points(economy: pd.DataFrame) -> pd.DataFrame:
    """Return the trade levels the table gives or implies, in US$ billion, one row per year.

    Columns: year, usd_billion, kind ('worked out', 'printed', 'upper bound'), label, row.
    2003 is worked out from Hirose's fivefold growth to the 2008 level; 2009 is an upper bound
    (less than half of 2008); the 2019 level is the one cited at the January 2019 summit.
    """
    rows = rows_by_id(economy, TRADE_ROWS.values()).set_index("id")
    peak = rows.loc[TRADE_ROWS["peak"]]
    growth = rows.loc[TRADE_ROWS["growth"]]
    later = rows.loc[TRADE_ROWS["level-2019"]]
    for row in (peak, growth, later):
        if pd.isna(row["value"]):
            raise DataError("data/economy.csv", f"row {row.name!r} needs a value")
    peak_value, times = float(peak["value"]), float(growth["value"])
    span = re.search(r"(\d{4})\s*-\s*(\d{4})", str(growth["indicator"]))
    if span is None:
        raise DataError("data/economy.csv", f"row {growth.name!r}: the indicator names no years 'YYYY-YYYY'")
    start = int(span.group(1))
    bound = peak_value * FALL_2009_BOUND
    return pd.DataFrame(
        [
            {
                "year": float(start),
                "usd_billion": peak_value / times,
                "kind": "worked out",
                "label": f"${peak_value / times:g} bn\n(worked out: ${peak_value:g} bn / {times:g})",
                "row": TRADE_ROWS["growth"],
            },
            {
                "year": float(str(peak["date"])[:4]),
                "usd_billion": peak_value,
                "kind": "printed",
                "label": f"${peak_value:g} bn",
                "row": TRADE_ROWS["peak"],
            },
            {
                "year": float(str(rows.loc[TRADE_ROWS["fall"], "date"])[:4]),
                "usd_billion": bound,
                "kind": "upper bound",
                "label": f"below ${bound:g} bn\n(less than half of 2008)",
                "row": TRADE_ROWS["fall"],
            },
            {
                "year": decimal_year(later["date"]),
                "usd_billion": float(later["value"]),
                "kind": "printed",
                "label": f"{_text(later['qualifier'])} ${float(later['value']):g} bn".strip()
                + "\n(cited January 2019)",
                "row": TRADE_ROWS["level-2019"],
            },
        ]
    )


def company_points(economy: pd.DataFrame) -> pd.DataFrame:
    """Return the number of Japanese companies in Russia by year (rows with topic 'companies')."""
    rows = economy[economy["topic"] == "companies"].copy()
    if rows.empty:
        raise DataError("data/economy.csv", "no rows with topic 'companies'")
    rows["year"] = rows["date"].str[:4].astype(int).astype(float)
    return rows.sort_values("year")[["year", "value", "id", "source_id"]].rename(
        columns={"value": "companies", "id": "row"}
    )


def growth_chart(economy: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Plot trade and Japanese companies in Russia as multiples of their 2003 level.

    One scale for two kinds of number: how many times its 2003 value each has reached. Every
    point is labelled with its own value; the 2015 fall and the 2017 recovery, which the table
    gives without a level, are written in as notes.
    """
    ax = new_axes(ax, size=(LESSON_WIDTH, 4.9))
    trade = trade_points(economy)
    companies = company_points(economy)
    base_trade = float(trade.iloc[0]["usd_billion"])
    base_companies = float(companies.iloc[0]["companies"])
    trade["times"] = trade["usd_billion"] / base_trade
    companies["times"] = companies["companies"].astype(float) / base_companies
    early = trade[trade["year"] <= 2009.5]  # the years with figures; none between 2009 and 2019
    ax.plot(early["year"], early["times"], color=JAPAN, linewidth=2.2, zorder=2, gid="trade-line")
    styles = {
        "worked out": {"marker": "o", "facecolor": "white"},
        "printed": {"marker": "o", "facecolor": JAPAN},
        "upper bound": {"marker": "v", "facecolor": JAPAN},
    }
    for kind, style in styles.items():
        subset = trade[trade["kind"] == kind]
        ax.scatter(
            subset["year"],
            subset["times"],
            marker=style["marker"],
            s=80,
            facecolor=style["facecolor"],
            edgecolor="black",
            linewidth=1.0,
            zorder=4,
            gid=f"trade-{kind.replace(' ', '-')}",
        )
    offsets = {"worked out": (10, -14), "upper bound": (9, -4)}
    for _, point in trade.iterrows():
        dx, dy = offsets.get(point["kind"], (8, 8))  # up and right: the legend fills the top left
        ha = "right" if dx < 0 else "left"
        if point["row"] == TRADE_ROWS["level-2019"]:
            # Over its own point and right of the 2017 band: to the left it would read as 2017's.
            dx, dy, ha = (10, 10, "center")
        ax.annotate(
            point["label"],
            xy=(point["year"], point["times"]),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va="bottom" if dy > 0 else "top",
            fontsize=NOTE_SIZE,
            color="#222222",
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )
    ax.plot(
        companies["year"],
        companies["times"],
        color=RUSSIA,
        linewidth=2.0,
        linestyle="--",
        marker="s",
        markersize=7,
        markeredgecolor="black",
        zorder=3,
        gid="companies",
    )
    for _, point in companies.iterrows():
        first = point["year"] == companies["year"].min()
        ax.annotate(
            f"{int(point['companies'])}",
            xy=(point["year"], point["times"]),
            # The first above and left of its point: under it is the worked-out 2003 trade level.
            xytext=(-5, 5) if first else (0, -13),
            textcoords="offset points",
            ha="right" if first else "center",
            va="bottom" if first else "top",
            fontsize=NOTE_SIZE,
            color=RUSSIA,
            fontweight="bold",
        )
    target = rows_by_id(economy, [TRADE_ROWS["target-2019"]]).iloc[0]
    target_times = float(target["value"]) / base_trade
    ax.axhline(target_times, color=NEUTRAL, linestyle="-.", linewidth=1, zorder=1)
    ax.text(
        2021.6,  # at the right end, over the empty years past 2019
        target_times + 0.08,
        f"target set in January 2019: ${float(target['value']):g} bn",
        ha="right",
        va="bottom",
        fontsize=NOTE_SIZE,
        color="#333333",
        bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
    )
    notes = rows_by_id(economy, [TRADE_ROWS["decline"], TRADE_ROWS["recovery"]])
    decline, recovery = notes.iloc[0], notes.iloc[1]
    box = {"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#999999"}
    for row, words, height in (
        (decline, "trade and investment\nfell again (no figure given)", 4.25),
        (
            recovery,
            f"Jan-Sep: trade up {float(recovery['value']):g}%\non a year earlier (no level given)",
            2.6,
        ),
    ):
        year = float(str(row["date"])[:4])
        ax.axvspan(
            year - 0.35,
            year + 0.35,
            facecolor="#EDEDED",
            linewidth=0,
            zorder=0,
            gid=f"note-{row['id']}",
        )
        ax.text(
            year,
            height,
            f"{int(year)}: {words}",
            fontsize=NOTE_SIZE,
            ha="center",
            va="center",
            bbox=box,
            zorder=5,
        )
    ax.axhline(1.0, color="#BBBBBB", linewidth=0.8, zorder=0)
    ax.set_xlim(2002, 2021.8)  # room right of 2019 for its label, clear of the 2017 band
    ax.set_xticks(range(2003, 2020, 2))
    ax.set_ylim(0, max(float(trade["times"].max()), target_times) * 1.18)
    ax.set_ylabel("times the 2003 level (2003 = 1)")
    ax.grid(color="#E8E8E8", linewidth=0.6)
    # Below the chart: in a corner of it, the key covered the boom's labels.
    legend_below(
        ax,
        [
            Line2D(
                [],
                [],
                color=JAPAN,
                linewidth=2.2,
                marker="o",
                markeredgecolor="black",
                label="Japan-Russia trade (US$ bn)",
            ),
            Line2D(
                [],
                [],
                color=JAPAN,
                marker="o",
                markerfacecolor="white",
                markeredgecolor="black",
                linestyle="none",
                label="worked out from 'five times'",
            ),
            Line2D(
                [],
                [],
                color=JAPAN,
                marker="v",
                markeredgecolor="black",
                linestyle="none",
                label="upper bound ('below half')",
            ),
            Line2D(
                [],
                [],
                color=RUSSIA,
                linewidth=2.0,
                linestyle="--",
                marker="s",
                markeredgecolor="black",
                label="Japanese companies in Russia",
            ),
        ],
        columns=2,
        gap=0.08,
    )
    first, last_company = companies.iloc[0], companies.iloc[-1]
    peak = trade[trade["row"] == TRADE_ROWS["peak"]].iloc[0]
    later = trade.iloc[-1]
    alt = (
        f"Trade and Japanese companies in Russia as multiples of 2003. Trade grew "
        f"{peak['times']:g} times, from about ${base_trade:g} billion in {int(trade.iloc[0]['year'])} "
        f"to ${peak['usd_billion']:g} billion in {int(peak['year'])}, fell below "
        f"${trade.iloc[2]['usd_billion']:g} billion in 2009, fell again in {str(decline['date'])[:4]} "
        f"and was about ${later['usd_billion']:g} billion in January 2019, "
        f"{later['times']:g} times 2003 and short of the ${float(target['value']):g} billion target. "
        f"Companies grew steadily, from {int(first['companies'])} in {int(first['year'])} to "
        f"{int(last_company['companies'])} in {int(last_company['year'])} "
        f"({last_company['times']:.2f} times), through both downturns."
    )
    sources = list(rows_by_id(economy, TRADE_ROWS.values())["source_id"]) + list(companies["source_id"])
    return finish(
        ax,
        "Trade boomed and fell; Japanese companies kept growing",
        source_line(
            "economy",
            sources,
            "; 2003 trade worked out as the 2008 level divided by five; 2009 is an upper bound",
            width=SOURCE_WIDTH,
        ),
        alt,
    )


# --- energy: two different shares ------------------------------------------------------------


def energy_shares(economy: pd.DataFrame) -> pd.DataFrame:
    """Return the two kinds of share side by side: label, percent, qualifier, whole, fuel, year, row."""
    make_up = rows_by_id(economy, [ENERGY_MAKE_UP_ROW]).iloc[0]
    rows = [
        {
            "label": "energy in Japan's imports from Russia",
            "percent": float(make_up["value"]),
            "qualifier": _text(make_up["qualifier"]),
            "whole": "Japan's imports from Russia",
            "fuel": "",
            "year": str(make_up["date"])[:4],
            "row": make_up["id"],
            "source_id": make_up["source_id"],
        }
    ]
    shares = rows_by_id(economy, ENERGY_SHARE_ROWS.values())
    for fuel, (_, row) in zip(ENERGY_SHARE_ROWS, shares.iterrows(), strict=True):
        rows.append(
            {
                "label": f"Russia in Japan's {fuel} imports",
                "percent": float(row["value"]),
                "qualifier": _text(row["qualifier"]),
                "whole": f"all of Japan's {fuel} imports",
                "fuel": fuel,
                "year": str(row["date"])[:4],
                "row": row["id"],
                "source_id": row["source_id"],
            }
        )
    return pd.DataFrame(rows)


def energy_shares_chart(economy: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Draw 'energy's share of imports from Russia' against 'Russia's share of Japan's imports'.

    Each bar is drawn inside a grey 100% bar, its whole, so the two kinds of share cannot be
    mistaken for each other: the first is a share of a small trade, the others of all of Japan's
    imports of a fuel.
    """
    ax = new_axes(ax, size=(LESSON_WIDTH, 4.6))
    shares = energy_shares(economy)
    y = np.array([3.9, 2.0, 1.0, 0.0])[: len(shares)]
    ax.barh(y, [100] * len(shares), color="#EEEEEE", edgecolor="#888888", height=0.62, zorder=1)
    colours = [ENERGY] + [RUSSIA] * (len(shares) - 1)
    hatches = ["///"] + [""] * (len(shares) - 1)
    bars = ax.barh(
        y,
        shares["percent"],
        color=colours,
        hatch=hatches,
        edgecolor="black",
        linewidth=0.6,
        height=0.62,
        zorder=2,
        gid="shares",
    )
    for bar, (_, row) in zip(bars, shares.iterrows(), strict=True):
        words = f"{row['qualifier']} {row['percent']:g}%".strip()
        inside = row["percent"] > 60
        ax.text(
            bar.get_width() - 1.5 if inside else bar.get_width() + 1.5,
            bar.get_y() + bar.get_height() / 2,
            words,
            ha="right" if inside else "left",
            va="center",
            fontsize=9,
            fontweight="bold",
            color="black",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"}
            if inside
            else None,
        )
    ax.set_yticks(
        y,
        [wrapped(f"{r['label']} ({r['year']})", width=20) for _, r in shares.iterrows()],
        fontsize=NOTE_SIZE,
    )
    first = shares.iloc[0]
    headings = (
        (y[0], f"A. The whole: {first['whole']} (Su Wang 2013).\nWhat share of it is energy?"),
        (
            y[1],
            "B. The whole: all of Japan's imports of one fuel\n"
            "(outside source). What share comes from Russia?",
        ),
    )
    for height, words in headings:
        ax.text(0.5, height + 0.42, words, fontsize=NOTE_SIZE, va="bottom", fontweight="bold")
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.5, y[0] + 1.25)
    ax.set_xlabel("percent of the whole named above each group (grey bar = 100%)")
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    others = "; ".join(
        f"{r['fuel']} {r['qualifier']} {r['percent']:g}%" for _, r in shares.iloc[1:].iterrows()
    )
    alt = (
        f"Two kinds of share that are easy to confuse. A: {first['qualifier']} {first['percent']:g}% of "
        f"what Japan bought from Russia was energy ({first['year']}), almost the whole bar. B: Russia's "
        f"share of all of Japan's imports of each fuel in {shares.iloc[1]['year']} was small: {others}. "
        "The first says what Russia sells Japan; only the second says how much Japan relies on Russia."
    )
    return finish(
        ax,
        "Almost all Japan buys from Russia is energy;\nlittle of its fuel is Russian",
        source_line("economy", shares["source_id"], "; reading issues I-4 and I-5", width=SOURCE_WIDTH),
        alt,
    )


# --- Yamal LNG --------------------------------------------------------------------------------


def yamal_figures(economy: pd.DataFrame) -> pd.DataFrame:
    """Return the Yamal LNG figures: who, how known, value, unit, millions, currency, words, row."""
    rows = rows_by_id(economy, [r for r, _, _ in YAMAL_ROWS])
    out = []
    for (row_id, who, how), (_, row) in zip(YAMAL_ROWS, rows.iterrows(), strict=True):
        currency, plain = amount(row["value"], row["unit"])
        out.append(
            {
                "who": who,
                "how": how,
                "value": float(row["value"]),
                "unit": row["unit"],
                "currency": currency,
                "millions": plain / 1e6,
                "words": money_words(row["value"], row["unit"], _text(row["qualifier"])),
                "row": row_id,
                "source_id": row["source_id"],
            }
        )
    return pd.DataFrame(out)


def yamal_chart(economy: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Draw Japan's and China's money for Yamal LNG, as one reading prints it and as reported.

    Amounts are in millions of the currency the source gives; euros are not converted to
    dollars (the data has no exchange rate), and the unit is written on every bar.
    """
    ax = new_axes(ax, size=(LESSON_WIDTH, 4.4))
    figures = yamal_figures(economy)
    y = np.array([4.0, 3.0, 1.4, 0.4])[: len(figures)]
    colours = [JAPAN if w == "Japan" else CHINA for w in figures["who"]]
    hatches = ["" if "printed" in h else "xx" for h in figures["how"]]
    bars = ax.barh(
        y, figures["millions"], color=colours, hatch=hatches, edgecolor="black", height=0.6, gid="yamal"
    )
    top = float(figures["millions"].max())
    for bar, (_, row) in zip(bars, figures.iterrows(), strict=True):
        ax.text(
            bar.get_width() + top * 0.015,
            bar.get_y() + bar.get_height() / 2,
            row["words"],
            va="center",
            ha="left",
            fontsize=9,
            fontweight="bold",
        )
    # Broken to fit a narrow column, with the source in brackets on a line of its own.
    labels = [
        "\n".join(wrapped(part, width=18) for part in f"{r['who']}: {r['how']}".split("\n"))
        for _, r in figures.iterrows()
    ]
    ax.set_yticks(y, labels, fontsize=NOTE_SIZE)
    printed = figures[figures["how"].str.contains("printed")]
    ratio = ""
    if len(printed) == 2 and printed["currency"].nunique() == 1:
        japan = float(printed.loc[printed["who"] == "Japan", "millions"].iloc[0])
        china = float(printed.loc[printed["who"] == "China", "millions"].iloc[0])
        ratio = f"As printed, China's contribution is {china / japan:g} times Japan's."
        ax.text(top * 0.02, y[0] + 0.5, ratio, ha="left", va="bottom", fontsize=NOTE_SIZE, style="italic")
    ax.set_xlim(0, top * 1.5)  # room for the longest bar's amount
    ax.xaxis.set_major_locator(MaxNLocator(5))  # more labels would touch in a lesson's width
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_ylim(-0.3, y[0] + 1.0)
    ax.set_xlabel("millions of the currency each source gives\n(US$, or € where marked; not converted)")
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    words = "; ".join(
        f"{r['who']} {r['words']} ({r['how']})".replace("\n(", ", ").replace("))", ")")
        for _, r in figures.iterrows()
    )
    alt = (
        f"Bars of the money Japan and China put into Yamal LNG: {words}. {ratio} The outside reports "
        "change the currency and the amounts but not the picture: Japan's part was tiny next to China's."
    )
    return finish(
        ax,
        "Yamal LNG: Japan's money next to China's,\nas printed and as reported",
        source_line(
            "economy",
            figures["source_id"],
            "; reading issue I-46; € not converted to US$",
            width=SOURCE_WIDTH,
        ),
        alt,
    )


# --- the deals of December 2016 ---------------------------------------------------------------


def deal_counts(economy: pd.DataFrame) -> pd.DataFrame:
    """Return the counts of December 2016 agreements: count, qualifier, unit, who counted, row."""
    rows = rows_by_id(economy, DEAL_ROWS)
    return pd.DataFrame(
        {
            "count": rows["value"].astype(float).to_numpy(),
            "qualifier": [_text(q) for q in rows["qualifier"]],
            "unit": rows["unit"].to_numpy(),
            "source_id": rows["source_id"].to_numpy(),
            "row": rows["id"].to_numpy(),
        }
    ).sort_values("count", kind="stable", ignore_index=True)


COUNTED_BY = {"rapprochement2017": "The Strange Rapprochement (2017)", "hirose2018": "Hirose 2018"}


def deal_counts_chart(economy: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Draw the three counts of the December 2016 agreements, with each one's wording.

    An 'over' count gets an arrow past its bar, an 'about' count a tilde; the band marks the
    span the counts cover. The yen value of the deals is written under them.
    """
    ax = new_axes(ax, size=(LESSON_WIDTH, 4.0))
    counts = deal_counts(economy)
    y = np.arange(len(counts))[::-1].astype(float)
    colours = [PALETTE[0], NEUTRAL, PALETTE[5]][: len(counts)]
    hatches = ["", "..", "//"][: len(counts)]
    bars = ax.barh(
        y, counts["count"], color=colours, hatch=hatches, edgecolor="black", height=0.55, gid="deal-counts"
    )
    low, high = float(counts["count"].min()), float(counts["count"].max())
    ax.axvspan(low, high, color="#F2F2F2", zorder=0)
    for bar, (_, row) in zip(bars, counts.iterrows(), strict=True):
        end = bar.get_width()
        words = f"{row['qualifier']} {row['count']:g} {row['unit']}".strip()
        if row["qualifier"] == "over":
            ax.annotate(
                "",
                xy=(end + 6, bar.get_y() + bar.get_height() / 2),
                xytext=(end, bar.get_y() + bar.get_height() / 2),
                arrowprops={"arrowstyle": "->", "color": "black", "linewidth": 1.4},
            )
            end += 6
        ax.text(
            end + 1, bar.get_y() + bar.get_height() / 2, words, va="center", fontsize=9, fontweight="bold"
        )
    labels = []
    for _, row in counts.iterrows():
        who = COUNTED_BY.get(
            row["source_id"], "NHK on the summit day" if "nhk" in row["source_id"] else row["source_id"]
        )
        labels.append(f"{who}")
    ax.set_yticks(y, [wrapped(label, width=13) for label in labels], fontsize=9)
    value = rows_by_id(economy, [DEAL_VALUE_ROW]).iloc[0]
    ax.text(
        0.985,
        0.96,
        f"Hirose: Japan's investments,\nloans and credit under the deals:\nabout "
        f"{money_words(value['value'], value['unit'])}",
        transform=ax.transAxes,
        fontsize=NOTE_SIZE,
        ha="right",
        va="top",
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#999999"},
    )
    ax.set_xlim(0, high * 1.7)  # the yen value's box right of the longest count and its words
    ax.set_ylim(-0.6, len(counts) - 0.4)
    ax.set_xlabel(f"number counted (grey band: {low:g} to {high:g})")
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.6)
    ax.set_axisbelow(True)
    described = "; ".join(
        f"{lab}: {r['qualifier']} {r['count']:g} {r['unit']}".replace(":  ", ": ")
        for lab, (_, r) in zip(labels, counts.iterrows(), strict=True)
    )
    alt = (
        f"Three counts of what was agreed during Putin's visit to Japan in December 2016: {described}. "
        f"They differ by what is counted (items, agreements, deals), so the safe wording is "
        f"roughly {low:g} to {high:g}."
    )
    return finish(
        ax,
        "December 2016: 68, over 70 or about 80 agreements?",
        source_line(
            "economy",
            list(counts["source_id"]) + [value["source_id"]],
            "; reading issue I-53",
            width=SOURCE_WIDTH,
        ),
        alt,
    )


# --- the sequencing game ----------------------------------------------------------------------

SIDE_STYLE = {  # colour, line style, marker, hatch for 'would gain by stopping, the other exposed'
    "japan": (JAPAN, "-", "o", "\\\\"),
    "russia": (RUSSIA, "--", "s", "//"),
}
NAMES = {"japan": "Japan", "russia": "Russia"}
OTHER = {"japan": "russia", "russia": "japan"}
MOVER_TICKS = {"japan": "J", "russia": "R", "both": "J+R"}


def exposure_chart(
    game: Game, ax: Axes | None = None, size: tuple[float, float] = EXPOSURE_LESSON_SIZE
) -> Axes:
    """Plot each side's exposure after every step of a sequencing game (explore.sequencing).

    Exposure is the value a side has given that is not yet matched by what it has received:
    what it loses if the other side stops there. Hatched columns mark the steps after which a
    side would gain by stopping while the other is exposed, the 'eat and run' moments. Values are
    illustrative. size: the lesson's, or EXPOSURE_EXPLORER_SIZE in the explorer's narrower column.
    """
    if not getattr(game, "ok", False):
        raise ValueError(getattr(game, "message", "This is not a game the chart can draw."))
    ax = new_axes(ax, size=size)
    width = chart_width(ax)
    steps = list(game.steps)
    x = np.arange(0, len(steps) + 1)
    handles = []
    top = max([0.0] + [max(s.exposure("japan"), s.exposure("russia")) for s in steps])
    top = top if top > 0 else 1.0
    for side, (colour, line, marker, hatch) in SIDE_STYLE.items():
        # Only while the other side is exposed: stopping late, when nobody is hurt, is no 'eat and run'.
        runs = [s.number for s in game.eat_and_run_steps(side)]
        for number in runs:
            ax.axvspan(
                number - 0.45,
                number + 0.45,
                facecolor="none",
                edgecolor=colour,
                hatch=hatch,
                linewidth=0,
                alpha=0.55,
                zorder=0,
            )
        values = [0.0] + [s.exposure(side) for s in steps]
        ax.plot(
            x,
            values,
            color=colour,
            linestyle=line,
            marker=marker,
            markersize=7 if len(steps) <= 8 else 5,
            linewidth=2,
            markeredgecolor="black",
            zorder=3,
            gid=f"exposure-{side}",
        )
        handles.append(
            Line2D(
                [],
                [],
                color=colour,
                linestyle=line,
                marker=marker,
                markeredgecolor="black",
                label=f"{NAMES[side]}'s exposure",
            )
        )
        if runs:
            handles.append(
                Patch(
                    facecolor="none",
                    edgecolor=colour,
                    hatch=hatch,
                    label=f"{NAMES[side]} would gain by stopping here,\n{NAMES[OTHER[side]]} exposed",
                )
            )
    ticks = ["start"] + [f"{s.number}\n{MOVER_TICKS[s.mover]}" for s in steps]
    ax.set_xticks(x, ticks, fontsize=NOTE_SIZE)
    ax.set_xlim(-0.6, len(steps) + 0.6)
    ax.set_ylim(0, top * 1.2)
    ax.set_xlabel("step (J: Japan hands over cooperation,\nR: Russia a territorial step, J+R: both)")
    ax.set_ylabel("value given, not yet matched\n(illustrative units)")
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.6)
    # Under the step labels and the axis label (two lines each), a fixed depth in points whatever
    # the chart's height: on the chart the key covered the hatched steps and the lines.
    under_labels = offset_copy(ax.transAxes, fig=ax.figure, y=-58, units="points")
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=under_labels,
        ncols=2 if width >= LESSON_WIDTH - 0.01 else 1,
        fontsize=NOTE_SIZE,
        frameon=False,
    )
    installments = f"{game.installments} installment{'s' if game.installments != 1 else ''} each"
    title_characters = characters_across(width - 0.8, 12, bold=True)
    return finish(
        ax,
        "Who is exposed at each step?\n"
        + wrapped(f"{game.order_label}, {installments}", width=title_characters),
        wrapped(
            "illustrative values, not measured; Japan's installments are the eight points of "
            "data/plan_items.csv (Hirose 2018); the fears are quoted from The Strange Rapprochement (2017)",
            width=characters_across(width - 1.5),
        ),
        " ".join(game.summary()),
    )


__all__ = [
    "EXPOSURE_EXPLORER_SIZE",
    "amount",
    "company_points",
    "deal_counts",
    "deal_counts_chart",
    "energy_shares",
    "energy_shares_chart",
    "exposure_chart",
    "growth_chart",
    "money_words",
    "rows_by_id",
    "trade_points",
    "yamal_chart",
    "yamal_figures",
]
