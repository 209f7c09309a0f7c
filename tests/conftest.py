"""Shared test setup: keep the developer's own config out, make output stable."""

from __future__ import annotations

import compileall
import os
import sys
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


def pytest_configure(config: pytest.Config) -> None:
    """Compile the package once, before the xdist workers start.

    With PYTHONDONTWRITEBYTECODE set (as on the CI machine), no process writes
    bytecode, so every ``logwatch-tui`` the tests start (hundreds) would compile the
    package from source again: a third of a short command's CPU time. The
    controller (or a run without xdist) compiles it once; everyone then reads it.
    """
    if sys.dont_write_bytecode and not hasattr(config, "workerinput"):
        compileall.compile_dir(ROOT / "logwatch_tui", quiet=1)


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
    # Toasts without a timeout of their own vanish after 5 s, and reading
    # app._notifications drops the expired ones: on a loaded machine a test could
    # look for a toast after it went. Tests keep them for two minutes.
    textual_app = sys.modules.get("textual.app")
    if textual_app is not None:
        monkeypatch.setattr(textual_app.App, "NOTIFICATION_TIMEOUT", 120)


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.02) -> bool:
    """Poll ``predicate`` until true or ``timeout``; returns its last truthiness."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


# Per-test CPU accounting, to find where the suite's time goes:
#   LW_TEST_CPU=/tmp/cpu.tsv python -m pytest
# writes one line per test: CPU seconds of the test process, of its waited-for
# children (subprocesses, pools), wall seconds, node id.
_CPU_LOG = os.environ.get("LW_TEST_CPU")
if _CPU_LOG:
    import resource

    def _cpu(who: int) -> float:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        own, kids = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        wall = time.monotonic()
        yield
        own, kids = _cpu(resource.RUSAGE_SELF) - own, _cpu(resource.RUSAGE_CHILDREN) - kids
        wall = time.monotonic() - wall
        with open(_CPU_LOG, "a", encoding="utf-8") as out:
            out.write(f"{own + kids:.3f}\t{own:.3f}\t{kids:.3f}\t{wall:.3f}\t{item.nodeid}\n")
