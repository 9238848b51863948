"""Dependencies: pyproject.toml and environment.yml agree, and the course package needs no dev extra."""

from __future__ import annotations

import ast
import re
import tomllib

import yaml
from course_root import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def pyproject_pins(text: str) -> dict[str, str]:
    """Return {package: exact version} for every dependency and extra in a pyproject.toml."""
    project = tomllib.loads(text)["project"]
    lines = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        lines += extra
    pins = {}
    for line in lines:
        requirement = Requirement(line)
        (spec,) = requirement.specifier  # every dependency is pinned to one version
        assert spec.operator == "==", f"{line} is not pinned with =="
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def conda_pins(text: str) -> dict[str, str]:
    """Return {package: version} for the conda and pip entries of an environment.yml."""
    pins = {}
    for entry in yaml.safe_load(text)["dependencies"]:
        if isinstance(entry, dict):
            entries = [e.replace("==", "=") for e in entry.get("pip", []) if not e.startswith("-e")]
        else:
            entries = [entry]
        for item in entries:
            name, _, version = item.partition("=")
            if canonicalize_name(name) not in {"python", "pip"}:
                pins[canonicalize_name(name)] = version
    return pins


def test_environment_yml_matches_pyproject():
    pyproject = pyproject_pins((ROOT / "pyproject.toml").read_text())
    conda = conda_pins((ROOT / "environment.yml").read_text())
    assert conda == pyproject


def test_a_changed_version_is_noticed():
    text = (ROOT / "environment.yml").read_text()
    changed = re.sub(r"pandas=[\d.]+", "pandas=0.1", text)
    assert conda_pins(changed)["pandas"] == "0.1"
    assert conda_pins(changed) != pyproject_pins((ROOT / "pyproject.toml").read_text())


def test_a_missing_package_is_noticed():
    text = (ROOT / "environment.yml").read_text()
    dropped = "\n".join(line for line in text.splitlines() if "matplotlib" not in line)
    assert "matplotlib" not in conda_pins(dropped)
    assert "matplotlib" in pyproject_pins((ROOT / "pyproject.toml").read_text())


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert re.search(r"^make test$", ci, re.MULTILINE)


def test_the_course_package_needs_nothing_from_the_dev_extra():
    # A student's install has only the lessons' packages: a module of fourislands that imported
    # nbgrader, pytest or Playwright would fail there, on the first lesson that reached it.
    dev = {"hypothesis", "nbgrader", "nbval", "playwright", "pytest", "xdist", "ruff"}
    found = {}
    for path in (ROOT / "src" / "fourislands").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in dev:
                    found[str(path.relative_to(ROOT))] = name
    assert found == {}
