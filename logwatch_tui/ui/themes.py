"""Themes from ``themes/*.toml``, registered with Textual at startup.

A theme file holds the keyword arguments of :class:`textual.theme.Theme`
(``name``, ``primary``, ``dark``, ``background`` … and an optional
``[variables]`` table). Bad files are reported, not fatal.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.app import App
from textual.theme import Theme

THEMES_DIR = Path(__file__).resolve().parents[2] / "themes"
DEFAULT_THEME = "logwatch"
_FIELDS = {
    "name",
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "dark",
    "luminosity_spread",
    "text_alpha",
    "variables",
}


def load_themes(directory: Path = THEMES_DIR) -> tuple[list[Theme], list[str]]:
    """Themes found in ``directory`` and one error line per file that could not be used."""
    themes: list[Theme] = []
    errors: list[str] = []
    if not directory.is_dir():
        return themes, [f"no themes directory at {directory}"]
    for path in sorted(directory.glob("*.toml")):
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
            unknown = set(data) - _FIELDS
            if unknown:
                raise ValueError(f"unknown key(s): {', '.join(sorted(unknown))}")
            data.setdefault("name", path.stem)
            themes.append(Theme(**data))
        except (OSError, tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
            errors.append(f"{path}: {exc}")
    return themes, errors


def install_themes(app: App, wanted: str | None) -> list[str]:
    """Register the project's themes with ``app`` and switch to ``wanted`` (or the
    default). Returns the problems to tell the user: theme files that could not be
    used, and an unknown ``wanted`` (the default is used instead)."""
    themes, problems = load_themes()
    for theme in themes:
        app.register_theme(theme)
    name = wanted or DEFAULT_THEME
    if name not in app.available_themes:
        fallback = DEFAULT_THEME if DEFAULT_THEME in app.available_themes else "textual-dark"
        available = ", ".join(sorted(app.available_themes))
        problems.append(f"unknown theme '{name}' (available: {available}); using {fallback}")
        name = fallback
    app.theme = name
    return problems
