"""jsonschema, imported without its optional IRI grammar, which costs over a second to build."""

from __future__ import annotations

import sys
from types import ModuleType


def jsonschema_module() -> ModuleType:
    """Return the jsonschema module, imported without its optional IRI grammar.

    jsonschema imports rfc3987_syntax at import time when it is installed, and that module
    builds a parser that costs over a second; the course's schemas never use the 'iri' format,
    so it is hidden for the duration of the import (and only then).
    """
    if "jsonschema" in sys.modules:
        return sys.modules["jsonschema"]
    hide = "rfc3987_syntax" not in sys.modules
    if hide:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    try:
        import jsonschema
    finally:
        if hide:
            del sys.modules["rfc3987_syntax"]
    return jsonschema
