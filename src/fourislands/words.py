"""Words the course writes in messages and figures: lists in plain English, lines broken between words."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

DISCLOSURE = re.compile(r"<details\b.*?</details>", re.DOTALL)  # folded sources: not read as prose
MARKUP = re.compile(r"\]\([^)]*\)|<[^>]+>")  # link targets and HTML tags: no words of their own
MARKS = re.compile(r"[#*`|\[>]")  # Markdown marks, which stick to the words they mark


def and_list(items: Iterable[object], quoted: bool = False, none: str = "") -> str:
    """Return items as an English list: 'a', 'a and b', 'a, b and c'; none when there are none.

    quoted: put each item in single quotes, as messages name choices ('war' and 'treaty').
    """
    words = [f"'{item}'" if quoted else str(item) for item in items]
    if not words:
        return none
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def wrapped(text: object, width: int = 96, indent: int = 0) -> str:
    """Return text broken between words into lines of at most width characters.

    JupyterLab breaks a printed line that is too long anywhere, even inside a word, and matplotlib
    never breaks one. Lines after the first start indent spaces in, under the text of a first line
    that begins with a label. A hyphenated name (Habomai-Shikotan) is never split at its hyphen.
    """
    return textwrap.fill(str(text), width=width, subsequent_indent=" " * indent, break_on_hyphens=False)


def markdown_words(text: str) -> int:
    """Return the words a reader reads in Markdown: folded disclosures, link targets and marks left out."""
    return len(MARKS.sub("", MARKUP.sub(" ", DISCLOSURE.sub(" ", text))).split())
