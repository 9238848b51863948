"""Check that every reading quote in data/ (tables and quiz banks) is verbatim in the readings."""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def normalised(text: str) -> str:
    """Return text with markup, line-wrapping and typographic variants folded away."""
    text = re.sub(r"<sup>.*?</sup>", "", text)
    text = re.sub(r"</?i>|\*\*?|\\(?=[$_\\])", "", text)
    # Narrow-column readings hyphenate at line ends ("im-\nprove").
    text = re.sub(r"-\s*\n\s*", "", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip().lower()


def reading_files(sources_csv: Path) -> dict[str, str]:
    """Return {source id: reading file name} for the sources of kind 'reading'."""
    with sources_csv.open(encoding="utf-8") as handle:
        return {r["id"]: r["file"] for r in csv.DictReader(handle) if r["kind"] == "reading"}


def cited_quotes() -> list[tuple[str, str, str]]:
    """Return (where, source id, quote) for every reading quote in the tables, the reading issues and
    the question banks."""
    found = []
    for table in sorted(DATA.glob("*.csv")):
        with table.open(encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                # Each X_source_id column has its X_quote column ("source_id"/"quote" too).
                for column in [c for c in row if c.endswith("source_id")]:
                    quote = row.get(column.removesuffix("source_id") + "quote")
                    if row[column] and quote:
                        found.append((f"{table.name}:{line}", row[column], quote))
    # A reading issue quotes each reading that prints the slip: one piece per printed_in id, joined
    # with " | ".
    with (DATA / "reading_issues.csv").open(encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            readings = row["printed_in"].split(";")
            pieces = row["printed"].split(" | ")
            if len(pieces) != len(readings):
                pieces = [row["printed"]] * len(readings)  # reported as unmatched below
            for reading, piece in zip(readings, pieces, strict=True):
                found.append((f"reading_issues.csv:{line} ({row['id']})", reading, piece))
    for bank in sorted((DATA / "quizzes").glob("*.yaml")):
        for question in yaml.safe_load(bank.read_text(encoding="utf-8"))["questions"]:
            source = question.get("source", {})
            if source.get("quote"):
                found.append((f"{bank.name}:{question['id']}", source["id"], source["quote"]))
    return found


def unmatched_quotes(readings_dir: Path) -> tuple[int, list[str]]:
    """Return the number of reading quotes checked and a line per quote not found."""
    files = reading_files(DATA / "sources.csv")
    texts = {
        sid: normalised((readings_dir / name).read_text(encoding="utf-8")) for sid, name in files.items()
    }
    checked, missing = 0, []
    for where, sid, quote in cited_quotes():
        if sid not in texts:
            continue
        checked += 1
        # An ellipsis joins two verbatim pieces of the same reading.
        pieces = [p for p in re.split(r"\s*(?:\.\.\.|\u2026)\s*", quote) if p]
        if not all(normalised(p) in texts[sid] for p in pieces):
            missing.append(f"{where} [{sid}] {quote[:90]}")
    return checked, missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readings", type=Path, required=True, help="folder holding the five reading texts")
    args = parser.parse_args()
    checked, missing = unmatched_quotes(args.readings)
    print("\n".join(missing))
    print(f"{checked - len(missing)} of {checked} reading quotes found verbatim")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
