"""User-defined formats from config: one regex with named groups.

::

    [[formats]]
    name = "myapp"
    regex = '^(?P<ts>\\S+ \\S+) <(?P<level>\\w+)> (?P<component>\\w+): (?P<message>.*)$'
    strptime = "%Y-%m-%d %H:%M:%S"     # optional; ISO 8601 is tried without it
    multiline = true                     # optional (default true)

Groups ``ts``, ``level`` and ``message`` are special (``message`` is required);
every other named group becomes a field. Levels accept the usual spellings and
single letters (``E``, ``W``), since the regex says where the level is.
"""

from __future__ import annotations

import re
from typing import Any

from logwatch_tui.core.formats.base import RegexFormat

_KEYS = {"name", "regex", "strptime", "multiline", "description"}


class CustomFormat(RegexFormat):
    """A RegexFormat whose name, regex and strptime come from config."""

    level_letters = True


def make_custom_format(config: dict[str, Any], *, now: float | None = None) -> CustomFormat:
    """Build a format from a config table; a bad table is a ValueError naming the problem."""
    if not isinstance(config, dict):
        raise ValueError(f"custom format must be a table, got {type(config).__name__}")
    name = config.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("custom format needs a non-empty 'name'")
    unknown = sorted(set(config) - _KEYS)
    if unknown:
        raise ValueError(
            f"custom format {name!r}: unknown key(s) {', '.join(unknown)} "
            f"(allowed: {', '.join(sorted(_KEYS))})"
        )
    regex = config.get("regex")
    if not isinstance(regex, str) or not regex:
        raise ValueError(f"custom format {name!r}: 'regex' must be a non-empty string")
    try:
        rx = re.compile(regex)
    except re.error as exc:
        raise ValueError(f"custom format {name!r}: bad regex: {exc}") from None
    if "message" not in rx.groupindex:
        raise ValueError(
            f"custom format {name!r}: the regex needs a named group 'message', e.g. (?P<message>.*)"
        )
    strptime = config.get("strptime")
    if strptime is not None and not isinstance(strptime, str):
        raise ValueError(f"custom format {name!r}: 'strptime' must be a string")
    multiline = config.get("multiline", True)
    if not isinstance(multiline, bool):
        raise ValueError(f"custom format {name!r}: 'multiline' must be true or false")
    fmt = CustomFormat(now=now, regex=rx, strptime=strptime, name=name)
    fmt.multiline = multiline  # type: ignore[misc]
    desc = config.get("description")
    fmt.description = str(desc) if desc else f"custom format {name!r}"  # type: ignore[misc]
    return fmt
