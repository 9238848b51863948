"""Every problem in a data file is a DataError naming file, row and column, rows counted as in the file."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from test_load import csv_rows, rewrite_cell, write_rows

from fourislands import DataError, describe, lesson_table, load, paths
from fourislands.data import package

NUMBER_COLUMNS = [
    (table["name"], field["name"])
    for table in package()["resources"]
    for field in table["schema"]["fields"]
    if field["type"] == "number"
]


def load_error(table: str) -> DataError:
    """Return the DataError that loading table raises."""
    with pytest.raises(DataError) as caught:
        load(table)
    return caught.value


def set_header_name(path, old: str, new: str) -> None:
    """Rename one column in the header line of a CSV file, leaving every other byte as it is."""
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    names = header.split(",")
    names[names.index(old)] = new
    path.write_text(",".join(names) + "\n" + rest, encoding="utf-8")


@pytest.mark.parametrize("digits", ["２５１", "٢٥١", "२५१"], ids=["full-width", "arabic-indic", "devanagari"])
@pytest.mark.parametrize(
    ("table", "row", "column"), [("islands", 3, "area_km2"), ("nhk_survey", 5, "percent")]
)
def test_digits_other_than_0_to_9_are_a_data_error_at_their_cell(project_copy, digits, table, row, column):
    rewrite_cell(project_copy / "data" / f"{table}.csv", row, column, digits)
    error = load_error(table)
    assert (error.row, error.column) == (row, column)
    assert f"{table}.csv" in error.file
    assert repr(digits) in str(error) and "0-9" in str(error)


@pytest.mark.parametrize("value", ["1e999", "-1E400", "inf", "-Infinity", "nan"])
@pytest.mark.parametrize(("table", "column"), NUMBER_COLUMNS)
def test_a_number_that_is_not_finite_is_refused_in_every_number_column(project_copy, table, column, value):
    rewrite_cell(project_copy / "data" / f"{table}.csv", 2, column, value)
    error = load_error(table)
    assert (error.row, error.column) == (2, column)
    assert repr(value) in str(error) and "finite" in str(error)


@pytest.mark.parametrize("blank", ["\n", "   \n", "\t \n"], ids=["empty", "spaces", "tab"])
def test_a_blank_line_is_skipped_but_counted_in_the_row_numbers(project_copy, blank):
    path = project_copy / "data" / "nhk_survey.csv"
    original = load("nhk_survey")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [blank, *lines[:5], blank, *lines[5:], blank]
    path.write_text("".join(lines), encoding="utf-8")
    pd.testing.assert_frame_equal(load("nhk_survey"), original)
    header = next(csv.reader([lines[1]]))
    fields = next(csv.reader([lines[11]]))  # line 12 as an editor numbers it, blank lines included
    fields[header.index("percent")] = "abc"
    written = io.StringIO()
    csv.writer(written, lineterminator="\n").writerow(fields)
    lines[11] = written.getvalue()
    path.write_text("".join(lines), encoding="utf-8")
    error = load_error("nhk_survey")
    assert (error.row, error.column) == (12, "percent")


def test_a_value_written_over_two_lines_counts_both_lines(project_copy):
    path = project_copy / "data" / "nhk_survey.csv"
    rewrite_cell(path, 3, "quote", "first line\nsecond line")
    rows = csv_rows(path)
    rows[5][rows[0].index("percent")] = "abc"  # the sixth record, which now starts on line 7
    write_rows(path, rows)
    error = load_error("nhk_survey")
    assert (error.row, error.column) == (7, "percent")


@pytest.mark.parametrize(
    ("row", "column", "value", "named"),
    [(3, "name_ja", "Shiko\x00tan", "name_ja"), (1, "kind", "ki\x00nd", "ki\x00nd")],
    ids=["in a cell", "in the header"],
)
def test_a_nul_byte_is_named_with_its_row_and_column(project_copy, row, column, value, named):
    rewrite_cell(project_copy / "data" / "islands.csv", row, column, value)
    error = load_error("islands")
    assert (error.row, error.column) == (row, named)
    assert "NUL" in str(error)


@pytest.mark.parametrize(
    "after_header", ["", "\n", "\n\n  \n"], ids=["nothing", "a blank line", "blank lines"]
)
def test_a_file_with_its_header_and_no_rows_is_refused(project_copy, after_header):
    path = project_copy / "data" / "islands.csv"
    header = path.read_text(encoding="utf-8").split("\n", 1)[0]
    path.write_text(header + "\n" + after_header, encoding="utf-8")
    error = load_error("islands")
    assert "no rows" in str(error)


@pytest.mark.parametrize("found", ["area_km2 ", " area_km2", "Area_km2", "AREA_KM2"])
def test_a_header_name_with_a_stray_space_or_other_capitals_is_shown_as_found(project_copy, found):
    set_header_name(project_copy / "data" / "islands.csv", "area_km2", found)
    error = load_error("islands")
    assert (error.row, error.column) == (1, found)
    assert f"column {found!r}" in str(error) and "should be 'area_km2'" in str(error)


def test_a_column_inserted_in_the_middle_is_the_one_named(project_copy):
    path = project_copy / "data" / "islands.csv"
    rows = csv_rows(path)
    write_rows(path, [[row[0], "note" if n == 0 else "", *row[1:]] for n, row in enumerate(rows)])
    error = load_error("islands")
    assert (error.row, error.column) == (1, "note")
    assert "not in the schema" in str(error)


def test_a_repeated_header_name_is_named_as_the_file_spells_it(project_copy):
    path = project_copy / "data" / "islands.csv"
    write_rows(path, [[*row, "area_km2" if n == 0 else row[6]] for n, row in enumerate(csv_rows(path))])
    error = load_error("islands")
    assert (error.row, error.column) == (1, "area_km2")
    assert "area_km2.1" not in str(error) and "twice" in str(error)


def test_a_file_separated_by_semicolons_is_recognised(project_copy):
    path = project_copy / "data" / "islands.csv"
    write_rows(path, csv_rows(path), delimiter=";")
    error = load_error("islands")
    assert error.row == 1
    assert "';' instead of ','" in str(error)


def test_a_row_with_a_value_too_many_is_named(project_copy):
    path = project_copy / "data" / "islands.csv"
    rows = csv_rows(path)
    rows[2].append("extra")
    write_rows(path, rows)
    error = load_error("islands")
    assert error.row == 3 and "12 values" in str(error) and "11 columns" in str(error)


def test_a_comma_at_the_end_of_every_row_does_not_shift_the_columns(project_copy):
    path = project_copy / "data" / "islands.csv"
    rows = csv_rows(path)
    write_rows(path, [rows[0], *([*row, ""] for row in rows[1:])])
    error = load_error("islands")
    assert error.row == 2 and "12 values" in str(error)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [('"never closed', "never closed"), ('"no" he said', "after its closing quote")],
    ids=["unclosed", "text-after-quote"],
)
def test_a_broken_quote_is_named_with_its_row(project_copy, raw, problem):
    path = project_copy / "data" / "islands.csv"
    rewrite_cell(path, 4, "names_quote", "PLACEHOLDER")
    path.write_text(path.read_text(encoding="utf-8").replace("PLACEHOLDER", raw), encoding="utf-8")
    error = load_error("islands")
    assert error.row == 4 and problem in str(error)


def test_a_byte_that_is_not_utf8_is_named_with_its_row_and_column(project_copy):
    path = project_copy / "data" / "islands.csv"
    rewrite_cell(path, 4, "names_quote", "PLACEHOLDER")
    path.write_bytes(path.read_bytes().replace(b"PLACEHOLDER", "Kurilsk café".encode("latin-1")))
    error = load_error("islands")
    assert (error.row, error.column) == (4, "names_quote") and "UTF-8" in str(error)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_file_saved_as_utf16_is_called_so(project_copy, encoding):
    path = project_copy / "data" / "islands.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    error = load_error("islands")
    assert "saved as UTF-16" in str(error) and "save it again as UTF-8" in str(error)


def test_a_full_width_date_does_not_match_its_pattern(project_copy):
    rewrite_cell(project_copy / "data" / "timeline.csv", 6, "date", "１８５５-02-07")
    error = load_error("timeline")
    assert (error.row, error.column) == (6, "date") and "does not match" in str(error)


def wrong_homes(copy) -> dict:
    """Return FOURISLANDS_HOME values a student might set by mistake, by name."""
    (copy / "notebooks").mkdir()
    (copy / "empty").mkdir()
    return {
        "missing folder": str(copy / "nowhere"),
        "a file": str(copy / "course.yml"),
        "notebooks folder": str(copy / "notebooks"),
        "data folder": str(copy / "data"),
        "folder without data": str(copy / "empty"),
        "relative path": "course",
    }


@pytest.mark.parametrize(
    "kind",
    ["missing folder", "a file", "notebooks folder", "data folder", "folder without data", "relative path"],
)
@pytest.mark.parametrize(
    "call",
    [lambda: load("islands"), lambda: describe("islands"), lesson_table],
    ids=["load", "describe", "lesson_table"],
)
def test_a_wrong_fourislands_home_is_named_with_what_it_points_at(project_copy, monkeypatch, kind, call):
    value = wrong_homes(project_copy)[kind]
    monkeypatch.setenv("FOURISLANDS_HOME", value)
    monkeypatch.chdir(project_copy.parent)  # where the relative path "course" would find the copy
    with pytest.raises(DataError) as caught:
        call()
    message = str(caught.value)
    assert "FOURISLANDS_HOME" in message and value in message
    if kind in {"notebooks folder", "data folder"}:
        assert f"the folder above it, {project_copy}," in message


def test_a_course_folder_without_course_yml_says_where_fourislands_home_points(project_copy):
    (project_copy / "course.yml").unlink()
    with pytest.raises(DataError) as caught:
        lesson_table()
    assert "course.yml: file not found" in str(caught.value)
    assert f"FOURISLANDS_HOME points at {project_copy}" in str(caught.value)


def test_a_package_installed_outside_a_course_says_to_set_fourislands_home(tmp_path, monkeypatch):
    monkeypatch.delenv("FOURISLANDS_HOME", raising=False)
    monkeypatch.setattr(paths, "CHECKOUT", tmp_path)
    with pytest.raises(DataError) as caught:
        load("islands")
    assert str(tmp_path) in str(caught.value) and "Set FOURISLANDS_HOME" in str(caught.value)


def test_a_red_line_without_a_weight_row_is_a_data_error(project_copy):
    from fourislands.model import seminar

    path = project_copy / "data" / "red_line_scoring.csv"
    write_rows(path, [row for row in csv_rows(path) if row[0] != "russia-russian-law"])
    with pytest.raises(DataError, match=r"no weight for the red lines \['russia-russian-law'\]") as caught:
        seminar.evidence()
    assert "red_line_scoring.csv" in caught.value.file


def test_a_missing_fear_is_a_data_error(project_copy):
    from fourislands.model import economy

    path = project_copy / "data" / "eat_and_run_fears.csv"
    write_rows(path, [row for row in csv_rows(path) if row[1] != "russia"])
    with pytest.raises(DataError, match=r"no rows for the sides \['russia'\]"):
        economy.fears()
