from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from logwatch_tui.core.tomlio import ConfigError, load_toml, save_toml_atomic


def test_round_trip(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    data = {"ui": {"theme": "nord"}, "rules": [{"name": "a", "threshold": 3}]}
    save_toml_atomic(p, data)
    assert load_toml(p) == data
    assert sorted(os.listdir(tmp_path)) == ["c.toml"]


def test_syntax_error_names_path_and_line(tmp_path: Path) -> None:
    p = tmp_path / "rules.toml"
    p.write_text('[[rules]]\nname = "ok"\nthreshold 3\n')
    with pytest.raises(ConfigError) as exc:
        load_toml(p)
    text = str(exc.value)
    assert text.startswith(f"{p}:3: ")
    assert "\n" not in text
    assert exc.value.line == 3
    assert exc.value.path == str(p)


def test_error_at_end_of_file_names_last_line(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text('a = 1\nb = "unterminated\n')
    with pytest.raises(ConfigError, match=rf"^{p}:2: "):
        load_toml(p)


def test_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=rf"^{p}: file not found$"):
        load_toml(p)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        load_toml(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text("a = 1\n")
    p.chmod(0)
    try:
        with pytest.raises(ConfigError, match="permission denied"):
            load_toml(p)
    finally:
        p.chmod(0o600)


def test_invalid_utf8_and_nul(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_bytes(b'a = 1\nb = "\xff\xfe"\n')
    with pytest.raises(ConfigError, match=rf"^{p}:2: not valid UTF-8"):
        load_toml(p)
    p.write_bytes(b'a = "x\x00y"\n')
    with pytest.raises(ConfigError, match=rf"^{p}:1: "):
        load_toml(p)


def test_save_keeps_permission_bits(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text("a = 1\n")
    p.chmod(0o640)
    save_toml_atomic(p, {"a": 2})
    assert stat.S_IMODE(p.stat().st_mode) == 0o640
    assert load_toml(p) == {"a": 2}


def test_new_file_is_private(tmp_path: Path) -> None:
    p = tmp_path / "new.toml"
    save_toml_atomic(p, {"a": 1})
    assert stat.S_IMODE(p.stat().st_mode) == 0o600


def test_save_through_symlink_keeps_link(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "rules.toml"
    real.parent.mkdir()
    real.write_text("a = 1\n")
    link = tmp_path / "rules.toml"
    link.symlink_to(real)
    save_toml_atomic(link, {"a": 2})
    assert link.is_symlink()
    assert load_toml(real) == {"a": 2}


def test_failed_save_leaves_no_temp_and_old_content(tmp_path: Path) -> None:
    # os.replace onto a directory fails after the temp file was written.
    target = tmp_path / "c.toml"
    target.mkdir()
    (target / "keep").write_text("x")
    with pytest.raises(ConfigError, match="cannot save"):
        save_toml_atomic(target, {"a": 1})
    assert sorted(os.listdir(tmp_path)) == ["c.toml"]
    assert (target / "keep").read_text() == "x"


def test_unserialisable_data_touches_nothing(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text("a = 1\n")
    with pytest.raises(TypeError):
        save_toml_atomic(p, {"a": object()})
    assert sorted(os.listdir(tmp_path)) == ["c.toml"]
    assert load_toml(p) == {"a": 1}


def test_save_into_missing_directory(tmp_path: Path) -> None:
    p = tmp_path / "no" / "c.toml"
    with pytest.raises(ConfigError, match="cannot save: directory does not exist"):
        save_toml_atomic(p, {"a": 1})
