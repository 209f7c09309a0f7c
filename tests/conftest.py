"""Shared test setup: keep the developer's own config out, make output stable."""

from __future__ import annotations

import compileall
import os
import re
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

    With PYTHONDONTWRITEBYTECODE set (as in this project's CI container), no process
    writes bytecode, so every ``logwatch-tui`` the tests start (hundreds) would
    compile the package from source again: a third of a short command's CPU time.
    The controller (or a run without xdist) compiles it once; everyone reads it.
    Then the test modules, for the workers (below).
    """
    if hasattr(config, "workerinput"):
        return
    if sys.dont_write_bytecode:
        compileall.compile_dir(ROOT / "logwatch_tui", quiet=1)
    if getattr(config.option, "numprocesses", None):
        _rewrite_tests_once(config)


def _rewrite_tests_once(config: pytest.Config) -> None:
    """Give every xdist worker the test modules already compiled.

    Each worker collects every test module, and pytest's assertion rewriting of
    them costs ~3 s of CPU per worker. On a clean clone all workers start at once and
    none finds a cached module, so all of them pay it (and with bytecode writing
    off none ever caches it). The controller writes the rewritten modules once
    with pytest's own functions (and compiles the helper modules); the workers read
    them. If pytest's internals differ, nothing is written and the workers rewrite
    for themselves as before.
    """
    tests = Path(__file__).resolve().parent
    # helpers: plain bytecode; test modules and conftests: pytest's rewritten one below
    compileall.compile_dir(tests, quiet=1, rx=re.compile(r"(/test_[^/]*|/conftest)\.py$"))
    try:
        from _pytest.assertion import rewrite

        if config.getoption("assertmode") != "rewrite":
            return
        state = config.stash[rewrite.assertstate_key]
        for fn in sorted(tests.rglob("*.py")):
            if not (fn.name.startswith("test_") or fn.name == "conftest.py"):
                continue
            pyc = rewrite.get_cache_dir(fn) / (fn.name[:-3] + rewrite.PYC_TAIL)
            if rewrite._read_pyc(fn, pyc) is not None:
                continue
            source_stat, co = rewrite._rewrite_test(fn, config)
            if rewrite.try_makedirs(pyc.parent):
                rewrite._write_pyc(state, co, source_stat, pyc)
    except Exception:  # an optimisation only: the workers rewrite what is missing
        return


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
