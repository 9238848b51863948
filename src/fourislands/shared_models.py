"""Layout and style models shared by widgets that never change their own: fewer messages to the browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import ipywidgets as widgets

# Every ipywidgets control opens a Layout model and a style model of its own: three messages to
# the browser per button, over 800 for a lesson's full quiz. A kernel's messages wait in queues
# of about a thousand (ZeroMQ's high-water marks) until a browser or server reads them, a message
# past a full queue is dropped, and when the dropped one said "idle" the cell never finishes. A
# busy class server is where that happens. One shared model per look sends one message instead.
LAYOUTS = {
    "plain": {},
    "wide": {"width": "auto"},  # text that wraps rather than being cut
    "field": {"width": "16em"},  # a text field for a word or a number
}

W = TypeVar("W", bound=widgets.DOMWidget)
_models: dict[str, widgets.Widget] = {}


def shared_model(key: str, make: Callable[[], widgets.Widget]) -> widgets.Widget:
    """Return the model made for key in this kernel, made anew if there is none or it was closed."""
    model = _models.get(key)
    if model is None or model.comm is None:  # closed by Widget.close_all, say
        model = _models[key] = make()
    return model


def plain_widget(
    kind: type[W], layout: str = "plain", style: dict | None = None, classes: tuple[str, ...] = (), **traits
) -> W:
    """Return a widget of kind with a shared layout (a name in LAYOUTS), a shared style and CSS classes.

    The classes are set as it is made: add_class afterwards sends one more message per widget.
    Never change the layout or style of what this returns: it would change every widget sharing
    them. A widget that is shown and hidden needs a layout of its own: make it with kind(...).
    """
    traits["layout"] = shared_model(f"layout:{layout}", lambda: widgets.Layout(**LAYOUTS[layout]))
    style_trait = kind.class_traits().get("style")
    if style_trait is not None:
        settings = dict(style or {})
        key = f"style:{style_trait.klass.__name__}:{sorted(settings.items())}"
        traits["style"] = shared_model(key, lambda: style_trait.klass(**settings))
    if classes:
        traits["_dom_classes"] = classes
    return kind(**traits)
