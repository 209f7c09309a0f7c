"""Rule engine semantics, written as timelines: "at t=..., expect ...".

Batches are built by hand as real LineBatch objects; where group_by needs
parsed fields, a real RegexFormat parses the lines.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from logwatch_tui.core.engine import RuleEngine, required_literal
from logwatch_tui.core.formats.base import RegexFormat
from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import AlertEvent, LineBatch
from logwatch_tui.core.rules import Rule

E, W, INF, U = Level.ERROR, Level.WARNING, Level.INFO, Level.UNKNOWN

# (t, level, message); message None = continuation line of the record above
Line = tuple[float, int, str | None]

FMT = RegexFormat(regex=r"(?P<ts>\S+) (?P<level>\w+) host=(?P<host>\S+) (?P<message>.*)")


def batch(
    lines: Sequence[Line], source: str = "/var/log/app.log", *, first_line: int = 1
) -> LineBatch:
    """A LineBatch whose raw lines RegexFormat FMT can parse (host=... is a field)."""
    raw, ts, levels, msgs, heads = [], [], [], [], []
    for t, lvl, msg in lines:
        if msg is None:
            raw.append("    at continuation()")
            msgs.append(None)
            heads.append(False)
        else:
            host = msg.split("host=")[1].split()[0] if "host=" in msg else "none"
            raw.append(f"2024-01-01T00:00:00Z {Level(lvl).name} host={host} {msg}")
            msgs.append(msg)
            heads.append(True)
        ts.append(float(t))
        levels.append(int(lvl))
    return LineBatch(
        source=source,
        format="test",
        first_line=first_line,
        lines=raw,
        ts=ts,
        levels=levels,
        messages=msgs,
        heads=heads,
        parser=FMT,
    )


def rule(**kw: object) -> Rule:
    kw.setdefault("id", "r")
    kw.setdefault("name", "R")
    return Rule(**kw)  # type: ignore[arg-type]


def brief(events: list[AlertEvent]) -> list[tuple]:
    return [(e.rule, e.status, e.at, e.count, e.key) for e in events]


# -- threshold ------------------------------------------------------------------------------


def test_threshold_fires_at_nth_record_not_before() -> None:
    eng = RuleEngine([rule(match="boom", threshold=3, window=10.0)])
    assert eng.feed(batch([(0, E, "boom 1")])) == []  # t=0: count 1
    assert eng.feed(batch([(1, E, "boom 2"), (1.5, INF, "quiet")])) == []  # t=1: count 2
    ev = eng.feed(batch([(2, E, "boom 3")]))  # t=2: count 3 -> firing
    assert brief(ev) == [("r", "firing", 2.0, 3, ())]
    assert ev[0].samples == ("boom 1", "boom 2", "boom 3")
    assert ev[0].source == "/var/log/app.log"
    assert ev[0].window == 10.0
    assert ev[0].summary == "R: 3 in 10s"
    assert ev[0].severity == "warning" and ev[0].name == "R"
    assert eng.fired_counts == {"r": 1}


def test_threshold_count_updates_while_firing_without_new_firing() -> None:
    eng = RuleEngine([rule(match="boom", threshold=2, window=10.0)])
    eng.feed(batch([(0, E, "boom"), (1, E, "boom")]))  # t=1: firing, count 2
    assert [e.count for e in eng.active()] == [2]
    assert eng.feed(batch([(2, E, "boom"), (3, E, "boom")])) == []  # t=2,3: no new firing
    act = eng.active()
    assert [(e.status, e.at, e.count) for e in act] == [("firing", 1.0, 4)]
    assert eng.fired_counts == {"r": 1}


def test_threshold_resolves_at_expiry_of_record_that_made_count_drop() -> None:
    eng = RuleEngine([rule(match="boom", threshold=3, window=10.0)])
    eng.feed(batch([(0, E, "boom"), (1, E, "boom"), (2, E, "boom"), (3, E, "boom")]))
    # In-window count drops below 3 when t=1 leaves the window: at 1 + 10 = 11.
    assert eng.feed(batch([(10.9, INF, "other")])) == []
    ev = eng.feed(batch([(20, INF, "unrelated record advances time")]))
    assert brief(ev) == [("r", "resolved", 11.0, 2, ())]
    assert eng.active() == []


def test_resolve_via_advance_and_finish_does_not_force_resolve() -> None:
    eng = RuleEngine([rule(match="boom", threshold=1, window=5.0)])
    assert brief(eng.feed(batch([(100, E, "boom")]))) == [("r", "firing", 100.0, 1, ())]
    assert eng.finish() == []  # end of replay at t=100: still firing
    assert len(eng.active()) == 1
    assert eng.advance(104.9) == []
    assert brief(eng.advance(130)) == [("r", "resolved", 105.0, 0, ())]
    assert eng.advance(50) == []  # clock behind event time: nothing moves back


def test_record_exactly_at_window_end_no_longer_counts_the_first() -> None:
    eng = RuleEngine([rule(match="x", threshold=2, window=10.0, cooldown=0.0)])
    assert eng.feed(batch([(0, E, "x"), (10, E, "x")])) == []  # window (0, 10] holds one
    assert brief(eng.feed(batch([(19.5, E, "x")]))) == [("r", "firing", 19.5, 2, ())]


def test_cooldown_blocks_refire_then_allows_it() -> None:
    eng = RuleEngine([rule(match="x", threshold=1, window=10.0, cooldown=30.0)])
    assert brief(eng.feed(batch([(0, E, "x")]))) == [("r", "firing", 0.0, 1, ())]
    assert brief(eng.advance(10)) == [("r", "resolved", 10.0, 0, ())]
    assert eng.feed(batch([(20, E, "x")])) == []  # t=20: within 30s of the firing at 0
    assert eng.feed(batch([(29.9, E, "x")])) == []
    assert brief(eng.feed(batch([(35, E, "x")]))) == [("r", "firing", 35.0, 2, ())]
    assert eng.fired_counts["r"] == 2


def test_zero_cooldown_refires_after_resolve() -> None:
    eng = RuleEngine([rule(match="x", threshold=1, window=1.0, cooldown=0.0)])
    ev = eng.feed(batch([(0, E, "x"), (5, E, "x")]))
    assert brief(ev) == [
        ("r", "firing", 0.0, 1, ()),
        ("r", "resolved", 1.0, 0, ()),
        ("r", "firing", 5.0, 1, ()),
    ]


def test_out_of_order_records_count_at_current_time() -> None:
    eng = RuleEngine([rule(match="x", threshold=2, window=3.0)])
    assert eng.feed(batch([(10, E, "x")])) == []
    ev = eng.feed(batch([(5, E, "x old")]))  # older record counts at t=10
    assert brief(ev) == [("r", "firing", 10.0, 2, ())]
    assert eng.now == 10.0
    assert brief(eng.advance(20)) == [("r", "resolved", 13.0, 0, ())]


def test_samples_are_most_recent_five_and_truncated() -> None:
    eng = RuleEngine([rule(match="x", threshold=7, window=100.0)])
    lines: list[Line] = [(t, E, f"x {t}") for t in range(6)] + [(6, E, "x" * 50_000)]
    ev = eng.feed(batch(lines))
    assert len(ev) == 1
    assert ev[0].samples[:4] == ("x 2", "x 3", "x 4", "x 5")
    assert len(ev[0].samples[4]) <= 1000 and ev[0].samples[4].endswith("…")


# -- filters --------------------------------------------------------------------------------


def test_level_minimum_and_unknown_never_passes() -> None:
    eng = RuleEngine([rule(level=Level.ERROR, threshold=1)])
    assert eng.feed(batch([(0, W, "warn"), (1, U, "no level"), (2, INF, "info")])) == []
    assert brief(eng.feed(batch([(3, Level.CRITICAL, "crit")]))) == [("r", "firing", 3.0, 1, ())]


def test_ignore_filter() -> None:
    eng = RuleEngine([rule(match="(?i)connection refused", ignore="healthcheck", threshold=2)])
    assert (
        eng.feed(
            batch([(0, E, "Connection refused by healthcheck"), (1, E, "connection REFUSED db")])
        )
        == []
    )
    ev = eng.feed(batch([(2, E, "connection refused cache")]))
    assert [e.samples for e in ev] == [("connection REFUSED db", "connection refused cache")]


def test_sources_globs_match_path_or_basename() -> None:
    eng = RuleEngine(
        [
            rule(id="base", name="base", sources=("auth.log",)),
            rule(id="path", name="path", sources=("/var/log/*/app.log",)),
        ]
    )
    assert eng.feed(batch([(0, E, "a")], source="/var/log/app.log")) == []
    ev = eng.feed(batch([(1, E, "b")], source="/srv/x/auth.log"))
    assert [e.rule for e in ev] == ["base"]
    ev = eng.feed(batch([(2, E, "c")], source="/var/log/svc/app.log"))
    assert [e.rule for e in ev] == ["path"]


def test_disabled_rule_never_fires_even_absence() -> None:
    eng = RuleEngine(
        [
            rule(enabled=False),
            rule(id="a", name="A", enabled=False, condition="absence", window=1.0),
        ]
    )
    assert eng.feed(batch([(0, E, "x"), (100, E, "x")])) == []
    assert eng.advance(1000) == []


def test_continuation_lines_are_not_records() -> None:
    eng = RuleEngine([rule(match="Traceback|at continuation", threshold=2)])
    ev = eng.feed(batch([(0, E, "Traceback (most recent call last)"), (0, E, None), (0, E, None)]))
    assert ev == []


def test_regex_anchors_apply_per_message() -> None:
    eng = RuleEngine(
        [
            rule(id="anch", name="anch", match=r"^start middle end$"),
            rule(id="look", name="look", match=r"end(?!\s)"),
        ]
    )
    ev = eng.feed(
        batch(
            [
                (0, INF, "xx start middle end"),
                (1, INF, "start middle end"),
                (2, INF, "start middle end"),
            ]
        )
    )
    assert [(e.rule, e.at) for e in ev] == [("look", 0.0), ("anch", 1.0)]


def test_messages_with_newlines_and_nul_and_markup() -> None:
    eng = RuleEngine([rule(match="needle here", threshold=1, window=1.0, cooldown=0.0)])
    lines: list[Line] = [
        (0, INF, "multi\nline needle\nhere"),
        (1, INF, "needle here [bold]x[/] \x00 \x1b[31mred"),
        (2, INF, "none"),
        (3, INF, "again needle here"),
    ]
    ev = eng.feed(batch(lines))
    assert [(e.status, e.at) for e in ev] == [("firing", 1.0), ("resolved", 2.0), ("firing", 3.0)]


def test_literal_twice_in_one_message_counts_once() -> None:
    eng = RuleEngine([rule(match="(?i)connection refused", threshold=3, window=100.0)])
    lines: list[Line] = [
        (0, INF, "connection refused; retry: Connection refused"),
        (1, INF, "fine"),
        (2, INF, "connection refused again"),
        (3, INF, "fine too"),
    ]
    assert eng.feed(batch(lines)) == []  # two records, not three
    ev = eng.feed(batch([(4, INF, "connection refused")]))
    assert [e.samples for e in ev] == [
        (
            "connection refused; retry: Connection refused",
            "connection refused again",
            "connection refused",
        )
    ]


def test_case_insensitive_prefilter_with_non_ascii_text() -> None:
    eng = RuleEngine([rule(match="(?i)connection refused", threshold=1, window=1.0, cooldown=0.0)])
    ev = eng.feed(batch([(0, INF, "ünïcode CONNECTION Refused"), (5, INF, "Connection refused")]))
    assert [(e.status, e.at) for e in ev if e.status == "firing"] == [
        ("firing", 0.0),
        ("firing", 5.0),
    ]


def test_required_literal() -> None:
    import re

    assert required_literal(re.compile(r"(?i)Connection (failed|refused)")) == "connection "
    assert required_literal(re.compile(r"a|bcd")) is None
    assert required_literal(re.compile(r"ab*cdx")) == "cdx"


# -- group_by -------------------------------------------------------------------------------


def test_group_by_regex_groups_independent_keys_in_order() -> None:
    eng = RuleEngine(
        [
            rule(
                match=r"Failed password for (?P<user>\S+) from (?P<ip>\S+)",
                group_by=("ip", "user"),
                threshold=2,
                window=60.0,
            )
        ]
    )
    ev = eng.feed(
        batch(
            [
                (0, W, "Failed password for root from 1.1.1.1 port 22"),
                (1, W, "Failed password for root from 2.2.2.2 port 22"),
                (2, W, "Failed password for bob from 1.1.1.1 port 22"),
                (3, W, "Failed password for root from 1.1.1.1 port 22"),
            ]
        )
    )
    assert brief(ev) == [("r", "firing", 3.0, 2, (("ip", "1.1.1.1"), ("user", "root")))]
    assert ev[0].summary == "R: 2 in 60s (ip=1.1.1.1 user=root)"
    ev = eng.feed(batch([(4, W, "Failed password for root from 2.2.2.2 port 22")]))
    assert brief(ev) == [("r", "firing", 4.0, 2, (("ip", "2.2.2.2"), ("user", "root")))]
    assert len(eng.active()) == 2


def test_group_by_parsed_field_and_builtins() -> None:
    eng = RuleEngine([rule(match="disk full", group_by=("host", "source", "level"), threshold=2)])
    ev = eng.feed(
        batch(
            [
                (0, E, "disk full host=web1"),
                (1, E, "disk full host=web2"),
                (2, E, "disk full host=web1"),
            ]
        )
    )
    assert [e.key for e in ev] == [
        (("host", "web1"), ("source", "/var/log/app.log"), ("level", "ERROR"))
    ]


def test_group_by_unknown_name_gives_empty_value() -> None:
    eng = RuleEngine([rule(group_by=("nothing",), threshold=1)])
    ev = eng.feed(batch([(0, E, "x")]))
    assert [e.key for e in ev] == [(("nothing", ""),)]


def test_parser_not_called_when_groups_suffice() -> None:
    class CountingFormat(RegexFormat):
        calls = 0

        def parse(self, line):  # type: ignore[no-untyped-def]
            CountingFormat.calls += 1
            return super().parse(line)

    fmt = CountingFormat(regex=FMT.regex)
    eng = RuleEngine(
        [
            rule(id="a", name="a", match=r"from (?P<ip>\S+)", group_by=("ip",)),
            rule(id="b", name="b", match=r"disk", group_by=("host",)),
        ]
    )
    b = batch([(0, E, "from 1.1.1.1"), (1, E, "other host=x"), (2, E, "disk host=h")])
    b.parser = fmt
    eng.feed(b)
    assert CountingFormat.calls == 1  # only the "disk" record, for the parsed field


def test_stale_keys_are_dropped() -> None:
    eng = RuleEngine(
        [rule(match=r"from (?P<ip>\S+)", group_by=("ip",), threshold=5, window=10.0, cooldown=0.0)]
    )
    eng.feed(batch([(i * 0.01, W, f"from 10.0.{i // 256}.{i % 256}") for i in range(1000)]))
    runner = eng._runners[0]
    assert len(runner.keys) == 1000  # type: ignore[attr-defined]
    eng.advance(100)
    assert len(runner.keys) == 0  # type: ignore[attr-defined]


# -- absence --------------------------------------------------------------------------------


def test_absence_fires_at_start_plus_window_resolves_and_refires() -> None:
    eng = RuleEngine([rule(condition="absence", match="heartbeat", window=10.0, cooldown=0.0)])
    assert eng.advance(100) == []  # t=100: start
    assert eng.advance(109.9) == []
    assert brief(eng.advance(110)) == [("r", "firing", 110.0, 0, ())]
    assert brief(eng.advance(125)) == [("r", "firing", 120.0, 0, ())]  # a further full window
    ev = eng.feed(batch([(126, INF, "heartbeat ok")]))
    assert brief(ev) == [("r", "resolved", 126.0, 1, ())]
    assert eng.advance(135.9) == []
    assert brief(eng.advance(136)) == [("r", "firing", 136.0, 0, ())]
    assert eng.fired_counts == {"r": 3}


def test_absence_start_is_first_record_and_cooldown_delays_refire() -> None:
    eng = RuleEngine([rule(condition="absence", match="beat", window=10.0, cooldown=25.0)])
    assert eng.feed(batch([(0, INF, "something else")])) == []  # start at t=0
    ev = eng.feed(batch([(40, INF, "something else")]))
    # fired at 10; the next after a further window would be 20, but cooldown says 35.
    assert brief(ev) == [("r", "firing", 10.0, 0, ()), ("r", "firing", 35.0, 0, ())]


def test_absence_catch_up_after_a_long_gap_fires_once_with_the_gap() -> None:
    """A suspended laptop: the clock jumps 3 h; before, one firing per missed window."""
    eng = RuleEngine(
        [rule(condition="absence", match="beat", window=300.0, cooldown=0.0, message="{window}")]
    )
    eng.feed(batch([(0, INF, "beat")]))
    ev = eng.advance(3 * 3600.0)
    assert [(e.status, e.at, e.window, e.summary) for e in ev] == [
        ("firing", 300.0, 3 * 3600.0, "3h")
    ]
    # then it goes on every window from the jump
    assert [e.at for e in eng.advance(3 * 3600.0 + 299)] == []
    assert [e.at for e in eng.advance(3 * 3600.0 + 300)] == [3 * 3600.0 + 300]


def test_absence_finish_fires_what_is_due_by_end() -> None:
    eng = RuleEngine([rule(condition="absence", match="beat", window=10.0)])
    eng.feed(batch([(0, INF, "beat"), (5, INF, "other")]))
    assert eng.finish() == []  # ends at t=5
    assert brief(eng.finish(end=12)) == [("r", "firing", 10.0, 0, ())]


def test_absence_per_key_seen_so_far() -> None:
    eng = RuleEngine(
        [
            rule(
                condition="absence",
                match=r"beat from (?P<host>\S+)",
                group_by=("host",),
                window=10.0,
                cooldown=0.0,
            )
        ]
    )
    ev = eng.feed(
        batch([(0, INF, "beat from a"), (5, INF, "beat from b"), (12, INF, "beat from b")])
    )
    # t=12 advanced time past a's deadline (0 + 10); b matched at 12 so it is fine.
    assert brief(ev) == [("r", "firing", 10.0, 0, (("host", "a"),))]
    assert eng.advance(15) == []
    ev = eng.advance(22)
    assert brief(ev) == [
        ("r", "firing", 20.0, 0, (("host", "a"),)),
        ("r", "firing", 22.0, 0, (("host", "b"),)),
    ]


# -- rule changes ------------------------------------------------------------------------------


def test_replace_rule_restarts_only_that_rule() -> None:
    a = rule(id="a", name="A", match="x", threshold=2)
    b = rule(id="b", name="B", match="x", threshold=2)
    eng = RuleEngine([a, b])
    eng.feed(batch([(0, E, "x")]))  # both at count 1
    eng.replace_rule(rule(id="a", name="A2", match="x", threshold=2))
    ev = eng.feed(batch([(1, E, "x")]))
    assert [(e.rule, e.name, e.count) for e in ev] == [("b", "B", 2)]
    eng.replace_rule(rule(id="c", name="C", match="x"))
    assert [r.id for r in eng.rules] == ["a", "b", "c"]
    ev = eng.feed(batch([(2, E, "x")]))
    assert [(e.rule, e.count) for e in ev] == [("a", 2), ("c", 1)]


def test_set_rules_keeps_unchanged_state_and_remove() -> None:
    a = rule(id="a", name="A", match="x", threshold=2)
    b = rule(id="b", name="B", match="x", threshold=2)
    eng = RuleEngine([a, b])
    eng.feed(batch([(0, E, "x")]))
    eng.set_rules([a, rule(id="b", name="B", match="x", threshold=3)])
    ev = eng.feed(batch([(1, E, "x")]))
    assert [e.rule for e in ev] == ["a"]
    eng.remove_rule("a")
    eng.remove_rule("no-such-rule")
    assert [r.id for r in eng.rules] == ["b"]
    assert eng.active() == []  # a's firing went with it
    with pytest.raises(ValueError, match="duplicate rule id"):
        eng.set_rules([a, a])


def test_removed_rule_pending_resolve_is_dropped() -> None:
    eng = RuleEngine([rule(match="x", threshold=1, window=5.0)])
    eng.feed(batch([(0, E, "x")]))
    eng.remove_rule("r")
    assert eng.advance(100) == []


# -- batching does not change results ------------------------------------------------------------


def _workload(seed: int) -> list[Line]:
    rnd = random.Random(seed)
    msgs = [
        "connection refused by db",
        "Connection FAILED upstream",
        "Failed password for root from 1.1.1.1",
        "Failed password for bob from 2.2.2.2",
        "heartbeat",
        "all good",
        "disk full host=web1",
        "disk full host=web2",
    ]
    out: list[Line] = []
    t = 0.0
    for _ in range(120):
        t += rnd.choice([0.0, 0.5, 1.0, 3.0, 7.0, 15.0])
        jitter = -rnd.choice([0, 0, 0, 4])  # some out-of-order records
        out.append((t + jitter, rnd.choice([INF, W, E, U]), rnd.choice(msgs)))
        if rnd.random() < 0.1:
            out.append((t + jitter, E, None))
    return out


def _rules() -> list[Rule]:
    return [
        rule(id="err", name="err", level=Level.ERROR, threshold=3, window=10.0, cooldown=5.0),
        rule(
            id="conn",
            name="conn",
            match="(?i)connection (failed|refused)",
            window=8.0,
            cooldown=0.0,
        ),
        rule(
            id="ssh",
            name="ssh",
            match=r"Failed password for (?P<user>\S+) from (?P<ip>\S+)",
            group_by=("ip",),
            threshold=2,
            window=20.0,
            cooldown=0.0,
        ),
        rule(
            id="disk", name="disk", match="disk full", group_by=("host",), threshold=2, window=12.0
        ),
        rule(id="hb", name="hb", condition="absence", match="heartbeat", window=9.0, cooldown=0.0),
    ]


def _run(lines: list[Line], cuts: list[int]) -> list[AlertEvent]:
    eng = RuleEngine(_rules())
    out: list[AlertEvent] = []
    bounds = [0, *cuts, len(lines)]
    for a, b in zip(bounds, bounds[1:]):
        if b > a:
            out.extend(eng.feed(batch(lines[a:b], first_line=a + 1)))
    out.extend(eng.finish())
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_split_points_do_not_change_events(seed: int) -> None:
    lines = _workload(seed)
    whole = _run(lines, [])
    assert {e.rule for e in whole} >= {"err", "conn", "ssh", "hb"}
    for cut in range(1, len(lines)):
        assert _run(lines, [cut]) == whole, f"single split at {cut}"
    rnd = random.Random(seed)
    for _ in range(30):
        cuts = sorted(rnd.sample(range(1, len(lines)), rnd.randint(2, 25)))
        assert _run(lines, cuts) == whole, f"splits at {cuts}"
    assert _run(lines, list(range(1, len(lines)))) == whole  # one line per batch


def test_events_come_in_time_order_across_rules() -> None:
    events = _run(_workload(7), [])
    ats = [e.at for e in events]
    assert ats == sorted(ats)


def test_every_condition_has_a_runner() -> None:
    from logwatch_tui.core.engine import RUNNERS
    from logwatch_tui.core.rules import CONDITIONS

    assert set(RUNNERS) == set(CONDITIONS)
    eng = RuleEngine([rule(id=c, name=c, condition=c) for c in CONDITIONS])
    assert [r.condition for r in eng.rules] == list(CONDITIONS)
    assert eng.feed(batch([(0, E, "x")])) != []  # threshold 1 fires; the others just start
