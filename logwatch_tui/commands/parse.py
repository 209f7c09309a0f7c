"""``logwatch-tui parse``: print each parsed record (one line of text, or JSON with ``--json``)."""

from __future__ import annotations

import argparse
import sys

from logwatch_tui.commands.common import check_sources, config_for
from logwatch_tui.core.record import LogRecord
from logwatch_tui.core.safe_text import inert


def cmd_parse(args: argparse.Namespace) -> int:
    from logwatch_tui.pipeline import Pipeline, PipelineUpdate

    cfg = config_for(args)
    paths = check_sources(args.sources)
    out = sys.stdout
    if args.json:  # columnar fast path: every record with its whole text
        from logwatch_tui.commands.parse_json import write_json_records

        write_json_records(
            paths, out, format_name=args.format, custom=cfg.formats, tail_lines=args.lines
        )
        return 0
    pending: list[LogRecord | None] = [None]

    def emit(rec: LogRecord) -> None:
        # fixed width: isoformat drops ".000000" on whole seconds
        ts = rec.timestamp.isoformat(timespec="microseconds") if rec.timestamp else "-"
        out.write(inert(f"{ts} {rec.level.name:<8} {rec.source}:{rec.line} {rec.message}") + "\n")

    def sink(upd: PipelineUpdate) -> None:
        for batch in upd.batches:
            parser = pipeline.parsers[batch.source]
            seen_head = False
            for i, head in enumerate(batch.heads):
                if head:
                    seen_head = True
                    if pending[0] is not None:
                        emit(pending[0])
                    pending[0] = parser.record(batch, i)  # includes its continuations in this batch
                elif not seen_head and pending[0] is not None:
                    # continuation of a record that started in an earlier batch
                    pending[0].raw += "\n" + batch.lines[i]

    pipeline = Pipeline(
        paths, sink=sink, format_name=args.format, custom_formats=cfg.formats, tail_lines=args.lines
    )
    pipeline.replay(paths)
    if pending[0] is not None:
        emit(pending[0])
    return 0
