"""Alerts, newest first: firing ones stand out, resolved ones are dimmed."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from itertools import islice

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from logwatch_tui.core.alerts import AlertBook, AlertItem
from logwatch_tui.ui.safe_text import inert

MAX_SHOWN = 200
"""Alerts listed in the pane (newest first); redrawn a few times a second, so bounded."""
SEVERITY_GLYPH = {"critical": "‼", "error": "●", "warning": "▲", "info": "•"}


def clock(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%H:%M:%S")


class AlertsPane(OptionList):
    """One entry per firing; Enter opens its detail."""

    DEFAULT_CSS = """
    AlertsPane {
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        background: $surface;
        padding: 0;
    }
    AlertsPane:focus { border: round $primary; }
    AlertsPane > .alerts--firing { color: $error; text-style: bold; }
    AlertsPane > .alerts--warning { color: $warning; text-style: bold; }
    AlertsPane > .alerts--resolved { color: $text-muted; }
    AlertsPane > .alerts--dim { color: $text-muted; }
    """
    BINDINGS = [
        Binding("a", "act('ack')", "Acknowledge"),
        Binding("S", "act('silence')", "Silence…"),
        Binding("u", "act('unsilence')", "Lift silence"),
        Binding("h", "toggle_history", "This run / all history"),
    ]
    COMPONENT_CLASSES = {"alerts--firing", "alerts--warning", "alerts--resolved", "alerts--dim"}

    class Opened(Message):
        """The user asked for an alert's detail."""

        def __init__(self, uid: int) -> None:
            super().__init__()
            self.uid = uid

    class LiftSilence(Message):
        """Lift the silence shown on the highlighted line."""

        def __init__(self, rule: str, key: tuple[tuple[str, str], ...] | None) -> None:
            super().__init__()
            self.rule = rule
            self.key = key

    class Action(Message):
        """Acknowledge, silence or lift the silence of the highlighted alert."""

        def __init__(self, uid: int, action: str) -> None:
            super().__init__()
            self.uid = uid
            self.action = action

    def __init__(
        self,
        book: AlertBook,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.book = book
        self._version = -1
        self._tick: int | None = None
        self.in_scope: Callable[[AlertItem], bool] = lambda item: True
        """Is an earlier run's alert about this run's rules and sources? (set by the app)"""
        self.all_history = False
        """Show every earlier run's alerts (``h``), not only this run's rules and sources."""
        self.hidden_earlier = 0
        """Earlier runs' alerts left out by the scope (the title says how many)."""
        self._restyle_pending = False

    def on_mount(self) -> None:
        self.border_title = "Alerts"
        self.refresh_items()

    def _style(self, name: str) -> Style:
        """A component style, or a plain one while Textual has not styled the pane yet.

        ``get_component_rich_style`` raises KeyError until the stylesheet has been
        applied to this widget (an update can arrive between mount and styling, seen
        under load); the items are then built plain and rebuilt once styled.
        """
        try:
            return self.get_component_rich_style(name)
        except KeyError:
            if not self._restyle_pending:
                self._restyle_pending = True
                self.call_after_refresh(self._restyle)
            return Style.null()

    def _restyle(self) -> None:
        self._restyle_pending = False
        self.refresh_items(force=True)

    def prompt_for(self, item: AlertItem) -> Text:
        s = self._style
        if item.firing:
            head = (
                s("alerts--firing")
                if item.severity in ("error", "critical")
                else s("alerts--warning")
            )
        else:
            head = s("alerts--resolved")
        dim = s("alerts--dim")
        t = Text(no_wrap=False, overflow="fold")
        glyph = SEVERITY_GLYPH.get(item.severity, "•") if item.firing else "✓"
        t.append(f"{glyph} {clock(item.fired_at)} ", head)
        t.append(inert(item.name), head)
        t.append(f"\n  {item.severity}", dim)
        t.append(f" ×{item.count}", dim)
        if item.key:
            t.append(" " + inert(item.key_text), dim)
        if item.firing:
            t.append("  FIRING", head)
            if item.acknowledged:
                t.append(" ack'd", dim)
        elif item.resolved_at is not None:
            t.append(f"  resolved {clock(item.resolved_at)}", dim)
        if item.silenced:
            t.append(" silenced", dim)
        if item.earlier_session:
            t.append("  earlier run", dim)
        elif item.from_history:
            t.append(" (history)", dim)
        return t

    def refresh_items(self, *, force: bool = False) -> None:
        now = time.time()
        # silences show their time left, so redraw once a second while there are any
        tick = int(now) if self.book.silences else None
        if not force and self.book.version == self._version and tick == self._tick:
            return
        self._version = self.book.version
        self._tick = tick
        highlighted = self.highlighted_option.id if self.highlighted_option is not None else None
        self.clear_options()
        dim = self._style("alerts--dim")
        options = [
            Option(
                Text(f"🔕 {inert(sil.describe(now))}", style=dim), id=f"silence-{i}", disabled=True
            )
            for i, sil in enumerate(self.book.silences)
            if sil.until > now
        ]
        shown = (it for it in self.book if self._shows(it))
        options += [
            Option(self.prompt_for(it), id=str(it.uid))
            for it in islice(shown, MAX_SHOWN)  # the newest; `logwatch-tui alerts` has all
        ]
        self.hidden_earlier = sum(
            1 for it in self.book if it.earlier_session and not self._shows(it)
        )
        self.add_options(options)
        title = f"Alerts ({self.book.firing_count} firing)" if self.book.firing_count else "Alerts"
        if self.book.silences:
            title += f" · {len(self.book.silences)} silenced"
        if self.all_history:
            title += " · all history (h)"
        elif self.hidden_earlier:
            title += f" · +{self.hidden_earlier} other runs (h)"
        self.border_title = title
        if highlighted is None and self.has_focus and self.option_count:
            self.action_first()
        elif highlighted is not None:
            try:
                self.highlighted = self.get_option_index(highlighted)
            except OptionDoesNotExist:  # that alert scrolled out of the newest MAX_SHOWN
                pass

    def _shows(self, item: AlertItem) -> bool:
        return self.all_history or not item.earlier_session or self.in_scope(item)

    def action_toggle_history(self) -> None:
        self.all_history = not self.all_history
        self.refresh_items(force=True)
        self.notify(
            "alerts of every earlier run"
            if self.all_history
            else "alerts of this run's rules and sources",
            timeout=2,
            markup=False,
        )

    def on_focus(self) -> None:
        """Tab lands on the newest alert, so the first Enter opens it (not after a Down)."""
        if self.highlighted is None and self.option_count:
            self.action_first()

    def action_act(self, action: str) -> None:
        option = self.highlighted_option
        if option is None or option.id is None:
            return
        if option.id.isdigit():
            self.post_message(self.Action(int(option.id), action))
        elif option.id.startswith("silence-") and action == "unsilence":
            index = int(option.id.removeprefix("silence-"))
            if index < len(self.book.silences):
                sil = self.book.silences[index]
                self.post_message(self.LiftSilence(sil.rule, sil.key))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None and event.option.id.isdigit():
            self.post_message(self.Opened(int(event.option.id)))
