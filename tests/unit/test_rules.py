from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from logwatch_tui.core.levels import Level
from logwatch_tui.core.rules import (
    Rule,
    RuleError,
    load_rules,
    render_message,
    rule_from_dict,
    rule_group_names_missing,
    rule_summary,
    rule_to_dict,
    save_rules,
)
from logwatch_tui.core.tomlio import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_and_slug_id() -> None:
    r = rule_from_dict({"name": "High Error Rate"})
    assert r.id == "high-error-rate"
    assert (r.enabled, r.severity, r.condition, r.threshold) == (True, "warning", "threshold", 1)
    assert (r.window, r.cooldown, r.notify) == (60.0, 300.0, ("toast",))
    assert r.match is None and r.level is None


def test_full_rule_from_dict() -> None:
    r = rule_from_dict(
        {
            "id": "ssh",
            "name": "SSH",
            "enabled": False,
            "severity": "Critical",
            "match": r"from (?P<ip>\S+)",
            "ignore": "127.0.0.1",
            "level": "WARN",
            "sources": "auth.log",
            "group_by": ["ip"],
            "threshold": 3,
            "window": "5m",
            "cooldown": 0,
            "notify": ["toast", "email"],
            "message": "{count} from {ip}",
        }
    )
    assert r.severity == "critical"
    assert r.level is Level.WARNING
    assert r.sources == ("auth.log",)
    assert r.window == 300.0 and r.cooldown == 0.0
    assert r.match_re is not None and r.match_re.groupindex == {"ip": 1}


def test_compiled_regexes_not_in_eq_or_repr() -> None:
    a = rule_from_dict({"name": "a", "match": "x+"})
    b = rule_from_dict({"name": "a", "match": "x+"})
    assert a == b and hash(a) == hash(b)
    assert "_match_re" not in repr(a)
    c = dataclasses.replace(a, match="y")
    assert c.match_re is not None and c.match_re.pattern == "y"


def test_match_is_case_sensitive_unless_flagged() -> None:
    assert rule_from_dict({"name": "a", "match": "error"}).match_re.search("ERROR") is None  # type: ignore[union-attr]
    assert rule_from_dict({"name": "a", "match": "(?i)error"}).match_re.search("ERROR")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            {"name": "High Error Rate", "window": "5x"},
            "rule 'High Error Rate': window: '5x' is not a duration (use 90s, 5m, 1h)",
        ),
        (
            {"name": "X", "match": "(abc"},
            "rule 'X': match: missing ), unterminated subpattern at position 0",
        ),
        (
            {"name": "X", "ignore": "ab[c"},
            "rule 'X': ignore: unterminated character set at position 2",
        ),
        (
            {"name": "X", "treshold": 3},
            "rule 'X': treshold: unknown key (did you mean 'threshold'?)",
        ),
        ({"threshold": 3}, "rule #1: name: is required (a non-empty string)"),
        ({"name": "X", "threshold": 0}, "rule 'X': threshold: 0 must be a whole number >= 1"),
        ({"name": "X", "threshold": 2.5}, "rule 'X': threshold: 2.5 must be a whole number >= 1"),
        ({"name": "X", "threshold": True}, "rule 'X': threshold: True must be a whole number >= 1"),
        (
            {"name": "X", "window": "0s"},
            "rule 'X': window: '0s' must be longer than 0 (use 90s, 5m, 1h)",
        ),
        (
            {"name": "X", "cooldown": "-1m"},
            "rule 'X': cooldown: '-1m' is negative; a duration must be 0 or more",
        ),
        (
            {"name": "X", "severity": "loud"},
            "rule 'X': severity: 'loud' is not one of info, warning, error, critical",
        ),
        (
            {"name": "X", "condition": "spiky"},
            "rule 'X': condition: 'spiky' is not one of threshold, absence, new_pattern, spike",
        ),
        ({"name": "X", "enabled": "yes"}, "rule 'X': enabled: must be true or false"),
        ({"name": "X", "notify": [1]}, "rule 'X': notify: must be a list of non-empty strings"),
        ({"name": "X", "group_by": ["a", "a"]}, "rule 'X': group_by: names must not repeat"),
        (
            {"name": "X", "id": "has space"},
            "rule 'X': id: 'has space' is not a valid id (letters, digits, '-', '_', '.')",
        ),
    ],
)
def test_invalid_rules_name_rule_key_reason(table: dict, expected: str) -> None:
    with pytest.raises(RuleError) as exc:
        rule_from_dict(table)
    assert str(exc.value) == expected


def test_level_errors_and_spellings() -> None:
    with pytest.raises(
        RuleError, match=r"rule 'X': level: 'loud' is not a level \(use trace, debug"
    ):
        rule_from_dict({"name": "X", "level": "loud"})
    assert rule_from_dict({"name": "X", "level": "E"}).level is Level.ERROR
    assert rule_from_dict({"name": "X", "level": "fatal"}).level is Level.CRITICAL
    assert rule_from_dict({"name": "X", "level": 40}).level is Level.WARNING


def test_empty_strings_mean_unset() -> None:
    r = rule_from_dict({"name": "X", "match": "", "ignore": "", "message": "", "level": ""})
    assert (r.match, r.ignore, r.message, r.level) == (None, None, None, None)


def test_group_names_missing() -> None:
    r = rule_from_dict({"name": "X", "match": r"(?P<ip>\S+)", "group_by": ["ip", "host"]})
    assert rule_group_names_missing(r) == ["host"]


def test_rule_summary() -> None:
    assert (
        rule_summary(
            rule_from_dict({"name": "a", "threshold": 3, "window": "60s", "group_by": ["ip"]})
        )
        == "≥3 in 60s by ip"
    )
    assert (
        rule_summary(rule_from_dict({"name": "a", "threshold": 3, "window": "90s"})) == "≥3 in 90s"
    )
    assert (
        rule_summary(rule_from_dict({"name": "a", "condition": "absence", "window": "5m"}))
        == "no match for 5m"
    )


def test_render_message_fills_and_never_raises() -> None:
    r = rule_from_dict(
        {
            "name": "SSH",
            "severity": "error",
            "window": "5m",
            "group_by": ["ip"],
            "message": "{name} {severity}: {count} from {ip} in {window} {nope} {0.__class__} {{x}} {",
        }
    )
    text = render_message(r, 4, {"ip": "10.0.0.9"})
    assert text == "SSH error: 4 from 10.0.0.9 in 5m {nope} {0.__class__} {{x}} {"


def test_render_default_message_mentions_key() -> None:
    r = rule_from_dict({"name": "SSH", "window": "5m", "group_by": ["ip"]})
    assert render_message(r, 3, {"ip": "1.2.3.4"}) == "SSH: 3 in 5m (ip=1.2.3.4)"


ALL_KINDS = [
    Rule(id="a", name="A"),
    Rule(
        id="b.2",
        name="B 'quoted' \"name\" ünï",
        enabled=False,
        severity="critical",
        match=r"Failed password for (?P<user>\S+) from (?P<ip>\S+)",
        ignore=r"from 10\.",
        level=Level.NOTICE,
        sources=("auth.log", "/var/log/*.log"),
        group_by=("ip", "user"),
        threshold=7,
        window=0.25,
        cooldown=0.0,
        notify=(),
        message="{count} {ip} [bold]markup[/] {x}",
    ),
    Rule(id="c", name="C", condition="absence", window=5400.0, cooldown=1 / 3, level=Level.TRACE),
]


def test_toml_round_trip_gives_identical_rules(tmp_path: Path) -> None:
    p = tmp_path / "rules.toml"
    save_rules(p, ALL_KINDS)
    assert load_rules(p) == ALL_KINDS
    text = p.read_text()
    assert 'window = "250ms"' in text and 'window = "90m"' in text
    assert 'level = "notice"' in text


def test_rule_to_dict_is_minimal() -> None:
    assert rule_to_dict(Rule(id="a", name="A")) == {"id": "a", "name": "A"}
    d = rule_to_dict(Rule(id="a", name="A", window=300.0, level=Level.ERROR, notify=()))
    assert d == {"id": "a", "name": "A", "window": "5m", "level": "error", "notify": []}


def test_example_rules_file_loads() -> None:
    rules = {r.name: r for r in load_rules(ROOT / "examples" / "rules.toml")}
    her = rules["High Error Rate"]
    assert (her.level, her.threshold, her.window) == (Level.ERROR, 3, 60.0)
    cf = rules["Connection Failed"]
    assert (
        cf.threshold == 1 and cf.match_re is not None and cf.match_re.search("Connection REFUSED")
    )
    assert any(r.group_by for r in rules.values())
    absent = [r for r in rules.values() if r.condition == "absence"]
    assert absent and not absent[0].enabled


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "rules.toml"
    p.write_text(textwrap.dedent(text))
    return p


def test_load_rules_errors_name_the_file(tmp_path: Path) -> None:
    p = _write(tmp_path, '[[rules]]\nname = "A"\nwindow = "5x"\n')
    with pytest.raises(RuleError) as exc:
        load_rules(p)
    assert str(exc.value) == f"{p}: rule 'A': window: '5x' is not a duration (use 90s, 5m, 1h)"


def test_load_rules_bad_toml_reports_line(tmp_path: Path) -> None:
    p = _write(tmp_path, '[[rules]]\nname = "A"\nmatch = "unterminated\n')
    with pytest.raises(ConfigError, match=rf"^{p}:3: "):
        load_rules(p)


def test_duplicate_ids_rejected(tmp_path: Path) -> None:
    p = _write(tmp_path, '[[rules]]\nname = "A b"\n[[rules]]\nname = "Other"\nid = "a-b"\n')
    with pytest.raises(RuleError, match=r"rule 'Other': id: 'a-b' is already used by rule 'A b'"):
        load_rules(p)


def test_unknown_top_level_key(tmp_path: Path) -> None:
    p = _write(tmp_path, '[[rule]]\nname = "A"\n')
    with pytest.raises(ConfigError, match="unknown top-level key 'rule'"):
        load_rules(p)


def test_empty_file_means_no_rules(tmp_path: Path) -> None:
    p = _write(tmp_path, "")
    assert load_rules(p) == []
    save_rules(p, [])
    assert load_rules(p) == []


def test_save_leaves_no_temp_files(tmp_path: Path) -> None:
    p = tmp_path / "rules.toml"
    for n in range(5):
        save_rules(p, ALL_KINDS[: n % 3 + 1])
    assert os.listdir(tmp_path) == ["rules.toml"]


_LOOPER = textwrap.dedent(
    """
    import sys
    from logwatch_tui.core.rules import Rule, save_rules
    path = sys.argv[1]
    # a 400 kB file (the size, not regexes, is the point: a message costs no regex checks)
    big = [Rule(id=f"r{i}", name=f"Rule {i}", message="x" * 2000, threshold=i + 1) for i in range(200)]
    small = [Rule(id="only", name="Only")]
    n = 0
    while True:
        save_rules(path, big if n % 2 else small)
        n += 1
        print(n, flush=True)
    """
)


@pytest.mark.parametrize("saves_before_kill", [1, 3, 8])
def test_sigkill_during_save_loop_leaves_a_readable_file(
    tmp_path: Path, saves_before_kill: int
) -> None:
    p = tmp_path / "rules.toml"
    save_rules(p, [Rule(id="only", name="Only")])
    proc = subprocess.Popen(
        [sys.executable, "-c", _LOOPER, str(p)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, "saver exited early"
            if int(line) >= saves_before_kill:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    rules = load_rules(p)
    assert len(rules) in (1, 200)


# -- new_pattern and spike ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            {"name": "X", "factor": 3},
            'rule \'X\': factor: only allowed with condition = "spike" (this rule is "threshold")',
        ),
        (
            {"name": "X", "condition": "spike", "learn": "5m"},
            'rule \'X\': learn: only allowed with condition = "new_pattern" (this rule is "spike")',
        ),
        (
            {"name": "X", "condition": "new_pattern", "baseline": "5m"},
            "rule 'X': baseline: only allowed with condition = \"spike\" "
            '(this rule is "new_pattern")',
        ),
        (
            {"name": "X", "condition": "spike", "factor": 1},
            "rule 'X': factor: 1 must be a number > 1 (times the baseline rate)",
        ),
        (
            {"name": "X", "condition": "spike", "factor": "3x"},
            "rule 'X': factor: '3x' must be a number > 1 (times the baseline rate)",
        ),
        (
            {"name": "X", "condition": "spike", "factor": True},
            "rule 'X': factor: True must be a number > 1 (times the baseline rate)",
        ),
        (
            {"name": "X", "condition": "spike", "factor": float("inf")},
            "rule 'X': factor: inf must be a number > 1 (times the baseline rate)",
        ),
        (
            {"name": "X", "condition": "spike", "window": "5m", "baseline": "60s"},
            "rule 'X': baseline: 60s is shorter than window 5m "
            "(the baseline must span at least one window)",
        ),
        (
            {"name": "X", "condition": "spike", "baseline": "0s"},
            "rule 'X': baseline: '0s' must be longer than 0 (use 90s, 5m, 1h)",
        ),
        (
            {"name": "X", "condition": "new_pattern", "learn": "soon"},
            "rule 'X': learn: 'soon' is not a duration (use 90s, 5m, 1h)",
        ),
        (
            {"name": "X", "condition": "spike", "factr": 2},
            "rule 'X': factr: unknown key (did you mean 'factor'?)",
        ),
    ],
)
def test_condition_keys_are_validated(table: dict, expected: str) -> None:
    with pytest.raises(RuleError) as exc:
        rule_from_dict(table)
    assert str(exc.value) == expected


def test_condition_defaults() -> None:
    np_rule = rule_from_dict({"name": "N", "condition": "new_pattern"})
    assert np_rule.options_dict == {"learn": 600.0}
    assert rule_from_dict({"name": "N", "condition": "new_pattern", "learn": 0}).options_dict == {
        "learn": 0.0
    }
    sp = rule_from_dict({"name": "S", "condition": "spike", "window": "2m"})
    assert sp.threshold == 10  # spike's own default
    assert sp.options_dict == {"factor": 3.0, "baseline": 1200.0}  # baseline: 10 x window
    assert sp.options == ()  # only what was written is stored
    assert rule_from_dict({"name": "S", "condition": "spike", "threshold": 1}).threshold == 1
    assert rule_from_dict({"name": "T"}).threshold == 1


def test_editor_built_rules_validate_options_too() -> None:
    r = Rule(id="s", name="S", condition="spike", options={"baseline": "10m", "factor": 2})  # type: ignore[arg-type]
    assert r.options == (("baseline", 600.0), ("factor", 2.0))
    assert dataclasses.replace(r, window=120.0) == Rule(
        id="s", name="S", condition="spike", window=120.0, options=r.options
    )
    with pytest.raises(RuleError, match=r"rule 'S': baseline: 60s is shorter than window 2m"):
        dataclasses.replace(r, window=120.0, options=(("baseline", 60.0),))
    with pytest.raises(RuleError, match=r'rule \'S\': learn: only allowed with condition = "new_'):
        dataclasses.replace(r, options=(("learn", 5.0),))
    with pytest.raises(RuleError, match=r"rule 'S': nope: unknown key"):
        dataclasses.replace(r, options=(("nope", 5.0),))


def test_condition_summaries_and_messages() -> None:
    np_rule = rule_from_dict({"name": "New", "condition": "new_pattern"})
    assert rule_summary(np_rule) == "new message patterns after 10m"
    assert (
        render_message(np_rule, 1, {"pattern": "disk <*> full"})
        == "New: new message pattern (pattern=disk <*> full)"
    )
    assert render_message(np_rule, 3, {"pattern": "x"}) == "New: 3 new message patterns (pattern=x)"
    sp = rule_from_dict({"name": "Spike", "condition": "spike", "window": "60s"})
    assert rule_summary(sp) == "rate > 3× baseline (10m) in 60s"
    sp2 = rule_from_dict(
        {
            "name": "Spike",
            "condition": "spike",
            "window": "30s",
            "baseline": "1h",
            "factor": 2.5,
            "group_by": ["ip"],
            "message": "{count} in {window} > {factor}x {baseline} for {ip}",
        }
    )
    assert rule_summary(sp2) == "rate > 2.5× baseline (1h) in 30s by ip"
    assert render_message(sp2, 40, {"ip": "1.2.3.4"}) == "40 in 30s > 2.5x 1h for 1.2.3.4"
    assert render_message(sp, 12) == "Spike: 12 in 60s, over 3× the baseline rate"


NEW_KINDS = [
    Rule(id="n", name="N", condition="new_pattern"),
    Rule(
        id="n2",
        name="N2",
        condition="new_pattern",
        level=Level.ERROR,
        match="db",
        cooldown=0.0,
        options=(("learn", 90.0),),
    ),
    Rule(id="n3", name="N3", condition="new_pattern", options=(("learn", 0.0),)),
    Rule(id="s", name="S", condition="spike"),
    Rule(id="s1", name="S1", condition="spike", threshold=1),
    Rule(id="s10", name="S10", condition="spike", threshold=10),
    Rule(
        id="s2",
        name="S2",
        condition="spike",
        group_by=("ip",),
        window=30.0,
        threshold=4,
        options=(("baseline", 5400.0), ("factor", 2.5)),
    ),
    Rule(id="s3", name="S3", condition="spike", options=(("factor", 3.0),)),
]


def test_toml_round_trip_new_conditions(tmp_path: Path) -> None:
    p = tmp_path / "rules.toml"
    save_rules(p, NEW_KINDS)
    assert load_rules(p) == NEW_KINDS
    for r in NEW_KINDS:
        assert rule_from_dict(rule_to_dict(r)) == r
    text = p.read_text()
    assert 'learn = "90s"' in text and 'baseline = "90m"' in text and "factor = 2.5" in text
    assert rule_to_dict(NEW_KINDS[0]) == {"id": "n", "name": "N", "condition": "new_pattern"}
    assert rule_to_dict(NEW_KINDS[5]) == {"id": "s10", "name": "S10", "condition": "spike"}
    assert rule_to_dict(NEW_KINDS[4])["threshold"] == 1  # not spike's TOML default: written


def test_example_rules_have_disabled_new_conditions() -> None:
    rules = load_rules(ROOT / "examples" / "rules.toml")
    kinds = {r.condition: r for r in rules}
    assert not kinds["new_pattern"].enabled and not kinds["spike"].enabled
