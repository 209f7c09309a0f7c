"""A big file: its newest lines show at once (preview), the full index loads behind."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from logwatch_tui.ui.app import LogwatchApp

from .helpers import screen_rows, wait_for

N = 250_000  # above the view's synchronous-filter limit: the store switch runs in a worker


async def test_preview_then_full_index_with_progress(tmp_path: Path) -> None:
    log = tmp_path / "big.log"
    # py_line(level, f"event {i:06d}", when=T0 + i / 50) for every i, with each second's
    # time stamp formatted once (a third of the CPU)
    with log.open("w") as fh:
        for sec in range(N // 50):
            stamp = f"{datetime.fromtimestamp(1_763_600_000 + sec):%Y-%m-%d %H:%M:%S}"
            fh.write(
                "".join(
                    f"{stamp},{k * 20:03d} - api - "
                    f"{'ERROR' if (sec * 50 + k) % 1000 == 0 else 'INFO'} - "
                    f"event {sec * 50 + k:06d}\n"
                    for k in range(50)
                )
            )
    app = LogwatchApp([str(log)], use_watchdog=False, use_history=False, preview_min_bytes=1)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.log_view
        # the preview: newest lines, before the index is complete
        await wait_for(pilot, lambda: any(f"event {N - 1:06d}" in r for r in screen_rows(view)))
        assert app.header.progress is not None or app.caught_up
        # parsed for display already: time and level columns, then the message alone
        assert not any(" - api - " in r for r in screen_rows(view))
        await wait_for(pilot, lambda: app.caught_up, timeout=60)
        await wait_for(pilot, lambda: view.store is app.store and len(view.rows) == N, timeout=30)
        assert app.header.progress is None
        assert any(f"event {N - 1:06d}" in r for r in screen_rows(view))
        await pilot.press("g")
        assert view.cursor_line == 0
        await pilot.press("e")
        assert view.cursor_line == 1000


async def test_a_filter_set_while_the_full_index_is_being_switched_in_applies_to_it(
    tmp_path: Path, monkeypatch
) -> None:
    """The moment the index is complete the view switches from the preview to the full
    store in a worker. A filter set in that moment (here: at once, as a key pressed
    right then) must apply to the full store, not leave the view on the preview."""
    import logwatch_tui.ui.widgets.log_view as log_view
    from logwatch_tui.core.levels import Level

    log = tmp_path / "big.log"
    with log.open("w") as fh:
        for i in range(20_000):
            level = "ERROR" if i % 100 == 0 else "INFO"
            fh.write(
                f"2026-11-20 10:{i // 3600 % 60:02d}:{i % 60:02d},000 - api - {level} - e{i}\n"
            )
    monkeypatch.setattr(log_view, "SYNC_FILTER_LIMIT", 0)  # switches and filters in workers
    app = LogwatchApp([str(log)], use_watchdog=False, use_history=False, preview_min_bytes=1)
    real = log_view.LogView.set_store

    pressed = []

    def set_store_then_filter(view, store) -> None:
        real(view, store)
        if store is app.store and not pressed:
            pressed.append(True)
            view.toggle_level(Level.INFO)  # hide INFO

    monkeypatch.setattr(log_view.LogView, "set_store", set_store_then_filter)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.log_view
        await wait_for(pilot, lambda: app.caught_up, timeout=60)
        await wait_for(pilot, lambda: view.store is app.store and not view.filtering, timeout=30)
        assert len(view.rows) == 200  # the ERROR lines of the whole file
