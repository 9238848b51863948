"""The instructor edition's own pages: answer keys, exercise solutions, role cards, the essay rubric.

book.build_editions writes them beside the lesson pages of the instructor edition, from the same
run of the lessons as the student edition: this module says what they hold, book.py makes them
pages (this module imports nothing from book.py, which imports it). Nothing here runs a notebook:
the keys come from the quiz banks (data/quizzes/) and the solution notebooks (solutions/), the
role cards from data/red_lines.csv and the polls of lesson 07, with the roles as the lesson's own
text names them, and the rubric from data/essay_rubric.csv. The student edition never holds any
of these pages.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from .charts.seminar import ESSAY, KIND_LABELS
from .course import Lesson
from .data import load
from .errors import DataError
from .exercise_build import SOLUTION, nbgrader_meta, questions, solution_path
from .grading.gradebook import exercise_spec
from .html_page import page_start
from .model.seminar import SCENARIOS, SIDES, opinion_rows
from .palette import GREEN, JAPAN, PAGE_LINK, RUSSIA
from .paths import project_root
from .quizbank import Bank, BankError, Question, bank_path, cite_html, load_bank
from .quizwidget import answer_text

# The seminar: the lesson whose role-play gets printed cards and whose essay gets a marking sheet.
SEMINAR = "07"
BANNER = (
    '<p class="fi-instructor-banner" role="note"><strong>Instructor edition: contains answers.</strong> '
    "Keep this page away from students.</p>"
)
INDEX_BANNER = (
    '<p class="fi-instructor-banner" role="note"><strong>Instructor edition: contains answers.</strong> '
    "Each lesson has an answer key: every quiz question with its correct answer, explanation and "
    "source, and the exercise's solutions with the rubrics of its written answers. Lesson 07 adds "
    "printable role cards and the essay rubric. Do not give this folder to students: their edition "
    "is built by <code>make book</code>.</p>"
)
INDEX_STYLE = """.fi-instructor-banner { border: 2px solid #a00; background: #fff4f4; padding: 0.6rem; }
.fi-book-extra { margin: 0.2rem 0 0; font-size: 0.95em; }
"""
HAND_OUT = (
    '<p class="fi-instructor-banner fi-hand-out" role="note"><strong>Instructor edition.</strong> '
    "This page holds no answers: print it for the class.</p>"
)
QUESTION_TYPES = {
    "single": "one option",
    "multiple": "every option that applies",
    "numeric": "a number",
    "ordering": "put in order",
    "matching": "match the pairs",
    "text": "a word or name",
}
# Which of a side's red lines each delegation role watches (data/red_lines.csv, column kind), by
# the role's name in lesson 07. The head of delegation watches them all; "law" stands for the
# economy lines on the law joint activities would run under (the legal adviser's, by the lesson).
ROLE_WATCHES = {
    "head of delegation": ("sovereignty", "territory", "sequence", "security", "economy", "access"),
    "legal adviser": ("sovereignty", "territory", "sequence", "law"),
    "security adviser": ("security",),
    "economy adviser": ("economy",),
    "voice of the public": ("access", "polls"),
}
LAW = re.compile(r"\b(law|legal)\b", re.I)
# Where lesson 07 names its roles and rules: the Markdown paragraphs that start with these.
DELEGATIONS, OBSERVERS, GROUND_RULES = (
    "**Delegations.**",
    "**Observer roles (optional).**",
    "**Ground rules.**",
)
SIDE_COLOURS = {"japan": JAPAN, "russia": RUSSIA}

PAGE_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
  line-height: 1.45; }
main h1 { font-size: 1.6rem; margin: 1rem 0 0.5rem; }
main h2 { font-size: 1.3rem; margin: 1.6rem 0 0.5rem; border-bottom: 1px solid #ccc; }
main h3 { font-size: 1.05rem; margin: 1.2rem 0 0.3rem; }
main a { color: LINK_COLOUR; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
pre { background: #f4f4f4; border: 1px solid #ddd; padding: 0.5rem 0.7rem; white-space: pre-wrap;
  overflow-wrap: anywhere; }
table { border-collapse: collapse; }
th, td { border: 1px solid #bbb; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
.fi-instructor-banner { max-width: 60rem; margin: 0.6rem auto 0; padding: 0.5rem 0.8rem;
  box-sizing: border-box; border: 2px solid #a00; background: #fff4f4; }
.fi-book-bar a[aria-current="page"] { font-weight: bold; color: #222; text-decoration: none; }
.fi-key-list > li { margin: 0 0 1rem; break-inside: avoid; }
.fi-key-list p { margin: 0.2rem 0; }
.fi-key-about { color: #444; font-size: 0.9em; }
.fi-key-answer { background: #eef7ee; border-left: 4px solid ANSWER_EDGE; padding: 0.2rem 0.5rem; }
.fi-key-source { font-size: 0.9em; color: #444; }
.fi-key-exercise { break-inside: avoid-page; }
.fi-key-model { border-left: 4px solid #999; padding: 0 0.7rem; }
@media print {
  .fi-book-nav, .fi-book-toc { display: none; }
  main { max-width: none; padding: 0; }
  a { color: inherit; }
}
""".replace("LINK_COLOUR", PAGE_LINK).replace("ANSWER_EDGE", GREEN)
CARD_STYLE = """
@page { size: A4; margin: 14mm; }
.fi-card { border: 1px solid #888; border-left: 8px solid var(--side); padding: 0.2rem 1rem 0.6rem;
  margin: 1.5rem 0; font-size: 15px; line-height: 1.4; }
.fi-card h2 { border: none; font-size: 1.5rem; margin: 0.3rem 0 0.3rem; }
.fi-card h3 { font-size: 1.05rem; margin: 0.7rem 0 0.2rem; }
.fi-card ul { margin: 0.2rem 0; padding-left: 1.2rem; }
.fi-card li { margin: 0.15rem 0; }
.fi-card-setting { margin: 0.4rem 0 0; color: #444; font-size: 0.9em; }
.fi-card-source { display: block; color: #444; font-size: 0.85em; }
.fi-card-rules { border-top: 1px solid #ccc; margin-top: 0.7rem; padding-top: 0.4rem; font-size: 0.9em; }
@media print {
  .fi-screen-only, .fi-instructor-banner { display: none; }
  .fi-card { break-after: page; break-inside: avoid; margin: 0; font-size: 10.5pt; }
  .fi-card:last-of-type { break-after: auto; }
}
"""
RUBRIC_STYLE = """
@page { size: A4; margin: 15mm; }
.fi-essay-rubric { width: 100%; margin: 0.8rem 0; }
.fi-essay-rubric td.fi-points, .fi-essay-rubric th.fi-points { text-align: center; width: 4.5rem; }
.fi-essay-rubric td.fi-score { width: 5rem; }
.fi-marking { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1rem; margin: 0.8rem 0; }
.fi-marking p { margin: 0; border-bottom: 1px solid #222; padding-bottom: 1.2rem; }
.fi-comments { border: 1px solid #222; min-height: 5cm; padding: 0.3rem 0.5rem; }
.fi-comments p { margin: 0; }
@media print {
  .fi-screen-only, .fi-instructor-banner { display: none; }
  main { font-size: 10.5pt; }
}
"""


@dataclass(frozen=True)
class ExtraPage:
    """A page of the instructor edition: its file name, title, what goes in its main, style and banner."""

    name: str
    title: str
    body: str
    style: str = ""
    banner: str = BANNER


def key_page(lesson: Lesson) -> str:
    """Return the file name of a lesson's answer key, e.g. 02-negotiations-key.html."""
    return f"{lesson.stem}-key.html"


def role_cards_page(lesson: Lesson) -> str:
    """Return the file name of the seminar's role cards."""
    return f"{lesson.stem}-role-cards.html"


def rubric_page(lesson: Lesson) -> str:
    """Return the file name of the seminar's essay rubric."""
    return f"{lesson.stem}-essay-rubric.html"


def _extra_pages(lesson: Lesson) -> list[tuple[str, str]]:
    """Return (file, words) of every instructor page of a lesson, its answer key first."""
    pages = [(key_page(lesson), f"Answer key for lesson {lesson.id}")]
    if lesson.id == SEMINAR:
        pages += [
            (role_cards_page(lesson), "Role cards to print"),
            (rubric_page(lesson), "Essay rubric to print"),
        ]
    return pages


def lesson_note(lesson: Lesson) -> str:
    """Return the note the instructor edition puts at the top of a lesson page: answers, and where."""
    links = ", ".join(f'<a href="{name}">{html.escape(words)}</a>' for name, words in _extra_pages(lesson))
    return (
        '<p class="fi-book-notice fi-book-instructor" role="note"><strong>Instructor edition: contains '
        f"answers.</strong> The quiz answers and exercise solutions of this lesson: {links}.</p>"
    )


def index_links(lesson: Lesson) -> str:
    """Return the instructor pages of a lesson as the contents page lists them."""
    links = " \u00b7 ".join(
        f'<a href="{name}">{html.escape(words)}</a>' for name, words in _extra_pages(lesson)
    )
    return f'<p class="fi-book-extra">{links}</p>'


def _bar(course: str, lesson: Lesson, here: str) -> str:
    """Return the bar at the top of an instructor page: the contents, the lesson, its other pages."""
    pages = [(f"{lesson.stem}.html", f"Lesson {lesson.id}: {lesson.title}"), *_extra_pages(lesson)]
    current = ' aria-current="page"'
    links = "".join(
        f'<a href="{name}"{current if name == here else ""}>{html.escape(words)}</a>' for name, words in pages
    )
    return (
        '<nav class="fi-book-nav fi-book-top" aria-label="Course (top)">'
        f'<div class="fi-book-row"><a class="fi-book-title" href="index.html">{html.escape(course)}</a>'
        f'<a href="index.html">Contents</a></div><div class="fi-book-row fi-book-bar">{links}</div></nav>'
    )


def whole_page(
    course: str, lesson: Lesson, page: ExtraPage, body: str, book_style: str, contents: str
) -> str:
    """Return a whole instructor page: the bar, the banner and the page's contents (book.contents),
    then body (the page's body with its section ids) in main."""
    title = f"{page.title} \u00b7 {course}"
    return (
        page_start(title, book_style + PAGE_STYLE + page.style, "instructor")
        + f"""<body>
<header>
{_bar(course, lesson, page.name)}
{page.banner}
{contents}
</header>
<main>
{body}
</main>
</body>
</html>
"""
    )


def _markdown(text: str) -> str:
    """Return Markdown from a notebook as HTML, without the heading anchors nbconvert adds.

    Its headings become h4: on a page of its own, a notebook's text sits under the page's h3.
    """
    page = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", markdown2html_mistune(text))
    return re.sub(r"<(/?)h[1-6]\b", r"<\1h4", page)


# ---------------------------------------------------------------------------- answer keys


def _answer(question: Question) -> str:
    """Return a question's correct answer in words, with the tolerance or the other answers accepted."""
    words = f'<span class="fi-key-answer-text">{html.escape(answer_text(question))}</span>'
    if question.type == "numeric" and question.tolerance:
        words += f" (accepted within \u00b1{question.tolerance:g})"
    if question.type == "text" and len(question.accept) > 1:
        words += " (also accepted: " + "; ".join(html.escape(a) for a in question.accept[1:]) + ")"
    return words


def quiz_key(bank: Bank) -> str:
    """Return every question of a bank, in the bank's order, with its answer, explanation and source."""
    items = []
    for question in bank.questions:
        about = [QUESTION_TYPES[question.type], question.skill]
        if question.objective:
            about.append(f"objective {question.objective}")
        items.append(
            f'<li class="fi-key-question" data-question="{html.escape(question.id)}">'
            f"<p><strong>{html.escape(question.prompt)}</strong></p>"
            f'<p class="fi-key-about">{html.escape(", ".join(about))}; '
            f"id <code>{html.escape(question.id)}</code></p>"
            f'<p class="fi-key-answer"><strong>Answer:</strong> {_answer(question)}</p>'
            f'<p class="fi-key-explanation">{html.escape(question.explanation)}</p>'
            f'<p class="fi-key-source"><em>Source:</em> {cite_html(question.source)}</p></li>'
        )
    return (
        f'<h2 id="quiz-key">Quiz key: {html.escape(bank.title)}</h2>'
        f"<p>All {len(bank.questions)} questions of <code>data/quizzes/{Path(bank.path).name}</code>, in the "
        "bank's order (the lesson shows its options shuffled). The lesson asks some of them in its "
        "sections and all of them in the quiz at the end.</p>"
        f'<ol class="fi-key-list">{"".join(items)}</ol>'
    )


def exercise_key(solution: nbformat.NotebookNode, name: str) -> str:
    """Return an exercise's questions with their solution code, its written answers with rubric and model."""
    spec = exercise_spec(name, solution)
    graded, _ = questions(solution)
    models = {
        nbgrader_meta(cell).get("grade_id"): SOLUTION.search(cell.source) or cell.source
        for cell in solution.cells
        if cell.cell_type == "markdown" and nbgrader_meta(cell).get("solution")
    }
    parts = [
        f'<h2 id="exercise-solutions">Exercise solutions: {html.escape(spec.title)}</h2>'
        f"<p>From <code>solutions/{html.escape(name)}.ipynb</code>. Students work in "
        f"<code>exercises/{html.escape(name)}-exercises.ipynb</code>; the grader marks the code "
        "questions and you mark the written answers with their rubric.</p>"
    ]
    for question in spec.questions:
        points = f"{question.points:g} point{'s' * (question.points != 1)}"
        heading = (
            f'<section class="fi-key-exercise" aria-labelledby="solution-{question.id}">'
            f'<h3 id="solution-{question.id}">{html.escape(question.name)} ({points})</h3>'
            f'<div class="fi-key-task">{_markdown(question.task)}</div>'
        )
        if not question.written:
            code = graded[question.id]["solution"].rstrip()
            parts.append(
                f"{heading}<p><strong>Solution</strong>, stored in "
                f"<code>{html.escape(graded[question.id]['answer'])}</code>:</p>"
                f'<pre class="fi-key-solution" data-question="{question.id}"><code>'
                f"{html.escape(code)}</code></pre></section>"
            )
            continue
        criteria = "".join(
            f'<tr><td class="fi-points">{int(c["points"])}</td><td>{html.escape(c["criterion"])}</td></tr>'
            for c in question.rubric
        )
        model = models.get(question.id, "")
        parts.append(
            f'{heading}<table class="fi-key-rubric" data-question="{question.id}"><caption>Rubric</caption>'
            f'<thead><tr><th scope="col">Points</th><th scope="col">Criterion</th></tr></thead>'
            f"<tbody>{criteria}</tbody></table>"
            "<p><strong>A model answer</strong> (one of many that earn full marks):</p>"
            f'<div class="fi-key-model" data-question="{question.id}">'
            f"{_markdown(model if isinstance(model, str) else model.group(1))}</div></section>"
        )
    return "".join(parts)


def answer_key(lesson: Lesson) -> ExtraPage:
    """Return a lesson's answer key page: its quiz key, then its exercise's solutions (or what stands in)."""
    try:
        bank_path(lesson.id)
    except BankError:
        quiz = '<h2 id="quiz-key">Quiz key</h2><p>This lesson has no quiz.</p>'
    else:
        quiz = quiz_key(load_bank(lesson.id))
    solution = solution_path(lesson.stem)
    if solution.is_file():
        exercise = exercise_key(nbformat.read(solution, as_version=4), solution.stem)
    else:
        exercise = '<h2 id="exercise-solutions">Exercise</h2><p>This lesson has no exercise.</p>'
    if lesson.id == SEMINAR:
        exercise += (
            '<h2 id="essay-and-role-play">The essay and the role-play</h2><p>The essay of the exercise '
            f'is marked by hand with <a href="{rubric_page(lesson)}">its rubric</a>, on the marking '
            "sheet (docs/grader-guide.md). The role-play has no right answer; "
            f'<a href="{role_cards_page(lesson)}">the role cards</a> give each student their brief.</p>'
        )
    body = (
        f"<h1>Answer key: lesson {lesson.id}, {html.escape(lesson.title)}</h1>"
        f'<p>The answers to <a href="{lesson.stem}.html">lesson {lesson.id}</a>: its quiz '
        "questions, each with the correct answer, the explanation a student sees once they answer it "
        "and its source, then its exercise.</p>"
        f"{quiz}{exercise}"
    )
    return ExtraPage(key_page(lesson), f"Answer key: lesson {lesson.id}", body)


# ---------------------------------------------------------------------------- role cards


def _paragraph(notebook: nbformat.NotebookNode, label: str, where: str) -> str:
    """Return the Markdown paragraph of the notebook that starts with label, without the label."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and label in cell.source:
            return cell.source.split(label, 1)[1].split("\n\n", 1)[0].strip()
    raise DataError(where, f"no paragraph starting {label!r}: the role cards read the roles from it")


def delegation_roles(notebook: nbformat.NotebookNode, where: str) -> list[tuple[str, str]]:
    """Return the delegation roles of lesson 07 and what each does: ("legal adviser", "for ...")."""
    text = " ".join(_paragraph(notebook, DELEGATIONS, where).split())
    roles = re.findall(r"\*([^*]+)\* ((?:who|for)\b[^;.]*)", text)
    unknown = [name for name, _ in roles if name not in ROLE_WATCHES]
    if not roles or unknown:
        raise DataError(
            where, f"the role-play names roles {unknown or 'none'}; the role cards know {list(ROLE_WATCHES)}"
        )
    return roles


def observer_roles(notebook: nbformat.NotebookNode, where: str) -> tuple[str, list[tuple[str, str]]]:
    """Return lesson 07's note on observers and each observer role with its brief, as Markdown."""
    cell = next(
        (c.source for c in notebook.cells if c.cell_type == "markdown" and OBSERVERS in c.source), None
    )
    if cell is None:
        raise DataError(
            where, f"no paragraph starting {OBSERVERS!r}: the role cards read the observers from it"
        )
    text = cell.split(OBSERVERS, 1)[1].split("<details", 1)[0]
    intro, _, listing = text.partition("\n- ")
    bullets = [" ".join(item.split()) for item in ("- " + listing).split("\n- ") if item.strip()]
    roles = []
    for bullet in bullets:
        found = re.match(r"(?:- )?\*([^*]+)\* (.*)", bullet)
        if found:
            roles.append((found.group(1), found.group(2)))
    return " ".join(intro.split()), roles


def _card_source(source_id: str, sources) -> str:
    """Return a source as a printed card names it: a reading's short name, else its outlet and date."""
    row = sources.loc[source_id]
    if row["kind"] == "reading":
        return str(row["short"])
    outlet = re.sub(r"\s*\([^)]*\)", "", str(row["citation"]).split(",")[0])
    return f"{outlet}, {row['published']}" if isinstance(row["published"], str) else outlet


def _watches(role: str, row) -> bool:
    """Return whether a delegation role watches a red line (ROLE_WATCHES)."""
    kinds = ROLE_WATCHES[role]
    return row["kind"] in kinds or ("law" in kinds and bool(LAW.search(row["statement"])))


def _red_lines(scenario: str):
    """Return the red lines that bind in a scenario."""
    red_lines = load("red_lines")
    binds = red_lines["scenarios"].fillna("").map(lambda cell: scenario in cell.split(";"))
    return red_lines[binds]


def _card(side: str, role: str, job: str, scenario: str, rules: str, sources, polls) -> str:
    """Return one delegation role's card in one scenario: its red lines, its polls, the ground rules."""
    rows = _red_lines(scenario)
    rows = rows[rows["side"] == side]
    mine = [row for _, row in rows.iterrows() if _watches(role, row)]
    others = [row for _, row in rows.iterrows() if not _watches(role, row)]

    def line(row, quoted: bool) -> str:
        kind = KIND_LABELS.get(row["kind"], str(row["kind"]))
        said = (
            f'<span class="fi-card-source">{html.escape(_card_source(row["source_id"], sources))}: '
            f"&ldquo;{html.escape(row['quote'])}&rdquo;</span>"
            if quoted
            else ""
        )
        return f"<li><strong>{html.escape(kind)}.</strong> {html.escape(row['statement'])}{said}</li>"

    anchor = f"card-{scenario}-{side}-{role.replace(' ', '-')}"
    parts = [
        f'<p class="fi-card-setting">Lesson {SEMINAR} role-play \u00b7 setting {scenario}: '
        f"{html.escape(SCENARIOS[scenario])}</p>",
        f'<h2 id="{anchor}">{SIDES[side]}: {html.escape(role)} ({scenario})</h2>',
        f"<p><strong>Your role:</strong> {SIDES[side]}'s {html.escape(role)}, {html.escape(job)}.</p>",
        f"<h3>The red lines you watch ({len(mine)})</h3><ul>{''.join(line(row, True) for row in mine)}</ul>",
    ]
    if others:
        parts.append(
            "<h3>Your delegation's other red lines</h3>"
            f"<ul>{''.join(line(row, False) for row in others)}</ul>"
        )
    if "polls" in ROLE_WATCHES[role]:
        mine_polls = polls[polls["group"].str.contains("Russian") == (side == "russia")]
        items = "".join(
            f"<li><strong>{row['percent']:g}%</strong> {html.escape(row['answer'])} "
            f'<span class="fi-card-source">{html.escape(row["group"])}, in '
            f"{html.escape(_card_source(row['source_id'], sources))}</span></li>"
            for _, row in mine_polls.iterrows()
        )
        parts.append(f"<h3>The polls you watch</h3><ul>{items}</ul>")
    parts.append(f'<div class="fi-card-rules">{rules}</div>')
    return (
        f'<section class="fi-card" style="--side: {SIDE_COLOURS[side]};" aria-labelledby="{anchor}" '
        f'data-side="{side}" data-role="{html.escape(role)}" data-scenario="{scenario}">'
        f"{''.join(parts)}</section>"
    )


def role_cards(lesson: Lesson) -> ExtraPage:
    """Return the seminar's role cards page.

    One card per delegation role, side and scenario (2026 first, the default), then one per
    observer role; each prints on a page of its own.
    """
    where = lesson.notebook
    notebook = nbformat.read(project_root() / lesson.notebook, as_version=4)
    roles = delegation_roles(notebook, where)
    observer_note, observers = observer_roles(notebook, where)
    rules = _markdown(GROUND_RULES + " " + _paragraph(notebook, GROUND_RULES, where))
    sources = load("sources").set_index("id")
    polls = opinion_rows(load("opinion_polls"), load("nhk_survey"))
    scenarios = sorted(SCENARIOS, reverse=True)  # 2026, the default, first
    cards, first_page, ranges = [], 1, []
    for scenario in scenarios:
        for side in SIDES:
            cards += [_card(side, role, job, scenario, rules, sources, polls) for role, job in roles]
        ranges.append(
            f"pages {first_page}-{len(cards)}: setting {scenario} ({html.escape(SCENARIOS[scenario])})"
        )
        first_page = len(cards) + 1
    for name, brief in observers:
        anchor = f"card-observer-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"
        cards.append(
            f'<section class="fi-card" style="--side: #666;" aria-labelledby="{anchor}" data-role="observer">'
            f'<p class="fi-card-setting">Lesson {SEMINAR} role-play \u00b7 either setting \u00b7 optional</p>'
            f'<h2 id="{anchor}">Observer: {html.escape(name)}</h2>'
            f"{_markdown(observer_note)}{_markdown(f'*{name}* {brief}')}"
            f'<div class="fi-card-rules">{rules}</div></section>'
        )
    ranges.append(f"pages {first_page}-{len(cards)}: the observers (optional, from ten students)")
    body = (
        '<div class="fi-screen-only">'
        f"<h1>Role cards: lesson {lesson.id}, {html.escape(lesson.title)}</h1>"
        f"<p>One card per role, each printed on a page of its own ({len(cards)} pages): print the "
        "pages of the setting your class plays and hand each student the card of their role. In a "
        "small group one person takes two roles. The red lines are those of "
        "<code>data/red_lines.csv</code>, by side and setting; the roles are those of section 7 of "
        f'the lesson (<a href="{lesson.stem}.html">lesson {lesson.id}</a>).</p>'
        f"<ul>{''.join(f'<li>{r}</li>' for r in ranges)}</ul></div>"
        f"{''.join(cards)}"
    )
    return ExtraPage(role_cards_page(lesson), f"Role cards: lesson {lesson.id}", body, CARD_STYLE, HAND_OUT)


# ---------------------------------------------------------------------------- essay rubric


def essay_rubric(lesson: Lesson) -> ExtraPage:
    """Return the seminar essay's prompt and rubric as a marking sheet that prints on one A4 page."""
    prompts = load("essays").set_index("id")["prompt"]
    criteria = load("essay_rubric")
    criteria = criteria[criteria["essay_id"] == ESSAY].sort_values("position")
    if ESSAY not in prompts.index or criteria.empty:
        raise DataError("data/essay_rubric.csv", f"no essay {ESSAY!r} with its criteria", column="essay_id")
    rows = "".join(
        f'<tr><th scope="row">{html.escape(str(name))}</th><td class="fi-points">{int(points)}</td>'
        f'<td>{html.escape(str(about))}</td><td class="fi-score"></td></tr>'
        for name, points, about in zip(
            criteria["criterion"], criteria["points"], criteria["full_marks"], strict=True
        )
    )
    total = int(criteria["points"].sum())
    body = (
        f"<h1>Essay rubric: lesson {lesson.id}, {html.escape(lesson.title)}</h1>"
        f'<p class="fi-essay-prompt"><strong>Essay.</strong> {html.escape(str(prompts[ESSAY]))}</p>'
        '<div class="fi-marking"><p>Student:</p><p>Marker:</p><p>Date:</p></div>'
        '<table class="fi-essay-rubric"><thead><tr><th scope="col">Criterion</th>'
        '<th scope="col" class="fi-points">Points</th><th scope="col">Full marks when the essay ...</th>'
        f'<th scope="col">Score</th></tr></thead><tbody>{rows}</tbody>'
        f'<tfoot><tr><th scope="row">Total</th><td class="fi-points">{total}</td><td></td>'
        '<td class="fi-score"></td></tr></tfoot></table>'
        "<p>Mark the essay by the rubric, not by how the role-play ended: the explorer's weights are "
        "illustrative, so a score is never a grade.</p>"
        '<div class="fi-comments"><p>Comments:</p></div>'
    )
    return ExtraPage(rubric_page(lesson), f"Essay rubric: lesson {lesson.id}", body, RUBRIC_STYLE, HAND_OUT)


def pages(lesson: Lesson) -> list[ExtraPage]:
    """Return a lesson's instructor pages: its answer key, and for the seminar its role cards and rubric."""
    found = [answer_key(lesson)]
    if lesson.id == SEMINAR:
        found += [role_cards(lesson), essay_rubric(lesson)]
    return found
