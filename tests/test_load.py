"""fourislands.load: typed frames, no reads at import, and errors that say where the data is bad."""

from __future__ import annotations

import csv
import html
import os
import subprocess
import sys

import pandas as pd
import pytest
from course_root import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fourislands import DataError, describe, load, table_names
from fourislands.data import package

DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


def csv_rows(path) -> list[list[str]]:
    """Return every row of a CSV file, the header first."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path, rows: list[list[str]], delimiter: str = ",") -> None:
    """Write rows to a CSV file as a spreadsheet would, with the given separator."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(rows)


def rewrite_cell(path, row_number, column, value):
    """Set one cell of a CSV file (row_number counts the header as row 1)."""
    rows = csv_rows(path)
    rows[row_number - 1][rows[0].index(column)] = value
    write_rows(path, rows)


@pytest.mark.parametrize("name", table_names())
def test_every_table_loads_with_the_types_its_schema_gives(name):
    frame = load(name)
    fields = next(r for r in package()["resources"] if r["name"] == name)["schema"]["fields"]
    assert list(frame.columns) == [f["name"] for f in fields]
    for field in fields:
        assert str(frame[field["name"]].dtype) == DTYPES[field["type"]], field["name"]
    assert len(frame) > 0
    assert frame.attrs["title"]


def test_describe_gives_units_and_descriptions():
    info = describe("nhk_survey").set_index("column")
    assert info.loc["percent", "unit"] == "percent"
    assert info["description"].str.len().gt(0).all()


def test_a_loaded_frame_is_a_copy():
    first = load("islands")
    first.loc[0, "area_km2"] = -1
    assert load("islands").loc[0, "area_km2"] > 0


def test_importing_reads_no_data(tmp_path):
    code = "import fourislands, sys; sys.exit(0)"
    env = {**os.environ, "FOURISLANDS_HOME": str(tmp_path / "nowhere")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_load_finds_the_data_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FOURISLANDS_HOME", raising=False)
    assert len(load("islands")) == 4


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "problem"),
    [
        ("nhk_survey", 5, "percent", "abc", "not a valid number"),
        ("nhk_survey", 7, "year", "1991.5", "not a valid integer"),
        ("nhk_survey", 9, "group", "everyone", "must be one of"),
        ("nhk_survey", 11, "source_id", "nobody2020", "is not a known id in table 'sources'"),
        ("nhk_survey", 3, "id", "", "a value is required"),
        ("islands", 4, "area_km2", "-5", "below the minimum"),
        ("timeline", 6, "date", "1855/02/07", "does not match"),
        ("opinion_polls", 3, "disputed", "maybe", "not a valid boolean"),
        ("economy", 8, "value", "nan", "not a valid number"),
        # The course's own choices (weights, presets, the essay) are checked like the content.
        ("red_line_scoring", 3, "weight", "", "a value is required"),
        ("red_line_scoring", 2, "weight", "0", "below the minimum 1"),
        ("red_line_scoring", 9, "weight", "-2", "below the minimum 1"),
        ("red_line_scoring", 4, "weight", "two", "not a valid integer"),
        ("red_line_scoring", 5, "short_name", "", "a value is required"),
        ("red_line_scoring", 6, "red_line_id", "japan-no-such-line", "not a known id in table 'red_lines'"),
        ("red_line_scoring", 7, "red_line_id", "japan-all-four-islands", "must be unique"),
        ("roleplay_presets", 2, "territory", "five", "not a known id in table 'settlement_options'"),
        ("roleplay_presets", 3, "security", "neutral", "must be one of"),
        ("roleplay_presets", 4, "economy", "", "a value is required"),
        ("roleplay_presets", 2, "access", "open-borders", "must be one of"),
        ("roleplay_presets", 3, "source_id", "nobody2020", "not a known id in table 'sources'"),
        ("sequencing_presets", 2, "russia_cost", "21", "above the maximum 20"),
        ("sequencing_presets", 3, "japan_gain", "-1", "below the minimum 0"),
        (
            "sequencing_presets",
            3,
            "poll_id",
            "levada-2099-nothing",
            "not a known id in table 'opinion_polls'",
        ),
        ("bargaining_presets", 2, "cd_russia", "6", "above the maximum 5"),
        ("bargaining_presets", 4, "dd_japan", "", "a value is required"),
        ("eat_and_run_fears", 2, "side", "china", "must be one of"),
        ("eat_and_run_fears", 3, "side", "japan", "must be unique"),
        ("eat_and_run_fears", 4, "source_id", "", "a value is required"),
        ("essay_rubric", 2, "points", "0", "below the minimum 1"),
        ("essay_rubric", 3, "essay_id", "history", "not a known id in table 'essays'"),
        ("essays", 2, "prompt", "", "a value is required"),
    ],
)
def test_a_bad_cell_is_reported_with_file_row_and_column(project_copy, table, row, column, value, problem):
    path = project_copy / "data" / f"{table}.csv"
    rewrite_cell(path, row, column, value)
    with pytest.raises(DataError) as caught:
        load(table)
    error = caught.value
    assert (error.row, error.column) == (row, column)
    assert f"{table}.csv" in str(error)
    assert f"row {row}" in str(error) and f"column '{column}'" in str(error)
    assert problem in str(error)


def test_a_repeated_id_is_reported_at_the_second_row(project_copy):
    path = project_copy / "data" / "islands.csv"
    first_id = load("islands").loc[0, "id"]
    rewrite_cell(path, 3, "id", first_id)
    with pytest.raises(DataError) as caught:
        load("islands")
    assert (caught.value.row, caught.value.column) == (3, "id")


def test_a_missing_column_is_named(project_copy):
    path = project_copy / "data" / "islands.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=["area_km2"])
    frame.to_csv(path, index=False)
    with pytest.raises(DataError) as caught:
        load("islands")
    assert caught.value.column == "area_km2" and "missing" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"", "is empty"), (b"\xff\xfe\x00bad", "not UTF-8"), (b'id,name\n"unclosed,1\n', "")],
)
def test_a_broken_file_gets_a_clear_message(project_copy, content, problem):
    (project_copy / "data" / "islands.csv").write_bytes(content)
    with pytest.raises(DataError) as caught:
        load("islands")
    assert "islands.csv" in str(caught.value) and problem in str(caught.value)


def test_missing_file_unknown_table_and_broken_descriptor(project_copy):
    (project_copy / "data" / "economy.csv").unlink()
    with pytest.raises(DataError, match="economy.csv: file not found"):
        load("economy")
    with pytest.raises(DataError, match="no table named 'islandz'.*islands"):
        load("islandz")
    (project_copy / "data" / "datapackage.json").write_text("{not json")
    with pytest.raises(DataError, match="datapackage.json: not valid JSON"):
        load("islands")


def test_an_edited_file_is_read_again(project_copy):
    path = project_copy / "data" / "islands.csv"
    before = load("islands")
    rewrite_cell(path, 2, "area_km2", "999")
    after = load("islands")
    assert after.loc[0, "area_km2"] == 999 != before.loc[0, "area_km2"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    column=st.sampled_from(["id", "year", "percent", "group", "answer", "quote"]),
    value=st.text(max_size=40),
)
def test_any_cell_content_gives_a_typed_frame_or_a_data_error(project_copy, column, value):
    path = project_copy / "data" / "nhk_survey.csv"
    path.write_bytes((ROOT / "data" / "nhk_survey.csv").read_bytes())  # undo the last example
    rewrite_cell(path, 4, column, value)
    try:
        frame = load("nhk_survey")
    except DataError as error:
        assert error.row in {1, 4, None} or error.column in {"id", column}
    else:
        assert str(frame["percent"].dtype) == "Float64" and str(frame["year"].dtype) == "Int64"


def test_a_change_to_a_referenced_table_is_seen(project_copy):
    assert len(load("islands")) == 4
    sources = project_copy / "data" / "sources.csv"
    lines = sources.read_text(encoding="utf-8").splitlines(keepends=True)
    sources.write_text("".join(line for line in lines if not line.startswith("mofa-northern-territories,")))
    with pytest.raises(DataError, match="is not a known id in table 'sources'"):
        load("islands")


def test_tables_show_long_text_whole_in_a_notebook():
    sources = load("sources")
    longest = max(sources["citation"], key=len)
    assert len(longest) > 50  # pandas would cut it at 50 characters
    shown = sources.loc[sources["citation"] == longest]._repr_html_()  # as a notebook shows it
    assert html.escape(longest) in shown
