"""User-defined formats from config: declarations in the schema of :mod:`.spec`.

::

    [[formats]]
    name = "myapp"
    regex = ['^(?P<ts>\\S+ \\S+) <(?P<level>\\w+)> (?P<component>\\w+): (?P<message>.*)$',
             '^(?P<ts>\\d{10}) (?P<message>.*)$']           # one regex or several, tried in order
    timestamp = ["%Y-%m-%d %H:%M:%S", "epoch"]              # default ["iso"]; "strptime" also works
    level-map = { E = "error", W = "warning", I = "info" }
    multiline = true
    samples = [{ line = "2026-11-20 10:00:00 <E> db: down", level = "error", message = "down" }]

Every key is documented in :mod:`logwatch_tui.core.formats.spec`. Lines the regexes do
not match are not silently glued to the record above: only continuation-shaped lines
join it, the others are records of their own (level UNKNOWN) and are counted (see
:class:`~logwatch_tui.core.formats.detect.SourceParser`).
"""

from __future__ import annotations

from typing import Any

from logwatch_tui.core.formats.spec import DeclaredFormat, SpecError, normalise


def make_custom_format(config: dict[str, Any], *, now: float | None = None) -> DeclaredFormat:
    """Build a format from a config table; a bad table is a ValueError naming the problem."""
    try:
        spec = normalise(config)
        if "regex" not in spec and "json" not in spec:
            raise SpecError(
                f"format {spec['name']!r}: 'regex' must be a non-empty string or list of strings"
            )
        fmt = DeclaredFormat(spec, now=now)
    except SpecError as exc:
        raise ValueError(f"custom {exc}") from None
    if not spec.get("description"):
        fmt.description = f"custom format {spec['name']!r}"  # type: ignore[misc]
    return fmt
