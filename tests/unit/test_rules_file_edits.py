"""Saving rules keeps what the person wrote: comments, quoting, default-valued keys.

Each save changes only the keys that changed; a file that doesn't parse is never
written; a save killed half-way leaves no ``.tmp`` litter after the next start.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from logwatch_tui.core.rules import Rule, load_rules, rule_from_dict, save_rules
from logwatch_tui.core.tomlio import ConfigError, clean_stale_temps, load_toml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "rules.toml"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    p = tmp_path / "rules.toml"
    p.write_bytes(EXAMPLE.read_bytes())
    return p


def diff(before: str, after: str) -> list[str]:
    """Changed lines only: ``-old`` / ``+new``."""
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def replaced(rules: list[Rule], rid: str, **changes) -> list[Rule]:
    return [dataclasses.replace(r, **changes) if r.id == rid else r for r in rules]


def test_toggling_enabled_changes_only_that_line(example: Path) -> None:
    before = example.read_text()
    rules = load_rules(example)
    save_rules(example, replaced(rules, "heartbeat-missing", enabled=True))
    after = example.read_text()
    assert diff(before, after) == ["-enabled = false", "+enabled = true"]
    assert load_rules(example) == replaced(rules, "heartbeat-missing", enabled=True)


def test_disabling_a_rule_without_the_key_adds_one_line(example: Path) -> None:
    before = example.read_text()
    rules = load_rules(example)
    save_rules(example, replaced(rules, "high-error-rate", enabled=False))
    after = example.read_text()
    assert diff(before, after) == ["+enabled = false"]
    # ...inside its own table, not under the next rule's comment
    table = after.split("[[rules]]")[1]
    assert "enabled = false" in table.split("\n\n")[0]
    assert load_rules(example)[0].enabled is False
    # every comment is still there
    assert [ln for ln in before.splitlines() if ln.startswith("#")] == [
        ln for ln in after.splitlines() if ln.startswith("#")
    ]


def test_editing_keeps_quoting_and_default_valued_keys(example: Path) -> None:
    before = example.read_text()
    rules = load_rules(example)
    new = replaced(rules, "connection-failed", match=r"(?i)conn\w* (failed|refused|reset)")
    save_rules(example, new)
    after = example.read_text()
    assert diff(before, after) == [
        "-match = '(?i)connection (failed|refused)'",
        "+match = '(?i)conn\\w* (failed|refused|reset)'",  # still a literal string
    ]
    # threshold = 1 is the default and stays written, as the user wrote it
    assert "threshold = 1\n" in after
    assert load_rules(example) == new


def test_several_changes_in_one_rule(example: Path) -> None:
    before = example.read_text()
    rules = load_rules(example)
    new = replaced(
        rules,
        "failed-login-burst",
        threshold=5,
        window=600.0,
        ignore=None,
        notify=("toast", "ops-mail"),
    )
    save_rules(example, new)
    after = example.read_text()
    changed = diff(before, after)
    assert sorted(changed) == sorted(
        [
            "-ignore = 'from 127\\.0\\.0\\.1 '",
            "-threshold = 3",
            "+threshold = 5",
            '-window = "5m"',
            '+window = "10m"',
            '-notify = ["toast"]             # add "ops-mail" etc. once configured in config.toml',
            '+notify = ["toast", "ops-mail"]             # add "ops-mail" etc. once configured in config.toml',
        ]
    )
    assert load_rules(example) == new


def test_deleting_a_rule_takes_its_comment_and_keeps_the_others(example: Path) -> None:
    before = example.read_text()
    rules = load_rules(example)
    save_rules(example, [r for r in rules if r.id != "connection-failed"])
    after = example.read_text()
    removed = [line[1:] for line in diff(before, after) if line.startswith("-")]
    assert not [line for line in diff(before, after) if line.startswith("+")]
    assert '# Any "connection failed" / "connection refused", in any letter case.' in removed
    assert 'id = "connection-failed"' in removed
    assert "# sshd brute force: three failed logins from the same IP within five minutes." in after
    assert [r.id for r in load_rules(example)] == [
        r.id for r in rules if r.id != "connection-failed"
    ]


def test_deleting_the_first_rule_keeps_the_file_header(example: Path) -> None:
    rules = load_rules(example)
    save_rules(example, rules[1:])
    after = example.read_text()
    assert after.startswith("# Example alert rules for logwatch-tui.\n")
    assert "# Three or more ERROR" not in after  # the deleted rule's own comment went with it
    assert after.count("[[rules]]") == len(rules) - 1


def test_adding_a_rule_appends_and_changes_nothing_else(example: Path) -> None:
    before = example.read_text()
    rules = load_rules(example)
    extra = rule_from_dict({"name": "Disk full", "match": r"No space left on device \(\d+\)"})
    save_rules(example, [*rules, extra])
    after = example.read_text()
    assert after.startswith(before)
    assert "match = 'No space left on device \\(\\d+\\)'" in after
    assert load_rules(example) == [*rules, extra]


def test_duplicate_inserted_after_its_original(example: Path) -> None:
    rules = load_rules(example)
    copy = dataclasses.replace(rules[0], id="high-error-rate-2", name="High Error Rate (copy)")
    new = [rules[0], copy, *rules[1:]]
    save_rules(example, new)
    assert load_rules(example) == new


def test_renaming_keeps_the_id(tmp_path: Path) -> None:
    p = tmp_path / "rules.toml"
    p.write_text('# mine\n[[rules]]\nname = "Old name"  # why\nmatch = "x"\n')
    [rule] = load_rules(p)
    save_rules(p, [dataclasses.replace(rule, name="New name")])
    assert load_rules(p) == [dataclasses.replace(rule, name="New name")]
    assert load_rules(p)[0].id == "old-name"
    text = p.read_text()
    assert text.startswith("# mine\n[[rules]]\n")
    assert "# why" in text


def test_broken_file_is_never_written(example: Path) -> None:
    broken = example.read_text().replace('threshold = 3\nwindow = "60s"', "threshold 3\nwindow = 1")
    example.write_text(broken)
    rules = load_rules(EXAMPLE)
    with pytest.raises(ConfigError) as exc:
        save_rules(example, replaced(rules, "heartbeat-missing", enabled=True))
    assert example.read_text() == broken
    assert str(exc.value).startswith(f"{example}:15: ")
    assert "not saved" in str(exc.value)
    assert exc.value.line == 15
    assert sorted(os.listdir(example.parent)) == ["rules.toml"]


def test_file_with_an_invalid_rule_is_never_written(example: Path) -> None:
    bad = example.read_text().replace(
        'level = "error"\nthreshold = 3', 'level = "error"\ntreshold = 3'
    )
    example.write_text(bad)
    rules = load_rules(EXAMPLE)
    with pytest.raises(ConfigError) as exc:
        save_rules(example, rules)
    assert example.read_text() == bad
    assert f"{example}:10:" in str(exc.value)  # the [[rules]] line of the bad table
    assert "treshold" in str(exc.value) and "not saved" in str(exc.value)


def test_changes_made_outside_since_loading_are_kept(example: Path) -> None:
    """The rules screen holds the list it loaded; someone edits the file meanwhile."""
    base = load_rules(example)
    text = example.read_text()
    outside = text + '\n# added in vim\n[[rules]]\nname = "From vim"\nmatch = "vim"\n'
    outside = outside.replace('cooldown = "15m"', 'cooldown = "20m"')
    example.write_text(outside)
    written = save_rules(example, replaced(base, "heartbeat-missing", enabled=True), base=base)
    after = example.read_text()
    assert diff(outside, after) == ["-enabled = false", "+enabled = true"]
    assert written == load_rules(example)
    assert [r.id for r in written][-1] == "from-vim"


def test_conflicting_outside_change_refuses(example: Path) -> None:
    base = load_rules(example)
    outside = example.read_text().replace(
        'id = "heartbeat-missing"\nname = "Heartbeat missing"\nenabled = false',
        'id = "heartbeat-missing"\nname = "Heartbeat missing"\nenabled = false\nwindow = "9m"',
    )
    outside = outside.replace(
        "match = '\\bheartbeat\\b'\nwindow = \"2m\"\n", "match = '\\bheartbeat\\b'\n"
    )
    example.write_text(outside)
    assert load_rules(example)  # still valid
    with pytest.raises(ConfigError, match="changed in the file"):
        save_rules(example, replaced(base, "heartbeat-missing", window=60.0), base=base)
    assert example.read_text() == outside


def test_new_file_and_empty_file(tmp_path: Path) -> None:
    rule = rule_from_dict({"name": "A", "match": r"\d+"})
    p = tmp_path / "new.toml"
    save_rules(p, [rule])
    assert load_rules(p) == [rule]
    e = tmp_path / "empty.toml"
    e.write_text("# nothing yet\n")
    save_rules(e, [rule])
    assert e.read_text().startswith("# nothing yet\n")
    assert load_rules(e) == [rule]


# -- stale temp files ------------------------------------------------------------------------

KILLED_WRITER = r"""
import sys, time
from logwatch_tui.core.tomlio import open_temp_for
fd, tmp = open_temp_for(sys.argv[1])
import os
os.write(fd, b"[[rules]]\nname = 'half")
print(tmp, flush=True)
time.sleep(120)
"""


def test_temp_file_of_a_killed_save_is_removed_on_start(example: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(example)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        tmp = Path(proc.stdout.readline().strip())
        assert tmp.exists() and tmp.parent == example.parent
        # While the writer lives, its temp file is not touched.
        assert clean_stale_temps(example) == []
        assert tmp.exists()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert tmp.exists()
    load_rules(example)  # what every start does
    assert not tmp.exists()
    assert sorted(os.listdir(example.parent)) == ["rules.toml"]


def test_config_toml_theme_save_keeps_comments(tmp_path: Path) -> None:
    from logwatch_tui.config import save_ui_setting

    p = tmp_path / "config.toml"
    text = (
        "# my config\n"
        "theme = 'nord'  # old spelling\n\n"
        "[notifiers.ops-mail]  # pager\n"
        'type = "email"\nhost = "smtp.example.com"\nport = 587\n'
        'from = "a@example.com"\nto = ["b@example.com"]\n'
    )
    p.write_text(text)
    save_ui_setting(p, "theme", "gruvbox")
    after = p.read_text()
    assert "# my config" in after and "# pager" in after
    assert load_toml(p)["ui"] == {"theme": "gruvbox"}
    assert "theme" not in {k for k in load_toml(p) if k != "ui"}
    assert load_toml(p)["notifiers"] == load_toml_text(text)["notifiers"]
    # A broken config is never written.
    p.write_text(text + "[ui\n")
    with pytest.raises(ConfigError):
        save_ui_setting(p, "theme", "nord")
    assert p.read_text() == text + "[ui\n"


def load_toml_text(text: str) -> dict:
    import tomllib

    return tomllib.loads(text)


def test_crlf_file_is_edited_in_place(tmp_path: Path) -> None:
    p = tmp_path / "rules.toml"
    before = EXAMPLE.read_bytes().replace(b"\n", b"\r\n")
    p.write_bytes(before)
    rules = load_rules(p)
    save_rules(p, replaced(rules, "heartbeat-missing", enabled=True))
    after = p.read_bytes()
    assert after == before.replace(
        b'name = "Heartbeat missing"\r\nenabled = false',
        b'name = "Heartbeat missing"\r\nenabled = true',
    )


def test_inline_array_layout_is_rewritten_with_a_backup(tmp_path: Path) -> None:
    p = tmp_path / "rules.toml"
    text = '# inline\nrules = [{ name = "A", match = "a" }, { name = "B", match = "b" }]\n'
    p.write_text(text)
    rules = load_rules(p)
    save_rules(p, replaced(rules, "a", enabled=False))
    assert load_rules(p) == replaced(rules, "a", enabled=False)
    assert (tmp_path / "rules.toml.bak").read_text() == text


def test_stale_temp_without_a_target_is_removed_by_the_next_save(tmp_path: Path) -> None:
    """A first-ever save killed before the rename: there is no file to read at start."""
    target = tmp_path / "rules.toml"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(target)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        tmp = Path(proc.stdout.readline().strip())
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert tmp.exists() and not target.exists()
    save_rules(target, [rule_from_dict({"name": "A"})])
    assert sorted(os.listdir(tmp_path)) == ["rules.toml"]


def test_file_without_final_newline_and_first_rule_deleted(tmp_path: Path) -> None:
    p = tmp_path / "rules.toml"
    p.write_text(
        '[[rules]]\nname = "A"\nmatch = "a"\n\n# B rule\n[[rules]]\nname = "B"\nmatch = "b"'
    )
    a, b = load_rules(p)
    save_rules(p, [a, dataclasses.replace(b, enabled=False)])
    assert p.read_text().endswith('match = "b"\nenabled = false\n')
    save_rules(p, [dataclasses.replace(b, enabled=False)])
    assert p.read_text() == '# B rule\n[[rules]]\nname = "B"\nmatch = "b"\nenabled = false\n'
