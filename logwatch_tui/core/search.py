"""Regex search over a LineStore: compile with smart case, scan millions of lines fast.

The scan never touches one line at a time in Python: text comes from
:meth:`LineStore.iter_text_blocks` (one ``pread`` per few MB), and the match
test is ``itertools.compress(lines, map(rx.search, texts))`` — a loop that runs
in C. Restricting the scan to some lines (the visible rows) keeps that shape:
the wanted lines are cut into clusters, each cluster is read in blocks, and
the texts of wanted lines are picked with ``map(texts.__getitem__, ...)``.

Smart case (as in vim, less, ripgrep): a pattern in lower case matches any
case; a pattern with an upper-case letter is taken literally. Letters inside
escapes (``\\S``, ``\\W``) and group names do not count — otherwise ``\\d+\\S``
would silently turn case-sensitive.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from itertools import compress, islice, repeat
from operator import contains, or_, sub
from typing import TYPE_CHECKING, Protocol

from logwatch_tui.core.rule_regex import HIGHLIGHT_TIMEOUT, RegexTimeout, search_guard

if TYPE_CHECKING:
    from logwatch_tui.core.store import LineStore

MAX_SPANS = 1000
"""match_spans stops after this many spans: a highlight, not an index."""
CLUSTER_GAP = 64
"""Wanted lines closer than this are read together (reading a few unwanted lines
costs far less than another pread and generator round)."""


class Cancel(Protocol):
    """Anything with ``is_set()`` — a ``threading.Event`` in practice (core imports no threads)."""

    def is_set(self) -> bool: ...


Progress = Callable[[int, int], None]
"""``progress(done_lines, total_lines)``, called about once per block read."""


class SearchError(ValueError):
    """A pattern that does not compile; the message names the position."""

    def __init__(self, message: str, *, pattern: str = "", pos: int | None = None) -> None:
        super().__init__(message)
        self.pattern = pattern
        self.pos = pos


_NOT_CASE_CLUES = re.compile(r"\\.|\(\?P<[^>]*>|\(\?P=[^)]*\)|\(\?<[^>=!][^>]*>", re.DOTALL)


def is_case_sensitive(pattern: str) -> bool:
    """Smart case: an upper-case letter outside escapes and group names."""
    return any(c.isupper() for c in _NOT_CASE_CLUES.sub("", pattern))


@lru_cache(maxsize=256)
def compile_search(pattern: str) -> re.Pattern[str]:
    """Compile a user's pattern with smart case; SearchError says where it is broken."""
    if not pattern:
        raise SearchError("empty pattern: type some text or a regex", pattern=pattern, pos=0)
    # MULTILINE: ^ and $ also work per line in a multi-line record (detail view highlights)
    flags = re.MULTILINE if is_case_sensitive(pattern) else re.MULTILINE | re.IGNORECASE
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        pos = exc.pos
        where = f" at position {pos + 1}" if pos is not None else ""
        raise SearchError(f"invalid regex{where}: {exc.msg}", pattern=pattern, pos=pos) from None
    except (OverflowError, RecursionError, ValueError) as exc:  # absurd repeat counts, nesting
        raise SearchError(f"invalid regex: {exc}", pattern=pattern) from None


def _regex(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    return compile_search(pattern) if isinstance(pattern, str) else pattern


_META = frozenset(".^$*+?{}[]\\|()")
_CHAR_ESCAPE = re.compile(r"\\(?:[xuUN0-7])")

LineTest = Callable[[list[str]], Iterator[object]]
"""Maps a list of line texts to one truthy/falsy value per line (lazily, in C)."""


def line_test(pattern: str | re.Pattern[str]) -> LineTest:
    """The fastest equivalent test of ``pattern`` against many lines.

    Python's ``re`` is several times slower with IGNORECASE, and a regex call costs
    more than ``in``. So a smart-case (all lower-case) pattern runs case-sensitively
    on lower-cased text, and a pattern without regex syntax becomes a substring test.
    Patterns where that could change the meaning (inline flags, character-code
    escapes like ``\\x41``) keep the regex as compiled.
    """
    rx = _regex(pattern)
    p = rx.pattern
    if not isinstance(p, str):
        raise SearchError("search patterns are text, not bytes")
    fold = bool(rx.flags & re.IGNORECASE)
    if fold and (is_case_sensitive(p) or "(?" in p or _CHAR_ESCAPE.search(p)):
        return _bounded_test(rx, lower=False)
    literal = not any(c in _META for c in p)
    # "timeout|refused": a few substring tests beat one regex alternation by far
    words = p.split("|")
    alternation = (
        not literal
        and 1 < len(words) <= 8
        and all(w and not any(c in _META for c in w) for w in words)
    )
    if fold:
        if literal:
            needle = p.lower()
            return lambda texts: map(contains, map(str.lower, texts), repeat(needle))
        if alternation:
            return _any_substring([w.lower() for w in words], lower=True)
        return _bounded_test(re.compile(p, rx.flags & ~re.IGNORECASE), lower=True)
    if literal:
        return lambda texts: map(contains, texts, repeat(p))
    if alternation:
        return _any_substring(words, lower=False)
    return _bounded_test(rx, lower=False)


def _bounded_test(rx: re.Pattern[str], *, lower: bool) -> LineTest:
    """``map(rx.search, texts)`` that can't freeze the UI (see :mod:`~.rule_regex`).

    The pattern is analysed once; per block, the longest text picks the
    engine: stdlib ``re`` (as fast as before) when the pattern can't backtrack
    badly on texts that long, else the ``regex`` module with a time budget per
    line, which releases the GIL. A line that runs out of time raises
    :class:`~logwatch_tui.core.rule_regex.RegexTimeout` (the search or filter stops).
    """
    guard = search_guard(rx)

    def test(texts: list[str]) -> Iterator[object]:
        if lower:
            texts = list(map(str.lower, texts))
        return map(guard.finder(max(map(len, texts), default=0)), texts)

    return test


def _any_substring(words: list[str], *, lower: bool) -> LineTest:
    def test(texts: list[str]) -> Iterator[object]:
        hay = list(map(str.lower, texts)) if lower else texts
        it: Iterator[object] = map(contains, hay, repeat(words[0]))
        for w in words[1:]:
            it = map(or_, it, map(contains, hay, repeat(w)))
        return it

    return test


def match_spans(pattern: str | re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-empty match in ``text``, for highlighting.

    Empty matches (``a*`` between letters) are skipped: there is nothing to paint.
    """
    spans: list[tuple[int, int]] = []
    for m in bounded_finditer(_regex(pattern), text):
        s, e = m.span()
        if e > s:
            spans.append((s, e))
            if len(spans) >= MAX_SPANS:
                break
    return spans


def bounded_finditer(rx: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """``rx.finditer(text)`` for highlighting on the UI's thread: bounded by
    :data:`~logwatch_tui.core.rule_regex.HIGHLIGHT_TIMEOUT`; no highlight
    (an empty list) rather than a frozen screen when a line runs out of time."""
    try:
        return search_guard(rx, HIGHLIGHT_TIMEOUT).finditer(text)
    except RegexTimeout:
        return []


def _clusters(lines: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Split ascending ``lines`` into index ranges ``(i, j)`` whose neighbours are close."""
    n = len(lines)
    if not n:
        return
    # indices where the gap to the previous line is too wide — computed in C
    gaps = map(sub, islice(lines, 1, None), lines)
    breaks = compress(range(1, n), map(CLUSTER_GAP.__lt__, gaps))
    i = 0
    for j in breaks:
        yield i, j
        i = j
    yield i, n


def iter_line_texts(
    store: LineStore,
    lines: Sequence[int] | None = None,
    *,
    start: int = 0,
    stop: int | None = None,
    cancel: Cancel | None = None,
    progress: Progress | None = None,
) -> Iterator[tuple[Sequence[int], list[str]]]:
    """Yield ``(line_numbers, texts)`` block by block, in ascending line order.

    With ``lines`` (ascending store line numbers, e.g. the visible rows) only those
    lines are yielded; otherwise every line in ``[start, stop)``. Stops early, without
    error, once ``cancel.is_set()`` — the caller that cancelled drops the result.
    """
    n = len(store)
    stop = n if stop is None else min(stop, n)
    start = max(0, start)
    if lines is None:
        total = max(0, stop - start)
        done = 0
        for first, texts in store.iter_text_blocks(start, stop):
            if cancel is not None and cancel.is_set():
                return
            yield range(first, first + len(texts)), texts
            done += len(texts)
            if progress is not None:
                progress(done, total)
        return
    lo = bisect_left(lines, start)
    hi = bisect_left(lines, stop, lo)
    if lo or hi != len(lines):
        lines = lines[lo:hi]
    if lines and lines[-1] - lines[0] + 1 == len(lines):
        # every line of a stretch (nothing hidden): read it straight through
        yield from iter_line_texts(
            store, start=lines[0], stop=lines[-1] + 1, cancel=cancel, progress=progress
        )
        return
    total = len(lines)
    done = 0
    for i, j in _clusters(lines):
        for first, texts in store.iter_text_blocks(lines[i], lines[j - 1] + 1):
            if cancel is not None and cancel.is_set():
                return
            # the wanted lines inside this block
            k = bisect_left(lines, first + len(texts), i, j)
            sel = lines[i:k]
            i = k
            if not sel:
                continue
            if len(sel) == len(texts):  # the whole block is wanted
                yield sel, texts
            else:
                yield sel, list(map(texts.__getitem__, map(first.__rsub__, sel)))
            done += len(sel)
            if progress is not None:
                progress(done, total)


def find_matches(
    store: LineStore,
    pattern: str | re.Pattern[str],
    *,
    lines: Sequence[int] | None = None,
    start: int = 0,
    stop: int | None = None,
    cancel: Cancel | None = None,
    progress: Progress | None = None,
) -> array:
    """Store line numbers (``array('q')``, ascending) whose raw text matches ``pattern``.

    Every physical line counts on its own (a traceback line matches by itself); the
    filters, not the search, keep records whole. ``lines`` restricts the search to
    those (ascending) line numbers. A ``str`` pattern is compiled with smart case and
    may raise :class:`SearchError`.
    """
    test = line_test(pattern)
    out = array("q")
    for sel, texts in iter_line_texts(
        store, lines, start=start, stop=stop, cancel=cancel, progress=progress
    ):
        out.extend(compress(sel, test(texts)))
    return out


def next_match(
    matches: Sequence[int], line: int, *, forward: bool = True, wrap: bool = True
) -> int | None:
    """The match after (or before) ``line`` in sorted ``matches``, wrapping around (``n``/``N``)."""
    if not matches:
        return None
    if forward:
        i = bisect_left(matches, line + 1)
        if i < len(matches):
            return matches[i]
        return matches[0] if wrap else None
    i = bisect_left(matches, line) - 1
    if i >= 0:
        return matches[i]
    return matches[-1] if wrap else None


__all__ = [
    "Cancel",
    "Progress",
    "SearchError",
    "bounded_finditer",
    "compile_search",
    "find_matches",
    "is_case_sensitive",
    "iter_line_texts",
    "line_test",
    "match_spans",
    "next_match",
]
