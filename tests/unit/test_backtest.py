"""The backtest replays real files through one rule: same events as a replay, plus limits."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from pathlib import Path

from logwatch_tui.analysis.backtest import BacktestHistory, backtest_history, run_backtest
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.rules import rule_from_dict
from logwatch_tui.pipeline import Pipeline, PipelineUpdate

T0 = 1_795_168_800  # 2026-11-20 10:00:00 UTC


def line(t: float, level: str, msg: str, svc: str = "api") -> str:
    dt = datetime.fromtimestamp(t, tz=UTC)
    return f"{dt:%Y-%m-%d %H:%M:%S},{dt.microsecond // 1000:03d} - {svc} - {level} - {msg}"


def write_log(path: Path) -> list[str]:
    """Bursts of refused connections from two addresses among routine lines."""
    lines = []
    for i in range(400):
        t = T0 + i * 2
        if i % 50 in (10, 11, 12, 13):
            ip = "10.0.0.1" if (i // 50) % 2 else "10.0.0.2"
            lines.append(line(t, "ERROR", f"connection refused by {ip}:5432 attempt {i}"))
        elif i % 7 == 0:
            lines.append(line(t, "WARNING", f"slow query took {i}ms"))
        else:
            lines.append(line(t, "INFO", f"request {i} done"))
    path.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    return lines


RULE = rule_from_dict(
    {
        "name": "Refused",
        "match": r"connection refused by (?P<ip>[\d.]+)",
        "level": "error",
        "group_by": ["ip"],
        "threshold": 3,
        "window": "30s",
        "cooldown": "0s",
    }
)


def replay_events(path: Path, rule) -> list[AlertEvent]:
    events: list[AlertEvent] = []

    def sink(upd: PipelineUpdate) -> None:
        events.extend(upd.history_alerts + upd.alerts)

    Pipeline([str(path)], sink=sink, rules=[rule]).replay([str(path)])
    return events


def test_same_events_as_pipeline_replay(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    lines = write_log(log)
    res = run_backtest(RULE, [str(log)], chunk_size=4096)  # many chunks: batch-split invariant
    expected = replay_events(log, RULE)
    assert [(e.status, e.at, e.key, e.count) for e in res.events] == [
        (e.status, e.at, e.key, e.count) for e in expected
    ]
    firing = [e for e in expected if e.status == "firing"]
    assert res.firings == len(firing) == 8
    assert res.first == firing[0].at and res.last == firing[-1].at
    assert res.resolved == sum(e.status == "resolved" for e in expected)
    assert res.matched == sum("connection refused" in x for x in lines) == 32
    assert res.records == 400
    assert not res.cancelled and not res.errors
    assert res.done_bytes == res.total_bytes == log.stat().st_size


def test_samples_are_the_latest_matches_with_spans_on_the_match(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log)
    res = run_backtest(RULE, [str(log)])
    assert len(res.samples) == 5
    assert res.samples[-1][0] == "connection refused by 10.0.0.1:5432 attempt 363"
    for text, spans in res.samples:
        (a, b) = spans[0]
        m = re.search(RULE.match, text)
        assert m is not None and (a, b) == m.span()


def test_limit_bytes_stops_where_the_app_has_read(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    lines = write_log(log)
    upto = sum(len(x) + 1 for x in lines[:100])  # first 100 lines: 2 bursts
    res = run_backtest(RULE, [str(log)], limit_bytes={str(log): upto}, chunk_size=1000)
    assert res.records == 100
    assert res.matched == 8
    assert res.firings == 2
    assert res.total_bytes == upto
    # a limit in the middle of a line keeps only complete lines
    res = run_backtest(RULE, [str(log)], limit_bytes={str(log): upto + 5})
    assert res.records == 100


def test_cancel_between_chunks_and_progress(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log)
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if len(seen) == 3:
            cancel.set()

    res = run_backtest(RULE, [str(log)], cancel=cancel, progress=progress, chunk_size=2048)
    assert res.cancelled
    assert len(seen) == 3
    assert res.records < 400
    done = [d for d, _ in seen]
    assert done == sorted(done) and all(t == log.stat().st_size for _, t in seen)


def test_missing_source_is_reported_and_others_still_count(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log)
    hist = BacktestHistory(paths=[str(tmp_path / "gone.log"), str(log)])
    res = backtest_history(RULE, hist)
    assert len(res.errors) == 1 and "gone.log" in res.errors[0]
    assert res.firings == 8


def test_disabled_rule_is_tested_as_if_enabled(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log)
    off = rule_from_dict({**{"name": "Refused", "enabled": False}, "match": "refused"})
    res = run_backtest(off, [str(log)])
    assert res.matched == 32 and res.firings >= 1


def test_huge_line_sample_is_cut_around_the_match(tmp_path: Path) -> None:
    log = tmp_path / "big.log"
    big = "x" * 2_000_000 + " NEEDLE " + "y" * 100
    log.write_text(line(T0, "ERROR", big) + "\n" + line(T0 + 1, "ERROR", "NEEDLE short") + "\n")
    rule = rule_from_dict({"name": "n", "match": "NEEDLE"})
    res = run_backtest(rule, [str(log)])
    assert res.matched == 2
    text, spans = res.samples[0]
    assert len(text) < 500
    a, b = spans[0]
    assert text[a:b] == "NEEDLE"
