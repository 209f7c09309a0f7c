"""Reading and writing TOML files safely.

Reading turns every way a file can be wrong (missing, unreadable, a directory,
not UTF-8, bad syntax) into one :class:`ConfigError` whose text is a single
line a person can act on: ``rules.toml:12: Expected '=' after a key``.

Writing is atomic: the new content goes to a temp file in the same directory,
is flushed and fsynced, then ``os.replace``\\ d over the target, and the
directory is fsynced so the rename itself survives a power cut. A crash at any
moment leaves either the old file or the new one, never a torn one, and no
``.tmp`` litter on failure; a temp file left by a killed process (its pid is in
the name) is removed the next time the file is read.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


class ConfigError(Exception):
    """A config or rules file cannot be used; ``str()`` is one line naming the file.

    ``path`` and ``line`` (1-based, or None) are kept for UIs that want to
    jump to the spot.
    """

    def __init__(
        self, message: str, *, path: str | os.PathLike[str] | None = None, line: int | None = None
    ) -> None:
        super().__init__(" ".join(message.split("\n")))
        self.path = str(path) if path is not None else None
        self.line = line


def _os_error(path: Path, exc: OSError, doing: str) -> ConfigError:
    if isinstance(exc, FileNotFoundError):
        reason = "file not found" if doing == "read" else "directory does not exist"
    elif isinstance(exc, PermissionError):
        reason = "permission denied"
    elif isinstance(exc, IsADirectoryError):
        reason = "is a directory, expected a TOML file"
    elif isinstance(exc, NotADirectoryError):
        reason = "a parent of this path is not a directory"
    else:
        reason = exc.strerror or str(exc)
    prefix = "" if doing == "read" else "cannot save: "
    return ConfigError(f"{path}: {prefix}{reason}", path=path)


def load_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a TOML file; every failure is a one-line :class:`ConfigError`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise _os_error(p, exc, "read") from exc
    except ValueError as exc:  # e.g. a NUL byte in the path
        raise ConfigError(f"{path!r}: not a usable path ({exc})", path=p) from exc
    clean_stale_temps(p)
    return parse_toml_text(data, p)


def parse_toml_text(data: bytes | str, path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse TOML text read from ``path``; every failure is a one-line :class:`ConfigError`."""
    p = Path(path)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ConfigError(
                f"{p}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                path=p,
                line=line,
            ) from exc
    else:
        text = data
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _AT_LINE.search(msg)
        if m is not None:
            line, col = int(m.group(1)), int(m.group(2))
            reason = msg[: m.start()]
            raise ConfigError(f"{p}:{line}: {reason} (column {col})", path=p, line=line) from exc
        m = _AT_END.search(msg)
        if m is not None:
            line = text.count("\n") + (0 if text.endswith("\n") else 1)
            line = max(line, 1)
            reason = msg[: m.start()]
            raise ConfigError(f"{p}:{line}: {reason} (at end of file)", path=p, line=line) from exc
        raise ConfigError(f"{p}: {msg}", path=p) from exc


# -- temp files ---------------------------------------------------------------------------

LEGACY_TEMP_AGE = 600.0
"""A temp file without a pid in its name (older versions) counts as stale after this long."""


def _temp_re(name: str) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(name)}\.(?:(\d+)\.)?[A-Za-z0-9_]+\.tmp$")


def _write_target(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    return Path(os.path.realpath(p)) if p.is_symlink() else p


def open_temp_for(path: str | os.PathLike[str]) -> tuple[int, Path]:
    """The temp file a save of ``path`` writes first: ``.NAME.<pid>.<random>.tmp``
    next to it (same filesystem, so the rename is atomic). The pid lets a later
    start tell a save that was killed from one still running."""
    target = _write_target(path)
    fd, name = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
    )
    return fd, Path(name)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of ours may be saving right now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: leave its file alone
    return True


def clean_stale_temps(path: str | os.PathLike[str]) -> list[Path]:
    """Remove temp files left by a save of ``path`` that was killed (SIGKILL, power cut).

    Called whenever the file is read, so every start cleans up. A temp file
    whose writer is still running is left alone. Returns what was removed.
    """
    try:
        target = _write_target(path)
        names = os.listdir(target.parent)
    except (OSError, ValueError):
        return []
    pattern = _temp_re(target.name)
    removed: list[Path] = []
    now = time.time()
    for name in names:
        m = pattern.match(name)
        if m is None:
            continue
        tmp = target.parent / name
        if m.group(1) is not None:
            if _pid_alive(int(m.group(1))):
                continue
        else:
            try:
                if now - tmp.stat().st_mtime < LEGACY_TEMP_AGE:
                    continue
            except OSError:
                continue
        try:
            tmp.unlink()
        except OSError:
            continue
        removed.append(tmp)
    return removed


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable. Not every platform/filesystem allows it; that is fine."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(directory, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_toml_atomic(path: str | os.PathLike[str], data: dict[str, Any]) -> None:
    """Write ``data`` as a new TOML file (no comments to keep); see :func:`save_text_atomic`.

    Serialises first: a value TOML cannot hold (``TypeError`` from tomli-w)
    fails before the disk is touched.
    """
    save_text_atomic(path, tomli_w.dumps(data))


def save_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` so that a crash leaves the old file or the new one.

    * Keeps the target's permission bits. A new file gets 0600, because
      config files can hold SMTP passwords and webhook tokens.
    * A symlinked target (dotfile managers) is written through: the link
      stays, the file it points to is replaced.
    * OS failures become :class:`ConfigError` (``path: cannot save: ...``);
      the temp file is removed whatever happens (a SIGKILL can't be caught:
      :func:`clean_stale_temps` removes that one at the next start).
    """
    payload = text.encode("utf-8")
    p = Path(path)
    target = _write_target(p)
    directory = target.parent
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o600
    except OSError as exc:
        raise _os_error(p, exc, "save") from exc
    clean_stale_temps(target)  # a killed first save leaves one even with no file to read
    try:
        fd, tmp = open_temp_for(target)
    except OSError as exc:
        raise _os_error(p, exc, "save") from exc
    try:
        try:
            f = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            raise
        with f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _os_error(p, exc, "save") from exc
        raise
    _fsync_dir(directory)


class SourcedTable(dict):  # type: ignore[type-arg]
    """A table read from a file that remembers where: its validators can then
    say ``config.toml:8: notifiers.ops-mail: port: …`` instead of only the key."""

    def __init__(
        self,
        data: dict[str, Any],
        *,
        source: str | os.PathLike[str],
        text: str | None,
        table: tuple[str, ...],
    ) -> None:
        super().__init__(data)
        self.source = str(source)
        self.text = text
        self.table = table

    def where(self, sub: tuple[str, ...], key: str | None) -> str:
        """``path:line`` of ``[table.sub…]``'s ``key`` (or its header), or just ``path``."""
        line = line_of(self.text, (*self.table, *sub), key) if self.text else None
        return f"{self.source}:{line}" if line else self.source


def _name_re(part: str) -> str:
    p = re.escape(part)
    return rf"""[ \t]*(?:{p}|"{p}"|'{p}')[ \t]*"""


def line_of(text: str, table: tuple[str, ...], key: str | None) -> int | None:
    """Best-effort line (1-based) of ``key`` in the table ``table`` of ``text``
    (``()`` is the top level; ``[a.b]`` and ``[[a.b]]`` headers count): the
    key's own line, else the table's header line, else None."""
    any_header = re.compile(r"^[ \t]*\[")
    key_re = re.compile("^" + _name_re(key.split(".")[0]) + r"[=.]") if key is not None else None
    lines = text.splitlines()
    if not table:
        for j, line in enumerate(lines):
            if any_header.match(line):
                break
            if key_re is not None and key_re.match(line):
                return j + 1
        return None
    header = re.compile(r"^[ \t]*\[\[?" + r"\.".join(_name_re(p) for p in table) + r"\]")
    for i, line in enumerate(lines):
        if not header.match(line):
            continue
        if key_re is not None:
            for j in range(i + 1, len(lines)):
                if any_header.match(lines[j]):
                    break
                if key_re.match(lines[j]):
                    return j + 1
        return i + 1
    return None


__all__ = [
    "ConfigError",
    "SourcedTable",
    "clean_stale_temps",
    "line_of",
    "load_toml",
    "open_temp_for",
    "parse_toml_text",
    "save_text_atomic",
    "save_toml_atomic",
]
