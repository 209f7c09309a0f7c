"""Desktop notifications: terminal escape sequences plus ``notify-send``.

OSC 777 (urxvt, foot, WezTerm, Ghostty…) and OSC 9 (iTerm2, Windows Terminal,
kitty…) travel through SSH to whatever terminal the person is looking at, so
an alert on a remote box pops up on their laptop. They are written to the
controlling terminal (``/dev/tty``), opened per send, because stdout may be a
pipe (``--headless | jq``) or owned by the TUI.

The text comes from log lines, and an OSC payload is parsed by the terminal:
a stray ESC, BEL or C1 byte would end the sequence early and let the rest of
the log line run as terminal commands, and ``;`` separates OSC 777 fields. So
every control character and ``;`` is removed before embedding — not escaped,
there is no escaping in OSC.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence

from logwatch_tui.core.record import AlertEvent
from logwatch_tui.notify.base import DeliveryError, os_error_text
from logwatch_tui.notify.config import DesktopSettings
from logwatch_tui.notify.render import digest_headline, one_line

_OSC_UNSAFE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f;\u2028\u2029]")
TITLE_LIMIT = 80
BODY_LIMIT = 300
URGENCY = {"critical": "critical", "error": "critical", "warning": "normal", "info": "low"}


def osc_safe(text: str, limit: int) -> str:
    """Text that cannot end or split an OSC sequence: no C0/C1/ESC/BEL/DEL, no ``;``."""
    text = one_line(text, limit * 2)  # drops whole ANSI sequences, squeezes space
    text = _OSC_UNSAFE_RE.sub("", text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def title_and_body(events: Sequence[AlertEvent]) -> tuple[str, str]:
    if len(events) == 1:
        e = events[0]
        title = f"logwatch-tui: {e.status.upper()} {e.severity}"
        body = one_line(f"{e.name} {e.key_text}", 400)
        if e.summary:
            body += f" - {e.summary}"
        return title, body
    return f"logwatch-tui: {digest_headline(events)}", ", ".join(
        dict.fromkeys(e.name for e in events)
    )


def osc_sequences(title: str, body: str) -> str:
    """OSC 777 notify (title + body) and OSC 9 (one text), both ST-terminated."""
    t = osc_safe(title, TITLE_LIMIT)
    b = osc_safe(body, BODY_LIMIT)
    # OSC 9 text starting with a digit is a sub-command for ConEmu/Windows
    # Terminal (9;4 is progress); our text always starts with "logwatch-tui".
    return f"\x1b]777;notify;{t};{b}\x1b\\" + f"\x1b]9;{t}: {b}\x1b\\"


class DesktopChannel:
    """Best effort on every route that exists here; fails only when none does."""

    max_batch = 200

    def __init__(
        self,
        settings: DesktopSettings | None = None,
        *,
        tty_path: str | None = None,
        write: Callable[[str], None] | None = None,
    ) -> None:
        """``tty_path`` overrides the settings (tests point it at a file or pty);
        ``write`` replaces the tty entirely (the TUI can route the sequences
        through its own output so they never interleave with a frame)."""
        self.settings = settings or DesktopSettings()
        self.tty_path = tty_path or self.settings.tty
        self.write = write

    def secrets(self) -> list[str]:
        return []

    def send(self, events: Sequence[AlertEvent], *, timeout: float) -> str:
        title, body = title_and_body(events)
        routes: list[str] = []
        problems: list[str] = []
        seq = osc_sequences(title, body)
        if self.write is not None:
            self.write(seq)
            routes.append("terminal")
        else:
            done = self._write_tty(seq, problems)
            if done:
                routes.append("terminal")
        if self.settings.notify_send and os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            exe = shutil.which("notify-send")
            if exe is not None:
                urgency = URGENCY.get(events[0].severity, "normal")
                if any(e.severity in ("critical", "error") for e in events):
                    urgency = "critical"
                argv = [
                    exe,
                    "--app-name=logwatch-tui",
                    f"--urgency={urgency}",
                    "--",
                    one_line(title, TITLE_LIMIT),
                    one_line(body, BODY_LIMIT),
                ]
                try:
                    proc = subprocess.run(
                        argv,
                        shell=False,
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        timeout=timeout,
                        start_new_session=True,
                    )
                    if proc.returncode == 0:
                        routes.append("notify-send")
                    else:
                        problems.append(f"notify-send exited with status {proc.returncode}")
                except subprocess.TimeoutExpired:
                    problems.append(f"notify-send did not finish within {timeout:g}s")
                except OSError as exc:
                    problems.append(f"notify-send: {os_error_text(exc)}")
        if not routes:
            reason = "; ".join(problems) or (
                f"no terminal ({self.tty_path}) and no desktop session (notify-send)"
            )
            raise DeliveryError(reason, final=not problems)
        note = "via " + " and ".join(routes)
        if problems:
            note += " (" + "; ".join(problems) + ")"
        return note

    def _write_tty(self, seq: str, problems: list[str]) -> bool:
        """Open, write, close. No tty (a service, CI) is not an error: skip quietly."""
        try:
            fd = os.open(self.tty_path, os.O_WRONLY | os.O_NOCTTY | os.O_APPEND | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno not in (errno.ENXIO, errno.ENOENT, errno.ENODEV, errno.EACCES):
                problems.append(f"{self.tty_path}: {os_error_text(exc)}")
            return False
        try:
            data = seq.encode("utf-8")
            # One write call: a terminal gets the sequence whole or not at all.
            os.write(fd, data)
            return True
        except OSError as exc:
            # EAGAIN: the terminal is not reading (scroll lock, a stuck SSH);
            # dropping a notification beats blocking the notifier thread.
            problems.append(f"{self.tty_path}: {os_error_text(exc)}")
            return False
        finally:
            os.close(fd)
