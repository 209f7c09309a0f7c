"""Rules edited inside the running app act at once; the file on disk stays the truth."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from logwatch_tui.core.rules import load_rules, rule_from_dict, save_rules
from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.screens.rule_editor import RuleEditor
from logwatch_tui.ui.screens.rules import RulesScreen

from .helpers import append, py_line, wait_for, wait_loaded


async def test_rule_created_in_the_modal_fires_on_appended_lines(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(py_line("INFO", "started") + "\n")
    rules_path = tmp_path / "rules.toml"
    app = LogwatchApp([str(log)], rules_path=rules_path)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_loaded(pilot, 1)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, RulesScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, RuleEditor))
        ed = app.screen
        ed.query_one("#f-name", Input).value = "Payment failed"
        ed.query_one("#f-match", Input).value = r"payment \S+ failed"
        await wait_for(
            pilot,
            lambda: (
                ed.current is not None
                and (ed.current.name, ed.current.match) == ("Payment failed", r"payment \S+ failed")
            ),
        )
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RulesScreen))
        await wait_for(pilot, lambda: rules_path.exists())
        saved = load_rules(rules_path)
        assert [r.name for r in saved] == ["Payment failed"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, RulesScreen))
        # no restart: the running engine has the rule
        append(log, py_line("ERROR", "payment 7f3a failed: card declined"))
        await wait_for(
            pilot, lambda: any(it.name == "Payment failed" and it.firing for it in app.book)
        )
        await wait_for(pilot, lambda: any("Payment failed" in n.title for n in app._notifications))


async def test_new_rule_from_selected_line(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(py_line("ERROR", "connection refused by 10.1.2.3:5432") + "\n")
    rules_path = tmp_path / "rules.toml"
    app = LogwatchApp([str(log)], rules_path=rules_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot, 1)
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, RuleEditor))
        await wait_for(pilot, lambda: app.screen.current is not None)
        await pilot.press("ctrl+s")  # two keys: the suggestion is good as it is
        await wait_for(pilot, lambda: rules_path.exists())
        (rule,) = load_rules(rules_path)
        assert rule.match_re.search("connection refused by 10.9.9.9:5432")
        assert rule.group_by == ("ip",)


async def test_rules_file_changed_on_disk_is_reloaded_and_bad_file_keeps_rules(
    tmp_path: Path,
) -> None:
    log = tmp_path / "app.log"
    log.write_text(py_line("INFO", "started") + "\n")
    rules_path = tmp_path / "rules.toml"
    save_rules(rules_path, [rule_from_dict({"name": "Old", "match": "old"})])
    app = LogwatchApp([str(log)], rules=load_rules(rules_path), rules_path=rules_path)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_loaded(pilot, 1)
        save_rules(rules_path, [rule_from_dict({"name": "Disk full", "match": "disk full"})])
        await wait_for(pilot, lambda: [r.name for r in app.rules] == ["Disk full"], timeout=10)
        append(log, py_line("CRITICAL", "disk full on /var"))
        await wait_for(pilot, lambda: any(it.name == "Disk full" for it in app.book))
        # a broken file: reported with file and line, previous rules stay
        rules_path.write_text('[[rules]]\nname = "x"\nmatch = "unterminated\n')
        await wait_for(
            pilot, lambda: any("not reloaded" in n.title for n in app._notifications), timeout=10
        )
        note = next(n for n in app._notifications if "not reloaded" in n.title)
        assert f"{rules_path}:3" in note.message
        assert [r.name for r in app.rules] == ["Disk full"]
        assert rules_path.read_text().startswith('[[rules]]\nname = "x"')  # never overwritten
