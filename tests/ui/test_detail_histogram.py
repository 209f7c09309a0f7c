"""The record detail modal and the histogram screen, driven like a user would.

A tiny test app pushes each screen on its own (the lead wires them into the main
app); records and stores come from real files on disk.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen

from logwatch_tui.core.histogram import histogram, zoom_in, zoom_out
from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import LogRecord
from logwatch_tui.core.store import LineStore
from logwatch_tui.ui.clipboard import MAX_COPY_BYTES, ClipboardError, copy_text, osc52
from logwatch_tui.ui.screens.histogram import HistogramScreen
from logwatch_tui.ui.screens.record_detail import RecordDetail, RecordDetailScreen
from logwatch_tui.ui.themes import install_themes
from logwatch_tui.ui.widgets.histogram_view import HistogramView

from ..unit.test_search import build_store, write_lines
from .helpers import wait_for

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC).timestamp()

JSON_LINE = (
    '{"ts": "2026-11-20T10:42:05.123Z", "level": "error", "msg": "payment failed [/bold]", '
    '"user": "bob", "amount": 12.5, "retry": true, "ctx": {"id": 7, "tags": ["a", "b"]}, '
    '"note": "\\u001b[2J clear"}'
)


def json_record() -> LogRecord:
    return LogRecord(
        timestamp=datetime(2026, 11, 20, 10, 42, 5, 123000, tzinfo=UTC),
        level=Level.ERROR,
        message="payment failed [/bold]",
        source="logs/payments.jsonl",
        raw=JSON_LINE,
        line=42,
        fields={
            "user": "bob",
            "amount": 12.5,
            "retry": True,
            "ctx": {"id": 7, "tags": ["a", "b"]},
            "note": "\x1b[2J clear",
        },
        format="json",
    )


def traceback_record() -> LogRecord:
    return LogRecord(
        timestamp=datetime(2026, 11, 20, 10, 42, 5, tzinfo=UTC),
        level=Level.ERROR,
        message="request failed [@click=app.quit]q[/]",
        source="app.log",
        raw=(
            "2026-11-20 10:42:05,000 - api - ERROR - request failed [@click=app.quit]q[/]\n"
            "Traceback (most recent call last):\n"
            '  File "db.py", line 3, in connect\n'
            "ConnectionRefusedError: [Errno 111] \x07refused"
        ),
        line=7,
        fields={"logger": "api"},
        format="python",
    )


class ScreenApp(App[None]):
    """Shows one screen on top of an empty one, with the project's theme."""

    def __init__(self, make_screen) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.selected: list[float] = []
        self.dismissed: list[float | None] = []

    def on_mount(self) -> None:
        install_themes(self, None)
        self.push_screen(self.make_screen(), callback=self.dismissed.append)

    def on_histogram_view_bucket_selected(self, event: HistogramView.BucketSelected) -> None:
        self.selected.append(event.start_ts)


def widget_text(widget) -> str:
    """The text a widget renders in its whole (virtual) height."""
    if isinstance(widget, RecordDetail):  # a scrolling line widget: every line, not a screenful
        return "\n".join(line.plain.rstrip() for line in widget.screen_lines())
    size = widget.size
    strips = widget.render_lines(Region(0, 0, size.width, size.height))
    return "\n".join("".join(seg.text for seg in strip).rstrip() for strip in strips)


# -- record detail -----------------------------------------------------------------------------


async def test_detail_shows_fields_and_pretty_json() -> None:
    app = ScreenApp(lambda: RecordDetailScreen(json_record()))
    async with app.run_test(size=(100, 60)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, RecordDetailScreen))
        await pilot.pause()
        text = widget_text(app.screen.query_one(RecordDetail))
        assert "2026-11-20 10:42:05.123 +00:00" in text
        assert "logs/payments.jsonl" in text
        assert "42" in text and "json" in text
        assert "fields (5)" in text
        assert "   user  bob" in text or "user  bob" in text
        assert '{"id": 7, "tags": ["a", "b"]}' in text  # nested field value as JSON
        # pretty-printed JSON, two-space indent, nested object opened on its own line
        assert '  "user": "bob",' in text
        assert '  "ctx": {' in text and '    "id": 7,' in text
        # markup stays literal, escapes become visible
        assert "payment failed [/bold]" in text
        assert "\x1b" not in text and "\u241b[2J clear" in text


async def test_detail_shows_full_multiline_text_inert() -> None:
    app = ScreenApp(lambda: RecordDetailScreen(traceback_record()))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, RecordDetailScreen))
        await pilot.pause()
        text = widget_text(app.screen.query_one(RecordDetail))
        assert "raw record" in text
        assert "Traceback (most recent call last):" in text
        assert "ConnectionRefusedError: [Errno 111] \u2407refused" in text
        assert "[@click=app.quit]q[/]" in text
        assert "4 (a record with continuation lines)" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, RecordDetailScreen))
        assert app.dismissed == [None]


async def test_copy_key_puts_raw_record_on_clipboard_and_says_so() -> None:
    rec = traceback_record()
    app = ScreenApp(lambda: RecordDetailScreen(rec))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, RecordDetailScreen))
        await pilot.press("c")
        assert app.clipboard == rec.raw  # the raw bytes, not the inert display text
        await wait_for(pilot, lambda: any("OSC 52" in n.message for n in app._notifications))
        note = next(n for n in app._notifications if "OSC 52" in n.message)
        assert "4 lines" in note.message
        # honest: the terminal may drop OSC 52 (tmux set-clipboard external), so no "copied"
        assert "sent the record" in note.message and "to the terminal" in note.message
        assert "copied" not in note.message
        assert note.markup is False


async def test_copy_refuses_huge_text() -> None:
    app = ScreenApp(lambda: Screen())
    async with app.run_test(size=(80, 24)):
        with pytest.raises(ClipboardError, match="too large"):
            copy_text(app, "x" * (MAX_COPY_BYTES + 1))
        assert copy_text(app, "héllo") == 6
        assert app.clipboard == "héllo"


def test_osc52_sequence() -> None:
    seq = osc52("héllo\x1b]0;evil\x07")
    assert seq.startswith("\x1b]52;c;") and seq.endswith("\x07")
    payload = seq[len("\x1b]52;c;") : -1]
    assert "\x1b" not in payload and "\x07" not in payload
    assert base64.b64decode(payload).decode() == "héllo\x1b]0;evil\x07"


# -- histogram --------------------------------------------------------------------------------


def histogram_lines(minutes: int = 120) -> list[str]:
    """Two hours of records: a steady INFO rate, a warning wave, an error burst."""
    out: list[str] = []
    for m in range(minutes):
        per = 4 + (m % 7)
        for k in range(per):
            ts = T0 + m * 60 + k * (60 / per)
            dt = datetime.fromtimestamp(ts, tz=UTC)
            if 50 <= m < 58 and k < 5:
                level = "ERROR"
            elif m % 15 < 4 and k < 2:
                level = "WARNING"
            else:
                level = "INFO"
            out.append(f"{dt:%Y-%m-%d %H:%M:%S},000 - api - {level} - event {m}.{k}")
            if level == "ERROR" and k == 0:
                out.append("Traceback (most recent call last):")
                out.append("ValueError: boom")
    return out


@pytest.fixture
def hist_store(tmp_path: Path) -> LineStore:
    store, _ = build_store((write_lines(tmp_path / "h.log", histogram_lines()), "python"))
    return store


async def test_histogram_select_and_enter_posts_bucket_start(hist_store: LineStore) -> None:
    app = ScreenApp(lambda: HistogramScreen(hist_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HistogramScreen))
        view = app.screen.query_one(HistogramView)
        await wait_for(pilot, lambda: view.hist is not None)
        bucket = view.bucket
        assert bucket == 300  # 2 hours in 73 columns: 1m needs 120 buckets, 5m fits (24)
        expected = histogram(hist_store, None, bucket)
        assert view.hist.counts == expected.counts
        assert view.selected == len(expected) - 1  # starts on the latest bucket
        await pilot.press("left", "left", "left")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.selected))
        assert app.selected == [expected.bucket_start(len(expected) - 4)]
        await wait_for(pilot, lambda: bool(app.dismissed))
        assert app.dismissed == app.selected  # the screen also returns the time


async def test_histogram_zoom_changes_bucket_and_keeps_time(hist_store: LineStore) -> None:
    app = ScreenApp(lambda: HistogramScreen(hist_store, bucket=300, select_ts=T0 + 50 * 60))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HistogramScreen))
        view = app.screen.query_one(HistogramView)
        await wait_for(pilot, lambda: view.hist is not None)
        assert view.bucket == 300
        assert view.hist.bucket_start(view.selected) == T0 + 50 * 60
        await pilot.press("plus")
        assert view.bucket == zoom_in(300) == 60
        assert view.hist.bucket == 60
        # still on the selected time: the bucket holding the old selection's middle
        assert T0 + 50 * 60 <= view.hist.bucket_start(view.selected) < T0 + 55 * 60
        await pilot.press("minus", "minus")
        assert view.bucket == zoom_out(zoom_out(60)) == 600
        assert view.hist.bucket_start(view.selected) == T0 + 50 * 60
        text = widget_text(view)
        assert "records per 10m" in text
        assert "10:50" in text  # axis / info line show times


async def test_histogram_counts_only_given_rows(hist_store: LineStore) -> None:
    errors = hist_store.visible({Level.ERROR, Level.CRITICAL})
    app = ScreenApp(lambda: HistogramScreen(hist_store, errors))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HistogramScreen))
        view = app.screen.query_one(HistogramView)
        await wait_for(pilot, lambda: view.hist is not None)
        # only the error burst (records, not traceback lines): 8 minutes of errors
        assert view.hist.total() == sum(min(5, 4 + m % 7) for m in range(50, 58))
        assert view.bucket == 10  # the burst spans ~8 minutes: finer buckets fit
        assert "ERROR" in widget_text(view)


async def test_histogram_with_nothing_to_count(tmp_path: Path) -> None:
    store, _ = build_store((write_lines(tmp_path / "h.log", histogram_lines(30)), "python"))
    errors = store.visible({Level.ERROR, Level.CRITICAL})  # no errors in the first 30 min
    app = ScreenApp(lambda: HistogramScreen(store, errors))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HistogramScreen))
        view = app.screen.query_one(HistogramView)
        await wait_for(pilot, lambda: view.hist is not None)
        assert "no records to count" in widget_text(view)
        await pilot.press("enter", "plus", "left", "minus")  # nothing to do, nothing breaks
        assert app.selected == []
        assert isinstance(app.screen, HistogramScreen)


# -- snapshots --------------------------------------------------------------------------------


def test_snapshot_record_detail_json(snap_compare) -> None:
    assert snap_compare(
        ScreenApp(lambda: RecordDetailScreen(json_record())), terminal_size=(80, 24)
    )


def test_snapshot_record_detail_traceback(snap_compare) -> None:
    assert snap_compare(
        ScreenApp(lambda: RecordDetailScreen(traceback_record())), terminal_size=(80, 24)
    )


def test_snapshot_histogram_80x24(snap_compare, tmp_path: Path) -> None:
    store, _ = build_store((write_lines(tmp_path / "h.log", histogram_lines()), "python"))

    async def run_before(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HistogramScreen))
        view = pilot.app.screen.query_one(HistogramView)
        await wait_for(pilot, lambda: view.hist is not None)
        await pilot.press("left", "left", "left", "left", "left")
        await pilot.pause()

    assert snap_compare(
        ScreenApp(lambda: HistogramScreen(store)), terminal_size=(80, 24), run_before=run_before
    )


def test_snapshot_histogram_wide(snap_compare, tmp_path: Path) -> None:
    store, _ = build_store((write_lines(tmp_path / "h.log", histogram_lines()), "python"))

    async def run_before(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HistogramScreen))
        view = pilot.app.screen.query_one(HistogramView)
        await wait_for(pilot, lambda: view.hist is not None)
        await pilot.press("minus")
        await pilot.pause()

    assert snap_compare(
        ScreenApp(lambda: HistogramScreen(store, select_ts=T0 + 55 * 60)),
        terminal_size=(160, 40),
        run_before=run_before,
    )


async def test_huge_record_is_cut_on_screen_and_not_copied() -> None:
    big = "x" * (10 * 1024 * 1024)
    rec = LogRecord(
        timestamp=None,
        level=Level.UNKNOWN,
        message=big,
        source="big.log",
        raw=big,
        line=1,
        format="plain",
    )
    app = ScreenApp(lambda: RecordDetailScreen(rec))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, RecordDetailScreen))
        detail = app.screen.query_one(RecordDetail)
        plain = detail.text().plain
        assert "chars: copy (c) or export for all]" in plain
        assert len(plain) < 300_000
        assert "the line has no timestamp" in plain
        await pilot.press("y")
        await wait_for(pilot, lambda: any("too large" in n.message for n in app._notifications))
        assert app.clipboard == ""


async def test_big_stores_are_counted_in_a_worker(
    hist_store: LineStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logwatch_tui.ui.widgets.histogram_view as hv

    monkeypatch.setattr(hv, "SYNC_LIMIT", 0)  # every store counts as big
    app = ScreenApp(lambda: HistogramScreen(hist_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HistogramScreen))
        view = app.screen.query_one(HistogramView)
        await wait_for(pilot, lambda: view.hist is not None and not view.computing)
        assert view.hist.counts == histogram(hist_store, None, view.bucket).counts
        await pilot.press("plus")
        await wait_for(pilot, lambda: view.hist.bucket == 60 and not view.computing)
        assert view.hist.total() == histogram(hist_store, None, 60).total()
