#!/usr/bin/env python3
"""logwatch-tui and lnav in a real terminal (a tmux pane), timed from process launch.

Both tools run in a 160x48 tmux pane; the screen is read with ``tmux capture-pane``
every ~20 ms. Per tool and run:

* **first screen** — the file's last line is on screen;
* **whole file indexed** — logwatch-tui: its header's ``indexing N%`` is gone (all
  lines are in the store: filters, stats and rules cover the whole file); lnav: its
  status bar's ``Loading N%`` is gone;
* **memory** — the tool's RSS then, and per line of the file;
* **append** — a tool showing a small file (10,000 lines) gets ``--append-lines``
  lines appended in one write; time from the start of the write until the block's
  last line is on screen.

Medians over ``--runs``; the ratio printed is lnav's time / ours (above 1: we are
faster). lnav runs with a throwaway ``HOME`` (no state from earlier runs).

    python benchmarks/tui_tmux.py [--lines 5000000] [--append-lines 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, data_file, lnav_env  # noqa: E402

COLS, ROWS = 160, 48
POLL = 0.02
TIMEOUT = 180.0


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def pane_pid(session: str) -> int | None:
    out = tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
    return int(out) if out.isdigit() else None


def rss_bytes(pid: int | None) -> int:
    if pid is None:
        return 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def command(tool: str, path: Path) -> str:
    if tool == "lnav":
        home = lnav_env()["HOME"]
        return f"exec env HOME={shlex.quote(home)} lnav {shlex.quote(str(path))}"
    exe = Path(sys.executable).with_name("logwatch-tui")
    state = Path(tempfile.gettempdir()) / "logwatch-bench-state"  # no config, no history
    return (
        f"exec env TEXTUAL_ANIMATIONS=none LOGWATCH_CONFIG_DIR={shlex.quote(str(state))} "
        f"XDG_STATE_HOME={shlex.quote(str(state))} {shlex.quote(str(exe))} {shlex.quote(str(path))}"
    )


def loading(tool: str, text: str) -> bool:
    return ("Loading" in text) if tool == "lnav" else ("indexing" in text)


def last_line_needle(path: Path) -> str:
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 400))
        tail = fh.read().rstrip(b"\n").split(b"\n")[-1].decode()
    return tail[-30:]


class Session:
    def __init__(self, tool: str, path: Path, name: str) -> None:
        self.tool = tool
        self.name = name
        tmux("kill-session", "-t", name)
        self.t0 = time.perf_counter()
        tmux("new-session", "-d", "-s", name, "-x", str(COLS), "-y", str(ROWS), command(tool, path))
        self.pid = pane_pid(name)

    def wait(self, cond, timeout: float = TIMEOUT) -> float | None:
        """Seconds since launch when ``cond(screen)`` first held (None: timed out)."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            text = screen(self.name)
            if cond(text):
                return time.perf_counter() - self.t0
            time.sleep(POLL)
        return None

    def close(self) -> None:
        tmux("kill-session", "-t", self.name)


def bench_open(tool: str, path: Path, lines: int) -> dict:
    needle = last_line_needle(path)
    s = Session(tool, path, f"bench-{tool}")
    try:
        first = s.wait(lambda t: needle in t)
        seen_loading = [False]

        def loaded(text: str) -> bool:
            if loading(tool, text):
                seen_loading[0] = True
                return False
            # ours shows a progress header for big files; lnav may finish before we look
            return needle in text and (seen_loading[0] or tool == "lnav")

        full = s.wait(loaded)
        rss = rss_bytes(s.pid)
    finally:
        s.close()
    return {"first": first, "full": full, "rss": rss, "per_line": rss / lines if lines else 0}


def bench_append(tool: str, source: Path, base_lines: int, block: bytes, marker: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "append.log"
        with source.open("rb") as fh:
            head = b"".join(fh.readline() for _ in range(base_lines))
        path.write_bytes(head)
        needle = head.rstrip(b"\n").split(b"\n")[-1].decode()[-30:]
        s = Session(tool, path, f"bench-append-{tool}")
        try:
            if s.wait(lambda t: needle in t and not loading(tool, t)) is None:
                return {"shown": None}
            time.sleep(0.5)  # let start-up work settle (both tools)
            t0 = time.perf_counter()
            with path.open("ab") as fh:
                fh.write(block)
            end = t0 + TIMEOUT
            shown = None
            while time.perf_counter() < end:
                if marker in screen(s.name):
                    shown = time.perf_counter() - t0
                    break
                time.sleep(POLL)
        finally:
            s.close()
    return {"shown": shown}


def med(values: list) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def fmt_s(v: float | None) -> str:
    return f"{v:6.2f} s" if v is not None else "  (none)"


def ratio(ours: float | None, lnav: float | None) -> str:
    if not ours or not lnav:
        return ""
    return f"{lnav / ours:5.2f}x"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=5_000_000)
    ap.add_argument("--append-lines", type=int, default=1_000_000)
    ap.add_argument("--format", default="syslog")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip", nargs="*", default=[], choices=["open", "append", "lnav"])
    args = ap.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 2
    tools = ["ours"] + ([] if "lnav" in args.skip or shutil.which("lnav") is None else ["lnav"])
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    print(f"logwatch-tui vs lnav in a {COLS}x{ROWS} tmux pane, medians of {args.runs} runs")
    print(f"  {os.cpu_count()} CPUs, load average {load:.1f} at start; {ROOT.name}")
    if "open" not in args.skip:
        path = data_file(args.format, args.lines)
        res: dict[str, list[dict]] = {t: [] for t in tools}
        for _ in range(args.runs):
            for t in tools:  # interleaved: both tools see the same machine load
                res[t].append(bench_open(t, path, args.lines))
        size = path.stat().st_size / 1e6
        print(f"open {path.name} ({args.lines:,} lines, {size:.0f} MB), from launch")
        rows = {
            t: {k: med([r[k] for r in res[t]]) for k in ("first", "full", "per_line")}
            for t in tools
        }
        o, lv = rows["ours"], rows.get("lnav", {})
        print(f"  {'':24}{'logwatch-tui':>12}{'lnav':>12}{'lnav/ours':>11}")
        for key, label in (("first", "first screen"), ("full", "whole file indexed")):
            print(
                f"  {label:24}{fmt_s(o[key]):>12}{fmt_s(lv.get(key)):>12}"
                f"{ratio(o[key], lv.get(key)):>11}"
            )
        print(
            f"  {'RSS per line':24}{(o['per_line'] or 0):9.1f} B {(lv.get('per_line') or 0):9.1f} B"
        )
        for t in tools:
            runs = ", ".join(fmt_s(r["full"]).strip() for r in res[t])
            print(f"  runs {t}: indexed {runs}")
    if "append" not in args.skip:
        source = data_file(args.format, max(args.append_lines, 10_000))
        marker = f"appended-block-end-{os.getpid()}"
        last = source.read_bytes()
        block_lines = last.split(b"\n", args.append_lines)
        block = b"\n".join(block_lines[: args.append_lines])
        if not block.endswith(b"\n"):
            block += b"\n"
        first_line = block_lines[0].decode()
        block += (first_line.rsplit(" ", 1)[0] + " " + marker + "\n").encode()
        res2: dict[str, list[dict]] = {t: [] for t in tools}
        for _ in range(args.runs):
            for t in tools:
                res2[t].append(bench_append(t, source, 10_000, block, marker))
        o2 = med([r["shown"] for r in res2["ours"]])
        l2 = med([r["shown"] for r in res2.get("lnav", [])])
        print(
            f"append {args.append_lines:,} lines at once to a followed file, until the last is shown"
        )
        print(f"  {'':24}{fmt_s(o2):>12}{fmt_s(l2):>12}{ratio(o2, l2):>11}")
        for t in tools:
            runs = ", ".join(fmt_s(r["shown"]).strip() for r in res2[t])
            print(f"  runs {t}: {runs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
