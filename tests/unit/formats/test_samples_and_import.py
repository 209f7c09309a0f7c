"""Every built-in format's samples, and lnav's format files through ``formats import``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from logwatch_tui.core.formats import BUILTIN_FORMATS, make_format
from logwatch_tui.core.formats.detect import SourceParser
from logwatch_tui.core.formats.lnav_import import import_lnav
from logwatch_tui.core.formats.spec import DeclaredFormat, check_samples

LNAV = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "lnav-formats"
LNAV_FILES = sorted(LNAV.glob("*.json"))


@pytest.mark.parametrize("name", sorted(BUILTIN_FORMATS))
def test_every_builtin_has_samples_that_parse_as_declared(name, utc) -> None:
    fmt = make_format(name)
    assert fmt.samples, f"{name} declares no samples"
    assert check_samples(fmt, fmt.samples) == []


@pytest.mark.parametrize("name", sorted(BUILTIN_FORMATS))
def test_every_sample_is_detected_as_its_own_format(name, utc) -> None:
    """Detection by explained share and specificity picks the right format for each shape."""
    for s in make_format(name).samples:
        sp = SourceParser("s")
        sp.feed([s["line"]] * 3, first_line=1)
        assert sp.format.name == name, s["line"]


def test_lnav_formats_are_present() -> None:
    assert len(LNAV_FILES) >= 70, f"expected lnav's format files in {LNAV}"


@pytest.mark.parametrize("path", LNAV_FILES, ids=lambda p: p.name)
def test_lnav_file_imports_and_samples_parse_as_lnav_says(path: Path, utc) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    specs, notes = import_lnav(doc)
    names = [k for k in doc if not k.startswith("$")]
    assert [s["name"] for s in specs] == names, notes
    for spec in specs:
        fmt = DeclaredFormat(spec)
        problems = check_samples(fmt, spec.get("samples", []))
        # one known PCRE-only construct (a conditional group in vdsm's v4.1 regex)
        allowed = 1 if spec["name"] == "vdsm_log" else 0
        assert len(problems) <= allowed, problems


def test_import_reports_what_it_could_not_carry_over() -> None:
    doc = {
        "x_log": {
            "title": "X",
            "regex": {
                "a": {"pattern": r"^(?<timestamp>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (?<body>.*)$"},
                "b": {"pattern": r"^(?<timestamp>\S+) (?<x>a)|(?<x>b) (?<body>.*)$"},
            },
            "timestamp-format": ["%Y-%m-%d %H:%M:%S", "%Q"],
            "line-format": ["x"],
            "highlights": {},
        }
    }
    specs, notes = import_lnav(doc)
    assert len(specs) == 1 and len(specs[0]["regex"]) == 1
    text = "\n".join(notes["x_log"])
    assert "highlights" in text and "line-format" in text
    assert "'%Q' cannot be expressed" in text
    assert "regex 'b' does not compile" in text
