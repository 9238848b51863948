"""Every explorer of the course by name, with the function that makes it: one list for tools and tests."""

from __future__ import annotations

from collections.abc import Callable

from .bargaining import bargaining_explorer
from .explorer import Explorer
from .ranges import range_explorer
from .recent import recent_explorer
from .roleplay import roleplay_explorer
from .sequencing import sequencing_explorer
from .split import split_explorer
from .survey import survey_explorer
from .timeline import border_explorer, timeline_explorer

EXPLORERS: dict[str, Callable[..., Explorer]] = {
    "timeline": timeline_explorer,
    "borders": border_explorer,
    "split": split_explorer,
    "bargaining": bargaining_explorer,
    "ranges": range_explorer,
    "sequencing": sequencing_explorer,
    "survey": survey_explorer,
    "recent": recent_explorer,
    "roleplay": roleplay_explorer,
}
