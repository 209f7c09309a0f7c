"""Keys and what they do, in two columns, drawn a screenful at a time.

The help screen lists about a hundred bindings. As a Rich ``Table`` in a
``Static`` it was measured, wrapped and rendered whole (several times: once
to size the dialog, once to draw it), which made ``?`` take a few hundred
milliseconds. Here the rows become lines once per width (descriptions
wrapped under their own column) and only the lines on screen are rendered.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

GAP = 2
"""Spaces between the key column and the descriptions."""

Row = tuple[str, str] | str
"""``(keys, description)``, or a section title."""


class KeyTable(ScrollView, can_focus=True):
    """Section titles and ``keys  description`` rows; scrolls with the usual keys."""

    DEFAULT_CSS = """
    KeyTable { height: auto; overflow-x: hidden; }
    KeyTable > .key-table--title { text-style: bold underline; }
    KeyTable > .key-table--key { text-style: bold; }
    """

    COMPONENT_CLASSES = {"key-table--title", "key-table--key"}

    def __init__(
        self,
        rows: Sequence[Row],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """A title row is a plain string; a blank line is ``("", "")``."""
        super().__init__(name=name, id=id, classes=classes)
        self.rows = list(rows)
        # titles sit in the key column too (as they did in the table this replaces)
        self.key_width = max(
            (cell_len(row if isinstance(row, str) else row[0]) for row in self.rows), default=0
        )
        self._lines: list[list[tuple[str, str]]] = []
        """Per line: ``(text, kind)`` pieces, kind ``title``/``key``/``""``."""
        self._width = -1
        self._strips: dict[int, Strip] = {}
        self._styles_key: object = None

    # -- lines for a width ---------------------------------------------------------------------
    def _layout(self, width: int) -> list[list[tuple[str, str]]]:
        if width == self._width:
            return self._lines
        desc_width = max(8, width - self.key_width - GAP)
        lines: list[list[tuple[str, str]]] = []
        indent = " " * (self.key_width + GAP)
        for row in self.rows:
            if isinstance(row, str):
                lines.append([(row, "title")])
                continue
            keys, desc = row
            parts = _wrap(desc, desc_width) or [""]
            pad = " " * (self.key_width + GAP - cell_len(keys))
            lines.append([(keys + pad, "key"), (parts[0], "")])
            lines.extend([[(indent + part, "")] for part in parts[1:]])
        self._lines, self._width = lines, width
        self._strips.clear()
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._layout(width))

    def on_resize(self) -> None:
        lines = self._layout(self.scrollable_content_region.width)
        self.virtual_size = Size(self._width, len(lines))

    # -- drawing ---------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        lines = self._layout(width)
        styles_key = (self.app.theme, width)
        if styles_key != self._styles_key:
            self._styles_key = styles_key
            self._strips.clear()
        index = self.scroll_offset.y + y
        if index >= len(lines):
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get(index)
        if strip is None:
            styles = {
                "title": self.get_component_rich_style("key-table--title", partial=True),
                "key": self.get_component_rich_style("key-table--key", partial=True),
                "": Style(),
            }
            segments = [Segment(text, styles[kind]) for text, kind in lines[index] if text]
            strip = Strip(segments).crop_extend(0, width, None)
            self._strips[index] = strip
        return strip.apply_style(self.rich_style)


def _wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` cells, broken at spaces where it can be."""
    if cell_len(text) <= width:
        return [text]
    console = Console(width=max(width, 1), color_system=None, file=io.StringIO())
    return [line.plain.rstrip() for line in Text(text).wrap(console, width)]


__all__ = ["KeyTable", "Row"]
