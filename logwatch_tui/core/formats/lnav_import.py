"""Turn lnav format definitions (JSON) into declarations of our schema (:mod:`.spec`).

What carries over: the ``regex`` table (PCRE named groups ``(?<name>…)`` become
``(?P<name>…)``; ``timestamp`` -> ``ts``, ``body`` -> ``message``, the
``level-field`` group -> ``level``), ``timestamp-format`` (``%L`` milliseconds,
``%e``/``%k``/``%l`` padded fields, ``%s``/``%i``/``%6``/``%9`` epochs),
``timestamp-divisor``, the ``level`` table (regexes -> ``level-patterns``, numbers ->
``level-map``), JSON formats (``file-type: json``: ``timestamp-field``,
``level-field``, ``body-field``, ``/`` paths -> dotted paths), ``multiline``, the
``value`` names (as ``fields``) and ``sample`` lines (first line and level).

What does not (reported per format): ``line-format`` (display only; the message is
``body-field`` or the raw line), ``opid``/``thread-id``/``src-file`` fields
(kept as plain fields), ``search-table``, ``highlights``, ``partitions``,
``converter``, ``tags``, ``action``, ``hide-extra``, value ``kind``s, PCRE features
Python's ``re`` lacks (duplicate group names, ``\\K``, …: that regex is dropped).
"""

from __future__ import annotations

import re
from typing import Any

from logwatch_tui.core.formats.spec import DeclaredFormat, SpecError

_LEVELS = {
    "fatal": "critical",
    "critical": "critical",
    "error": "error",
    "warning": "warning",
    "notice": "notice",
    "stats": "info",
    "info": "info",
    "debug": "debug",
    "debug2": "debug",
    "debug3": "debug",
    "debug4": "trace",
    "debug5": "trace",
    "trace": "trace",
}
_CARRIED = {
    "title",
    "description",
    "url",
    "regex",
    "level-field",
    "level",
    "value",
    "timestamp-field",
    "timestamp-format",
    "timestamp-divisor",
    "body-field",
    "multiline",
    "sample",
    "file-type",
    "json",
    "opid-field",
    "thread-id-field",
    "src-file-field",
    "src-line-field",
    "module-field",
    "convert-to-local-time",
    "ordered-by-time",
}
_NAMED = re.compile(r"\(\?<([A-Za-z_][\w-]*)>")
_BACKREF = re.compile(r"\\k<([A-Za-z_][\w-]*)>")
_POSIX = {
    "[:alpha:]": "a-zA-Z",
    "[:digit:]": "0-9",
    "[:alnum:]": "a-zA-Z0-9",
    "[:space:]": r"\s",
    "[:upper:]": "A-Z",
    "[:lower:]": "a-z",
    "[:xdigit:]": "0-9a-fA-F",
    "[:punct:]": r"!-/:-@\[-`{-~",
    "[:word:]": r"\w",
}
_DEFAULT_TS = [
    "iso",
    "bsd",
    "%d/%b/%Y:%H:%M:%S %z",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S.%f",
    "%a %b %d %H:%M:%S %Y",
    "%a %b %d %H:%M:%S.%f %Y",
    "%d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M:%S.%f",
    "%y%m%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%d/%b/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S %z",
    "%b %d %Y %H:%M:%S",
    "%m%d %H:%M:%S.%f",
    "%Y%m%d %H:%M:%S.%f",
    "%m-%d %H:%M:%S.%f",
]
"""What lnav's built-in date parser tries when a format names no ``timestamp-format``."""


def _group_name(name: str, level_field: str | None) -> str:
    if name == "timestamp":
        return "ts"
    if name == "body":
        return "message"
    if level_field and name == level_field and name != "body":
        return "level"
    if name == "level" and level_field not in (None, "level"):
        return "level_text"
    if name in ("ts", "message"):
        return name + "_"
    return name.replace("-", "_")


def convert_regex(pattern: str, level_field: str | None) -> tuple[str, list[str]]:
    """PCRE (as lnav writes it) -> Python ``re``; notes on approximations."""
    notes: list[str] = []
    out = _NAMED.sub(lambda m: f"(?P<{_group_name(m.group(1), level_field)}>", pattern)
    out = _BACKREF.sub(lambda m: f"(?P={_group_name(m.group(1), level_field)})", out)
    for k, v in _POSIX.items():
        out = out.replace(k, v)
    out = out.replace(r"\h", r"[ \t]").replace(r"\z", r"\Z")
    # Python wants global inline flags at the start; lnav puts (?i) mid-pattern.
    flags = re.findall(r"\(\?([imsx]+)\)", out)
    if flags and not re.match(r"\(\?[imsx]+\)", out):
        leading = re.match(r"\^\(\?[imsx]+\)", out) is not None and len(flags) == 1
        out = re.sub(r"\(\?[imsx]+\)", "", out)
        out = "(?" + "".join(sorted(set("".join(flags)))) + ")" + out
        if not leading:
            notes.append("inline flag moved to the start of the regex (applies to all of it)")
    return out, notes


def convert_time_format(fmt: str) -> str | None:
    """One lnav timestamp-format -> ours (None when it cannot be expressed)."""
    table = {"%s": "epoch", "%i": "epoch-ms", "%6": "epoch", "%9": "epoch", "%s.%f": "epoch"}
    if fmt in table:
        return table[fmt]
    out = (
        fmt.replace("%L", "%f")
        .replace("%N", "%f")
        .replace("%e", "%d")
        .replace("%k", "%H")
        .replace("%l", "%I")
        .replace("%F", "%Y-%m-%d")
        .replace("%T", "%H:%M:%S")
        .replace("%q", "%f")
    )
    if re.search(r"%[^aAbBcdfHIjmMpSUwWyYzZ%]", out):
        return None
    return out


def _level_entries(levels: dict[str, Any], fmt: str, notes: list[str]) -> tuple[dict, dict]:
    level_map: dict[str, str] = {}
    patterns: dict[str, str] = {}
    raw: dict[str, list[str]] = {}
    for lname, value in levels.items():
        ours = _LEVELS.get(lname)
        if ours is None:
            notes.append(f"level {lname!r} has no equivalent (dropped)")
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            level_map[str(int(value))] = ours
        elif isinstance(value, str):
            raw.setdefault(ours, []).append(value)  # debug2..5 all map to debug: joined
    for ours, values in raw.items():
        joined = values[0] if len(values) == 1 else "|".join(f"(?:{v})" for v in values)
        rx, _ = convert_regex(joined, None)
        try:
            re.compile(rx)
        except re.error as exc:
            notes.append(f"level {ours!r} pattern does not compile in Python: {exc}")
            continue
        patterns[ours] = rx
    return level_map, patterns


def _path(field: str) -> str:
    return field.replace("/", ".")


def convert_format(name: str, d: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """One lnav format -> (our declaration or None, notes on what did not carry over)."""
    notes: list[str] = []
    lost = sorted(set(d) - _CARRIED)
    if lost:
        notes.append("not carried over: " + ", ".join(lost))
    if d.get("line-format"):
        notes.append("line-format not carried over (the message is body-field or the raw line)")
    spec: dict[str, Any] = {
        "name": name,
        "description": str(d.get("title") or d.get("description") or name),
    }
    if d.get("url"):
        url = d["url"]
        spec["url"] = url if isinstance(url, str) else str(url[0]) if url else ""
    level_field = d.get("level-field")
    is_json = d.get("file-type") == "json" or d.get("json") is True
    ts_formats: list[str] = []
    for f in d.get("timestamp-format", []) or []:
        c = convert_time_format(f)
        if c is None:
            notes.append(f"timestamp-format {f!r} cannot be expressed (dropped)")
        elif c not in ts_formats:
            ts_formats.append(c)
    divisor = d.get("timestamp-divisor")
    if divisor:
        ts_formats.insert(0, "epoch-ms" if float(divisor) == 1000 else "epoch")
    if not ts_formats:
        ts_formats = list(_DEFAULT_TS)
    if is_json:
        ts_formats = [*ts_formats, "epoch"] if "epoch" not in ts_formats else ts_formats
    spec["timestamp"] = ts_formats
    spec["level-default"] = "info"  # lnav's level when the level field says nothing it knows
    lm, lp = _level_entries(d.get("level", {}) or {}, name, notes)
    if lm:
        spec["level-map"] = lm
    if lp:
        spec["level-patterns"] = lp
    if is_json:
        js: dict[str, list[str]] = {
            "ts": [_path(d.get("timestamp-field", "timestamp"))],
            "message": [_path(d.get("body-field", "body"))],
        }
        if level_field:
            js["level"] = [_path(level_field)]
        spec["json"] = js
        spec["multiline"] = False
    else:
        regexes: list[str] = []
        for rname, r in (d.get("regex") or {}).items():
            pattern = r.get("pattern") if isinstance(r, dict) else None
            if not isinstance(pattern, str):
                notes.append(f"regex {rname!r} has no pattern (dropped)")
                continue
            rx, rnotes = convert_regex(pattern, level_field)
            notes.extend(f"regex {rname!r}: {n}" for n in rnotes)
            try:
                c = re.compile(rx)
            except re.error as exc:
                notes.append(f"regex {rname!r} does not compile in Python ({exc}); dropped")
                continue
            if "message" not in c.groupindex:
                # a format without a body: the whole line after the header is the message
                rx = (
                    rx.rstrip("$") + r"(?P<message>.*)"
                    if not rx.endswith("$")
                    else rx[:-1] + r"(?P<message>)$"
                )
                try:
                    re.compile(rx)
                except re.error:
                    notes.append(f"regex {rname!r}: no body group and none could be added; dropped")
                    continue
                notes.append(f"regex {rname!r}: no body group; the message is empty or the rest")
            regexes.append(rx)
        if not regexes:
            notes.append("no usable regex: format not imported")
            return None, notes
        spec["regex"] = regexes
        if level_field == "body":
            spec["level-field"] = "message"
        if d.get("multiline") is False:
            spec["multiline"] = False
    values = d.get("value") or {}
    if isinstance(values, dict) and values:
        spec["fields"] = [_group_name(k, level_field) for k in values]
    samples = []
    for s in d.get("sample", []) or []:
        line = s.get("line") if isinstance(s, dict) else None
        if not isinstance(line, str) or not line:
            continue
        first = line.split("\n", 1)[0]
        entry: dict[str, Any] = {"line": first}
        lv = s.get("level")
        if isinstance(lv, str) and lv in _LEVELS:
            entry["level"] = _LEVELS[lv]
        samples.append(entry)
    if samples:
        spec["samples"] = samples
    try:
        DeclaredFormat(spec)
    except SpecError as exc:
        notes.append(f"does not compile: {exc}")
        return None, notes
    return spec, notes


def import_lnav(doc: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Every format of an lnav format file -> (declarations, notes by format name)."""
    if not isinstance(doc, dict):
        raise ValueError("an lnav format file is a JSON object of format definitions")
    specs: list[dict[str, Any]] = []
    notes: dict[str, list[str]] = {}
    for name, d in doc.items():
        if name.startswith("$") or not isinstance(d, dict):
            continue
        spec, n = convert_format(name, d)
        notes[name] = n
        if spec is not None:
            specs.append(spec)
    return specs, notes
