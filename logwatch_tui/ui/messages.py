"""Messages that cross from the pipeline thread into the app's event loop."""

from __future__ import annotations

from textual.message import Message

from logwatch_tui.pipeline import PipelineUpdate


class LogUpdate(Message):
    """One pipeline flush: new lines, alerts, source events, a stats snapshot.

    Posted from the pipeline worker thread (``post_message`` is thread-safe);
    the pipeline already limits these to ~20 a second.
    """

    def __init__(self, update: PipelineUpdate) -> None:
        super().__init__()
        self.update = update
