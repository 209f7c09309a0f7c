"""What the user is told when a background job fails.

Every thread worker in the UI runs with ``exit_on_error=False``; its failure
arrives as ``Worker.StateChanged(ERROR)`` at the node that ran it. That
message does not bubble, so a widget or screen running workers resets its own
busy state (a "counting…" message, a progress figure) and posts
:class:`WorkerFailed`, which does bubble; the app's one handler logs the
traceback and shows an error toast naming the job and the error. Workers the
app runs itself reach that handler directly.
"""

from __future__ import annotations

import logging

from textual.message import Message
from textual.worker import Worker

log = logging.getLogger("logwatch_tui.ui")

JOB_NAMES = {
    "search": "Search",
    "export": "Export",
    "rules-reload": "Rules reload",
    "histogram": "Histogram",
    "notify-test": "Test notification",
    "logview-filter": "Filtering",
    "history": "Alert history",
    "patterns-mine": "Pattern mining",
    "patterns-select": "Pattern lines",
    "backtest": "Backtest",
    "modal-prepare": "Opening",
}
"""Worker group -> what the user calls that job."""


class WorkerFailed(Message):
    """A widget's or screen's worker failed: the app reports it (bubbles up)."""

    def __init__(self, worker: Worker[object]) -> None:
        super().__init__()
        self.worker = worker


def job_name(worker: Worker[object]) -> str:
    return JOB_NAMES.get(worker.group, worker.name or worker.group or "A background job")


def failure_text(worker: Worker[object]) -> str:
    """``Search failed: RuntimeError: disk on fire`` — one line, the error's own words."""
    error = worker.error
    if error is None:
        what = "unknown error"
    else:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        what = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return f"{job_name(worker)} failed: {what}"


def log_failure(worker: Worker[object]) -> None:
    error = worker.error
    log.error(
        "%s",
        failure_text(worker),
        exc_info=(type(error), error, error.__traceback__) if error is not None else None,
    )


__all__ = ["JOB_NAMES", "WorkerFailed", "failure_text", "job_name", "log_failure"]
