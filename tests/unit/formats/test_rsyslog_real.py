"""Lines written by a real rsyslogd (three of its file templates), read back.

rsyslogd runs as a child on a private Unix socket; ``logger`` sends through it. We wait
for the files to hold every line (a condition), then parse them.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from logwatch_tui.core.formats.detect import SourceParser
from logwatch_tui.core.levels import Level

pytestmark = pytest.mark.skipif(
    shutil.which("rsyslogd") is None or shutil.which("logger") is None,
    reason="rsyslogd/logger not installed",
)

SENT = [
    ("user.err", "disk /dev/sda1 is failing"),
    ("user.warning", "ERROR leading level word in the text"),
    ("user.info", "user bob logged in"),
    ("daemon.crit", "[warn] bracketed level word"),
    ("local0.debug", "cache refreshed in 12 ms"),
]


def wait_for_lines(paths: list[Path], n: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(p.exists() and len(p.read_text().splitlines()) >= n for p in paths):
            return
        time.sleep(0.05)
    raise AssertionError(f"rsyslogd did not write {n} lines to {paths}")


def test_rsyslog_file_formats(tmp_path: Path) -> None:
    sock = tmp_path / "log.sock"
    trad, prec, p5424 = tmp_path / "trad.log", tmp_path / "prec.log", tmp_path / "5424.log"
    conf = tmp_path / "rs.conf"
    conf.write_text(
        'module(load="imuxsock" SysSock.Use="off")\n'
        f'input(type="imuxsock" Socket="{sock}" CreatePath="on")\n'
        f"$WorkDirectory {tmp_path}\n"
        f'*.* action(type="omfile" file="{trad}" template="RSYSLOG_TraditionalFileFormat")\n'
        f'*.* action(type="omfile" file="{prec}" template="RSYSLOG_FileFormat")\n'
        f'*.* action(type="omfile" file="{p5424}" template="RSYSLOG_SyslogProtocol23Format")\n'
    )
    proc = subprocess.Popen(
        ["rsyslogd", "-n", "-f", str(conf), "-i", str(tmp_path / "pid")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        for pri, msg in SENT:
            subprocess.run(["logger", "-u", str(sock), "-p", pri, "-t", "myapp", msg], check=True)
        wait_for_lines([trad, prec, p5424], len(SENT))
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    def parse(path: Path):
        lines = path.read_text().splitlines()
        sp = SourceParser(str(path))
        b = sp.feed(lines, first_line=1)
        return sp, b, [sp.record(b, i) for i, h in enumerate(b.heads) if h]

    # RFC 3164 file lines carry no severity: UNKNOWN unless a leading level word
    for path in (trad, prec):
        sp, b, recs = parse(path)
        assert sp.format.name == "syslog"
        assert [r.message for r in recs] == [m for _, m in SENT]
        assert [r.level for r in recs] == [
            Level.UNKNOWN,
            Level.ERROR,
            Level.UNKNOWN,
            Level.WARNING,
            Level.UNKNOWN,
        ]
        assert all(r.fields["app"] == "myapp" for r in recs)
        assert all(abs(r.timestamp.timestamp() - time.time()) < 600 for r in recs)  # type: ignore[union-attr]
    # RFC 5424 keeps the PRI: the severity is known
    sp, b, recs = parse(p5424)
    assert sp.format.name == "rfc5424"
    assert [r.level for r in recs] == [
        Level.ERROR,
        Level.WARNING,
        Level.INFO,
        Level.CRITICAL,
        Level.DEBUG,
    ]
    assert [r.message for r in recs] == [m for _, m in SENT]
