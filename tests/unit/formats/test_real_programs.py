"""Logs written by the real programs (not hand-typed lines): Python's logging, java.util.logging.

Each program writes records with known times, levels and messages (some with
tracebacks / stack traces) to a real file; auto-detection must get every record right:
first line, timestamp (to the logger's precision), level, message and extent.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from logwatch_tui.core.formats.detect import SourceParser
from logwatch_tui.core.levels import Level

FORMATS = [
    logging.BASIC_FORMAT,  # basicConfig default: LEVEL:name:message
    "%(asctime)s - %(name)s - %(levelname)s - %(message)s",
    "%(asctime)s %(levelname)s %(name)s: %(message)s",
    "%(asctime)s:%(levelname)s:%(message)s",
    "[%(asctime)s] %(levelname)s in %(module)s: %(message)s",
]
LEVELS = [
    (logging.DEBUG, Level.DEBUG),
    (logging.INFO, Level.INFO),
    (logging.WARNING, Level.WARNING),
    (logging.ERROR, Level.ERROR),
    (logging.CRITICAL, Level.CRITICAL),
]


def parse_file(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    sp = SourceParser(str(path))
    b = sp.feed(lines, first_line=1)
    recs = [sp.record(b, i) for i, h in enumerate(b.heads) if h]
    return sp, b, recs


@pytest.mark.parametrize("fmt", FORMATS)
def test_python_logging(fmt, tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    logger = logging.getLogger(f"shop.api.{len(str(fmt))}")
    logger.propagate = False
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(fmt))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    expected = []
    try:
        for i in range(40):
            py_level, level = LEVELS[i % 5]
            msg = f"order {i} state changed: ok=true"
            if i % 9 == 4:
                try:
                    raise ValueError(f"bad order {i}")
                except ValueError:
                    logger.exception(msg)
                level = Level.ERROR
                extent = 4  # message + Traceback + File line + code line… + ValueError
            else:
                logger.log(py_level, msg)
                extent = 1
            expected.append((level, msg, extent))
    finally:
        handler.close()
        logger.removeHandler(handler)
    sp, b, recs = parse_file(path)
    assert sp.format.name == "python", sp.format.name
    assert len(recs) == len(expected)
    for rec, (level, msg, extent) in zip(recs, expected):
        assert rec.level == level, rec.raw
        assert rec.message == msg
        n = len(rec.raw.split("\n"))
        assert n >= extent and (extent == 1) == (n == 1)
        if extent > 1:
            assert rec.raw.split("\n")[-1].startswith("ValueError: bad order")
        if "asctime" in fmt:
            assert rec.timestamp is not None
    assert sp.unmatched == 0


JAVA = r"""
import java.util.logging.*;
public class Main {
    public static void main(String[] args) {
        Logger log = Logger.getLogger("com.example.Main");
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(Level.ALL);
        log.setUseParentHandlers(false);
        log.addHandler(h);
        log.setLevel(Level.ALL);
        Level[] ls = {Level.SEVERE, Level.WARNING, Level.INFO, Level.CONFIG, Level.FINE,
                      Level.FINER, Level.FINEST};
        for (int i = 0; i < 21; i++) {
            if (i == 10) {
                log.log(Level.SEVERE, "failed " + i, new RuntimeException("boom " + i));
            } else {
                log.log(ls[i % 7], "step " + i);
            }
        }
    }
}
"""


@pytest.mark.skipif(shutil.which("javac") is None, reason="no JDK on this machine")
def test_java_util_logging_default_simpleformatter(tmp_path: Path) -> None:
    (tmp_path / "Main.java").write_text(JAVA)
    subprocess.run(["javac", "Main.java"], cwd=tmp_path, check=True, timeout=120)
    out = subprocess.run(
        ["java", "-cp", ".", "Main"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
        env={"LANG": "C", "TZ": "UTC", "PATH": "/usr/bin:/bin"},
    )
    path = tmp_path / "jul.log"
    path.write_text(out.stderr)
    sp, b, recs = parse_file(path)
    assert sp.format.name == "jul"
    assert len(recs) == 21
    want = [
        Level.ERROR,
        Level.WARNING,
        Level.INFO,
        Level.DEBUG,
        Level.DEBUG,
        Level.TRACE,
        Level.TRACE,
    ]
    for i, rec in enumerate(recs):
        if i == 10:
            assert rec.level == Level.ERROR and rec.message == "failed 10"
            assert "java.lang.RuntimeException: boom 10" in rec.raw
            assert "\tat Main.main" in rec.raw
        else:
            assert rec.level == want[i % 7], rec.raw
            assert rec.message == f"step {i}"
            assert len(rec.raw.split("\n")) == 2
        assert rec.timestamp is not None
    assert sp.unmatched == 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
