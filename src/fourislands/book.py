"""The static edition: every lesson executed and exported to HTML pages that read offline."""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter

from . import yaml_fast
from .atomic import write_text_atomically
from .course import COURSE_FILE, Lesson, lessons
from .errors import DataError
from .kernels import notebook_client
from .palette import SKY
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
STYLE = """
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
.fi-book-nav a { color: #0a58a5; }
.fi-book-nav .fi-book-title { font-weight: bold; }
.fi-book-notice { max-width: 60rem; margin: 0.6rem auto 0; padding: 0 1rem; color: #444;
  font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px; }
.fi-book-explorer { border: 1px dashed #888; padding: 0 12px; margin: 4px 0; }
.fi-book-explorer > p { background: #f3f3f3; margin: 0 -12px; padding: 8px 12px; }
.fi-figure { margin: 0.5rem 0; }
.fi-figure img { max-width: 100%; height: auto; }
""" + (
    f".fi-book-quiz {{ border: 1px solid #bbb; border-left: 6px solid {SKY}; "
    "padding: 2px 12px; margin: 4px 0; }\n"
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
{{ resources.book_header }}
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


def _stem(lesson: Lesson) -> str:
    """Return the lesson's page name without extension: its notebook's name, e.g. 02-negotiations."""
    return Path(lesson.notebook).stem


def _chosen(everything: list[Lesson], notebooks: Iterable[str | Path] | None) -> list[Lesson]:
    """Return the lessons to build, in course order: the ready ones, or those named by id or notebook."""
    ready = [lesson for lesson in everything if lesson.status == "ready"]
    if notebooks is None:
        return ready
    wanted = {Path(name).stem for name in notebooks}  # "02", "02-negotiations", "notebooks/02-....ipynb"
    unknown = wanted - {name for lesson in ready for name in (lesson.id, _stem(lesson))}
    if unknown:
        raise DataError(COURSE_FILE, f"no ready lesson {sorted(unknown)}; ready: {[x.id for x in ready]}")
    return [lesson for lesson in ready if {lesson.id, _stem(lesson)} & wanted]


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
    return f'<a rel="{rel}" href="{_stem(lesson)}.html">{html.escape(label)}</a>'


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


def _index(course: str, everything: list[Lesson], built: set[str]) -> str:
    """Return the contents page: every lesson of course.yml in order, linked when its page is built."""
    rows = []
    for lesson in everything:
        title = html.escape(lesson.title)
        if lesson.id in built:
            title = f'<a href="{_stem(lesson)}.html">{title}</a>'
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
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(course)}: contents</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0; }}
main {{ max-width: 60rem; margin: 0 auto; padding: 1rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 0.5rem; text-align: left; vertical-align: top; }}
td:last-child {{ white-space: nowrap; }}
td ul {{ margin: 0.3rem 0 0; padding-left: 1.2rem; font-size: 0.95em; }}
a {{ color: #0a58a5; }}
</style>
</head>
<body>
<main>
<h1>{html.escape(course)}</h1>
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


def build_book(
    out: Path, notebooks: Iterable[str | Path] | None = None, say: Callable[[str], None] = lambda _line: None
) -> list[Path]:
    """Execute the lessons, write them to out as HTML pages with index.html; return the files written.

    notebooks names the lessons to build (ids such as "02" or notebook names); all ready lessons
    by default. The index lists every lesson of course.yml; previous and next link built pages.
    say is told a line as each lesson has run and as each page is written.
    """
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
    out.mkdir(parents=True, exist_ok=True)
    stems = {_stem(lesson) for lesson in chosen}
    written = []
    for position, (lesson, notebook) in enumerate(zip(chosen, lesson_notebooks, strict=True)):
        before = chosen[position - 1] if position else None
        after = chosen[position + 1] if position + 1 < len(chosen) else None
        _static_outputs(notebook)
        notebook.metadata["title"] = f"Lesson {lesson.id}: {lesson.title} \u00b7 {course}"
        resources = {
            "book_style": STYLE,
            "book_header": _navigation(course, before, after, "top") + NOTICE,
            "book_footer": _navigation(course, before, after, "bottom"),
        }
        page, _ = exporter.from_notebook_node(notebook, resources=resources)
        path = out / f"{_stem(lesson)}.html"
        write_text_atomically(path, _local_links(page, stems), mode=PAGE_MODE)
        written.append(path)
        say(f"{path} written")
    index = out / "index.html"
    write_text_atomically(index, _index(course, everything, {lesson.id for lesson in chosen}), mode=PAGE_MODE)
    return [*written, index]


def book_command(args: argparse.Namespace) -> int:
    """Build the static edition into args.out (the lessons in args.lessons, or all); return an exit code."""
    started = time.monotonic()
    try:
        written = build_book(args.out, args.lessons or None, say=lambda line: print(line, flush=True))
    except (DataError, CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        print(error)
        for note in getattr(error, "__notes__", []):
            print(note)
        return 1
    pages = len(written) - 1
    seconds = time.monotonic() - started
    print(f"{written[-1]} and {pages} lesson page{'s' * (pages != 1)} written in {seconds:.0f} s")
    return 0
