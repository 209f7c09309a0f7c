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


TOOLS = {"ours": "logwatch-tui", "ours-line": "line path", "lnav": "lnav"}
"""``ours-line``: logwatch-tui with ``LOGWATCH_INGEST_WORKERS=0`` (no worker processes:
the line-by-line path of the previous wave), to see before/after in one run."""


def command(tool: str, path: Path) -> str:
    if tool == "lnav":
        home = lnav_env()["HOME"]
        return f"exec env HOME={shlex.quote(home)} lnav {shlex.quote(str(path))}"
    exe = Path(sys.executable).with_name("logwatch-tui")
    state = Path(tempfile.gettempdir()) / "logwatch-bench-state"  # no config, no history
    return (
        f"exec env TEXTUAL_ANIMATIONS=none LOGWATCH_CONFIG_DIR={shlex.quote(str(state))} "
        + ("LOGWATCH_INGEST_WORKERS=0 " if tool == "ours-line" else "")
        + f"XDG_STATE_HOME={shlex.quote(str(state))} {shlex.quote(str(exe))} {shlex.quote(str(path))}"
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
        """Kill the session and wait until the tool's process (and its children, e.g.
        worker processes) is gone: the next launch must not share the CPU with it."""
        procs = _tree(self.pid) if self.pid else []
        tmux("kill-session", "-t", self.name)
        end = time.perf_counter() + 10
        while time.perf_counter() < end and any(_alive(p) for p in procs):
            time.sleep(POLL)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped uses no CPU: gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


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


README = ROOT / "README.md"
START = "<!-- tui-vs-lnav:start (written by benchmarks/tui_tmux.py --readme) -->"
END = "<!-- tui-vs-lnav:end -->"


def write_readme(lines: list[str]) -> None:
    text = README.read_text()
    a, b = text.find(START), text.find(END)
    if a < 0 or b < a:
        raise SystemExit(f"README.md has no {START!r} … {END!r} block")
    README.write_text(text[: a + len(START)] + "\n" + "\n".join(lines) + "\n" + text[b:])
    print(f"wrote the table into {README}", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=5_000_000)
    ap.add_argument("--append-lines", type=int, default=1_000_000)
    ap.add_argument("--format", default="syslog")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip", nargs="*", default=[], choices=["open", "append", "lnav"])
    ap.add_argument(
        "--line-path", action="store_true", help="also time logwatch-tui without worker processes"
    )
    ap.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = ap.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 2
    tools = ["ours"] + (["ours-line"] if args.line_path else [])
    if "lnav" not in args.skip and shutil.which("lnav") is not None:
        tools.append("lnav")
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    lnav_v = ""
    if "lnav" in tools:
        lnav_v = subprocess.run(["lnav", "-V"], capture_output=True, text=True).stdout.strip()
    argv = " ".join(["python", "benchmarks/tui_tmux.py", *sys.argv[1:]])
    head = (
        f"Measured {time.strftime('%Y-%m-%d')} by `{argv}` (a {COLS}x{ROWS} tmux pane, "
        f"medians of {args.runs} runs, tools interleaved; {os.cpu_count()} CPUs, load average "
        f"{load:.1f} at start; Python {sys.version.split()[0]}, {lnav_v or 'no lnav'}). "
        "Times from process launch. Ratio = lnav's median / ours (above 1: we are faster)."
    )
    md = [head, ""]
    cols = [TOOLS[t] for t in tools]
    md.append("| | " + " | ".join(cols) + (" | ratio (lnav/ours) |" if "lnav" in tools else " |"))
    md.append("|---|" + "---:|" * len(cols) + ("---:|" if "lnav" in tools else ""))

    def row(label: str, vals: dict[str, float | None], unit: str = "s") -> None:
        cells = []
        for t in tools:
            v = vals.get(t)
            cells.append("—" if v is None else (f"{v:.2f} s" if unit == "s" else f"{v:.0f} B"))
        line = f"| {label} | " + " | ".join(cells) + " |"
        if "lnav" in tools:
            r = ratio(vals.get("ours"), vals.get("lnav")).strip() if unit == "s" else ""
            line += f" {r or '—'} |"
        md.append(line)

    print(head)
    # one tmux server for the whole run: no launch pays for starting it
    tmux("new-session", "-d", "-s", "bench-keepalive", "-x", "20", "-y", "5", "sleep 86400")
    try:
        return _measure(args, tools, md, row)
    finally:
        tmux("kill-session", "-t", "bench-keepalive")


def _measure(args, tools, md, row) -> int:
    if "open" not in args.skip:
        path = data_file(args.format, args.lines)
        res: dict[str, list[dict]] = {t: [] for t in tools}
        for _ in range(args.runs):
            for t in tools:  # interleaved: the tools see the same machine load
                res[t].append(bench_open(t, path, args.lines))
        size = path.stat().st_size / 1e6
        what = f"{args.lines:,}-line {args.format} file ({size:.0f} MB)"
        meds = {k: {t: med([r[k] for r in res[t]]) for t in tools} for k in ("first", "full")}
        per_line = {t: med([r["per_line"] for r in res[t]]) for t in tools}
        row(f"{what}: first screen", meds["first"])
        row(f"{what}: whole file indexed / loaded", meds["full"])
        row("process RSS then, per line", per_line, unit="B")
        for t in tools:
            print(
                f"  runs {t}: first screen " + ", ".join(fmt_s(r["first"]).strip() for r in res[t])
            )
            print(f"  runs {t}: indexed " + ", ".join(fmt_s(r["full"]).strip() for r in res[t]))
    if "append" not in args.skip:
        source = data_file(args.format, max(args.append_lines, 10_000))
        marker = f"appended-block-end-{os.getpid()}"
        block_lines = source.read_bytes().split(b"\n", args.append_lines)
        block = b"\n".join(block_lines[: args.append_lines]) + b"\n"
        first_line = block_lines[0].decode()
        block += (first_line.rsplit(" ", 1)[0] + " " + marker + "\n").encode()
        res2: dict[str, list[dict]] = {t: [] for t in tools}
        for _ in range(args.runs):
            for t in tools:
                res2[t].append(bench_append(t, source, 10_000, block, marker))
        row(
            f"{args.append_lines:,} lines appended at once → last one shown",
            {t: med([r["shown"] for r in res2[t]]) for t in tools},
        )
        for t in tools:
            print(f"  runs {t}: appended " + ", ".join(fmt_s(r["shown"]).strip() for r in res2[t]))
    print("\n".join(md[1:]))
    if args.readme:
        write_readme(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
