"""The rule engine: folds batches of log lines into alert state, in event time.

Pure and single-threaded: the pipeline worker is its only caller. Time is
*event time* (the records' timestamps); ``advance(now)`` adds a clock tick in
live mode. The engine time ``now`` is the largest time seen so far; it never
moves backwards.

Which records match a rule
    The rule is enabled; the record's level is at least ``rule.level`` (if set;
    UNKNOWN never passes a minimum); its source matches one of ``rule.sources``
    (if set); ``rule.match`` is found in the message (if set) and
    ``rule.ignore`` is not. Only header lines (``heads[i]``) are records.

Event time of a record
    ``t = max(now, record ts)``: an out-of-order (older) record counts at the
    current time; time never goes back. Every record of any source or rule
    advances ``now`` (so it can resolve other rules' alerts), and so does
    ``advance(now)``.

threshold
    For each matching record at ``t``, ``count`` = matching records of the
    same rule and key in the window ``(t - window, t]`` (a record at ``r``
    leaves the window at exactly ``r + window``). When ``count >= threshold``
    and the rule+key is not firing and ``t - last_firing >= cooldown`` (or it
    never fired), a ``firing`` event is emitted with ``at = t``. While firing,
    the count keeps updating (see :meth:`RuleEngine.active`) but no new firing
    is emitted. It resolves when the in-window count drops below the
    threshold; that is noticed when time advances, but the ``resolved``
    event's ``at`` is the moment the count dropped: ``r + window`` of the
    record whose expiry made it drop. A firing suppressed by the cooldown is
    not retried by the clock; the next matching record after the cooldown
    fires it (if the count is still high enough).

absence
    Fires when no matching record arrived for ``window``, measured from the
    rule's start (the first record or ``advance()`` the engine sees after the
    rule was added) or from the last match: ``at = start/last match +
    window``. The next match resolves it (``at`` = that record's time,
    ``count`` 1). While the silence lasts it fires again every further
    ``window`` (but not sooner than ``cooldown`` after the previous firing;
    the cooldown also delays a firing after a quick resolve). With group_by,
    absence is tracked per key seen so far (a key is never forgotten).

new_pattern
    Each rule has its own :class:`~logwatch_tui.core.patterns.PatternMiner`
    fed with the messages of the records that match the rule (so ``match``,
    ``level``, ``sources`` and ``ignore`` limit what it learns as well as what
    fires). Learning: the rule's start (the first record or ``advance()``
    the engine sees after the rule was added; in the TUI and headless the
    existing file content is replayed first, so it teaches the miner too) +
    ``learn`` of event time; records before that only teach. After it, a
    record whose message is of a kind the miner has never seen (it creates
    a template that does not merge into an older one) fires ``firing`` with
    ``at = t``, ``count`` 1, ``samples = (message,)`` and ``key =
    (("pattern", "<template text>"),)`` (then the group_by pairs, if any).
    There is no ongoing condition, so it never resolves and is not in
    :meth:`RuleEngine.active`. Floods: a new kind that comes within
    ``cooldown`` of the rule's previous firing does not fire by itself; the
    kinds held back are reported together at ``previous firing + cooldown``
    (``count`` = how many new kinds, ``samples`` = the first five messages,
    ``key`` = the first held-back kind), which starts a new cooldown. So a
    burst of 50 new kinds gives two alerts, not 50. Memory is bounded by the
    miner (5000 live kinds per rule); a kind evicted from it can fire again.
    Editing the rule restarts its learning (a new, empty miner).

spike
    Per rule+key, ``n`` = matching records in the window ``(t - window, t]``
    (exact, like threshold) and ``b`` = matching records in the baseline span
    ``(t - window - baseline, t - window]``, kept as counts per bucket of
    ``window / 10`` (``baseline / 2000`` if that is coarser, which bounds
    memory to about 2000 buckets per key); buckets are aligned to multiples
    of their width, and the oldest edge of the baseline has that resolution
    (records of the bucket that straddles it still count). It is *high* when
    ``n >= threshold`` and ``n / window > factor * max(b, 1) / baseline``
    (an empty baseline counts as one record, so the first burst after
    silence can fire). A matching record at ``t`` fires it when it is high,
    the rule has seen a full baseline (``t >= start + window + baseline``,
    start as for new_pattern) and ``t - last_firing >= cooldown``; ``at = t``,
    ``count = n``, samples as threshold. Firing is only checked when a
    matching record arrives (as for threshold's cooldown, the clock does
    not fire it). It resolves at the first moment it
    is no longer high: that can only happen when a record leaves the window
    (at ``r + window``, which is the ``resolved`` event's ``at``). Keys are
    independent; a key unseen for ``window + baseline`` (and the cooldown)
    is dropped. Editing the rule restarts it: no firing until a full
    baseline has been seen again.

Order of evaluation
    Before a record at ``t`` is counted, everything due at or before ``t``
    (resolves, absence firings) is emitted in order of due time. So a record
    at exactly ``r + window`` no longer sees ``r``, and an absence due at
    exactly ``t`` fires before the record at ``t`` resolves it.
    :meth:`RuleEngine.finish` evaluates what is due up to the end of a replay;
    alerts still firing stay firing. Splitting the same lines into batches
    differently gives the same events.

Keys
    ``key`` is a tuple of ``(name, value)`` pairs in ``group_by`` order. Each
    name is a named group of ``match``, else a parsed field of the record
    (``batch.parser.parse(line).fields``, computed only for records that
    passed every filter), else the built-ins ``source``/``level``; else "".

Cost
    Candidate filtering is done per batch and per rule in C-level loops (a
    level comprehension; for a regex that contains a required literal, one
    ``str.find`` scan of the batch's joined messages, each hit re-checked with
    the regex on its own message; otherwise one ``search`` per message).
    Per matching record the work is O(1) amortised: a deque of timestamps per
    rule+key, a heap of pending resolves/deadlines with lazy re-scheduling.
    History is never rescanned. Threshold keys unseen for longer than
    ``max(window, cooldown)`` and not firing are dropped (oldest first).
    new_pattern classifies each matching message once (the miner's fast
    path: a translate and a dict lookup for a known kind); spike keeps the
    window's times and the baseline's bucket counts, and while firing one
    heap entry per record leaving the window.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import math
import re
from bisect import bisect_right
from collections import OrderedDict, deque
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from logwatch_tui.core.levels import Level
from logwatch_tui.core.patterns import PatternMiner
from logwatch_tui.core.record import AlertEvent, LineBatch
from logwatch_tui.core.rules import Rule, render_message

Key = tuple[tuple[str, str], ...]
MAX_SAMPLES = 5
SAMPLE_CHARS = 1000
"""Samples go into notifications; a 10 MB line must not."""

_NEG_INF = -math.inf


def required_literal(pattern: re.Pattern[str]) -> str | None:
    """The longest literal text every match of ``pattern`` must contain (3+ chars), or None.

    Only the top level of the parsed pattern is looked at (a branch or a
    repeat hides its literals), so the answer is always safe to prefilter
    with. Uses the stdlib's regex parser; if that private API ever changes
    we simply lose the speed-up.
    """
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern.pattern, pattern.flags)
        literal_op = _constants.LITERAL
    except Exception:
        return None
    best = cur = ""
    for op, av in parsed.data:
        if op == literal_op:
            cur += chr(av)
        else:
            if len(cur) > len(best):
                best = cur
            cur = ""
    if len(cur) > len(best):
        best = cur
    if len(best) < 3:
        return None
    if pattern.flags & re.IGNORECASE:
        # Case-insensitive prefilter works on lower-cased ASCII text only, where
        # str.lower and re's case folding agree exactly.
        return best.lower() if best.isascii() else None
    return best


def _sample(msg: str | None) -> str:
    if msg is None:
        return ""
    return msg if len(msg) <= SAMPLE_CHARS else msg[: SAMPLE_CHARS - 1] + "…"


class _BatchView:
    """Per-batch caches shared by all rules: head indices, joined text, level cuts, fields."""

    __slots__ = (
        "batch",
        "idx",
        "_msgs",
        "_joined",
        "_lowered",
        "_starts",
        "_by_level",
        "_fields",
        "_src",
    )

    def __init__(self, batch: LineBatch, idx: list[int]) -> None:
        self.batch = batch
        self.idx = idx
        self._msgs: list[str] | None = None
        self._joined: str | None = None
        self._lowered: str | None | bool = False
        self._starts: list[int] | None = None
        self._by_level: dict[int, list[int]] = {}
        self._fields: dict[int, dict[str, Any]] = {}
        self._src: dict[tuple[str, ...], bool] = {}

    def head_messages(self) -> list[str]:
        """Messages of the header lines, in order (the batch's own list when all are heads)."""
        if self._msgs is None:
            msgs = self.batch.messages
            if len(self.idx) == len(msgs):
                out = msgs
            elif len(self.idx) == 1:
                out = [msgs[self.idx[0]]]
            else:
                out = list(itemgetter(*self.idx)(msgs))
            self._msgs = out  # type: ignore[assignment]
        return self._msgs  # type: ignore[return-value]

    def joined(self) -> str:
        """Header messages joined with newlines; ``_starts`` is set when counting can't map back."""
        if self._joined is None:
            msgs = self.head_messages()
            try:
                text = "\n".join(msgs)
            except TypeError:  # a None message in a malformed batch must not crash the engine
                msgs = self._msgs = [m if isinstance(m, str) else "" for m in msgs]
                text = "\n".join(msgs)
            if text.count("\n") != len(msgs) - 1:
                # Some message holds a newline itself: map positions with a table instead.
                starts = list(itertools.accumulate(map((1).__add__, map(len, msgs)), initial=0))
                starts.pop()
                self._starts = starts
            self._joined = text
        return self._joined

    def lowered(self) -> str | None:
        """The joined text lower-cased, when it is ASCII (else None: no safe prefilter)."""
        if self._lowered is False:
            joined = self.joined()
            self._lowered = joined.lower() if joined.isascii() else None
        return self._lowered  # type: ignore[return-value]

    def at_level(self, minimum: int) -> list[int]:
        """Head indices whose level is >= minimum (UNKNOWN = 0 never passes a minimum >= 1)."""
        got = self._by_level.get(minimum)
        if got is None:
            levels = self.batch.levels
            got = [i for i in self.idx if levels[i] >= minimum]
            self._by_level[minimum] = got
        return got

    def source_ok(self, rule: Rule) -> bool:
        if not rule.sources:
            return True
        got = self._src.get(rule.sources)
        if got is None:
            got = rule.matches_source(self.batch.source)
            self._src[rule.sources] = got
        return got

    def _scan(
        self,
        text: str,
        literal: str,
        find: Any,
        minimum: int | None,
    ) -> list[tuple[int, re.Match[str]]]:
        """Find ``literal`` in the joined text; verify each message it lands in with ``find``.

        After a message is checked the scan restarts at the next message, so
        a literal spanning two messages never hides a real hit.
        """
        idx = self.idx
        heads = self.head_messages()
        levels = self.batch.levels
        starts = self._starts
        locate = text.find
        count_nl = text.count
        out: list[tuple[int, re.Match[str]]] = []
        j = 0  # message index of position `counted`
        counted = 0
        k = locate(literal)
        while k != -1:
            if starts is None:
                j += count_nl("\n", counted, k)
                end = locate("\n", k)
            else:
                j = bisect_right(starts, k) - 1
                end = starts[j + 1] - 1 if j + 1 < len(starts) else -1
            m = find(heads[j])
            if m is not None:
                i = idx[j]
                if minimum is None or levels[i] >= minimum:
                    out.append((i, m))
            if end == -1:
                break
            j += 1
            counted = end + 1
            k = locate(literal, counted)
        return out

    def fields(self, i: int) -> dict[str, Any]:
        got = self._fields.get(i)
        if got is None:
            got = {}
            parser = self.batch.parser
            if parser is not None:
                try:
                    parsed = parser.parse(self.batch.lines[i])
                except Exception:  # a parser bug must not stop alerting
                    parsed = None
                if parsed is not None and parsed.fields:
                    got = parsed.fields
            self._fields[i] = got
        return got

    def search(
        self, pattern: re.Pattern[str], minimum: int | None, literal: str | None
    ) -> list[tuple[int, re.Match[str]]]:
        """(line index, match) of head lines at ``minimum`` level whose message ``pattern`` finds.

        With a required literal, ``str.find`` over the batch's joined messages
        (C speed, no per-line call) picks the few messages worth a regex
        search; each is verified on its own, so anchors and lookarounds keep
        their per-message meaning. Otherwise: one ``search`` per message.
        """
        msgs = self.batch.messages
        cand = self.idx if minimum is None else self.at_level(minimum)
        if not cand:
            return []
        find = pattern.search
        if literal is not None and len(cand) * 4 >= len(self.idx):
            text = self.lowered() if pattern.flags & re.IGNORECASE else self.joined()
            if text is not None:
                return self._scan(text, literal, find, minimum)
        try:
            return [
                (i, m)
                for i, m in zip(cand, map(find, map(msgs.__getitem__, cand)))  # type: ignore[arg-type]
                if m is not None
            ]
        except TypeError:  # a None message in a malformed batch
            return [(i, m) for i in cand if (m := find(msgs[i] or "")) is not None]


# -- runners: one per rule, holding that rule's state ------------------------------------


class _Runner:
    """State and behaviour of one rule. Subclasses implement one condition each."""

    def __init__(self, rule: Rule, engine: RuleEngine) -> None:
        self.rule = rule
        self.engine = engine
        self.alive = True
        self.started = False
        mre = rule.match_re
        groups = mre.groupindex if mre is not None else {}
        self._needs_fields = any(g not in groups for g in rule.group_by)
        self._groups = groups
        self._literal = required_literal(mre) if mre is not None else None

    # filtering -------------------------------------------------------------------------
    def hits(self, view: _BatchView) -> list[tuple[int, re.Match[str] | None]]:
        rule = self.rule
        if not view.source_ok(rule):
            return []
        minimum = int(rule.level) if rule.level is not None else None
        mre = rule.match_re
        hits: list[tuple[int, re.Match[str] | None]]
        if mre is None:
            cand = view.idx if minimum is None else view.at_level(minimum)
            hits = [(i, None) for i in cand]
        else:
            hits = view.search(mre, minimum, self._literal)  # type: ignore[assignment]
        ign = rule.ignore_re
        if ign is not None and hits:
            msgs = view.batch.messages
            find = ign.search
            hits = [h for h in hits if find(msgs[h[0]] or "") is None]
        return hits

    def key_for(self, view: _BatchView, i: int, m: re.Match[str] | None) -> Key:
        group_by = self.rule.group_by
        if not group_by:
            return ()
        out = []
        for name in group_by:
            if name in self._groups and m is not None:
                v: Any = m.group(name)
            else:
                v = view.fields(i).get(name) if self._needs_fields else None
                if v is None:
                    if name == "source":
                        v = view.batch.source
                    elif name == "level":
                        v = Level(view.batch.levels[i]).name
            out.append((name, "" if v is None else str(v)))
        return tuple(out)

    def event(
        self, key: Key, status: str, at: float, count: int, samples: tuple[str, ...], source: str
    ) -> AlertEvent:
        rule = self.rule
        return AlertEvent(
            rule=rule.id,
            name=rule.name,
            status=status,
            severity=rule.severity,
            at=at,
            count=count,
            key=key,
            samples=samples,
            source=source,
            window=rule.window,
            summary=render_message(rule, count, dict(key)),
        )

    # condition hooks -----------------------------------------------------------------------
    def start(self, t: float) -> None:
        self.started = True

    def on_match(self, t: float, key: Key, msg: str, source: str, out: list[AlertEvent]) -> None:
        raise NotImplementedError

    def on_due(self, key: Key, due: float, out: list[AlertEvent]) -> None:
        raise NotImplementedError

    def sweep(self, now: float) -> None:
        pass

    def active(self, now: float) -> list[AlertEvent]:
        raise NotImplementedError


class _ThresholdKey:
    __slots__ = ("times", "samples", "firing", "last_fired", "last_seen", "source", "event")

    def __init__(self) -> None:
        self.times: deque[float] = deque()
        self.samples: deque[tuple[float, str]] = deque(maxlen=MAX_SAMPLES)
        self.firing = False
        self.last_fired: float | None = None
        self.last_seen = _NEG_INF
        self.source = ""
        self.event: AlertEvent | None = None


class _ThresholdRunner(_Runner):
    def __init__(self, rule: Rule, engine: RuleEngine) -> None:
        super().__init__(rule, engine)
        # Ordered by last match (move_to_end): stale keys are at the front.
        self.keys: OrderedDict[Key, _ThresholdKey] = OrderedDict()
        self.firing: dict[Key, _ThresholdKey] = {}
        self._keep = max(rule.window, rule.cooldown)

    def _samples(self, st: _ThresholdKey, at: float) -> tuple[str, ...]:
        w = self.rule.window
        return tuple(msg for t, msg in st.samples if t + w > at)

    def on_match(self, t: float, key: Key, msg: str, source: str, out: list[AlertEvent]) -> None:
        st = self.keys.get(key)
        if st is None:
            st = self.keys[key] = _ThresholdKey()
        else:
            self.keys.move_to_end(key)
        rule = self.rule
        w = rule.window
        times = st.times
        while times and times[0] + w <= t:
            times.popleft()
        times.append(t)
        st.samples.append((t, _sample(msg)))
        st.last_seen = t
        st.source = source
        if st.firing:
            return  # the pending resolve is re-scheduled lazily when it comes due
        n = len(times)
        if n >= rule.threshold and (st.last_fired is None or t - st.last_fired >= rule.cooldown):
            ev = self.event(key, "firing", t, n, self._samples(st, t), source)
            st.firing = True
            st.last_fired = t
            st.event = ev
            self.firing[key] = st
            self.engine._schedule(times[-rule.threshold] + w, self, key)
            self.engine._fired(rule.id)
            out.append(ev)

    def on_due(self, key: Key, due: float, out: list[AlertEvent]) -> None:
        st = self.keys.get(key)
        if st is None or not st.firing:
            return
        w = self.rule.window
        times = st.times
        real = times[-self.rule.threshold] + w
        if real > due:
            self.engine._schedule(real, self, key)
            return
        while times and times[0] + w <= real:
            times.popleft()
        st.firing = False
        st.event = None
        del self.firing[key]
        out.append(
            self.event(key, "resolved", real, len(times), self._samples(st, real), st.source)
        )

    def sweep(self, now: float) -> None:
        keys = self.keys
        keep = self._keep
        while keys:
            key, st = next(iter(keys.items()))
            if st.firing or st.last_seen + keep > now:
                break
            del keys[key]

    def active(self, now: float) -> list[AlertEvent]:
        out = []
        w = self.rule.window
        for st in self.firing.values():
            times = st.times
            while times and times[0] + w <= now:
                times.popleft()
            ev = st.event
            if ev is not None:
                out.append(
                    dataclasses.replace(ev, count=len(times), samples=self._samples(st, now))
                )
        return out


class _AbsenceKey:
    __slots__ = ("base", "firing", "last_fired", "source", "event")

    def __init__(self, base: float) -> None:
        self.base = base
        """Start, last match or last firing: silence is measured from here."""
        self.firing = False
        self.last_fired: float | None = None
        self.source = ""
        self.event: AlertEvent | None = None


class _AbsenceRunner(_Runner):
    def __init__(self, rule: Rule, engine: RuleEngine) -> None:
        super().__init__(rule, engine)
        self.keys: dict[Key, _AbsenceKey] = {}

    def _deadline(self, st: _AbsenceKey) -> float:
        d = st.base + self.rule.window
        if st.last_fired is not None:
            d = max(d, st.last_fired + self.rule.cooldown)
        return d

    def start(self, t: float) -> None:
        self.started = True
        if not self.rule.group_by:
            st = self.keys[()] = _AbsenceKey(t)
            self.engine._schedule(self._deadline(st), self, ())

    def on_match(self, t: float, key: Key, msg: str, source: str, out: list[AlertEvent]) -> None:
        st = self.keys.get(key)
        if st is None:
            st = self.keys[key] = _AbsenceKey(t)
            self.engine._schedule(self._deadline(st), self, key)
        else:
            if st.firing:
                st.firing = False
                st.event = None
                out.append(self.event(key, "resolved", t, 1, (_sample(msg),), source))
            st.base = t  # the deadline moved later; re-scheduled lazily when the old one comes due
        st.source = source

    def on_due(self, key: Key, due: float, out: list[AlertEvent]) -> None:
        st = self.keys.get(key)
        if st is None:
            return
        real = self._deadline(st)
        if real <= due:
            ev = self.event(key, "firing", real, 0, (), st.source)
            st.firing = True
            st.last_fired = real
            st.base = real
            st.event = ev
            self.engine._fired(self.rule.id)
            out.append(ev)
            real = self._deadline(st)
        self.engine._schedule(real, self, key)

    def active(self, now: float) -> list[AlertEvent]:
        return [st.event for st in self.keys.values() if st.firing and st.event is not None]


class _NewPatternRunner(_Runner):
    """One miner per rule; fires once per kind of message first seen after learning."""

    def __init__(self, rule: Rule, engine: RuleEngine) -> None:
        super().__init__(rule, engine)
        self.miner = PatternMiner()
        self.learn: float = rule.options_dict["learn"]
        self.learn_end = math.inf
        self.last_fired: float | None = None
        # New kinds held back by the cooldown: (key, sample, source), first MAX_SAMPLES kept.
        self.held: list[tuple[Key, str, str]] = []
        self.held_count = 0

    def start(self, t: float) -> None:
        self.started = True
        self.learn_end = t + self.learn

    def on_match(self, t: float, key: Key, msg: str, source: str, out: list[AlertEvent]) -> None:
        miner = self.miner
        before = miner.next_id
        tid = miner.add(msg, t)
        if tid < before or t < self.learn_end:
            return  # a known kind (or one that merged into a known kind), or still learning
        full_key: Key = (("pattern", miner.template_text(tid)), *key)
        cooldown = self.rule.cooldown
        if self.last_fired is None or t - self.last_fired >= cooldown:
            self._fire(t, full_key, 1, (_sample(msg),), source, out)
            return
        if self.held_count == 0:
            self.engine._schedule(self.last_fired + cooldown, self, ())
        self.held_count += 1
        if len(self.held) < MAX_SAMPLES:
            self.held.append((full_key, _sample(msg), source))

    def _fire(
        self,
        at: float,
        key: Key,
        count: int,
        samples: tuple[str, ...],
        source: str,
        out: list[AlertEvent],
    ) -> None:
        self.last_fired = at
        self.engine._fired(self.rule.id)
        out.append(self.event(key, "firing", at, count, samples, source))

    def on_due(self, key: Key, due: float, out: list[AlertEvent]) -> None:
        if not self.held_count:
            return
        first_key, _, source = self.held[0]
        samples = tuple(m for _, m, _ in self.held)
        count = self.held_count
        self.held = []
        self.held_count = 0
        self._fire(due, first_key, count, samples, source, out)

    def active(self, now: float) -> list[AlertEvent]:
        return []


class _SpikeKey:
    __slots__ = (
        "times",
        "buckets",
        "base",
        "samples",
        "firing",
        "last_fired",
        "last_seen",
        "source",
        "event",
    )

    def __init__(self) -> None:
        self.times: deque[float] = deque()
        """Times of the matching records in the window (exact)."""
        self.buckets: deque[list[int | float]] = deque()
        """[bucket index, count] of records that left the window, oldest first."""
        self.base = 0
        """Sum of the bucket counts."""
        self.samples: deque[tuple[float, str]] = deque(maxlen=MAX_SAMPLES)
        self.firing = False
        self.last_fired: float | None = None
        self.last_seen = _NEG_INF
        self.source = ""
        self.event: AlertEvent | None = None


class _SpikeRunner(_Runner):
    def __init__(self, rule: Rule, engine: RuleEngine) -> None:
        super().__init__(rule, engine)
        opts = rule.options_dict
        self.factor: float = opts["factor"]
        self.baseline: float = opts["baseline"]
        # window/10 resolution; coarser only when the baseline is over 200 windows long,
        # so a key never holds more than ~2000 buckets (baseline 1d, window 1s: 43 s buckets).
        self.bucket = max(rule.window / 10, self.baseline / 2000)
        self.ready_at = math.inf
        self.keys: OrderedDict[Key, _SpikeKey] = OrderedDict()
        self.firing: dict[Key, _SpikeKey] = {}
        self._keep = max(rule.window + self.baseline + self.bucket, rule.cooldown)

    def start(self, t: float) -> None:
        self.started = True
        self.ready_at = t + self.rule.window + self.baseline

    def _roll(self, st: _SpikeKey, t: float) -> None:
        """Bring the key to time ``t``: records out of the window go to buckets, old buckets go."""
        w = self.rule.window
        times = st.times
        buckets = st.buckets
        g = self.bucket
        while times and times[0] + w <= t:
            r = times.popleft()
            b = r // g
            if buckets and buckets[-1][0] == b:
                buckets[-1][1] += 1
            else:
                buckets.append([b, 1])
            st.base += 1
        edge = t - w - self.baseline
        while buckets and (buckets[0][0] + 1) * g <= edge:
            st.base -= buckets.popleft()[1]  # type: ignore[assignment]

    def _high(self, st: _SpikeKey) -> bool:
        n = len(st.times)
        if n < self.rule.threshold:
            return False
        return n * self.baseline > self.factor * max(st.base, 1) * self.rule.window

    def _samples(self, st: _SpikeKey, at: float) -> tuple[str, ...]:
        w = self.rule.window
        return tuple(msg for t, msg in st.samples if t + w > at)

    def on_match(self, t: float, key: Key, msg: str, source: str, out: list[AlertEvent]) -> None:
        st = self.keys.get(key)
        if st is None:
            st = self.keys[key] = _SpikeKey()
        else:
            self.keys.move_to_end(key)
        self._roll(st, t)
        st.times.append(t)
        st.samples.append((t, _sample(msg)))
        st.last_seen = t
        st.source = source
        if st.firing:
            return  # more records only make it higher; the pending resolve check stands
        rule = self.rule
        if (
            t >= self.ready_at
            and (st.last_fired is None or t - st.last_fired >= rule.cooldown)
            and self._high(st)
        ):
            ev = self.event(key, "firing", t, len(st.times), self._samples(st, t), source)
            st.firing = True
            st.last_fired = t
            st.event = ev
            self.firing[key] = st
            self.engine._schedule(st.times[0] + rule.window, self, key)
            self.engine._fired(rule.id)
            out.append(ev)

    def on_due(self, key: Key, due: float, out: list[AlertEvent]) -> None:
        st = self.keys.get(key)
        if st is None or not st.firing:
            return
        self._roll(st, due)
        if self._high(st):
            # Only a record leaving the window can end it: check again at the next one.
            self.engine._schedule(st.times[0] + self.rule.window, self, key)
            return
        st.firing = False
        st.event = None
        del self.firing[key]
        out.append(
            self.event(key, "resolved", due, len(st.times), self._samples(st, due), st.source)
        )

    def sweep(self, now: float) -> None:
        keys = self.keys
        keep = self._keep
        while keys:
            key, st = next(iter(keys.items()))
            if st.firing or st.last_seen + keep > now:
                break
            del keys[key]

    def active(self, now: float) -> list[AlertEvent]:
        out = []
        w = self.rule.window
        for st in self.firing.values():
            ev = st.event
            if ev is None:
                continue
            gone = 0
            for r in st.times:  # don't pop: the pending resolve check needs them
                if r + w > now:
                    break
                gone += 1
            out.append(
                dataclasses.replace(ev, count=len(st.times) - gone, samples=self._samples(st, now))
            )
        return out


RUNNERS: dict[str, type[_Runner]] = {
    "threshold": _ThresholdRunner,
    "absence": _AbsenceRunner,
    "new_pattern": _NewPatternRunner,
    "spike": _SpikeRunner,
}


# -- the engine ---------------------------------------------------------------------------


class RuleEngine:
    """Folds :class:`LineBatch` es into alert state; see the module docstring for semantics."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._runners: list[_Runner] = []
        self._heap: list[tuple[float, int, _Runner, Key]] = []
        self._seq = itertools.count()
        self._now: float | None = None
        self.fired_counts: dict[str, int] = {}
        """Firings per rule id this session (kept across rule edits)."""
        self.set_rules(rules)

    # -- rules ------------------------------------------------------------------------------
    @property
    def rules(self) -> list[Rule]:
        """The rules in order (a copy: change them through the methods below)."""
        return [r.rule for r in self._runners]

    @property
    def now(self) -> float | None:
        """Engine time: the largest event time or clock tick seen (None before any)."""
        return self._now

    def _make(self, rule: Rule) -> _Runner:
        try:
            cls = RUNNERS[rule.condition]
        except KeyError:
            raise ValueError(
                f"rule '{rule.name}': condition {rule.condition!r} has no engine support"
            ) from None
        return cls(rule, self)

    def replace_rule(self, rule: Rule) -> None:
        """Add ``rule`` or replace the rule with its id; its state restarts, others keep theirs."""
        new = self._make(rule)
        for n, r in enumerate(self._runners):
            if r.rule.id == rule.id:
                r.alive = False
                self._runners[n] = new
                return
        self._runners.append(new)

    def remove_rule(self, rule_id: str) -> None:
        """Forget a rule and its state (an unknown id is ignored: edits may race a reload)."""
        keep = []
        for r in self._runners:
            if r.rule.id == rule_id:
                r.alive = False
            else:
                keep.append(r)
        self._runners = keep

    def set_rules(self, rules: Iterable[Rule]) -> None:
        """Replace all rules; a rule whose definition is unchanged keeps its state."""
        rules = list(rules)
        ids = [r.id for r in rules]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ValueError(f"duplicate rule id {dup!r}")
        old = {r.rule.id: r for r in self._runners}
        runners = []
        for rule in rules:
            r = old.pop(rule.id, None)
            if r is None or r.rule != rule:
                if r is not None:
                    r.alive = False
                r = self._make(rule)
            runners.append(r)
        for r in old.values():
            r.alive = False
        self._runners = runners

    # -- time ---------------------------------------------------------------------------------
    def _schedule(self, due: float, runner: _Runner, key: Key) -> None:
        heapq.heappush(self._heap, (due, next(self._seq), runner, key))

    def _fired(self, rule_id: str) -> None:
        self.fired_counts[rule_id] = self.fired_counts.get(rule_id, 0) + 1

    def _advance_to(self, t: float, out: list[AlertEvent]) -> None:
        if self._now is None or t > self._now:
            self._now = t
        now = self._now
        heap = self._heap
        while heap and heap[0][0] <= now:
            due, _, runner, key = heapq.heappop(heap)
            if runner.alive:
                runner.on_due(key, due, out)

    def _start(self, t: float) -> None:
        for r in self._runners:
            if not r.started and r.rule.enabled:
                r.start(t)

    def _sweep(self) -> None:
        now = self._now
        if now is None:
            return
        for r in self._runners:
            r.sweep(now)

    # -- input --------------------------------------------------------------------------------
    def feed(self, batch: LineBatch) -> list[AlertEvent]:
        """Count the batch's records; return the alerts that fired or resolved, in time order."""
        out: list[AlertEvent] = []
        n = len(batch.lines)
        if n == 0:
            return out
        ts = batch.ts
        idx = list(itertools.compress(range(n), batch.heads))
        cur = self._now if self._now is not None else _NEG_INF
        if idx:
            first = ts[idx[0]]
            self._start(first if first > cur else cur)
        view = _BatchView(batch, idx)
        items: list[tuple[int, int, re.Match[str] | None]] = []
        runners = self._runners
        active_lists = 0
        if idx:
            for ri, runner in enumerate(runners):
                if not runner.rule.enabled:
                    continue
                hits = runner.hits(view)
                if hits:
                    active_lists += 1
                    items.extend((i, ri, m) for i, m in hits)
        if active_lists > 1:
            items.sort(key=itemgetter(0, 1))
        msgs = batch.messages
        source = batch.source
        prev = 0
        for i, ri, m in items:
            if i >= prev:
                seg = max(ts[prev : i + 1])
                if seg > cur:
                    cur = seg
                prev = i + 1
            self._advance_to(cur, out)
            runner = runners[ri]
            runner.on_match(cur, runner.key_for(view, i, m), msgs[i] or "", source, out)
        if prev < n:
            seg = max(ts[prev:])
            if seg > cur:
                cur = seg
        if cur != _NEG_INF:
            self._advance_to(cur, out)
        self._sweep()
        return out

    def advance(self, now: float) -> list[AlertEvent]:
        """Clock tick (live mode): resolve what expired and fire absences due by ``now``."""
        out: list[AlertEvent] = []
        t = now if self._now is None else max(self._now, now)
        self._start(t)
        self._advance_to(t, out)
        self._sweep()
        return out

    def finish(self, end: float | None = None) -> list[AlertEvent]:
        """End of a replay: emit what is due up to ``end`` (default: the last time seen).

        Alerts still firing stay firing (the log simply ended); they are in :meth:`active`.
        """
        out: list[AlertEvent] = []
        if end is None:
            end = self._now
        if end is None:
            return out
        self._advance_to(end, out)
        return out

    def active(self) -> list[AlertEvent]:
        """Alerts firing now, with their latest in-window count."""
        now = self._now if self._now is not None else _NEG_INF
        out: list[AlertEvent] = []
        for r in self._runners:
            out.extend(r.active(now))
        return out


__all__ = ["RUNNERS", "RuleEngine"]
