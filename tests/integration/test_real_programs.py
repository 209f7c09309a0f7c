"""Logs written by the real Python logging libraries (and java.util.logging when a JDK is
here), parsed by ``logwatch-tui parse --json`` with auto-detection: every record fully right.

The generators and the scoring are ``benchmarks/real_programs.py``'s (the benchmark adds
pino, nginx and rsyslogd and prints the table); programs and parser run in a zone that is
not UTC (+05:30), so a time read in the wrong zone fails.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "real_programs", ROOT / "benchmarks" / "real_programs.py"
)
assert _spec is not None and _spec.loader is not None
real_programs = importlib.util.module_from_spec(_spec)
sys.modules["real_programs"] = real_programs  # dataclasses look their module up
_spec.loader.exec_module(real_programs)

RECORDS = 24
"""Per configuration: enough for every kind of event (traceback, chained, stack, multi-line)."""


def _env() -> dict[str, str]:
    env = {**os.environ, "TZ": "Asia/Kolkata", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _check(programs: list[str], tmp_path: Path) -> None:
    env = _env()
    cases, skipped = real_programs.generate(programs, tmp_path, RECORDS, env)
    assert not skipped, skipped
    assert {c.program for c in cases} == set(programs)
    parsed = real_programs.parse_json([c.path for c in cases], env)
    wrong: list[str] = []
    total = 0
    for c in cases:
        t = real_programs.score_case(c, parsed[c.path])
        assert t.records == RECORDS
        total += t.records
        wrong += t.wrong
    assert not wrong, f"{len(wrong)} of {total} records wrong:\n" + "\n".join(wrong[:10])


def test_python_logging_libraries(tmp_path: Path) -> None:
    """stdlib logging (six formats), python-json-logger, structlog (JSON, console, colours),
    logfmter."""
    for mod in ("pythonjsonlogger", "structlog", "logfmter"):
        pytest.importorskip(mod)
    _check(["stdlib logging", "python-json-logger", "structlog", "logfmter"], tmp_path)


@pytest.mark.skipif(
    shutil.which("java") is None or shutil.which("javac") is None, reason="no JDK here"
)
def test_java_util_logging(tmp_path: Path) -> None:
    """The default two-line SimpleFormatter and two one-line formats, with stack traces."""
    _check(["java.util.logging"], tmp_path)
