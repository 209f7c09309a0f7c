"""Where configuration lives and what ``config.toml`` may say.

Paths: ``$LOGWATCH_CONFIG_DIR`` or the XDG config dir (``~/.config/logwatch-tui``)
for ``config.toml`` and ``rules.toml``; ``$LOGWATCH_STATE_DIR`` or the XDG state
dir for the alert history. A broken file is reported with its path and line and
is never overwritten.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
import tomlkit
import tomlkit.exceptions

from logwatch_tui.core.tomlio import (
    ConfigError,
    SourcedTable,
    line_of,
    load_toml,
    parse_toml_text,
    save_text_atomic,
)

APP_NAME = "logwatch-tui"


def config_dir() -> Path:
    env = os.environ.get("LOGWATCH_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME))


def state_dir() -> Path:
    env = os.environ.get("LOGWATCH_STATE_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_state_dir(APP_NAME))


def default_rules_path() -> Path:
    return config_dir() / "rules.toml"


def default_config_path() -> Path:
    return config_dir() / "config.toml"


@dataclass(slots=True)
class AppConfig:
    """The parts of ``config.toml`` the app understands; ``raw`` keeps everything."""

    path: Path
    theme: str | None = None
    bell: bool = False
    formats: list[dict[str, Any]] = field(default_factory=list)
    notifiers: dict[str, Any] = field(default_factory=dict)
    history_days: float | None = 30.0
    history_max_rows: int | None = 100_000
    raw: dict[str, Any] = field(default_factory=dict)


_TOP_KEYS = {"theme", "bell", "formats", "notifiers", "history", "ui", "syslog"}


def load_config(path: Path | str | None = None) -> AppConfig:
    """Read config.toml. A missing *default* file means defaults; a missing
    explicit ``--config`` file is an error."""
    explicit = path is not None
    p = Path(path) if path is not None else default_config_path()
    if not p.exists() and not explicit:
        return AppConfig(path=p)
    data = load_toml(p)
    try:
        text: str | None = p.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = None

    def bad(table: tuple[str, ...], key: str | None, message: str) -> ConfigError:
        """``config.toml:LINE: message`` (the line where it can be found)."""
        line = line_of(text, table, key) if text else None
        where = f"{p}:{line}" if line else f"{p}"
        return ConfigError(f"{where}: {message}", path=p, line=line)

    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise bad(
            (),
            unknown[0],
            f"unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_TOP_KEYS))})",
        )
    cfg = AppConfig(path=p, raw=data)
    ui = data.get("ui", {})
    if not isinstance(ui, dict):
        raise bad((), "ui", "ui: must be a table ([ui])")
    theme = ui.get("theme", data.get("theme"))
    if theme is not None and not isinstance(theme, str):
        raise bad(("ui",) if "theme" in ui else (), "theme", "theme: must be a string")
    cfg.theme = theme
    bell = ui.get("bell", data.get("bell", False))
    if not isinstance(bell, bool):
        raise bad(("ui",) if "bell" in ui else (), "bell", "bell: must be true or false")
    cfg.bell = bell
    formats = data.get("formats", [])
    if isinstance(formats, dict):  # [formats.NAME] tables
        formats = [{"name": k, **v} for k, v in formats.items()]
    if not isinstance(formats, list) or not all(isinstance(f, dict) for f in formats):
        raise bad(
            ("formats",),
            None,
            "formats: must be [[formats]] tables (name, regex or json, timestamp …)",
        )
    cfg.formats = formats
    notifiers = data.get("notifiers", {})
    if not isinstance(notifiers, dict):
        raise bad((), "notifiers", "notifiers: must be [notifiers.NAME] tables")
    # Remembers the file, so a broken notifier is reported as config.toml:LINE.
    cfg.notifiers = SourcedTable(notifiers, source=p, text=text, table=("notifiers",))
    hist = data.get("history", {})
    if not isinstance(hist, dict):
        raise bad((), "history", "history: must be a table")
    if "retention_days" in hist:
        days = hist["retention_days"]
        if not isinstance(days, (int, float)) or days <= 0:
            raise bad(
                ("history",), "retention_days", "history.retention_days: must be a positive number"
            )
        cfg.history_days = float(days)
    if "max_rows" in hist:
        rows = hist["max_rows"]
        if not isinstance(rows, int) or rows <= 0:
            raise bad(("history",), "max_rows", "history.max_rows: must be a positive integer")
        cfg.history_max_rows = rows
    return cfg


def save_ui_setting(path: Path, key: str, value: Any) -> None:
    """Persist one ``[ui]`` setting (e.g. the theme), changing nothing else in the file.

    The file is edited, not rewritten: comments, quoting and the order of
    everything else stay. A file that does not parse is never written (the
    :class:`ConfigError` names it and the line); the write is atomic.
    """
    if path.exists():
        raw = path.read_bytes()
        parse_toml_text(raw, path)  # refuses a broken file with file:line
        try:
            doc = tomlkit.parse(raw.decode("utf-8"))
        except tomlkit.exceptions.TOMLKitError as exc:
            raise ConfigError(f"{path}: not saved: {exc}", path=path) from None
    else:
        doc = tomlkit.document()
    ui = doc.get("ui")
    if ui is None:
        ui = tomlkit.table()
        doc["ui"] = ui
    elif not isinstance(ui, dict):
        raise ConfigError(f"{path}: ui: must be a table — not saved", path=path)
    ui[key] = value
    if key in doc and key == "theme":
        del doc[key]  # [ui].theme wins; keep one place
    path.parent.mkdir(parents=True, exist_ok=True)
    save_text_atomic(path, tomlkit.dumps(doc))


__all__ = [
    "AppConfig",
    "ConfigError",
    "config_dir",
    "default_config_path",
    "default_rules_path",
    "load_config",
    "save_ui_setting",
    "state_dir",
]
