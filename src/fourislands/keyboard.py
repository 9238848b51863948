"""Keyboard and screen-reader help for the course's widgets: keys stay inside, choices are announced."""

from __future__ import annotations

import anywidget

from .palette import BLUE
from .shared_models import shared_model

SCOPE_CLASS = "fi-keys"  # the widgets a KeyboardScope looks after: a quiz, an explorer

# In the browser, once the scope's box is on the page:
# - JupyterLab binds single keys to the notebook (arrows move between cells, Enter edits one, A
#   adds one, D D deletes one) and reads them as they bubble up to the document, after the focused
#   control has had them. A key pressed inside the scope goes no further than the scope: a
#   student's arrows choose an answer or move a slider, and nothing else happens to the notebook.
#   Keys with Ctrl, Alt or Meta (save, undo), Shift+Enter (run the cell), Tab and Escape go on.
# - ipywidgets' toggle buttons are plain buttons that only look chosen. Each row becomes a radio
#   group (role radiogroup, each button a radio with aria-checked kept in step with the chosen
#   one), reached with one Tab and moved through with the arrow keys, as WAI-ARIA's radio group
#   pattern has it. A slider gets its description as its name.
ESM = """
const STEPS = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1};

function announce(scope) {
  const buttonsIn = [...scope.querySelectorAll(".widget-toggle-button")];
  for (const group of new Set(buttonsIn.map((b) => b.parentElement))) {
    const buttons = [...group.querySelectorAll(":scope > .widget-toggle-button")];
    const chosen = buttons.findIndex((b) => b.classList.contains("mod-active"));
    group.setAttribute("role", "radiogroup");
    const owner = group.closest(".widget-toggle-buttons");
    const label = owner?.querySelector(".widget-label")?.textContent?.trim();
    if (label && !group.hasAttribute("aria-label")) group.setAttribute("aria-label", label);
    buttons.forEach((button, i) => {
      button.setAttribute("role", "radio");
      button.setAttribute("aria-checked", String(i === chosen));
      if (!button.hasAttribute("aria-label") && button.title) {
        button.setAttribute("aria-label", `${button.textContent.trim()}: ${button.title}`);
      }
      button.tabIndex = i === Math.max(chosen, 0) ? 0 : -1;
    });
  }
}

function nameSliders(scope) {
  // noUiSlider's handle is the slider a screen reader meets; ipywidgets leaves it without a name.
  for (const handle of scope.querySelectorAll(".noUi-handle[role=slider]:not([aria-label])")) {
    const label = handle.closest(".widget-slider")?.querySelector(".widget-label")?.textContent?.trim();
    if (label) handle.setAttribute("aria-label", label);
  }
}

function keep(event) {
  if (event.altKey || event.ctrlKey || event.metaKey || ["Tab", "Escape"].includes(event.key)) return;
  if (event.shiftKey && event.key === "Enter") return;
  event.stopPropagation();
  const move = STEPS[event.key];
  const button = event.target.closest && event.target.closest(".widget-toggle-button");
  if (!move || !button) return;
  const buttons = [...button.parentElement.querySelectorAll(":scope > .widget-toggle-button:not(:disabled)")];
  const next = buttons[(buttons.indexOf(button) + move + buttons.length) % buttons.length];
  event.preventDefault();
  next.focus();
  next.click();
}

function render({ el }) {
  el.style.display = "none";
  let tries = 0;
  const attach = () => {
    const scope = el.closest(".fi-keys");
    if (!scope) {
      if (tries++ < 600) requestAnimationFrame(attach);  // not on the page yet
      return;
    }
    if (scope.dataset.fiKeys === "on") return;  // looked after already
    scope.dataset.fiKeys = "on";
    const update = () => { announce(scope); nameSliders(scope); };
    update();
    new MutationObserver(update).observe(scope, {
      subtree: true, childList: true, attributes: true, attributeFilter: ["class"],
    });
    scope.addEventListener("keydown", keep);
  };
  attach();
}

export default { render };
"""

# A focus ring of 3 px with at least 3:1 contrast on every control, and a chosen toggle that
# differs by a filled colour (5:1 against white, 4:1 against an unchosen button) and a tick.
# ipywidgets draws a 1 px ring on a focused button (`.jupyter-button:focus:enabled`): these rules
# are more specific than that one.
CSS = """
.fi-keys .jupyter-button:focus-visible:enabled, .fi-keys input:focus-visible:enabled,
.fi-keys select:focus-visible:enabled, .fi-keys .noUi-handle:focus-visible,
.fi-keys [tabindex]:focus-visible { outline: 3px solid BLUE; outline-offset: 2px; }
.fi-keys .widget-toggle-button.mod-active { background: BLUE; color: #FFFFFF; font-weight: bold; }
.fi-keys .widget-toggle-button.mod-active::before { content: "\\2713\\00a0"; }
""".replace("BLUE", BLUE)


class KeyboardScope(anywidget.AnyWidget):
    """An invisible widget that makes the box it sits in (class `fi-keys`) work from the keyboard."""

    _esm = ESM
    _css = CSS


def keyboard_scope() -> KeyboardScope:
    """Return the kernel's one KeyboardScope model: each box that shows it gets a view of its own."""
    return shared_model("keyboard-scope", KeyboardScope)
