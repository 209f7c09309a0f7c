#!/usr/bin/env python3
"""Regenerate docs/screenshot.svg: the app on examples/logs/python.log with the example rules.

python docs/make_screenshot.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
os.environ["TZ"] = "UTC"
time.tzset()
os.environ.setdefault("LOGWATCH_STATE_DIR", "/tmp/logwatch-screenshot-state")

from logwatch_tui.core.rules import load_rules  # noqa: E402
from logwatch_tui.ui.app import LogwatchApp  # noqa: E402


async def main() -> None:
    os.chdir(ROOT)
    app = LogwatchApp(
        ["examples/logs/python.log"],
        rules=load_rules(ROOT / "examples" / "rules.toml"),
        use_watchdog=False,
        use_history=False,
    )
    async with app.run_test(size=(150, 42)) as pilot:
        while not (app.caught_up and len(app.book)):
            await pilot.pause(0.05)
        await pilot.pause(1.5)
        await pilot.press("E")  # select the last error
        await pilot.pause(0.3)
        path = app.save_screenshot(filename="screenshot.svg", path=str(ROOT / "docs"))
        print(path)


if __name__ == "__main__":
    asyncio.run(main())
