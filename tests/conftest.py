"""Shared test setup: keep the developer's own config out, make output stable."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

# Stable clocks and colours for every test (snapshots show times in local time).
os.environ["TZ"] = "UTC"
time.tzset()
os.environ["TEXTUAL_ANIMATIONS"] = "none"
os.environ.setdefault("COLUMNS", "120")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never read or write the real ~/.config or ~/.local/state."""
    base = tmp_path_factory.mktemp("lw-home")
    monkeypatch.setenv("LOGWATCH_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("LOGWATCH_STATE_DIR", str(base / "state"))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.02) -> bool:
    """Poll ``predicate`` until true or ``timeout``; returns its last truthiness."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
