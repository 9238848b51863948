"""Lesson 07 logic: scoring a role-play package against each side's red lines and each side's public.

The seminar is set in a scenario: 2026 (the default: the red lines that bind now) or 2018 (the red
lines as the readings report them). Each row of data/red_lines.csv says in which scenarios it binds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import pandas as pd

from ..data import load
from ..errors import DataError
from ..words import and_list
from .negotiations import (
    PROMISE_1956,
    Split,
    island_areas,
    island_names,
    split_by_islands,
    split_by_share,
)

SIDES = {"japan": "Japan", "russia": "Russia"}

# The parts of a package other than territory: value -> (short label, what it means).
SECURITY = {
    "none": ("No security clause", "The package says nothing about forces on the islands that change hands."),
    "no-foreign-forces": (
        "No foreign forces or bases",
        "No US or other foreign forces or bases on the islands that change hands; the Japan-US "
        "alliance is otherwise unchanged.",
    ),
    "demilitarised": (
        "Demilitarised islands",
        "No armed forces of any country on the islands that change hands.",
    ),
    "outside-treaty": (
        "Outside the Japan-US treaty",
        "The islands that change hands are excluded from the Japan-US Security Treaty.",
    ),
}
ECONOMY = {
    "none": ("No economic part", "The package has no economic cooperation."),
    "eight-point-plan": (
        "Eight-point plan",
        "Abe's eight-point economic cooperation plan: health, cities, small firms, energy, "
        "industry, the Far East, technology and people-to-people exchanges.",
    ),
    "joint-special": (
        "Joint activities, special legal system",
        "Joint economic activities on the islands that stay Russian, under a special legal system "
        "agreed by both sides (Japan's proposal).",
    ),
    "joint-russian-law": (
        "Joint activities, Russian law",
        "Joint economic activities on the islands that stay Russian, under Russian law (Russia's position).",
    ),
}
ACCESS = {
    "visa-free": (
        "Visa-free visits",
        "Former residents and their families may visit the islands that stay Russian without "
        "visas, as under the earlier visa-free exchanges.",
    ),
    "grave-visits": ("Grave visits only", "Former residents may visit family graves, and nothing more."),
    "none": ("No access", "No arrangement for former residents."),
}

KEPT, PARTLY, CROSSED, NOT_AT_STAKE = "kept", "partly kept", "crossed", "not at stake"
VALUES = {KEPT: 1.0, PARTLY: 0.5, CROSSED: 0.0}

# Each red line's illustrative weight and its few words for verdicts and charts are in
# data/red_line_scoring.csv (the course's choice, not the readings': see data/README.md).
WEIGHTINGS = {"illustrative": "illustrative weights", "equal": "every line counts the same"}

# The seminar's scenarios (the values of red_lines.scenarios): which red lines bind. 2026 is the
# default; 2018 is for a class that reads the readings as of their own date.
SCENARIOS = {
    "2026": "the red lines that bind in 2026",
    "2018": "the red lines of 2018, as the readings report them",
}
DEFAULT_SCENARIO = "2026"

# Settlement options that hand over islands in two steps: the first step is the 1956 promise.
PHASED = frozenset({"two-first"})
# '+ alpha' options whose alpha is land: Hirose's '3 + alpha' divides the land by area, so it is
# drawn as the option named here (the equal split). Togo and Panov's '2 + alpha' leaves its alpha open.
ALPHA_AS = {"three-plus-alpha": "equal-area"}

# The poll rows the publics are read from (ids of opinion_polls and nhk_survey).
POLL_IDS = {
    "four": "mainichi-2016-four-islands-hirose",
    "flexible": "mainichi-2016-flexible-hirose",
    "uninterested": "mainichi-2016-not-interested-hirose",
    "against": "levada-2016-against-transfer-kremlin",
    "keep": "levada-2016-keep-islands-kremlin",
    "credibility": "levada-2016-putin-credibility-kremlin",
}
SURVEY_IDS = {
    "visit": "t4-former-residents-2015-visit-freely",
    "together": "t4-former-residents-2015-live-together",
    "only": "t4-former-residents-2015-only-japanese",
}
# The poll rows the opinion chart shows, group by group (ids of opinion_polls / nhk_survey).
OPINION_GROUPS = (
    (
        "Japanese public: Mainichi 2016",
        "opinion_polls",
        (
            "mainichi-2016-flexible-hirose",
            "mainichi-2016-four-islands-hirose",
            "mainichi-2016-not-interested-hirose",
        ),
    ),
    (
        "Former residents: NHK 2015, best solution",
        "nhk_survey",
        (
            "t4-former-residents-2015-visit-freely",
            "t4-former-residents-2015-live-together",
            "t4-former-residents-2015-only-japanese",
        ),
    ),
    (
        "Russian public: Levada 2016",
        "opinion_polls",
        (
            "levada-2016-against-transfer-kremlin",
            "levada-2016-keep-islands-kremlin",
            "levada-2016-putin-credibility-kremlin",
        ),
    ),
)

# ---------------------------------------------------------------------------- plain values


@dataclass(frozen=True)
class Package:
    """A proposal: a settlement option id and one choice for security, economy and access."""

    territory: str
    security: str = "none"
    economy: str = "none"
    access: str = "none"


@dataclass(frozen=True)
class Territory:
    """What a settlement option does with the land."""

    option_id: str
    label: str
    short_label: str
    split: Split
    names: Mapping[str, str]
    phased: bool
    plus_alpha: bool
    source_id: str

    @property
    def transfer(self) -> bool:
        """True when any land changes hands."""
        return self.split.japan_km2 > 0

    @property
    def all_four(self) -> bool:
        """True when every island ends up with Japan."""
        return len(self.split.japan_islands) == len(self.split.areas)

    @property
    def promise_only(self) -> bool:
        """True when Japan gets exactly the two islands the 1956 Declaration names."""
        return set(self.split.japan_islands) == set(PROMISE_1956) and self.split.partial_island is None

    @property
    def later(self) -> tuple[str, ...]:
        """The islands a phased option hands over in its second step."""
        if not self.phased:
            return ()
        return tuple(i for i in self.split.japan_islands if i not in PROMISE_1956)

    def to_japan(self) -> str:
        """Japan's part in words: 'Habomai and Shikotan', 'no island'."""
        parts = [self.names[i] for i in self.split.japan_islands]
        if self.split.partial_island:
            parts.append(f"part of {self.names[self.split.partial_island]}")
        return and_list(parts) or "no island"

    def with_russia(self) -> str:
        """Russia's part in words."""
        whole = [i for i, _ in self.split.areas if i not in self.split.japan_islands]
        parts = [
            (f"the rest of {self.names[i]}" if i == self.split.partial_island else self.names[i])
            for i in whole
        ]
        return and_list(parts) or "no island"


@dataclass(frozen=True)
class LineCheck:
    """One red line checked against a package."""

    id: str
    side: str
    kind: str
    short: str
    statement: str
    status: str
    reason: str
    weight: float
    source_id: str
    quote: str
    issue_id: str | None

    @property
    def value(self) -> float | None:
        """1 kept, 0.5 partly kept, 0 crossed, None not at stake."""
        return VALUES.get(self.status)


@dataclass(frozen=True)
class OpinionCheck:
    """How one poll's respondents would receive a package: a share from 0 to 100, in words."""

    side: str
    group: str
    poll: str
    measure: str
    score: float
    reason: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class PackageScore:
    """A package scored: every red line checked, every poll read, or a message if it was bad."""

    ok: bool
    message: str
    package: Package | None = None
    territory: Territory | None = None
    lines: tuple[LineCheck, ...] = ()
    opinions: tuple[OpinionCheck, ...] = ()
    weighting: str = "illustrative"
    scenario: str = DEFAULT_SCENARIO

    def _lines(self, side: str, status: str | None = None) -> list[LineCheck]:
        return [c for c in self.lines if c.side == side and (status is None or c.status == status)]

    def red_line_score(self, side: str) -> float | None:
        """The weighted share (0-100) of the side's red lines at stake that the package keeps."""
        at_stake = [c for c in self._lines(side) if c.value is not None]
        total = sum(c.weight for c in at_stake)
        if not total:
            return None
        return 100 * sum(c.weight * c.value for c in at_stake) / total

    def crossed(self, side: str) -> list[LineCheck]:
        """The side's red lines the package crosses."""
        return self._lines(side, CROSSED)

    def partly(self, side: str) -> list[LineCheck]:
        """The side's red lines the package keeps only in part."""
        return self._lines(side, PARTLY)

    def opinion(self, side: str) -> list[OpinionCheck]:
        """The polls read for one side."""
        return [o for o in self.opinions if o.side == side]

    def parts(self) -> list[tuple[str, str]]:
        """The package's four parts as (part, label)."""
        if not self.package or not self.territory:
            return []
        return [
            ("Territory", self.territory.label),
            ("Security on transferred islands", SECURITY[self.package.security][0]),
            ("Economy", ECONOMY[self.package.economy][0]),
            ("Access for former residents", ACCESS[self.package.access][0]),
        ]

    @property
    def summary(self) -> str:
        """The package in one line."""
        return "; ".join(f"{_lower_first(part)}: {_lower_first(label)}" for part, label in self.parts())

    @property
    def short_summary(self) -> str:
        """The package in a few words, for a title."""
        if not self.package or not self.territory:
            return ""
        return " + ".join(
            [
                self.territory.short_label,
                _lower_first(SECURITY[self.package.security][0]),
                _lower_first(ECONOMY[self.package.economy][0]),
                _lower_first(ACCESS[self.package.access][0]),
            ]
        )

    @property
    def common_ground(self) -> bool:
        """True when neither side has a red line crossed."""
        return self.ok and not self.crossed("japan") and not self.crossed("russia")


@dataclass(frozen=True)
class Evidence:
    """What the scoring reads from data/: red lines, their weights and names, the options' land, the polls."""

    red_lines: tuple[dict, ...]
    territories: Mapping[str, Territory]
    polls: Mapping[str, float]
    survey: Mapping[str, float]
    poll_sources: Mapping[str, str]
    weights: Mapping[str, int]
    short_names: Mapping[str, str]

    def binding(self, scenario: str) -> tuple[dict, ...]:
        """Return the red lines that bind in a scenario ('2026' or '2018'), in table order."""
        return tuple(row for row in self.red_lines if scenario in row["scenarios"])


def _lower_first(text: str) -> str:
    """Return text with its first letter in lower case ('Eight-point plan' -> 'eight-point plan')."""
    return text[:1].lower() + text[1:]


def _short_label(label: str) -> str:
    """Return an option's label without its explanation in brackets."""
    return label.split(" (")[0]


def _territories(options: pd.DataFrame, islands: pd.DataFrame) -> dict[str, Territory]:
    areas = island_areas(islands)
    names = island_names(islands)
    rows = options.set_index("id")
    found = {}
    for option_id, row in rows.iterrows():
        drawn = (
            rows.loc[ALPHA_AS[option_id]]
            if option_id in ALPHA_AS and ALPHA_AS[option_id] in rows.index
            else row
        )
        share = drawn["japan_area_share_percent"]
        if pd.notna(share):
            split = split_by_share(float(share), areas)
        else:
            listed = drawn["islands_to_japan"]
            split = split_by_islands(listed.split(";") if isinstance(listed, str) and listed else [], areas)
        found[str(option_id)] = Territory(
            option_id=str(option_id),
            label=str(row["label"]),
            short_label=_short_label(str(row["label"])),
            split=split,
            names=names,
            phased=option_id in PHASED,
            plus_alpha=str(option_id).endswith("plus-alpha"),
            source_id=str(row["source_id"]),
        )
    return found


def evidence(
    red_lines: pd.DataFrame | None = None,
    settlement_options: pd.DataFrame | None = None,
    islands: pd.DataFrame | None = None,
    opinion_polls: pd.DataFrame | None = None,
    nhk_survey: pd.DataFrame | None = None,
    red_line_scoring: pd.DataFrame | None = None,
) -> Evidence:
    """Return what the scoring needs from data/ (each table loaded unless given).

    Raises DataError when a red line has no scoring rule or no weight, a rule or a weight has no
    red line, or a poll row the scoring reads is missing: those are faults of the data or the
    course, not of a student.
    """
    red_lines = load("red_lines") if red_lines is None else red_lines
    settlement_options = load("settlement_options") if settlement_options is None else settlement_options
    islands = load("islands") if islands is None else islands
    opinion_polls = load("opinion_polls") if opinion_polls is None else opinion_polls
    nhk_survey = load("nhk_survey") if nhk_survey is None else nhk_survey
    scoring = load("red_line_scoring") if red_line_scoring is None else red_line_scoring
    ids = list(red_lines["id"])
    without_rule = [i for i in ids if i not in RULES]
    if without_rule:
        raise DataError("data/red_lines.csv", f"no scoring rule for red lines {without_rule}", column="id")
    without_row = [i for i in RULES if i not in ids]
    if without_row:
        raise DataError("data/red_lines.csv", f"no rows for the scored red lines {without_row}", column="id")
    weighed = list(scoring["red_line_id"])
    without_weight = [i for i in ids if i not in weighed]
    if without_weight:
        raise DataError(
            "data/red_line_scoring.csv", f"no weight for the red lines {without_weight}", column="red_line_id"
        )
    without_line = [i for i in weighed if i not in ids]
    if without_line:
        raise DataError(
            "data/red_line_scoring.csv", f"weights for no red line: {without_line}", column="red_line_id"
        )
    polls = opinion_polls.set_index("id")
    survey = nhk_survey.set_index("id")
    for table, frame, wanted in (
        ("opinion_polls", polls, POLL_IDS.values()),
        ("nhk_survey", survey, SURVEY_IDS.values()),
    ):
        missing = [i for i in wanted if i not in frame.index]
        if missing:
            raise DataError(f"data/{table}.csv", f"no rows with ids {missing}", column="id")
    records = tuple(
        {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
        for row in red_lines.to_dict("records")
    )
    records = tuple(row | {"scenarios": _scenarios_of(row)} for row in records)
    for scenario in SCENARIOS:
        sides = {row["side"] for row in records if scenario in row["scenarios"]}
        if sides != set(SIDES):
            raise DataError(
                "data/red_lines.csv",
                f"the scenario {scenario} needs red lines of both sides, found {sorted(sides)}",
                column="scenarios",
            )
    return Evidence(
        red_lines=records,
        territories=_territories(settlement_options, islands),
        polls={k: float(polls.loc[v, "percent"]) for k, v in POLL_IDS.items()},
        survey={k: float(survey.loc[v, "percent"]) for k, v in SURVEY_IDS.items()},
        poll_sources={k: str(polls.loc[v, "source_id"]) for k, v in POLL_IDS.items()}
        | {k: str(survey.loc[v, "source_id"]) for k, v in SURVEY_IDS.items()},
        weights=_column(scoring, "weight", int),
        short_names=_column(scoring, "short_name", str),
    )


def _scenarios_of(row: Mapping) -> tuple[str, ...]:
    """Return the scenarios a red-line row binds in ('2018;2026' -> ('2018', '2026'))."""
    cell = row.get("scenarios")
    found = tuple(cell.split(";")) if isinstance(cell, str) and cell else ()
    unknown = [s for s in found if s not in SCENARIOS]
    if not found or unknown:
        raise DataError(
            "data/red_lines.csv",
            f"red line {row.get('id')!r} binds in {cell!r}: give one or more of {and_list(SCENARIOS)}, "
            "separated by ';'",
            column="scenarios",
        )
    return found


def _column(scoring: pd.DataFrame, column: str, kind: type) -> dict:
    """Return {red line id: value} of one column of the red_line_scoring table, as plain values."""
    return {str(i): kind(v) for i, v in zip(scoring["red_line_id"], scoring[column], strict=True)}


def presets() -> dict[str, tuple[str, str, str, str]]:
    """Return the role-play's starting positions (button label -> package), from data/roleplay_presets.csv."""
    table = load("roleplay_presets")
    return {
        str(row.label): (str(row.territory), str(row.security), str(row.economy), str(row.access))
        for row in table.itertuples(index=False)
    }


# ---------------------------------------------------------------------------- the rules

Rule = Callable[[Territory, Package], tuple[str, str]]


def _japan_all_four(t: Territory, p: Package) -> tuple[str, str]:
    if t.all_four:
        steps = ", in two steps" if t.phased else ""
        return KEPT, f"All four islands end up with Japan{steps}."
    if not t.transfer:
        return CROSSED, "No island changes hands: Japan gets none of the four."
    return CROSSED, (
        f"Japan would get {t.to_japan()} ({t.split.japan_percent:.1f}% of the land), not all four islands."
    )


def _japan_two_first(t: Territory, p: Package) -> tuple[str, str]:
    if t.phased:
        return KEPT, (
            "Habomai and Shikotan come first and the package recognises all four islands as "
            "Japanese: the condition Tokyo attached to 'two first'."
        )
    if set(t.split.japan_islands) == set(PROMISE_1956):
        return CROSSED, (
            "Habomai and Shikotan go to Japan without Russia recognising the other two islands as "
            "Japanese; Tokyo accepted 'two first' only on that condition."
        )
    return NOT_AT_STAKE, "The package does not hand over Habomai and Shikotan on their own."


def _japan_before_treaty(t: Territory, p: Package) -> tuple[str, str]:
    if t.transfer:
        return KEPT, "The territory is settled in the same deal as the peace treaty."
    return CROSSED, "A treaty with no island changing hands is what Japan has refused: islands first."


def _japan_alliance(t: Territory, p: Package) -> tuple[str, str]:
    if not t.transfer:
        return NOT_AT_STAKE, "No island changes hands, so nothing is asked of the alliance."
    if p.security == "outside-treaty":
        return CROSSED, (
            "Carving the transferred islands out of the Japan-US Security Treaty limits the treaty "
            "Japan calls the foundation of its security."
        )
    if p.security == "none":
        return KEPT, "The alliance is untouched."
    return KEPT, (
        f"The treaty still covers the transferred islands; the package only adds: "
        f"{SECURITY[p.security][1][0].lower()}{SECURITY[p.security][1][1:]}"
    )


def _joint_at_stake(t: Territory, p: Package) -> str | None:
    if p.economy not in ("joint-special", "joint-russian-law"):
        return "The package has no joint economic activities."
    if t.all_four:
        return "Every island goes to Japan, so there are no Russian-held islands for joint activities."
    return None


def _japan_special_law(t: Territory, p: Package) -> tuple[str, str]:
    reason = _joint_at_stake(t, p)
    if reason:
        return NOT_AT_STAKE, reason
    if p.economy == "joint-special":
        return (
            KEPT,
            f"Joint activities on {t.with_russia()} run under a special legal system, as Japan proposed.",
        )
    return CROSSED, (
        f"Joint activities under Russian law would mean accepting Russian jurisdiction on "
        f"{t.with_russia()}, which Japan claims."
    )


def _japan_cooperation(t: Territory, p: Package) -> tuple[str, str]:
    if p.economy == "none":
        return NOT_AT_STAKE, "The package offers no economic cooperation."
    if t.transfer:
        return KEPT, "Japan's economic offer comes with a territorial settlement, as Tokyo intended."
    return CROSSED, (
        "Japan would give economic cooperation while no island changes hands: the 'eating and "
        "running' Japanese critics feared."
    )


def _japan_access(t: Territory, p: Package) -> tuple[str, str]:
    if t.all_four:
        return NOT_AT_STAKE, "Every island comes back to Japan, so former residents need no special access."
    if p.access == "visa-free":
        return KEPT, f"Former residents can visit {t.with_russia()} freely, without visas."
    if p.access == "grave-visits":
        return PARTLY, (
            "Grave visits meet the wish the reading singles out, but not the free access "
            "former residents ask for."
        )
    return CROSSED, f"Former residents get no way to reach {t.with_russia()}."


def _russia_sovereignty(t: Territory, p: Package) -> tuple[str, str]:
    if not t.transfer:
        return KEPT, "All four islands stay Russian."
    if set(t.split.japan_islands) == set(PROMISE_1956) and t.split.partial_island is None:
        return PARTLY, (
            f"Russia would give up Habomai and Shikotan, which the 1956 Declaration it ratified already "
            f"promises, and keep {t.with_russia()}."
        )
    return CROSSED, (
        f"Russia would give up {t.to_japan()} ({t.split.japan_percent:.1f}% of the land), more than "
        "any text it has signed."
    )


def _russia_1956(t: Territory, p: Package) -> tuple[str, str]:
    if not t.transfer:
        return NOT_AT_STAKE, "No island changes hands."
    if t.promise_only and t.plus_alpha:
        return PARTLY, (
            "The two islands of 1956, plus an 'alpha' concerning the other two that no text Russia "
            "has signed contains."
        )
    if t.promise_only and not t.phased:
        return KEPT, (
            "Exactly the two islands the 1956 Declaration names; Moscow would still say the terms "
            "and the sovereignty are open."
        )
    if t.phased:
        return CROSSED, "'Two first' makes the two 1956 islands a first step towards all four."
    return (
        CROSSED,
        "The package goes beyond Shikotan and Habomai, the only islands the 1956 Declaration names.",
    )


def _russia_no_us_forces(t: Territory, p: Package) -> tuple[str, str]:
    if not t.transfer:
        return NOT_AT_STAKE, "No island changes hands."
    if p.security == "none":
        return CROSSED, (
            "Nothing keeps US forces or bases off the islands that change hands: "
            "Patrushev's question stays open."
        )
    return (
        KEPT,
        f"{SECURITY[p.security][0]}: no US forces or bases could be placed on the islands that change hands.",
    )


def _russia_outside_treaty(t: Territory, p: Package) -> tuple[str, str]:
    if not t.transfer:
        return NOT_AT_STAKE, "No island changes hands."
    if p.security == "outside-treaty":
        return (
            KEPT,
            "The transferred islands are excluded from the Japan-US Security Treaty, as Patrushev asked.",
        )
    if p.security == "demilitarised":
        return (
            PARTLY,
            "No forces of any country on the transferred islands, but the treaty would still cover them.",
        )
    return CROSSED, "The transferred islands would still fall under the Japan-US Security Treaty."


def _russia_no_condition(t: Territory, p: Package) -> tuple[str, str]:
    if p.economy == "none":
        return KEPT, "Nothing in the package ties Japanese money to territory."
    if not t.transfer:
        return KEPT, "Economic cooperation without territorial strings, as Putin described it."
    return PARTLY, (
        "Japanese economic cooperation and a transfer of land in one package: Moscow would insist "
        "that the two are separate, since Putin said he would not sell territory."
    )


def _russia_law(t: Territory, p: Package) -> tuple[str, str]:
    reason = _joint_at_stake(t, p)
    if reason:
        return NOT_AT_STAKE, reason
    if p.economy == "joint-russian-law":
        return KEPT, f"Joint activities on {t.with_russia()} run under Russian law."
    return (
        CROSSED,
        f"A special legal system would limit Russian law on {t.with_russia()}, which Russia calls its own.",
    )


def _russia_no_preconditions(t: Territory, p: Package) -> tuple[str, str]:
    if not t.transfer:
        return KEPT, "A treaty with no territorial condition attached, as Putin proposed."
    if t.phased:
        return CROSSED, "Recognising all four islands as Japanese becomes a condition of the deal."
    if t.promise_only and not t.plus_alpha:
        return KEPT, "The 1956 order: the treaty first, the two islands after it."
    return PARTLY, "The treaty comes with a territorial settlement attached, not 'without any preconditions'."


# ---------------------------------------------------------------------------- lines that bind in 2026


def _japan_inherent_territory(t: Territory, p: Package) -> tuple[str, str]:
    if t.all_four:
        steps = ", in two steps" if t.phased else ""
        return (
            KEPT,
            f"All four islands end up with Japan{steps}: "
            "Japan accepts Russian sovereignty over none of them.",
        )
    if not t.transfer:
        return CROSSED, (
            "A treaty that leaves all four islands with Russia would accept what Japan's 2022 wording calls "
            "an illegal occupation."
        )
    return CROSSED, (
        f"Japan would accept Russian sovereignty over {t.with_russia()}, which its 2022 wording calls "
        "inherent Japanese territory, illegally occupied."
    )


def _japan_sanctions(t: Territory, p: Package) -> tuple[str, str]:
    if p.economy == "none":
        return KEPT, "The package asks nothing of the sanctions Japan has kept on Russia since 2022."
    if p.economy == "eight-point-plan":
        return CROSSED, (
            "Reviving Abe's eight-point plan of economic cooperation with Russia would cut across the "
            "sanctions Japan has kept since 2022."
        )
    return PARTLY, (
        "Joint business on the islands is smaller than the eight-point plan, but it still means new "
        "economic ties with Russia while Japan keeps its sanctions."
    )


def _russia_no_ceding(t: Territory, p: Package) -> tuple[str, str]:
    if not t.transfer:
        return KEPT, "No Russian territory changes hands, as the amended constitution requires."
    if t.promise_only:
        return PARTLY, (
            "Only Habomai and Shikotan, the islands the 1956 Declaration names, change hands. The "
            "amended article excepts the delimitation and demarcation of borders, and the transfer might "
            "be presented as one; otherwise it is a cession the constitution bans."
        )
    return CROSSED, (
        f"Handing over {t.to_japan()} goes beyond the two islands of 1956: a cession of territory that the "
        "constitution has banned since 2020."
    )


def _russia_war_outcome(t: Territory, p: Package) -> tuple[str, str]:
    if not t.transfer:
        return KEPT, "Every island stays Russian, as the outcome of the war Lavrov asked Japan to recognise."
    if t.promise_only and not t.plus_alpha:
        return PARTLY, (
            "Only the two islands of 1956, the basis Lavrov named; but he asked Japan first to "
            "recognise Russian sovereignty over all the islands, these two included, and the package "
            "does not say it does."
        )
    if t.plus_alpha:
        return CROSSED, (
            "The 'alpha' keeps a Japanese claim beyond the 1956 islands on the table: not the recognition "
            "Lavrov asked for as the very first step."
        )
    return CROSSED, (
        f"Japan would get {t.to_japan()}, more than the 1956 islands: it would not have recognised Russian "
        "sovereignty over all the islands first, as Lavrov asked."
    )


def _russia_no_treaty_while_unfriendly(t: Territory, p: Package) -> tuple[str, str]:
    if p.economy == "eight-point-plan":
        return KEPT, (
            "The package brings back Japanese economic cooperation: the change in relations Moscow says a "
            "treaty needs."
        )
    if p.economy == "none":
        return CROSSED, (
            "Nothing in the package changes what Moscow calls Japan's unfriendly stance, its sanctions: the "
            "Kremlin says a treaty is impossible without a change in relations."
        )
    return PARTLY, (
        "Joint activities on the islands are some cooperation, but not the wider change in relations Moscow "
        "asks for while Japan's sanctions stand."
    )


RULES: dict[str, Rule] = {
    "japan-all-four-islands": _japan_all_four,
    "japan-two-first-only-if-four": _japan_two_first,
    "japan-islands-before-treaty": _japan_before_treaty,
    "japan-alliance-stays": _japan_alliance,
    "japan-special-legal-system": _japan_special_law,
    "japan-cooperation-for-progress": _japan_cooperation,
    "japan-former-residents-access": _japan_access,
    "japan-inherent-territory-2022": _japan_inherent_territory,
    "japan-sanctions-kept": _japan_sanctions,
    "russia-sovereignty-unquestionable": _russia_sovereignty,
    "russia-1956-terms-open": _russia_1956,
    "russia-no-us-forces": _russia_no_us_forces,
    "russia-outside-security-treaty": _russia_outside_treaty,
    "russia-economy-no-condition": _russia_no_condition,
    "russia-russian-law": _russia_law,
    "russia-treaty-without-preconditions": _russia_no_preconditions,
    "russia-no-ceding-territory-2020": _russia_no_ceding,
    "russia-war-outcome-first": _russia_war_outcome,
    "russia-no-treaty-while-unfriendly": _russia_no_treaty_while_unfriendly,
}


# ---------------------------------------------------------------------------- the publics


def _japanese_public(t: Territory, ev: Evidence) -> OpinionCheck:
    four, flexible, uninterested = ev.polls["four"], ev.polls["flexible"], ev.polls["uninterested"]
    if t.all_four:
        against = 0.0
        reason = (
            f"Both the {four:g}% who want all four islands and the {flexible:g}% who want Japan to be "
            "flexible can accept a package that returns all four; no answer in the poll goes against it."
        )
    elif t.transfer:
        against = four
        reason = (
            f"The {flexible:g}% who said Japan should respond flexibly 'without regard to the return of "
            f"four islands' can accept it; the {four:g}% who want all four cannot."
        )
    else:
        against = four + flexible
        reason = (
            f"No answer asked for no return: the {four:g}% who want all four islands and the {flexible:g}% "
            f"who want a flexible deal both go against it. Those left are the {uninterested:g}% not "
            "interested and those who gave none of the three answers."
        )
    return OpinionCheck(
        "japan",
        "Japanese public",
        "Mainichi 2016",
        "not against",
        100 - against,
        reason + f" Not against: {100 - against:g}%.",
        (ev.poll_sources["four"],),
    )


def _former_residents(t: Territory, p: Package, ev: Evidence) -> OpinionCheck:
    visit, together, only = ev.survey["visit"], ev.survey["together"], ev.survey["only"]
    met, notes = 0.0, []
    if t.all_four or p.access == "visa-free":
        met += visit
        how = "every island comes back" if t.all_four else "visa-free visits"
        notes.append(f"the {visit:g}% who want to 'visit freely even without living rights' get it ({how})")
    else:
        notes.append(
            f"the {visit:g}% who want to 'visit freely' do not"
            + (" (grave visits are less)" if p.access == "grave-visits" else "")
        )
    if t.transfer:
        met += together
        notes.append(
            f"the {together:g}% who want Japanese and Russians to live together can, on {t.to_japan()}"
        )
    else:
        notes.append(
            f"the {together:g}% who want Japanese and Russians to live together cannot: no island returns"
        )
    notes.append(
        f"the {only:g}% who want only Japanese to live there are not counted, since no package here "
        "says what happens to the Russian residents"
    )
    return OpinionCheck(
        "japan",
        "Former residents",
        "NHK 2015",
        "best solution met",
        round(met, 1),
        "Of former residents in 2015, " + "; ".join(notes) + f". Best solution met: {round(met, 1):g}%.",
        (ev.poll_sources["visit"],),
    )


def _russian_public(t: Territory, p: Package, ev: Evidence) -> OpinionCheck:
    against, keep, credibility = ev.polls["against"], ev.polls["keep"], ev.polls["credibility"]
    if t.transfer:
        score = 100 - against
        reason = (
            f"{against:g}% were against transferring the islands to Japan, and {credibility:g}% thought a "
            "return would affect Putin's credibility."
        )
        if p.economy != "none":
            reason += (
                f" The economic part does not buy them over: {keep:g}% said keeping the islands matters more "
                "than a peace treaty plus Japanese investment and technology."
            )
    else:
        score = 100.0
        reason = f"No island changes hands, so the {against:g}% against a transfer have nothing to oppose."
    return OpinionCheck(
        "russia",
        "Russian public",
        "Levada 2016",
        "not against",
        score,
        reason + f" Not against: {score:g}%.",
        (ev.poll_sources["against"],),
    )


def opinion_rows(opinion_polls: pd.DataFrame, nhk_survey: pd.DataFrame) -> pd.DataFrame:
    """Return the rows the opinion chart shows: group, answer, percent, source, in chart order."""
    tables = {
        "opinion_polls": opinion_polls.set_index("id"),
        "nhk_survey": nhk_survey.set_index("id"),
    }
    rows = []
    for group, table, ids in OPINION_GROUPS:
        frame = tables[table]
        missing = [i for i in ids if i not in frame.index]
        if missing:
            raise DataError(f"data/{table}.csv", f"no rows with ids {missing}")
        for row_id in ids:
            row = frame.loc[row_id]
            answer = row["statement"] if table == "opinion_polls" else row["answer"]
            rows.append(
                {
                    "group": group,
                    "table": table,
                    "id": row_id,
                    "answer": answer,
                    "percent": float(row["percent"]),
                    "source_id": row["source_id"],
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- scoring


def check_package(territory, security, economy, access, ev: Evidence) -> str | None:
    """Return what is wrong with a package's choices, in words; None when every choice is known."""
    for part, value, known in (
        ("territory option", territory, list(ev.territories)),
        ("security choice", security, list(SECURITY)),
        ("economy choice", economy, list(ECONOMY)),
        ("access choice", access, list(ACCESS)),
    ):
        if value is None or (isinstance(value, str) and not value.strip()):
            return f"Please choose a {part}: it is empty. Choose one of {and_list(known, quoted=True)}."
        if not isinstance(value, str) or value not in known:
            return f"There is no {part} {str(value)[:40]!r}. Choose one of {and_list(known, quoted=True)}."
    return None


def _weights(weighting: str, weights: Mapping[str, int]) -> Mapping[str, float]:
    return {k: 1.0 for k in weights} if weighting == "equal" else {k: float(v) for k, v in weights.items()}


def score_package(
    territory="two",
    security="none",
    economy="none",
    access="none",
    *,
    weighting: str = "illustrative",
    scenario: str = DEFAULT_SCENARIO,
    ev: Evidence | None = None,
) -> PackageScore:
    """Return a package scored against the red lines that bind in a scenario and the three polls.

    territory: a settlement option id ('four', 'two', 'two-first', 'three', 'equal-area', 'none'
    ...); security: 'none', 'no-foreign-forces', 'demilitarised' or 'outside-treaty'; economy:
    'none', 'eight-point-plan', 'joint-special' or 'joint-russian-law'; access: 'visa-free',
    'grave-visits' or 'none'; scenario: '2026' (the red lines that bind now, the default) or '2018'
    (the readings' red lines). A Package may be given as the first argument instead. Bad choices
    come back with ok False and a message in words.
    """
    if isinstance(territory, Package):
        territory, security, economy, access = (
            territory.territory,
            territory.security,
            territory.economy,
            territory.access,
        )
    if weighting not in WEIGHTINGS:
        return PackageScore(
            False,
            f"There is no weighting {str(weighting)[:40]!r}. "
            f"Choose one of {and_list(WEIGHTINGS, quoted=True)}.",
        )
    if not isinstance(scenario, str) or scenario not in SCENARIOS:
        return PackageScore(
            False,
            f"There is no scenario {str(scenario)[:40]!r}. Choose one of {and_list(SCENARIOS, quoted=True)}.",
            weighting=weighting,
        )
    ev = evidence() if ev is None else ev
    problem = check_package(territory, security, economy, access, ev)
    if problem:
        return PackageScore(False, problem, weighting=weighting, scenario=scenario)
    package = Package(territory, security, economy, access)
    land = ev.territories[territory]
    weights = _weights(weighting, ev.weights)
    lines = []
    for row in ev.binding(scenario):
        status, reason = RULES[row["id"]](land, package)
        lines.append(
            LineCheck(
                id=row["id"],
                side=row["side"],
                kind=row["kind"],
                short=ev.short_names[row["id"]],
                statement=row["statement"],
                status=status,
                reason=reason,
                weight=weights[row["id"]],
                source_id=row["source_id"],
                quote=row["quote"],
                issue_id=row["issue_id"],
            )
        )
    opinions = (
        _japanese_public(land, ev),
        _former_residents(land, package, ev),
        _russian_public(land, package, ev),
    )
    result = PackageScore(True, "", package, land, tuple(lines), opinions, weighting, scenario)
    return replace(result, message=verdict(result))


def verdict(score: PackageScore) -> str:
    """Return the package's verdict in a few sentences: the scenario, each side's score and crossed lines."""
    if not score.ok:
        return score.message
    sentences = [f"Scored against {SCENARIOS[score.scenario]}."]
    for side, name in SIDES.items():
        crossed = score.crossed(side)
        partly = score.partly(side)
        value = score.red_line_score(side)
        text = f"{name} keeps {value:.0f}% of its red lines at stake ({WEIGHTINGS[score.weighting]})"
        if crossed:
            text += f"; crossed: {and_list(c.short for c in crossed)}"
        if partly:
            text += f"; kept only in part: {and_list(c.short for c in partly)}"
        sentences.append(text + ".")
    if score.common_ground:
        sentences.append("Neither side has a red line crossed: this package is common ground.")
    else:
        sentences.append(
            "At least one red line is crossed, so one side would have to move for this package to be signed."
        )
    return " ".join(sentences)


def all_packages(ev: Evidence | None = None) -> list[Package]:
    """Return every package the explorer can build, territory options in table order."""
    ev = evidence() if ev is None else ev
    return [Package(*choice) for choice in itertools.product(ev.territories, SECURITY, ECONOMY, ACCESS)]


def _known(weighting: str, scenario: str) -> None:
    """Raise ValueError, in words, for a weighting or a scenario the scoring does not know."""
    for what, value, known in (("weighting", weighting, WEIGHTINGS), ("scenario", scenario, SCENARIOS)):
        if not isinstance(value, str) or value not in known:
            raise ValueError(
                f"There is no {what} {str(value)[:40]!r}. Choose one of {and_list(known, quoted=True)}."
            )


def package_table(
    weighting: str = "illustrative", ev: Evidence | None = None, scenario: str = DEFAULT_SCENARIO
) -> pd.DataFrame:
    """Return every package with each side's red-line score, crossed lines and public shares.

    The scores are against the red lines of `scenario` ('2026' by default, or '2018'), which the
    column `scenario` repeats on every row.
    """
    _known(weighting, scenario)
    ev = evidence() if ev is None else ev
    rows = []
    for package in all_packages(ev):
        score = score_package(package, weighting=weighting, scenario=scenario, ev=ev)
        public = {o.group: o.score for o in score.opinions}
        rows.append(
            {
                "territory": package.territory,
                "territory_label": score.territory.short_label,
                "security": package.security,
                "economy": package.economy,
                "access": package.access,
                "japan_score": score.red_line_score("japan"),
                "russia_score": score.red_line_score("russia"),
                "japan_crossed": len(score.crossed("japan")),
                "russia_crossed": len(score.crossed("russia")),
                "japanese_public": public["Japanese public"],
                "former_residents": public["Former residents"],
                "russian_public": public["Russian public"],
                "scenario": scenario,
            }
        )
    return pd.DataFrame(rows)


def closest_packages(
    n: int = 5, weighting: str = "illustrative", ev: Evidence | None = None, scenario: str = DEFAULT_SCENARIO
) -> pd.DataFrame:
    """Return the n packages with the fewest red lines of a scenario crossed on both sides together.

    Ties are broken by the better score of the side that does worse.
    """
    table = package_table(weighting, ev, scenario)
    table["crossed"] = table["japan_crossed"] + table["russia_crossed"]
    table["worse_side"] = table[["japan_score", "russia_score"]].min(axis=1)
    ranked = table.sort_values(["crossed", "worse_side"], ascending=[True, False], kind="stable")
    columns = [
        "territory_label",
        "security",
        "economy",
        "access",
        "japan_crossed",
        "russia_crossed",
        "japan_score",
        "russia_score",
    ]
    return ranked[columns].head(max(int(n), 0)).round(0).reset_index(drop=True)


def weights_table(weighting: str = "illustrative", scenario: str = DEFAULT_SCENARIO) -> pd.DataFrame:
    """Return each red line that binds in a scenario with its weight and its share of its side's total."""
    _known(weighting, scenario)
    lines = load("red_lines")
    binds = [scenario in _scenarios_of(row) for row in lines.to_dict("records")]
    table = lines.loc[binds, ["id", "side", "kind"]].reset_index(drop=True)
    scoring = load("red_line_scoring")
    weights = _weights(weighting, _column(scoring, "weight", int))
    table["red line"] = table["id"].map(_column(scoring, "short_name", str))
    table["weight"] = table["id"].map(weights)
    table["share of side (%)"] = (
        100 * table["weight"] / table.groupby("side")["weight"].transform("sum")
    ).round(1)
    if (table["weight"] == table["weight"].round()).all():
        table["weight"] = table["weight"].astype(int)  # whole weights print as 3, not 3.0
    return table
