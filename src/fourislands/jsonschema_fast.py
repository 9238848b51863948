"""jsonschema, imported without its optional format checkers, which cost a tenth of a second or more."""

from __future__ import annotations

import sys
from types import ModuleType

# Libraries jsonschema imports, when installed, only to check string formats ('iri', 'duration',
# 'uri-template', ...). The course validates structure, never formats (no FormatChecker), and
# rfc3987_syntax alone builds a parser that costs over a second; isoduration pulls in arrow and lark.
FORMAT_CHECKER_MODULES = (
    "fqdn",
    "idna",
    "isoduration",
    "jsonpointer",
    "rfc3339_validator",
    "rfc3986_validator",
    "rfc3987",
    "rfc3987_syntax",
    "uri_template",
    "webcolors",
)


def jsonschema_module() -> ModuleType:
    """Return the jsonschema module, imported without its optional format-checking libraries.

    They are hidden for the duration of the import only (and only those not already imported),
    so that any other code that imports them later gets them as usual.
    """
    if "jsonschema" in sys.modules:
        return sys.modules["jsonschema"]
    hidden = [name for name in FORMAT_CHECKER_MODULES if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import jsonschema
    finally:
        for name in hidden:
            del sys.modules[name]
    return jsonschema
