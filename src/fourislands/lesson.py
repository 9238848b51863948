"""Pieces lessons show: 'reading the sources' boxes, sources with where to find them, text blocks."""

from __future__ import annotations

import html

import pandas as pd

from .data import load
from .errors import DataError
from .palette import PURPLE
from .words import wrapped  # noqa: F401  (the lessons import it from here)


class Block:
    """A piece of a lesson page: HTML for JupyterLab and static pages, plain text elsewhere."""

    def __init__(self, page: str, text: str) -> None:
        self.page = page
        self.text = text

    def _repr_html_(self) -> str:
        # A dollar sign here is money: without these classes JupyterLab's MathJax reads the text
        # between two of them as LaTeX.
        return f'<div class="mathjax_ignore tex2jax_ignore">{self.page}</div>'

    def __repr__(self) -> str:
        return self.text


def link(url: str) -> str:
    """Return an address as a link that opens in a new tab, so the lesson stays where it was."""
    address = html.escape(url, quote=True)
    return f'<a href="{address}" target="_blank" rel="noopener">{html.escape(url)}</a>'


def blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of a table for display, a missing value shown as a blank cell, not <NA>."""
    return frame.astype(object).where(frame.notna(), "")


BIBLIOGRAPHY = "bibliography.ipynb"  # beside the lessons: every source in full (bibliography.py)


def source_words(source_id: str, sources: pd.DataFrame) -> str:
    """Return how a source is cited in plain text: a reading as 'Hirose 2018', another by its address."""
    row = sources.loc[source_id]
    return row["short"] if row["kind"] == "reading" else f"{source_id} <{row['url']}>"


def where_html(source: pd.Series) -> str:
    """Return a row of sources.csv as a link: a reading's short name to the bibliography, else its address."""
    if source["kind"] == "reading":
        return f'<a href="{BIBLIOGRAPHY}#{html.escape(source.name)}">{html.escape(source["short"])}</a>'
    return link(source["url"])


def source_html(source_id: str, sources: pd.DataFrame) -> str:
    """Return source_words as HTML: a reading linked to the bibliography, an address as a link."""
    source = sources.loc[source_id]
    return (
        where_html(source)
        if source["kind"] == "reading"
        else f"{html.escape(source_id)} {where_html(source)}"
    )


def _source_ids(cell) -> list[str]:
    """Return the source ids of a ';'-separated cell, none for an empty one."""
    return [part for part in cell.split(";") if part] if isinstance(cell, str) else []


def reading_issue(issue_id: str) -> Block:
    """Return a 'reading the sources' box: what the readings that slip print, what is likely right,
    why, and which readings get it right (only those that print the slip are shown as saying it)."""
    issues = load("reading_issues").set_index("id")
    if issue_id not in issues.index:
        raise DataError("data/reading_issues.csv", f"no reading issue {issue_id!r}")
    issue = issues.loc[issue_id]
    sources = load("sources").set_index("id")
    printed_in = [sources.loc[r] for r in _source_ids(issue["printed_in"])]
    pieces = issue["printed"].split(" | ")
    if len(pieces) != len(printed_in):
        raise DataError(
            "data/reading_issues.csv",
            f"{issue_id}: printed has {len(pieces)} piece(s) joined by ' | ' for {len(printed_in)} "
            "reading(s) in printed_in; give one piece per reading, in the same order",
            column="printed",
        )
    says = {r.name for r in printed_in}
    checks = [sources.loc[r] for r in _source_ids(issue["checked_by"])]
    if len(printed_in) == 1:
        said_html = (
            f"<p><em>What the reading says</em> ({where_html(printed_in[0])}): "
            f"&ldquo;{html.escape(pieces[0])}&rdquo;</p>"
        )
        said_text = f'The reading says ({printed_in[0]["short"]}): "{pieces[0]}"'
    else:
        items = "".join(
            f"<li>{where_html(r)}: &ldquo;{html.escape(piece)}&rdquo;</li>"
            for r, piece in zip(printed_in, pieces, strict=True)
        )
        said_html = f"<p><em>What the readings say:</em></p><ul>{items}</ul>"
        said_text = "The readings say: " + "; ".join(
            f'{r["short"]}: "{piece}"' for r, piece in zip(printed_in, pieces, strict=True)
        )
    # A reading that prints the slip may also give the right version elsewhere in its own text.
    compare_html = ", ".join(
        where_html(r) + (" (elsewhere in the same text)" if r.name in says else "") for r in checks
    )
    compare_text = ", ".join(
        r["short"] + (" (elsewhere in the same text)" if r.name in says else "") for r in checks
    )
    checked = ""
    if isinstance(issue["outside_source_id"], str):
        outside = sources.loc[issue["outside_source_id"]]
        citation = html.escape(outside["citation"])
        checked = f"<p><em>Checked against:</em> {citation} {link(outside['url'])}</p>"
    page = (
        '<div class="fi-reading-issue" style="border: 1px solid #999; border-left: 6px solid '
        f"{PURPLE}; "
        'padding: 6px 12px; margin: 8px 0;">'
        f"<p><strong>Reading the sources: {html.escape(issue['topic'])}</strong> ({issue_id})</p>"
        f"{said_html}"
        + (f"<p><em>Compare:</em> {compare_html}</p>" if checks else "")
        + f"<p><em>Most likely right:</em> {html.escape(issue['likely_right'])}</p>"
        f"<p><em>Why:</em> {html.escape(issue['why'])}</p>{checked}</div>"
    )
    text = (
        f"Reading the sources: {issue['topic']} ({issue_id})\n{said_text}\n"
        + (f"Compare: {compare_text}\n" if checks else "")
        + f"Most likely right: {issue['likely_right']}\nWhy: {issue['why']}"
    )
    return Block(page, text)
