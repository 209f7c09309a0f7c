"""Hostile rule regexes: a static check picks the engine, a time budget bounds the rest.

Reproduces issue 12's "catastrophic regex" finding: ``(a+)+$`` against fifty
``a`` and a ``b`` never returned from stdlib ``re`` (holding the GIL), so the
engine, ``check`` and the backtest froze. Now the rule is disabled with a
reason and the others go on.
"""

from __future__ import annotations

import threading

import pytest

from logwatch_tui.analysis.backtest import matching_records
from logwatch_tui.core.engine import RuleEngine
from logwatch_tui.core.levels import Level
from logwatch_tui.core.rule_regex import SHORT_TEXT, GuardedPattern, pattern_risk, regex_warning
from logwatch_tui.core.rules import Rule, RuleError, rule_from_dict
from tests.unit.test_engine import batch

ISSUE = "(a+)+$"
"""The issue's pattern: stdlib re never returns on ISSUE_LINE; the regex module does at once."""
ISSUE_LINE = "a" * 50 + "b"
EVIL = "(a|aa)+$"
"""Exponential in every backtracking engine: it must blow its budget."""
EVIL_LINE = "a" * 60 + "b"


@pytest.mark.parametrize(
    ("pattern", "risky", "warn"),
    [
        ("ERROR", False, False),
        (r"(?i)connection (failed|refused)", False, False),
        (r"took (?P<ms>\d{3,})ms", False, False),
        (r'" 5\d\d ', False, False),
        (r"(a+)+$", True, True),
        (r"(\w+\s?)+$", True, True),
        (r"(a|aa)+$", True, True),
        (r"(?:x+x+)+y", True, True),
        (r"(a)\1", True, False),
        (r".*a.*b.*c.*d", True, False),
        (r"Failed password for (?:invalid user )?(?P<user>\S+) from (?P<ip>\S+)", True, False),
    ],
)
def test_pattern_risk(pattern: str, risky: bool, warn: bool) -> None:
    risk = pattern_risk(pattern)
    assert (risk is not None) == risky
    assert (regex_warning(pattern) is not None) == warn


def test_guarded_search_finds_the_same_as_re() -> None:
    import re

    for p in [r"(a+)+$", r"(?P<u>\S+) from (?P<ip>\S+)", r"(?i)ERROR", r"^x"]:
        g = GuardedPattern(re.compile(p))
        for text in ["aaa", "root from 10.0.0.1", "an error", "x y", "y x", "a" * 5000]:
            want = re.search(p, text)
            got = g.search(text)
            assert (want is None) == (got is None), (p, text)
            if want is not None:
                assert want.span() == got.span() and want.groupdict() == got.groupdict()


def _rules() -> list[Rule]:
    return [
        Rule(id="evil", name="Evil", match=EVIL),
        Rule(id="err", name="Errors", level=Level.ERROR),
    ]


def test_the_issues_pattern_just_works() -> None:
    engine = RuleEngine([Rule(id="r", name="R", match=ISSUE)])
    events = engine.feed(batch([(1, Level.INFO, ISSUE_LINE), (2, Level.INFO, "aaaa")]))
    assert [(e.rule, e.count) for e in events] == [("r", 1)]
    assert engine.disabled == {} and engine.take_notices() == []


def test_catastrophic_rule_is_disabled_with_a_reason_and_others_go_on() -> None:
    engine = RuleEngine(_rules())
    events = engine.feed(batch([(1, Level.INFO, EVIL_LINE), (2, Level.ERROR, "disk full")]))
    assert [(e.rule, e.status) for e in events] == [("err", "firing")]
    notices = engine.take_notices()
    assert [(n.rule, n.kind) for n in notices] == [("evil", "disabled")]
    assert EVIL in notices[0].message and "disabled" in notices[0].message
    assert "evil" in engine.disabled
    # later batches skip it without a new notice; the other rule keeps working
    events = engine.feed(batch([(100, Level.INFO, EVIL_LINE)] * 3 + [(500, Level.ERROR, "x")]))
    assert engine.take_notices() == []
    assert all(e.rule == "err" for e in events)


def test_editing_a_disabled_rule_restarts_it() -> None:
    engine = RuleEngine(_rules())
    engine.feed(batch([(1, Level.INFO, EVIL_LINE)]))
    assert "evil" in engine.disabled
    engine.replace_rule(Rule(id="evil", name="Evil", match=r"a+b$"))
    assert engine.disabled == {}
    events = engine.feed(batch([(2, Level.INFO, EVIL_LINE)]))
    assert [(e.rule, e.status) for e in events] == [("evil", "firing")]


def test_catastrophic_ignore_is_bounded_too() -> None:
    engine = RuleEngine([Rule(id="r", name="R", level=Level.INFO, ignore=EVIL)])
    engine.feed(batch([(1, Level.INFO, EVIL_LINE)]))
    assert "r" in engine.disabled


def test_long_messages_with_a_safe_pattern_take_the_bounded_path() -> None:
    # `\S+ from` is quadratic in stdlib re: 100k characters took ~35 s, holding the GIL.
    long = "x" * (50 * SHORT_TEXT)
    engine = RuleEngine([Rule(id="r", name="R", match=r"(?P<u>\S+) from")])
    events = engine.feed(batch([(1, Level.INFO, long), (2, Level.INFO, "root from here")]))
    assert [(e.rule, e.key) for e in events] == [("r", ())]
    assert engine.disabled == {}


def test_the_gil_is_free_while_a_guarded_regex_runs() -> None:
    """Another thread (the UI, a signal handler) runs while a rule's regex works."""
    ticks = []
    stop = threading.Event()

    def ticker() -> None:
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.01)

    t = threading.Thread(target=ticker)
    engine = RuleEngine(_rules())
    t.start()
    try:
        engine.feed(batch([(1, Level.INFO, EVIL_LINE)]))
    finally:
        stop.set()
        t.join()
    assert len(ticks) >= 5  # the ticker ran during the 0.5 s budget


def test_backtest_matching_is_bounded() -> None:
    r = Rule(id="evil", name="Evil", match=EVIL)
    with pytest.raises(TimeoutError):
        list(matching_records(r, batch([(1, Level.INFO, EVIL_LINE)])))


def test_duplicate_names_and_bad_levels_are_rejected(tmp_path) -> None:
    from logwatch_tui.core.rules import load_rules

    p = tmp_path / "rules.toml"
    p.write_text('[[rules]]\nname = "Disk"\nmatch = "a"\n[[rules]]\nname = "disk "\nid = "d2"\n')
    with pytest.raises(RuleError, match="names must be unique") as exc:
        load_rules(p)
    assert str(p) in str(exc.value)
    for bad in (99, "99", 8, -1):
        with pytest.raises(RuleError, match="is not a level"):
            rule_from_dict({"name": "X", "level": bad})
    assert rule_from_dict({"name": "X", "level": 3}).level is Level.ERROR  # syslog err
    assert rule_from_dict({"name": "X", "level": 50}).level is Level.ERROR  # bunyan error
    with pytest.raises(RuleError, match="is not a level"):
        Rule(id="x", name="X", level=99)


def test_polynomial_patterns_use_re_only_on_short_messages() -> None:
    import re

    from logwatch_tui.core.rule_regex import short_limit

    g = GuardedPattern(re.compile(r"a*a*a*b"))  # ~n^4 steps in stdlib re
    assert g.risk is not None and g.risk.degree == 3
    assert g.limit == short_limit(g.risk) and 100 <= g.limit <= 130
    assert g.finder(g.limit) == g.re.search
    assert g.finder(g.limit + 1) != g.re.search
    fixed = GuardedPattern(re.compile(r"from (?:\d+\.){3}\d+"))  # the body 3 times: polynomial
    assert fixed.risk is not None and not fixed.risk.warn and fixed.limit > 0
    # A long hostile message goes to the bounded engine (stdlib re would take ~n^4 steps).
    assert g.search("a" * 20_000) is None


def test_optional_parts_are_a_constant_factor_not_an_open_ended_quantifier() -> None:
    """``x?`` and ``\\d{1,3}`` can't grow with the message: stdlib re keeps longer messages.

    Before, ``(?:invalid user )?`` counted as an open-ended quantifier: the
    example rule's limit was 124 characters, and every longer syslog message
    it was checked on went to the slower time-limited engine.
    """
    import re

    from logwatch_tui.core.rule_regex import short_limit

    login = GuardedPattern(
        re.compile(r"Failed password for (?:invalid user )?(?P<user>\S+) from (?P<ip>\S+)")
    )
    assert login.risk is not None and login.risk.degree == 2 and login.risk.choices == 2
    assert login.limit == short_limit(login.risk) > 300
    assert pattern_risk(r"(?i)(refused|timed? ?out)") is None  # two `?`: 4 ways, no more
    # no open-ended quantifier at all: linear, whatever the bounded ones
    assert pattern_risk(r"from \d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3} port") is None
    one = GuardedPattern(re.compile(r"(?:user )?(?:id )?(?:x )?\S+ from"))  # 8 ways, one `+`
    assert one.risk is not None and one.risk.degree == 1 and 1000 < one.limit < SHORT_TEXT
    # ...but many optional parts in a row are exponential: always the bounded engine
    many = GuardedPattern(re.compile("a?" * 12 + "a" * 12))
    assert many.limit == 0
    assert many.search("a" * 12) is not None
    # and a bounded quantifier inside a repeat is still a nested quantifier
    assert pattern_risk(r"(ab?)+$") is not None
