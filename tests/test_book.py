"""The static edition: pages build offline, link to each other, show figures and keep answers hidden."""

from __future__ import annotations

import argparse
import html
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from course_root import ROOT
from nbclient.exceptions import CellExecutionError
from test_quiz_leak import occurs_as_a_whole, public_text

from fourislands import book
from fourislands.course import lessons
from fourislands.errors import DataError
from fourislands.quizbank import load_bank

# Two lessons executed for real (the slow part): the start page, and a lesson with figures,
# explorers and quizzes of every kind. The rest of the course is tested without a kernel.
BUILT = ["00", "02"]


def soup(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser")


def text_of(fragment: str) -> str:
    """Return the text of an HTML fragment (scripts included): tags dropped, entities read, spaces folded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip().lower()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list[Path], Path]:
    out = tmp_path_factory.mktemp("book")
    student = tmp_path_factory.mktemp("student") / "progress.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOURISLANDS_PROGRESS", str(student))  # a student's file, which must stay untouched
        written = book.build_book(out, BUILT)
    return out, written, student


@pytest.fixture(scope="module")
def pages(built) -> dict[str, str]:
    out, _, _ = built
    return {lesson.id: (out / f"{Path(lesson.notebook).stem}.html").read_text() for lesson in chosen()}


@pytest.fixture(scope="module")
def trees(pages) -> dict[str, BeautifulSoup]:
    return {lesson_id: soup(page) for lesson_id, page in pages.items()}


def chosen():
    return [lesson for lesson in lessons() if lesson.id in BUILT]


def test_the_book_is_written_page_by_page_then_the_index(built):
    out, written, student = built
    stems = [Path(lesson.notebook).stem for lesson in chosen()]
    assert written == [out / f"{stem}.html" for stem in stems] + [out / "index.html"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)  # no temporary files
    assert not student.exists()


def test_the_index_lists_every_lesson_in_course_order_with_working_links(built):
    out, _, _ = built
    rows = soup((out / "index.html").read_text()).select("tbody tr")
    assert [row["id"] for row in rows] == [f"lesson-{lesson.id}" for lesson in lessons()]
    for lesson, row in zip(lessons(), rows, strict=True):
        text = text_of(str(row))
        assert lesson.title.lower() in text and f"{lesson.reading_minutes} reading" in text
        assert all(objective.lower() in text for objective in lesson.objectives)
        links = [a["href"] for a in row.find_all("a")]
        assert links == ([f"{Path(lesson.notebook).stem}.html"] if lesson.id in BUILT else [])
        assert all((out / link).is_file() for link in links)


def test_a_whole_course_index_links_every_ready_lesson_in_order():
    everything = lessons()
    index = soup(book._index("Course", everything, {lesson.id for lesson in everything}))
    links = [a["href"] for a in index.find_all("a")]
    assert links == [f"{Path(x.notebook).stem}.html" for x in everything if x.status == "ready"]


def test_every_page_has_contents_previous_and_next_links_that_resolve(built, trees):
    out, _, _ = built
    order = [f"{Path(lesson.notebook).stem}.html" for lesson in chosen()]
    for position, (lesson_id, tree) in enumerate(trees.items()):
        navs = tree.select("nav.fi-book-nav")
        assert len(navs) == 2, lesson_id  # one above the lesson, one below it
        assert navs[0].find_next("main") is not None and navs[1].find_previous("main") is not None
        for nav in navs:
            assert "index.html" in [a["href"] for a in nav.find_all("a")]
            previous = [a["href"] for a in nav.select("a[rel~=prev]")]
            following = [a["href"] for a in nav.select("a[rel~=next]")]
            assert previous == (order[position - 1 : position] if position else [])
            assert following == order[position + 1 : position + 2]
        for a in tree.find_all("a", href=True):
            if not re.match(r"(https?:|mailto:|#)", a["href"]):
                assert (out / a["href"].split("#")[0]).is_file(), (lesson_id, a["href"])


def test_pages_carry_their_lesson_title(trees):
    for lesson in chosen():
        assert trees[lesson.id].title.string.startswith(f"Lesson {lesson.id}: {lesson.title}")


def test_figures_are_images_with_alt_text(trees):
    images = [img for tree in trees.values() for img in tree.find_all("img")]
    assert all(img.get("alt", "").strip() for img in images)
    assert not any("No description has been provided" in img["alt"] for img in images)
    notebook = nbformat.read(ROOT / "notebooks" / "02-negotiations.ipynb", as_version=4)
    shown = sum(cell.source.startswith("show(") for cell in notebook.cells if cell.cell_type == "code")
    figures = trees["02"].select("figure.fi-figure > img[alt]")
    lesson_figures = [img for img in figures if not img.find_parent(class_="fi-book-explorer")]
    assert shown >= 3 and len(lesson_figures) == shown
    assert all(img["src"].startswith("data:image/png;base64,") and img["alt"].strip() for img in figures)


def test_explorers_show_a_note_and_their_starting_figures(pages, trees):
    page = pages["02"]
    split, bargaining = trees["02"].select(".fi-book-explorer")  # the two explorers of lesson 02
    assert "starting settings" in text_of(str(split)) and split.select("figure.fi-figure > img[alt]")
    assert "open this lesson in jupyterlab" in text_of(str(bargaining)) and not bargaining.find("img")
    assert "VBox(" not in page and "widget-view" not in page and "widget-state" not in page


def test_tables_show_a_missing_value_as_a_blank_cell(trees):
    # Lesson 02 shows the settlement options, where most rows give no area share.
    tables = [t for tree in trees.values() for t in tree.select("table.dataframe")]
    cells = [cell.get_text(strip=True) for table in tables for cell in table.select("td")]
    assert tables and "" in cells
    assert not {"<NA>", "NaN", "None"} & set(cells)


def test_quizzes_show_their_questions(trees):
    for lesson_id, tree in trees.items():
        quizzes = text_of(" ".join(str(q) for q in tree.select(".fi-book-quiz")))
        assert all(text_of(q.prompt) in quizzes for q in load_bank(lesson_id).questions[:3]), lesson_id
        assert "open this notebook in jupyterlab" in quizzes


def secrets(lesson_id: str) -> tuple[list[str], list[str]]:
    """Return a lesson's sentences that only answering shows, and its answers (numbers and words)."""
    sentences, answers = [], []
    for q in load_bank(lesson_id).questions:
        sentences += [q.explanation] + [o.feedback for o in q.options if o.feedback]
        sentences += [w.feedback for w in q.wrong_answers]
        answers += list(q.accept) + ([f"{q.answer:g}"] if q.type == "numeric" else [])
    return sentences, answers


def leaks(lesson_id: str, page: str, tree: BeautifulSoup) -> list[str]:
    """Return the secrets of a lesson's quiz bank that a page (and its parsed tree) gives away."""
    quizzes = tree.select(".fi-book-quiz")
    whole, quiz_text = text_of(page), text_of(" ".join(str(q) for q in quizzes))
    sentences, answers = secrets(lesson_id)
    seen = public_text()
    # Explanations and feedback are whole sentences: none may appear anywhere on the page.
    # Answers are single words and numbers, which the lesson text may teach on purpose
    # (a table of the shares, say): none may appear in what a quiz shows.
    leaked = [s for s in sentences if occurs_as_a_whole(text_of(s), whole)]
    hidden = [a for a in answers if not occurs_as_a_whole(text_of(a), seen)]  # not also an option or prompt
    return leaked + [a for a in hidden if occurs_as_a_whole(text_of(a), quiz_text)]


def test_no_page_shows_an_answer(pages, trees):
    for lesson_id, page in pages.items():
        assert trees[lesson_id].select(".fi-book-quiz"), lesson_id
        assert not leaks(lesson_id, page, trees[lesson_id]), lesson_id


def test_the_answer_search_finds_an_answer_shown(pages):
    bank = load_bank("02")
    numeric = bank.question("share-two-islands")
    shown = f'<div class="fi-book-quiz"><ol><li>{numeric.answer:g} {numeric.unit}</li></ol></div></main>'
    quizzed = pages["02"].replace("</main>", shown)
    assert f"{numeric.answer:g}" in leaks("02", quizzed, soup(quizzed))
    explained = pages["02"].replace("</main>", f"<p>{html.escape(bank.questions[0].explanation)}</p></main>")
    assert leaks("02", explained, soup(explained)) == [bank.questions[0].explanation]


def test_pages_fetch_nothing_from_the_internet(built):
    out, written, _ = built
    for path in written:
        tree = soup(path.read_text())
        assert not tree.select("script[src], link, iframe, object, embed"), path.name
        assert all(img["src"].startswith("data:") for img in tree.find_all("img")), path.name
        styles = " ".join(style.get_text() for style in tree.find_all("style"))
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", styles), path.name


def test_links_between_lessons_point_at_their_pages():
    page = (
        '<a href="02-negotiations.ipynb#split">x</a> <a href="../notebooks/01-history.ipynb">y</a> '
        "<code>notebooks/02-negotiations.ipynb</code> <code>exercises/02-negotiations-exercises.ipynb</code> "
        '<a href="05-survey.ipynb">z</a> <a href="../exercises/01-history-exercises.ipynb">its exercise</a> '
        '<a href="https://example.org/a.ipynb">w</a>'
    )
    # A notebook without a page in the book (a lesson not built, an exercise) keeps its words and
    # loses its link, which would lead nowhere; links to other sites stay.
    assert book._local_links(page, {"01-history", "02-negotiations"}) == (
        '<a href="02-negotiations.html#split">x</a> <a href="01-history.html">y</a> '
        '<a href="02-negotiations.html"><code>notebooks/02-negotiations.ipynb</code></a> '
        "<code>exercises/02-negotiations-exercises.ipynb</code> z its exercise "
        '<a href="https://example.org/a.ipynb">w</a>'
    )


def test_an_unknown_lesson_is_refused_before_anything_runs(tmp_path, capsys):
    with pytest.raises(DataError, match="99"):
        book.build_book(tmp_path / "book", ["00", "99"])
    assert book.book_command(argparse.Namespace(out=tmp_path / "book", lessons=["99"])) == 1
    assert "no ready lesson ['99']" in capsys.readouterr().out
    assert not (tmp_path / "book").exists()


def test_a_failing_lesson_is_named_and_nothing_is_written(project_copy, tmp_path):
    (project_copy / "notebooks").mkdir()
    cells = [nbformat.v4.new_code_cell("1 / 0")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), project_copy / "notebooks" / "00-broken.ipynb")
    course = (project_copy / "course.yml").read_text()
    (project_copy / "course.yml").write_text(
        course.replace("notebooks/00-start-here.ipynb", "notebooks/00-broken.ipynb")
    )
    with pytest.raises(CellExecutionError) as failure:
        book.build_book(tmp_path / "book", ["00"])
    assert "ZeroDivisionError" in str(failure.value)
    assert "notebooks/00-broken.ipynb" in " ".join(failure.value.__notes__)
    assert not (tmp_path / "book").exists()
