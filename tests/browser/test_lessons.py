"""Each lesson run in JupyterLab in Chromium: a chart shows, a quiz takes clicks and keys, explorers move."""

from __future__ import annotations

import json
import platform
import re
import warnings

import pytest
import yaml

from fourislands.figures import LEAST_TEXT_PX

from .conftest import (
    COURSE_CONTENT,
    FIRST_SCREEN,
    ROOT,
    SERIOUS,
    SMALL_TEXT,
    STDERR,
    accessibility_violations,
    figure_text_too_small,
    keep_screenshot,
    off_screen,
)

# Lesson 00 draws no chart and has no explorer: its quiz stands in for the chart.
WITHOUT_FIGURES = {"00-start-here"}
FIGURE = ".fi-figure img, .jp-RenderedImage img"
CHANGE_MS = 20_000  # a click goes to the kernel and back, and a chart is redrawn
LESSON_TEXT_PX = LEAST_TEXT_PX  # the least size of text in JupyterLab: words, controls, figures


def single_choice_questions(stem: str) -> list[dict]:
    """Return a lesson's single-choice questions from its bank, in bank order."""
    (bank,) = (ROOT / "data" / "quizzes").glob(f"{stem[:2]}-*.yaml")
    questions = yaml.safe_load(bank.read_text(encoding="utf-8"))["questions"]
    return [q for q in questions if q["type"] == "single"]


def right_and_wrong(question: dict) -> tuple[str, str]:
    """Return the text of the correct option and of the first wrong one."""
    right = next(o["text"] for o in question["options"] if o.get("correct"))
    wrong = next(o["text"] for o in question["options"] if not o.get("correct"))
    return right, wrong


def question_box(panel, question: dict):
    """Return the first quiz box in the notebook that asks this question."""
    prompt = panel.page.locator("p > strong").get_by_text(question["prompt"], exact=True)
    return panel.locator(".fi-question", has=prompt).first


def option_label(box, text: str):
    """Return the clickable label of the option with exactly this text."""
    return box.locator(".widget-radio-box label").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))


def test_a_lesson_opens_as_a_page_titled_and_unmodified(lesson):
    # Before Run All: the title is there to read, and nothing asks to be saved.
    assert lesson.opened["heading"].strip(), "no title shows before the cells run"
    if lesson.stem != "00-start-here":
        assert lesson.opened["heading"].startswith(f"Lesson {lesson.stem[:2]}:"), lesson.opened
    # JupyterLab writes the kernel's language_info into the notebook: the lessons store what
    # ipykernel reports, so only a Python of another version than the stored one changes it.
    stored = json.loads((ROOT / "notebooks" / f"{lesson.stem}.ipynb").read_text(encoding="utf-8"))
    same_python = stored["metadata"]["language_info"]["version"] == platform.python_version()
    assert lesson.opened["modified"] != same_python, f"marked modified on opening: {lesson.opened}"


@pytest.mark.parametrize("lesson", ["00-start-here"], indirect=True)
def test_the_workspace_shows_the_course_not_its_machinery(lesson):
    listed = lesson.page.locator(".jp-DirListing-item .jp-DirListing-itemName").all_inner_texts()
    assert any(name.endswith(".ipynb") for name in listed), listed
    assert not {"solutions", "src", "tests", "conftest.py"} & {name.strip() for name in listed}, listed
    menus = lesson.page.locator(".lm-MenuBar-item").all_inner_texts()
    assert "Nbgrader" not in menus and "Run" in menus, menus
    assert lesson.page.get_by_text("Create Assignment").count() == 0


def test_no_cell_shows_an_error_or_a_warning(lesson):
    shown = lesson.panel.locator(STDERR).all_inner_texts()
    assert shown == [], f"{len(shown)} outputs on a red background, first: {shown[:1]}"


def test_first_chart_renders_as_an_image(lesson):
    if lesson.stem in WITHOUT_FIGURES:
        assert lesson.panel.locator(FIGURE).count() == 0, f"{lesson.stem} draws a chart now: test it"
        assert lesson.panel.locator(".fi-quiz .widget-radio-box").first.is_visible()
        return
    from playwright.sync_api import expect

    image = lesson.panel.locator(FIGURE).first
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    # decode() rejects for a broken image, so a PNG that does not load fails here too.
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0, "the chart image is empty"
    assert image.get_attribute("alt"), "the chart has no alt text"
    keep_screenshot(image, lesson.stem, "chart")


def test_every_figure_shows_its_text_at_11_px_or_more(lesson):
    count, small = figure_text_too_small(lesson.panel.locator(".fi-figure img"), LESSON_TEXT_PX)
    if lesson.stem in WITHOUT_FIGURES:
        assert count == 0, f"{lesson.stem} draws a figure now: test it"
    else:
        assert count >= 2, "a lesson shows its charts and an explorer's figure as course figures"
    assert small == [], f"{len(small)} of {count} figures show text under {LESSON_TEXT_PX} px: {small}"


def test_every_image_has_alt_text(lesson):
    images = lesson.panel.locator(".jp-OutputArea img")
    alts = images.evaluate_all("nodes => nodes.map((img) => (img.getAttribute('alt') || '').trim())")
    missing = sum(1 for alt in alts if not alt or alt.startswith("No description"))
    assert missing == 0, f"{missing} of {len(alts)} images have no alt text"


def test_quiz_answered_wrongly_then_rightly_by_clicking(lesson):
    from playwright.sync_api import expect

    question = single_choice_questions(lesson.stem)[0]
    right, wrong = right_and_wrong(question)
    box = question_box(lesson.panel, question)
    feedback = box.locator(".fi-feedback")
    option_label(box, wrong).click()
    box.locator(".fi-check").click()
    expect(feedback).to_contain_text("Not quite", timeout=CHANGE_MS)
    option_label(box, right).click()
    box.locator(".fi-check").click()
    expect(feedback).to_contain_text("Correct.", timeout=CHANGE_MS)
    expect(feedback).not_to_contain_text("Not quite")
    keep_screenshot(box, lesson.stem, "quiz")


# True once the explorer's output shows something: a chart, or words.
OUTPUT_DRAWN = "(output) => output.querySelector('img') !== null || output.textContent.trim() !== ''"
# True once the explorer's output differs from before and shows as many images as it did.
OUTPUT_REDRAWN = """([output, before, images]) =>
    output.innerHTML !== before && output.querySelectorAll('img').length >= images"""


def test_explorer_output_changes_when_a_control_moves(lesson):
    explorer = lesson.panel.locator(".fi-explorer").first
    if lesson.stem in WITHOUT_FIGURES:
        assert explorer.count() == 0, f"{lesson.stem} has an explorer now: test it"
        return
    output = explorer.locator(".fi-explorer-output").first
    output.scroll_into_view_if_needed()
    # Compare against the drawn output, not a widget still being built: that would "change" by itself.
    lesson.page.wait_for_function(OUTPUT_DRAWN, arg=output.element_handle(), polling=250, timeout=CHANGE_MS)
    before = output.inner_html()
    images = output.locator("img").count()
    # A choice that changes the figure, not one that hides it ("Draw the map") or one that changes
    # only the words (a setting such as the role-play's scenario): a toggle or radio button not
    # chosen yet, or else a tick box.
    choices = [
        explorer.locator(".widget-toggle-buttons:not(.fi-setting) .widget-toggle-button:not(.mod-active)"),
        explorer.locator("input[type=radio]:not(:checked)"),
        explorer.locator("input[type=checkbox]"),
    ]
    control = next(choice.first for choice in choices if choice.count())
    control.click()
    lesson.page.wait_for_function(
        OUTPUT_REDRAWN, arg=[output.element_handle(), before, images], polling=250, timeout=CHANGE_MS
    )
    keep_screenshot(explorer, lesson.stem, "explorer")


def test_every_explorer_shows_its_first_control_and_whole_figure_on_one_screen(lesson):
    explorers = lesson.panel.locator(".fi-explorer")
    if lesson.stem in WITHOUT_FIGURES:
        assert explorers.count() == 0, f"{lesson.stem} has an explorer now: test it"
        return
    assert explorers.count() >= 1
    for number in range(explorers.count()):
        explorer = explorers.nth(number)
        output = explorer.locator(".fi-explorer-output").first
        output.scroll_into_view_if_needed()
        drawn = output.element_handle()
        lesson.page.wait_for_function(OUTPUT_DRAWN, arg=drawn, polling=250, timeout=CHANGE_MS)
        output.locator("img").evaluate_all("images => Promise.all(images.map((img) => img.decode()))")
        measured = explorer.evaluate(FIRST_SCREEN)
        keep_screenshot(lesson.page, lesson.stem, f"explorer-{number + 1}-first-screen")
        assert measured["figures"], f"explorer {number + 1} shows nothing"
        assert off_screen(measured) == [], f"explorer {number + 1} of {lesson.stem}"
        small = explorer.evaluate(SMALL_TEXT, LESSON_TEXT_PX)
        assert small == [], f"text under {LESSON_TEXT_PX} px in explorer {number + 1}: {small[:5]}"


# Text a student cannot read whole: a box whose text runs past its edges (cut off with an
# ellipsis, or over the line below), or text drawn past the notebook's right edge. Inline
# elements have no box of their own and a scrolling box shows all its text: neither counts.
CUT_TEXT = """(panel) => {
    const right = panel.getBoundingClientRect().right;
    const inside = [...panel.querySelectorAll('.fi-question, .fi-explorer')];
    const boxes = inside.flatMap((root) => [...root.querySelectorAll('*')]).filter((node) => {
        if (node.offsetParent === null || node.tagName === 'IMG' || !node.textContent.trim()) return false;
        const style = getComputedStyle(node);
        if (style.display === 'inline' || ['auto', 'scroll'].includes(style.overflowX)) return false;
        return node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1;
    });
    const innermost = boxes.filter((node) => !boxes.some((inner) => inner !== node && node.contains(inner)));
    const range = document.createRange();
    const beyond = [];
    for (const root of inside) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            range.selectNodeContents(walker.currentNode);
            const rect = range.getBoundingClientRect();
            if (walker.currentNode.textContent.trim() && rect.width > 0 && rect.right > right + 1) {
                beyond.push(walker.currentNode.parentElement);
            }
        }
    }
    return [...innermost, ...beyond].map((node) => node.textContent.trim().slice(0, 80));
}"""


# Each question's height from its prompt to its Check button, against the height of the notebook's
# scrolling area: what must be seen together to answer it.
QUESTION_HEIGHTS = """(panel) => {
    const boxes = [...panel.querySelectorAll('.fi-question')].filter((box) => box.offsetParent !== null);
    let scroller = boxes.length ? boxes[0].parentElement : null;
    while (scroller && !(['auto', 'scroll'].includes(getComputedStyle(scroller).overflowY)
                         && scroller.scrollHeight > scroller.clientHeight)) {
        scroller = scroller.parentElement;
    }
    return {seen: scroller ? scroller.clientHeight : window.innerHeight, questions: boxes.map((box) => {
        const check = box.querySelector('.fi-check').getBoundingClientRect();
        return {prompt: box.querySelector('strong').textContent.slice(0, 60),
                height: check.bottom - box.getBoundingClientRect().top};
    })};
}"""


def test_every_question_fits_one_screen_with_its_check(lesson):
    measured = lesson.panel.evaluate(QUESTION_HEIGHTS)
    assert measured["questions"], "the lesson shows no question"
    tall = [q for q in measured["questions"] if q["height"] > measured["seen"]]
    assert tall == [], f"questions taller than the {measured['seen']} px seen at once: {tall}"


# The course's own content in a notebook: what its cells put on the page.


def test_no_serious_accessibility_violation_in_the_course_content(lesson):
    ours, theirs = accessibility_violations(lesson.page, lesson.panel, COURSE_CONTENT)
    for rule in sorted({(v["rule"], v["impact"], v["help"]) for v in theirs}):
        warnings.warn(f"JupyterLab's own page, not the course's: {rule}", stacklevel=1)
    serious = [v for v in ours if v["impact"] in SERIOUS]
    assert serious == [], f"{len(serious)} serious or critical violations in {lesson.stem}: {serious[:6]}"


def test_no_text_is_typeset_as_math(lesson):
    # The course has no formulas: typeset math means two dollar signs were read as LaTeX.
    math = lesson.panel.locator("mjx-container")
    garbled = math.evaluate_all("nodes => nodes.map((node) => node.parentElement.textContent.slice(0, 80))")
    assert garbled == [], f"{len(garbled)} passages typeset as LaTeX, first: {garbled[:1]}"


def test_quiz_and_explorer_text_is_shown_whole(lesson):
    cut = lesson.panel.evaluate(CUT_TEXT)
    assert cut == [], f"{len(cut)} texts cut off or running over the next line: {cut[:5]}"


@pytest.mark.parametrize("lesson", ["01-history"], indirect=True)
def test_quiz_answered_with_the_keyboard_only(lesson):
    from playwright.sync_api import expect

    first, second = single_choice_questions(lesson.stem)[:2]
    right, _ = right_and_wrong(second)
    box = question_box(lesson.panel, second)
    keyboard = lesson.page.keyboard
    # Start where a student reading down the page would be: on the question before.
    question_box(lesson.panel, first).locator(".fi-check").focus()
    focused_option = box.locator("input[type=radio]:focus")
    for _ in range(6):
        keyboard.press("Tab")
        if focused_option.count():
            break
    assert focused_option.count(), "Tab never reached an option of the next question"
    chosen = focused_option.evaluate("radio => radio.parentElement.textContent.trim()")
    keyboard.press("Space")
    check = box.locator(".fi-check")
    for _ in range(8):
        keyboard.press("Tab")
        if check.evaluate("button => button === document.activeElement"):
            break
    assert check.evaluate("button => button === document.activeElement"), "Tab never reached Check"
    keyboard.press("Enter")
    verdict = "Correct." if chosen == right else "Not quite"
    expect(box.locator(".fi-feedback")).to_contain_text(verdict, timeout=CHANGE_MS)


# Focuses the last control before an element, where a student tabbing down the page would be.
FOCUS_BEFORE = """(element) => {
    const controls = [...document.querySelectorAll('button, input, select, textarea, [tabindex="0"]')]
        .filter((node) => node.offsetParent !== null && !node.disabled);
    const before = controls.filter((node) =>
        element.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING);
    before[before.length - 1].focus();
}"""
# What kind of question a quiz box asks, read from its controls.
QUESTION_KIND = """(box) => box.querySelector('.fi-options') ? 'matching'
    : box.querySelector('.fi-letters') ? 'ordering'
    : box.querySelector('input[type=radio]') ? 'single'
    : box.querySelector('input[type=checkbox]') ? 'multiple'
    : box.querySelector('input[type=text]') ? 'typed' : 'unknown'"""
# The notebook's active cell, by its place: a key JupyterLab took would move it.
ACTIVE_CELL = """(panel) => [...panel.querySelectorAll('.jp-Cell')]
    .findIndex((cell) => cell.classList.contains('jp-mod-active'))"""
FOCUSED = "(box) => box.contains(document.activeElement)"
IS_FOCUSED = "(node) => node === document.activeElement"
FOCUS_RING = """() => { const style = getComputedStyle(document.activeElement);
    return style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth); }"""


def tab_into(page, box, presses: int = 12) -> None:
    """Press Tab from the control before box until the focus is inside it."""
    box.evaluate(FOCUS_BEFORE)
    for _ in range(presses):
        page.keyboard.press("Tab")
        if box.evaluate(FOCUSED):
            return
    raise AssertionError("Tab never reached the box")


def answer_by_keyboard(page, box, kind: str) -> None:
    """Give some answer with the keys a student would use, and check what the keys did."""
    keyboard = page.keyboard
    focused = box.evaluate_handle("() => document.activeElement")
    if kind == "single":
        keyboard.press("ArrowDown")  # the radio group's own keys: the next option, chosen
        checked = box.locator("input[type=radio]:checked")
        assert checked.count() == 1, "an arrow key chose no option"
        assert checked.evaluate(IS_FOCUSED), "the option chosen by an arrow key is not the focused one"
    elif kind == "multiple":
        keyboard.press("Space")
        assert focused.evaluate("(tick) => tick.checked"), "Space did not tick the box"
    elif kind == "typed":
        keyboard.type("12")
    else:  # a row of letters or positions: one Tab stop, arrows choose
        first_row = box.locator(".fi-letters").first
        keyboard.press("ArrowRight")
        chosen = first_row.locator("[role=radio][aria-checked=true]")
        assert chosen.count() == 1, "an arrow key did not choose, or the choice is not announced"
        assert chosen.evaluate(IS_FOCUSED)
        keyboard.press("Tab")
        second_row = box.locator(".fi-letters").nth(1)
        assert second_row.evaluate(FOCUSED), "Tab from a row of buttons did not go to the next row"


@pytest.mark.parametrize("lesson", ["01-history"], indirect=True)
def test_every_question_type_is_worked_with_the_keyboard_only(lesson):
    from playwright.sync_api import expect

    page, boxes = lesson.page, lesson.panel.locator(".fi-question")
    kinds = boxes.evaluate_all(f"(boxes) => boxes.map({QUESTION_KIND})")
    assert {"single", "multiple", "typed", "ordering", "matching"} <= set(kinds), kinds
    for kind in ("single", "multiple", "typed", "ordering", "matching"):
        box = boxes.nth(kinds.index(kind))
        box.scroll_into_view_if_needed()
        tab_into(page, box)
        cell = lesson.panel.evaluate(ACTIVE_CELL)
        answer_by_keyboard(page, box, kind)
        assert lesson.panel.evaluate(ACTIVE_CELL) == cell, f"{kind}: a key moved JupyterLab's active cell"
        check = box.locator(".fi-check")
        for _ in range(30):
            if check.evaluate(IS_FOCUSED):
                break
            page.keyboard.press("Tab")
        assert check.evaluate(IS_FOCUSED), f"{kind}: Tab never reached Check"
        assert page.evaluate(FOCUS_RING) >= 2, f"{kind}: the focused Check has no ring of 2 px or more"
        page.keyboard.press("Enter")
        expect(box.locator(".fi-result")).to_be_visible(timeout=CHANGE_MS)
    keep_screenshot(boxes.nth(kinds.index("matching")), lesson.stem, "quiz-matching-keyboard")


@pytest.mark.parametrize("lesson", ["02-negotiations"], indirect=True)
def test_explorer_worked_with_the_keyboard_only(lesson):
    explorer = lesson.panel.locator(".fi-explorer").first
    output = explorer.locator(".fi-explorer-output").first
    output.scroll_into_view_if_needed()
    lesson.page.wait_for_function(OUTPUT_DRAWN, arg=output.element_handle(), polling=250, timeout=CHANGE_MS)
    explorer.evaluate(FOCUS_BEFORE)
    inside = explorer.locator("input:focus, button:focus")
    lesson.page.keyboard.press("Tab")
    assert inside.count(), "Tab from the control before the explorer does not reach the explorer"
    before, images = output.inner_html(), output.locator("img").count()
    # The first control is a row of choices, one Tab stop: an arrow key chooses the next one.
    assert explorer.locator("[role=radio]:focus").count(), "Tab did not land on the explorer's first choice"
    lesson.page.keyboard.press("ArrowRight")
    assert explorer.locator("[role=radio][aria-checked=true]:focus").count(), "the arrow key chose nothing"
    lesson.page.wait_for_function(
        OUTPUT_REDRAWN, arg=[output.element_handle(), before, images], polling=250, timeout=CHANGE_MS
    )
    keep_screenshot(explorer, lesson.stem, "explorer-keyboard")


def judged_answers(lab, question_id: str) -> list:
    """Return the answers saved for one question, in order, from the lab's progress file."""
    lines = (lab.root.parent / "progress.json").read_text().splitlines()[1:]
    return [record["answer"] for record in map(json.loads, lines) if record.get("question") == question_id]


@pytest.mark.parametrize("lesson", ["00-start-here"], indirect=True)
def test_a_check_clicked_right_after_typing_judges_what_was_typed(lesson, lab):
    from playwright.sync_api import expect

    (bank,) = (ROOT / "data" / "quizzes").glob("00-*.yaml")
    question = next(q for q in yaml.safe_load(bank.read_text())["questions"] if q["id"] == "total-area")
    box = question_box(lesson.panel, question)
    field, check = box.locator("input[type=text]"), box.locator(".fi-check")
    field.scroll_into_view_if_needed()
    typed = []
    for attempt in range(20):
        value = f"{question['answer']:g}" if attempt % 2 == 0 else str(int(question["answer"]) - 4 - attempt)
        field.fill(value)
        check.click()  # at once, as a quick student does: no pause for the value to reach the kernel
        typed.append(float(value))
        verdict = "Correct." if attempt % 2 == 0 else "Not quite"
        try:
            expect(box.locator(".fi-feedback")).to_contain_text(verdict, timeout=CHANGE_MS)
        except AssertionError as failed:
            judged = judged_answers(lab, "total-area")
            raise AssertionError(f"attempt {attempt}: typed {typed}, judged {judged}") from failed
    assert judged_answers(lab, "total-area")[-len(typed) :] == typed


# What a student presses on the first control of an explorer, by what it is.
KEY_FOR_CONTROL = """() => {
    const focused = document.activeElement;
    if (['radio', 'slider'].includes(focused.getAttribute('role'))) return 'ArrowRight';
    if (focused.type === 'checkbox' || focused.type === 'radio') return 'Space';
    return 'Enter';
}"""
# The explorer's whole state as shown: its figure, its words, its controls.
SHOWN_STATE = """(explorer) => ['.fi-explorer-output', '.fi-explorer-summary']
    .map((part) => explorer.querySelector(part).innerHTML).join('')"""


def test_every_explorer_is_worked_with_the_keyboard_only(lesson):
    explorers = lesson.panel.locator(".fi-explorer")
    if lesson.stem in WITHOUT_FIGURES:
        assert explorers.count() == 0, f"{lesson.stem} has an explorer now: test it"
        return
    for number in range(explorers.count()):
        explorer = explorers.nth(number)
        explorer.scroll_into_view_if_needed()
        tab_into(lesson.page, explorer)
        cell, before = lesson.panel.evaluate(ACTIVE_CELL), explorer.evaluate(SHOWN_STATE)
        key = lesson.page.evaluate(KEY_FOR_CONTROL)
        lesson.page.keyboard.press(key)
        lesson.page.wait_for_function(
            f"([explorer, before]) => ({SHOWN_STATE})(explorer) !== before",
            arg=[explorer.element_handle(), before],
            polling=250,
            timeout=CHANGE_MS,
        )
        assert lesson.panel.evaluate(ACTIVE_CELL) == cell, (
            f"explorer {number + 1}: {key} moved JupyterLab's cell"
        )
