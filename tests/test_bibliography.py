"""Readings cited as students can follow them: 'Hirose 2018', linked to one bibliography page."""

from __future__ import annotations

import html
import re

import nbformat
import pytest
from course_root import ROOT

from fourislands import load
from fourislands.bibliography import bibliography_cells, drifted, write_bibliography
from fourislands.lesson import BIBLIOGRAPHY, reading_issue, source_html, source_words
from fourislands.quizbank import bank_files, cite_html, load_bank

HASHED = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")  # a reading's file in the reading pack


@pytest.fixture(scope="module")
def sources():
    return load("sources").set_index("id")


def test_every_reading_has_a_short_name_and_no_outside_source_needs_one(sources):
    readings = sources[sources["kind"] == "reading"]
    assert readings["short"].str.fullmatch(r".+ \(?\d{4}\)?").all(), readings["short"]
    assert readings["short"].is_unique
    assert sources.loc[sources["kind"] != "reading", "short"].isna().all()


def test_a_reading_is_cited_by_its_short_name_linked_to_its_entry(sources):
    assert source_words("hirose2018", sources) == "Hirose 2018"
    linked = source_html("suwang2013", sources)
    assert linked == f'<a href="{BIBLIOGRAPHY}#suwang2013">Su Wang 2013</a>'
    url = sources.loc["mofa-northern-territories", "url"]
    assert source_words("mofa-northern-territories", sources) == f"mofa-northern-territories <{url}>"
    outside = source_html("mofa-northern-territories", sources)
    assert outside.startswith(f'mofa-northern-territories <a href="{html.escape(url, quote=True)}"')
    box = reading_issue("I-1")
    assert not HASHED.search(box.page) and not HASHED.search(repr(box))


def test_the_bibliography_gives_every_source_in_full_with_an_anchor_for_each(sources):
    page = "\n".join(cell.source for cell in bibliography_cells())
    for source_id, row in sources.iterrows():
        assert row["citation"] in page, source_id
        if row["kind"] == "reading":
            assert f'<a id="{source_id}"></a>**{row["short"]}.**' in page
        else:
            # A lesson cites an outside source by outlet and date, linked to its entry here.
            assert f'- <a id="{source_id}"></a>{row["citation"]} <{row["url"]}>' in page
    assert not HASHED.search(page)


def test_the_bibliography_notebook_is_in_step_with_sources_csv(project_copy):
    (project_copy / "notebooks").mkdir()
    (project_copy / "notebooks" / "00-start-here.ipynb").write_bytes(
        (ROOT / "notebooks" / "00-start-here.ipynb").read_bytes()
    )
    assert drifted() and write_bibliography() and not drifted() and not write_bibliography()
    csv = project_copy / "data" / "sources.csv"
    csv.write_text(
        csv.read_text(encoding="utf-8").replace(",Hirose 2018,", ",Hirose (2018),"), encoding="utf-8"
    )
    assert drifted()


def test_the_course_ships_its_bibliography_as_written():
    from fourislands import bibliography

    assert (ROOT / "notebooks" / BIBLIOGRAPHY).exists() and not bibliography.drifted()
    cells = nbformat.read(ROOT / "notebooks" / BIBLIOGRAPHY, as_version=4).cells
    assert all(cell.cell_type == "markdown" for cell in cells)


def test_no_student_facing_text_names_a_reading_by_its_file():
    # The reading pack's file names stay in data/sources.csv: lessons, exercises, apps and quizzes
    # cite readings as students can look them up.
    shown = [p for folder in ("notebooks", "exercises", "apps") for p in (ROOT / folder).glob("*.ipynb")]
    shown += list((ROOT / "data" / "quizzes").glob("*.yaml"))
    named = [p.name for p in shown if HASHED.search(p.read_text(encoding="utf-8"))]
    assert named == []
    for lesson in [path.name[:2] for path in bank_files()]:
        for question in load_bank(lesson).questions:
            assert not HASHED.search(cite_html(question.source)), (lesson, question.id)


# Provenance a student does not read in prose: a row or source id, a confidence grade, a reading's
# number in the reading pack. They belong in the "Sources" disclosure at the end of a cell.
DISCLOSURE = re.compile(r"<details\b.*?</details>", re.DOTALL)
READING_NUMBER = re.compile(r"\b[Rr]eadings? 00[0-4]\b|`00[0-4]`|\(00[0-4][,)]")
CONFIDENCE = re.compile(r"\b(?:high|medium|low) confidence\b")


def row_and_source_ids() -> set[str]:
    """Return every id a data table gives a row or a source."""
    ids = set(load("sources")["id"])
    for table in (ROOT / "data").glob("*.csv"):
        frame = load(table.stem)
        if "id" in frame.columns:
            ids |= set(frame["id"].dropna())
    return ids


LESSON_PAGES = sorted((ROOT / "notebooks").glob("0*.ipynb"))


@pytest.mark.parametrize("path", LESSON_PAGES, ids=[p.stem for p in LESSON_PAGES])
def test_lesson_prose_keeps_ids_and_confidence_in_its_sources_disclosure(path):
    ids = row_and_source_ids()
    shown = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        prose = DISCLOSURE.sub("", cell.source)
        named = [token for token in re.findall(r"`([^`]+)`", prose) if token in ids]
        found = named + READING_NUMBER.findall(prose) + CONFIDENCE.findall(prose)
        found += ["sources.csv"] if "sources.csv" in prose else []
        shown += [f"{cell.id}: {item}" for item in found]
    assert shown == []


def test_a_sources_disclosure_names_only_rows_and_sources_that_exist():
    ids = row_and_source_ids()
    for path in LESSON_PAGES:
        for cell in nbformat.read(path, as_version=4).cells:
            for block in DISCLOSURE.findall(cell.source if cell.cell_type == "markdown" else ""):
                assert "<summary>Sources for this section</summary>" in block or "<summary>Sources" in block
                named = re.findall(r"^- `([^`]+)`", block, re.MULTILINE)
                assert named and set(named) <= ids, (path.name, cell.id, set(named) - ids)


def test_quiz_text_names_readings_as_students_can_look_them_up():
    for bank in sorted((ROOT / "data" / "quizzes").glob("*.yaml")):
        assert not READING_NUMBER.search(bank.read_text(encoding="utf-8")), bank.name
