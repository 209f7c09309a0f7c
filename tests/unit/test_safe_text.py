"""The one helper every text output uses to make log text inert."""

from __future__ import annotations

import json

from logwatch_tui.core.safe_text import inert, is_inert, json_text
from logwatch_tui.ui.safe_text import inert as inert_cells

DANGEROUS = [chr(c) for c in range(0x20) if c != 0x09] + [chr(0x7F)]
DANGEROUS += [chr(c) for c in range(0x80, 0xA0)]
DANGEROUS += ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u2028"]


def test_every_control_character_gets_a_visible_stand_in() -> None:
    for ch in DANGEROUS:
        out = inert(f"a{ch}b")
        assert ch not in out and out.startswith("a") and out.endswith("b") and len(out) == 3


def test_classic_payloads() -> None:
    assert inert("\x1b]52;c;aGk=\x07") == "\u241b]52;c;aGk=\u2407"
    assert inert("\x1b[2J") == "\u241b[2J"
    assert inert("\x1b]8;;http://x/\x1b\\t\x1b]8;;\x1b\\") == (
        "\u241b]8;;http://x/\u241b\\t\u241b]8;;\u241b\\"
    )
    assert inert("\x9b31m\x7f") == "\ufffd31m\u2421"


def test_tab_kept_or_widened_and_newlines_only_on_request() -> None:
    assert inert("a\tb") == "a\tb"
    assert inert_cells("a\tb") == "a    b"
    assert inert("a\nb") == "a\u240ab"
    assert inert("a\r\nb\nc\rd", newlines=True) == "a\nb\nc\u240dd"
    assert is_inert("plain\ttext\n") and not is_inert("x\x1by")


def test_plain_text_is_returned_as_is() -> None:
    s = "GET /api 200 ✓ naïve 日本"
    assert inert(s) is s


def test_json_text_has_no_raw_control_and_same_data() -> None:
    value = {"k": "\x1b[2J\x9b31m\x7f\u202e\u2028 ok é"}
    text = json_text(value)
    assert not any(ch in text for ch in "\x1b\x9b\x7f\u202e\u2028")
    assert "é" in text  # readable, not ASCII-escaped
    assert json.loads(text) == value
