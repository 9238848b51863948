"""The course beyond one machine: the image (binder/), the Kubernetes config, nbgitpuller links; no Docker."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
import urllib.parse
from pathlib import Path

import pytest
import yaml
from course_root import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from test_dependencies import conda_pins, pyproject_pins

BINDER = ROOT / "binder"
Z2JH_CONFIG = ROOT / "etc" / "jupyterhub" / "z2jh-config.yaml"
HUB_CONFIG = ROOT / "etc" / "jupyterhub" / "jupyterhub_config.py"
DOCS = ROOT / "docs" / "jupyterhub.md"
BIN = Path(sys.prefix) / "bin"
# In the image only: the server side of nbgitpuller links. Everything else is pinned in pyproject.toml.
IMAGE_ONLY = {"nbgitpuller"}
# What repo2docker copies of the repository that postBuild installs from (and solutions/, which it drops).
REPOSITORY = ["data", "notebooks", "exercises", "apps", "src", "etc", "binder", "solutions"]
REPOSITORY_FILES = ["course.yml", "pyproject.toml", "README.md", "LICENSE"]
MIB = 1024**2
UNITS = {"": 1, "K": 1000, "M": 1000**2, "G": 1000**3, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3}
LINK = re.compile(r"https?://[^\s)`>\]]+/hub/user-redirect/git-pull\?[^\s)`>\]]+")


def nbgitpuller_link(hub: str, repo: str, notebook: str, branch: str = "main", targetpath: str = "") -> str:
    """Return a link that pulls repo's branch into the student's folder on hub and opens notebook there.

    The format (docs/jupyterhub.md): HUB/hub/user-redirect/git-pull?repo=REPO&branch=BRANCH&urlpath=
    lab/tree/FOLDER/NOTEBOOK, each value URL-encoded. nbgitpuller clones into FOLDER, the repository's
    name unless targetpath names another; NOTEBOOK is a path inside the repository.
    """
    folder = targetpath or repo.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
    query = {"repo": repo, "branch": branch, "urlpath": f"lab/tree/{folder}/{notebook}"}
    if targetpath:
        query["targetpath"] = targetpath
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{urllib.parse.urlencode(query)}"


def image_pins() -> dict[str, str]:
    """Return {package: version} of binder/requirements.txt, failing on a line not pinned with ==."""
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"{line} is not pinned with =="
            pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def test_the_image_files_are_there_and_its_scripts_run():
    for name in ("requirements.txt", "runtime.txt", "postBuild", "fourislands-start"):
        assert (BINDER / name).is_file(), f"binder/{name} is missing"
    # repo2docker would run binder/start from $HOME, which Zero to JupyterHub hides under each
    # student's volume: no server would start. The image spawns through fourislands-start instead.
    assert not (BINDER / "start").exists()
    for script in ("postBuild", "fourislands-start"):
        assert (BINDER / script).stat().st_mode & stat.S_IXUSR, f"binder/{script} must be executable"
        assert subprocess.run(["bash", "-n", str(BINDER / script)]).returncode == 0, f"binder/{script}"


def test_the_image_pins_the_lessons_packages_and_the_hub_at_the_projects_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lessons = {canonicalize_name(Requirement(line).name) for line in project["dependencies"]}
    project_pins = pyproject_pins((ROOT / "pyproject.toml").read_text())
    image = image_pins()
    assert lessons <= set(image), f"the image lacks {lessons - set(image)}"
    assert {name: image[name] for name in project_pins if name in image} == {
        name: version for name, version in project_pins.items() if name in image
    }
    # The image's jupyterhub is the one `make hub` runs, and conda users get the same.
    assert (
        image["jupyterhub"]
        == project_pins["jupyterhub"]
        == conda_pins((ROOT / "environment.yml").read_text())["jupyterhub"]
    )
    assert set(image) - set(project_pins) == IMAGE_ONLY, "a package only the image has must be named here"
    # No test tool goes to students: they would add menus, memory and start-up time.
    assert not {"pytest", "nbgrader", "playwright", "nbval"} & set(image)
    python = (BINDER / "runtime.txt").read_text().strip()
    conda_python = re.search(r"^\s*- python=([\d.]+)$", (ROOT / "environment.yml").read_text(), re.MULTILINE)
    assert python == f"python-{conda_python.group(1)}", "the image's Python is environment.yml's"


def make_install_copies() -> list[tuple[str, str]]:
    """Return (source in the repository, destination inside the environment) of each cp in `make install`."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^\$\(INSTALLED\):.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)
    return re.findall(r"cp (?:-R )?(\S+) \$\(VENV\)/(\S+)", recipe)


@pytest.fixture()
def built_image_prefix(tmp_path: Path) -> tuple[Path, Path, str]:
    """Run binder/postBuild as repo2docker would, on a copy of the repository, with Python stubbed.

    Return (the repository copy, the environment it installed into, what Python was asked to do).
    The stub logs its arguments: the pip install and compileall it stands for need a network and time.
    """
    repository, prefix, stubs = tmp_path / "repo", tmp_path / "env", tmp_path / "stubs"
    for name in REPOSITORY:
        shutil.copytree(
            ROOT / name, repository / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
        )
    for name in REPOSITORY_FILES:
        shutil.copy(ROOT / name, repository / name)
    stubs.mkdir()
    (stubs / "python").write_text(f'#!/bin/sh\necho "$*" >> {tmp_path / "python.log"}\n')
    (stubs / "python").chmod(0o755)
    env = dict(os.environ, NB_PYTHON_PREFIX=str(prefix), PATH=f"{stubs}:{os.environ['PATH']}")
    ran = subprocess.run(
        ["bash", "binder/postBuild"], cwd=repository, env=env, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    yield repository, prefix, (tmp_path / "python.log").read_text()
    for folder, _, _ in os.walk(prefix):  # read-only by design: writable again for the clean-up
        Path(folder).chmod(0o755)


def test_postbuild_installs_into_the_image_what_make_install_installs_into_the_venv(built_image_prefix):
    repository, prefix, python = built_image_prefix
    copies = make_install_copies()
    assert len(copies) >= 3, f"the Makefile's install target changed shape: {copies}"
    for source, destination in copies:
        installed, original = prefix / destination, ROOT / source
        assert installed.exists(), f"postBuild does not install {source} as {destination}"
        if original.is_dir():
            comparison = filecmp.dircmp(original, installed)
            assert not (comparison.left_only or comparison.right_only or comparison.diff_files), destination
        else:
            assert filecmp.cmp(original, installed, shallow=False), destination
    course = prefix / "share" / "fourislands"
    # The course is installed as `make install` does it (editable, then compiled), from its copy.
    assert re.search(rf"-m pip install .*--no-deps -e {re.escape(str(course))}$", python, re.MULTILINE), (
        python
    )
    assert f"-m compileall -q {course / 'src'}" in python
    # What `make lab` hides in the file browser, hidden by the image's servers too.
    server_config = prefix / "etc" / "jupyter" / "jupyter_server_config.d" / "fourislands.json"
    assert filecmp.cmp(ROOT / "etc" / "jupyter_server_config.json", server_config, shallow=False)
    # What the Kubernetes config spawns each student's server through, on the image's PATH.
    start = prefix / "bin" / "fourislands-start"
    assert filecmp.cmp(BINDER / "fourislands-start", start, shallow=False) and start.stat().st_mode & 0o111


def test_the_course_environments_jupyter_servers_load_none_of_nbgraders_extensions():
    """nbgrader (a test tool) turns its four server extensions on when installed; `make install` turns
    them off again for every server of .venv/ (make lab, each student's on make hub), as jupyter_server
    itself reads its config folders, and leaves the course's own extensions on."""
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager

    extensions = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
    nbgrader = {name: on for name, on in extensions.items() if name.startswith("nbgrader.")}
    assert len(nbgrader) == 4 and not any(nbgrader.values()), nbgrader
    assert extensions["jupyterlab"] and extensions["voila.server_extension"]


def test_postbuild_leaves_a_read_only_course_without_its_hidden_tests(built_image_prefix):
    repository, prefix, _ = built_image_prefix
    course = prefix / "share" / "fourislands"
    for needed in ("course.yml", "data/datapackage.json", "notebooks/01-history.ipynb", "src/fourislands"):
        assert (course / needed).exists(), needed
    writable = [path for path in course.rglob("*") if path.stat().st_mode & 0o222]
    assert writable == [], f"{len(writable)} course files are writable, first {writable[:1]}"
    assert not (course / "solutions").exists()


def test_the_start_script_makes_the_students_copies_keeps_their_work_then_starts_the_server(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), PATH=f"{BIN}:{os.environ['PATH']}")
    env.pop("FOURISLANDS_WORKSPACE", None)
    server = ["sh", "-c", 'echo "server started in $(pwd)"']

    def start() -> subprocess.CompletedProcess:
        """Run the start script in the student's home as the hub would, the server a stand-in."""
        return subprocess.run(
            ["bash", str(BINDER / "fourislands-start"), *server],
            env=env,
            cwd=home,
            capture_output=True,
            text=True,
        )

    first = start()
    assert first.returncode == 0, first.stderr
    assert f"server started in {home}" in first.stdout, "start runs the command it is given, last"
    lesson = home / "fourislands-work" / "notebooks" / "01-history.ipynb"
    assert lesson.read_bytes() == (ROOT / "notebooks" / "01-history.ipynb").read_bytes()
    assert stat.S_IMODE(lesson.stat().st_mode) & 0o077 == 0, "a student's copies are theirs alone"
    lesson.write_text("the student's own work")
    again = start()
    assert again.returncode == 0 and lesson.read_text() == "the student's own work"
    # A home the student cannot write stops the server from starting, saying why.
    env["FOURISLANDS_WORKSPACE"] = str(tmp_path / "missing" / "file-not-folder")
    (tmp_path / "missing").write_text("")
    refused = start()
    assert refused.returncode != 0 and "server started" not in refused.stdout
    assert "cannot make a workspace" in refused.stdout


def quantity(text: object) -> float:
    """Return a Kubernetes quantity ("1G", "768Mi", "0.5") as bytes or cores."""
    number, unit = re.fullmatch(r"([\d.]+)([KMG]i?)?", str(text)).groups()
    return float(number) * UNITS[unit or ""]


def documented_figure(name: str) -> float:
    """Return a measured figure from docs/jupyterhub.md: the number in the table row named name."""
    row = re.search(rf"^\| {re.escape(name)} \| ([\d.]+) ", DOCS.read_text(), re.MULTILINE)
    assert row, f"docs/jupyterhub.md has no figure '{name}'"
    return float(row.group(1))


def documented_setting(key: str) -> str:
    """Return the value docs/jupyterhub.md gives a Kubernetes setting (a row `key` | `value`)."""
    row = re.search(rf"^\| `{re.escape(key)}` \| `([^`]+)` \|", DOCS.read_text(), re.MULTILINE)
    assert row, f"docs/jupyterhub.md does not give {key}"
    return row.group(1)


def test_the_kubernetes_config_parses_and_its_limits_follow_the_measured_figures():
    config = yaml.safe_load(Z2JH_CONFIG.read_text())
    singleuser = config["singleuser"]
    assert singleuser["image"]["name"] and singleuser["image"]["tag"]
    # The same start page and folder as on one machine.
    start_page = re.search(r'^START_PAGE = "([^"]+)"', HUB_CONFIG.read_text(), re.MULTILINE).group(1)
    assert singleuser["defaultUrl"] == start_page
    assert singleuser["notebookDir"].endswith("/fourislands-work")
    # Each server starts through the script postBuild puts on the image's PATH, which makes the copies.
    assert singleuser["cmd"] == ["fourislands-start", "jupyterhub-singleuser"]
    for key in ("memory.guarantee", "memory.limit", "cpu.guarantee", "cpu.limit"):
        part, name = key.split(".")
        assert str(singleuser[part][name]) == documented_setting(f"singleuser.{key}"), key
    memory, cpu = singleuser["memory"], singleuser["cpu"]
    student_rss = documented_figure("memory per student, largest (RSS)") * MIB
    kernel = documented_figure("of which the lesson's kernel (PSS)") * MIB
    # Guaranteed: one lesson running, counted the generous way. Limit: two more lessons open beside it.
    assert quantity(memory["guarantee"]) >= student_rss
    assert quantity(memory["limit"]) >= student_rss + 2 * kernel
    assert quantity(cpu["guarantee"]) <= quantity(cpu["limit"]) and quantity(cpu["limit"]) >= 1


def test_the_one_machine_figures_in_the_docs_follow_from_the_measurements():
    per_student = documented_figure("memory per student (PSS)")
    per_gib = documented_figure("students per GiB of memory")
    assert int(1024 / per_student) == int(per_gib), "students per GiB is 1024 MiB over a student's PSS"
    # The scheduler packs a node no fuller than one machine of its cores serves.
    cpu_guarantee = quantity(yaml.safe_load(Z2JH_CONFIG.read_text())["singleuser"]["cpu"]["guarantee"])
    assert int(1 / cpu_guarantee) == int(documented_figure("students per core"))


def test_the_documented_nbgitpuller_links_open_lessons_that_exist():
    links = LINK.findall(DOCS.read_text())
    assert links, "docs/jupyterhub.md shows no nbgitpuller link"
    for link in links:
        parts = urllib.parse.urlsplit(link)
        query = dict(urllib.parse.parse_qsl(parts.query))
        hub = f"{parts.scheme}://{parts.netloc}"
        folder, _, notebook = query["urlpath"].removeprefix("lab/tree/").partition("/")
        rebuilt = nbgitpuller_link(hub, query["repo"], notebook, query["branch"], query.get("targetpath", ""))
        assert rebuilt == link, f"the docs' link is not in the documented format:\n{link}\n{rebuilt}"
        assert (ROOT / notebook).is_file(), f"{link} opens {notebook}, which the course does not have"


def test_a_link_for_every_lesson_opens_it_where_nbgitpuller_puts_the_course():
    lessons = yaml.safe_load((ROOT / "course.yml").read_text())["lessons"]
    for lesson in (lesson for lesson in lessons if lesson["status"] == "ready"):
        link = nbgitpuller_link(
            "https://hub.example.edu", "https://github.com/example/four-islands.git", lesson["notebook"]
        )
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))
        assert query["urlpath"] == f"lab/tree/four-islands/{lesson['notebook']}"
        assert (ROOT / lesson["notebook"]).is_file()
    moved = nbgitpuller_link(
        "https://hub.example.edu/",
        "https://github.com/example/four-islands",
        "notebooks/00-start-here.ipynb",
        targetpath="course",
    )
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(moved).query))
    assert moved.startswith("https://hub.example.edu/hub/user-redirect/git-pull?")
    assert (
        query["targetpath"] == "course"
        and query["urlpath"] == "lab/tree/course/notebooks/00-start-here.ipynb"
    )


def test_make_hub_closes_the_hidden_tests_and_starts_the_course_hub():
    dry_run = subprocess.run(["make", "-n", "hub"], cwd=ROOT, capture_output=True, text=True)
    assert dry_run.returncode == 0, dry_run.stderr
    assert "chmod o-rwx solutions" in dry_run.stdout
    assert re.search(r"jupyterhub -f etc/jupyterhub/jupyterhub_config.py$", dry_run.stdout, re.MULTILINE)
