"""Lists in plain English, written by one function everywhere the course writes one."""

from __future__ import annotations

import re

from course_root import ROOT
from hypothesis import given
from hypothesis import strategies as st

from fourislands.words import and_list, wrapped


def test_lists_of_none_one_two_and_three():
    assert and_list([]) == ""
    assert and_list([], none="none of them") == "none of them"
    assert and_list(["war"]) == "war"
    assert and_list(["war", "treaty"]) == "war and treaty"
    assert and_list(["war", "treaty", "summit"]) == "war, treaty and summit"
    assert and_list(["war", "treaty"], quoted=True) == "'war' and 'treaty'"
    assert and_list(range(1, 4)) == "1, 2 and 3"
    assert and_list(x for x in "ab") == "a and b"  # any iterable, read once


WORDS = st.text(alphabet="abcdefgh ", min_size=1, max_size=8).map(str.strip).filter(bool)


@given(st.lists(WORDS, max_size=8))
def test_every_item_is_named_once_in_order(items):
    text = and_list(items, quoted=True)
    assert re.findall(r"'([^']*)'", text) == items
    assert text.count(" and ") == (1 if len(items) > 1 else 0)


def test_no_module_writes_its_own_english_list():
    copies = [
        path.relative_to(ROOT)
        for path in (ROOT / "src").rglob("*.py")
        if path.name != "words.py" and re.search(r'\[:-1\]\) \+ " and "', path.read_text(encoding="utf-8"))
    ]
    assert copies == []


def test_lines_break_between_words_never_inside_a_word_or_a_hyphenated_name():
    text = "the Habomai-Shikotan pair and the Kunashiri-Etorofu pair " * 4
    lines = wrapped(text, width=30, indent=2).split("\n")
    assert all(len(line) <= 30 for line in lines)
    assert all(line.startswith("  ") for line in lines[1:]) and not lines[0].startswith(" ")
    words = " ".join(line.strip() for line in lines).split()
    assert words == text.split()  # nothing lost, nothing split
    assert wrapped(12345) == "12345" and wrapped("") == ""
