"""The data package: valid by Frictionless, every row sourced, every number in its quote."""

from __future__ import annotations

import json
import re

import frictionless
import pandas as pd
import pytest
from course_root import ROOT

from fourislands import load, table_names
from fourislands.data import package

DATA = ROOT / "data"
NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ],
        start=1,
    )
}
NUMBER = re.compile(r"([-\u2212]?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
# Columns that are ordinals or identifiers, not facts a source states.
NOT_FACTS = {"position"}


def numbers_in(text: str) -> set[float]:
    """Return every number written in text, as digits (1,400 or 1400) or as a word up to twenty."""
    found = set()
    for sign, digits in NUMBER.findall(text):
        value = float(digits.replace(",", ""))
        # "-7.8%" is negative, but "2003-2008" is a range: a minus sign counts both ways.
        found |= {value, -value} if sign else {value}
    for word in re.findall(r"[a-z]+", text.lower()):
        stem = word.removesuffix("fold")
        if stem in NUMBER_WORDS:
            found.add(float(NUMBER_WORDS[stem]))
    return found


def content_tables() -> list[str]:
    """Return the tables whose rows carry a source_id and a quote."""
    return [n for n in table_names() if {"source_id", "quote"} <= set(load(n).columns)]


def test_numbers_in_reads_digits_separators_and_words():
    assert numbers_in("rose fivefold to about $30 billion, 1,400 km, 63.3% and three days") == {
        5.0,
        30.0,
        1400.0,
        63.3,
        3.0,
    }
    assert 63.4 not in numbers_in("63.3%")
    assert {-7.8, 2003.0, 2008.0} <= numbers_in("fell to -7.8% in 2003-2008")


def test_package_is_valid_by_frictionless():
    report = frictionless.validate(DATA / "datapackage.json")
    problems = report.flatten(["resourceName", "rowNumber", "fieldName", "message"])
    assert report.valid, problems[:10]


def test_every_table_on_disk_is_described_and_every_field_documented():
    described = {r["path"] for r in package()["resources"]}
    on_disk = {p.name for p in DATA.glob("*.csv")}
    assert described == on_disk
    for resource in package()["resources"]:
        assert resource.get("title") and resource.get("description"), resource["name"]
        for field in resource["schema"]["fields"]:
            where = f"{resource['name']}.{field['name']}"
            assert field.get("type") in {"string", "integer", "number", "boolean"}, where
            assert field.get("description"), where
            assert "unit" in field, where
            assert "required" in field.get("constraints", {}), where


def test_every_source_id_resolves_and_every_source_is_used():
    sources = load("sources")
    known = set(sources["id"])
    used = set()
    for name in content_tables():
        table = load(name)
        for column in [c for c in table.columns if c.endswith("source_id")]:
            ids = set(table[column].dropna())
            assert ids <= known, f"{name}.{column}: unknown sources {ids - known}"
            used |= ids
    issues = load("reading_issues")
    for column in ("printed_in", "checked_by"):
        for cell in issues[column].dropna():
            assert set(cell.split(";")) <= known
    used |= set(issues["outside_source_id"].dropna())
    for geo in (DATA / "geo").glob("*.geojson"):
        cited = {f["properties"].get("source_id") for f in json.loads(geo.read_text())["features"]} - {None}
        assert cited <= known, f"{geo.name}: unknown sources {cited - known}"
        used |= cited
    assert known - used == set(), "sources listed but never cited"


def test_sources_are_complete_citations():
    sources = load("sources")
    readings = sources[sources["kind"] == "reading"]
    assert len(readings) == 5
    assert readings["file"].str.fullmatch(r"00[0-4]_[0-9a-f]{16}\.txt").all()
    outside = sources[sources["kind"] == "outside"]
    assert outside["url"].str.startswith("http").all()
    assert outside["confidence"].isin(["high", "medium"]).all()
    assert outside["file"].isna().all()


@pytest.mark.parametrize(
    "name",
    [
        "timeline",
        "negotiations",
        "military",
        "economy",
        "islands",
        "settlement_options",
        "nhk_survey",
        "opinion_polls",
        "meeting_counts",
        "plan_items",
    ],
)
def test_every_number_in_a_row_appears_in_its_quote(name):
    resource = next(r for r in package()["resources"] if r["name"] == name)
    numeric = [
        f["name"]
        for f in resource["schema"]["fields"]
        if f["type"] in {"integer", "number"} and f["name"] not in NOT_FACTS
    ]
    table = load(name)
    missing = []
    for row in table.itertuples(index=False):
        found = numbers_in(row.quote)
        for column in numeric:
            value = getattr(row, column)
            if pd.notna(value) and float(value) not in found:
                missing.append(f"{row.id}: {column}={value}")
    assert not missing, missing


def test_dates_match_their_precision_and_say_how_they_were_resolved():
    lengths = {"year": 4, "month": 7, "day": 10}
    for name in content_tables():
        table = load(name)
        date_column = "as_of" if "as_of" in table.columns else "date"
        if date_column not in table.columns:
            continue
        for row in table.dropna(subset=[date_column]).itertuples(index=False):
            date = getattr(row, date_column)
            assert len(date) == lengths[row.precision], f"{name} {row.id}: {date} vs {row.precision}"
            if date[:4] not in row.quote:
                assert pd.notna(row.date_note), f"{name} {row.id}: year not in quote, no date_note"


def test_timeline_origin_matches_the_kind_of_its_source():
    kinds = load("sources").set_index("id")["kind"]
    timeline = load("timeline")
    assert (timeline["origin"] == timeline["source_id"].map(kinds)).all()
    assert timeline["date"].str[:4].astype(int).min() < 1800
    assert timeline["date"].str[:4].astype(int).max() >= 2022
    assert set(timeline["theme"]) >= {"war", "treaty", "summit", "military", "economy", "opinion"}


def test_nhk_survey_is_complete_and_each_row_sums_to_100():
    survey = load("nhk_survey")
    assert len(survey) == 102
    shape = survey.groupby("question_id").size().to_dict()
    assert shape == {"T1": 24, "T2": 24, "T3": 24, "T4": 30}
    sums = survey.groupby(["question_id", "group", "year"])["percent"].sum()
    assert len(sums) == 24
    off = sums[(sums - 100).abs() > 0.2]
    assert off.empty, off


def test_nhk_survey_keeps_the_printed_figures():
    survey = load("nhk_survey")
    # Table 1, former residents, 1991: the reading prints 63.3 / 13.4 / 20.6 / 2.7.
    cells = survey[
        (survey["question_id"] == "T1") & (survey["group"] == "former_residents") & (survey["year"] == 1991)
    ]
    assert sorted(cells["percent"].tolist()) == [2.7, 13.4, 20.6, 63.3]


def test_disputed_polls_show_every_reading_and_name_the_issue():
    polls = load("opinion_polls")
    disputed = polls[polls["disputed"]]
    assert not disputed.empty
    for poll, rows in disputed.groupby("poll"):
        assert rows["source_id"].nunique() >= 2, poll
        assert rows["issue_id"].notna().all(), poll
    assert {
        "mainichi-2013-03",
        "mainichi-2016",
        "levada-2016",
        "russia-2016-hirose",
        "russia-2011-hirose",
    } <= set(polls["poll"])


def test_islands_have_both_names_and_areas():
    islands = load("islands").set_index("id")
    assert set(islands.index) == {"habomai", "shikotan", "kunashiri", "etorofu"}
    assert islands["area_km2"].gt(0).all()
    assert islands.loc["etorofu", "name_ru"] == "Iturup"
    assert islands["area_km2"].idxmax() == "etorofu"


def test_settlement_options_name_real_islands():
    islands = set(load("islands")["id"])
    options = load("settlement_options")
    assert {"four", "two", "three"} <= set(options["id"])
    for row in options.itertuples(index=False):
        if pd.notna(row.islands_to_japan):
            assert set(row.islands_to_japan.split(";")) <= islands, row.id
        else:
            assert pd.notna(row.japan_area_share_percent) or row.id == "none", row.id


def test_issue_ids_resolve():
    known = set(load("reading_issues")["id"])
    assert len(known) == 55
    for name in content_tables():
        table = load(name)
        if "issue_id" in table.columns:
            assert set(table["issue_id"].dropna()) <= known, name


# A file name in text a student reads: it must be one the student can open.
FILE_NAME = re.compile(r"[\w./-]+\.(?:md|txt|csv|json|yaml|ipynb|py)\b")
# Text a student reads: every string column but the verbatim ones and the ids.
VERBATIM = {"quote", "names_quote", "printed", "file", "url"}
# A reading named by its bare file number ("000 says"), not by author or title.
BARE_READING = re.compile(r"(?<![\w.,-])00[0-4](?![\w,])")
NAMED_READING = re.compile(r"(Hirose|Su Wang|Miller|Rapprochement'|Upper Hand'|reading)\s?\(?$")


def _student_text(name: str):
    resource = next(r for r in package()["resources"] if r["name"] == name)
    columns = [
        f["name"]
        for f in resource["schema"]["fields"]
        if f["type"] == "string" and f["name"] not in VERBATIM and not f["name"].endswith("id")
    ]
    table = load(name)
    for row in table.to_dict("records"):
        for column in columns:
            if isinstance(row[column], str):
                yield f"{name} {row.get('id')} {column}", row[column]


@pytest.mark.parametrize("name", table_names())
def test_text_names_only_files_the_course_has(name):
    readings = set(load("sources")["file"].dropna())
    found = [
        f"{where}: {file}"
        for where, text in _student_text(name)
        for file in FILE_NAME.findall(text)
        if file not in readings and not (ROOT / file).exists() and not (ROOT / "data" / file).exists()
    ]
    assert not found, found


@pytest.mark.parametrize("name", table_names())
def test_text_names_readings_by_author_or_title_not_by_bare_number(name):
    found = []
    for where, text in _student_text(name):
        for match in BARE_READING.finditer(text):
            if not NAMED_READING.search(text[: match.start()].rstrip(", ")):
                found.append(f"{where}: ...{text[max(0, match.start() - 30) : match.end() + 20]}")
    assert not found, found


def test_date_notes_read_after_the_card_label_date():
    # The negotiation cards print "Date: " + date_note, so a note must not start with "Date".
    for name in content_tables():
        table = load(name)
        if "date_note" in table.columns:
            starts = table["date_note"].dropna().str.match(r"(?i)date\b")
            assert not starts.any(), list(table.loc[starts[starts].index, "id"])


def test_both_names_of_habomai_are_capitalised_alike():
    islands = load("islands").set_index("id")
    assert islands.loc["habomai", "name_ja"] == "Habomai Islands"
    assert islands.loc["habomai", "name_ru"] == "Khabomai Islands"
