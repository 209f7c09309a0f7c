"""sources/ (stdin, journald, syslog receiver, compressed, resume) imports no Textual or Rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import logwatch_tui.sources as sources


def test_source_modules_import_no_ui() -> None:
    mods = [m.name for m in pkgutil.walk_packages(sources.__path__, prefix="logwatch_tui.sources.")]
    for expected in ("stdin", "journald", "syslog_receiver", "compressed", "resume", "special"):
        assert f"logwatch_tui.sources.{expected}" in mods
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}: importlib.import_module(m)\n"
        "import logwatch_tui.pipeline\n"
        "print(','.join(sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'rich'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
