"""What would this rule have done? Replay the loaded history through one rule.

The rule editor shows, while a person types, how many lines a rule matches
and when it would have fired. Those numbers must be the ones ``logwatch-tui
check`` prints for the same rule and files, so nothing here re-implements
parsing or alerting: the files are read with the same
:func:`~logwatch_tui.sources.file.read_chunks` and pushed through a fresh
:class:`~logwatch_tui.pipeline.Pipeline` (format detection, multi-line
joining, a new :class:`~logwatch_tui.core.engine.RuleEngine` holding only this
rule) by :meth:`Pipeline.replay` itself — the very call ``check`` makes (several
files merged in event time), including ``engine.finish()``.

The replay's options used here:

* **limits** — only the bytes the app has already loaded (``limit_bytes``,
  per path; the app's ``batch.end_offset``) take part, so a backtest never
  counts lines the screen has not shown yet;
* **cancel and progress** — a :class:`threading.Event` is checked between
  chunks (an edit in the form cancels the run it obsoletes) and a callback
  gets ``(bytes done, bytes total)``.

Matched lines are counted on the same batches the engine sees, with the
engine's own filter order (header lines only, minimum level, sources, match
found, ignore not found), which also yields the match spans for the samples.

This module reads files and is imported by the UI; it lives outside ``core``.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from logwatch_tui.core.record import AlertEvent, LineBatch
from logwatch_tui.core.rule_regex import RegexTimeout
from logwatch_tui.core.rules import Rule
from logwatch_tui.pipeline import Pipeline, PipelineUpdate, source_size

MAX_SAMPLES = 5
SAMPLE_CHARS = 400
"""A sample longer than this is cut (around its match): the editor shows a few short lines."""
CHUNK_SIZE = 256 * 1024
"""Smaller than replay's 1 MB, so cancel and progress react within a few ms."""

Span = tuple[int, int]


@dataclass(slots=True)
class BacktestHistory:
    """Which history the app has loaded, so the editor can replay the same bytes.

    ``limit_bytes`` maps a path to the byte offset the app has read up to (a
    path not in it is read to its end). ``format_name``/``custom_formats``/
    ``tail_lines`` are the app's own settings, so format detection and the
    starting point are the same as on screen.
    """

    paths: list[str]
    format_name: str | None = None
    custom_formats: list[dict] = field(default_factory=list)
    limit_bytes: dict[str, int] | None = None
    tail_lines: int | None = None


@dataclass(slots=True)
class BacktestResult:
    """The rule's verdict over the history: counts, firing times, a few matching lines."""

    matched: int = 0
    """Records (header lines) the rule's filters accept."""
    firings: int = 0
    resolved: int = 0
    first: float | None = None
    """Event time of the first firing (epoch seconds)."""
    last: float | None = None
    """Event time of the last firing."""
    samples: list[tuple[str, list[Span]]] = field(default_factory=list)
    """Up to MAX_SAMPLES of the latest matching messages, with the match spans in that text."""
    events: list[AlertEvent] = field(default_factory=list)
    records: int = 0
    """Records scanned (all of them, matching or not)."""
    done_bytes: int = 0
    total_bytes: int = 0
    cancelled: bool = False
    errors: list[str] = field(default_factory=list)
    """One line per source that could not be read (the others still count)."""


def _sample(msg: str, m: re.Match[str] | None) -> tuple[str, list[Span]]:
    """The message (cut to SAMPLE_CHARS around the match) and where the match is in it."""
    start, end = m.span() if m is not None else (0, 0)
    if len(msg) <= SAMPLE_CHARS:
        return msg, ([(start, end)] if end > start else [])
    lo = 0 if end <= SAMPLE_CHARS else max(0, start - 40)
    text = msg[lo : lo + SAMPLE_CHARS]
    prefix = "…" if lo else ""
    spans = []
    if end > start:
        a, b = start - lo, min(end - lo, len(text))
        spans.append((a + len(prefix), b + len(prefix)))
    return prefix + text + "…", spans


def matching_records(rule: Rule, batch: LineBatch) -> Iterator[tuple[int, re.Match[str] | None]]:
    """(line index, match) of the batch's records the rule counts, in the engine's filter order.

    Disabled rules are not special-cased here: the caller decides.
    """
    if not rule.matches_source(batch.source):
        return
    minimum = int(rule.level) if rule.level is not None else None
    msgs = batch.messages
    levels = batch.levels
    # Guarded searches: a catastrophic pattern raises RegexTimeout (a TimeoutError) instead
    # of holding the GIL forever, so the editor's backtest worker never freezes the UI.
    find = rule.match_guard.search if rule.match_guard is not None else None
    skip = rule.ignore_guard.search if rule.ignore_guard is not None else None
    for i, head in enumerate(batch.heads):
        if not head or (minimum is not None and levels[i] < minimum):
            continue
        msg = msgs[i] or ""
        m = None
        if find is not None:
            m = find(msg)
            if m is None:
                continue
        if skip is not None and skip(msg) is not None:
            continue
        yield i, m


def run_backtest(
    rule: Rule,
    sources: list[str],
    *,
    format_name: str | None = None,
    custom_formats: list[dict] | None = None,
    limit_bytes: Mapping[str, int] | None = None,
    tail_lines: int | None = None,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> BacktestResult:
    """Replay ``sources`` (in order, like ``check``) through ``rule`` alone.

    A disabled rule is evaluated as if enabled: the editor asks "what would it
    do", and ``check`` on a file holding the enabled rule gives the same numbers.
    Never raises for an unreadable source: it is named in ``result.errors``.
    """
    if not rule.enabled:
        rule = dataclasses.replace(rule, enabled=True)
    limits = dict(limit_bytes or {})
    result = BacktestResult()
    result.total_bytes = sum(source_size(p, limits.get(p)) for p in sources)
    events = result.events

    def sink(upd: PipelineUpdate) -> None:
        events.extend(upd.history_alerts)
        events.extend(upd.alerts)

    readable = []
    for path in sources:
        if os.access(path, os.R_OK) and os.path.isfile(path):
            readable.append(path)
        else:
            result.errors.append(f"{path}: cannot read it")
    pipeline = Pipeline(
        readable,
        sink=sink,
        rules=[rule],
        format_name=format_name,
        custom_formats=list(custom_formats or []),
        tail_lines=tail_lines,
    )
    samples: deque[tuple[str, list[Span]]] = deque(maxlen=MAX_SAMPLES)

    too_slow: list[str] = []

    def count(batch: LineBatch) -> None:
        result.records += sum(batch.heads)
        if too_slow:
            return
        try:
            for i, m in matching_records(rule, batch):
                result.matched += 1
                samples.append(_sample(batch.messages[i] or "", m))
        except RegexTimeout as exc:
            too_slow.append(str(exc))

    def on_progress(done: int, total: int) -> None:
        result.done_bytes = done
        if progress is not None:
            progress(done, result.total_bytes)

    try:
        # the same replay as `check` (several files merged in event time)
        finished = pipeline.replay(
            readable,
            merge=True,
            limit_bytes=limits,
            cancel=cancel,
            progress=on_progress,
            on_batch=count,
            chunk_size=chunk_size,
        )
    except (OSError, ValueError) as exc:
        result.errors.append(str(exc))
        finished = False
    reason = pipeline.engine.disabled.get(rule.id) or (too_slow[0] if too_slow else None)
    if reason is not None:
        result.errors.append(f"the engine would disable this rule: {reason}")
    result.cancelled = cancel is not None and cancel.is_set()
    if finished:
        result.done_bytes = result.total_bytes
    result.samples = list(samples)
    fired = [e.at for e in events if e.status == "firing"]
    result.firings = len(fired)
    result.resolved = sum(1 for e in events if e.status == "resolved")
    result.first = min(fired) if fired else None
    result.last = max(fired) if fired else None
    if progress is not None and not result.cancelled:
        progress(result.total_bytes, result.total_bytes)
    return result


def backtest_history(
    rule: Rule,
    history: BacktestHistory,
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> BacktestResult:
    """:func:`run_backtest` over what the app has loaded."""
    return run_backtest(
        rule,
        history.paths,
        format_name=history.format_name,
        custom_formats=history.custom_formats,
        limit_bytes=history.limit_bytes,
        tail_lines=history.tail_lines,
        cancel=cancel,
        progress=progress,
        chunk_size=chunk_size,
    )


__all__ = [
    "BacktestHistory",
    "BacktestResult",
    "backtest_history",
    "matching_records",
    "run_backtest",
]
