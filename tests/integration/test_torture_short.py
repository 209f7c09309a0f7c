"""A shortened rotation torture run (``benchmarks/torture.py``) in every style.

The real ``logwatch-tui --headless`` process follows a file that a writer
rotates every second, with a rule that fires once per line: every line
written must fire exactly once. (The benchmark runs the same code at
8,000 lines/s for longer; here a few seconds per style.)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _torture():
    spec = importlib.util.spec_from_file_location("torture", ROOT / "benchmarks" / "torture.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["torture"] = module
    spec.loader.exec_module(module)
    return module


torture = _torture()


@pytest.mark.parametrize("style", torture.STYLES)
def test_every_line_fires_exactly_once_through_rotation(style: str) -> None:
    every = 3.5 if style == "rename-late" else 1.0  # (rename-late writes 3 s to the old file)
    r = torture.run_style(style, seconds=4.0, rate=1000, every=every, settle=90.0)
    assert r.written > 3000
    assert r.rotations >= 1
    assert (r.lost, r.duplicated) == (0, 0), (
        f"lost {r.lost} (first runs {r.lost_ranges()}), duplicated {r.duplicated}; "
        f"timeline {r.timeline}; notices {r.notices}"
    )
    # one notice per rotation (delete + recreate too), and nothing reported as skipped
    if not style.startswith("lag-"):
        assert r.rotation_notices == r.rotations, r.notices
    assert not r.json_notices
