"""Moving through the log by meaning: errors, warnings, search matches, marks, time.

A mixin of :class:`~logwatch_tui.ui.widgets.log_view.LogView` (its key bindings
live there). Every jump goes to a line that is *shown* (levels, filters and
sources applied), and says so when it wraps or finds nothing.
"""

from __future__ import annotations

import re
from array import array
from typing import TYPE_CHECKING

from logwatch_tui.core.levels import Level
from logwatch_tui.core.rowquery import row_at_time, row_of
from logwatch_tui.core.search import next_match

if TYPE_CHECKING:
    from logwatch_tui.ui.widgets.log_view import LogView

    _Base = LogView
else:
    _Base = object


class LogNavigation(_Base):
    """next/previous error, warning, match and mark; jump to time."""

    def _jump_level(self, name: str, forward: bool) -> None:
        lo = Level.ERROR if name == "error" else Level.WARNING
        hi = 255 if name == "error" else Level.WARNING
        here = self.cursor_line
        start = here if here is not None else (-1 if forward else len(self.store))
        shown = self.shown_levels
        while True:
            found = self.store.find_level(start, int(lo), forward, int(hi))
            if found is None:
                self.post_message(self.Jumped(f"no {'next' if forward else 'previous'} {name}"))
                return
            if self.store.levels[found] in shown:
                break
            start = found
        self.move_to_line(found)

    def action_next_level(self, name: str) -> None:
        self._jump_level(name, True)

    def action_prev_level(self, name: str) -> None:
        self._jump_level(name, False)

    # -- search, marks, time ------------------------------------------------------------------
    def set_search(self, rx: re.Pattern[str] | None, matches: array | None = None) -> None:
        self.search_rx = rx
        self.search_matches = matches if matches is not None else array("q")
        self._row_cache.clear()
        self.refresh()

    def _visible_after(
        self, candidates: array, line: int | None, forward: bool
    ) -> tuple[int | None, bool]:
        """The next/previous candidate line that is shown, and whether we wrapped."""
        if not candidates or not self.rows:
            return None, False
        merged = self.row_query.merge
        here = line if line is not None else (-1 if forward else len(self.store))
        probe, wrapped = here, False
        for _ in range(min(len(candidates), 100_000)):
            nxt = next_match(candidates, probe, forward=forward)
            if nxt is None:
                return None, False
            if (forward and nxt <= probe) or (not forward and nxt >= probe):
                if wrapped:
                    return None, True
                wrapped = True
            pos = row_of(self.rows, nxt, self.store, merged)
            if pos >= 0 and self.rows[pos] == nxt:
                return nxt, wrapped
            probe = nxt
        return None, wrapped

    def _jump_to_candidate(self, candidates: array, forward: bool, what: str) -> None:
        line, wrapped = self._visible_after(candidates, self.cursor_line, forward)
        if line is None:
            self.post_message(self.Jumped(f"no {what} in view"))
            return
        self.move_to_line(line)
        if wrapped:
            self.post_message(self.Jumped(f"{what}: wrapped to {'top' if forward else 'bottom'}"))

    def jump_to_first_match_on_or_below_screen(self) -> None:
        """After a new search: the first match from the top of the screen down (as lnav),
        else from the start; no "wrapped" notice for this first jump."""
        if not self.rows:
            return
        top = min(int(self.scroll_y), len(self.rows) - 1)
        line, _wrapped = self._visible_after(self.search_matches, self.rows[top] - 1, True)
        if line is not None:
            self.follow = False
            self.move_to_line(line)

    def action_next_match(self) -> None:
        if self.search_rx is None:
            self.post_message(self.Jumped("no search (press /)"))
            return
        self._jump_to_candidate(self.search_matches, True, "match")

    def action_prev_match(self) -> None:
        if self.search_rx is None:
            self.post_message(self.Jumped("no search (press /)"))
            return
        self._jump_to_candidate(self.search_matches, False, "match")

    def action_toggle_mark(self) -> None:
        line = self.cursor_line
        if line is None:
            return
        self.marks ^= {line}
        self._row_cache.clear()
        self._update_virtual_size()
        self.refresh()

    def action_next_mark(self) -> None:
        self._jump_to_candidate(array("q", sorted(self.marks)), True, "mark")

    def action_prev_mark(self) -> None:
        self._jump_to_candidate(array("q", sorted(self.marks)), False, "mark")

    def jump_to_time(self, when: float) -> bool:
        pos = row_at_time(self.rows, when, self.store)
        if pos < 0:
            return False
        self._move_cursor(pos)
        height = max(1, self.scrollable_content_region.height)
        self.scroll_to(y=max(0, pos - height // 3), animate=False, immediate=True)
        return True
