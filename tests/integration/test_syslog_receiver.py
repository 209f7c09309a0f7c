"""The built-in syslog receiver with real sockets on 127.0.0.1: many senders, both
TCP framings, UDP, TLS, back-pressure, UDP loss counting, clear bind errors."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from logwatch_tui.core.rules import Rule
from logwatch_tui.core.rules_file import rule_from_dict
from logwatch_tui.pipeline import Pipeline, PipelineUpdate
from logwatch_tui.sources.file import RawChunk, SourceEvent
from logwatch_tui.sources.syslog_receiver import SyslogReceiver, configure
from tests.conftest import wait_until

ROOT = Path(__file__).resolve().parents[2]


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def msg5424(host: str, i: int, text: str = "hello", pri: int = 14) -> bytes:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    return f"<{pri}>1 {now} {host} app 42 - - {text} seq={i}".encode()


def msg3164(host: str, i: int, text: str = "hello", pri: int = 14) -> bytes:
    now = dt.datetime.now().strftime("%b %e %H:%M:%S")
    return f"<{pri}>{now} {host} app[7]: {text} seq={i}".encode()


class Collector:
    """A pipeline on one receiver spec, collecting every line and alert."""

    def __init__(self, spec: str, rules: list[Rule] | None = None) -> None:
        self.lines: list[tuple[str, str]] = []
        self.alerts = []
        self.events: list[SourceEvent] = []
        self.lock = threading.Lock()
        self.pipeline = Pipeline([spec], sink=self.sink, rules=rules or [])

    def sink(self, upd: PipelineUpdate) -> None:
        with self.lock:
            for b in upd.batches:
                self.lines.extend((b.source, ln) for ln in b.lines)
            self.alerts.extend(upd.alerts)
            self.events.extend(upd.events)

    def __enter__(self) -> Collector:
        self.pipeline.start()
        return self

    def __exit__(self, *exc) -> None:
        self.pipeline.stop()


def test_fifty_concurrent_tcp_senders_both_framings_every_message_once() -> None:
    port = free_port()
    rule = rule_from_dict(
        {
            "id": "err",
            "name": "errors",
            "level": "ERROR",
            "threshold": 1,
            "window": "1m",
            "group_by": ["host"],
        }
    )
    n_senders, per = 50, 200
    with Collector(f"syslog+tcp://127.0.0.1:{port}", [rule]) as c:

        def send(k: int) -> None:
            host = f"node{k:02d}"
            with socket.create_connection(("127.0.0.1", port)) as s:
                buf = bytearray()
                for i in range(per):
                    if k % 2:  # octet counting, RFC 5424
                        m = msg5424(
                            host, i, "disk error" if i == 0 else "ok", pri=11 if i == 0 else 14
                        )
                        buf += b"%d %s" % (len(m), m)
                    else:  # LF framing, RFC 3164
                        m = msg3164(
                            host, i, "disk error" if i == 0 else "ok", pri=11 if i == 0 else 14
                        )
                        buf += m + b"\n"
                    if len(buf) > 4096:
                        s.sendall(buf)
                        buf.clear()
                s.sendall(buf)

        threads = [threading.Thread(target=send, args=(k,)) for k in range(n_senders)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert wait_until(lambda: len(c.lines) >= n_senders * per, timeout=30)
        assert wait_until(lambda: len(c.alerts) >= n_senders, timeout=10)
    with c.lock:
        seen = [(src, ln.rsplit("seq=", 1)[1]) for src, ln in c.lines]
    assert len(seen) == n_senders * per
    assert set(seen) == {(f"node{k:02d}", str(i)) for k in range(n_senders) for i in range(per)}
    # one alert per sending host: the source names the host, group_by host works
    assert sorted(a.key_dict["host"] for a in c.alerts) == [
        f"node{k:02d}" for k in range(n_senders)
    ]
    assert {a.source for a in c.alerts} == {f"node{k:02d}" for k in range(n_senders)}


def test_tcp_back_pressure_blocks_the_sender_and_loses_nothing() -> None:
    """While the consumer is stuck, the sender is held up by TCP; nothing is dropped."""
    port = free_port()
    release = threading.Event()
    got: list[bytes] = []
    blocked = threading.Event()

    def on_chunk(chunk: RawChunk) -> None:
        if not release.is_set():
            blocked.set()
            release.wait(60)
        got.append(chunk.data)

    rx = SyslogReceiver(f"syslog+tcp://127.0.0.1:{port}", on_chunk, lambda ev: None)
    rx.start()
    total = 200_000
    done = threading.Event()

    def send() -> None:
        with socket.create_connection(("127.0.0.1", port)) as s:
            batch = b"".join(msg3164("bp", i) + b"\n" for i in range(total))
            s.sendall(batch)
        done.set()

    t = threading.Thread(target=send)
    t.start()
    try:
        assert blocked.wait(20)
        # ~20 MB cannot fit in loopback socket buffers: the sender must still be waiting
        assert not done.wait(1.0)
        release.set()
        assert done.wait(60)
        assert wait_until(lambda: sum(d.count(b"\n") for d in got) >= total, timeout=60)
    finally:
        release.set()
        t.join(60)
        rx.stop()
    lines = b"".join(got).splitlines()
    assert len(lines) == total
    assert [int(ln.rsplit(b"seq=", 1)[1]) for ln in lines] == list(range(total))


def test_udp_messages_arrive_named_by_host() -> None:
    port = free_port(socket.SOCK_DGRAM)
    with Collector(f"syslog+udp://127.0.0.1:{port}") as c:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(500):
            s.sendto(msg5424(f"u{i % 5}", i), ("127.0.0.1", port))
        s.close()
        assert wait_until(lambda: len(c.lines) >= 500, timeout=20)
    assert {src for src, _ in c.lines} == {f"u{k}" for k in range(5)}
    assert not [e for e in c.events if "lost" in e.message]


def test_udp_losses_are_counted_and_reported() -> None:
    port = free_port(socket.SOCK_DGRAM)
    release = threading.Event()
    events: list[SourceEvent] = []
    count = [0]

    def on_chunk(chunk: RawChunk) -> None:
        release.wait(60)
        count[0] += chunk.data.count(b"\n")

    rx = SyslogReceiver(f"syslog+udp://127.0.0.1:{port}", on_chunk, events.append)
    rx.start()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sent = 60_000
        for i in range(sent):  # the reader is stuck: the kernel buffer overflows
            s.sendto(msg5424("flood", i) + b" " + b"x" * 200, ("127.0.0.1", port))
        release.set()
        # Each datagram carries the kernel's drop counter as of its arrival: once the
        # backlog is drained, a probe brings the final count. Every datagram is then
        # either received or counted as lost.
        probes = 0
        for _ in range(50):
            s.sendto(msg5424("probe", probes), ("127.0.0.1", port))
            probes += 1
            if wait_until(lambda p=probes: count[0] + rx.dropped >= sent + p, timeout=2):
                break
        assert count[0] + rx.dropped == sent + probes
        assert rx.dropped > 0
        assert wait_until(lambda: any("lost" in e.message for e in events), timeout=20)
    finally:
        release.set()
        s.close()
        rx.stop()
    lost = [e for e in events if "lost" in e.message]
    assert lost[0].kind == "error" and "syslog+udp://" in lost[0].message


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_tls_receiver_with_cert_from_config(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    configure({"tls_cert": str(cert), "tls_key": str(key)})
    try:
        with Collector(f"syslog+tls://127.0.0.1:{port}") as c:
            ctx = ssl.create_default_context(cafile=str(cert))
            ctx.check_hostname = False
            raw = socket.create_connection(("127.0.0.1", port))
            with ctx.wrap_socket(raw) as s:
                for i in range(100):
                    m = msg5424("secure1", i)
                    s.sendall(b"%d %s" % (len(m), m))
            ok = wait_until(lambda: len(c.lines) >= 100, timeout=20)
            rx = c.pipeline._streams[0]
            assert ok, (len(c.lines), c.events, rx.received, rx.connections, c.pipeline.error)
    finally:
        configure(None)
    assert {src for src, _ in c.lines} == {"secure1"}


def _headless(*args: str, env: dict | None = None, prefix: tuple[str, ...] = ()):
    return subprocess.run(
        [*prefix, sys.executable, "-m", "logwatch_tui", "--headless", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=30,
    )


def test_port_taken_is_a_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = _headless(f"syslog+tcp://127.0.0.1:{port}")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"logwatch-tui: cannot listen on syslog+tcp://127.0.0.1:{port}: port {port} is "
        "already in use (another syslog daemon or logwatch-tui?)"
    )


def test_tls_without_certificate_is_a_clear_error() -> None:
    proc = _headless(f"syslog+tls://127.0.0.1:{free_port()}")
    assert proc.returncode == 2
    assert "tls_cert" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv to drop the capability")
def test_privileged_port_is_a_clear_error() -> None:
    try:
        with open("/proc/sys/net/ipv4/ip_unprivileged_port_start") as f:
            if int(f.read()) <= 514:
                pytest.skip("this machine lets anyone bind port 514")
    except OSError:
        pass
    drop = ("setpriv", "--bounding-set=-net_bind_service", "--inh-caps=-net_bind_service", "--")
    proc = _headless("syslog+udp://127.0.0.1:514", prefix=drop)
    if proc.returncode == 0:
        pytest.skip("could not drop CAP_NET_BIND_SERVICE here")
    assert proc.returncode == 2
    assert "port 514 is privileged" in proc.stderr and "Traceback" not in proc.stderr
