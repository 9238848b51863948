"""Maps of the region: coastlines, the four islands under both names, lines and range rings."""

from __future__ import annotations

import json
import math
from functools import cache

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection

from .data import load
from .figures import LAND, LEADER, SEA, new_axes
from .paths import data_dir

REGION = (139.0, 41.0, 157.0, 52.0)  # west, south, east, north: the extent of the coastline file
EARTH_RADIUS_KM = 6371.0088


@cache
def _geojson(name: str) -> dict:
    """Return a GeoJSON file of data/geo/, parsed (once per process)."""
    return json.loads((data_dir() / "geo" / name).read_text(encoding="utf-8"))


def coastlines() -> list[dict]:
    """Return the coastline features (land and lakes) of data/geo/coastlines.geojson."""
    return _geojson("coastlines.geojson")["features"]


def _rings(geometry: dict) -> list[list[list[float]]]:
    """Return the outer rings of a Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]


@cache
def _rings_by_level() -> dict[int, list[list[list[float]]]]:
    """Return the coastline's outer rings grouped by level (1 land, 2 lakes...), once per process."""
    levels: dict[int, list] = {}
    for feature in coastlines():
        levels.setdefault(feature["properties"].get("level", 1), []).extend(_rings(feature["geometry"]))
    return levels


def _ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Return (area, x, y) of a ring by the shoelace formula (in degrees, enough to place labels)."""
    x, y = np.asarray(ring, dtype=float).T
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    if abs(area) < 1e-12:
        return 0.0, float(x.mean()), float(y.mean())
    cx = ((x[:-1] + x[1:]) * cross).sum() / (6 * area)
    cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * area)
    return abs(area), float(cx), float(cy)


def island_rings(island: str) -> list[np.ndarray]:
    """Return the outer rings of a disputed island's land (not its lakes), as (lon, lat) arrays."""
    return [
        np.asarray(ring, dtype=float)
        for feature in coastlines()
        if feature["properties"].get("island_id") == island and feature["properties"].get("level") == 1
        for ring in _rings(feature["geometry"])
    ]


def island_positions() -> dict[str, tuple[float, float]]:
    """Return {island id: (lon, lat)}: the area-weighted centre of each disputed island's land."""
    totals: dict[str, list[float]] = {}
    for feature in coastlines():
        island = feature["properties"].get("island_id")
        if not island or feature["properties"].get("level") != 1:
            continue
        for ring in _rings(feature["geometry"]):
            area, cx, cy = _ring_area_centroid(ring)
            weight, sx, sy = totals.get(island, [0.0, 0.0, 0.0])
            totals[island] = [weight + area, sx + area * cx, sy + area * cy]
    return {k: (float(sx / w), float(sy / w)) for k, (w, sx, sy) in totals.items() if w > 0}


def base_map(ax: Axes | None = None, extent: tuple[float, float, float, float] = REGION) -> Axes:
    """Return an Axes with the region's land and sea drawn, at the right shape for its latitude."""
    ax = new_axes(ax, size=(7.5, 6.5))
    west, south, east, north = extent
    ax.set_facecolor(SEA)
    # One collection per level (land, lakes, islands in lakes), drawn in that order: a few hundred
    # coastline rings as separate patches cost a map about 0.3 s more to draw.
    for level, rings in sorted(_rings_by_level().items()):
        colour = LAND if level % 2 == 1 else SEA
        land = PolyCollection(rings, closed=True, facecolors=colour, edgecolors="#8C8C8C", linewidths=0.4)
        land.set_gid(f"coastline-level-{level}")
        ax.add_collection(land, autolim=False)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    # Degrees of longitude shrink with latitude: keep kilometres square in the middle of the map.
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.tick_params(labelsize=8)
    return ax


def label_islands(ax: Axes, offsets: dict[str, tuple[float, float]] | None = None) -> Axes:
    """Write each disputed island's Japanese and Russian names next to it; return ax."""
    names = load("islands").set_index("id")
    shifts = {
        "habomai": (0.35, -0.45),
        "shikotan": (0.5, -0.25),
        "kunashiri": (-1.6, 0.55),
        "etorofu": (0.4, -0.6),
    }
    shifts.update(offsets or {})
    for island, (lon, lat) in island_positions().items():
        row = names.loc[island]
        label = row["name_ja"] if row["name_ja"] == row["name_ru"] else f"{row['name_ja']} / {row['name_ru']}"
        dx, dy = shifts.get(island, (0.3, 0.3))
        ax.annotate(
            label,
            xy=(lon, lat),
            xytext=(lon + dx, lat + dy),
            fontsize=8,
            arrowprops=LEADER,
        )
    return ax


def name_islands_at(
    ax: Axes,
    names: dict[str, str],
    places: dict[str, tuple[tuple[float, float], str, str]],
    fontsize: float = 8,
) -> None:
    """Write each disputed island's names ('Etorofu / Iturup') on two lines at its place in the sea,
    led to the island by a line; places give each island's ((lon, lat), ha, va)."""
    for island, (lon, lat) in island_positions().items():
        (x, y), ha, va = places[island]
        ax.annotate(
            names[island].replace(" / ", " /\n"),
            xy=(lon, lat),
            xytext=(x, y),
            ha=ha,
            va=va,
            fontsize=fontsize,
            linespacing=1.1,
            arrowprops=LEADER,
            zorder=6,
        )


def ring_points(lon: float, lat: float, radius_km: float, steps: int = 180) -> tuple[np.ndarray, np.ndarray]:
    """Return the longitudes and latitudes of a circle of radius_km around a point, on a sphere."""
    bearing = np.linspace(0, 2 * math.pi, steps + 1)
    phi1, lam1 = math.radians(lat), math.radians(lon)
    delta = radius_km / EARTH_RADIUS_KM
    phi2 = np.arcsin(math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * np.cos(bearing))
    lam2 = lam1 + np.arctan2(
        np.sin(bearing) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * np.sin(phi2),
    )
    return np.degrees(lam2), np.degrees(phi2)


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the great-circle distance between two points in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
