"""``-``: standard input as a source (``cmd | logwatch-tui -``).

In ``parse``, ``check`` and ``--headless`` this is plain reading of fd 0. The
TUI needs fd 0 for the keyboard, so before Textual starts
:func:`free_terminal_for_keyboard` moves the pipe to another descriptor and
reopens the controlling terminal onto fd 0 — what ``less`` does. The reader
then reads the moved descriptor (:data:`_stdin_fd`).

Everything that arrives on stdin is new to this process (a restart never sees
the same bytes again), so it is *live*: alerts from it are announced, in
``--headless`` too, without ``--replay``.
"""

from __future__ import annotations

import os
import select
from collections.abc import Iterator

from logwatch_tui.sources.content import RawChunk
from logwatch_tui.sources.lines import CUT_MARKER, LINE_CAP
from logwatch_tui.sources.stream import StreamSource

STDIN_SPEC = "-"
STDIN_NAME = "<stdin>"
"""The source name records from stdin carry."""

_stdin_fd = 0
"""Where stdin's bytes are read from (moved off fd 0 when the TUI takes the terminal)."""
_claimed = False
"""True once a live reader owns stdin: a replay (the rule editor's backtest) must
not read it too and steal lines."""

_CHUNK = 1 << 16


class TerminalError(OSError):
    """Stdin can't be both the log and the keyboard."""


def is_claimed() -> bool:
    """True once a live reader follows stdin (a replay then reads nothing)."""
    return _claimed


def free_terminal_for_keyboard() -> None:
    """Move piped stdin off fd 0 and reopen the controlling terminal there.

    Raises :class:`TerminalError` when stdin is itself the terminal (there is
    nothing piped to read) or when there is no terminal to read keys from.
    """
    global _stdin_fd
    if _stdin_fd != 0:
        return
    if os.isatty(0):
        raise TerminalError(
            "'-' reads standard input, but it is the terminal: pipe something in "
            "(cmd | logwatch-tui -)"
        )
    try:
        tty = os.open("/dev/tty", os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise TerminalError(
            f"'-' in the TUI needs a terminal for the keyboard (/dev/tty: {exc.strerror}); "
            "use --headless or parse instead"
        ) from exc
    moved = os.dup(0)
    os.set_inheritable(moved, False)
    os.dup2(tty, 0)
    os.close(tty)
    _stdin_fd = moved


def _read_blocks(fd: int, stop=None) -> Iterator[bytes]:
    while True:
        if stop is not None:
            while not stop.is_set():
                ready, _, _ = select.select([fd], [], [], 0.2)
                if ready:
                    break
            else:
                return
        try:
            data = os.read(fd, _CHUNK)
        except InterruptedError:
            continue
        if not data:
            return
        yield data


def _whole_lines(blocks: Iterator[bytes], cap: int = LINE_CAP) -> Iterator[bytes]:
    """Blocks cut back to line ends; a last line without newline gets one at EOF.

    Memory and time stay bounded on a stream without newlines: only new data is
    searched for a newline, the unfinished line grows in place, and a line that
    reaches ``cap`` bytes is delivered at once as its first ``cap`` bytes and
    :data:`~.lines.CUT_MARKER` (what a file's line cutter keeps too); the rest of
    it, up to its newline, is skipped.
    """
    pending = bytearray()
    skipping = False
    for data in blocks:
        pos = 0
        if skipping:
            j = data.find(b"\n")
            if j < 0:
                continue
            skipping = False
            pos = j + 1
        cut = data.rfind(b"\n", pos) + 1
        if cut:
            if pending:
                pending += data[pos:cut]
                yield bytes(pending)
                pending = bytearray()
            else:
                yield data if pos == 0 and cut == len(data) else data[pos:cut]
            pos = cut
        pending += data[pos:]
        if len(pending) >= cap:
            del pending[cap:]
            pending += CUT_MARKER + b"\n"
            yield bytes(pending)
            pending = bytearray()
            skipping = True
    if pending:
        yield bytes(pending) + b"\n"


def replay_stdin() -> Iterator[RawChunk]:
    """All of stdin as chunks, for ``parse``/``check`` (nothing if a live reader owns it)."""
    if _claimed:
        return
    offset, line = 0, 1
    for data in _whole_lines(_read_blocks(_stdin_fd)):
        yield RawChunk(STDIN_NAME, data, offset, line, None, False)  # type: ignore[arg-type]
        offset += len(data)
        line += data.count(b"\n")


class StdinSource(StreamSource):
    """Follows stdin until EOF (then says so; the other sources keep going)."""

    finite = True

    def __init__(self, spec, on_chunk, on_event) -> None:
        super().__init__(spec, on_chunk, on_event)
        self.name = STDIN_NAME

    def start(self) -> None:
        global _claimed
        _claimed = True
        self.event("caught-up", "reading standard input")
        self.spawn(self._run, "logwatch-stdin")

    def _run(self) -> None:
        try:
            for data in _whole_lines(_read_blocks(_stdin_fd, self._stop)):
                self.emitter.emit(STDIN_NAME, data)
            if not self._stop.is_set():
                self.event("deleted", "standard input ended")
        finally:
            self.ended.set()
