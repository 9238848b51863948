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


def reading_issue(issue_id: str) -> Block:
    """Return a 'reading the sources' box: what a reading prints, what is likely right, and why."""
    issues = load("reading_issues").set_index("id")
    if issue_id not in issues.index:
        raise DataError("data/reading_issues.csv", f"no reading issue {issue_id!r}")
    issue = issues.loc[issue_id]
    sources = load("sources").set_index("id")
    readings = [sources.loc[r] for r in issue["readings"].split(";")]
    who = " and ".join(r["short"] for r in readings)
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
        f"<p><em>What the reading says</em> ({' and '.join(where_html(r) for r in readings)}): "
        f"&ldquo;{html.escape(issue['printed'])}&rdquo;</p>"
        f"<p><em>Most likely right:</em> {html.escape(issue['likely_right'])}</p>"
        f"<p><em>Why:</em> {html.escape(issue['why'])}</p>{checked}</div>"
    )
    text = (
        f"Reading the sources: {issue['topic']} ({issue_id})\n"
        f'The reading says ({who}): "{issue["printed"]}"\n'
        f"Most likely right: {issue['likely_right']}\nWhy: {issue['why']}"
    )
    return Block(page, text)
