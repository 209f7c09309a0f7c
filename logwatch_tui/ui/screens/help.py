"""Every key binding, generated from the bindings themselves so it never drifts."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Static

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
    HelpScreen > VerticalScroll {
        width: 80%;
        max-width: 90;
        height: auto;
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

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for title, bindings in self.sections:
            table.add_row(Text(title, style="underline"), "")
            for keys, desc in binding_rows(bindings):
                table.add_row(Text(keys), Text(desc))
            table.add_row("", "")
        table.add_row(Text("Palette"), Text("ctrl+p: every action above, plus themes"))
        with VerticalScroll():
            yield Static(table)
