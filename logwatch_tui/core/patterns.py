"""Online message-template mining: "which kind of message is this?".

Every message (the part of a log line after its header) is mapped, as it
arrives, to a :class:`Template` — the message with its variable parts replaced
by ``<*>`` — so the UI can show "these 40,000 lines are 12 kinds of message",
sparkline each kind and let a person hide the noisy ones. It runs on a live
stream, so it is *online* (one pass, no look-ahead), bounded in memory and cheap
per line.

How a message finds its template
--------------------------------
1. **Skeleton cache (the fast path).** Every masking rule below treats all ASCII
   digits alike, so two messages that differ only in the *values* of their
   digits mask to the same text. ``message.translate(digits -> "0")`` (one C
   call) is therefore an exact cache key for the whole classification; on a
   real stream nearly every line hits it, so the per-line cost is a translate,
   a dict lookup and a few counter updates.
2. **Generic variable masking** (:func:`mask_variables`; terminal colour
   sequences are dropped first), one compiled regex:
   time stamps written with month/day names, URLs, e-mail addresses, IPv6,
   paths, quoted strings, the value of ``key=value``, numbers with a unit
   (``12 ms``, ``1.98 KB``, ``<1 sec``), empty ``()``/``[]`` and every word that
   contains a digit (numbers, hex, IPv4[:port], UUIDs, ids such as
   ``blk_-42`` or ``attempt_1445_0020_m_000002_0``, host names such as
   ``node-17.rack3``). A value followed by a parenthesised value
   (``2034 bytes (1.98 KB)``, ``1.2.3.4 (host-5)``) is one value. Why these are
   generic: they are the shapes that format strings fill in (``%d``, ``%s`` of
   an address/path/id) in every language and logging library; none of them is
   tied to a vocabulary. The rules only change *what counts as a value*, never
   which system the line came from.
3. **Exact shape.** The masked message is split on whitespace (a run of
   variables, ``<*> <*> <*>``, is one token: a list of values has no fixed
   length but fills one slot of the format string); messages with the same
   token sequence share a template. Lines whose variables contain no digits
   (user names, host names without numbers, enum-like words) are still apart at
   this point — on purpose: the miner over-splits first, because a streaming
   assignment can later *merge* groups (ids alias, see
   :meth:`PatternMiner.canonical`) but can never split them.
4. **Merge by cardinality.** Templates of the same length that differ in
   exactly one token position are siblings. A position becomes a variable, and
   its siblings merge into one template (the oldest id survives, the others
   become aliases; later messages with any word there match it), when

   * it shows :data:`MERGE_DISTINCT` (3) different words among siblings, or
   * one sibling already holds a detected variable there and another holds a
     word that fills it (``<*>`` / ``admin``, ``chdir(<*>)`` / ``chdir(pwd)``),

   and the merged template keeps at least :data:`MIN_CONSTANTS` (2) constant
   tokens. Why this is generic: it is the Brain/Drain observation that a
   variable is a position with many values while constants take one value per
   kind of message. Two plain words (``SCREEN_ON``/``SCREEN_OFF``, ``x+``/``z-``)
   are far more often a closed set than a variable; three different words in an
   otherwise identical message, or a word where an identical message had a
   number or an address, are far more often a value. The constant floor stops
   short messages ("initDone", "Launching <*>") from collapsing into
   ``<*> <*>``: with one word of context, a differing word is the message kind.
   No token list, no per-system threshold, no look at which system wrote it.

Accuracy and speed (``benchmarks/patterns.py``, Loghub-2k, this single default
configuration): grouping accuracy 0.974 mean over HDFS, Hadoop, Spark, BGL,
Linux, OpenSSH, Proxifier and HealthApp (Drain with per-dataset tuning: 0.827),
the same ±0.005 with the lines shuffled; about 550k lines/s on a warm stream
and 200k lines/s on a first pass where every kind of message is new.

Memory bound
------------
At most ``max_templates`` live templates (default 5000). When a new template
would exceed the cap, the least-recently-seen templates are evicted — about
5 % of the cap at once, so eviction is amortised O(1) per new template — and
their counts move to :attr:`PatternMiner.evicted_lines` (so live counts plus
evicted lines always equal lines added). Evicted ids are never reused. The
skeleton cache holds at most :data:`CACHE_MAX` keys and is simply cleared when
full. Messages longer than :data:`MAX_MESSAGE_CHARS` are classified by their
first :data:`MAX_MESSAGE_CHARS` characters (a 10 MB line is one line, not a
10 MB key). Each template keeps a rate ring of :data:`RATE_SLOTS` one-minute
buckets (the last hour) and a count per level.
"""

from __future__ import annotations

import heapq
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from logwatch_tui.core.levels import Level

__all__ = [
    "CACHE_MAX",
    "MAX_MESSAGE_CHARS",
    "MERGE_DISTINCT",
    "MIN_CONSTANTS",
    "RATE_BUCKET_SECONDS",
    "RATE_SLOTS",
    "WILDCARD",
    "PatternMiner",
    "Template",
    "mask_variables",
    "tokenize",
]

WILDCARD = "<*>"
MERGE_DISTINCT = 3
"""Distinct words at one position of otherwise identical templates that make it a variable."""
MIN_CONSTANTS = 2
"""A merge must leave at least this many constant tokens in the template."""
MAX_MESSAGE_CHARS = 2048
"""Only this many leading characters of a message take part in classification."""
CACHE_MAX = 100_000
"""Skeleton-cache size at which the cache is cleared (bounds memory)."""
RATE_SLOTS = 60
RATE_BUCKET_SECONDS = 60.0
_N_LEVELS = max(Level) + 1  # one counter per Level value

_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?"
_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
_UNITS = (
    r"(?:[KMGTP]i?B|[kKMGT]b|B|bytes?|ms|msecs?|us|µs|ns|secs?|seconds?|mins?|minutes?"
    r"|hrs?|hours?|days?|%|[kKMG]?Hz|KB/s|MB/s|[kKMG]bps)"
)

# One alternation, leftmost match wins; order matters where two branches could
# start at the same character. Named groups let a single replacement template
# keep the key of ``key=value``, the quotes of a quoted string and the brackets
# of an empty pair (unmatched groups expand to "" since Python 3.5).
_MASK_RE = re.compile(
    # Every branch starts at a word boundary; testing that once up front lets the
    # engine skip the inside of words without trying each branch (~4x faster).
    r"(?<!\w)(?:"
    + "|".join(
        [
            # Dates written with names: "Sun Jul 24 02:38:22 2005", "Jul 24 2005", "24 Jul 2005 10:00".
            rf"(?<!\w)(?:{_DAY}\s+)?{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?(?:\s+{_TIME})?(?:\s+\d{{4}})?(?!\w)",
            rf"(?<!\w)\d{{1,2}}[ /-]{_MONTH}[ /-]\d{{4}}(?:[ :]{_TIME})?(?!\w)",
            # URLs (scheme://...), up to a closing bracket/quote; trailing punctuation is not part of it.
            r"(?<![\w.+-])[A-Za-z][\w+.-]*://[^\s\"'<>()\[\]{}]*[^\s\"'<>()\[\]{}.,;:!?]",
            # e-mail addresses.
            r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
            # IPv6 (needs '::' or 7 colons, and a digit), optional %zone.
            r"(?<![\w:.])(?=[0-9a-fA-F:]*\d)(?=[0-9a-fA-F:]*::|(?:[0-9a-fA-F]{1,4}:){7})"
            r"(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?:%\w+)?(?![\w:])",
            # Absolute / home / relative-dot paths, Windows paths, and a/b/c (two or more slashes).
            r"(?<![\w./~\\-])(?:~|\.{1,2})?(?:/+[\w.@%+~,:=-]*[\w@%+~=-])+/?",
            r"(?<![\w])[A-Za-z]:\\[^\s\"']*",
            r"(?<![\w./-])[\w.-]+(?:/[\w.-]+){2,}/?",
            # key=value: keep the key, the value is a variable.
            r"(?P<k>(?<![\w.-])[A-Za-z_][\w.\-]*=)(?![\"'])[^\s,;&)\]}>\"']+",
            # quoted strings (not apostrophes inside words).
            r"(?<!\w)(?P<q>[\"'])[^\"'\n]*(?P=q)(?!\w)",
            # Empty brackets where a value would be: "()" "[]" (but not "clear()").
            r"(?<![\w)\]])(?P<o>[(\[])(?P<c>[)\]])",
            # Numbers with a unit: "12 ms", "1.98 KB", "<1 sec", "-5 %".
            rf"(?<![\w.])[<>~]?=?[-+]?\d+(?:[.,]\d+)?\s?{_UNITS}(?![\w/])",
            # A signed number after a non-word: "-27", "+3.5".
            r"(?<![\w])[-+]\d[\w]*(?:[.:\-][-+]?\w+)*",
            # Any word that contains a digit, with its '.'/'-'-joined prefix and any joined suffix:
            # 42, 0x1f, 10.0.0.1:80, 02:38:22, blk_-42, core.114, uuid, msra-sa-41, 1.98.
            r"(?<!\w)(?<!\w[.\-])(?:[A-Za-z_]\w*[.\-][-+]?)*\w*\d\w*(?:[.:\-][-+]?\w+)*",
        ]
    )
    + ")",
    re.ASCII,
)
# Terminal colour/cursor sequences are presentation, not message: drop them.
_ANSI_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_MASK_REPL = r"\g<k>\g<q>\g<o><*>\g<q>\g<c>"
_ANNOTATED = "<*> (<*>)"


def mask_variables(message: str) -> str:
    """Replace the generic variable parts of ``message`` by ``<*>``.

    ``"user=bob id=42 took 12ms"`` -> ``"user=<*> id=<*> took <*>"``. See the
    module docstring for the rules and why each one is generic.
    """
    if "\x1b" in message:
        message = _ANSI_RE.sub("", message)
    s = _MASK_RE.sub(_MASK_REPL, message)
    if _ANNOTATED in s:
        s = s.replace(_ANNOTATED, WILDCARD)
    return s


def _truncate(message: str) -> str:
    """First MAX_MESSAGE_CHARS characters, cut back to a whitespace so no token is half a value."""
    head = message[:MAX_MESSAGE_CHARS]
    cut = max(head.rfind(" "), head.rfind("\t"))
    return head[:cut] if cut > MAX_MESSAGE_CHARS // 2 else head


def tokenize(masked: str) -> tuple[str, ...]:
    """Split a masked message into the tokens that templates align on.

    Tokens are whitespace-separated; a run of variables (``<*> <*> <*>``) is one
    token, because a list of values ("delete blk_1 blk_2 blk_3") has no fixed
    length but is one slot of the format string.
    """
    toks = masked.split()
    if "<*> <*>" in masked:
        out: list[str] = []
        prev_wild = False
        for tok in toks:
            if tok == WILDCARD:
                if prev_wild:
                    continue
                prev_wild = True
            else:
                prev_wild = False
            out.append(tok)
        return tuple(out)
    return tuple(toks)


@dataclass(slots=True, eq=False)
class Template:
    """One kind of message: its text (variables as ``<*>``) and how often it is seen.

    Identity is the ``id``; the text may generalise over time (a constant word
    becomes ``<*>``) while the id stays.
    """

    id: int
    text: str
    count: int = 0
    first_seen: float = 0.0
    last_seen: float = 0.0
    levels: list[int] = field(default_factory=lambda: [0] * _N_LEVELS, repr=False)
    """Count per level (index = ``Level`` value); see :attr:`level_counts`."""
    # Rate ring: RATE_SLOTS one-minute buckets; ``_cur`` counts the newest bucket
    # ``_bucket`` and is folded into ``_ring`` when time moves on (cheap per line).
    _ring: array = field(default_factory=lambda: array("I", bytes(4 * RATE_SLOTS)), repr=False)
    _bucket: int = field(default=-1, repr=False)
    _cur: int = field(default=0, repr=False)
    _seq: int = field(default=0, repr=False)
    _tokens: tuple[str, ...] = field(default=(), repr=False)
    _display: list[str] = field(default_factory=list, repr=False)
    _wild: frozenset[int] = field(default=frozenset(), repr=False)
    _keys: list[str] = field(default_factory=list, repr=False)
    _absorbed: list[int] = field(default_factory=list, repr=False)

    @property
    def level_counts(self) -> dict[int, int]:
        """Lines per level (only levels that occurred), for the UI's level mix."""
        return {lvl: n for lvl, n in enumerate(self.levels) if n}

    def _advance(self, bucket: int) -> None:
        """Fold the current bucket into the ring and start ``bucket`` (time moved on)."""
        if self._bucket >= 0:
            ring = self._ring
            if bucket - self._bucket >= RATE_SLOTS:
                for i in range(RATE_SLOTS):
                    ring[i] = 0
            else:
                for b in range(self._bucket + 1, bucket):
                    ring[b % RATE_SLOTS] = 0
                ring[self._bucket % RATE_SLOTS] = self._cur
            if bucket < self._bucket:  # clock went backwards: count into the newest bucket
                self._cur += 1
                return
        self._bucket = bucket
        self._cur = 1

    def rate_series(self, now: float, buckets: int = 30, bucket_seconds: float = 60) -> list[int]:
        """Counts per ``bucket_seconds`` for the ``buckets`` buckets ending at ``now`` (oldest first).

        The ring has one-minute resolution over the last hour, so
        ``bucket_seconds`` is rounded to whole minutes (at least one) and
        anything older than an hour reads as 0.
        """
        per = max(1, round(bucket_seconds / RATE_BUCKET_SECONDS))
        now_b = int(now // RATE_BUCKET_SECONDS)
        out = []
        for k in range(buckets - 1, -1, -1):
            total = 0
            for j in range(per):
                total += self._minute(now_b - k * per - (per - 1 - j), now_b)
            out.append(total)
        return out

    def _minute(self, b: int, now_b: int) -> int:
        if b < 0 or self._bucket < 0 or b > self._bucket or now_b - b >= RATE_SLOTS:
            return 0
        if b == self._bucket:
            return self._cur
        if self._bucket - b >= RATE_SLOTS:
            return 0
        return self._ring[b % RATE_SLOTS]


def _filled_slot(values: set[str]) -> bool:
    """True if some word in ``values`` is another value's variable filled in.

    ``{"chdir(<*>)", "chdir(pwd)"}`` or ``{"<*>", "admin"}``: the same slot of an
    otherwise identical message held a detected variable in one line and a
    plain word in another, so the word is a value too (a user or host name
    without digits). ``{"rhost=<*>", "rhost="}`` is not: the variable would be
    empty.
    """
    pats = [v for v in values if WILDCARD in v]
    if not pats:
        return False
    for pat in pats:
        rx = re.compile(".+".join(re.escape(part) for part in pat.split(WILDCARD)), re.DOTALL)
        if any(rx.fullmatch(w) for w in values if w != pat):
            return True
    return False


def _common_affixes(values: Sequence[str]) -> str:
    """``["user=bob", "user=al"]`` -> ``"user=<*>"``: keep what all values share around the variable."""
    first = values[0]
    pre = len(first)
    suf = len(first)
    for v in values[1:]:
        i = 0
        lim = min(pre, len(v))
        while i < lim and v[i] == first[i]:
            i += 1
        pre = i
        j = 0
        lim = min(suf, len(v), len(first))
        while j < lim and v[-1 - j] == first[-1 - j]:
            j += 1
        suf = j
    shortest = min(len(v) for v in values)
    if pre + suf > shortest:
        suf = max(0, shortest - pre)
    # Cut affixes back to punctuation boundaries so "user=bob"/"user=bill" is "user=<*>", not "user=b<*>".
    head = first[:pre]
    while head and (head[-1].isalnum() or head[-1] == "_"):
        head = head[:-1]
    tail = first[len(first) - suf :] if suf else ""
    while tail and (tail[0].isalnum() or tail[0] == "_"):
        tail = tail[1:]
    out = head + WILDCARD + tail
    while "<*><*>" in out:
        out = out.replace("<*><*>", WILDCARD)
    return out


class PatternMiner:
    """Streaming template miner; see the module docstring for the method and its bounds."""

    def __init__(self, *, max_templates: int = 5000) -> None:
        if max_templates < 1:
            raise ValueError("max_templates must be at least 1")
        self.max_templates = max_templates
        self.lines = 0
        """Messages added in total."""
        self.evicted_lines = 0
        """Lines counted by templates that were evicted (live counts + this == lines)."""
        self.evicted_templates = 0
        self._next_id = 1
        self._live: dict[int, Template] = {}
        self._alias: dict[int, int] = {}
        self._cache: dict[str, Template] = {}
        # length -> {wild positions -> {key tokens -> template}}
        self._shapes: dict[int, dict[frozenset[int], dict[tuple[str, ...], Template]]] = {}
        # key tokens -> template, whatever its wildcard set (two paths to one shape meet here)
        self._ident: dict[tuple[str, ...], Template] = {}
        # (length, position, hash before, hash after) -> templates equal except at that position
        self._siblings: dict[tuple[int, int, int, int], list[Template]] = {}

    # -- public API -------------------------------------------------------

    def add(self, message: str, ts: float = 0.0, level: int = 0) -> int:
        """Classify one message and count it; returns its (canonical) template id."""
        return self.add_many([message], [ts], [level])[0]

    def add_many(
        self,
        messages: Sequence[str],
        ts: Sequence[float] | None = None,
        levels: Sequence[int] | None = None,
    ) -> list[int]:
        """Classify a batch; same result as calling :meth:`add` for each message in order."""
        out: list[int] = []
        append = out.append
        cache_get = self._cache.get
        table = _DIGITS_TO_ZERO
        limit = MAX_MESSAGE_CHARS
        seq = self.lines
        last_t = None
        last_b = -1
        for i, msg in enumerate(messages):
            if len(msg) > limit:
                msg = _truncate(msg)
            key = msg.translate(table)
            t = cache_get(key)
            if t is None:
                t = self._classify(msg, key)
                cache_get = self._cache.get  # the cache may have been replaced
            now = ts[i] if ts is not None else 0.0
            if now != last_t:
                last_t = now
                last_b = int(now // RATE_BUCKET_SECONDS)
            lvl = levels[i] if levels is not None else 0
            if not 0 <= lvl < _N_LEVELS:
                lvl = 0
            seq += 1
            if t.count == 0:
                t.first_seen = now
            t.count += 1
            t.last_seen = now
            t._seq = seq
            t.levels[lvl] += 1
            if last_b == t._bucket:
                t._cur += 1
            else:
                t._advance(last_b)
            append(t.id)
        self.lines = seq
        return out

    def canonical(self, tid: int) -> int:
        """The id that ``tid`` resolves to after merges (itself if never merged)."""
        alias = self._alias
        root = tid
        while root in alias:
            root = alias[root]
        while tid != root:  # path compression
            nxt = alias[tid]
            alias[tid] = root
            tid = nxt
        return root

    def template(self, tid: int) -> Template | None:
        """The live template for ``tid`` (following merges); None if evicted or unknown."""
        return self._live.get(self.canonical(tid))

    def templates(self) -> list[Template]:
        """Live templates, most frequent first (ties: older first)."""
        return sorted(self._live.values(), key=lambda t: (-t.count, t.id))

    def template_text(self, tid: int) -> str:
        """Text of ``tid``'s template, or ``""`` if it was evicted."""
        t = self.template(tid)
        return t.text if t is not None else ""

    def __len__(self) -> int:
        return len(self._live)

    @property
    def next_id(self) -> int:
        """The id the next new template will get.

        Ids only grow and are never reused, so a message whose :meth:`add`
        returns an id >= the value read just before made a kind of message
        the miner had not seen (a template that merged into an older one
        resolves to that older, smaller id). The ``new_pattern`` rule relies
        on this.
        """
        return self._next_id

    # -- classification -----------------------------------------------------

    def _classify(self, msg: str, key: str) -> Template:
        """Slow path: mask, find a matching template or make a new one; cache the skeleton."""
        toks = tokenize(mask_variables(msg))
        t = self._match(toks)
        if t is None:
            t = self._create(toks)
        if len(self._cache) >= CACHE_MAX:
            self._cache = {}
            for tpl in self._live.values():
                tpl._keys.clear()
        self._cache[key] = t
        t._keys.append(key)
        return t

    def _match(self, toks: tuple[str, ...]) -> Template | None:
        shapes = self._shapes.get(len(toks))
        if not shapes:
            return None
        for wild, table in shapes.items():
            if wild:
                probe = tuple(WILDCARD if i in wild else tok for i, tok in enumerate(toks))
            else:
                probe = toks
            t = table.get(probe)
            if t is not None:
                return t
        return None

    def _create(self, toks: tuple[str, ...]) -> Template:
        tid = self._next_id
        self._next_id += 1
        t = Template(id=tid, text=" ".join(toks), _tokens=toks, _display=list(toks))
        self._live[tid] = t
        self._index(t)
        if len(self._live) > self.max_templates:
            self._evict(keep=t)
        self._maybe_merge(t)
        return self._live.get(self.canonical(tid), t)

    @staticmethod
    def _sibling_keys(t: Template) -> list[tuple[int, int, int, int]]:
        """One key per position: (length, position, hash of the tokens before, hash of those after).

        Chained hashes keep this O(length) even for long messages; a collision
        only costs a comparison, since :meth:`_maybe_merge` checks the tokens.
        """
        toks = t._tokens
        n = len(toks)
        pre = [0] * (n + 1)
        for i, tok in enumerate(toks):
            pre[i + 1] = hash((pre[i], tok))
        suf = [0] * (n + 1)
        for i in range(n - 1, -1, -1):
            suf[i] = hash((toks[i], suf[i + 1]))
        return [(n, p, pre[p], suf[p + 1]) for p in range(n)]

    def _index(self, t: Template) -> None:
        n = len(t._tokens)
        self._shapes.setdefault(n, {}).setdefault(t._wild, {})[t._tokens] = t
        self._ident[t._tokens] = t
        sib = self._siblings
        for k in self._sibling_keys(t):
            sib.setdefault(k, []).append(t)

    def _unindex(self, t: Template) -> None:
        n = len(t._tokens)
        shapes = self._shapes.get(n)
        if shapes is not None:
            table = shapes.get(t._wild)
            if table is not None and table.get(t._tokens) is t:
                del table[t._tokens]
                if not table:
                    del shapes[t._wild]
        if self._ident.get(t._tokens) is t:
            del self._ident[t._tokens]
        sib = self._siblings
        for k in self._sibling_keys(t):
            lst = sib.get(k)
            if lst is not None:
                try:
                    lst.remove(t)
                except ValueError:
                    pass
                if not lst:
                    del sib[k]

    def _maybe_merge(self, t: Template) -> None:
        """Merge ``t`` with its siblings at any position that now shows enough distinct words."""
        toks = t._tokens
        for key in self._sibling_keys(t):
            group = self._siblings.get(key)
            if group is None or len(group) < 2:
                continue
            p = key[1]
            rest = toks[:p] + toks[p + 1 :]
            if len(rest) - rest.count(WILDCARD) < MIN_CONSTANTS:
                continue
            members = [g for g in group if g._tokens[:p] + g._tokens[p + 1 :] == rest]
            values = {g._tokens[p] for g in members}
            if len(values) < MERGE_DISTINCT and not _filled_slot(values):
                continue
            self._merge(members, p)
            return

    def _merge(self, members: list[Template], p: int) -> None:
        survivor = min(members, key=lambda g: g.id)
        values = [g._display[p] for g in members]
        for g in members:
            self._unindex(g)
        toks = survivor._tokens[:p] + (WILDCARD,) + survivor._tokens[p + 1 :]
        survivor._tokens = toks
        survivor._wild = survivor._wild | {p}
        survivor._display[p] = _common_affixes(values)
        for g in members:
            if g is not survivor:
                self._absorb(survivor, g)
        survivor.text = " ".join(survivor._display)
        # A template with the same generalised shape may already exist (reached by another path).
        existing = self._ident.get(toks)
        if existing is not None and existing is not survivor:
            keep, gone = (existing, survivor) if existing.id < survivor.id else (survivor, existing)
            self._unindex(existing)
            self._absorb(keep, gone)
            survivor = keep
        self._index(survivor)
        self._maybe_merge(survivor)

    def _absorb(self, into: Template, g: Template) -> None:
        """Fold template ``g`` into ``into``: counts, rates, levels, cache keys, id alias."""
        del self._live[g.id]
        self._alias[g.id] = into.id
        into._absorbed.append(g.id)
        into._absorbed.extend(g._absorbed)
        if g.count:
            if into.count == 0 or g.first_seen < into.first_seen:
                into.first_seen = g.first_seen
            into.last_seen = max(into.last_seen, g.last_seen)
            into.count += g.count
            into._seq = max(into._seq, g._seq)
            for i, n in enumerate(g.levels):
                into.levels[i] += n
            self._merge_rates(into, g)
        cache = self._cache
        for k in g._keys:
            if cache.get(k) is g:
                cache[k] = into
                into._keys.append(k)

    @staticmethod
    def _merge_rates(into: Template, g: Template) -> None:
        if g._bucket < 0:
            return
        if into._bucket < g._bucket:
            if into._bucket >= 0:
                into._advance(g._bucket)
                into._cur -= 1
            else:
                into._bucket = g._bucket
                into._cur = 0
        top = into._bucket
        for b in range(max(0, g._bucket - RATE_SLOTS + 1), g._bucket + 1):
            if top - b >= RATE_SLOTS:
                continue
            n = g._cur if b == g._bucket else g._ring[b % RATE_SLOTS]
            if b == top:
                into._cur += n
            else:
                into._ring[b % RATE_SLOTS] += n

    def _evict(self, keep: Template) -> None:
        """Drop the least-recently-seen templates (about 5 % of the cap at once)."""
        excess = len(self._live) - self.max_templates
        n = max(excess, min(self.max_templates // 20 + 1, len(self._live) - 1))
        victims = heapq.nsmallest(
            n, (t for t in self._live.values() if t is not keep), key=lambda t: (t._seq, t.id)
        )
        cache = self._cache
        for v in victims:
            self._unindex(v)
            del self._live[v.id]
            self.evicted_lines += v.count
            self.evicted_templates += 1
            for k in v._keys:
                if cache.get(k) is v:
                    del cache[k]
            for a in v._absorbed:
                self._alias.pop(a, None)
