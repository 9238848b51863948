"""The opening of every whole HTML page the course writes: the book's pages and the class report."""

from __future__ import annotations

import html


def page_start(title: str, style: str, edition: str | None = None) -> str:
    """Return a page's doctype, html tag and whole head: UTF-8, a phone-wide viewport, title and style.

    edition ("student" or "instructor") marks a page of the static edition, so that a folder tells
    which edition it holds (book.edition_in) and one is never written over the other.
    """
    marked = f'<meta name="fourislands-edition" content="{edition}">\n' if edition else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"{marked}<title>{html.escape(title)}</title>\n<style>{style}</style>\n</head>\n"
    )
