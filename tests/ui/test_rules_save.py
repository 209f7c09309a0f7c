"""Saving from the rules screen edits the user's file, never rewrites or overwrites it."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path

from textual.widgets import DataTable, Input

from logwatch_tui.core.rules import load_rules
from logwatch_tui.ui.screens.rule_editor import RuleEditor
from logwatch_tui.ui.screens.rules import RulesScreen

from .helpers import wait_for
from .test_rules_ui import Host

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "rules.toml"


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def example_copy(tmp_path: Path) -> Path:
    p = tmp_path / "rules.toml"
    p.write_bytes(EXAMPLE.read_bytes())
    return p


async def test_toggle_on_the_example_changes_one_line(tmp_path: Path) -> None:
    path = example_copy(tmp_path)
    before = path.read_text()
    app = Host(lambda: RulesScreen(path, load_rules(path)))
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=3)  # heartbeat-missing, disabled in the example
        await pilot.press("space")
        await wait_for(pilot, lambda: len(app.changes) == 1)
    after = path.read_text()
    assert changed_lines(before, after) == ["-enabled = false", "+enabled = true"]
    assert len(after) == len(before) - 1  # "false" -> "true": every comment is still there


async def test_broken_file_on_disk_is_never_overwritten(tmp_path: Path) -> None:
    path = example_copy(tmp_path)
    rules = load_rules(path)
    broken = path.read_text().replace("threshold = 3\n", "threshold 3\n", 1)
    path.write_text(broken)
    app = Host(lambda: RulesScreen(path, rules))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("space")
        await wait_for(pilot, lambda: bool(app._notifications))
        [note] = [n.message for n in app._notifications]
        assert f"{path}:15:" in note and "not saved" in note
        screen = app.screen
        assert isinstance(screen, RulesScreen) and screen.rules == rules  # nothing applied
    assert path.read_text() == broken
    assert app.changes == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules.toml"]


async def test_outside_edit_while_the_screen_is_open_is_kept(tmp_path: Path) -> None:
    path = example_copy(tmp_path)
    app = Host(lambda: RulesScreen(path, load_rules(path)))
    async with app.run_test(size=(100, 30)) as pilot:
        # Someone adds a rule in an editor while the screen is open.
        with path.open("a") as f:
            f.write('\n# from vim\n[[rules]]\nname = "From vim"\nmatch = "vim"\n')
        outside = path.read_text()
        await pilot.press("space")  # toggle the first rule
        await wait_for(pilot, lambda: len(app.changes) == 1)
        assert [r.id for r in app.changes[0].rules][-1] == "from-vim"
    after = path.read_text()
    assert changed_lines(outside, after) == ["+enabled = false"]


async def test_renaming_each_rule_in_the_editor_changes_only_its_name_line(
    tmp_path: Path,
) -> None:
    """Through the real editor: every field is read back from the form, and still only
    the line the user changed is written (spike options, durations, quoting stay).

    Every example rule (all conditions) opens without errors and comes back equal but
    for its name: the editor round-trips each of them (this replaces the separate
    open-and-save-untouched round trip, which opened the same editors again)."""
    path = example_copy(tmp_path)
    before = path.read_text()
    rules = load_rules(path)
    assert {r.condition for r in rules} >= {"threshold", "absence"}
    app = Host(lambda: RulesScreen(path, load_rules(path)))
    async with app.run_test(size=(120, 40)) as pilot:
        for row in range(len(rules)):
            table = app.screen.query_one(DataTable)
            table.move_cursor(row=row)
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, RuleEditor))
            await pilot.pause()
            assert app.screen.errors == {}, rules[row]
            name = app.screen.query_one("#f-name", Input)
            name.value = name.value + " (renamed)"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda row=row: len(app.changes) == row + 1)
            renamed = replace(rules[row], name=rules[row].name + " (renamed)")
            assert app.changes[row].rules[row] == renamed
    changed = changed_lines(before, path.read_text())
    assert sorted(changed) == sorted(
        [f'-name = "{r.name}"' for r in rules] + [f'+name = "{r.name} (renamed)"' for r in rules]
    )
    assert load_rules(path) == [replace(r, name=r.name + " (renamed)") for r in rules]
