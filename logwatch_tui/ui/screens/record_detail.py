"""Everything about one log record: time with zone, level, source, fields, full text.

The log view shows one cut-down row per line; this modal shows the record as
it is — every parsed field, all continuation lines, and, for JSON records,
the object pretty-printed and coloured. JSON colours come from component
classes (so from the theme), not from a Pygments palette.

All record text is untrusted: it goes into ``rich.text.Text`` (never markup)
after :func:`~logwatch_tui.ui.safe_text.inert` has made control characters
visible. ``c``/``y`` copies the *raw* record (unchanged bytes, via OSC 52).
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer

from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import LogRecord
from logwatch_tui.ui.clipboard import ClipboardError, copy_text
from logwatch_tui.ui.safe_text import inert

MAX_DETAIL_CHARS = 10_000
"""Longer texts are cut on screen (copy and export still carry all of it): wrapping is
what a modal's open time is spent on — 100k chars took seconds, 10k takes milliseconds."""
TITLE_CHARS = 300
"""The title shows this much of the message's first line; longer ones get a section."""
MAX_JSON_CHARS = 200_000
"""Longer JSON is shown raw only: pretty-printing megabytes freezes the screen."""

_JSON_TOKEN = re.compile(
    r'(?P<key>"(?:[^"\\]|\\.)*")(?=\s*:)'
    r'|(?P<string>"(?:[^"\\]|\\.)*")'
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<literal>\btrue\b|\bfalse\b|\bnull\b)"
)


def describe_time(ts: datetime | None) -> str:
    """``2026-11-20 10:42:05.123 +00:00 (UTC)``, plus local time when the zone differs."""
    if ts is None:
        return "— (the line has no timestamp)"
    if ts.tzinfo is None:
        ts = ts.astimezone()
    frac = f".{ts.microsecond // 1000:03d}" if ts.microsecond else ""
    off = ts.strftime("%z")
    off = f"{off[:3]}:{off[3:]}" if off else ""
    text = f"{ts:%Y-%m-%d %H:%M:%S}{frac} {off}"
    name = ts.tzname()
    if name and name != off and not name.startswith(("UTC+", "UTC-")):
        text += f" ({name})"
    local = ts.astimezone()
    if local.utcoffset() != ts.utcoffset():
        text += f"  = {local:%Y-%m-%d %H:%M:%S %Z} local"
    return text


def parse_json_object(raw: str) -> Any | None:
    """The JSON value of a record that is one JSON object/array (None otherwise)."""
    head = raw.split("\n", 1)[0].strip()
    if not head.startswith(("{", "[")) or len(head) > MAX_JSON_CHARS:
        return None
    try:
        return json.loads(head)
    except (ValueError, RecursionError):
        return None


def inert_lines(text: str) -> str:
    """:func:`inert` that keeps line breaks (a record's lines stay lines)."""
    return "\n".join(inert(line) for line in text.split("\n"))


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


class RecordDetail(ScrollView, can_focus=True):
    """The body of the detail modal: a LogRecord as inert, themed text, drawn line by line.

    The record's text is built once; for each width it is cut into screen lines
    (:func:`fold_lines`: plain slicing where every character is one cell wide,
    Rich's wrapping only for the rest) and only the lines on screen are
    rendered. Handing the whole text to a ``Static`` made Rich fold every line
    character by character, several times per open: seconds on a 1 MB line.
    """

    DEFAULT_CSS = """
    RecordDetail { height: auto; overflow-x: hidden; }
    RecordDetail > .record-detail--title { text-style: bold; }
    RecordDetail > .record-detail--label { color: $text-muted; }
    RecordDetail > .record-detail--section { color: $primary; text-style: bold; }
    RecordDetail > .record-detail--marker { color: $warning; text-style: italic; }
    RecordDetail > .record-detail--json-key { color: $primary; }
    RecordDetail > .record-detail--json-string { color: $success; }
    RecordDetail > .record-detail--json-number { color: $accent; }
    RecordDetail > .record-detail--json-literal { color: $warning; }
    RecordDetail > .record-detail--level-unknown { color: $text-muted; }
    RecordDetail > .record-detail--level-trace { color: $text-disabled; }
    RecordDetail > .record-detail--level-debug { color: $text-muted; }
    RecordDetail > .record-detail--level-info { color: $success; }
    RecordDetail > .record-detail--level-notice { color: $accent; }
    RecordDetail > .record-detail--level-warning { color: $warning; text-style: bold; }
    RecordDetail > .record-detail--level-error { color: $error; text-style: bold; }
    RecordDetail > .record-detail--level-critical {
        color: $text; background: $error; text-style: bold;
    }
    """

    COMPONENT_CLASSES = {
        "record-detail--title",
        "record-detail--label",
        "record-detail--section",
        "record-detail--marker",
        "record-detail--json-key",
        "record-detail--json-string",
        "record-detail--json-number",
        "record-detail--json-literal",
        *(f"record-detail--level-{lv.name.lower()}" for lv in Level),
    }

    def __init__(
        self,
        record: LogRecord,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.record = record
        self._json = parse_json_object(record.raw)
        self._text: Text | None = None
        self._text_key: object = None
        self._lines: list[Text] = []
        self._lines_key: object = None
        self._strips: dict[int, Strip] = {}

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"record-detail--{name}", partial=True)

    def _section(self, t: Text, title: str) -> None:
        t.append("\n" + title + "\n", self._style("section"))

    def _long(self, t: Text, text: str, style: Style | None = None) -> None:
        """Append untrusted text, cut at MAX_DETAIL_CHARS with a visible marker."""
        if len(text) > MAX_DETAIL_CHARS:
            rest = len(text) - MAX_DETAIL_CHARS
            t.append(inert_lines(text[:MAX_DETAIL_CHARS]), style)
            t.append(f"\u2026[+{rest:,} chars: copy (c) or export for all]", self._style("marker"))
        else:
            t.append(inert_lines(text), style)

    def _json_text(self, value: Any) -> Text:
        pretty = json.dumps(value, indent=2, ensure_ascii=False, default=str)
        styles = {k: self._style(f"json-{k}") for k in ("key", "string", "number", "literal")}
        out = Text()
        pos = 0
        for m in _JSON_TOKEN.finditer(pretty):
            if m.start() > pos:
                out.append(inert_lines(pretty[pos : m.start()]))
            kind = m.lastgroup or "string"
            out.append(inert(m.group()), styles[kind])
            pos = m.end()
        out.append(inert_lines(pretty[pos:]))
        return out

    # -- lines -------------------------------------------------------------------------------------
    def text(self) -> Text:
        """The whole record as shown (long values already cut), built once per theme."""
        key = self.app.theme if self.is_attached else None
        if self._text is None or key != self._text_key:
            self._text, self._text_key = self._build_text(), key
        return self._text

    def screen_lines(self, width: int | None = None) -> list[Text]:
        """The record as the lines it takes at ``width`` (default: the width on screen now)."""
        return self._screen_lines(self.scrollable_content_region.width if width is None else width)

    def _screen_lines(self, width: int) -> list[Text]:
        text = self.text()
        key = (width, id(text))
        if key != self._lines_key:
            self._lines = fold_lines(text, width)
            self._lines_key = key
            self._strips.clear()
            self.virtual_size = Size(width, len(self._lines))
        return self._lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._screen_lines(width))

    def on_resize(self) -> None:
        self._screen_lines(self.scrollable_content_region.width)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        lines = self._screen_lines(width)
        index = self.scroll_offset.y + y
        if index >= len(lines):
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get(index)
        if strip is None:
            segments = list(lines[index].render(self.app.console))
            strip = Strip(segments).crop_extend(0, width, None)
            self._strips[index] = strip
        return strip.apply_style(self.rich_style)

    def _build_text(self) -> Text:
        rec = self.record
        t = Text(no_wrap=False, overflow="fold")
        label = self._style("label")
        first_line, _, more = rec.message.partition("\n")
        t.append(f"{rec.level.name} ", self._style(f"level-{rec.level.name.lower()}"))
        self._long(t, first_line[:TITLE_CHARS], self._style("title"))
        t.append("\n")
        rows = [
            ("time", describe_time(rec.timestamp)),
            ("source", f"{rec.source or '—'}:{rec.line}"),
            ("format", rec.format or "—"),
        ]
        lines = rec.raw.count("\n") + 1
        if lines > 1:
            rows.append(("lines", f"{lines} (a record with continuation lines)"))
        width = max(len(k) for k, _ in rows)
        if rec.fields:
            width = max(width, min(24, max(len(inert(str(k))) for k in rec.fields)))
        for k, v in rows:
            t.append(f"{k:>{width}}  ", label)
            t.append(inert(v) + "\n")
        if more or len(first_line) > TITLE_CHARS:
            self._section(t, "message")
            self._long(t, rec.message)
            t.append("\n")
        if self._json is not None:
            self._section(t, "json")
            t.append_text(self._json_text(self._json))
            t.append("\n")
            if lines > 1:
                self._section(t, "continuation lines")
                self._long(t, rec.raw.split("\n", 1)[1])
                t.append("\n")
        else:
            self._section(t, "raw record")
            self._long(t, rec.raw)
            t.append("\n")
        if rec.fields:
            self._section(t, f"fields ({len(rec.fields)})")
            for k, v in rec.fields.items():
                t.append(f"{inert(str(k)):>{width}}  ", label)
                self._long(t, _value_text(v))
                t.append("\n")
        t.rstrip()
        return t


def fold_lines(text: Text, width: int) -> list[Text]:
    """``text`` as screen lines of at most ``width`` cells: words wrap, longer runs fold.

    Where every character of a line is one cell wide (checked, not assumed) the
    breaks are found by slicing: after the last space that fits, else at the
    width. Other lines go through Rich's wrapping, which measures each grapheme.
    """
    width = max(width, 1)
    out: list[Text] = []
    console: Console | None = None
    for line in text.split("\n", allow_blank=True):
        plain = line.plain
        n = len(plain)
        if n <= width:
            out.append(line)
            continue
        if cell_len(plain) != n:
            if console is None:
                console = Console(width=width, color_system=None, file=io.StringIO())
            out.extend(line.wrap(console, width, overflow="fold"))
            continue
        cuts: list[int] = []
        start = 0
        while n - start > width:
            end = start + width
            space = plain.rfind(" ", start, end + 1)
            cut = space + 1 if space > start else end
            cuts.append(cut)
            start = cut
        for part in line.divide(cuts):
            part.rstrip()
            out.append(part)
    return out


class RecordDetailScreen(ModalScreen[None]):
    """A read-only modal on one record; ``c``/``y`` copies it, Escape closes."""

    DEFAULT_CSS = """
    RecordDetailScreen { align: center middle; }
    RecordDetailScreen > RecordDetail {
        width: 100%;
        max-width: 140;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        border-title-align: left;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("c,y", "copy", "Copy record"),
        Binding("escape,q", "dismiss(None)", "Close"),
    ]

    def __init__(
        self,
        record: LogRecord,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.record = record

    AUTO_FOCUS = "RecordDetail"

    def compose(self) -> ComposeResult:
        detail = RecordDetail(self.record)
        detail.border_title = "Record"
        yield detail
        yield Footer()

    def action_copy(self) -> None:
        raw = self.record.raw
        try:
            size = copy_text(self.app, raw)
        except ClipboardError as exc:
            self.notify(str(exc), title="Not copied", severity="warning", markup=False)
            return
        lines = raw.count("\n") + 1
        what = "1 line" if lines == 1 else f"{lines} lines"
        # OSC 52 has no answer: whether the clipboard got it is up to the terminal
        # (tmux with set-clipboard off/external, some SSH clients drop it).
        self.notify(
            f"sent the record ({what}, {size:,} bytes) to the terminal (OSC 52) for the "
            "clipboard — if paste shows nothing, your terminal ignores OSC 52",
            timeout=5,
            markup=False,
        )


__all__ = [
    "RecordDetail",
    "RecordDetailScreen",
    "describe_time",
    "fold_lines",
    "parse_json_object",
]
