"""A full screen for the histogram: the bars, their keys in the Footer, Escape to go back.

Typed like a modal: it dismisses with the start time of the bucket chosen with
Enter (``None`` on Escape), so the app can write
``push_screen(HistogramScreen(store, rows), callback=jump_to_time)``.
:class:`HistogramView.BucketSelected` still bubbles to the app; an app that
handles the message instead must not pop the screen a second time.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from logwatch_tui.core.store import LineStore
from logwatch_tui.ui.widgets.histogram_view import HistogramView


class HistogramScreen(Screen[float | None]):
    """Records over time; Enter goes to the selected bucket, Escape/q returns."""

    DEFAULT_CSS = """
    HistogramScreen { background: $surface; }
    HistogramScreen > HistogramView { height: 1fr; }
    """

    BINDINGS = [Binding("escape,q", "dismiss(None)", "Back")]

    def __init__(
        self,
        store: LineStore,
        rows: Sequence[int] | None = None,
        *,
        bucket: float | None = None,
        select_ts: float | None = None,
        upto: int | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.rows = rows
        self.bucket = bucket
        self.select_ts = select_ts
        self.upto = upto

    def compose(self) -> ComposeResult:
        yield HistogramView(
            self.store,
            self.rows,
            bucket=self.bucket,
            select_ts=self.select_ts,
            upto=self.upto,
            id="histogram",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(HistogramView).focus()

    @on(HistogramView.BucketSelected)
    def _chosen(self, event: HistogramView.BucketSelected) -> None:
        self.dismiss(event.start_ts)


__all__ = ["HistogramScreen"]
