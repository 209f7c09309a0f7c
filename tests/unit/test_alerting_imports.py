"""The alert router sits below the UI: alerting/, pipeline and history load no Textual or Rich."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module", ["logwatch_tui.alerting", "logwatch_tui.pipeline", "logwatch_tui.history.store"]
)
def test_below_the_ui_nothing_loads_textual(module: str) -> None:
    code = (
        f"import importlib, sys; importlib.import_module({module!r}); "
        "print(','.join(sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'rich'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} loaded {out.stdout.strip()}"
