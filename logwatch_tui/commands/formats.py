"""``logwatch-tui formats``: list the formats, explain how a file's lines parse, import lnav's.

::

    logwatch-tui formats list                     # name, specificity, what it matches
    logwatch-tui formats test app.log [-n 40]     # per line: the format, why, the runner-up
    logwatch-tui formats import lnav/foo.json     # lnav definitions -> [[formats]] TOML

``test`` is the command to run when a line parses wrong: for each line it shows the
format the file got, the points each candidate earned on that line (1 matched, +1 a
timestamp, +1 a known level), the best and the second-best candidate and the margin,
then the file's detection scores.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import tomli_w

from logwatch_tui.core.formats import format_names, make_format
from logwatch_tui.core.formats.base import LogFormat
from logwatch_tui.core.formats.detect import SourceParser, explain, fresh, sample_lines
from logwatch_tui.core.formats.lnav_import import import_lnav
from logwatch_tui.core.levels import Level

PROG = "logwatch-tui formats"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description="Log formats: list, test, import.")
    p.add_argument("--config", metavar="FILE", help="config file (custom [[formats]])")
    sub = p.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="every format with what it matches")
    t = sub.add_parser("test", help="which format each line of FILE gets, and why")
    t.add_argument("file")
    t.add_argument("-n", "--lines", type=int, default=40, help="lines to show (default 40)")
    t.add_argument("--format", metavar="NAME", help="force this format instead of detecting")
    i = sub.add_parser("import", help="convert lnav format JSON to [[formats]] TOML")
    i.add_argument("files", nargs="+", metavar="FILE.json")
    i.add_argument("-o", "--output", metavar="FILE", help="write the TOML here (default stdout)")
    return p


def _candidates(custom: list[dict[str, Any]]) -> list[LogFormat]:
    return [make_format(n, custom=custom) for n in format_names(custom=custom)]


def cmd_list(custom: list[dict[str, Any]], out: Any) -> int:
    fmts = _candidates(custom)
    width = max(len(f.name) for f in fmts)
    out.write(f"{'NAME':<{width}}  SPEC  DESCRIPTION\n")
    for f in sorted(fmts, key=lambda f: f.name):
        spec = int(getattr(f, "specificity", 50))
        out.write(f"{f.name:<{width}}  {spec:>4}  {f.description}\n")
    out.write(
        "\nDetection: the format that explains most of each line (match, timestamp, level)\n"
        "wins; ties go to the higher specificity. `formats test FILE` shows the scores.\n"
    )
    return 0


def _why(points: int) -> str:
    return (
        "no match",
        "matched, no time, no level",
        "matched + time or level",
        "matched + time + level",
    )[points]


def cmd_test(path: str, n: int, forced: str | None, custom: list[dict[str, Any]], out: Any) -> int:
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        lines = []
        for i, raw in enumerate(fh):
            if i >= max(n, 200):
                break
            lines.append(raw.rstrip("\r\n"))
    cands = _candidates(custom)
    sp = SourceParser(
        path, forced=make_format(forced, custom=custom) if forced else None, candidates=cands
    )
    batch = sp.feed(lines, first_line=1)
    chosen = sp.format.name
    parse_lines = sp.parse_lines(batch)
    scratch = [fresh(f) for f in cands]
    table = {f.name: explain(f, parse_lines) for f in scratch}
    out.write(f"{path}: format {chosen!r}\n")
    sample = sample_lines(parse_lines)
    if sample:
        tallies = sorted(
            ((sum(explain(fresh(f), sample)) / (3 * len(sample)), f) for f in cands),
            key=lambda t: (-t[0], -int(getattr(t[1], "specificity", 50)), t[1].name),
        )
        top = ", ".join(
            f"{f.name} {s:.0%} (spec {getattr(f, 'specificity', 50)})" for s, f in tallies[:4]
        )
        out.write(f"detection over {len(sample)} sample lines: {top}\n")
    if sp.notice:
        out.write(sp.notice + "\n")
    out.write("\n")
    for i, line in enumerate(lines[:n]):
        ranked = sorted(
            ((table[f.name][i], int(getattr(f, "specificity", 50)), f.name) for f in scratch),
            key=lambda t: (-t[0], -t[1], t[2]),
        )
        best, second = ranked[0], ranked[1] if len(ranked) > 1 else (0, 0, "-")
        head = batch.heads[i]
        if not head:
            what = "continuation of the record above"
        else:
            ts = batch.ts[i]
            when = (
                "no time"
                if i in sp.untimed_heads(batch)
                else datetime.fromtimestamp(ts).astimezone().isoformat()
            )
            what = f"{Level(batch.levels[i]).name:<8} {when}"
        out.write(f"{i + 1:>5} {what}\n      {line[:160]!r}\n")
        if best[0] == 0:
            out.write("      no format matches this line\n")
        else:
            margin = best[0] - second[0]
            by = f"by {margin} point(s)" if margin else f"tie, specificity {best[1]} > {second[1]}"
            out.write(
                f"      best {best[2]} ({_why(best[0])}); second {second[2]} "
                f"({_why(second[0])}); {by}\n"
            )
            if chosen != best[2] and head:
                mine = table.get(chosen, [0] * len(lines))[i] if chosen in table else 0
                out.write(f"      the file's format {chosen!r} scores {mine} here\n")
    return 0


def cmd_import(files: Sequence[str], output: str | None, out: Any, err: Any) -> int:
    all_specs: list[dict[str, Any]] = []
    for path in files:
        try:
            with open(path, encoding="utf-8") as fh:
                doc = json.load(fh)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not JSON: {exc}") from None
        specs, notes = import_lnav(doc)
        all_specs.extend(specs)
        for name, lines in notes.items():
            status = "imported" if any(s["name"] == name for s in specs) else "NOT imported"
            err.write(f"{path}: {name}: {status}\n")
            for note in lines:
                err.write(f"    {note}\n")
    text = tomli_w.dumps({"formats": all_specs}, multiline_strings=False)
    header = (
        "# Converted from lnav format definitions by `logwatch-tui formats import`.\n"
        "# Paste into config.toml (or keep as is: every table is a [[formats]] entry).\n"
    )
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(header + text)
    else:
        out.write(header + text)
    err.write(f"{len(all_specs)} format(s) converted\n")
    return 0 if all_specs else 1


def main(argv: Sequence[str], *, formats: list[dict[str, Any]] | None = None) -> int:
    args = build_parser().parse_args(list(argv))
    custom = formats or []
    if args.config:
        from logwatch_tui.config import load_config

        custom = load_config(args.config).formats
    if args.action == "list":
        return cmd_list(custom, sys.stdout)
    if args.action == "test":
        return cmd_test(args.file, args.lines, args.format, custom, sys.stdout)
    return cmd_import(args.files, args.output, sys.stdout, sys.stderr)
