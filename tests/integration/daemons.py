"""Start real rsyslog and syslog-ng for tests: own config, sockets, pid file, 127.0.0.1 only.

Never the system's daemons or sockets: each instance gets a private work
directory, a pid file there, and listens only on a loopback port the test
picked. Installed by ``.ci/install-daemons`` (syslog-ng unpacked into
``.ci/cache/syslog-ng``, since its package conflicts with rsyslog's).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SYSLOG_NG_PREFIX = Path(os.environ.get("LOGWATCH_SYSLOG_NG_PREFIX", ROOT / ".ci/cache/syslog-ng"))


def rsyslogd() -> str | None:
    return shutil.which("rsyslogd") or (
        "/usr/sbin/rsyslogd" if os.path.exists("/usr/sbin/rsyslogd") else None
    )


def syslog_ng() -> Path | None:
    exe = SYSLOG_NG_PREFIX / "usr/sbin/syslog-ng"
    return exe if exe.exists() else None


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 20.0) -> None:
    """Until something accepts TCP connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


class Daemon:
    """A daemon process in the foreground; stopped (and reaped) on exit."""

    def __init__(self, argv: list[str], workdir: Path, env: dict | None = None) -> None:
        self.log = open(workdir / "daemon.out", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=workdir,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        self.workdir = workdir

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return (self.workdir / "daemon.out").read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def __enter__(self) -> Daemon:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_rsyslog(workdir: Path, in_port: int, forwards: list[str]) -> Daemon:
    """rsyslogd with an imtcp input on ``in_port`` and the given ``action(...)`` lines."""
    exe = rsyslogd()
    assert exe is not None
    conf = workdir / "rsyslog.conf"
    conf.write_text(
        f'global(workDirectory="{workdir}" maxMessageSize="64k")\n'
        'module(load="imtcp")\n'
        f'input(type="imtcp" address="127.0.0.1" port="{in_port}")\n' + "\n".join(forwards) + "\n"
    )
    check = subprocess.run([exe, "-N1", "-f", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    d = Daemon([exe, "-n", "-f", str(conf), "-i", str(workdir / "rsyslogd.pid")], workdir)
    wait_port(in_port)
    return d


def start_syslog_ng(workdir: Path, conf_body: str, in_port: int) -> Daemon:
    exe = syslog_ng()
    assert exe is not None
    p = SYSLOG_NG_PREFIX
    libs = [p / "usr/lib/x86_64-linux-gnu", p / "lib/x86_64-linux-gnu", p / "usr/lib/syslog-ng"]
    env = {"LD_LIBRARY_PATH": ":".join(map(str, libs))}
    conf = workdir / "syslog-ng.conf"
    conf.write_text("@version: 3.35\n" + conf_body)
    argv = [
        str(exe),
        "-F",
        "--no-caps",
        "-f", str(conf),
        "-p", str(workdir / "syslog-ng.pid"),
        "-R", str(workdir / "syslog-ng.persist"),
        "-c", str(workdir / "syslog-ng.ctl"),
        f"--module-path={p / 'usr/lib/syslog-ng/3.38'}",
    ]  # fmt: skip
    d = Daemon(argv, workdir, env)
    try:
        wait_port(in_port)
    except TimeoutError:
        d.stop()
        raise AssertionError("syslog-ng did not start:\n" + d.output()) from None
    return d
