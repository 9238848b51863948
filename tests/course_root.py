"""The course folder the tests check (tests import it from here, not from conftest)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
