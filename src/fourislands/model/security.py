"""Lesson 03 logic: launcher sites, ranges and distances, the military timeline's points, leverage."""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass

import pandas as pd

from .. import maps
from ..data import load
from ..dates import decimal_year
from ..errors import DataError
from ..paths import data_dir
from .inputs import finite_number

PLACES_FILE = "places.geojson"
MAP_EXTENT = (141.0, 41.6, 152.6, 48.4)  # west, south, east, north: Soya Strait to Urup
WEST, SOUTH, EAST, NORTH = MAP_EXTENT
STRAIT_KINDS = ("strait", "place")
MAX_RANGE_KM = 1000.0
ISLAND_ORDER = ("etorofu", "kunashiri", "shikotan", "habomai")
# Reading 000's asymmetry: Japan's economic lever, Russia's military one (ids of data rows).
LEVERAGE_ROWS = {
    "Japan: economic": [
        ("economy", "eco-deals-2016-05-eight-point-plan"),
        ("economy", "eco-deals-2016-12-items-68"),
        ("economy", "eco-deals-2016-12-value-300bn-yen"),
        ("economy", "eco-investment-2013-04-jbic"),
    ],
    "Russia: military": [
        ("military", "mil-2016-11-bal-rapprochement"),
        ("military", "mil-2016-11-bastion-rapprochement"),
        ("military", "mil-2017-03-18th-division"),
        ("military", "mil-2018-09-11-vostok-2018-scale"),
    ],
}


# ---------------------------------------------------------------------------- places and ranges


@dataclass(frozen=True)
class Place:
    """A point of data/geo/places.geojson: a launcher site, strait, place or map label."""

    id: str
    kind: str
    label: str
    lon: float
    lat: float
    source_id: str
    quote: str
    schematic: bool
    note: str
    system: str | None = None
    island_id: str | None = None


@dataclass(frozen=True)
class Lane:
    """A sea lane of data/geo/places.geojson: a line drawn through one or more straits."""

    id: str
    label: str
    coordinates: tuple[tuple[float, float], ...]
    source_id: str
    quote: str
    schematic: bool
    end_label: str = ""


@dataclass(frozen=True)
class Launcher:
    """A launcher to draw: where it stands and how far it reaches."""

    label: str
    lon: float
    lat: float
    range_km: float
    system: str | None = None


def _features() -> list[dict]:
    """Return the features of data/geo/places.geojson, or raise a DataError naming the file."""
    path = data_dir() / "geo" / PLACES_FILE
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(path, "file not found") from None
    except json.JSONDecodeError as error:
        raise DataError(path, f"not valid GeoJSON ({error})") from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise DataError(path, "has no 'features' list")
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        missing = [k for k in ("id", "kind", "label", "source_id", "quote") if not props.get(k)]
        if missing or "schematic" not in props:
            raise DataError(path, f"feature {number} lacks {missing or ['schematic']}")
    return features


def load_places(kinds: tuple[str, ...] | None = None) -> list[Place]:
    """Return the points of places.geojson, in file order, keeping only the given kinds."""
    found = []
    for feature in _features():
        if feature["geometry"]["type"] != "Point":
            continue
        props = feature["properties"]
        if kinds is not None and props["kind"] not in kinds:
            continue
        lon, lat = feature["geometry"]["coordinates"]
        found.append(
            Place(
                id=props["id"],
                kind=props["kind"],
                label=props["label"],
                lon=float(lon),
                lat=float(lat),
                source_id=props["source_id"],
                quote=props["quote"],
                schematic=bool(props["schematic"]),
                note=props.get("note", ""),
                system=props.get("system"),
                island_id=props.get("island_id"),
            )
        )
    return found


def load_lanes() -> list[Lane]:
    """Return the sea lanes (LineStrings) of places.geojson."""
    return [
        Lane(
            id=f["properties"]["id"],
            label=f["properties"]["label"],
            coordinates=tuple((float(x), float(y)) for x, y in f["geometry"]["coordinates"]),
            source_id=f["properties"]["source_id"],
            quote=f["properties"]["quote"],
            schematic=bool(f["properties"]["schematic"]),
            end_label=f["properties"].get("end_label", ""),
        )
        for f in _features()
        if f["geometry"]["type"] == "LineString"
    ]


def system_ranges(military: pd.DataFrame) -> dict[str, float]:
    """Return {system: range in km} from the rows of the military table that give a range."""
    ranges: dict[str, float] = {}
    rows = military[military["range_km"].notna()]
    for system, value in zip(rows["system_or_event"], rows["range_km"], strict=True):
        name = str(system).split()[0]
        if name in ranges and ranges[name] != float(value):
            raise DataError("data/military.csv", f"two different ranges for {name}")
        ranges[name] = float(value)
    return ranges


def reported_launchers(military: pd.DataFrame) -> list[Launcher]:
    """Return the launcher sites of places.geojson with the range the military table gives."""
    ranges = system_ranges(military)
    return [
        Launcher(place.label, place.lon, place.lat, ranges[place.system], place.system)
        for place in load_places(("launcher",))
        if place.system in ranges
    ]


def covered(launcher: Launcher, targets: list[Place]) -> list[str]:
    """Return the labels of the targets no further from the launcher than its range."""
    return [
        t.label
        for t in targets
        if maps.distance_km(launcher.lon, launcher.lat, t.lon, t.lat) <= launcher.range_km
    ]


def distance_table(military: pd.DataFrame, targets: list[Place] | None = None) -> pd.DataFrame:
    """Return one row per strait or place: its distance in km from each reported launcher."""
    targets = load_places(STRAIT_KINDS) if targets is None else targets
    launchers = reported_launchers(military)
    table = pd.DataFrame(
        {x.system: [maps.distance_km(x.lon, x.lat, t.lon, t.lat) for t in targets] for x in launchers},
        index=pd.Index([t.label for t in targets], name="place"),
    )
    table.insert(0, "kind", [t.kind for t in targets])
    return table


# ---------------------------------------------------------------------------- a launcher of one's own


@dataclass(frozen=True)
class Reach:
    """What a launcher reaches: ok, a sentence in words, and (label, km) inside and outside."""

    ok: bool
    message: str
    inside: tuple[tuple[str, float], ...] = ()
    outside: tuple[tuple[str, float], ...] = ()

    @property
    def inside_labels(self) -> list[str]:
        return [label for label, _ in self.inside]


def check_launcher(lon, lat, range_km) -> str | None:
    """Return what is wrong with a launcher position and range, in words; None when all is well."""
    names = {"longitude": lon, "latitude": lat, "range": range_km}
    for name, value in names.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            return f"Please give a {name}: it is empty."
        if finite_number(value) is None:
            return f"The {name} must be a number, not {str(value)[:40]!r}."
    lon, lat, range_km = float(lon), float(lat), float(range_km)
    if not WEST <= lon <= EAST:
        return f"The longitude {lon:g}°E is off the map: choose a value from {WEST:g} to {EAST:g}°E."
    if not SOUTH <= lat <= NORTH:
        return f"The latitude {lat:g}°N is off the map: choose a value from {SOUTH:g} to {NORTH:g}°N."
    if range_km <= 0:
        return f"The range must be more than 0 km; {range_km:g} km reaches nothing."
    if range_km > MAX_RANGE_KM:
        return f"{range_km:g} km is beyond what this map can show: choose at most {MAX_RANGE_KM:g} km."
    return None


def places_in_range(lon, lat, range_km, targets: list[Place] | None = None) -> Reach:
    """Return which straits and places lie within range_km of the launcher at (lon, lat).

    A target is inside when its great-circle distance from the launcher is at most the range.
    Bad input gives a Reach with ok False and a message in words, never an exception.
    """
    problem = check_launcher(lon, lat, range_km)
    if problem:
        return Reach(False, problem)
    targets = load_places(STRAIT_KINDS) if targets is None else targets
    measured = sorted(
        ((t.label, maps.distance_km(float(lon), float(lat), t.lon, t.lat)) for t in targets),
        key=lambda pair: pair[1],
    )
    inside = tuple(p for p in measured if p[1] <= float(range_km))
    outside = tuple(p for p in measured if p[1] > float(range_km))
    message = (
        f"A launcher at {float(lat):.2f}°N {float(lon):.2f}°E with a range of "
        f"{float(range_km):g} km reaches {len(inside)} of the {len(measured)} straits and places."
    )
    return Reach(True, message, inside, outside)


def candidate_sites() -> dict[str, tuple[float, float]]:
    """Return {button label: (lon, lat)}: the two reported sites, then the other islands' centres.

    The Bal and Bastion sites are the schematic points of places.geojson; Shikotan and Habomai
    get the centre of their land on the course map (nothing is reported there).
    """
    names = load("islands").set_index("id")
    reported = {p.island_id: p for p in load_places(("launcher",))}
    centres = maps.island_positions()
    sites: dict[str, tuple[float, float]] = {}
    for island in ISLAND_ORDER:
        row = names.loc[island]
        name = (
            row["name_ja"] if row["name_ja"] == row["name_ru"] else (f"{row['name_ja']} / {row['name_ru']}")
        )
        if island in reported:
            place = reported[island]
            sites[f"{name} ({place.system} reported)"] = (place.lon, place.lat)
        else:
            lon, lat = centres[island]
            sites[f"{name} (centre)"] = (round(lon, 2), round(lat, 2))
    return sites


# ---------------------------------------------------------------------------- timeline


def _half_width(precision: str, date: str) -> float:
    """Return half the span a date covers, in years (0 for a day)."""
    if precision == "year":
        return 0.5
    if precision == "month":
        year, month = (int(p) for p in date.split("-")[:2])
        days = 366 if calendar.isleap(year) else 365
        return calendar.monthrange(year, month)[1] / days / 2
    return 0.0


def _short(text: str) -> str:
    """Return an event name without a trailing remark in brackets."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", text).strip()


def _date_text(date: str, precision: str) -> str:
    parts = date.split("-")
    if precision == "year":
        return parts[0]
    month = calendar.month_abbr[int(parts[1])]
    return f"{month} {parts[0]}" if precision == "month" else f"{int(parts[2])} {month} {parts[0]}"


def _names(label: str) -> set[str]:
    """Return the proper names in an event's label ("Bal", "Bastion"), by which two reports match."""
    return set(re.findall(r"\b[A-Z][\w-]+", label)) - {"First", "Second", "Third"}


def _merge_year_reports(points: list[dict]) -> list[dict]:
    """Fold a point dated only to a year into a finer point of the same kind and year that names
    the same things (one reading gives "2016", another "November 2016" for the same missiles)."""
    kept = []
    for point in points:
        finer = [
            other
            for other in points
            if point["precision"] == "year"
            and other is not point
            and other["precision"] != "year"
            and other["kind"] == point["kind"]
            and other["date"][:4] == point["date"]
            and _names(point["label"])
            and _names(point["label"]) <= _names(other["label"])
        ]
        if not finer:
            kept.append(point)
            continue
        target = finer[0]
        target["ids"] += ";" + point["ids"]
        target["sources"] = ";".join(
            dict.fromkeys([*target["sources"].split(";"), *point["sources"].split(";")])
        )
        target["issues"] = ";".join(
            sorted({*filter(None, target["issues"].split(";")), *filter(None, point["issues"].split(";"))})
        )
        target["also_dated"] = point["date_text"]
        target["doubtful"] = target["doubtful"] and point["doubtful"]
    return kept


def timeline_points(
    military: pd.DataFrame, start: int = 2010, end: int = 2019, doubtful_issues: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """Return the dated military rows from start to end, one point per kind and month.

    Rows of one kind in the same month (or, for year-precision rows, the same year) become one
    point: their event names (without remarks in brackets) are joined, their ids, sources and
    reading issues listed. A point dated only to a year that names the same things as a finer
    point of its kind and year joins that point (also_dated keeps its date). A point whose rows
    all carry one of doubtful_issues (reading slips of high severity) is marked doubtful.
    Undated rows and rows outside the window are left out.
    """
    rows = military[military["date"].notna()].copy()
    rows["year"] = rows["date"].str[:4].astype(int)
    rows = rows[(rows["year"] >= start) & (rows["year"] <= end)]
    rows["key"] = rows["date"].str[:7]
    points = []
    for (kind, key), group in rows.groupby(["kind", "key"], sort=False):
        finest = group.loc[group["date"].str.len().idxmax()]
        names = list(dict.fromkeys(group["system_or_event"]))
        if len({_short(n) for n in names}) < len(names):  # one event told twice: drop remarks
            names = list(dict.fromkeys(_short(n) for n in names))
        issues = sorted(set(group["issue_id"].dropna()))
        date, precision = (
            (finest["date"], finest["precision"])
            if len(group) == 1
            else (key, "month" if len(key) == 7 else "year")
        )
        points.append(
            {
                "kind": kind,
                "date": date,
                "precision": precision,
                "x": decimal_year(date),
                "xerr": _half_width(precision, date),
                "label": "; ".join(names),
                "date_text": _date_text(date, precision),
                "also_dated": "",
                "ids": ";".join(group["id"]),
                "sources": ";".join(dict.fromkeys(group["source_id"])),
                "issues": ";".join(issues),
                "doubtful": bool(group["issue_id"].isin(doubtful_issues).all()),
            }
        )
    columns = [
        "kind",
        "date",
        "precision",
        "x",
        "xerr",
        "label",
        "date_text",
        "also_dated",
        "ids",
        "sources",
        "issues",
        "doubtful",
    ]
    return pd.DataFrame(_merge_year_reports(points), columns=columns).sort_values(
        ["x", "kind"], ignore_index=True
    )


# ---------------------------------------------------------------------------- leverage


def leverage_table(economy: pd.DataFrame, military: pd.DataFrame) -> pd.DataFrame:
    """Return reading 000's two levers side by side: Japan's economic, Russia's military."""
    tables = {"economy": economy.set_index("id"), "military": military.set_index("id")}
    rows = []
    for side, picks in LEVERAGE_ROWS.items():
        for table, row_id in picks:
            if row_id not in tables[table].index:
                raise DataError(f"data/{table}.csv", f"no row {row_id!r}")
            row = tables[table].loc[row_id]
            if table == "economy":
                value, unit, what = row["value"], row["unit"], row["indicator"]
            elif pd.notna(row["range_km"]):
                value, unit, what = row["range_km"], "km range", row["system_or_event"]
            else:
                value, unit, what = row["personnel"], "personnel", row["system_or_event"]
            number = float(value)
            rows.append(
                {
                    "lever": side,
                    "what": what,
                    # Counts as counts: a float column would show 68 items as "68.0 items".
                    "figure": int(number) if number.is_integer() else number,
                    "unit": unit,
                    "date": row["date"],
                    "source_id": row["source_id"],
                    "row": row_id,
                }
            )
    return pd.DataFrame(rows)
