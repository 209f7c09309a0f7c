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

from logwatch_tui.core.tomlio import ConfigError, load_toml, save_toml_atomic

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
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(
            f"{p}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_TOP_KEYS))})"
        )
    cfg = AppConfig(path=p, raw=data)
    ui = data.get("ui", {})
    theme = ui.get("theme", data.get("theme"))
    if theme is not None and not isinstance(theme, str):
        raise ConfigError(f"{p}: theme: must be a string")
    cfg.theme = theme
    bell = ui.get("bell", data.get("bell", False))
    if not isinstance(bell, bool):
        raise ConfigError(f"{p}: bell: must be true or false")
    cfg.bell = bell
    formats = data.get("formats", [])
    if isinstance(formats, dict):  # [formats.NAME] tables
        formats = [{"name": k, **v} for k, v in formats.items()]
    if not isinstance(formats, list) or not all(isinstance(f, dict) for f in formats):
        raise ConfigError(f"{p}: formats: must be [[formats]] tables with name, regex, strptime")
    cfg.formats = formats
    notifiers = data.get("notifiers", {})
    if not isinstance(notifiers, dict):
        raise ConfigError(f"{p}: notifiers: must be [notifiers.NAME] tables")
    cfg.notifiers = notifiers
    hist = data.get("history", {})
    if not isinstance(hist, dict):
        raise ConfigError(f"{p}: history: must be a table")
    if "retention_days" in hist:
        days = hist["retention_days"]
        if not isinstance(days, (int, float)) or days <= 0:
            raise ConfigError(f"{p}: history.retention_days: must be a positive number")
        cfg.history_days = float(days)
    if "max_rows" in hist:
        rows = hist["max_rows"]
        if not isinstance(rows, int) or rows <= 0:
            raise ConfigError(f"{p}: history.max_rows: must be a positive integer")
        cfg.history_max_rows = rows
    return cfg


def save_ui_setting(path: Path, key: str, value: Any) -> None:
    """Persist one ``[ui]`` setting (e.g. the theme) without touching the rest.

    A file that does not parse is left alone: ``load_toml`` raises and nothing
    is written.
    """
    data = load_toml(path) if path.exists() else {}
    data.setdefault("ui", {})[key] = value
    if "theme" in data and key == "theme":
        del data["theme"]  # [ui].theme wins; keep one place
    path.parent.mkdir(parents=True, exist_ok=True)
    save_toml_atomic(path, data)


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
