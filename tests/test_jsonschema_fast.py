"""jsonschema imported without its format-checking libraries: it still validates, and hides nothing after."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import importlib.util, sys
from fourislands.jsonschema_fast import FORMAT_CHECKER_MODULES, jsonschema_module
jsonschema = jsonschema_module()
assert jsonschema_module() is jsonschema
loaded = [name for name in FORMAT_CHECKER_MODULES if name in sys.modules]
assert not loaded, f"imported with jsonschema: {loaded}"
schema = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
jsonschema.validate({"id": "q1"}, schema)
try:
    jsonschema.validate({"id": 1}, schema)
except jsonschema.ValidationError:
    pass
else:
    raise AssertionError("a wrong type passed")
# Hidden only while jsonschema loaded: any installed one imports as usual afterwards.
for name in FORMAT_CHECKER_MODULES:
    if importlib.util.find_spec(name) is not None:
        importlib.import_module(name)
print("ok")
"""


def test_jsonschema_validates_without_its_format_libraries_and_leaves_them_importable():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
