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

Conditions
    Each condition's exact semantics are in the docstring of its runner
    module under :mod:`logwatch_tui.core.conditions`:
    :mod:`~logwatch_tui.core.conditions.threshold` (``threshold`` matching
    records in ``window``), :mod:`~logwatch_tui.core.conditions.absence`
    (no match for ``window``), :mod:`~logwatch_tui.core.conditions.new_pattern`
    (a kind of message never seen after ``learn``) and
    :mod:`~logwatch_tui.core.conditions.spike` (the window's rate over
    ``factor`` times the baseline's). What is common to them (the sections
    here) is the engine's: it owns event time, the heap of due times, the
    order of evaluation and candidate filtering; a runner only sees the
    records that passed its rule's filters, with their key.

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
    Every rule tracks at most ``MAX_KEYS`` (10,000) keys at once: at the cap
    the least recently seen key that is not firing is forgotten, and the
    rule's first such eviction gives a ``key-cap`` :class:`RuleNotice` (TUI,
    headless and ``check`` alike: they share this engine).
    new_pattern classifies each matching message once (the miner's fast
    path: a translate and a dict lookup for a known kind); spike keeps the
    window's times and the baseline's bucket counts, and while firing one
    heap entry per record leaving the window.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from logwatch_tui.core.conditions import RUNNERS as RUNNERS
from logwatch_tui.core.conditions.base import MAX_SAMPLES as MAX_SAMPLES
from logwatch_tui.core.conditions.base import SAMPLE_CHARS as SAMPLE_CHARS
from logwatch_tui.core.conditions.base import Key as Key
from logwatch_tui.core.conditions.base import Runner
from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import AlertEvent, LineBatch
from logwatch_tui.core.rule_regex import GuardedPattern, RegexTimeout
from logwatch_tui.core.rules import Rule

_NEG_INF = -math.inf


@dataclass(frozen=True, slots=True)
class RuleNotice:
    """Something about a rule that a person should see (the UI and headless show it)."""

    rule: str
    name: str
    kind: str
    """"disabled" (its regex ran out of time) or "key-cap" (too many distinct keys)."""
    message: str


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
        "_longest",
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
        self._longest: int | None = None

    def longest(self) -> int:
        """Length of the longest message (picks the regex engine: see rule_regex)."""
        if self._longest is None:
            try:
                self._longest = max(map(len, self.batch.messages), default=0)
            except TypeError:  # a None message in a malformed batch
                self._longest = max((len(m or "") for m in self.batch.messages), default=0)
        return self._longest

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
        self, pattern: GuardedPattern, minimum: int | None, literal: str | None
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
        if literal is not None and len(cand) * 4 >= len(self.idx):
            text = self.lowered() if pattern.flags & re.IGNORECASE else self.joined()
            if text is not None:
                # few candidates: each checks its own length (no pass over the batch)
                return self._scan(text, literal, pattern.search, minimum)
        find = pattern.finder(self.longest())
        try:
            return [
                (i, m)
                for i, m in zip(cand, map(find, map(msgs.__getitem__, cand)))  # type: ignore[arg-type]
                if m is not None
            ]
        except TypeError:  # a None message in a malformed batch
            return [(i, m) for i in cand if (m := find(msgs[i] or "")) is not None]


# -- per rule: which records reach its runner, under which key ---------------------------


class _Slot:
    """One rule in the engine: its candidate filtering (here) and its condition runner.

    Filtering is the same for every condition, so it stays with the batch
    scanning it drives; the runner (:mod:`logwatch_tui.core.conditions`)
    only sees the records that pass, with their key.
    """

    __slots__ = ("rule", "runner", "_needs_fields", "_groups", "_literal", "disabled")

    def __init__(self, rule: Rule, runner: Runner) -> None:
        self.rule = rule
        self.runner = runner
        mre = rule.match_re
        groups = mre.groupindex if mre is not None else {}
        self._needs_fields = any(g not in groups for g in rule.group_by)
        self._groups = groups
        self._literal = required_literal(mre) if mre is not None else None
        self.disabled: str | None = None
        """Why the engine stopped running this rule (its regex blew its time budget)."""

    def hits(self, view: _BatchView) -> list[tuple[int, re.Match[str] | None]]:
        """(line index, match or None) of the batch's records that pass every filter of the rule."""
        rule = self.rule
        if not view.source_ok(rule):
            return []
        minimum = int(rule.level) if rule.level is not None else None
        mre = rule.match_guard
        hits: list[tuple[int, re.Match[str] | None]]
        if mre is None:
            cand = view.idx if minimum is None else view.at_level(minimum)
            hits = [(i, None) for i in cand]
        else:
            hits = view.search(mre, minimum, self._literal)  # type: ignore[assignment]
        ign = rule.ignore_guard
        if ign is not None and hits:
            msgs = view.batch.messages
            # few hits: each checks its own length; many: one pass picks the engine
            find = ign.search if len(hits) * 8 < len(view.idx) else ign.finder(view.longest())
            hits = [h for h in hits if find(msgs[h[0]] or "") is None]
        return hits

    def key_for(self, view: _BatchView, i: int, m: re.Match[str] | None) -> Key:
        """The group_by key of record ``i`` (see Keys in the module docstring)."""
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


# -- the engine ---------------------------------------------------------------------------


class RuleEngine:
    """Folds :class:`LineBatch` es into alert state; see the module docstring for semantics."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._slots: list[_Slot] = []
        self._heap: list[tuple[float, int, Runner, Key]] = []
        self._seq = itertools.count()
        self._now: float | None = None
        self._heap_mark = 4096
        self.ticking = False
        """True while a clock tick (``advance``) is being evaluated (absence catch-up)."""
        self.fired_counts: dict[str, int] = {}
        """Firings per rule id this session (kept across rule edits)."""
        self.notices: list[RuleNotice] = []
        """Things a person should know about a rule (disabled, key cap), oldest first."""
        self.set_rules(rules)

    # -- rules ------------------------------------------------------------------------------
    @property
    def rules(self) -> list[Rule]:
        """The rules in order (a copy: change them through the methods below)."""
        return [s.rule for s in self._slots]

    @property
    def _runners(self) -> list[Runner]:
        """The condition runners in rule order (their state is what tests inspect)."""
        return [s.runner for s in self._slots]

    @property
    def now(self) -> float | None:
        """Engine time: the largest event time or clock tick seen (None before any)."""
        return self._now

    def _make(self, rule: Rule) -> _Slot:
        try:
            cls = RUNNERS[rule.condition]
        except KeyError:
            raise ValueError(
                f"rule '{rule.name}': condition {rule.condition!r} has no engine support"
            ) from None
        return _Slot(rule, cls(rule, self))

    def replace_rule(self, rule: Rule) -> None:
        """Add ``rule`` or replace the rule with its id; its state restarts, others keep theirs."""
        new = self._make(rule)
        for n, s in enumerate(self._slots):
            if s.rule.id == rule.id:
                s.runner.alive = False
                self._slots[n] = new
                return
        self._slots.append(new)

    def remove_rule(self, rule_id: str) -> None:
        """Forget a rule and its state (an unknown id is ignored: edits may race a reload)."""
        keep = []
        for s in self._slots:
            if s.rule.id == rule_id:
                s.runner.alive = False
            else:
                keep.append(s)
        self._slots = keep

    def set_rules(self, rules: Iterable[Rule]) -> None:
        """Replace all rules; a rule whose definition is unchanged keeps its state."""
        rules = list(rules)
        ids = [r.id for r in rules]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ValueError(f"duplicate rule id {dup!r}")
        old = {s.rule.id: s for s in self._slots}
        slots = []
        for rule in rules:
            s = old.pop(rule.id, None)
            if s is None or s.rule != rule:
                if s is not None:
                    s.runner.alive = False
                s = self._make(rule)
            slots.append(s)
        for s in old.values():
            s.runner.alive = False
        self._slots = slots

    def _disable(self, slot: _Slot, reason: str) -> None:
        """Stop running a rule (it stays in the rules file; an edit or reload restarts it)."""
        slot.disabled = reason
        slot.runner.alive = False
        rule = slot.rule
        self.notices.append(
            RuleNotice(rule.id, rule.name, "disabled", f"rule '{rule.name}' disabled: {reason}")
        )

    def note(self, rule: Rule, kind: str, message: str) -> None:
        """A runner's notice for people (e.g. its key cap was reached)."""
        self.notices.append(RuleNotice(rule.id, rule.name, kind, message))

    def take_notices(self) -> list[RuleNotice]:
        """Notices since the last call (the pipeline hands them to its sink)."""
        out, self.notices = self.notices, []
        return out

    @property
    def disabled(self) -> dict[str, str]:
        """Rule id -> why the engine stopped running it."""
        return {s.rule.id: s.disabled for s in self._slots if s.disabled is not None}

    # -- time ---------------------------------------------------------------------------------
    def schedule(self, due: float, runner: Runner, key: Key) -> None:
        """Call ``runner.on_due(key, due, out)`` once engine time reaches ``due`` (for runners)."""
        heapq.heappush(self._heap, (due, next(self._seq), runner, key))

    def count_firing(self, rule_id: str) -> None:
        """Count a firing of ``rule_id`` (runners call this for every ``firing`` they emit)."""
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
        for s in self._slots:
            r = s.runner
            if not r.started and s.rule.enabled:
                r.start(t)

    def _sweep(self) -> None:
        now = self._now
        if now is None:
            return
        for s in self._slots:
            s.runner.sweep(now)
        heap = self._heap
        if len(heap) > self._heap_mark:
            # Entries of dead runners and forgotten keys wait for their due time; with
            # many keys (capped or swept) that would be unbounded. Compact, amortised O(1).
            heap[:] = [e for e in heap if e[2].alive and e[2].wants(e[3])]
            heapq.heapify(heap)
            self._heap_mark = max(4096, 2 * len(heap))

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
        slots = self._slots
        active_lists = 0
        if idx:
            for ri, slot in enumerate(slots):
                if not slot.rule.enabled or slot.disabled is not None:
                    continue
                try:
                    hits = slot.hits(view)
                except RegexTimeout as exc:
                    self._disable(slot, str(exc))
                    continue
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
            slot = slots[ri]
            slot.runner.on_match(cur, slot.key_for(view, i, m), msgs[i] or "", source, out)
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
        self.ticking = True
        try:
            self._advance_to(t, out)
        finally:
            self.ticking = False
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
        for s in self._slots:
            out.extend(s.runner.active(now))
        return out


__all__ = ["RUNNERS", "RuleEngine", "RuleNotice", "required_literal"]
