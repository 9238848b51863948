"""Files written whole or not at all, with the permissions asked for."""

from __future__ import annotations

import os
import stat

import pytest

from fourislands import atomic
from fourislands.atomic import write_text_atomically


def test_a_file_is_replaced_whole_with_its_permissions_and_folders_made(tmp_path):
    path = tmp_path / "new" / "folder" / "gradebook.csv"
    write_text_atomically(path, "student,score\r\nana,7\r\n", newline="")
    assert path.read_bytes() == b"student,score\r\nana,7\r\n"  # newlines as written, for CSV
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # private unless asked: grades
    write_text_atomically(path, "page", mode=0o644)
    assert path.read_text() == "page" and stat.S_IMODE(path.stat().st_mode) == 0o644
    assert sorted(p.name for p in path.parent.iterdir()) == ["gradebook.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "results.json"
    path.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomically(path, "half \udcff")  # a lone surrogate cannot be written as UTF-8
    monkeypatch.setattr(atomic.os, "replace", lambda *_: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError, match="disk full"):
        write_text_atomically(path, "new")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["results.json"]
