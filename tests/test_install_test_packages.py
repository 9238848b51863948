"""tools/install_test_packages.sh installs Chromium and bubblewrap where it can, else says why (exit 0)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

from course_root import ROOT

SCRIPT = ROOT / "tools" / "install_test_packages.sh"


def stub(folder: Path, name: str, body: str) -> None:
    """Put a small shell program called name into folder."""
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def run(tmp_path: Path, *programs: tuple[str, str]) -> subprocess.CompletedProcess:
    """Run the script with Chromium and bubblewrap missing and only these programs (and bash) at hand."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub(bin_dir, "fc-list", "exit 0")  # no Japanese font either
    for name, body in programs:
        stub(bin_dir, name, body)
    env = {
        "PATH": str(bin_dir),
        "CHROMIUM": str(tmp_path / "missing" / "chromium"),
        "BWRAP": str(tmp_path / "missing" / "bwrap"),
        "HOME": str(tmp_path),
    }
    bash = shutil.which("bash")
    return subprocess.run([bash, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)


def test_without_apt_get_it_says_why_and_succeeds(tmp_path):
    done = run(tmp_path, ("id", "echo 0"))
    assert done.returncode == 0
    assert "not installing chromium fonts-ipafont-gothic bubblewrap: no apt-get here" in done.stderr
    assert "the browser tests skip" in done.stderr and "the sandbox tests fail" in done.stderr


def test_as_a_user_without_password_less_sudo_it_never_waits_for_a_password(tmp_path):
    calls = tmp_path / "apt-get-calls"
    done = run(tmp_path, ("id", "echo 1000"), ("apt-get", f"echo called >> {calls}"), ("sudo", "exit 1"))
    assert done.returncode == 0
    assert "not root and no password-less sudo; run: sudo apt-get install chromium" in done.stderr
    assert not calls.exists()


def test_as_root_it_installs_every_package_and_reports_a_package_without_the_browser(tmp_path):
    calls = tmp_path / "apt-get-calls"
    done = run(tmp_path, ("id", "echo 0"), ("apt-get", f'echo "$@" >> {calls}'), ("env", 'shift; "$@"'))
    assert done.returncode == 0
    lines = calls.read_text().splitlines()
    assert lines[0] == "update -qq"
    assert lines[1].endswith("install -y -qq chromium fonts-ipafont-gothic bubblewrap")
    assert "did not provide" in done.stderr  # the stub installed nothing: no false success


def test_it_is_quiet_and_quick_where_everything_is_installed(tmp_path):
    browser, sandbox = tmp_path / "chromium", tmp_path / "bwrap"
    stub(tmp_path, "chromium", "exit 0")
    stub(tmp_path, "bwrap", "exit 0")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub(bin_dir, "fc-list", "echo 'ipag.ttf: IPAGothic'")
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "CHROMIUM": str(browser), "BWRAP": str(sandbox)}
    done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stderr == ""
    assert "are installed" in done.stdout
