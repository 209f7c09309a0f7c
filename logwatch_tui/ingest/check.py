"""``check`` over one file through the columnar path: worker processes, then the engine.

The first lines (the :data:`FIRST_LINES` that ``check`` probes for timestamps) are
parsed in this process by the source's own
:class:`~logwatch_tui.core.formats.detect.SourceParser`: that settles the format (and
syslog's year) exactly as the line-by-line path would — detection looks at the first
:data:`~logwatch_tui.core.formats.detect.SAMPLE` lines, the year at the first
timestamp — and answers ``check``'s question whether the file carries timestamps at
all, on the same lines. The batch is fed to the engine as it is. If the format
compiles for the columnar path
(:func:`~logwatch_tui.core.formats.columnar.compile_columnar`), the rest of the
file is cut into byte ranges on line boundaries and parsed by worker processes
(:func:`~logwatch_tui.ingest.columns.parse_range`) into epochs and levels, with each
rule's candidate lines pre-selected. The workers are forked first thing, so their
start-up (numpy) overlaps this process's detection.

The engine (:class:`~logwatch_tui.core.engine.RuleEngine`, unchanged) then sees, per
range, a *compact* batch: the candidate lines as records with their text, message,
level and time, and between them one non-record line carrying the largest time of
the lines left out. The engine's clock is the running maximum of the times it sees
(records or not) and its counts come only from records, so it emits exactly what it
would have emitted from every line — at the cost of the candidates only.

Any range the workers cannot cover (a continuation line, a line of another shape, a
year rollover, non-ASCII text…) makes :func:`check_columnar` return None before
anything is emitted: the caller then runs the line-by-line path. Never a different
answer.

Nothing here imports the pipeline, the sources' receivers or numpy: this process's
start-up is part of every ``check``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from logwatch_tui.core.levels import Level
from logwatch_tui.ingest.summary import RangeSummary, RuleProbe, candidate_batch

if TYPE_CHECKING:
    from logwatch_tui.core.formats.columnar import ColumnarPlan
    from logwatch_tui.core.record import AlertEvent
    from logwatch_tui.core.rules import Rule

# The engine, the formats and detection are imported where they are used: ``check``
# forks its workers (start_workers) before this process loads them.


def _info(msg: str, *args: object) -> None:
    import logging  # not before the workers are forked (see above)

    logging.getLogger(__name__).info(msg, *args)


FIRST_LINES = 400
"""Lines parsed in this process: the lines ``check`` probes for timestamps
(:data:`logwatch_tui.commands.timestamps.PROBE_LINES`, twice detection's sample),
enough to settle detection."""
PROBE_CHUNK = 256 << 10
"""The probe reads this much first; :data:`FIRST_LINES` must lie within it."""
RANGE_BYTES = 2 << 20
"""Byte range per worker task. Per-task costs are small; a range's arrays that fit the
CPU caches parse faster (JSON lines: 1.26 s of CPU per 1M lines in 2 MB ranges, 1.50 s
in 8 MB ones), and the last ranges leave a core idle for less time."""
MIN_BYTES = 16 << 20
"""Smaller files stay on the line-by-line path: below this, starting worker processes
(and numpy in them) costs more than it saves (measured on 2 cores)."""
N_LEVELS = max(Level) + 1


@dataclass(slots=True)
class CheckResult:
    """What ``check`` prints: the alert timeline and the per-level summary."""

    events: list[AlertEvent]
    format_name: str
    total_lines: int = 0
    total_records: int = 0
    counts: list[int] = field(default_factory=lambda: [0] * N_LEVELS)
    notice: str | None = None
    """The source parser's line about lines that stopped matching the format, if any."""
    rule_notices: list[str] = field(default_factory=list)
    """The engine's notices (a rule disabled by its regex budget, a key cap reached)."""


def probes_for(rules: list[Rule], source: str):
    """A :class:`RuleProbe` per enabled rule that watches ``source``."""
    from logwatch_tui.core.engine import required_literal
    from logwatch_tui.core.rule_regex import pattern_risk, short_limit

    out = []
    for r in rules:
        if not r.enabled or not r.matches_source(source):
            continue
        mre = r.match_re
        minimum = int(r.level) if r.level is not None else None
        if mre is None:
            out.append(RuleProbe(minimum, None, False, None))
            continue
        lit = required_literal(mre)
        out.append(
            RuleProbe(
                minimum,
                lit.encode("utf-8") if lit is not None else None,
                bool(mre.flags & re.IGNORECASE),
                mre.pattern,
                mre.flags,
                short_limit(pattern_risk(mre.pattern, mre.flags & ~re.UNICODE)),
            )
        )
    return out


def workers_wanted() -> int:
    """Worker processes: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def line_ranges(path: str, start: int, size: int, step: int) -> list[tuple[int, int]]:
    """``[start, size)`` cut into ranges of about ``step`` bytes, each ending after a newline."""
    out = []
    fd = os.open(path, os.O_RDONLY)
    try:
        a = start
        while a < size:
            b = min(a + step, size)
            want = 4096  # most lines end within it; longer ones cost more reads
            while b < size:
                window = os.pread(fd, want, b - 1)
                want = 65536
                k = window.find(b"\n")
                if k != -1:
                    b = b - 1 + k + 1
                    break
                if not window:
                    b = size
                    break
                b += len(window)
            b = min(b, size)
            out.append((a, b))
            a = b
    finally:
        os.close(fd)
    return out


def guess_columnar(lines: list[str]) -> ColumnarPlan | None:
    """:func:`logwatch_tui.core.formats.columnar.guess_columnar` (imported when used)."""
    from logwatch_tui.core.formats.columnar import guess_columnar as guess

    return guess(lines)


DENSE_SHARE = 0.25
"""Above this share of a range's lines being rule candidates, the line path is cheaper."""
DENSE_MIN_LINES = 2000


def _load_worker_modules(json_lines: bool = False) -> None:
    """Pool initializer: numpy and the range parser load in the workers, not the parent.

    Ctrl-C is the parent's to handle (it stops the workers): no traceback per worker.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _keep_freed_memory()
    import logwatch_tui.ingest.columns  # noqa: F401

    if json_lines:
        import logwatch_tui.ingest.jsonfast  # noqa: F401


def _keep_freed_memory() -> None:
    """glibc: keep the arrays of one range for the next instead of giving them back.

    Each range allocates the same few large blocks (its bytes, its windows and columns);
    by default glibc maps and unmaps each one, and every range pays page faults again
    (a third of the workers' CPU time, measured). A worker's memory is its peak either way.
    """
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    mallopt(m_mmap_threshold, 32 << 20)  # glibc's largest allowed value
    mallopt(m_trim_threshold, 1 << 30)
    mallopt(m_top_pad, 64 << 20)


def _parse_task(args: tuple) -> RangeSummary:
    from logwatch_tui.ingest.columns import summarise_range

    try:
        return summarise_range(*args)
    except Exception as exc:  # a bug here must cost speed (line-by-line), not the answer
        return RangeSummary(args[1], args[2], False, f"columnar parser failed: {exc!r}")


class Workers:
    """Worker processes for one ``check``, started as early as possible.

    Forked first thing (:func:`start_workers`), so their start-up overlaps this
    process's reading of rules and detection; :meth:`start` hands them all the ranges
    at once and they begin at once. Where ``os.fork`` exists, one child loads numpy
    (and the range parser) and then forks the others from itself: numpy is loaded once,
    not once per worker (a tenth of a second of CPU each), and this process runs no
    extra threads. Elsewhere, a ``multiprocessing`` pool.
    """

    def __init__(self, n: int, *, json_lines: bool = False) -> None:
        self.n = n
        self.json_lines = json_lines
        """The file looks like JSON lines: the workers load its decoder at start-up."""
        self.pool = None
        self._group: _ForkedGroup | None = None
        self._spawn()

    def _spawn(self) -> None:
        if self.n <= 1:
            return
        if hasattr(os, "fork"):
            self._group = _ForkedGroup(self.n, self.json_lines)
            return
        import multiprocessing as mp

        self.pool = mp.get_context("spawn").Pool(
            self.n, initializer=_load_worker_modules, initargs=(self.json_lines,)
        )

    @property
    def parallel(self) -> bool:
        return self.pool is not None or self._group is not None

    def start(self, tasks: list[tuple]) -> Iterator[RangeSummary]:
        """The tasks' summaries in order; worker processes start on them now."""
        if len(tasks) > 1:
            if self._group is not None:
                return self._group.start(tasks)
            if self.pool is not None:
                return self.pool.imap(_parse_task, tasks)
        return map(_parse_task, tasks)  # in this process, as they are asked for

    def close(self) -> None:
        if self._group is not None:
            self._group.close()
            self._group = None
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def restart(self) -> None:
        """Drop whatever the workers were doing (their results are not wanted)."""
        self.close()
        self._spawn()


def _write_frame(fd: int, obj: object) -> None:
    import pickle

    data = pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
    view = memoryview(len(data).to_bytes(8, "little") + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exact(fd: int, n: int) -> bytes | None:
    parts = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


def _read_frame(fd: int) -> object | None:
    """The next object written by :func:`_write_frame`; None at end of file."""
    import pickle

    head = _read_exact(fd, 8)
    if head is None:
        return None
    data = _read_exact(fd, int.from_bytes(head, "little"))
    return None if data is None else pickle.loads(data)


class _ForkedGroup:
    """``n`` workers: one forked child that loads the parser, then forks the rest.

    Each worker has a task pipe and a result pipe. :meth:`start` sends every worker the
    whole task list once; worker ``i`` parses tasks ``i, i+n, i+2n…`` and writes their
    summaries in that order, so reading the result pipes in turn gives them in task
    order. A worker that dies shows as the end of its pipe: its ranges come back
    uncovered and ``check`` takes the line-by-line path.
    """

    def __init__(self, n: int, json_lines: bool) -> None:
        self.n = n
        pipes = [(os.pipe(), os.pipe()) for _ in range(n)]
        pid = os.fork()
        if pid == 0:  # the first worker
            code = 1
            try:
                _run_group(pipes, json_lines)
                code = 0
            finally:
                os._exit(code)
        self.pid = pid
        self.tasks: list[int] = []
        self.results: list[int] = []
        for (task_r, task_w), (res_r, res_w) in pipes:
            os.close(task_r)
            os.close(res_w)
            self.tasks.append(task_w)
            self.results.append(res_r)

    def start(self, tasks: list[tuple]) -> Iterator[RangeSummary]:
        try:
            for fd in self.tasks:
                _write_frame(fd, tasks)
        except OSError:  # a worker is gone already
            return iter([RangeSummary(tasks[0][1], tasks[0][2], False, "a worker process ended")])
        return self._collect(tasks)

    def _collect(self, tasks: list[tuple]) -> Iterator[RangeSummary]:
        for k, task in enumerate(tasks):
            try:
                got = _read_frame(self.results[k % self.n])
            except (OSError, EOFError, ValueError):
                got = None
            if not isinstance(got, RangeSummary):
                yield RangeSummary(task[1], task[2], False, "a worker process ended")
                return
            yield got

    def close(self) -> None:
        import signal

        for fd in self.tasks + self.results:
            try:
                os.close(fd)
            except OSError:
                pass
        self.tasks, self.results = [], []
        try:  # the first worker stops the others and waits for them
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _run_group(pipes: list, json_lines: bool) -> None:
    """The first worker: load the parser, fork the other workers, serve, reap them."""
    import signal

    children: list[int] = []

    def stop(_signum, _frame) -> None:
        for c in children:
            try:
                os.kill(c, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for c in children:
            try:
                os.waitpid(c, 0)
            except ChildProcessError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for (_, task_w), (res_r, _) in pipes:
        os.close(task_w)
        os.close(res_r)
    _load_worker_modules(json_lines)
    mine = 0
    for i in range(1, len(pipes)):
        pid = os.fork()
        if pid == 0:
            mine = i
            break
        children.append(pid)
    for i, ((task_r, _), (_, res_w)) in enumerate(pipes):
        if i != mine:
            os.close(task_r)
            os.close(res_w)
    if mine == 0:
        signal.signal(signal.SIGTERM, stop)
    (task_r, _), (_, res_w) = pipes[mine]
    _serve(task_r, res_w, mine, len(pipes))
    if mine == 0:
        for c in children:
            os.waitpid(c, 0)


def _serve(task_r: int, res_w: int, i: int, n: int) -> None:
    while True:
        tasks = _read_frame(task_r)
        if tasks is None:
            return
        for task in tasks[i::n]:  # type: ignore[index]
            _write_frame(res_w, _parse_task(task))


def columnar_candidate(path: str, *, min_bytes: int | None = None) -> bool:
    """Whether ``path`` is a file :func:`check_columnar` may take (regular and big;
    a compressed one is turned away there, once the workers are started)."""
    try:
        if not os.path.isfile(path):
            return False
        size = os.stat(path).st_size
    except OSError:
        return False
    return size >= (MIN_BYTES if min_bytes is None else min_bytes)


def start_workers(
    path: str, *, workers: int | None = None, range_bytes: int = RANGE_BYTES
) -> Workers:
    """Fork the workers for ``check_columnar(path)`` now (before rules and detection)."""
    try:
        size = os.stat(path).st_size
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        size, head = 0, b""
    w = workers if workers is not None else workers_wanted()
    json_lines = head.lstrip(b"\xef\xbb\xbf")[:1] == b"{"
    return Workers(min(w, max(1, -(-size // range_bytes))), json_lines=json_lines)


def check_columnar(
    path: str,
    rules: list[Rule],
    *,
    format_name: str | None = None,
    custom_formats: list[dict] | None = None,
    workers: int | None = None,
    range_bytes: int = RANGE_BYTES,
    min_bytes: int | None = None,
    started: Workers | None = None,
) -> CheckResult | None:
    """Replay one file through the rules (as ``Pipeline.replay`` would), or None.

    None: the file needs the line-by-line path (not a regular file, a compressed one,
    first lines without any timestamp, a format or a shape the columnar path does not
    cover); nothing was emitted. ``started``: workers from :func:`start_workers` (for
    this path), which this call closes.
    """
    pool = started
    try:
        if not columnar_candidate(path, min_bytes=min_bytes):
            return None
        from logwatch_tui.sources.compressed import is_compressed
        from logwatch_tui.sources.content import file_lines_end_in_cr

        if is_compressed(path) or file_lines_end_in_cr(path):  # content is not its bytes / CR ends
            return None
        size = os.stat(path).st_size
        if pool is None:
            pool = start_workers(path, workers=workers, range_bytes=range_bytes)
        from logwatch_tui.core.formats import format_names, make_format

        custom = custom_formats or []
        forced = make_format(format_name, custom=custom) if format_name else None
        cands = (
            [make_format(n, custom=custom) for n in format_names(custom=custom)] if custom else None
        )
        return _check(path, rules, size, forced, cands, pool, range_bytes)
    except OSError:
        return None
    finally:
        if pool is not None:
            pool.close()


def split_lines(data: bytes) -> list[str]:
    """Complete lines of a chunk as text, exactly as the pipeline cuts them
    (``logwatch_tui.pipeline.split_lines``, whose module is not imported here)."""
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
    return lines


def _first_lines(path: str) -> tuple[list[str], int] | None:
    """The first :data:`FIRST_LINES` lines and the byte offset after them, or None.

    Read as ``check``'s timestamp probe reads them (the first :data:`PROBE_CHUNK` of
    the file, whole lines); None when they do not all lie in it (very long lines).
    """
    from logwatch_tui.sources.file import read_chunks

    chunks = read_chunks(path, chunk_size=PROBE_CHUNK)
    try:
        first = next(chunks, None)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    if first is None or first.offset != 0:
        return None
    data = first.data
    end = -1
    for _ in range(FIRST_LINES):
        end = data.find(b"\n", end + 1)
        if end == -1:
            return None
    return split_lines(data[: end + 1]), end + 1


def _check(
    path: str,
    rules: list[Rule],
    size: int,
    forced,
    cands,
    pool: Workers,
    range_bytes: int,
) -> CheckResult | None:
    from logwatch_tui.core.engine import RuleEngine
    from logwatch_tui.core.formats.columnar import HALF_YEAR, compile_columnar
    from logwatch_tui.core.formats.detect import SourceParser

    got = _first_lines(path)
    if got is None:
        return None
    lines, rest = got
    probes = probes_for(rules, path)
    ranges = line_ranges(path, rest, size, range_bytes) if rest < size else []
    running = None
    guess = guess_columnar(lines) if ranges and pool.parallel and forced is None else None
    if guess is not None:  # the workers start now, while the format is being detected
        running = pool.start([(path, a, b, guess, probes) for a, b in ranges])
    parser = SourceParser(path, forced=forced, candidates=cands)
    batch = parser.feed(lines, first_line=1)
    if not parser.has_timestamps:  # ``check`` tells the user so: the line-by-line path
        return None
    plan = compile_columnar(parser) if ranges else None
    if ranges and plan is None:
        return None
    if plan is not None and (guess is None or guess.work() != plan.work()):
        if running is not None:  # guessed wrong: those results are not this plan's
            pool.restart()
        running = pool.start([(path, a, b, plan, probes) for a, b in ranges])
    engine = RuleEngine(rules)
    result = CheckResult(events=[], format_name=parser.format.name)
    events = result.events
    events.extend(engine.feed(batch))
    result.total_lines += len(batch.lines)
    for lvl, h in zip(batch.levels, batch.heads, strict=True):
        if h:
            result.counts[lvl] += 1
            result.total_records += 1
    if plan is not None and running is not None:
        fmt = parser.format
        _info("%s: columnar path, %d byte ranges after the first lines", path, len(ranges))
        last = plan.last_epoch
        deciding, seen = True, [0, 0]  # lines, candidates so far
        for summary in running:
            if not summary.covered:
                _info("%s: line-by-line path (%s at byte %d)", path, summary.reason, summary.offset)
                return None
            if summary.lines == 0:
                continue
            if deciding:
                seen[0] += summary.lines
                seen[1] += len(summary.candidates)
                deciding = seen[0] < DENSE_MIN_LINES
                if not deciding and seen[1] > DENSE_SHARE * seen[0]:
                    # most lines go to the engine anyway: shipping them from the workers
                    # costs more than parsing them here
                    _info("%s: line-by-line path (most lines are rule candidates)", path)
                    return None
            if plan.kind == "bsd-syslog" and last is not None:
                if summary.first_epoch <= last - HALF_YEAR:  # type: ignore[operator]
                    return None  # a year rollover at the range boundary
                last = summary.last_epoch
            events.extend(engine.feed(candidate_batch(summary, path, fmt)))
            for lvl, c in enumerate(summary.counts):
                result.counts[lvl] += c
            result.total_lines += summary.lines
            result.total_records += summary.lines
    events.extend(engine.finish())
    result.rule_notices = [n.message for n in engine.take_notices()]
    result.notice = parser.notice  # the ranges were all headers: only the first lines count
    return result


__all__ = [
    "CheckResult",
    "Workers",
    "check_columnar",
    "columnar_candidate",
    "line_ranges",
    "probes_for",
    "split_lines",
    "start_workers",
]
