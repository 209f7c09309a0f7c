"""Make untrusted text inert for the terminal, as a cell grid needs it.

The rules (what counts as a control character, which stand-in it gets) live
in :mod:`logwatch_tui.core.safe_text`, shared with the CLI's text output and
the notifications; this module only widens tabs to four spaces, because a
tab has no width in a grid of cells. Markup is never parsed: callers build
``Text``/``Segment`` objects, never markup strings.
"""

from __future__ import annotations

from logwatch_tui.core.safe_text import inert as _inert

TAB_CELLS = "    "


def inert(text: str) -> str:
    """The text with every control character made visible and harmless (tabs as spaces)."""
    return _inert(text, tab=TAB_CELLS)
