"""``logwatch-tui notify-test NAME``: send a sample alert through one notifier."""

from __future__ import annotations

import argparse

from logwatch_tui.commands.common import config_for
from logwatch_tui.core.safe_text import inert


def cmd_notify_test(args: argparse.Namespace) -> int:
    from logwatch_tui.notify import notify_test

    cfg = config_for(args)
    outcome = notify_test(args.name, cfg.notifiers)
    print(inert(outcome.describe()))
    return 0 if outcome.status == "delivered" else 1
