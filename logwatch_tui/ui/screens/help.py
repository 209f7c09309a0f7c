"""Every key binding, generated from the bindings themselves so it never drifts.

The rows go to a :class:`~logwatch_tui.ui.widgets.key_table.KeyTable`, which
draws only the lines on screen: the list is long, and laying it out as one
Rich table made ``?`` slow to open.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.keys import format_key
from textual.screen import ModalScreen

from logwatch_tui.ui.widgets.key_table import KeyTable, Row

KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "delete": "Del",
    "backspace": "Backspace",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}
"""Keys shown by name; every printable key is shown as the character it types."""


def key_glyph(key: str) -> str:
    """``full_stop`` -> ``.``, ``question_mark`` -> ``?``, ``ctrl+b`` -> ``^B``, ``pageup`` -> ``PgUp``."""
    key = key.strip()
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "^" + key_glyph(key[5:]).upper()
    if "+" in key and len(key) > 1:  # shift+tab, alt+x
        mod, _, rest = key.rpartition("+")
        return f"{mod.title()}+{key_glyph(rest)}"
    char = format_key(key)
    return char if len(char) == 1 else key.replace("_", " ").title()


def key_label(keys: str) -> str:
    return " ".join(key_glyph(k) for k in keys.split(","))


def binding_rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
    rows = []
    for b in bindings:
        if isinstance(b, Binding):
            rows.append((key_label(b.key), b.description or b.action))
        elif isinstance(b, tuple):
            rows.append((key_label(b[0]), b[2] if len(b) > 2 else b[1]))
    return rows


class HelpScreen(ModalScreen[None]):
    """Key bindings by area. Escape or ? closes."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > KeyTable {
        width: 80%;
        max-width: 90;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,question_mark,q", "dismiss(None)", "Close")]

    def __init__(self, sections: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def rows(self) -> list[Row]:
        """Section titles, their ``(keys, description)`` rows and a blank line after each."""
        rows: list[Row] = []
        for title, bindings in self.sections:
            rows.append(title)
            rows.extend(binding_rows(bindings))
            rows.append(("", ""))
        rows.append(("Palette", "ctrl+p: every action above, plus themes"))
        return rows

    def compose(self) -> ComposeResult:
        yield KeyTable(self.rows())
