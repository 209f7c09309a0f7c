"""Which files a person meant: expand file, glob and directory specs; skip binaries.

Why this is its own module: it is about *names* (paths, globs, directories,
which of them to skip) and never reads a log line, while :mod:`.file` is about
the bytes of one file and :mod:`.follower` about following them. Both use
this: the one-shot commands expand specs once, the follower re-runs the glob
patterns to pick up new files. Everything here is re-exported from
:mod:`logwatch_tui.sources.file`, where callers import it from.
"""

from __future__ import annotations

import glob
import os
import stat

__all__ = ["expand_specs", "is_probably_binary"]

_BINARY_SUFFIXES = (
    ".gz",
    ".tgz",
    ".zip",
    ".bz2",
    ".xz",
    ".zst",
    ".lz4",
    ".lzma",
    ".7z",
    ".tar",
    ".z",
    ".journal",
    ".journal~",
    ".db",
    ".sqlite",
    ".pyc",
    ".so",
    ".o",
    ".bin",
    ".png",
    ".jpg",
    ".jpeg",
    ".pdf",
)
_BINARY_NAMES = frozenset({"wtmp", "btmp", "utmp", "lastlog", "faillog"})
_BINARY_MAGIC = (
    b"\x1f\x8b",  # gzip
    b"PK\x03\x04",  # zip
    b"\xfd7zXZ\x00",  # xz
    b"\x28\xb5\x2f\xfd",  # zstd
    b"\x04\x22\x4d\x18",  # lz4
    b"7z\xbc\xaf\x27\x1c",  # 7z
)


def is_probably_binary(path: str) -> bool:
    """True for files a directory or glob expansion should skip: compressed
    rotations (``app.log.2.gz``), journals, login records. Cheap: the name,
    then the first few bytes."""
    name = os.path.basename(path)
    lower = name.lower()
    if name in _BINARY_NAMES or lower.endswith(_BINARY_SUFFIXES):
        return True
    try:
        with open(path, "rb") as f:
            magic = f.read(8)
    except OSError:
        return False
    if magic.startswith(b"BZh") and magic[3:4].isdigit():
        return True
    return magic.startswith(_BINARY_MAGIC)


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _pattern_matches(pattern: str) -> list[str]:
    """Regular, non-binary files matching ``pattern``, sorted."""
    return [p for p in sorted(glob.glob(pattern)) if _is_regular(p) and not is_probably_binary(p)]


def expand_specs_detailed(specs: list[str]) -> tuple[list[tuple[str, bool]], list[str], set[str]]:
    """Like :func:`expand_specs`, also telling which files came from a pattern
    (those are dropped when they vanish; named files are waited for) and
    which directories hold new matches (to watch with inotify)."""
    files: list[tuple[str, bool]] = []
    patterns: list[str] = []
    dirs: set[str] = set()
    seen: set[str] = set()

    def add(path: str, from_pattern: bool) -> None:
        key = os.path.abspath(path)
        if key not in seen:
            seen.add(key)
            files.append((path, from_pattern))

    for spec in specs:
        if os.path.isdir(spec):
            pattern = os.path.join(glob.escape(spec), "*")
            if pattern not in patterns:
                patterns.append(pattern)
                dirs.add(os.path.abspath(spec))
            for p in _pattern_matches(pattern):
                add(p, True)
        elif glob.has_magic(spec) and not os.path.lexists(spec):
            if spec not in patterns:
                patterns.append(spec)
                parent = os.path.dirname(spec) or "."
                if not glob.has_magic(parent):
                    dirs.add(os.path.abspath(parent))
            for p in _pattern_matches(spec):
                add(p, True)
        else:
            add(spec, False)
    return files, patterns, dirs


def expand_specs(specs: list[str]) -> tuple[list[str], list[str]]:
    """Files, globs and directories -> (file paths, glob patterns to keep watching).

    A directory means every regular file in it (not recursive), kept watched
    as the pattern ``dir/*``; compressed and other obviously binary files are
    skipped in directories and globs. A path that does not exist and is no
    glob is kept, so the follower waits for it. An existing path is taken
    literally even if its name has glob characters (``logs[1]/``). Order is
    kept, duplicates go. Glob patterns use :mod:`glob` syntax; ``*`` does not
    match dotfiles.
    """
    files, patterns, _ = expand_specs_detailed(specs)
    return [p for p, _ in files], patterns
