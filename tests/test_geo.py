"""The coastline GeoJSON: small, inside its box, detailed enough for the Habomai islets."""

from __future__ import annotations

import json

import pytest
from course_root import ROOT

GEO = ROOT / "data" / "geo"
BOX = (139.0, 41.0, 157.0, 52.0)  # west, south, east, north
HABOMAI = (145.5, 43.2, 146.25, 43.6)
SHIKOTAN = (146.5, 43.7, 147.0, 43.95)


@pytest.fixture(scope="module")
def coastlines() -> dict:
    return json.loads((GEO / "coastlines.geojson").read_text(encoding="utf-8"))


def rings(geometry: dict) -> list[list[list[float]]]:
    """Return the outer rings of a Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]


def centres_in(collection: dict, box: tuple[float, float, float, float]) -> int:
    """Return how many outer rings have their mean point inside box."""
    west, south, east, north = box
    count = 0
    for feature in collection["features"]:
        for ring in rings(feature["geometry"]):
            lon = sum(p[0] for p in ring) / len(ring)
            lat = sum(p[1] for p in ring) / len(ring)
            count += west <= lon <= east and south <= lat <= north
    return count


def test_file_is_small_enough():
    assert (GEO / "coastlines.geojson").stat().st_size < 300 * 1024


def test_is_a_feature_collection_of_closed_polygons_inside_the_box(coastlines):
    assert coastlines["type"] == "FeatureCollection"
    west, south, east, north = BOX
    for feature in coastlines["features"]:
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        for ring in rings(feature["geometry"]):
            assert ring[0] == ring[-1] and len(ring) >= 4
            for lon, lat in ring:
                assert west - 1e-6 <= lon <= east + 1e-6 and south - 1e-6 <= lat <= north + 1e-6


def test_habomai_islets_and_shikotan_show(coastlines):
    assert centres_in(coastlines, HABOMAI) >= 5, "the Habomai islets must be separate polygons"
    assert centres_in(coastlines, SHIKOTAN) >= 1


def test_the_big_islands_are_named_in_both_languages(coastlines):
    names = {(f["properties"].get("name_ja"), f["properties"].get("name_ru")) for f in coastlines["features"]}
    flat = {n for pair in names for n in pair if n}
    assert {
        "Etorofu",
        "Iturup",
        "Kunashiri",
        "Kunashir",
        "Shikotan",
        "Hokkaido",
        "Sakhalin",
    } <= flat


def test_licence_and_provenance_ship_with_it():
    licence = (GEO / "LICENSE-GSHHG.txt").read_text(encoding="utf-8")
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in licence and "Version 3" in licence
    readme = (GEO / "README.md").read_text(encoding="utf-8")
    assert "GSHHG" in readme and "modified" in readme.lower()
    assert "tools/make_coastlines.py" in readme
    assert (ROOT / "tools" / "make_coastlines.py").is_file()
