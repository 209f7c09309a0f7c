"""Custom formats from config and the registry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from logwatch_tui.core.formats import BUILTIN_FORMATS, format_names, make_format
from logwatch_tui.core.formats.custom import make_custom_format
from logwatch_tui.core.levels import Level

CFG = {
    "name": "myapp",
    "regex": r"^(?P<ts>\d\d/\d\d/\d{4} \d\d:\d\d:\d\d) <(?P<level>\w+)> (?P<component>\w+): (?P<message>.*)$",
    "strptime": "%d/%m/%Y %H:%M:%S",
}


def test_custom_format_parses(utc, agree) -> None:
    f = make_custom_format(CFG)
    assert f.name == "myapp"
    p = f.parse("20/11/2026 10:00:00 <E> billing: card declined")
    assert p is not None
    assert p.ts == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert p.level is Level.ERROR
    assert p.message == "card declined"
    assert p.fields == {"component": "billing"}
    agree(f, ["20/11/2026 10:00:00 <warn> a: b", "junk"])


@pytest.mark.parametrize(
    ("cfg", "error"),
    [
        ({"name": "x", "regex": "(?P<message>.*"}, "custom format 'x': regex 1 is bad"),
        ({"name": "x", "regex": "(?P<msg>.*)"}, "needs a named group 'message'"),
        ({"regex": "(?P<message>.*)"}, "needs a 'name'"),
        ({"name": "x"}, "'regex' must be a non-empty string or list"),
        ({"name": "x", "regex": "(?P<message>.*)", "colour": 1}, "unknown key(s) colour"),
        ({"name": "x", "regex": "(?P<message>.*)", "strptime": 5}, "'strptime' must be a string"),
    ],
)
def test_bad_configs(cfg, error) -> None:
    with pytest.raises(ValueError, match=None) as exc:
        make_custom_format(cfg)
    assert error in str(exc.value)


def test_registry() -> None:
    names = format_names()
    assert names == list(BUILTIN_FORMATS)
    assert set(names) >= {
        "syslog",
        "rfc5424",
        "access",
        "apache_error",
        "nginx_error",
        "json",
        "logfmt",
        "python",
        "generic",
    }
    assert format_names(custom=[CFG])[0] == "myapp"
    assert make_format("myapp", custom=[CFG]).name == "myapp"
    assert make_format("plain").name == "plain"
    now = 1_800_000_000.0
    assert make_format("syslog", now=now).now == now
    with pytest.raises(ValueError, match=r"unknown format 'nope' \(known: .*syslog.*\)"):
        make_format("nope")
    with pytest.raises(ValueError, match="clashes"):
        format_names(custom=[{**CFG, "name": "json"}])
