"""Log formats: the registry of built-ins and custom formats from config.

Two kinds of built-ins, one contract (:class:`~.base.LogFormat`):

* declarations (:mod:`.library`, schema in :mod:`.spec`) compiled by
  :class:`~.spec.DeclaredFormat` — adding a format is adding data;
* the hand-tuned hot formats (syslog, json, python, access …), which parse whole
  batches with C-level passes; each carries its samples and a specificity too.

Order means nothing: detection ranks by how much of each line a format explains,
then by specificity (see :mod:`.detect`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from logwatch_tui.core.formats.access import AccessFormat
from logwatch_tui.core.formats.base import LogFormat
from logwatch_tui.core.formats.custom import make_custom_format
from logwatch_tui.core.formats.errorlog import ApacheErrorFormat, NginxErrorFormat
from logwatch_tui.core.formats.generic import GenericFormat, PlainFormat
from logwatch_tui.core.formats.jsonl import JsonFormat
from logwatch_tui.core.formats.library import DECLARED
from logwatch_tui.core.formats.logfmt import LogfmtFormat
from logwatch_tui.core.formats.pylog import PythonFormat
from logwatch_tui.core.formats.spec import DeclaredFormat
from logwatch_tui.core.formats.syslog import Rfc3164Format, Rfc5424Format

BUILTIN_FORMATS: dict[str, Callable[..., LogFormat]] = {
    cls.name: cls
    for cls in (
        Rfc5424Format,
        Rfc3164Format,
        AccessFormat,
        ApacheErrorFormat,
        NginxErrorFormat,
        JsonFormat,
        LogfmtFormat,
        PythonFormat,
        GenericFormat,
    )
}
BUILTIN_FORMATS.update({d["name"]: partial(DeclaredFormat, d) for d in DECLARED})
"""Built-in formats by name: ``BUILTIN_FORMATS[name](now=...)`` makes one."""

__all__ = ["BUILTIN_FORMATS", "PlainFormat", "format_names", "make_format"]


def _custom_by_name(custom: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for cfg in custom or []:
        name = cfg.get("name") if isinstance(cfg, dict) else None
        if not isinstance(name, str) or not name.strip():
            make_custom_format(cfg)  # raises the clear error
        assert isinstance(name, str)
        if name in BUILTIN_FORMATS or name == PlainFormat.name:
            raise ValueError(f"custom format {name!r} clashes with a built-in format name")
        if name in out:
            raise ValueError(f"custom format {name!r} is defined twice")
        out[name] = cfg
    return out


def format_names(custom: list[dict[str, Any]] | None = None) -> list[str]:
    """Detection candidates: custom formats first (the user asked for them), then built-ins.

    ``plain`` is not listed: it matches everything and is what detection falls back to
    (``make_format("plain")`` still works, to force it).
    """
    return [*_custom_by_name(custom), *BUILTIN_FORMATS]


def make_format(
    name: str, *, now: float | None = None, custom: list[dict[str, Any]] | None = None
) -> LogFormat:
    """A fresh format instance by name; unknown names are a ValueError listing the known ones."""
    customs = _custom_by_name(custom)
    if name in customs:
        return make_custom_format(customs[name], now=now)
    factory = BUILTIN_FORMATS.get(name)
    if factory is not None:
        return factory(now=now)
    if name == PlainFormat.name:
        return PlainFormat(now=now)
    known = ", ".join([*customs, *BUILTIN_FORMATS, PlainFormat.name])
    raise ValueError(f"unknown format {name!r} (known: {known})")
