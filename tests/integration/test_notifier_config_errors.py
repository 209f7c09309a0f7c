"""A broken ``[notifiers.NAME]`` table is reported with the file and the line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from logwatch_tui.config import load_config
from logwatch_tui.notify import Dispatcher, NotifierConfigError, parse_notifiers

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """\
# notifications
[ui]
theme = "nord"

[notifiers.ops-mail]   # the pager
type = "email"
host = "smtp.example.com"
port = "587x"
from = "a@example.com"
to = ["b@example.com"]

[notifiers."team hook"]
type = "webhook"
"""


def write(tmp_path: Path, text: str = CONFIG) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text)
    return p


def test_error_names_file_line_table_and_key(tmp_path: Path) -> None:
    p = write(tmp_path)
    cfg = load_config(p)
    with pytest.raises(NotifierConfigError) as info:
        parse_notifiers(cfg.notifiers)
    assert str(info.value) == f"{p}:8: notifiers.ops-mail: port: must be an integer"
    with pytest.raises(NotifierConfigError, match=rf"^{p}:8: notifiers.ops-mail: port"):
        Dispatcher(cfg.notifiers)


def test_missing_key_points_at_the_table_header(tmp_path: Path) -> None:
    p = write(tmp_path, CONFIG.replace('port = "587x"', "port = 587"))
    with pytest.raises(NotifierConfigError) as info:
        parse_notifiers(load_config(p).notifiers)
    assert str(info.value).startswith(f"{p}:12: notifiers.team hook: url: missing")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "logwatch_tui", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_cli_notify_test_and_headless_name_the_file(tmp_path: Path) -> None:
    p = write(tmp_path)
    proc = run("notify-test", "ops-mail", "--config", str(p))
    assert proc.returncode == 2
    assert f"{p}:8: notifiers.ops-mail: port: must be an integer" in proc.stderr
    log = tmp_path / "app.log"
    log.write_text("x\n")
    proc = run(
        "--headless",
        "--config",
        str(p),
        str(log),
        env={"LOGWATCH_STATE_DIR": str(tmp_path / "state"), "LOGWATCH_CONFIG_DIR": str(tmp_path)},
    )
    assert proc.returncode == 2
    assert f"{p}:8: notifiers.ops-mail: port: must be an integer" in proc.stderr


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("# c\n[ui]\ntheme = 3\n", 3, "theme: must be a string"),
        ("bell = 1\n", 1, "bell: must be true or false"),
        ("[history]\nkeep = 1\nmax_rows = -5\n", 3, "history.max_rows: must be a positive integer"),
        ('\n\nui = "dark"\n', 3, "ui: must be a table"),
        ("colour = 1\n", 1, "unknown key(s) colour"),
    ],
)
def test_config_errors_name_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    from logwatch_tui.core.tomlio import ConfigError

    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(p)
    assert str(info.value).startswith(f"{p}:{line}: {message}")
    assert info.value.line == line
