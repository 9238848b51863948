"""Lesson 02 logic: dividing the islands between the two sides, and which settlement options match.

Plain functions on plain values (island ids, percentages, the `islands` and `settlement_options`
tables); the split calculator (explore/split.py) and the charts (charts/negotiations.py) use them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

# The two islands the 1956 Joint Declaration names (settlement option "two"; a test checks it).
PROMISE_1956 = ("habomai", "shikotan")
# Shares closer than this (percentage points) count as "the same share of land".
TOLERANCE_POINTS = 0.5
# A part of an island smaller than this (km2) is treated as no part at all.
NEGLIGIBLE_KM2 = 0.5


class SplitInputError(ValueError):
    """A choice the calculator cannot work with; the message says what is wrong, in words."""


@dataclass(frozen=True)
class Split:
    """One way of dividing the islands: what Japan receives, and each side's share of the land."""

    japan_islands: tuple[str, ...]  # whole islands to Japan, in table order
    partial_island: str | None  # the island divided, if any
    partial_km2: float  # Japan's part of that island
    japan_km2: float
    russia_km2: float
    total_km2: float
    promise_km2: float  # area of Habomai and Shikotan (the 1956 promise)
    promise_covered_km2: float  # the part of that area Japan receives
    areas: tuple[tuple[str, float], ...]  # (island id, km2) for every island, in table order

    @property
    def japan_percent(self) -> float:
        return 100 * self.japan_km2 / self.total_km2

    @property
    def russia_percent(self) -> float:
        return 100 * self.russia_km2 / self.total_km2

    @property
    def promise_covered_percent(self) -> float:
        """The share of the 1956 promise (Habomai and Shikotan) that Japan's part covers."""
        return 100 * self.promise_covered_km2 / self.promise_km2

    @property
    def times_promise(self) -> float:
        """Japan's land as a multiple of the area the 1956 Declaration promised."""
        return self.japan_km2 / self.promise_km2


@dataclass(frozen=True)
class Match:
    """A settlement option that a split matches (or comes close to), and how."""

    option_id: str
    label: str
    how: str


def island_areas(islands: pd.DataFrame) -> dict[str, float]:
    """Return {island id: area in km2}, in the order of the islands table."""
    return {str(i): float(a) for i, a in zip(islands["id"], islands["area_km2"], strict=True)}


def island_names(islands: pd.DataFrame) -> dict[str, str]:
    """Return {island id: 'Japanese / Russian' name} (one name where both agree)."""
    names = {}
    for _, row in islands.iterrows():
        ja, ru = str(row["name_ja"]), str(row["name_ru"])
        names[str(row["id"])] = ja if ja == ru else f"{ja} / {ru}"
    return names


def _build(
    areas: Mapping[str, float], whole: Iterable[str], partial: str | None, partial_km2: float
) -> Split:
    whole = tuple(i for i in areas if i in set(whole))
    japan = sum(areas[i] for i in whole) + partial_km2
    total = sum(areas.values())
    promise = sum(areas[i] for i in PROMISE_1956 if i in areas)
    covered = sum(areas[i] for i in whole if i in PROMISE_1956)
    if partial in PROMISE_1956:
        covered += partial_km2
    return Split(
        whole,
        partial,
        partial_km2,
        japan,
        total - japan,
        total,
        promise,
        covered,
        tuple(areas.items()),
    )


def split_by_islands(chosen: Iterable[str], areas: Mapping[str, float]) -> Split:
    """Return the split that gives Japan the chosen whole islands and Russia the rest."""
    if isinstance(chosen, str):
        chosen = [chosen]
    chosen = list(chosen)
    unknown = [c for c in chosen if c not in areas]
    if unknown:
        raise SplitInputError(
            f"{', '.join(map(repr, unknown))} is not one of the islands; choose from {', '.join(areas)}."
        )
    return _build(areas, chosen, None, 0.0)


def split_by_share(percent: float, areas: Mapping[str, float], order: Iterable[str] | None = None) -> Split:
    """Return the split that gives Japan `percent` of the land, whole islands first.

    Islands are handed over in `order` (by default the table order, Habomai, Shikotan,
    Kunashiri, Etorofu: the order in which the settlement options add islands); the island
    where the share runs out is divided, and Japan's part of it is reported in km2.
    """
    try:
        value = float(percent)
    except (TypeError, ValueError):
        raise SplitInputError(f"The share must be a number from 0 to 100, not {percent!r}.") from None
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise SplitInputError(f"The share must be a number from 0 to 100, not {percent!r}.")
    order = list(order) if order is not None else list(areas)
    if sorted(order) != sorted(areas):
        raise SplitInputError("The order must name every island exactly once.")
    target = value / 100 * sum(areas.values())
    whole: list[str] = []
    reached = 0.0
    for island in order:
        if reached + areas[island] <= target + 1e-9:
            whole.append(island)
            reached += areas[island]
            continue
        part = target - reached
        if part >= NEGLIGIBLE_KM2:
            return _build(areas, whole, island, part)
        break
    return _build(areas, whole, None, 0.0)


def _option_islands(row: pd.Series) -> set[str]:
    value = row["islands_to_japan"]
    return set(str(value).split(";")) if isinstance(value, str) and value else set()


def _plus_alpha(row: pd.Series) -> bool:
    return str(row["id"]).endswith("plus-alpha")


def option_shares(options: pd.DataFrame, islands: pd.DataFrame) -> pd.DataFrame:
    """Return each settlement option with Japan's and Russia's land (km2 and percent).

    An option that lists islands gets the share of those whole islands; an option given as a
    share (the equal split) gets that share. `plus_alpha` marks options that add an unspecified
    'alpha' to the islands listed: their figures are for the whole islands alone.
    """
    areas = island_areas(islands)
    total = sum(areas.values())
    rows = []
    for _, row in options.iterrows():
        listed = _option_islands(row)
        unknown = listed - set(areas)
        if unknown:
            raise SplitInputError(f"Option {row['id']!r} names unknown islands: {sorted(unknown)}.")
        given = row["japan_area_share_percent"]
        japan = float(given) / 100 * total if pd.notna(given) else sum(areas[i] for i in listed)
        rows.append(
            {
                "id": row["id"],
                "label": row["label"],
                "islands_to_japan": ";".join(i for i in areas if i in listed),
                "japan_km2": japan,
                "russia_km2": total - japan,
                "japan_percent": 100 * japan / total,
                "russia_percent": 100 * (total - japan) / total,
                "plus_alpha": _plus_alpha(row),
            }
        )
    return pd.DataFrame(rows)


def matching_options(
    split: Split,
    options: pd.DataFrame,
    tolerance: float = TOLERANCE_POINTS,
    names: Mapping[str, str] | None = None,
) -> list[Match]:
    """Return the settlement options a split matches or comes close to, in table order.

    A split matches an option that lists the same whole islands, or that gives Japan the same
    share of land (within `tolerance` percentage points). For a '+ alpha' option, a split that
    adds part of a further island counts as reading the alpha as land.
    """
    names = names or {}
    whole = set(split.japan_islands)
    divided = split.partial_island is not None
    found = []
    for _, row in options.iterrows():
        listed = _option_islands(row)
        given = row["japan_area_share_percent"]
        option_id, label = str(row["id"]), str(row["label"])
        if pd.notna(given):
            if abs(split.japan_percent - float(given)) <= tolerance:
                found.append(Match(option_id, label, f"Japan gets {float(given):g}% of the land"))
            continue
        if _plus_alpha(row):
            if listed == whole and divided:
                part = names.get(split.partial_island, split.partial_island)
                how = f"the islands it lists, with part of {part} as the 'alpha'"
                found.append(Match(option_id, label, how))
            elif listed == whole:
                found.append(Match(option_id, label, "the islands it lists, without the alpha"))
            continue
        if listed == whole and not divided:
            how = "its final outcome" if option_id == "two-first" else "the same islands"
            if not listed:
                how = "no island changes hands"
            found.append(Match(option_id, label, how))
        elif listed and divided:
            areas = dict(split.areas)
            share = 100 * sum(areas[i] for i in listed) / split.total_km2
            if abs(split.japan_percent - share) <= tolerance:
                found.append(Match(option_id, label, f"about the same share of land ({share:.1f}%)"))
    return found
