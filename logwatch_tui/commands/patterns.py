"""``logwatch-tui patterns``: which kinds of message are in these files, and how many of each.

Runs the same :class:`~logwatch_tui.core.patterns.PatternMiner` the TUI uses
over whole files, once, and prints the templates by count.

Units
    Without ``--messages`` the files go through the normal pipeline (format
    detection or ``--format``), and each *record* is one unit: its parsed
    message is classified (continuation lines such as tracebacks belong to
    their record). With ``--messages`` every input line is a message as it
    is (only the line ending is removed): for files that hold bare messages,
    such as a Loghub ``Content`` column (``--format`` is not used then).

Outputs
    A table (count, share, first and last seen, template; control characters
    in templates are shown escaped so a log line cannot drive the terminal);
    ``--json``: one JSON object per template per line; ``--csv``: one row per
    unit, ``LineId,ClusterId,EventTemplate``, where ``LineId`` counts units
    from 1 over all files in order and the cluster is the unit's *final*
    template (after all merges), the shape template-mining scorers read.
    ``--top N`` limits the table and ``--json`` (0 or less: all); ``--csv``
    always lists every unit.

The miner here keeps up to :data:`MAX_TEMPLATES` kinds (the live TUI keeps
fewer): a batch job should not forget kinds on a large file.
"""

from __future__ import annotations

import argparse
import csv
import sys
from array import array
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TextIO

from logwatch_tui.core.levels import Level
from logwatch_tui.core.patterns import PatternMiner, Template
from logwatch_tui.core.safe_text import inert, json_text

MAX_TEMPLATES = 50_000
"""Template cap for the batch command (memory is small per template)."""
FEED_LINES = 8192
"""Messages classified per ``add_many`` call with ``--messages``."""
READ_BYTES = 1 << 20


def terminal_safe(text: str) -> str:
    """A template is log text: its control characters are shown, never sent to the terminal."""
    return inert(text)


class PatternRun:
    """The miner plus, for ``--csv``, the template id of every unit in order."""

    def __init__(self, *, keep_ids: bool) -> None:
        self.miner = PatternMiner(max_templates=MAX_TEMPLATES)
        self.ids: array[int] | None = array("q") if keep_ids else None
        self.timed = False
        """True when units carry real timestamps (not with ``--messages``)."""

    def add(
        self,
        messages: Sequence[str],
        ts: Sequence[float] | None = None,
        levels: Sequence[int] | None = None,
    ) -> None:
        if not messages:
            return
        got = self.miner.add_many(messages, ts, levels)
        if self.ids is not None:
            self.ids.extend(got)


# -- input ---------------------------------------------------------------------------------


def expand_sources(sources: Sequence[str]) -> list[str]:
    """Files, globs and directories to readable file paths; a problem is a one-line OSError."""
    from logwatch_tui.sources.special import readable_files

    return readable_files(list(sources))


def read_messages(path: str) -> Iterator[list[str]]:
    """Lines of ``path`` in blocks, each line as it is minus its line ending.

    Invalid UTF-8 becomes U+FFFD (nothing is dropped); ``\\r\\n`` counts as
    a line ending; a last line without a newline is still a line.
    """
    rest = b""
    with open(path, "rb") as fh:
        while True:
            data = fh.read(READ_BYTES)
            if not data:
                break
            data = rest + data
            cut = data.rfind(b"\n")
            if cut == -1:
                rest = data
                continue
            rest = data[cut + 1 :]
            text = data[: cut + 1].decode("utf-8", "replace")
            lines = text.split("\n")
            lines.pop()  # after the last newline: empty
            if "\r" in text:
                lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
            for i in range(0, len(lines), FEED_LINES):
                yield lines[i : i + FEED_LINES]
    if rest:
        last = rest.decode("utf-8", "replace")
        yield [last[:-1] if last.endswith("\r") else last]


def mine_messages(paths: Sequence[str], run: PatternRun) -> None:
    for path in paths:
        try:
            for block in read_messages(path):
                run.add(block)
        except OSError as exc:
            raise OSError(f"cannot read {path}: {exc.strerror or exc}") from None


def mine_records(
    paths: list[str], run: PatternRun, *, format_name: str | None, custom_formats: list[dict]
) -> None:
    """Parse the files with the normal pipeline; each record's message is one unit."""
    from itertools import compress

    from logwatch_tui.pipeline import Pipeline, PipelineUpdate

    def sink(upd: PipelineUpdate) -> None:
        for batch in upd.batches:
            heads = batch.heads
            if all(heads):
                msgs: Sequence[str | None] = batch.messages
                ts: Sequence[float] = batch.ts
                levels: Sequence[int] = batch.levels
            else:
                msgs = list(compress(batch.messages, heads))
                ts = list(compress(batch.ts, heads))
                levels = list(compress(batch.levels, heads))
            run.add([m if isinstance(m, str) else "" for m in msgs], ts, levels)

    run.timed = True
    pipeline = Pipeline(paths, sink=sink, format_name=format_name, custom_formats=custom_formats)
    pipeline.replay(paths)


# -- output --------------------------------------------------------------------------------


def _when(ts: float, timed: bool) -> str | None:
    if not timed:
        return None
    return datetime.fromtimestamp(ts).astimezone().isoformat()


def _levels(t: Template) -> dict[str, int]:
    out = {}
    for lvl, n in sorted(t.level_counts.items(), reverse=True):
        try:
            name = Level(lvl).name
        except ValueError:
            name = str(lvl)
        out[name] = n
    return out


def template_json(t: Template, timed: bool) -> dict[str, Any]:
    return {
        "id": t.id,
        "template": t.text,
        "count": t.count,
        "first_seen": _when(t.first_seen, timed),
        "last_seen": _when(t.last_seen, timed),
        "levels": _levels(t),
    }


def write_csv(run: PatternRun, out: TextIO) -> None:
    """Templates exactly as mined (a data export scored against LogPAI's files);
    on a terminal they are made inert like every other text output."""
    miner = run.miner
    try:
        shown = inert if out.isatty() else None
    except (AttributeError, ValueError):
        shown = None
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["LineId", "ClusterId", "EventTemplate"])
    texts: dict[int, str] = {}
    canonical = miner.canonical
    for line_id, tid in enumerate(run.ids or (), start=1):
        cid = canonical(tid)
        text = texts.get(cid)
        if text is None:
            text = miner.template_text(cid)
            texts[cid] = text = shown(text) if shown is not None else text
        w.writerow([line_id, cid, text])


def _short_time(ts: float, timed: bool) -> str:
    if not timed:
        return "-"
    return datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def write_table(templates: list[Template], run: PatternRun, out: TextIO) -> None:
    miner = run.miner
    total = miner.lines
    if not total:
        out.write("no messages\n")
        return
    width = max(5, len(str(templates[0].count))) if templates else 5
    tw = 19 if run.timed else len("first seen")
    out.write(
        f"{'count':>{width}}  {'share':>6}  {'first seen':<{tw}}  {'last seen':<{tw}}  template\n"
    )
    for t in templates:
        share = 100.0 * t.count / total
        out.write(
            f"{t.count:>{width}}  {share:>5.1f}%  {_short_time(t.first_seen, run.timed):<{tw}}  "
            f"{_short_time(t.last_seen, run.timed):<{tw}}  {terminal_safe(t.text)}\n"
        )
    shown = len(templates)
    kinds = len(miner)
    unit = "records" if run.timed else "lines"
    more = f", {shown} shown" if shown < kinds else ""
    out.write(f"\n{kinds} templates in {total} {unit}{more}\n")
    if miner.evicted_templates:
        out.write(
            f"({miner.evicted_templates} rare templates with {miner.evicted_lines} {unit} "
            f"were dropped to bound memory)\n"
        )


# -- entry -----------------------------------------------------------------------------------


def cmd_patterns(args: argparse.Namespace, config: Any) -> int:
    """Run ``logwatch-tui patterns``; returns the exit code.

    Problems the user can fix raise ``ValueError``/``OSError`` with a
    one-line message (the CLI prints it and exits 2).
    """
    if args.json and args.csv:
        raise ValueError("choose one of --json and --csv")
    paths = expand_sources(args.sources)
    run = PatternRun(keep_ids=bool(args.csv))
    if args.messages:
        mine_messages(paths, run)
    else:
        mine_records(
            paths,
            run,
            format_name=args.format,
            custom_formats=list(getattr(config, "formats", None) or []),
        )
    out = sys.stdout
    if args.csv:
        write_csv(run, out)
        return 0
    templates = run.miner.templates()
    top = args.top if args.top is not None else 50
    if top > 0:
        templates = templates[:top]
    if args.json:
        for t in templates:
            out.write(json_text(template_json(t, run.timed)) + "\n")
    else:
        write_table(templates, run, out)
    return 0


__all__ = [
    "MAX_TEMPLATES",
    "PatternRun",
    "cmd_patterns",
    "expand_sources",
    "read_messages",
    "template_json",
    "terminal_safe",
]
