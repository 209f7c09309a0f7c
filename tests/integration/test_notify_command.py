"""Command notifier: a real Python script as the program, no shell anywhere."""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

import pytest

from logwatch_tui.notify import Dispatcher, notify_test
from tests.integration.notify_servers import Outcomes, event, wait_for

RECORDER = r"""
import json, os, sys
out = sys.argv[1]
data = {"argv": sys.argv[2:], "stdin": sys.stdin.read(), "env": os.environ.get("LOGWATCH_ALERT")}
with open(out, "a", encoding="utf-8") as f:
    f.write(json.dumps(data) + "\n")
"""

SLEEPER = r"""
import os, sys, time
with open(sys.argv[1], "w") as f:
    f.write(str(os.getpid()))
time.sleep(60)
"""

FLAKY = r"""
import os, sys
counter = sys.argv[1]
n = int(open(counter).read()) if os.path.exists(counter) else 0
open(counter, "w").write(str(n + 1))
if n == 0:
    sys.stderr.write("first run fails\n")
    sys.exit(3)
"""


def script(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def runs(out: Path) -> list[dict]:
    if not out.exists():
        return []
    return [json.loads(line) for line in out.read_text().splitlines()]


def run_one(config: dict, ev, name: str = "page") -> Outcomes:
    outcomes = Outcomes()
    d = Dispatcher(config, on_outcome=outcomes, retry_base=0.05)
    d.start()
    d.submit(ev, [name])
    assert wait_for(lambda: outcomes.final(name))
    d.stop(timeout=3)
    return outcomes


def test_placeholders_and_log_text_only_as_data(tmp_path: Path) -> None:
    marker = Path(f"/tmp/pwned-{uuid.uuid4().hex}")
    out = tmp_path / "runs.jsonl"
    argv = [
        sys.executable,
        script(tmp_path, "rec.py", RECORDER),
        str(out),
        "--rule",
        "{rule}",
        "{name}/{severity}/{status}",
        "{key}",
        "{0.__class__}",
        "{samples}",
        "{{rule}}",
    ]
    evil = event(
        rule="db-down",
        name="DB {status} down",
        key=(("user", "$(touch " + str(marker) + ")"),),
        samples=(f"$(touch {marker})", "; rm -rf ~", "`touch " + str(marker) + "`", "{rule}"),
        summary="; rm -rf ~ {name}",
    )
    outcomes = run_one({"page": {"type": "command", "argv": argv}}, evil)
    assert outcomes.statuses("page") == ["delivered"]
    [run] = runs(out)
    assert run["argv"] == [
        "--rule",
        "db-down",
        # one pass: the name's own "{status}" stays literal
        "DB {status} down/error/firing",
        "{key}",
        "{0.__class__}",
        "{samples}",
        "{db-down}",
    ]
    assert not marker.exists()
    stdin = json.loads(run["stdin"])
    assert stdin["samples"] == [f"$(touch {marker})", "; rm -rf ~", f"`touch {marker}`", "{rule}"]
    assert stdin["rule"] == "db-down" and stdin["status"] == "firing"
    assert stdin["key"] == {"user": f"$(touch {marker})"}
    assert json.loads(run["env"]) == stdin


def test_timeout_kills_the_program(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    argv = [sys.executable, script(tmp_path, "sleep.py", SLEEPER), str(pidfile)]
    config = {"page": {"type": "command", "argv": argv, "timeout": "500ms", "max_age": 0}}
    outcomes = run_one(config, event())
    [out] = outcomes.of("page")
    assert out.status == "failed"
    assert "did not finish within 0.5s (killed)" in out.reason
    pid = int(pidfile.read_text())

    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False

    assert wait_for(gone, timeout=5)


def test_nonzero_exit_is_retried(tmp_path: Path) -> None:
    counter = tmp_path / "count"
    argv = [sys.executable, script(tmp_path, "flaky.py", FLAKY), str(counter)]
    outcomes = run_one({"page": {"type": "command", "argv": argv}}, event())
    assert outcomes.statuses("page") == ["retrying", "delivered"]
    first = outcomes.of("page")[0]
    assert "exited with status 3: first run fails" in first.reason
    assert counter.read_text() == "2"


def test_missing_program_is_final(tmp_path: Path) -> None:
    config = {"page": {"type": "command", "argv": [str(tmp_path / "no-such-program")]}}
    outcomes = run_one(config, event())
    [out] = outcomes.of("page")
    assert out.status == "failed" and out.attempt == 1
    assert "cannot run" in out.reason and "No such file or directory" in out.reason


def test_digest_goes_to_one_run(tmp_path: Path) -> None:
    out = tmp_path / "runs.jsonl"
    argv = [sys.executable, script(tmp_path, "rec.py", RECORDER), str(out), "{rule}", "{status}"]
    outcomes = Outcomes()
    d = Dispatcher(
        {"page": {"type": "command", "argv": argv, "group_wait": "200ms"}},
        on_outcome=outcomes,
        retry_base=0.05,
    )
    d.start()
    for i in range(5):
        d.submit(event(key=(("n", str(i)),), status="firing" if i else "resolved"), ["page"])
    assert wait_for(lambda: outcomes.final("page"))
    d.stop(timeout=3)
    [run] = runs(out)
    assert run["argv"] == ["conn-refused", "multiple"]
    body = json.loads(run["stdin"])
    assert body["version"] == "1" and len(body["alerts"]) == 5


@pytest.mark.parametrize("code", [0, 1])
def test_notify_test_runs_once(tmp_path: Path, code: int) -> None:
    argv = [sys.executable, "-c", f"import sys; sys.stdin.read(); sys.exit({code})"]
    out = notify_test("page", {"page": {"type": "command", "argv": argv}})
    assert out.status == ("delivered" if code == 0 else "failed")
    assert out.attempt == 1


RAW_RECORDER = r"""
import os, sys
out = sys.argv[1]
with open(out, "wb") as f:
    f.write(os.environb.get(b"LOGWATCH_ALERT", b"") + b"\n--\n" + sys.stdin.buffer.read()
            + b"\n--\n" + "\n".join(sys.argv[2:]).encode("utf-8", "surrogateescape"))
"""


def test_env_stdin_and_args_hold_no_raw_control_characters(tmp_path: Path) -> None:
    """A script that echoes ``$LOGWATCH_ALERT`` or its args to a terminal must not run
    an 8-bit CSI, DEL or bidi override from a log line; the JSON data stays exact."""
    out = tmp_path / "raw.bin"
    config = {
        "page": {
            "type": "command",
            "argv": [sys.executable, script(tmp_path, "raw.py", RAW_RECORDER), str(out), "{name}"],
            "retry_base": 0.05,
        }
    }
    evil = event(
        name="Disk \x1b[2J full",
        key=(("path", "/var\x9b31m\x7f\u202e"),),
        samples=("x \x9b2J \x7f \u202eevil",),
        summary="s \x9b31m",
    )
    outcomes = run_one(config, evil)
    assert outcomes.statuses("page") == ["delivered"]
    raw = out.read_bytes()
    text = raw.decode("utf-8")
    bad = [c for c in text if c not in "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0)]
    bad += [c for c in text if c in "\u202e\u2028\u2029"]
    assert bad == [], bad
    env_json, stdin_json, args = text.split("\n--\n")
    assert json.loads(env_json)["key"] == {"path": "/var\x9b31m\x7f\u202e"}  # exact data
    assert json.loads(stdin_json)["samples"] == ["x \x9b2J \x7f \u202eevil"]
    assert args == "Disk \u241b[2J full"
