"""Real servers on 127.0.0.1 for the notifier tests: SMTP (aiosmtpd) and HTTP.

Both bind a free port chosen by the kernel and stop by themselves when the
``with`` block ends, even if a handler is still hanging on purpose.
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from logwatch_tui.core.record import AlertEvent


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return bool(predicate())


def event(
    *,
    rule: str = "conn-refused",
    name: str = "Connection refused",
    status: str = "firing",
    severity: str = "error",
    key: tuple[tuple[str, str], ...] = (("host", "web1"),),
    samples: tuple[str, ...] = ("2024-05-01 12:00:00 ERROR connection refused",),
    count: int = 3,
    summary: str = "3 connection errors in 1m on web1",
) -> AlertEvent:
    return AlertEvent(
        rule=rule,
        name=name,
        status=status,
        severity=severity,
        at=1714564800.0,
        count=count,
        key=key,
        samples=samples,
        source="/var/log/app.log",
        window=60.0,
        summary=summary,
    )


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- SMTP ---------------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        msg = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class SMTPRecorder:
    """aiosmtpd handler: keeps every message with its envelope."""

    mails: list[ReceivedMail] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.mails.append(
            ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        )
        return "250 Message accepted"


class _FreePortController(Controller):
    """Controller on port 0: learn the real port before the readiness probe."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextmanager
def smtp_server(
    *, credentials: tuple[str, str] | None = None, tls_context: ssl.SSLContext | None = None
) -> Iterator[tuple[_FreePortController, SMTPRecorder]]:
    recorder = SMTPRecorder()
    kwargs: dict[str, Any] = {}
    if credentials is not None:

        def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
            ok = (
                isinstance(auth_data, LoginPassword)
                and (
                    auth_data.login.decode(),
                    auth_data.password.decode(),
                )
                == credentials
            )
            return AuthResult(success=ok, handled=False)

        kwargs.update(authenticator=authenticator, auth_require_tls=tls_context is not None)
    if tls_context is not None:
        kwargs.update(tls_context=tls_context, require_starttls=True)
    ctrl = _FreePortController(recorder, hostname="127.0.0.1", port=0, **kwargs)
    ctrl.start()
    try:
        yield ctrl, recorder
    finally:
        ctrl.stop()


# -- TLS ---------------------------------------------------------------------------------


def self_signed_cert(tmp: Path) -> tuple[Path, Path] | None:
    """A throwaway cert for 127.0.0.1 via the openssl CLI (None if it is missing)."""
    exe = shutil.which("openssl")
    if exe is None:
        return None
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            exe,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


# -- HTTP ---------------------------------------------------------------------------------


@dataclass
class HookRequest:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


# A plan maps the 1-based request number to (status, body, hang_seconds).
Plan = Callable[[int], tuple[int, bytes, float]]


def always(status: int = 200, body: bytes = b"ok") -> Plan:
    return lambda n: (status, body, 0.0)


class HookServer:
    """ThreadingHTTPServer on 127.0.0.1:0 recording every POST."""

    def __init__(self, plan: Plan | None = None, tls: tuple[Path, Path] | None = None) -> None:
        self.plan = plan or always()
        self.requests: list[HookRequest] = []
        self.release = threading.Event()
        """Set at shutdown so a deliberately hanging handler ends at once."""
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with outer.lock:
                    outer.requests.append(HookRequest(self.path, dict(self.headers), body))
                    n = len(outer.requests)
                status, reply, hang = outer.plan(n)
                if hang:
                    outer.release.wait(hang)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(reply)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(reply)
                except OSError:
                    pass  # the client gave up (timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        scheme = "http"
        if tls is not None:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.port = self.server.server_address[1]
        self.url = f"{scheme}://127.0.0.1:{self.port}/hooks/T000/B000"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> HookServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def count(self) -> int:
        with self.lock:
            return len(self.requests)


class Outcomes:
    """A thread-safe on_outcome callback that remembers everything."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.lock = threading.Lock()

    def __call__(self, outcome: Any) -> None:
        with self.lock:
            self.items.append(outcome)

    def of(self, notifier: str) -> list[Any]:
        with self.lock:
            return [o for o in self.items if o.notifier == notifier]

    def statuses(self, notifier: str) -> list[str]:
        return [o.status for o in self.of(notifier)]

    def final(self, notifier: str) -> list[Any]:
        return [o for o in self.of(notifier) if o.status != "retrying"]
