"""Columnar ingest: worker processes parse byte ranges of a file into packed columns.

No Textual here, and nothing per line in Python where it can be avoided:

* :mod:`.columns` — one byte range (``os.pread``) to numpy columns (epochs, levels)
  plus each rule's candidate lines; runs in worker processes;
* :mod:`.jsonfast` — JSON lines to columns with msgspec (in the workers);
* :mod:`.check` — ``logwatch-tui check`` over one file: workers forked first (one
  loads numpy, then forks the others) and started on the byte ranges with a guessed
  plan; the first 400 lines through the source's own parser (format detection, year,
  the timestamp probe), which confirms the plan or has the ranges parsed again; the
  unchanged rule engine fed compact batches. Falls back (returns None) for anything
  it does not cover, so the answer is always the line-by-line path's.
"""
