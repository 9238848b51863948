"""Loaded before the other pytest plugins (pyproject.toml): jsonschema comes without its format checkers.

nbval's plugin imports nbformat, which imports jsonschema, whose optional format checkers (unused
by the course and its tests) take about a second to import in every test process.
"""

from fourislands.jsonschema_fast import jsonschema_module

jsonschema_module()
