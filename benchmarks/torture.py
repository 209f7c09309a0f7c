"""Rotation torture: does every written line reach the rules exactly once?

A writer appends numbered lines (``seq=00000001`` …) at ``--rate`` lines/s
(default 8000) and rotates the log every ``--rotate-every`` seconds in one
style; the real ``logwatch-tui --headless`` process follows the file with a
rule that fires once per line (``group_by = ["seq"]``, threshold 1). Every
``firing`` alert on stdout names one line, so the alerts give an exact
per-line count: *lost* = lines written that never fired, *duplicated* = lines
that fired more than once. Printed per style, with the rotation notices the
app gave (stderr) and the rotations done.

Styles:

* ``rename``: ``app.log`` → ``app.log.1`` (older ones shift, as logrotate
  ``rotate 5``), a new empty file is created at once (logrotate ``create``),
  the writer keeps writing to the old file for 0.2 s and then reopens;
* ``rename-late``: the same, but the new file only appears 3 s later (a
  logger that reopens lazily) — the old file keeps growing meanwhile;
* ``copytruncate``: copy to ``app.log.1`` (shifting), truncate in place; the
  writer never reopens (O_APPEND);
* ``delete``: unlink, 0.2 s more lines into the deleted file, then a new file;
* ``truncate-rewrite``: once the reader has everything, truncate to 0 and
  at once rewrite new lines to exactly the old size (same line width);
* ``lag-rename``, ``lag-copytruncate``: as ``rename``/``copytruncate``, but
  the reader is stopped (SIGSTOP) for 2.5 rotation intervals in the middle
  of the run, so rotations happen while it is behind.

    .venv/bin/python benchmarks/torture.py                 # all styles, 20 s each
    .venv/bin/python benchmarks/torture.py --small         # 6 s per style, 4000 lines/s
    .venv/bin/python benchmarks/torture.py --styles rename,delete --seconds 30

Exit status 1 if any style lost or duplicated a line. On a loaded machine the
reader may need longer to finish; ``--settle`` bounds the wait.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STYLES = (
    "rename",
    "rename-late",
    "copytruncate",
    "delete",
    "truncate-rewrite",
    "lag-rename",
    "lag-copytruncate",
)

RULES = """\
[[rules]]
name = "every line"
id = "every-line"
match = 'seq=(?P<seq>\\d+)'
group_by = ["seq"]
threshold = 1
window = "1s"
cooldown = "0s"
notify = []
"""

_SEQ = re.compile(r'"seq": "(\d+)"')
_PAD = "x" * 40


def line(seq: int) -> bytes:
    """One line of fixed width (so a rewrite to the same size has the same line count)."""
    t = time.time()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t * 1e6) % 1000000:06d}Z"
    return f"{stamp} INFO worker seq={seq:09d} {_PAD}\n".encode()


@dataclass
class Result:
    style: str
    written: int = 0
    rotations: int = 0
    fired: dict[int, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    json_notices: list[dict] = field(default_factory=list)
    seconds_to_settle: float = 0.0
    timeline: list[tuple[float, int, str]] = field(default_factory=list)
    """(seconds, last line written, what happened): rotations, stops, resumes."""

    @property
    def lost(self) -> int:
        return sum(1 for s in range(1, self.written + 1) if s not in self.fired)

    def lost_ranges(self, limit: int = 5) -> list[tuple[int, int]]:
        """The first few runs of consecutive lost line numbers (where to look)."""
        runs: list[tuple[int, int]] = []
        for s in range(1, self.written + 1):
            if s in self.fired:
                continue
            if runs and runs[-1][1] == s - 1:
                runs[-1] = (runs[-1][0], s)
            elif len(runs) < limit:
                runs.append((s, s))
            else:
                break
        return runs

    @property
    def duplicated(self) -> int:
        return sum(n - 1 for n in self.fired.values() if n > 1)

    @property
    def rotation_notices(self) -> int:
        words = ("was rotated", "was deleted", "was truncated")
        return sum(1 for n in self.notices if any(w in n for w in words))


class App:
    """The real ``logwatch-tui --headless`` process, with its output counted."""

    def __init__(self, log: Path, tmp: Path, result: Result) -> None:
        rules = tmp / "rules.toml"
        rules.write_text(RULES)
        env = dict(os.environ)
        env["LOGWATCH_CONFIG_DIR"] = str(tmp / "config")
        env["LOGWATCH_STATE_DIR"] = str(tmp / "state")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "logwatch_tui", "--headless", "--rules", str(rules), str(log)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=str(ROOT),
        )
        self.result = result
        self.ready = threading.Event()
        self.lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        fired = self.result.fired
        for raw in self.proc.stdout:
            if b'"status": "firing"' not in raw:
                continue
            m = _SEQ.search(raw.decode("utf-8", "replace"))
            if m:
                seq = int(m.group(1))
                with self.lock:
                    fired[seq] = fired.get(seq, 0) + 1

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            text = raw.decode("utf-8", "replace").rstrip("\n")
            if text.startswith("{"):
                try:
                    self.result.json_notices.append(json.loads(text))
                except ValueError:
                    pass
                continue
            self.result.notices.append(text)
            if "following" in text:
                self.ready.set()

    def seen(self) -> int:
        with self.lock:
            return len(self.result.fired)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for t in self._threads:
            t.join(5)


class Writer:
    """Appends numbered lines at a steady rate; rotates on request."""

    def __init__(self, log: Path, rate: int) -> None:
        self.log = log
        self.rate = rate
        self.seq = 0
        self.fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.t0 = time.monotonic()
        self.due_base = 0

    def reopen(self) -> None:
        os.close(self.fd)
        self.fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write_due(self) -> None:
        """Write the lines due by now (one write call)."""
        due = self.due_base + int((time.monotonic() - self.t0) * self.rate)
        if due <= self.seq:
            return
        buf = b"".join(line(s) for s in range(self.seq + 1, due + 1))
        os.write(self.fd, buf)
        self.seq = due

    def run_for(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.write_due()
            time.sleep(0.002)
        self.write_due()

    def pause(self) -> None:
        """Stop the clock: lines not written while paused are not owed later."""
        self.due_base = self.seq
        self.t0 = time.monotonic()

    def close(self) -> None:
        os.close(self.fd)


def shift(log: Path, keep: int = 5) -> None:
    """app.log.4 → app.log.5 … app.log.1 → app.log.2 (logrotate numbering)."""
    for i in range(keep - 1, 0, -1):
        src = Path(f"{log}.{i}")
        if src.exists():
            os.replace(src, f"{log}.{i + 1}")


def rotate(style: str, w: Writer, app: App) -> None:
    log = w.log
    base = style.removeprefix("lag-")
    if base in ("rename", "rename-late"):
        shift(log)
        os.rename(log, f"{log}.1")
        if base == "rename":
            log.touch()  # logrotate "create"
            w.run_for(0.2)  # the writer has not reopened yet: lines go to the old file
        else:
            w.run_for(3.0)  # the new file appears only when the writer reopens
        w.reopen()
    elif base == "copytruncate":
        shift(log)
        shutil.copyfile(log, f"{log}.1")
        os.truncate(log, 0)
    elif base == "delete":
        os.unlink(log)
        w.run_for(0.2)
        w.reopen()
    elif base == "truncate-rewrite":
        deadline = time.monotonic() + 30
        while app.seen() < w.seq and time.monotonic() < deadline:
            time.sleep(0.01)
        size = log.stat().st_size
        os.truncate(log, 0)
        buf = b""
        while len(buf) < size:
            w.seq += 1
            buf += line(w.seq)
        os.write(w.fd, buf)
        w.pause()
    else:
        raise ValueError(style)


def run_style(style: str, *, seconds: float, rate: int, every: float, settle: float) -> Result:
    result = Result(style)
    with tempfile.TemporaryDirectory(prefix="lw-torture-") as tmpdir:
        tmp = Path(tmpdir)
        log = tmp / "app.log"
        log.touch()
        app = App(log, tmp, result)
        try:
            if not app.ready.wait(30):
                raise RuntimeError(f"the app did not start: {result.notices}")
            w = Writer(log, rate)
            start = time.monotonic()
            lag_at = seconds / 2 - every if style.startswith("lag-") else None
            lagging = False
            next_rotation = start + every
            while time.monotonic() - start < seconds:
                w.run_for(min(0.05, max(0.0, next_rotation - time.monotonic())))
                now = time.monotonic()
                if lag_at is not None and not lagging and now - start >= lag_at:
                    app.proc.send_signal(signal.SIGSTOP)  # the reader falls behind
                    result.timeline.append((now - start, w.seq, "SIGSTOP"))
                    lagging = True
                    resume_at = now + 2.5 * every
                if lagging and now >= resume_at:
                    app.proc.send_signal(signal.SIGCONT)
                    result.timeline.append((now - start, w.seq, "SIGCONT"))
                    lag_at, lagging = None, False
                if now >= next_rotation:
                    result.timeline.append((time.monotonic() - start, w.seq, "rotate"))
                    rotate(style, w, app)
                    result.rotations += 1
                    next_rotation = time.monotonic() + every
            if lagging:
                app.proc.send_signal(signal.SIGCONT)
            w.close()
            result.written = w.seq
            t0 = time.monotonic()
            last, last_change = -1, t0
            while time.monotonic() - t0 < settle:
                n = app.seen()
                if n >= result.written:
                    break
                if n != last:
                    last, last_change = n, time.monotonic()
                elif time.monotonic() - last_change > 30:
                    break  # nothing new for 30 s: what is missing stays missing
                time.sleep(0.05)
            # a little longer, so duplicates arriving late are counted too
            time.sleep(min(1.0, settle))
            result.seconds_to_settle = time.monotonic() - t0
        finally:
            app.stop()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--styles", default=",".join(STYLES))
    parser.add_argument("--seconds", type=float, default=20.0, help="writing time per style")
    parser.add_argument("--rate", type=int, default=8000, help="lines per second")
    parser.add_argument("--rotate-every", type=float, default=4.0)
    parser.add_argument("--settle", type=float, default=120.0, help="max wait for the reader")
    parser.add_argument("--small", action="store_true", help="6 s per style at 4000 lines/s")
    args = parser.parse_args(argv)
    if args.small:
        args.seconds, args.rate, args.rotate_every = 6.0, 4000, 2.0
    styles = [s for s in args.styles.split(",") if s]
    for s in styles:
        if s not in STYLES:
            parser.error(f"unknown style {s!r} (one of {', '.join(STYLES)})")
    print(
        f"writer {args.rate} lines/s for {args.seconds:g} s per style, "
        f"rotating every {args.rotate_every:g} s; reader: logwatch-tui --headless"
    )
    print(
        f"{'style':<18}{'written':>9}{'rotations':>10}{'notices':>9}{'lost':>7}{'dup':>6}{'settle s':>10}"
    )
    bad = False
    for style in styles:
        r = run_style(
            style,
            seconds=args.seconds,
            rate=args.rate,
            every=args.rotate_every,
            settle=args.settle,
        )
        bad |= bool(r.lost or r.duplicated)
        print(
            f"{style:<18}{r.written:>9}{r.rotations:>10}{r.rotation_notices:>9}"
            f"{r.lost:>7}{r.duplicated:>6}{r.seconds_to_settle:>10.1f}",
            flush=True,
        )
        if r.lost:
            print(f"  lost line numbers (first runs): {r.lost_ranges()}")
            print(f"  timeline (s, last line written, what): {r.timeline}")
            for n in r.notices:
                print(f"  notice: {n}")
        for j in r.json_notices:
            print(f"  skipped/cut notice: {json.dumps(j)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
