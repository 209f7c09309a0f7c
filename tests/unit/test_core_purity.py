"""core/ must stay importable without Textual, Rich, watchdog, sockets or threads."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import logwatch_tui.core as core

FORBIDDEN = ("textual", "rich", "watchdog", "socket", "threading")


def core_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(core.__path__, prefix="logwatch_tui.core.")]


def test_core_modules_exist() -> None:
    mods = core_modules()
    for expected in (
        "logwatch_tui.core.engine",
        "logwatch_tui.core.rules",
        "logwatch_tui.core.store",
    ):
        assert expected in mods


def test_core_imports_nothing_forbidden() -> None:
    code = (
        "import importlib, sys\n"
        f"mods = {core_modules()!r}\n"
        "for m in mods: importlib.import_module(m)\n"
        f"bad = sorted(n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core imported: {out.stdout.strip()}"
