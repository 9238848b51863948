"""The quiz widget: shows questions, reads answers, shows judged results. No judging here."""

from __future__ import annotations

import asyncio
import html
import random
import weakref

import ipywidgets as widgets
from traitlets import TraitError

from .judging import Result, judge
from .keyboard import SCOPE_CLASS, keyboard_scope
from .palette import BLUE, GREEN, SKY, VERMILION
from .progress import Progress, QuestionProgress, lesson_now, read_progress, record_attempt, record_event
from .quizbank import Bank, Question, cite_html, load_bank
from .scores import QuizScore, quiz_score
from .shared_models import plain_widget

INSTRUCTIONS = {
    "single": "Choose one answer.",
    "multiple": "Tick every answer that applies.",
    "numeric": "Type a number.",
    "ordering": "Give each item its position: 1 comes first in the order the question asks for.",
    "matching": "For each item, pick the letter of its match.",
    "text": "Type a word or a name.",
}
# How long a Check waits for a value the browser may still hold back (see QuestionView._clicked).
SETTLE_SECONDS = 0.2
# Okabe-Ito colours (safe for colour-blind readers); words and symbols carry the meaning.
STYLES = {
    "correct": (BLUE, "\u2714 Correct."),
    "incorrect": (VERMILION, "\u2718 Not quite."),
    "invalid": ("#555555", "Please check your answer."),
    "answer": (GREEN, "The answer:"),
    "hint": (SKY, "Hint:"),
}


# ipywidgets gives an option one line of fixed height and cuts a long label with an ellipsis: a
# long option then runs over the next one, or loses its end. Let quiz text wrap instead.
_WRAP_CSS = """
.fi-question .widget-radio-box label { display: flex; align-items: flex-start; height: auto;
  line-height: 1.4; padding: 2px 0; }
.fi-question .widget-radio-box input { flex: none; order: -1; height: 1.4em; margin-top: 0; }
.fi-question .widget-checkbox { height: auto; line-height: 1.4; }
.fi-question .widget-label, .fi-question .widget-label-basic, .fi-question .widget-label-basic span {
  white-space: normal; overflow: visible; height: auto; line-height: 1.4; }
.fi-question .fi-options { margin: 0 0 6px 0; padding-left: 2em; }
.fi-question .fi-options li { line-height: 1.4; }
.fi-question .fi-item-row { align-items: center; border-bottom: 1px solid #E0E0E0; padding: 2px 0; }
.fi-question .fi-item { flex: 1 1 45%; min-width: 12em; line-height: 1.35; }
.fi-question .fi-item .widget-html-content { white-space: normal; line-height: 1.35; }
.fi-question .fi-letters { flex: 0 1 auto; }
.fi-question .fi-letters .widget-toggle-button { min-width: 2.6em; padding: 0 8px; }
"""
QUIZ_CSS = (
    "<style>"
    + _WRAP_CSS
    + f".fi-question a {{ color: var(--jp-content-link-color, {BLUE}); text-decoration: underline; }}\n"
    + "</style>"
)


# The quizzes built in this kernel. Weak: a quiz lives as long as its widgets do (their buttons
# hold it), and a closed notebook's quizzes must not be kept alive by this set.
SHOWN: weakref.WeakSet[Quiz] = weakref.WeakSet()


def _choice(labels: list[str], tooltips: list[str]) -> widgets.ToggleButtons:
    """Return a row of toggle buttons with nothing chosen yet (Tab to the row, arrows to pick)."""
    return plain_widget(
        widgets.ToggleButtons,
        options=labels,
        value=None,
        tooltips=tooltips,
        style={"button_width": "auto"},  # as wide as a letter, or a letter and the chosen tick
        classes=("fi-letters",),
    )


def shuffled(values: list, seed: int, key: str) -> list:
    """Return values in a student-specific order that is never the original one (n >= 2)."""
    order = list(values)
    random.Random(f"{seed}:{key}").shuffle(order)
    if len(order) > 1 and order == list(values):
        order = order[1:] + order[:1]  # the written order is often the answer: never show it
    return order


def answer_text(question: Question) -> str:
    """Return the correct answer in words, for a student who asks to see it."""
    if question.type in ("single", "multiple"):
        return "; ".join(o.text for o in question.options if o.correct)
    if question.type == "numeric":
        return f"{question.answer:g} {question.unit or ''}".strip()
    if question.type == "ordering":
        return " \u2192 ".join(item.text for item in question.items)
    if question.type == "matching":
        return "; ".join(f"{p.left} \u2192 {p.right}" for p in question.pairs)
    return question.accept[0]


def _panel(kind: str, body: str) -> str:
    """Return feedback HTML: a coloured rule, a heading in words, an alert for screen readers."""
    colour, heading = STYLES[kind]
    return (
        f'<div role="alert" aria-live="assertive" class="fi-result fi-{kind}" '
        f'style="border-left: 4px solid {colour}; padding: 4px 10px; margin-top: 4px;">'
        f"<strong>{heading}</strong> {body}</div>"
    )


def result_html(question: Question, result: Result) -> str:
    """Return the feedback for a judged answer: in words, with the explanation and its source."""
    parts = [html.escape(result.message if result.status != "correct" else "")]
    if result.feedback:
        parts.append(html.escape(result.feedback))
    if result.correct:
        parts.append(html.escape(question.explanation))
        parts.append(f'<div class="fi-source"><em>Source:</em> {cite_html(question.source)}</div>')
    elif result.status == "invalid":
        parts.append("(This was not counted as an attempt.)")
    elif question.hint:
        parts.append("Stuck? Try the hint.")
    return _panel(result.status, " ".join(p for p in parts if p))


class QuestionView:
    """One question on screen: its input widgets, Check, Hint and Show-answer buttons, feedback."""

    def __init__(
        self, question: Question, seed: int, on_checked=None, saved: QuestionProgress | None = None
    ) -> None:
        self.question = question
        self.on_checked = on_checked
        self.key = f"{question.lesson}:{question.id}"
        self.inputs = self._inputs(seed)
        self.check = plain_widget(
            widgets.Button,
            description="Check",
            button_style="primary",
            tooltip="Check your answer",
            classes=("fi-check",),
        )
        self.check.on_click(self._clicked)
        self.waiting = None  # a judgement scheduled by a Check click, not yet made
        buttons = [self.check]
        self.hint = None
        if question.hint:
            self.hint = plain_widget(widgets.Button, description="Hint", tooltip="Show a hint")
            self.hint.on_click(self._hinted)
            buttons.append(self.hint)
        # A layout of its own, as it is shown and hidden: offered only after a first wrong attempt.
        self.reveal = widgets.Button(
            description="Show answer",
            tooltip="Show the answer (recorded)",
            layout=widgets.Layout(display="none"),
        )
        self.reveal.on_click(self._revealed)
        buttons.append(self.reveal)
        self.feedback = plain_widget(widgets.HTML, value="", classes=("fi-feedback",))
        self.notice = plain_widget(widgets.HTML, value="", classes=("fi-notice",))
        heading = plain_widget(
            widgets.HTML,
            value=f"<p><strong>{html.escape(question.prompt)}</strong><br>"
            f"<em>{INSTRUCTIONS[question.type]}</em></p>",
        )
        row = plain_widget(widgets.HBox, children=buttons)
        self.box = plain_widget(
            widgets.VBox,
            children=[heading, self.inputs, row, self.feedback, self.notice],
            classes=("fi-question",),
        )
        if saved is not None and saved.last is not None:
            self.restore(saved)

    def _inputs(self, seed: int) -> widgets.Widget:
        """Return the widgets the student answers with, in a student-specific order."""
        q = self.question
        if q.type == "single":
            options = shuffled([(o.text, o.id) for o in q.options], seed, self.key)
            self.radio = plain_widget(widgets.RadioButtons, "wide", options=options, value=None)
            return self.radio
        if q.type == "multiple":
            order = shuffled(list(q.options), seed, self.key)
            self.ticks = [
                (plain_widget(widgets.Checkbox, "wide", description=o.text, indent=False), o.id)
                for o in order
            ]
            return plain_widget(widgets.VBox, children=[box for box, _ in self.ticks])
        if q.type in ("numeric", "text"):
            placeholder = "a number" if q.type == "numeric" else "your answer"
            # Synced when the field loses focus: one message, sent before the Check click, where
            # keystroke updates can still be queued when a fast typist presses Tab and Enter.
            self.text = plain_widget(widgets.Text, "field", placeholder=placeholder, continuous_update=False)
            unit = plain_widget(widgets.Label, value=(q.unit or "") if q.type == "numeric" else "")
            return plain_widget(widgets.HBox, children=[self.text, unit])
        # Toggle buttons, not drop-down lists: JupyterLab takes the arrow keys from a focused
        # <select> to move between cells, so a drop-down cannot be worked from the keyboard.
        if q.type == "ordering":
            positions = [str(n) for n in range(1, len(q.items) + 1)]
            order = shuffled(list(q.items), seed, self.key)
            self.places = [
                (_choice(positions, [f"Position {n} for: {item.text}" for n in positions]), item.id)
                for item in order
            ]
            return self._rows([(box, item.text) for (box, _), item in zip(self.places, order, strict=True)])
        # A matching question lists its options once, lettered, and each item gets a row of letters:
        # every option as a button under every item made a wall of buttons taller than a screen.
        rights = shuffled([p.right for p in q.pairs] + list(q.distractors), seed, self.key + ":right")
        letters = [chr(ord("A") + n) for n in range(len(rights))]
        self.letters = dict(zip(letters, rights, strict=True))
        self.letter_of = {right: letter for letter, right in self.letters.items()}
        lefts = shuffled(list(q.pairs), seed, self.key + ":left")
        self.matches = [(_choice(letters, [f"{p.left}: {right}" for right in rights]), p.id) for p in lefts]
        options = "".join(f"<li>{html.escape(right)}</li>" for right in rights)
        listed = plain_widget(widgets.HTML, value=f'<ol type="A" class="fi-options">{options}</ol>')
        rows = self._rows([(box, p.left) for (box, _), p in zip(self.matches, lefts, strict=True)])
        return plain_widget(widgets.VBox, children=[listed, rows])

    @staticmethod
    def _rows(rows: list[tuple[widgets.Widget, str]]) -> widgets.VBox:
        """Return one line per item: what it is, then its row of buttons."""
        return plain_widget(
            widgets.VBox,
            children=[
                plain_widget(
                    widgets.HBox,
                    children=[plain_widget(widgets.HTML, value=html.escape(text), classes=("fi-item",)), box],
                    classes=("fi-item-row",),
                )
                for box, text in rows
            ],
        )

    def answer(self) -> object:
        """Return the student's current answer, in the form the judge expects."""
        kind = self.question.type
        if kind == "single":
            return self.radio.value
        if kind == "multiple":
            return [option_id for box, option_id in self.ticks if box.value]
        if kind in ("numeric", "text"):
            return self.text.value
        if kind == "ordering":
            return {item_id: None if box.value is None else int(box.value) for box, item_id in self.places}
        return {pair_id: self.letters.get(box.value) for box, pair_id in self.matches}

    def show_answer(self, answer: object) -> None:
        """Put a saved answer back into the widgets (the form judge records it in)."""
        kind = self.question.type
        if kind == "single":
            self.radio.value = answer
        elif kind == "multiple":
            for box, option_id in self.ticks:
                box.value = option_id in answer
        elif kind == "numeric":
            self.text.value = f"{answer:g}"
        elif kind == "text":
            self.text.value = answer
        elif kind == "ordering":
            for box, item_id in self.places:
                box.value = str(answer.index(item_id) + 1)
        else:
            for box, pair_id in self.matches:
                box.value = self.letter_of[answer[pair_id]]

    def restore(self, saved: QuestionProgress) -> None:
        """Show the last saved answer and its verdict, as after a Check (a restart loses nothing)."""
        result = judge(self.question, saved.last["answer"])
        if not result.recorded:  # the bank changed since: the old answer no longer fits
            return
        try:
            self.show_answer(result.answer)
        except (ValueError, KeyError, TypeError, AttributeError, TraitError):
            return
        when = saved.last["time"][:10]
        self.feedback.value = (
            f'<p class="fi-saved"><em>Your last answer, saved on {html.escape(when)}:</em></p>'
            + result_html(self.question, result)
        )
        if not saved.correct and saved.attempts:
            self.reveal.layout.display = None

    def mirror(self, other: QuestionView) -> None:
        """Show what another copy of this question shows: the same answer, feedback and buttons.

        Copies share question and seed, so their widgets come in the same order.
        """
        kind = self.question.type
        if kind == "single":
            self.radio.value = other.radio.value
        elif kind in ("numeric", "text"):
            self.text.value = other.text.value
        else:
            boxes = {"multiple": "ticks", "ordering": "places", "matching": "matches"}[kind]
            for (box, _), (source, _) in zip(getattr(self, boxes), getattr(other, boxes), strict=True):
                box.value = source.value
        self.feedback.value = other.feedback.value
        self.reveal.layout.display = other.reveal.layout.display

    def _clicked(self, _button=None) -> None:
        """Judge what is on screen, once the answer's last change has reached the kernel.

        The browser holds a widget's new value back while an earlier message of the same widget
        awaits the kernel, but sends a click at once: a Check pressed right after typing could
        overtake the typed value and judge the one before. Waiting a moment in the kernel's own
        event loop (never blocking it) lets the held value arrive first.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no kernel event loop (the widget driven from Python): judge now
            self._checked()
            return
        if self.waiting is None:  # clicks while waiting make one judgement, of the latest value
            self.waiting = loop.call_later(SETTLE_SECONDS, self._settled)

    def _settled(self) -> None:
        self.waiting = None
        self._checked()

    def _checked(self, _button=None) -> Result:
        result = judge(self.question, self.answer())
        self.feedback.value = result_html(self.question, result)
        notice = record_attempt(self.question.lesson, self.question.id, result) if result.recorded else None
        self.notice.value = html.escape(notice) if notice else ""
        if result.status == "incorrect":
            self.reveal.layout.display = None
        if self.on_checked is not None:
            self.on_checked(self)
        return result

    def _hinted(self, _button=None) -> None:
        notice = record_event(self.question.lesson, self.question.id, "hint")
        self.feedback.value = _panel("hint", html.escape(self.question.hint))
        self.notice.value = html.escape(notice) if notice else ""

    def _revealed(self, _button=None) -> None:
        notice = record_event(self.question.lesson, self.question.id, "answer shown")
        source = cite_html(self.question.source)
        body = (
            f"{html.escape(answer_text(self.question))}. {html.escape(self.question.explanation)}"
            f'<div class="fi-source"><em>Source:</em> {source}</div>'
        )
        self.feedback.value = _panel("answer", body)
        self.notice.value = html.escape(notice) if notice else ""
        if self.on_checked is not None:
            self.on_checked(self)


def _questions(count: int) -> str:
    """Return '1 question' or 'N questions'."""
    return f"{count} question{'s' if count != 1 else ''}"


def _fallback(bank: Bank, questions: list[Question], seed: int) -> tuple[str, str]:
    """Return plain-text and HTML versions of the questions (never the answers) for static pages.

    The whole bank gets a title and a note on how to answer; a question or two inside a lesson's
    text stand alone, so a page does not repeat the same lines after every section.
    """
    whole = len(questions) == len(bank.questions)
    lines = [f"Quiz: {bank.title}"] if whole else []
    blocks = [f"<h4>Quiz: {html.escape(bank.title)}</h4>"] if whole else []
    blocks.append('<ol class="fi-quiz-static">')
    for q in questions:
        key = f"{q.lesson}:{q.id}"
        extra = ""
        if q.type in ("single", "multiple"):
            shown = [o.text for o in shuffled(list(q.options), seed, key)]
        elif q.type == "ordering":
            shown = [i.text for i in shuffled(list(q.items), seed, key)]
        elif q.type == "matching":
            shown = [p.left for p in shuffled(list(q.pairs), seed, key + ":left")]
            extra = "To match with: " + "; ".join(
                shuffled([p.right for p in q.pairs] + list(q.distractors), seed, key + ":right")
            )
        else:
            shown = [f"(answer: a {'number, in ' + q.unit if q.type == 'numeric' else 'word or name'})"]
        lines.append(f"- {q.prompt} {INSTRUCTIONS[q.type]}")
        lines += [f"    * {s}" for s in shown] + ([f"    {extra}"] if extra else [])
        items = "".join(f"<li>{html.escape(s)}</li>" for s in shown)
        after = f"<p>{html.escape(extra)}</p>" if extra else ""
        blocks.append(
            f"<li>{html.escape(q.prompt)} <em>{INSTRUCTIONS[q.type]}</em><ul>{items}</ul>{after}</li>"
        )
    blocks.append("</ol>")
    if whole:
        note = "Open this notebook in JupyterLab with a running kernel to answer these questions."
        lines.append(note)
        blocks.append(f"<p><em>{note}</em></p>")
    return "\n".join(lines), "".join(blocks)


class Quiz:
    """A lesson's quiz on screen: the whole bank, a few questions, or one question at a time."""

    def __init__(
        self, bank: Bank, question_ids: list[str] | None = None, one_at_a_time: bool = False
    ) -> None:
        self.bank = bank
        self.questions = [bank.question(i) for i in question_ids] if question_ids else list(bank.questions)
        progress, notice = read_progress()
        self.seed = progress.seed
        self.views = [
            QuestionView(q, self.seed, on_checked=self._answered, saved=progress.of(q.lesson, q.id))
            for q in self.questions
        ]
        self.score = plain_widget(widgets.HTML, value="", classes=("fi-score",))
        self.notice = plain_widget(widgets.HTML, value=html.escape(notice) if notice else "")
        self.position = 0
        self.one_at_a_time = one_at_a_time and len(self.views) > 1
        if self.one_at_a_time:
            self.previous = plain_widget(widgets.Button, description="Previous", tooltip="Previous question")
            self.next = plain_widget(widgets.Button, description="Next", tooltip="Next question")
            self.previous.on_click(lambda _b: self.show(self.position - 1))
            self.next.on_click(lambda _b: self.show(self.position + 1))
            self.counter = plain_widget(widgets.Label, value="")
            self.stage = plain_widget(widgets.VBox, children=[])
            body = [self.stage, plain_widget(widgets.HBox, children=[self.previous, self.counter, self.next])]
        else:
            body = self._unanswered_first(progress)
        whole = len(self.questions) == len(bank.questions)
        heading = f"Quiz: {bank.title}" if whole else f"Check yourself: {_questions(len(self.questions))}"
        title = plain_widget(widgets.HTML, value=f"{QUIZ_CSS}<h4>{html.escape(heading)}</h4>")
        self.box = plain_widget(
            widgets.VBox,
            children=[title, self.notice, *body, self.score, keyboard_scope()],
            classes=("fi-quiz", SCOPE_CLASS),
        )
        if self.one_at_a_time:
            self.show(quiz_score(bank, progress, [q.id for q in self.questions]).next_unanswered or 0)
        self._update_score(progress)
        SHOWN.add(self)

    def _unanswered_first(self, progress: Progress) -> list[widgets.Widget]:
        """Return the questions' boxes: those not yet right first, those right folded under them.

        A student back at a long quiz wants what is left to do, not a scroll past what is done.
        """
        done = [v for v in self.views if progress.of(v.question.lesson, v.question.id).correct]
        boxes = [v.box for v in self.views if v not in done]
        if done:
            self.already_right = widgets.Accordion(
                children=[plain_widget(widgets.VBox, children=[v.box for v in done])],
                titles=(f"Answered right before: {_questions(len(done))} (open to go over them)",),
                selected_index=None,
            )
            boxes.append(self.already_right)
        return boxes

    def show(self, position: int) -> None:
        """Show the question at position (one-at-a-time mode)."""
        self.position = max(0, min(position, len(self.views) - 1))
        self.stage.children = [self.views[self.position].box]
        self.counter.value = f"Question {self.position + 1} of {len(self.views)}"
        self.previous.disabled = self.position == 0
        self.next.disabled = self.position == len(self.views) - 1

    def _answered(self, view: QuestionView) -> None:
        """Bring every quiz of this lesson on the page up to date: copies of the question, scores.

        A lesson asks a question in its section and again in the whole quiz at the end: both
        copies, and every score line, must tell the same story.
        """
        progress = read_progress()[0]
        for shown in list(SHOWN):
            if shown.bank.lesson != self.bank.lesson:
                continue
            for other in shown.views:
                if other is not view and other.key == view.key:
                    other.mirror(view)
            shown._update_score(progress)

    def _update_score(self, progress: Progress) -> None:
        if len(self.questions) < len(self.bank.questions):  # a checkpoint: its own questions, no pointer
            score = quiz_score(self.bank, progress, [q.id for q in self.questions])
            score = QuizScore(score.questions, score.answered, score.correct, score.attempts)
        else:
            score = quiz_score(self.bank, progress)
        self.score.value = f"<p>{html.escape(score.sentence())}</p>"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs) or {}
        # Without a kernel (a page exported to HTML) the widget cannot draw: show the questions.
        bundle["text/plain"], bundle["text/html"] = _fallback(self.bank, self.questions, self.seed)
        return bundle


def quiz(lesson: str, *question_ids: str, one_at_a_time: bool = False) -> Quiz:
    """Return a lesson's quiz to show in a notebook: all questions, or the ones named."""
    # A student's copy of the seminar made while it was lesson 06 still asks for its questions there.
    lesson = lesson_now(lesson, question_ids)
    return Quiz(load_bank(lesson), list(question_ids) or None, one_at_a_time=one_at_a_time)
