"""A rule proposed from one log message finds that message, and its siblings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from logwatch_tui.core.suggest import regex_escape, suggest_rule
from logwatch_tui.pipeline import Pipeline, PipelineUpdate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "logs"
SAMPLE = Path(__file__).resolve().parents[1] / "ui" / "fixtures" / "sample.log"


def messages_of(path: Path) -> list[str]:
    """The messages the app would show for a file (same parsing as the TUI)."""
    out: list[str] = []

    def sink(upd: PipelineUpdate) -> None:
        for b in upd.batches:
            out.extend(m for m, h in zip(b.messages, b.heads) if h and m is not None)

    Pipeline([str(path)], sink=sink).replay([str(path)])
    return out


ALL_FILES = sorted(EXAMPLES.glob("*")) + [SAMPLE]


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_suggestion_finds_every_message_and_raw_line(path: Path) -> None:
    msgs = messages_of(path)
    raw = path.read_text(encoding="utf-8").splitlines()
    assert len(msgs) > 20
    for text in msgs + raw:
        s = suggest_rule(text)
        assert re.search(s.match, text), (text, s)
        assert s.name.strip()
        if s.group_by:
            assert s.group_by == ("ip",)
            assert "ip" in re.compile(s.match).groupindex


def test_values_are_generalised_and_constants_escaped() -> None:
    s = suggest_rule("loaded 11 orders for customer 260")
    assert s.match == r"loaded \S+ orders for customer"
    assert re.search(s.match, "loaded 29 orders for customer 770")
    assert not re.search(s.match, "removed 27 expired carts")
    assert s.name == "Loaded orders for customer"

    s = suggest_rule("Starting new HTTPS connection (1): api.stripe.com:443")
    assert r"\(" in s.match and r"api\.stripe\.com" in s.match
    assert re.search(s.match, "Starting new HTTPS connection (7): api.stripe.com:8443")


def test_first_ip_becomes_a_named_group_and_group_by() -> None:
    line = "Failed password for root from 10.0.0.1 port 22 ssh2"
    s = suggest_rule(line)
    assert s.group_by == ("ip",)
    m = re.search(s.match, "Failed password for root from 192.168.1.77 port 4000 ssh2")
    assert m is not None and m.group("ip") == "192.168.1.77"
    # ip with a port, and only the first of two addresses is grouped
    s = suggest_rule("proxy 10.1.2.3:8080 -> 10.9.9.9:443 refused")
    m = re.search(s.match, "proxy 10.1.2.4:8080 -> 10.9.9.8:443 refused")
    assert m is not None and m.group("ip") == "10.1.2.4"
    assert s.match.count("(?P<ip>") == 1
    s = suggest_rule("conn fe80::1%eth0 lost")
    assert s.group_by == ("ip",) and re.search(s.match, "conn fe80::1%eth0 lost")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12345",
        "x" * 20_000,
        "[bold]markup[/] [@click=app.quit]",
        "tab\there  and  spaces",
        "a\x1b[31mred\x1b[0m b 12",
        "nul \x00 byte \ufffd replaced",
        'quoted "" empty () and "a b c" things',
        r"C:\Users\x\file.txt not found",
        "ends with backslash \\",
        "(((( unbalanced [[[ {{{ ",
        "uuid 123e4567-e89b-12d3-a456-426614174000 took 12 ms (1.98 KB)",
    ],
)
def test_odd_messages_still_give_a_valid_matching_regex(text: str) -> None:
    s = suggest_rule(text)
    re.compile(s.match)
    assert re.search(s.match, text) is not None
    assert len(s.match) < 2000
    assert len(s.name) <= 40


def test_regex_escape_is_readable_and_exact() -> None:
    text = "a-b/c d:e=f (x) [y] {z} a.b*c+d?e^f$g|h\\i"
    escaped = regex_escape(text)
    assert "-" in escaped and "\\-" not in escaped and "\\/" not in escaped
    assert re.fullmatch(escaped, text)
