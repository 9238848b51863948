"""List the years, dates, percentages and quantities each reading gives that the course never mentions."""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DATA = ROOT / "data"

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# Full month names only: in a reading "May" or "Mar" alone could be a word. A day and a year make a
# short name safe ("13 Oct, 2011").
MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
SHORT_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
YEAR = r"(?:1[6-9]\d\d|20[0-2]\d|2030)"
SCALE = r"trillion|billion|million|bn"
CURRENCY = r"US\$|\$|¥|€|£"
UNITS = (
    r"km²|km2|sq\.? ?km|square kilomet(?:er|re)s?|km|kilomet(?:er|re)s?|miles?|troops|soldiers|personnel"
    r"|people|persons|residents|inhabitants|citizens|jobs|companies|firms|summits|meetings|times|items"
    r"|deals|days|years|months|ships|warships|vessels|aircraft|islands|islets|tanks|rubles|roubles|yen"
    r"|dollars|euros|fold|bombers|jets|fighters|helicopters|systems|batteries|launches|drills|gas companies"
)
WORD_NUMBERS = {
    w: n
    for n, w in enumerate(
        re.findall(
            r"\w+",
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
            " sixteen seventeen eighteen nineteen twenty",
        )
    )
}
# Context scores (sums of inverse document frequencies) a unit needs, calibrated on the course:
# about one rare shared word, or two or three common ones.
SCORE_DATE, SCORE_SOURCED, SCORE_OTHER, QUOTED = 3.0, 6.0, 9.0, 100.0
NEAR = 300  # characters either side of a value that count as its context in a long unit
STOPWORDS = set(
    re.findall(
        r"\w+",
        """about above after again against also although among another because been before being below
    between both could does doing down during each either even every from further given have having
    here however into itself just more most much must never once only other over same should since
    some such than that their them then there these they this those though through under until upon
    very were what when where whether which while will with within without would your the and for
    are but not its was has had can may our out who how all any why
    japan japanese russia russian russians island islands islet islets northern territory territories
    kuril kurils kurile kuriles south southern side sides country countries said says year years
    time times first second world war minister ministers president prime foreign government state
    states united relations relationship soviet ussr union""",
    )
) | set(MONTHS)


@dataclass
class Item:
    """One checkable specific of a reading: a year, a date, a percentage or a quantity."""

    reading: str
    kind: str  # year | date | month | day | relative | percent | quantity | number | ordinal
    text: str  # as printed
    sentence: str
    note: bool  # in a footnote or a reference list
    keys: frozenset[str]
    quoted: tuple[str, ...]  # the runs of five words around the item, to find it quoted
    year: int | None = None
    month: int | None = None
    day: int | None = None
    value: float | None = None


@dataclass
class Unit:
    """One piece of course text: a table row, a quiz question, a notebook paragraph."""

    where: str
    text: str
    sources: set[str] = field(default_factory=set)
    numeric_cells: set[float] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    numbers: list[tuple[float, int, int]] = field(default_factory=list)  # value, start, end
    values: set[float] = field(default_factory=set)
    folded: str = ""


def stem(word: str) -> str:
    """Return a crude stem: lower case, a common ending dropped, the first six letters."""
    word = word.lower()
    for ending in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            word = word[: -len(ending)]
            break
    return word[:6]


def stems_of(text: str) -> set[str]:
    """Return the stems of the content words of text."""
    words = re.findall(r"[A-Za-z][A-Za-z]+", text.replace("’s", "").replace("'s", ""))
    return {
        stem(w)
        for w in words
        if w.lower() not in STOPWORDS and (len(w) >= 4 or (len(w) == 3 and w[0].isupper()))
    }


def folded(text: str) -> str:
    """Return text in lower case with punctuation, quote marks and line breaks folded to single spaces."""
    return " " + " ".join(re.findall(r"[a-z0-9$¥€%]+(?:\.\d+)?", text.lower().replace(",", ""))) + " "


def to_number(text: str) -> float:
    """Return the value of a printed number ("1,283,200,000", "10.7", "seven")."""
    if text.lower() in WORD_NUMBERS:
        return float(WORD_NUMBERS[text.lower()])
    return float(text.replace(",", ""))


# --- the readings ------------------------------------------------------------------------------


def cleaned(text: str) -> str:
    """Return reading text with markup, footnote markers and end-of-line hyphens removed."""
    text = re.sub(r"<sup>(st|nd|rd|th)</sup>", r"\1", text)
    text = re.sub(r"(?<!^)<sup>\d+</sup>", "", text, flags=re.M)
    text = re.sub(r"</?i>|\*\*?|\\(?=[$_\\])|\$\s*3 \+\s*\\alpha\s*\$", "", text)
    text = re.sub(r"\$\s*\\alpha\s*\$", "alpha", text)
    text = re.sub(r"\[\d+\]", "", text)
    # Narrow-column readings hyphenate at line ends ("im-\nprove").
    text = re.sub(r"(?<=[a-z])-[ \t]*\n[ \t]*(?=[a-z])", "", text)
    return text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")


def is_heading(paragraph: str) -> bool:
    """Return whether a paragraph is a heading: one short line, or a Markdown heading, without a
    sentence's final punctuation."""
    lines = paragraph.strip().splitlines()
    return len(lines) == 1 and (
        lines[0].lstrip().startswith("#")
        or (len(lines[0].split()) <= 15 and lines[0].rstrip()[-1] not in ".,;:")
    )


def blocks(text: str) -> list[tuple[str, bool, str]]:
    """Return (text, is note, extra context) blocks: the running prose joined across line breaks
    and page furniture, each heading, each footnote or reference entry, and each table row (with
    its caption as context)."""
    prose: list[str] = []
    found: list[tuple[str, bool, str]] = []
    caption = ""
    for paragraph in re.split(r"\n[ \t]*\n", cleaned(text)):
        if re.match(r"\s*Table \d+:", paragraph):
            caption = paragraph.strip()
            continue
        if is_heading(paragraph) and paragraph.strip() not in {"---", "Strategic Japan", "* * *"}:
            found.append((paragraph.strip().lstrip("# "), False, ""))
            continue
        for line in paragraph.splitlines():
            stripped = line.strip()
            if re.match(r"<sup>\d+</sup>|\d{1,2}\.\s", stripped):
                found.append((re.sub(r"^<sup>\d+</sup>\s*|^\d{1,2}\.\s*", "", stripped), True, ""))
            elif "\t" in line and re.search(r"\d%", line):
                found.append((re.sub(r"\s+", " ", stripped), False, caption))
            elif stripped not in {"---", "Strategic Japan", "## Strategic Japan", "* * *"}:
                prose.append(line)
    joined = re.sub(r"\s+", " ", "\n".join(prose))
    return [(joined, False, "")] + found


ABBREVIATIONS = r"(?<!\bU\.S)(?<!\bD\.C)(?<!\bSt)(?<!\bNo)(?<!\bMr)(?<!\bDr)(?<!\bvs)(?<!\b[A-Z])"


def sentences(block: str) -> list[str]:
    """Return the sentences of a block of prose."""
    parts = re.split(ABBREVIATIONS + r"(?<=[.!?])[\"”’]?\s+(?=[\"“(]?[A-Z0-9])", block)
    return [p.strip() for p in parts if p.strip()]


def window(sentence: str, start: int, end: int, context: str, width: int = 15) -> frozenset[str]:
    """Return the stems of the words around a span of a sentence (and of its table caption)."""
    before = sentence[:start].split()[-width:]
    after = sentence[end:].split()[:width]
    return frozenset(stems_of(" ".join([context, *before, *after])))


def runs(sentence: str, start: int, end: int, size: int = 5) -> tuple[str, ...]:
    """Return the folded runs of `size` words of the sentence that include the span."""
    before = folded(sentence[:start]).split()
    middle = folded(sentence[start:end]).split()
    after = folded(sentence[end:]).split()
    words, first, last = before + middle + after, len(before), len(before) + len(middle)
    return tuple(
        " " + " ".join(words[i : i + size]) + " "
        for i in range(max(0, last - size), min(first, len(words) - size) + 1)
        if i + size <= len(words)
    )


def items_of(reading: str, sentence: str, note: bool, context: str) -> list[Item]:
    """Return the checkable specifics of one sentence."""
    found: list[Item] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(match: re.Match, kind: str, **values) -> None:
        if free(match.start(), match.end()):
            taken.append((match.start(), match.end()))
            keys = window(sentence, match.start(), match.end(), context)
            quoted = runs(sentence, match.start(), match.end())
            found.append(Item(reading, kind, match.group(0), sentence, note, keys, quoted, **values))

    for m in re.finditer(rf"\b({YEAR})-(\d\d)-(\d\d)\b", sentence):
        add(m, "date", day=int(m[3]), month=int(m[2]), year=int(m[1]))
    for m in re.finditer(rf"\b(\d{{1,2}})\s+{MONTH},?\s+({YEAR})\b", sentence):
        add(m, "date", day=int(m[1]), month=MONTHS[m[2].lower()], year=int(m[3]))
    for m in re.finditer(rf"\b{MONTH}\s+(\d{{1,2}}),?\s+({YEAR})\b", sentence):
        add(m, "date", day=int(m[2]), month=MONTHS[m[1].lower()], year=int(m[3]))
    for m in re.finditer(rf"\b(\d{{1,2}})\s+{SHORT_MONTH},?\s+({YEAR})\b", sentence):
        add(m, "date", day=int(m[1]), month=MONTHS[m[2].lower()], year=int(m[3]))
    for m in re.finditer(rf"\b{MONTH},?\s+(?:of\s+)?({YEAR})\b", sentence):
        add(m, "month", month=MONTHS[m[1].lower()], year=int(m[2]))
    for m in re.finditer(rf"\b{MONTH}\s+(\d{{1,2}})\b(?!\d)", sentence):
        add(m, "day", day=int(m[2]), month=MONTHS[m[1].lower()])
    for m in re.finditer(rf"\b(\d{{1,2}})\s+{MONTH}\b", sentence):
        add(m, "day", day=int(m[1]), month=MONTHS[m[2].lower()])
    # A month without a year: "this April", "last November", "in early September".
    for m in re.finditer(rf"\b{MONTH}\b(?!,?\s*(?:of\s+)?\d)", sentence):
        add(m, "relative", month=MONTHS[m[1].lower()])
    for m in re.finditer(rf"(?<![\d.,])-?({NUM})\s*(?:%|per ?cent\b)", sentence):
        add(m, "percent", value=to_number(m[1]))
    for m in re.finditer(rf"(?:{CURRENCY})\s*({NUM})(?:\s*({SCALE})\b)?", sentence):
        add(m, "quantity", value=to_number(m[1]))
    for m in re.finditer(
        rf"(?<![\w.,+-])({NUM}|\b(?:{'|'.join(WORD_NUMBERS)})\b)\s*(?:-\s*)?(?:[A-Za-z-]+\s+){{0,3}}(?:{SCALE}|{UNITS})\b",
        sentence,
    ):
        if m[1].isdigit() and re.fullmatch(YEAR, m[1]) and not re.search(r"days|jobs|km", m[0]):
            continue  # "1979 days" is a quantity, "2008 the Russian ... years" is not
        if not m[1][0].isdigit() and re.search(r"(?:islands|islets|years|months|days|people)$", m[0]):
            continue  # "two islands" is a phrase; "five times" and "two Aegis Ashore systems" are figures
        add(m, "quantity", value=to_number(m[1]))
    for m in re.finditer(r"(?<![\w.,])(\d{1,3})(?:st|nd|rd|th)\b", sentence):
        add(m, "ordinal", value=float(m[1]))
    for m in re.finditer(rf"(?<![\w.$¥€-])({YEAR})[-–](\d{{1,2}}|{YEAR})(?![\d%])", sentence):
        end = m[2] if len(m[2]) == 4 else m[1][: 4 - len(m[2])] + m[2]
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            keys = window(sentence, m.start(), m.end(), context)
            quoted = runs(sentence, m.start(), m.end())
            for year in dict.fromkeys((m[1], end)):
                found.append(Item(reading, "year", year, sentence, note, keys, quoted, year=int(year)))
    for m in re.finditer(rf"(?<![\w.,$¥€+])({YEAR})(?![\d%]|,\d{{3}}|s\b|\s*(?:km|per))", sentence):
        add(m, "year", year=int(m[1]))
    # A bare number in a sentence with a quantity continues its series ("to 373 in 2008").
    if any(i.kind == "quantity" for i in found):
        for m in re.finditer(rf"(?<![\w.,$¥€+/-])({NUM})(?![\w%+-]|\.\d)", sentence):
            if float(m[1].replace(",", "")) >= 10:
                add(m, "number", value=to_number(m[1]))
    return found


def reading_items(path: Path, reading: str) -> list[Item]:
    """Return the checkable specifics of one reading, in reading order, without repeats."""
    found, seen = [], set()
    for block, note, context in blocks(path.read_text(encoding="utf-8")):
        for sentence in sentences(block) if not context else [block]:
            for item in items_of(reading, sentence, note, context):
                key = (item.kind, item.text, item.sentence)
                if key not in seen:
                    seen.add(key)
                    found.append(item)
    return found


# --- the course ---------------------------------------------------------------------------------


def reading_sources(sources_csv: Path) -> dict[str, dict[str, str]]:
    """Return {source id: sources.csv row} for the sources of kind 'reading'."""
    with sources_csv.open(encoding="utf-8") as handle:
        return {r["id"]: r for r in csv.DictReader(handle) if r["kind"] == "reading"}


def flatten(value) -> list[str]:
    """Return every string in a YAML value."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in flatten(v)]
    if isinstance(value, list):
        return [s for v in value for s in flatten(v)]
    return [str(value)] if value is not None else []


def paragraphs(text: str) -> list[str]:
    """Return the paragraphs of Markdown text, each table row on its own."""
    found = []
    for para in re.split(r"\n\s*\n", text):
        # A table row or a list item is a unit of its own (a list item with its wrapped lines).
        found.extend(p for p in re.split(r"\n(?=\s*(?:\||[-*+] |\d+\. ))", para) if p.strip())
    return found


def course_units(readings: dict[str, dict[str, str]]) -> list[Unit]:
    """Return the course's text as units: table rows, quiz questions, notebook and guide paragraphs."""
    units: list[Unit] = []
    for table in sorted(DATA.glob("*.csv")):
        with table.open(encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                unit = Unit(f"data/{table.name}:{line}", " | ".join(v or "" for v in row.values()))
                for column, cell in row.items():
                    if column.endswith("source_id") or column in {"printed_in", "checked_by"}:
                        unit.sources.update(filter(None, (cell or "").split(";")))
                    if cell and re.fullmatch(r"-?\d+(?:\.\d+)?", cell.strip()):
                        unit.numeric_cells.add(float(cell))
                units.append(unit)
    for bank in sorted((DATA / "quizzes").glob("*.yaml")):
        for question in yaml.load(bank.read_text(encoding="utf-8"), Loader=LOADER)["questions"]:
            unit = Unit(f"data/quizzes/{bank.name}:{question['id']}", "\n".join(flatten(question)))
            unit.sources.add(question.get("source", {}).get("id", ""))
            units.append(unit)
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
    for notebook in notebooks:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells, start=1):
            source = "".join(cell["source"])
            pieces = paragraphs(source) if cell["cell_type"] == "markdown" else [source]
            for part, piece in enumerate(pieces, start=1):
                label = f"cell {number}" if len(pieces) == 1 else f"cell {number}.{part}"
                units.append(Unit(f"{notebook.relative_to(ROOT)}:{label}", piece))
    guide = ROOT / "docs" / "instructor-guide.md"
    for number, piece in enumerate(paragraphs(guide.read_text(encoding="utf-8")), start=1):
        units.append(Unit(f"docs/instructor-guide.md:paragraph {number}", piece))
    for unit in units:
        unit.stems = stems_of(unit.text)
        unit.folded = folded(unit.text)
        for sid, row in readings.items():
            if f"#{sid}" in unit.text or row["short"] in unit.text or row["file"] in unit.text:
                unit.sources.add(sid)
        for m in re.finditer(rf"(?<![\d.,])({NUM})", unit.text):
            unit.numbers.append((to_number(m[1]), m.start(), m.end()))
        for m in re.finditer(rf"\b({'|'.join(WORD_NUMBERS)})\b", unit.text, flags=re.I):
            unit.numbers.append((to_number(m[1]), m.start(), m.end()))
        unit.values = {value for value, _, _ in unit.numbers} | unit.numeric_cells
    return units


# --- matching -----------------------------------------------------------------------------------


def month_pattern(month: int) -> str:
    """Return a pattern for a month's full and short names, capitalised ("may" is a verb)."""
    names = sorted((n for n, v in MONTHS.items() if v == month), key=len, reverse=True)
    return "(?:" + "|".join(n.capitalize() for n in names) + r")\.?"


def date_pattern(item: Item) -> re.Pattern[str] | None:
    """Return the pattern that finds a date-like item in course text (None for other kinds)."""
    if item.kind not in {"date", "month", "day", "relative"}:
        return None
    mon, iso = month_pattern(item.month), f"{item.month:02d}"
    day = rf"0?{item.day}(?:st|nd|rd|th)?"
    year = str(item.year) if item.year else r"\d{4}"
    day_month = rf"\b{day}\s+(?:of\s+)?{mon}|\b{mon}\s+{day}\b|\b{year}-{iso}-0?{item.day}\b"
    if item.kind == "relative":
        return re.compile(rf"\b{mon}(?!\w)|\b\d{{4}}-{iso}\b")
    if item.kind == "month":
        return re.compile(rf"\b{mon},?\s+(?:of\s+)?(?:\d{{1,2}},?\s+)?{item.year}\b|\b{item.year}-{iso}\b")
    return re.compile(day_month)  # a day: day and month together (a full date: the year in the unit too)


def value_at(item: Item, unit: Unit, pattern: re.Pattern[str] | None) -> list[int]:
    """Return where the unit gives the item's value, in any of its usual spellings."""
    if item.year is not None and item.year not in unit.values:
        return []
    if item.kind == "year":
        return [start for value, start, _ in unit.numbers if value == item.year]
    if pattern is not None:
        return [m.start() for m in pattern.finditer(unit.text)]
    if item.value not in unit.values:
        return []
    hits = [(s, e) for value, s, e in unit.numbers if value == item.value]
    if item.kind == "percent" and not (item.reading in unit.sources and item.value in unit.numeric_cells):
        text = unit.text
        hits = [(s, e) for s, e in hits if re.match(r"\s*(?:%|per ?cent|percentage)", text[e:], flags=re.I)]
    return [s for s, _ in hits]


def nearby_stems(unit: Unit, start: int, cache: dict[tuple[str, int], set[str]]) -> set[str]:
    """Return the stems of the unit's words within a few lines of a position (a short unit whole)."""
    if len(unit.text) <= 2 * NEAR:
        return unit.stems
    key = (unit.where, start)
    if key not in cache:
        cache[key] = stems_of(unit.text[max(0, start - NEAR) : start + NEAR])
    return cache[key]


def idf_weights(units: list[Unit]) -> dict[str, float]:
    """Return each stem's inverse document frequency over the course units: rare words weigh more."""
    counts: dict[str, int] = {}
    for unit in units:
        for s in unit.stems:
            counts[s] = counts.get(s, 0) + 1
    return {s: math.log(len(units) / n) for s, n in counts.items()}


def distinctive(item: Item) -> bool:
    """Return whether the item's value is unlikely to recur by chance (3,500 is not; 63.3 and
    1,283,200,000 are): three or more significant digits."""
    if item.value is None:
        return False
    digits = re.sub(r"\D", "", f"{abs(item.value):.6g}").strip("0")
    return len(digits) >= 3


def needed_score(item: Item, unit: Unit) -> float:
    """Return the context score a unit giving the item's value needs to count as covering it."""
    if item.kind in {"date", "day"} or distinctive(item):
        return SCORE_DATE  # a day and month, or a figure like 63.3%, are specific already
    if item.reading in unit.sources:
        return SCORE_SOURCED
    return SCORE_OTHER


def where_covered(
    item: Item, units: list[Unit], idf: dict[str, float], cache: dict[tuple[str, int], set[str]]
) -> tuple[str | None, float]:
    """Return the unit that gives the item with the most shared context near it (None if none does
    enough). A unit that quotes the words around the item covers it whatever its score."""
    # Sums run in sorted order so that the result does not depend on the hash seed.
    available = sum(idf.get(s, 0.0) for s in sorted(item.keys))
    pattern = date_pattern(item)
    best, best_score = None, 0.0
    for unit in units:
        positions = value_at(item, unit, pattern)
        if not positions:
            continue
        quoted = any(run in unit.folded for run in item.quoted)
        for start in positions:
            shared = item.keys & nearby_stems(unit, start, cache)
            score = sum(idf.get(s, 0.0) for s in sorted(shared)) + (QUOTED if quoted else 0.0)
            if not quoted and len(shared) < min(2, len(item.keys)) and needed_score(item, unit) > SCORE_DATE:
                continue  # one shared word is chance, unless the value itself is specific
            # Ask for a share of the context there is: most of a short sentence's, a good part of
            # a long one's.
            needed = max(min(needed_score(item, unit), 0.6 * available), 0.35 * available)
            if score >= needed and score > best_score:
                best, best_score = unit.where, score
    return best, best_score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readings", type=Path, required=True, help="folder holding the five reading texts")
    parser.add_argument("--covered", action="store_true", help="also list covered items and where they are")
    parser.add_argument("--strict", action="store_true", help="exit 1 when an item is uncovered")
    args = parser.parse_args()
    readings = reading_sources(DATA / "sources.csv")
    units = course_units(readings)
    idf = idf_weights(units)
    cache: dict[tuple[str, int], set[str]] = {}
    totals = [0, 0, 0]
    for sid, row in sorted(readings.items(), key=lambda kv: kv[1]["file"]):
        items = reading_items(args.readings / row["file"], sid)
        results = [(item, where_covered(item, units, idf, cache)[0]) for item in items]
        uncovered = [item for item, where in results if where is None]
        in_notes = sum(item.note for item in uncovered)
        totals = [totals[0] + len(items), totals[1] + len(uncovered), totals[2] + in_notes]
        print(f"== {row['short']} [{sid}, {row['file']}]: {len(items)} items, ", end="")
        print(f"{len(items) - len(uncovered)} covered, {len(uncovered)} uncovered ({in_notes} in notes)")
        for item, where in results:
            if where is None or args.covered:
                mark = " (note)" if item.note else ""
                status = f"  -> {where}" if where else ""
                print(f"  - {item.kind} {item.text!r}{mark}{status}\n      {item.sentence}")
    print(f"TOTAL: {totals[0]} items, {totals[0] - totals[1]} covered, {totals[1]} uncovered", end="")
    print(f" ({totals[2]} of them in footnotes and reference lists)")
    return 1 if args.strict and totals[1] else 0


if __name__ == "__main__":
    sys.exit(main())
