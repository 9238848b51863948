"""Lesson 01 logic: the timeline's eras, themes and sources, the border lines, and who held what."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..data import load, resource
from ..dates import date_span, decimal_year, year_of
from ..errors import DataError
from ..paths import data_dir
from ..words import and_list

BORDERS_FILE = "borders.geojson"
# The areas borders.geojson says who held, in the order holdings() lists them.
REGION_ORDER = ["northern-sakhalin", "southern-sakhalin", "northern-kurils", "four-islands"]
ALL_ERAS = "All"
# What the student picks -> the origin value in the timeline table (None: both).
ORIGINS = {"all sources": None, "readings": "reading", "outside sources": "outside"}
LIST_LIMIT = 12
# The kinds of event events_by_decade counts, in the order its columns come.
DECADE_KINDS = ("reading", "outside, same period", "outside, after the readings")


@dataclass(frozen=True)
class Era:
    """A stretch of time the explorer can show: events that begin between first and last."""

    label: str
    first: dt.date | None
    last: dt.date | None
    about: str

    def holds(self, date: str) -> bool:
        """Return True when an event with this date begins inside the era."""
        start = date_span(date)[0]
        return (self.first is None or start >= self.first) and (self.last is None or start <= self.last)


@dataclass
class Selection:
    """What a filter found: the events (possibly none), a sentence about them, and whether it worked."""

    events: pd.DataFrame
    message: str
    ok: bool
    after: pd.Series = field(default_factory=lambda: pd.Series(dtype=bool))


# --- the timeline -----------------------------------------------------------------------------


def readings_end(timeline: pd.DataFrame) -> str:
    """Return the date of the latest event that one of the five readings reports."""
    reported = timeline.loc[timeline["origin"] == "reading", "date"]
    if reported.empty:
        raise DataError("data/timeline.csv", "no row comes from a reading")
    return max(reported, key=lambda d: date_span(d)[1])


def after_readings(timeline: pd.DataFrame) -> pd.Series:
    """Return True for the events that begin after the last event any reading reports."""
    end = date_span(readings_end(timeline))[1]
    return timeline["date"].map(lambda d: date_span(d)[0] > end).astype(bool)


def month_label(date: str) -> str:
    """Return a date as a reader says it: '2018-09' -> 'Sep 2018', '1951' -> '1951'."""
    first, last = date_span(date)
    if first.year == last.year and first.month == 1 and last.month == 12:
        return str(first.year)
    if first == last:
        return f"{first.day} {first:%b %Y}"
    return f"{first:%b %Y}"


def themes() -> list[str]:
    """Return the timeline's themes in the order its schema lists them."""
    for column in resource("timeline")["schema"]["fields"]:
        if column["name"] == "theme":
            return list(column["constraints"]["enum"])
    raise DataError("data/datapackage.json", "the timeline has no 'theme' column")


def chronological(frame: pd.DataFrame) -> pd.DataFrame:
    """Return timeline rows in date order (by the first day each date covers; ties keep their order)."""
    return frame.loc[frame["date"].map(lambda d: date_span(d)[0]).sort_values(kind="stable").index]


def source_ids(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Return the reading ids and the outside source ids behind some timeline rows."""
    readings = sorted(frame.loc[frame["origin"] == "reading", "source_id"].unique())
    outside = sorted(frame.loc[frame["origin"] == "outside", "source_id"].unique())
    return readings, outside


def events_by_decade(timeline: pd.DataFrame) -> pd.DataFrame:
    """Return how many events each decade holds, one column per kind of DECADE_KINDS.

    The index runs over every decade (1850, 1860, ...) from the first event's to the last's,
    empty decades included; an event after the readings counts as that kind whatever its origin.
    """
    decade = timeline["date"].map(year_of) // 10 * 10
    kind = pd.Series(DECADE_KINDS[1], index=timeline.index)
    kind[timeline["origin"] == "reading"] = DECADE_KINDS[0]
    kind[after_readings(timeline)] = DECADE_KINDS[2]
    return pd.crosstab(decade, kind).reindex(
        index=range(int(decade.min()), int(decade.max()) + 1, 10), columns=list(DECADE_KINDS), fill_value=0
    )


# --- choosing events --------------------------------------------------------------------------


def eras(timeline: pd.DataFrame) -> list[Era]:
    """Return the eras of the course, the last two split where the readings end."""
    end = date_span(readings_end(timeline))[1]
    return [
        Era(ALL_ERAS, None, None, "every event in the timeline"),
        Era("to 1905", None, dt.date(1905, 12, 31), "first contact and the treaties of 1855-1905"),
        Era("1906-1950", dt.date(1906, 1, 1), dt.date(1950, 12, 31), "the Pacific war and 1945"),
        Era("1951-1990", dt.date(1951, 1, 1), dt.date(1990, 12, 31), "San Francisco, 1956, Cold War"),
        Era("1991-2012", dt.date(1991, 1, 1), dt.date(2012, 12, 31), "Yeltsin, Putin, Medvedev"),
        Era(
            f"2013-{month_label(readings_end(timeline))}",
            dt.date(2013, 1, 1),
            end,
            "Abe and Putin, to the last event the readings report",
        ),
        Era(
            "after the readings",
            end + dt.timedelta(days=1),
            None,
            "events the readings could not report: outside sources only",
        ),
    ]


def filter_events(
    timeline: pd.DataFrame,
    era: object = ALL_ERAS,
    chosen_themes: object = None,
    origin: object = "all sources",
) -> Selection:
    """Return the events of an era, in the chosen themes, from the chosen kind of source.

    chosen_themes: an iterable of theme names (None: every theme). origin: 'all sources',
    'readings' or 'outside sources'. A choice that cannot be used comes back as a Selection with
    ok False and a message that says what to do; this function does not raise on bad choices.
    """
    empty = timeline.iloc[0:0]
    known_eras = {e.label: e for e in eras(timeline)}
    if not isinstance(era, str) or era not in known_eras:
        return Selection(
            empty, f"There is no era {era!r}. Choose one of {and_list(known_eras, quoted=True)}.", False
        )
    all_themes = themes()
    if chosen_themes is None:
        wanted = list(all_themes)
    elif isinstance(chosen_themes, str) or not isinstance(chosen_themes, Iterable):
        return Selection(empty, "Give the themes as a list of names, e.g. ['war', 'treaty'].", False)
    else:
        wanted = list(chosen_themes)
        unknown = [t for t in wanted if t not in all_themes]
        if unknown:
            message = (
                f"Unknown theme {and_list(map(str, unknown), quoted=True)}; "
                f"the themes are {and_list(all_themes, quoted=True)}."
            )
            return Selection(empty, message, False)
    if not wanted:
        return Selection(empty, "Tick at least one theme to see its events.", False)
    if not isinstance(origin, str) or origin not in ORIGINS:
        message = f"There is no source choice {origin!r}. Choose one of {and_list(ORIGINS, quoted=True)}."
        return Selection(empty, message, False)
    chosen = known_eras[era]
    mask = timeline["date"].map(chosen.holds).astype(bool) & timeline["theme"].isin(wanted)
    if ORIGINS[origin] is not None:
        mask &= timeline["origin"] == ORIGINS[origin]
    events = timeline[mask]
    after = after_readings(timeline)[mask]
    if events.empty:
        message = (
            f"No event matches: era '{era}', source '{origin}', themes {and_list(wanted, quoted=True)}. "
            "Tick more themes or choose another era."
        )
        # Neutral: why an era holds no event of the readings is a question the lesson asks.
        return Selection(events, message, False, after)
    years = events["date"].map(lambda d: date_span(d)[0].year)
    n_reading = int((events["origin"] == "reading").sum())
    n_outside = len(events) - n_reading
    message = (
        f"{len(events)} event{'s' if len(events) != 1 else ''}, {years.min()} to {years.max()}: "
        f"{n_reading} reported in the readings, {n_outside} from outside sources"
    )
    message += f", {int(after.sum())} of them after the readings." if after.any() else "."
    return Selection(events, message, True, after)


def event_lines(selection: Selection, limit: int = LIST_LIMIT) -> list[str]:
    """Return one line per event, in date order, at most limit, then how many more there are."""
    if not selection.ok:
        return []
    names = load("sources").set_index("id")["short"]
    order = chronological(selection.events)
    lines = []
    for index in order.index[: max(limit, 0)]:
        row = selection.events.loc[index]
        where = (
            names[row["source_id"]] if row["origin"] == "reading" else f"outside source {row['source_id']}"
        )
        tag = " [after the readings]" if bool(selection.after.get(index, False)) else ""
        lines.append(f"{row['date']}: {row['event']} ({row['theme']}; {where}){tag}")
    more = len(order) - len(lines)
    if more > 0:
        lines.append(f"... and {more} more: choose a narrower era or fewer themes to see them.")
    return lines


# --- the border lines -------------------------------------------------------------------------


def border_lines(timeline: pd.DataFrame) -> pd.DataFrame:
    """Return the lines of data/geo/borders.geojson, in date order, with their date and year.

    Columns: id, layer (the year, as text), year, date, label, kind, timeline_id, source_id,
    quote, schematic, note, held (dict region -> holder), lon, lat (lists of coordinates).
    """
    path = data_dir() / "geo" / BORDERS_FILE
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise DataError(path, f"cannot be read as GeoJSON ({error})") from None
    dates = timeline.set_index("id")["date"]
    rows = []
    for feature in collection["features"]:
        props = feature["properties"]
        if props["timeline_id"] not in dates.index:
            raise DataError(path, f"{props['id']}: no timeline row {props['timeline_id']!r}")
        date = dates[props["timeline_id"]]
        lon, lat = zip(*feature["geometry"]["coordinates"], strict=True)
        year = year_of(date)
        rows.append({**props, "layer": str(year), "year": year, "date": date, "lon": lon, "lat": lat})
    return pd.DataFrame(rows).sort_values("date", key=lambda d: d.map(decimal_year))


def holdings(timeline: pd.DataFrame) -> pd.DataFrame:
    """Return who held each region from one line to the next: region, start, end, holder.

    The last period runs to the year of the latest event in the timeline.
    """
    lines = border_lines(timeline)
    end_year = max(year_of(d) for d in timeline["date"])
    starts = list(lines["year"]) + [end_year]
    rows = []
    for (_, line), start, end in zip(lines.iterrows(), starts[:-1], starts[1:], strict=True):
        for region in REGION_ORDER:
            rows.append({"region": region, "start": start, "end": end, "holder": line["held"][region]})
    return pd.DataFrame(rows)


def layer_choice(ticked: Mapping[str, object], known: Iterable[str]) -> tuple[list[str], str]:
    """Return the layers to draw, in date order, and a sentence about them.

    ticked: {layer: ticked?}, e.g. {'1855': True, '1875': False}. Unknown layers and values that
    are not True or False are reported in the sentence and left out.
    """
    known = list(known)
    if not isinstance(ticked, Mapping):
        return [], "Give the layers as a mapping such as {'1855': True}."
    unknown = [str(k) for k in ticked if k not in known]
    chosen = [layer for layer in known if ticked.get(layer) is True]
    notes = []
    if unknown:
        notes.append(f"There is no line {and_list(unknown, quoted=True)}; the lines are {and_list(known)}.")
    odd = [str(k) for k, v in ticked.items() if k in known and not isinstance(v, bool)]
    if odd:
        notes.append(f"Tick or untick {and_list(odd, quoted=True)} (True or False).")
    if chosen:
        lines = and_list(chosen)
        notes.insert(0, f"Showing the {lines} line{'s' if len(chosen) > 1 else ''}.")
    else:
        notes.insert(0, "No line is ticked: the map shows the islands only. Tick a year to draw it.")
    return chosen, " ".join(notes)


# --- the legal texts --------------------------------------------------------------------------


@dataclass(frozen=True)
class LegalPeriod:
    """A stretch of the legal record the cards group texts by: texts dated on or before last."""

    label: str
    last: dt.date | None


# The periods of the legal record, in order; a text belongs to the first whose end it does not pass.
LEGAL_PERIODS = (
    LegalPeriod("Before the war: the treaty border", dt.date(1940, 12, 31)),
    LegalPeriod("War aims and wartime agreements", dt.date(1945, 8, 31)),
    LegalPeriod("Surrender, occupation and the peace treaty", dt.date(1951, 12, 31)),
    LegalPeriod("The Joint Declaration and the Cold War", dt.date(1990, 12, 31)),
    LegalPeriod("After the Soviet Union", None),
)
# The legal_texts columns the cards and the grouping read.
LEGAL_COLUMNS = ("id", "date", "text", "japan_reading", "russia_reading", "settles", "source_id", "quote")


def legal_order(texts: pd.DataFrame) -> pd.DataFrame:
    """Return legal_texts rows in date order (by the first day each date covers; ties keep their order)."""
    missing = [c for c in LEGAL_COLUMNS if c not in texts.columns]
    if missing:
        raise DataError("data/legal_texts.csv", f"the rows lack the columns {and_list(missing, quoted=True)}")
    return texts.loc[texts["date"].map(lambda d: date_span(d)[0]).sort_values(kind="stable").index]


def legal_period(date: str) -> LegalPeriod:
    """Return the period of LEGAL_PERIODS a date falls in (by the first day it covers)."""
    start = date_span(date)[0]
    return next(p for p in LEGAL_PERIODS if p.last is None or start <= p.last)


def legal_periods(texts: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Return the texts grouped by period, in time order: (heading, rows in date order) for each
    period that holds a text. The heading names the years its texts span: 'War aims and wartime
    agreements, 1941-1945'."""
    ordered = legal_order(texts)
    periods = ordered["date"].map(legal_period)
    groups = []
    for period in LEGAL_PERIODS:
        rows = ordered[periods == period]
        if rows.empty:
            continue
        first, last = year_of(rows["date"].iloc[0]), max(year_of(d) for d in rows["date"])
        years = str(first) if first == last else f"{first}-{last}"
        groups.append((f"{period.label}, {years}", rows))
    return groups
