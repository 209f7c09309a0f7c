"""Alert routing below the UI: the alert book, silences, history writes, the dispatcher hand-off.

:class:`~logwatch_tui.alerting.router.AlertRouter` is used by ``--headless``
(``commands/headless.py``) and the TUI (``ui/alerting.py``, which adds toasts and the
pane); :class:`~logwatch_tui.alerting.history_writer.HistoryWriter` keeps
SQLite writes on their own thread. No Textual or Rich here.
"""

from __future__ import annotations

from logwatch_tui.alerting.history_writer import HistoryWriter
from logwatch_tui.alerting.router import AlertRouter, Announced

__all__ = ["AlertRouter", "Announced", "HistoryWriter"]
