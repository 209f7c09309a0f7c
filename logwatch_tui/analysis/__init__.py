"""Work over the store or a replay, for the TUI and the subcommands alike; no Textual.

* :mod:`.backtest` — replay a file through one rule in event time (the rule editor's panel);
* :mod:`.export` — write the visible rows to a file (text, JSON lines, CSV);
* :mod:`.pattern_index` — message templates of the store's lines, row ids per template.
"""
