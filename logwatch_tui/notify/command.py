"""Run a program per alert: ``argv`` without a shell, the alert as JSON data.

Log text is attacker-controlled, so it only ever reaches the program as data
(stdin and ``LOGWATCH_ALERT``), never as part of the command line. That JSON
is written without a raw control character (``\\u009b`` rather than the byte),
so a script that echoes it to a terminal runs nothing; placeholder values are
made inert like every other text output. The argv
placeholders ``{rule}``, ``{name}``, ``{severity}`` and ``{status}`` are
filled from the rule file in one regex pass (not ``str.format``, which would
evaluate ``{0.__class__}``-style fields); any other ``{…}`` stays literal.

The program runs in its own session (no controlling terminal, so it cannot
scribble over the TUI) and its whole process group is killed at the timeout.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
from collections.abc import Sequence

from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.safe_text import inert, json_text
from logwatch_tui.notify.base import DeliveryError, os_error_text
from logwatch_tui.notify.config import CommandSettings
from logwatch_tui.notify.render import body_text, one_line, payload_json

PLACEHOLDER_RE = re.compile(r"\{(rule|name|severity|status)\}")
ENV_LIMIT = 100_000
"""Linux caps one environment string at 128 KiB; stay below with room to spare."""


def placeholder_values(events: Sequence[AlertEvent]) -> dict[str, str]:
    """Values shared by every event; ``multiple`` where a digest mixes them."""
    values: dict[str, str] = {}
    for key in ("rule", "name", "severity", "status"):
        seen = {getattr(e, key) for e in events}
        values[key] = inert(seen.pop()) if len(seen) == 1 else "multiple"
    return values


def fill_argv(argv: Sequence[str], events: Sequence[AlertEvent]) -> list[str]:
    values = placeholder_values(events)
    return [PLACEHOLDER_RE.sub(lambda m: values[m.group(1)], item) for item in argv]


def env_json(events: Sequence[AlertEvent]) -> str:
    """``LOGWATCH_ALERT``: the full JSON, or a slimmer one when it would not fit."""
    data = payload_json(events)
    text = json_text(data)
    if len(text) <= ENV_LIMIT:
        return text
    alerts = data.get("alerts", [data])
    for a in alerts:
        a["samples"] = []
    text = json_text(data)
    if len(text) <= ENV_LIMIT:
        return text
    return json_text({"version": "1", "truncated": True, "count": len(events)})


class CommandChannel:
    """One program run per message (one alert, or a digest of up to 50)."""

    max_batch = 50

    def __init__(self, settings: CommandSettings) -> None:
        self.settings = settings

    def secrets(self) -> list[str]:
        return []

    def send(self, events: Sequence[AlertEvent], *, timeout: float) -> str:
        argv = fill_argv(self.settings.argv, events)
        stdin_data = json_text(payload_json(events)).encode("utf-8")
        env = dict(os.environ)
        env["LOGWATCH_ALERT"] = env_json(events)
        program = one_line(argv[0], 120)
        with tempfile.TemporaryFile() as err_file:
            try:
                proc = subprocess.Popen(
                    argv,
                    shell=False,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=err_file,
                    env=env,
                    start_new_session=True,
                    close_fds=True,
                )
            except OSError as exc:
                raise DeliveryError(
                    f"cannot run {program}: {os_error_text(exc)}",
                    final=isinstance(exc, FileNotFoundError | PermissionError | NotADirectoryError),
                ) from None
            try:
                proc.communicate(input=stdin_data, timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                raise DeliveryError(
                    f"{program} did not finish within {timeout:g}s (killed)"
                ) from None
            except BaseException:
                _kill_group(proc)
                raise
            if proc.returncode != 0:
                err_file.seek(0, os.SEEK_END)
                size = err_file.tell()
                err_file.seek(max(0, size - 400))
                tail = body_text(err_file.read().decode("utf-8", "replace"), 400)
                tail = one_line(tail.strip().splitlines()[-1] if tail.strip() else "", 200)
                if proc.returncode < 0:
                    what = f"killed by signal {-proc.returncode}"
                else:
                    what = f"exited with status {proc.returncode}"
                raise DeliveryError(f"{program} {what}" + (f": {tail}" if tail else ""))
        return ""


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the program and anything it started (it leads its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except OSError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - a zombie that will not die
        pass
    if proc.stdin is not None:
        try:
            proc.stdin.close()
        except OSError:
            pass
