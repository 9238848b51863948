"""No answer leaks: run a notebook showing every bank, save it with widget state, search it."""

from __future__ import annotations

import nbformat
import pytest

from fourislands.kernels import notebook_client
from fourislands.quizbank import bank_files, read_bank

BANKS = [read_bank(path) for path in bank_files()]


def public_text() -> str:
    """Return everything a student is meant to see before answering, in lower case."""
    parts = []
    for bank in BANKS:
        parts.append(bank.title)
        for q in bank.questions:
            parts += [q.prompt, q.unit or ""]
            parts += [o.text for o in q.options] + [i.text for i in q.items]
            parts += [p.left for p in q.pairs] + [p.right for p in q.pairs] + list(q.distractors)
    return "\n".join(parts).lower()


def secrets() -> list[str]:
    """Return what must stay hidden until a student answers: explanations, feedback, answers."""
    found = []
    for bank in BANKS:
        for q in bank.questions:
            found.append(q.explanation)
            found += [o.feedback for o in q.options if o.feedback]
            found += [w.feedback for w in q.wrong_answers]
            found += list(q.accept)
            if q.type == "numeric":
                found.append(f"{q.answer:g}")
    return found


@pytest.fixture(scope="module")
def saved_notebook(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("leak")
    cells = [nbformat.v4.new_code_cell("from fourislands import quiz")]
    cells += [nbformat.v4.new_code_cell(f'quiz("{bank.lesson}")') for bank in BANKS]
    notebook = nbformat.v4.new_notebook(cells=cells)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOURISLANDS_PROGRESS", str(folder / "progress.json"))  # the kernel inherits it
        # No run times: "18:32:05" holds "32", a numeric answer, as a whole word.
        notebook_client(notebook, folder, store_widget_state=True, record_timing=False).execute()
    path = folder / "quizzes.ipynb"
    nbformat.write(notebook, path)
    return path.read_text(encoding="utf-8")


def test_the_saved_notebook_holds_widget_state_and_the_questions(saved_notebook):
    assert "application/vnd.jupyter.widget-state+json" in saved_notebook
    for bank in BANKS:
        assert bank.questions[0].prompt.replace('"', '\\"') in saved_notebook


def occurs_as_a_whole(needle: str, haystack: str) -> bool:
    """Return True when needle stands in haystack not as part of a longer word or number."""
    start = haystack.find(needle)
    while start != -1:
        before = haystack[start - 1] if start else " "
        after = haystack[start + len(needle)] if start + len(needle) < len(haystack) else " "
        if not (before.isalnum() or before == "." or after.isalnum()):
            return True
        start = haystack.find(needle, start + 1)
    return False


def test_the_search_finds_whole_words_only():
    assert occurs_as_a_whole("27", "meetings: 27.")
    assert not occurs_as_a_whole("27", "model a27b3") and not occurs_as_a_whole("27", "1.27")


def test_no_correct_answer_explanation_or_feedback_is_saved(saved_notebook):
    seen = public_text()
    saved = saved_notebook.lower()
    leaked = []
    for secret in secrets():
        if secret.lower() in seen:
            continue  # shown to everyone anyway (an option text that is also an answer elsewhere)
        if occurs_as_a_whole(secret.lower().replace('"', '\\"'), saved):
            leaked.append(secret)
    assert not leaked, leaked[:5]
