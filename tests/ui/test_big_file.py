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
