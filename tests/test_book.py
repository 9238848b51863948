"""The static edition: pages build offline, link to each other, show figures and keep answers hidden.

Both editions are written from one run of the lessons: the student edition, and the instructor
edition with its answer keys, which must never leak into the student's.
"""

from __future__ import annotations

import argparse
import html
import re
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest
from bs4 import BeautifulSoup
from course_root import ROOT
from nbclient.exceptions import CellExecutionError
from shared_book import LESSONS as BUILT
from shared_book import shared_book
from test_quiz_leak import occurs_as_a_whole, public_text

from fourislands import book, book_instructor
from fourislands.course import lessons
from fourislands.data import load
from fourislands.errors import DataError
from fourislands.exercise_build import questions
from fourislands.model.seminar import SCENARIOS, SIDES
from fourislands.quizbank import load_bank
from fourislands.quizwidget import answer_text

# shared_book.LESSONS are executed for real (the slow part), once a test session for every test
# process. The rest of the course is tested without a kernel.


def soup(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser")


def text_of(fragment: str) -> str:
    """Return the text of an HTML fragment (scripts included): tags dropped, entities read, spaces folded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip().lower()


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> tuple[dict[str, Path], dict[str, list[Path]], Path]:
    """Return both editions' folders and files, written from one run of the lessons, and the progress
    file of a student set while they were built."""
    book_built = shared_book(tmp_path_factory)
    return book_built.outs, book_built.written, book_built.progress


@pytest.fixture(scope="module")
def built(editions) -> tuple[Path, list[Path], Path]:
    outs, written, student = editions
    return outs["student"], written["student"], student


@pytest.fixture(scope="module")
def pages(built) -> dict[str, str]:
    out, _, _ = built
    return {lesson.id: (out / f"{Path(lesson.notebook).stem}.html").read_text() for lesson in chosen()}


@pytest.fixture(scope="module")
def trees(pages) -> dict[str, BeautifulSoup]:
    return {lesson_id: soup(page) for lesson_id, page in pages.items()}


def chosen():
    return [lesson for lesson in lessons() if lesson.id in BUILT]


def instructor_pages(lesson) -> list[str]:
    """Return a lesson's own pages in the instructor edition: its key, and the seminar's printouts."""
    stem = Path(lesson.notebook).stem
    printouts = [f"{stem}-role-cards.html", f"{stem}-essay-rubric.html"]
    return [f"{stem}-key.html", *(printouts if lesson.id == book_instructor.SEMINAR else [])]


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


def test_pages_fetch_nothing_from_the_internet(editions):
    _, written, _ = editions
    for path in written["student"] + written["instructor"]:
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


# ---------------------------------------------------------------------------- "On this page"


def contents_of(tree: BeautifulSoup):
    """Return a page's "On this page" nav, or None."""
    for nav in tree.find_all("nav", attrs={"aria-labelledby": True}):
        label = tree.find(id=nav["aria-labelledby"])
        if label is not None and label.get_text(strip=True) == "On this page":
            return nav
    return None


def test_every_page_lists_its_sections_at_the_top(editions):
    _, written, _ = editions
    pages = [path for path in written["student"] + written["instructor"] if path.name != "index.html"]
    # The lessons twice, and each one's instructor pages.
    assert len(pages) == 2 * len(BUILT) + sum(len(instructor_pages(lesson)) for lesson in chosen())
    for path in pages:
        tree = soup(path.read_text())
        headings = tree.find_all("h2")
        nav = contents_of(tree)
        if path.name.endswith("-essay-rubric.html"):  # one printed sheet, one table: nothing to list
            assert headings == [] and nav is None, path.name
            continue
        assert headings and nav is not None, path.name
        assert nav.find_next("main") is not None and not nav.find_parent("main"), path.name  # above the text
        links = nav.find_all("a")
        # Every h2 of the page, in order, each link leading to its heading.
        assert [a.get_text() for a in links] == [" ".join(h.get_text().split()) for h in headings], path.name
        for a, heading in zip(links, headings, strict=True):
            assert a["href"].startswith("#") and unquote(a["href"][1:]) == heading["id"], (path.name, a)
            assert len(tree.find_all(id=heading["id"])) == 1, (path.name, heading["id"])


def test_lesson_pages_list_every_section_of_the_notebook(trees):
    notebook = nbformat.read(ROOT / "notebooks" / "02-negotiations.ipynb", as_version=4)
    sections = [
        line[3:].strip()
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("## ")
    ]
    listed = [a.get_text() for a in contents_of(trees["02"]).find_all("a")]
    assert len(sections) >= 10 and [text_of(s) for s in sections] == [text_of(x) for x in listed]


def test_sections_are_named_as_jupyterlab_names_them_and_never_twice():
    page = '<h2>1. A "new" start</h2><p>x</p><h2>Key points</h2><h2>Key <em>points</em></h2>'
    page += '<h2 id="own">Own</h2>'
    named, sections = book.with_section_ids(page)
    assert sections == [
        ('1.-A-"new"-start', '1. A "new" start'),
        ("Key-points", "Key points"),
        ("Key-points-2", "Key points"),
        ("own", "Own"),
    ]
    tree = soup(named)
    assert [h["id"] for h in tree.find_all("h2")] == [anchor for anchor, _ in sections]
    hrefs = [a["href"] for a in soup(book.contents(sections)).find_all("a")]
    assert hrefs == ["#1.-A-%22new%22-start", "#Key-points", "#Key-points-2", "#own"]
    assert book.contents([]) == ""  # a page without sections gets no list


# ---------------------------------------------------------------------------- the instructor edition


@pytest.fixture(scope="module")
def instructor_trees(editions) -> dict[str, BeautifulSoup]:
    outs, _, _ = editions
    return {path.name: soup(path.read_text()) for path in outs["instructor"].glob("*.html")}


def test_the_instructor_edition_adds_each_lessons_key_and_printouts_then_the_index(editions):
    outs, written, _ = editions
    stems = [Path(lesson.notebook).stem for lesson in chosen()]
    out = outs["instructor"]
    assert written["instructor"] == (
        [out / f"{stem}.html" for stem in stems]
        + [out / name for lesson in chosen() for name in instructor_pages(lesson)]
        + [out / "index.html"]
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written["instructor"])
    assert book.edition_in(out) == "instructor" and book.edition_in(outs["student"]) == "student"


def test_both_editions_show_the_same_lessons(editions):
    outs, _, _ = editions
    for lesson in chosen():
        name = f"{Path(lesson.notebook).stem}.html"
        student, instructor = (soup((outs[e] / name).read_text()) for e in ("student", "instructor"))
        assert str(student.find("main")) == str(instructor.find("main")), name
        note = instructor.select_one(".fi-book-instructor")
        assert "instructor edition: contains answers" in text_of(str(note))
        assert [a["href"] for a in note.find_all("a")] == instructor_pages(lesson)
        assert not student.select(".fi-book-instructor")


def test_the_instructor_index_says_it_contains_answers_and_links_each_key(editions):
    outs, _, _ = editions
    index = soup((outs["instructor"] / "index.html").read_text())
    assert "Instructor edition: contains answers" in index.select_one(".fi-instructor-banner").get_text()
    assert "instructor edition" in index.title.string
    for lesson in lessons():
        row = index.select_one(f"#lesson-{lesson.id}")
        stem = Path(lesson.notebook).stem
        links = [a["href"] for a in row.find_all("a")]
        assert links == ([f"{stem}.html", *instructor_pages(lesson)] if lesson.id in BUILT else [])
        assert all((outs["instructor"] / link).is_file() for link in links)
    student = (outs["student"] / "index.html").read_text()
    assert "instructor" not in student.lower() and "-key.html" not in student


def test_a_key_gives_every_question_its_answer_explanation_and_source(instructor_trees):
    pages = instructor_trees
    for lesson in chosen():
        bank = load_bank(lesson.id)
        key = pages[f"{Path(lesson.notebook).stem}-key.html"]
        items = key.select(".fi-key-question")
        assert [item["data-question"] for item in items] == [q.id for q in bank.questions], lesson.id
        for item, question in zip(items, bank.questions, strict=True):
            assert item.select_one(".fi-key-answer-text").get_text() == answer_text(question)
            assert item.select_one(".fi-key-explanation").get_text() == question.explanation
            source = text_of(str(item.select_one(".fi-key-source")))
            assert text_of(question.source.quote or question.source.table) in source, question.id
        assert "Instructor edition: contains answers" in key.select_one(".fi-instructor-banner").get_text()


def test_a_key_gives_each_exercise_question_its_task_and_solution_and_each_written_answer_its_rubric(
    instructor_trees,
):
    key = instructor_trees["02-negotiations-key.html"]
    solution = nbformat.read(ROOT / "solutions" / "02-negotiations.ipynb", as_version=4)
    graded, written = questions(solution)
    codes = {pre["data-question"]: pre.get_text() for pre in key.select(".fi-key-solution")}
    assert codes == {q: value["solution"].rstrip() for q, value in graded.items()}
    for table in key.select(".fi-key-rubric"):
        rubric = written[table["data-question"]]["rubric"]
        rows = [[td.get_text() for td in tr.find_all("td")] for tr in table.select("tbody tr")]
        assert rows == [[str(c["points"]), c["criterion"]] for c in rubric]
    assert sorted(t["data-question"] for t in key.select(".fi-key-rubric")) == sorted(written)
    assert len(key.select(".fi-key-model")) == len(written)
    tasks = key.select(".fi-key-exercise h3")
    assert len(tasks) == len(graded) + len(written) and all(task.get_text().strip() for task in tasks)
    assert "no exercise" in text_of(str(instructor_trees["00-start-here-key.html"]))


def instructor_secrets(pages: dict[str, BeautifulSoup]) -> tuple[list[str], list[str], list[str]]:
    """Return what the instructor's own pages show: answers, sentences (explanations, rubric criteria,
    model answers) and lines of solution code, each as text_of gives it."""
    answers, sentences, code = [], [], []
    for name, tree in pages.items():
        if not any(Path(name).match(pattern) for pattern in book.INSTRUCTOR_PAGES):
            continue
        for span in tree.select(".fi-key-answer-text"):
            answer = text_of(span.get_text())
            answers.append(answer)
            number = re.match(r"-?[\d.]+(?= )", answer)  # a numeric answer, without its unit
            answers += [number.group(0)] if number else []
        selector = ".fi-key-explanation, .fi-key-rubric td:not(.fi-points), .fi-key-model p, .fi-key-model li"
        sentences += [text_of(element.get_text()) for element in tree.select(selector)]
        for pre in tree.select(".fi-key-solution"):
            # Lines long enough to be the solution's own, not "q1 = (" or "q6 = ax".
            code += [
                text_of(line) for line in pre.get_text().splitlines() if len(line.replace(" ", "")) >= 16
            ]
    return answers, sentences, code


def instructor_text_in(pages: dict[str, str], secrets: tuple[list[str], list[str], list[str]]) -> list[str]:
    """Return what of the instructor's pages the given student pages show.

    As the search for answers in a lesson page: a sentence or a line of code may appear nowhere, an
    answer nowhere in what a quiz shows (the lesson may teach the word or number on purpose), unless
    every student sees it before answering anyway (an option, a prompt).
    """
    answers, sentences, code = secrets
    seen = public_text()
    found = []
    for page in pages.values():
        whole = text_of(page)
        quizzes = text_of(" ".join(str(q) for q in soup(page).select(".fi-book-quiz")))
        found += [s for s in sentences + code if s in whole]
        found += [a for a in answers if not occurs_as_a_whole(a, seen) and occurs_as_a_whole(a, quizzes)]
    return found


def test_the_student_edition_shows_nothing_of_the_instructor_pages(editions, instructor_trees):
    outs, written, _ = editions
    secrets = instructor_secrets(instructor_trees)
    answers, sentences, code = secrets
    assert len(answers) >= 30 and len(sentences) >= 30 and len(code) >= 10  # the search has something to find
    student = {path.name: path.read_text() for path in outs["student"].glob("*.html")}
    assert sorted(student) == sorted(path.name for path in written["student"])  # no instructor page
    assert instructor_text_in(student, secrets) == []
    for name, page in student.items():
        assert (
            "-key.html" not in page and "fi-key-" not in page and "instructor edition" not in page.lower()
        ), name


def test_the_search_finds_instructor_text_put_into_a_student_page(editions, instructor_trees):
    outs, _, _ = editions
    pages = instructor_trees
    key = pages["02-negotiations-key.html"]
    page = (outs["student"] / "02-negotiations.html").read_text()
    shown = {
        "explanation": key.select_one(".fi-key-explanation").get_text(),
        "criterion": key.select_one(".fi-key-rubric tbody td:not(.fi-points)").get_text(),
        "code": next(
            line for line in key.select_one(".fi-key-solution").get_text().splitlines() if len(line) > 20
        ),
        "ordering": next(
            span.get_text() for span in key.select(".fi-key-answer-text") if "\u2192" in span.get_text()
        ),
    }
    secrets = instructor_secrets(pages)
    for what, text in shown.items():
        where = (
            '<div class="fi-book-quiz"><p>{}</p></div></main>' if what == "ordering" else "<p>{}</p></main>"
        )
        leaked = page.replace("</main>", where.format(html.escape(text)))
        assert instructor_text_in({"page": leaked}, secrets), what


def test_an_edition_is_never_written_over_the_other(tmp_path):
    # Refused before any lesson runs: no kernel starts, nothing is written.
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "02-negotiations-key.html").write_text("answers")
    with pytest.raises(DataError, match="holds the instructor edition"):
        book.build_book(keys, ["00"])
    students = tmp_path / "students"
    students.mkdir()
    (students / "index.html").write_text(book._index("Course", lessons(), set()))
    with pytest.raises(DataError, match="holds the student edition"):
        book.build_book(students, ["00"], instructor=True)
    with pytest.raises(DataError, match="a folder of its own"):
        book.build_editions({"student": tmp_path / "one", "instructor": tmp_path / "one"}, ["00"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys", "students"]
    assert book.book_command(argparse.Namespace(out=keys, lessons=["00"], instructor=False)) == 1
    # Both editions at once, asked for two ways at the same time: which folder gets which is unclear.
    both = {"out": tmp_path / "a", "instructor_out": tmp_path / "b"}
    assert book.book_command(argparse.Namespace(lessons=["00"], instructor=True, **both)) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys", "students"]


# ---------------------------------------------------------------------------- lesson 07's printouts


def seminar():
    return next(lesson for lesson in lessons() if lesson.id == book_instructor.SEMINAR)


def test_role_cards_give_each_role_of_each_side_its_red_lines_in_each_setting():
    page = book_instructor.role_cards(seminar())
    tree = soup(page.body)
    cards = tree.select("section.fi-card")
    notebook = nbformat.read(ROOT / seminar().notebook, as_version=4)
    roles = [name for name, _ in book_instructor.delegation_roles(notebook, "07")]
    _, observers = book_instructor.observer_roles(notebook, "07")
    assert len(roles) == 5 and len(observers) == 4
    assert len(cards) == len(SCENARIOS) * len(SIDES) * len(roles) + len(observers)
    lesson_text = " ".join(" ".join(cell.source.split()) for cell in notebook.cells)
    assert all(f"*{name}*" in lesson_text for name in roles + [name for name, _ in observers])
    red_lines = load("red_lines")
    for scenario in SCENARIOS:
        for side in SIDES:
            binding = red_lines[(red_lines["side"] == side) & red_lines["scenarios"].str.contains(scenario)]
            statements = sorted(text_of(s) for s in binding["statement"])
            watched = set()
            for role in roles:
                (card,) = tree.select(f'[data-side="{side}"][data-role="{role}"][data-scenario="{scenario}"]')
                lines = [text_of(li.get_text()) for li in card.select("li")]
                # Every line of the side in that setting is on every card: watched or listed below.
                assert sorted(s for s in statements if any(s in line for line in lines)) == statements
                mine = card.find("h3", string=re.compile("you watch")).find_next("ul").select("li")
                watched |= {s for s in statements for li in mine if s in text_of(li.get_text())}
                if role == "head of delegation":
                    assert len(mine) == len(statements)
            assert watched == set(statements)
            # A line that binds only in the other setting is on none of this setting's cards.
            cards_text = text_of(" ".join(map(str, tree.select(f'[data-scenario="{scenario}"]'))))
            overtaken = red_lines[~red_lines["scenarios"].str.contains(scenario)]["statement"]
            assert not [s for s in overtaken if text_of(s) in cards_text]
    printed = page.style[page.style.index("@media print") :]
    assert re.search(r"\.fi-card \{[^}]*break-after: page", printed)


def test_the_essay_rubric_is_a_page_of_its_criteria():
    page = book_instructor.essay_rubric(seminar())
    tree = soup(page.body)
    rubric = load("essay_rubric")
    rows = [
        [cell.get_text() for cell in tr.find_all(["th", "td"])]
        for tr in tree.select(".fi-essay-rubric tbody tr")
    ]
    assert rows == [
        [row.criterion, str(row.points), row.full_marks, ""]
        for row in rubric.sort_values("position").itertuples()
    ]
    assert tree.select_one(".fi-essay-rubric tfoot").get_text(" ").split()[:2] == [
        "Total",
        str(rubric["points"].sum()),
    ]
    assert text_of(load("essays").set_index("id").loc["seminar", "prompt"]) in text_of(str(tree))
    assert "size: A4" in page.style


def test_the_seminar_adds_its_printouts_to_the_instructor_pages(tmp_path):
    written = book._write_instructor_pages(
        tmp_path, "Course", [seminar()], {"07-seminar"}, lambda _line: None
    )
    assert [p.name for p in written] == [
        "07-seminar-key.html",
        "07-seminar-role-cards.html",
        "07-seminar-essay-rubric.html",
    ]
    key = soup(written[0].read_text())
    links = {a["href"] for a in key.find_all("a")}
    assert {"07-seminar-role-cards.html", "07-seminar-essay-rubric.html", "07-seminar.html"} <= links
    for path in written:
        tree = soup(path.read_text())
        assert not tree.select("script[src], link, iframe, object, embed, img"), path.name
        assert "instructor" in tree.select_one(".fi-instructor-banner").get_text().lower()
        # "On this page" lists every section (a card each on the role cards), none on the one-page rubric.
        headings = [h["id"] for h in tree.find_all("h2")]
        nav = contents_of(tree)
        listed = [unquote(a["href"][1:]) for a in nav.find_all("a")] if nav else []
        assert listed == headings and (nav is None) == (path.name == "07-seminar-essay-rubric.html")
