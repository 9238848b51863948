"""tools/reading_coverage.py: what a reading gives that the course has is covered, what it lacks is listed."""

from __future__ import annotations

import csv
import subprocess
import sys

from course_root import ROOT

TOOL = ROOT / "tools" / "reading_coverage.py"
COVERED = "The Treaty of Shimoda of 7 February 1855 drew the first border between Etorofu and Urup."
INVENTED = "In 1777 a survey counted sea otters on the isle of Zorbia, 87.5% of them asleep."


def test_a_fact_the_course_teaches_is_covered_and_an_invented_one_is_listed(tmp_path):
    readings = [r for r in csv.DictReader((ROOT / "data" / "sources.csv").open()) if r["kind"] == "reading"]
    for row in readings:  # the course's readings by their file names, all empty but one
        (tmp_path / row["file"]).write_text("", encoding="utf-8")
    hirose = next(r for r in readings if r["id"] == "hirose2018")
    (tmp_path / hirose["file"]).write_text(f"{COVERED}\n\n{INVENTED}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(TOOL), "--readings", str(tmp_path), "--strict"], capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr  # --strict: something is uncovered
    listed = done.stdout.split("== Hirose 2018", 1)[1].split("\n== ", 1)[0]
    assert "3 items, 1 covered, 2 uncovered" in listed
    assert "year '1777'" in listed and "percent '87.5%'" in listed
    assert "1855" not in listed.replace(INVENTED, "")
    assert "TOTAL: 3 items, 1 covered, 2 uncovered" in done.stdout
    (tmp_path / hirose["file"]).write_text(f"{COVERED}\n", encoding="utf-8")
    again = subprocess.run(
        [sys.executable, str(TOOL), "--readings", str(tmp_path), "--strict"], capture_output=True
    )
    assert again.returncode == 0
