"""The static edition: every lesson executed and exported to HTML pages that read offline.

Two editions from one run of the lessons: the student edition, and the instructor edition, which adds
answer keys, exercise solutions, role cards and the essay rubric (book_instructor.py).
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from urllib.parse import quote

import nbformat
from jinja2 import DictLoader
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter

from . import yaml_fast
from .atomic import write_text_atomically
from .course import COURSE_FILE, Lesson, lessons
from .errors import DataError
from .html_page import page_start
from .kernels import notebook_client
from .palette import PAGE_LINK, SKY
from .paths import project_root

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
CELL_TIMEOUT = 120
TEMPLATE = "fourislands-book.html.j2"
NOTICE = (
    '<p class="fi-book-notice">Static edition for reading: quizzes show their questions without the '
    "answers, explorers only their starting view. Open the lesson in JupyterLab to use them.</p>"
)
EXPLORER_NOTE = (
    "<strong>Interactive explorer.</strong> It needs a running notebook: open this lesson in "
    "JupyterLab (<code>make lab</code>) to use it."
)
EXPLORER_START = (
    "<strong>Interactive explorer</strong>, shown here at its starting settings: open this lesson in "
    "JupyterLab (<code>make lab</code>) to change them."
)
PAGE_MODE = 0o644  # a page is for anyone to read or serve
EDITIONS = ("student", "instructor")
# Pages only the instructor edition has (book_instructor.py): a folder holding one is an instructor
# edition, and the student edition is never written into it.
INSTRUCTOR_PAGES = ("*-key.html", "*-role-cards.html", "*-essay-rubric.html")
# Where a page's bars go: each lesson is exported once, and each edition puts its own bars in.
HEADER, FOOTER = "<!--fi-book-header-->", "<!--fi-book-footer-->"
HEADING_2 = re.compile(r"<h2(?P<attributes>(?:\s[^>]*)?)>(?P<inner>.*?)</h2>", re.S)
STYLE = (
    """
body { margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 0 1rem 2rem; }
/* A link in a sentence is seen without its colour (JupyterLab's own rule takes the line away). */
main a, main .jp-RenderedHTMLCommon a:link, main .jp-RenderedHTMLCommon a:visited {
  text-decoration: underline; }
.fi-book-nav { max-width: 60rem; margin: 0 auto; padding: 0.5rem 1rem; border-bottom: 1px solid #ccc;
  font-family: var(--jp-ui-font-family, sans-serif); font-size: 14px; line-height: 1.5; }
.fi-book-row { display: flex; flex-wrap: wrap; gap: 0.2rem 1.5rem; justify-content: space-between; }
.fi-book-row a[rel="next"] { margin-left: auto; text-align: right; }
.fi-book-nav.fi-book-bottom { border-bottom: none; border-top: 1px solid #ccc; }
.fi-book-nav a { color: LINK_COLOUR; }
.fi-book-nav .fi-book-title { font-weight: bold; }
.fi-book-notice { max-width: 60rem; margin: 0.6rem auto 0; padding: 0 1rem; color: #444;
  font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px; }
.fi-book-notice a { color: LINK_COLOUR; text-decoration: underline; }
.fi-book-toc { max-width: 60rem; margin: 0.6rem auto 0; padding: 0 1rem 0.6rem; border-bottom: 1px solid #ccc;
  font-family: var(--jp-ui-font-family, sans-serif); font-size: 14px; line-height: 1.5; }
.fi-book-toc-title { font-weight: bold; margin: 0 0 0.2rem; }
.fi-book-toc ul { columns: 2 22rem; column-gap: 2rem; margin: 0; padding: 0; list-style: none; }
.fi-book-toc li { break-inside: avoid; padding: 0.1rem 0; }
.fi-book-toc a { color: LINK_COLOUR; }
.fi-book-explorer { border: 1px dashed #888; padding: 0 12px; margin: 4px 0; }
.fi-book-explorer > p { background: #f3f3f3; margin: 0 -12px; padding: 8px 12px; }
.fi-figure { margin: 0.5rem 0; }
.fi-figure img { max-width: 100%; height: auto; }
""".replace("LINK_COLOUR", PAGE_LINK)
    + (
        f".fi-book-quiz {{ border: 1px solid #bbb; border-left: 6px solid {SKY}; "
        "padding: 2px 12px; margin: 4px 0; }\n"
    )
)
# The lab template without anything fetched from a CDN (require.js, widget manager, MathJax,
# mermaid): the pages must read offline, and no output needs those scripts once widgets are
# replaced by their static versions.
PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style type="text/css">{{ resources.book_style }}</style>{%- endblock extra_css -%}
{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<header>{{ resources.book_header }}</header>
<main>
{%- endblock body_header -%}
{%- block body_footer -%}
</main>
{{ resources.book_footer }}
</body>
{%- endblock body_footer -%}
"""


def _course_title() -> str:
    """Return the course title from course.yml."""
    document = yaml_fast.safe_load((project_root() / COURSE_FILE).read_text(encoding="utf-8"))
    return str(document.get("title", "The course"))


def _chosen(everything: list[Lesson], notebooks: Iterable[str | Path] | None) -> list[Lesson]:
    """Return the lessons to build, in course order: the ready ones, or those named by id or notebook."""
    ready = [lesson for lesson in everything if lesson.status == "ready"]
    if notebooks is None:
        return ready
    wanted = {Path(name).stem for name in notebooks}  # "02", "02-negotiations", "notebooks/02-....ipynb"
    unknown = wanted - {name for lesson in ready for name in (lesson.id, lesson.stem)}
    if unknown:
        raise DataError(COURSE_FILE, f"no ready lesson {sorted(unknown)}; ready: {[x.id for x in ready]}")
    return [lesson for lesson in ready if {lesson.id, lesson.stem} & wanted]


async def _execute(
    notebook: nbformat.NotebookNode,
    folder: Path,
    env: dict,
    limit: asyncio.Semaphore,
    said: Callable[[float], None],
) -> None:
    """Run every cell of notebook in a fresh python3 kernel working in folder; say how long it took."""
    async with limit:
        started = time.monotonic()
        client = notebook_client(
            notebook,
            folder,
            timeout=CELL_TIMEOUT,
            store_widget_state=True,  # read for the figures explorers start with, then dropped
            # Quiet the kernel's start-up warnings; errors still show.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        await client.async_execute(env=env)
        said(time.monotonic() - started)


async def _execute_all(
    notebooks: list[tuple[nbformat.NotebookNode, Path]], env: dict, progress: list[Callable[[float], None]]
) -> list:
    """Run the notebooks side by side, one kernel per core; return each run's exception or None."""
    limit = asyncio.Semaphore(max(1, min(os.cpu_count() or 1, len(notebooks))))
    # Every run ends (and shuts its kernel down) before a failure is reported.
    return await asyncio.gather(
        *(
            _execute(nb, folder, env, limit, said)
            for (nb, folder), said in zip(notebooks, progress, strict=True)
        ),
        return_exceptions=True,
    )


def _shown_inside(model_id: str, state: dict, seen: set[str]) -> list[str]:
    """Return the HTML a widget's output areas show (an explorer's figures), looking through its children."""
    model = state.get(model_id)
    if model is None or model_id in seen:
        return []
    seen.add(model_id)
    outputs = model["state"].get("outputs", [])
    shown = [output["data"]["text/html"] for output in outputs if "text/html" in output.get("data", {})]
    for child in model["state"].get("children", []):
        shown += _shown_inside(child.removeprefix("IPY_MODEL_"), state, seen)
    return shown


def _static_outputs(notebook: nbformat.NotebookNode) -> None:
    """Replace each widget by its static version (a quiz's questions) or by a note and its figures.

    The widget state goes too: without it nothing in the page asks for the widget manager.
    """
    state = notebook.metadata.pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            if "text/html" in data:  # a quiz: its questions without the answers
                page = f'<div class="fi-book-quiz">{data["text/html"]}</div>'
                words = data.get("text/plain", "")
            else:
                shown = _shown_inside(data[WIDGET_VIEW]["model_id"], state, set())
                note = EXPLORER_START if shown else EXPLORER_NOTE
                page = f'<div class="fi-book-explorer"><p role="note">{note}</p>{"".join(shown)}</div>'
                words = re.sub("<[^>]+>", "", note)
            output["data"] = {"text/html": page, "text/plain": words}


def _link(lesson: Lesson, rel: str) -> str:
    """Return a link to the previous or next lesson's page, named as the lesson headers name it."""
    words = f"lesson {lesson.id}, {lesson.title}"
    label = f"\u2190 Previous: {words}" if rel == "prev" else f"Next: {words} \u2192"
    return f'<a rel="{rel}" href="{lesson.stem}.html">{html.escape(label)}</a>'


def _navigation(course: str, before: Lesson | None, after: Lesson | None, where: str) -> str:
    """Return the bar at the top or bottom of a page: course title and contents, then previous and next."""
    steps = [_link(lesson, rel) for lesson, rel in ((before, "prev"), (after, "next")) if lesson is not None]
    return (
        f'<nav class="fi-book-nav fi-book-{where}" aria-label="Course ({where})">'
        f'<div class="fi-book-row"><a class="fi-book-title" href="index.html">{html.escape(course)}</a>'
        f'<a href="index.html">Contents</a></div><div class="fi-book-row">{"".join(steps)}</div></nav>'
    )


def _local_links(page: str, stems: set[str]) -> str:
    """Point links and code mentions of lesson notebooks in the book at their pages."""

    def href(match: re.Match) -> str:
        stem = match.group(2)
        return f'href="{stem}.html{match.group(3) or ""}"' if stem in stems else match.group(0)

    def code(match: re.Match) -> str:
        stem = match.group(2)
        return f'<a href="{stem}.html">{match.group(0)}</a>' if stem in stems else match.group(0)

    page = re.sub(r'href="((?:\.\./)?notebooks/|\./)?(\d\d-[\w-]+)\.ipynb(#[^"]*)?"', href, page)
    # A notebook the book has no page for (an exercise, a lesson not built) is named, not linked.
    page = re.sub(r'<a href="[^":]*?\.ipynb(?:#[^"]*)?">(.*?)</a>', r"\1", page)
    return re.sub(r"<code>(notebooks/)?(\d\d-[\w-]+)\.ipynb</code>", code, page)


def with_section_ids(page: str) -> tuple[str, list[tuple[str, str]]]:
    """Give every h2 of a page an id; return the page and each section's (id, text), in order.

    An h2 keeps an id it has; otherwise it gets the one JupyterLab gives the heading (its text,
    spaces as hyphens), so a link to a lesson's section from a notebook leads to the same place.
    """
    sections: list[tuple[str, str]] = []
    taken: set[str] = set()

    def named(match: re.Match) -> str:
        attributes, inner = match.group("attributes"), match.group("inner")
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split())
        found = re.search(r'\sid="([^"]*)"', attributes)
        if found:
            anchor = html.unescape(found.group(1))
        else:
            base = text.replace(" ", "-") or "section"
            anchor, count = base, 1
            while anchor in taken:
                count += 1
                anchor = f"{base}-{count}"
            attributes += f' id="{html.escape(anchor)}"'
        taken.add(anchor)
        sections.append((anchor, text))
        return f"<h2{attributes}>{inner}</h2>"

    return HEADING_2.sub(named, page), sections


def contents(sections: list[tuple[str, str]]) -> str:
    """Return the page's "On this page" list: a link to each of its sections, or nothing without any."""
    if not sections:
        return ""
    items = "".join(
        f'<li><a href="#{html.escape(quote(anchor, safe="-._~!$()*+,;=:@/?"))}">{html.escape(text)}</a></li>'
        for anchor, text in sections
    )
    return (
        '<nav class="fi-book-toc" aria-labelledby="fi-book-toc-title">'
        f'<p class="fi-book-toc-title" id="fi-book-toc-title">On this page</p><ul>{items}</ul></nav>'
    )


def _index(course: str, everything: list[Lesson], built: set[str], edition: str = "student") -> str:
    """Return the contents page: every lesson of course.yml in order, linked when its page is built.

    The instructor edition's says so at the top and links each lesson's answer key and extra pages.
    """
    instructor = edition == "instructor"
    if instructor:
        from . import book_instructor
    rows = []
    for lesson in everything:
        title = html.escape(lesson.title)
        if lesson.id in built:
            title = f'<a href="{lesson.stem}.html">{title}</a>'
            if instructor:
                title += book_instructor.index_links(lesson)
        elif lesson.status == "planned":
            title += " <em>(planned: not written yet)</em>"
        else:
            title += " <em>(not in this build)</em>"
        objectives = "".join(f"<li>{html.escape(o)}</li>" for o in lesson.objectives)
        rows.append(
            f'<tr id="lesson-{lesson.id}"><th scope="row">{lesson.id}</th>'
            f"<td><strong>{title}</strong><ul>{objectives}</ul></td>"
            f"<td>{lesson.reading_minutes} reading<br>{lesson.exercise_minutes} exercises</td></tr>"
        )
    style = f"""
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0; }}
main {{ max-width: 60rem; margin: 0 auto; padding: 1rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 0.5rem; text-align: left; vertical-align: top; }}
td:last-child {{ white-space: nowrap; }}
td ul {{ margin: 0.3rem 0 0; padding-left: 1.2rem; font-size: 0.95em; }}
a {{ color: {PAGE_LINK}; }}
{book_instructor.INDEX_STYLE if instructor else ""}"""
    title = f"{course}: contents{' (instructor edition)' if instructor else ''}"
    return (
        page_start(title, style, edition)
        + f"""<body>
<main>
<h1>{html.escape(course)}</h1>
{book_instructor.INDEX_BANNER if instructor else ""}
<p>A static edition for reading. The quizzes list their questions without the answers, and the
explorers show only their starting view. To answer, explore and save your progress, open the
course in JupyterLab: <code>make lab</code> in the course folder.</p>
<table>
<thead><tr><th scope="col">Lesson</th><th scope="col">Title and objectives</th>
<th scope="col">Minutes</th></tr></thead>
<tbody>
{"".join(rows)}
</tbody>
</table>
</main>
</body>
</html>
"""
    )


def edition_in(out: Path) -> str | None:
    """Return the edition a folder holds ("student" or "instructor"), or None when it holds no book."""
    if any(next(out.glob(pattern), None) for pattern in INSTRUCTOR_PAGES):
        return "instructor"
    index = out / "index.html"
    if not index.is_file():
        return None
    found = re.search(r'<meta name="fourislands-edition" content="(\w+)">', index.read_text(encoding="utf-8"))
    return found.group(1) if found else "student"  # a book built before there were editions


def _check_folders(outs: Mapping[str, Path]) -> None:
    """Refuse an unknown edition, two editions in one folder, or a folder holding the other edition.

    Pages of an earlier build stay in the folder: the student edition must never be written where
    answer keys lie, nor the instructor edition where students read.
    """
    unknown = sorted(set(outs) - set(EDITIONS))
    if unknown:
        raise ValueError(f"no edition {unknown}: the editions are {list(EDITIONS)}")
    if len({path.resolve() for path in outs.values()}) < len(outs):
        raise DataError(", ".join(map(str, outs.values())), "each edition needs a folder of its own")
    for edition, out in outs.items():
        held = edition_in(out)
        if held is not None and held != edition:
            raise DataError(
                out,
                f"holds the {held} edition{' (answer keys)' * (held == 'instructor')}: "
                f"remove it or write the {edition} edition to another folder",
            )


def _lesson_header(
    edition: str, course: str, lesson: Lesson, before: Lesson | None, after: Lesson | None, sections: list
) -> str:
    """Return what goes above a lesson: the bar, the notice (and the instructor's), the page's contents."""
    note = ""
    if edition == "instructor":
        from . import book_instructor

        note = book_instructor.lesson_note(lesson)
    return _navigation(course, before, after, "top") + NOTICE + note + contents(sections)


def _write_instructor_pages(
    out: Path, course: str, chosen: list[Lesson], stems: set[str], say: Callable[[str], None]
) -> list[Path]:
    """Write each lesson's instructor pages (answer key; role cards and rubric) into out; return them."""
    from . import book_instructor

    written = []
    for lesson in chosen:
        for extra in book_instructor.pages(lesson):
            body, sections = with_section_ids(extra.body)
            page = book_instructor.whole_page(course, lesson, extra, body, STYLE, contents(sections))
            path = out / extra.name
            write_text_atomically(path, _local_links(page, stems), mode=PAGE_MODE)
            written.append(path)
            say(f"{path} written (instructor edition)")
    return written


def build_editions(
    outs: Mapping[str, Path],
    notebooks: Iterable[str | Path] | None = None,
    say: Callable[[str], None] = lambda _line: None,
) -> dict[str, list[Path]]:
    """Execute the lessons once and write each edition asked for; return each edition's files written.

    outs maps an edition ("student", "instructor") to its folder. Both editions share the lesson
    pages, exported once: the instructor edition's say at the top that it holds answers and link
    the lesson's answer key, and it adds each lesson's own pages (book_instructor.pages). The index
    of each folder is written last. A folder holding the other edition is refused before anything runs.
    """
    _check_folders(outs)
    everything = lessons()
    chosen = _chosen(everything, notebooks)
    course = _course_title()
    root = project_root()
    lesson_notebooks = [nbformat.read(root / lesson.notebook, as_version=4) for lesson in chosen]
    folders = [(root / lesson.notebook).parent for lesson in chosen]
    with tempfile.TemporaryDirectory(prefix="fourislands-book-") as scratch:
        # A progress file of the build's own: executing quizzes must not touch a student's.
        env = {**os.environ, "FOURISLANDS_PROGRESS": str(Path(scratch) / "progress.json")}
        progress = [
            lambda seconds, lesson=lesson: say(f"lesson {lesson.id} ran in {seconds:.1f} s")
            for lesson in chosen
        ]
        failures = asyncio.run(_execute_all(list(zip(lesson_notebooks, folders, strict=True)), env, progress))
    for lesson, failure in zip(chosen, failures, strict=True):
        if failure is not None:
            failure.add_note(f"while building the page of {lesson.notebook}")
            raise failure
    exporter = HTMLExporter(
        extra_loaders=[DictLoader({TEMPLATE: PAGE_TEMPLATE})],
        template_file=TEMPLATE,
        exclude_anchor_links=True,
        # A page to read, not to run: the prose and what the cells show, without code or prompts.
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    stems = {lesson.stem for lesson in chosen}
    exported = []
    for lesson, notebook in zip(chosen, lesson_notebooks, strict=True):
        _static_outputs(notebook)
        notebook.metadata["title"] = f"Lesson {lesson.id}: {lesson.title} \u00b7 {course}"
        resources = {"book_style": STYLE, "book_header": HEADER, "book_footer": FOOTER}
        page, _ = exporter.from_notebook_node(notebook, resources=resources)
        exported.append(with_section_ids(_local_links(page, stems)))
    written: dict[str, list[Path]] = {}
    for edition, out in outs.items():
        out.mkdir(parents=True, exist_ok=True)
        files = []
        for position, (lesson, (page, sections)) in enumerate(zip(chosen, exported, strict=True)):
            before = chosen[position - 1] if position else None
            after = chosen[position + 1] if position + 1 < len(chosen) else None
            header = _lesson_header(edition, course, lesson, before, after, sections)
            footer = _navigation(course, before, after, "bottom")
            path = out / f"{lesson.stem}.html"
            write_text_atomically(
                path, page.replace(HEADER, header, 1).replace(FOOTER, footer, 1), mode=PAGE_MODE
            )
            files.append(path)
            say(f"{path} written")
        if edition == "instructor":
            files += _write_instructor_pages(out, course, chosen, stems, say)
        index = out / "index.html"
        built = {lesson.id for lesson in chosen}
        write_text_atomically(index, _index(course, everything, built, edition), mode=PAGE_MODE)
        written[edition] = [*files, index]
    return written


def build_book(
    out: Path,
    notebooks: Iterable[str | Path] | None = None,
    say: Callable[[str], None] = lambda _line: None,
    instructor: bool = False,
) -> list[Path]:
    """Execute the lessons, write them to out as HTML pages with index.html; return the files written.

    notebooks names the lessons to build (ids such as "02" or notebook names); all ready lessons
    by default. The index lists every lesson of course.yml; previous and next link built pages.
    say is told a line as each lesson has run and as each page is written. instructor: write the
    instructor edition (answer keys and all, see build_editions) instead of the student edition.
    """
    edition = "instructor" if instructor else "student"
    return build_editions({edition: out}, notebooks, say)[edition]


def book_command(args: argparse.Namespace) -> int:
    """Build the static edition into args.out (the lessons in args.lessons, or all); return an exit code.

    With args.instructor, the instructor edition (default folder build/book-instructor). With
    args.instructor_out, both editions from one run of the lessons: the student's into args.out, the
    instructor's into args.instructor_out.
    """
    started = time.monotonic()
    instructor = getattr(args, "instructor", False)
    instructor_out = getattr(args, "instructor_out", None)
    if instructor and instructor_out:
        print("--instructor-out writes the instructor edition beside the student's: leave out --instructor")
        return 2
    out = args.out or Path("build/book-instructor" if instructor else "build/book")
    outs = {"instructor" if instructor else "student": out}
    if instructor_out:
        outs["instructor"] = instructor_out
    try:
        written = build_editions(outs, args.lessons or None, say=lambda line: print(line, flush=True))
    except (DataError, CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        print(error)
        for note in getattr(error, "__notes__", []):
            print(note)
        return 1
    seconds = time.monotonic() - started
    for edition, files in written.items():
        extra = sum(any(path.match(pattern) for pattern in INSTRUCTOR_PAGES) for path in files)
        pages = len(files) - 1 - extra
        also = f" and {extra} instructor pages (answers)" if edition == "instructor" else ""
        print(f"{files[-1]}, {pages} lesson page{'s' * (pages != 1)}{also} written in {seconds:.0f} s")
    return 0
