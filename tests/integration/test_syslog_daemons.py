"""The receiver at the end of real rsyslog and syslog-ng forwarding (127.0.0.1 only)."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from pathlib import Path

import pytest

from logwatch_tui.pipeline import Pipeline, PipelineUpdate
from tests.conftest import wait_until
from tests.integration.daemons import (
    free_port,
    rsyslogd,
    start_rsyslog,
    start_syslog_ng,
    syslog_ng,
)


class Collector:
    def __init__(self, spec: str) -> None:
        self.lines: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.pipeline = Pipeline([spec], sink=self.sink)

    def sink(self, upd: PipelineUpdate) -> None:
        with self.lock:
            for b in upd.batches:
                self.lines.extend((b.source, ln) for ln in b.lines)

    def seqs(self) -> list[str]:
        with self.lock:
            return [ln.rsplit("seq=", 1)[1].split()[0] for _, ln in self.lines if "seq=" in ln]

    def __enter__(self) -> Collector:
        self.pipeline.start()
        return self

    def __exit__(self, *exc) -> None:
        self.pipeline.stop()


def send_5424_tcp(port: int, hosts: list[str], per_host: int) -> list[str]:
    """RFC 5424 messages, octet-counted, one connection per host; returns the seq ids."""
    ids = []
    for h in hosts:
        with socket.create_connection(("127.0.0.1", port)) as s:
            buf = bytearray()
            for i in range(per_host):
                now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
                sid = f"{h}-{i}"
                ids.append(sid)
                m = f"<{8 + i % 8}>1 {now} {h} checkout 77 - - order done seq={sid}".encode()
                buf += b"%d %s" % (len(m), m)
            s.sendall(buf)
    return ids


needs_rsyslog = pytest.mark.skipif(
    rsyslogd() is None, reason="needs rsyslogd (.ci/run installs it)"
)


@needs_rsyslog
@pytest.mark.parametrize(
    ("framing", "template", "fmt_check"),
    [
        ("octet-counted", "RSYSLOG_SyslogProtocol23Format", "rfc5424"),
        ("traditional", "RSYSLOG_TraditionalForwardFormat", "syslog"),
    ],
)
def test_rsyslog_forwarding_over_tcp_every_message_once(
    tmp_path: Path, framing: str, template: str, fmt_check: str
) -> None:
    """rsyslog omfwd over TCP — octet-counted RFC 5424 and LF-framed RFC 3164 — into
    ``syslog+tcp://``: every message arrives exactly once, named by its host."""
    out_port, in_port = free_port(), free_port()
    hosts = [f"web{k}" for k in range(5)]
    formats: set[str] = set()
    with Collector(f"syslog+tcp://127.0.0.1:{out_port}") as c:
        fwd = (
            f'action(type="omfwd" target="127.0.0.1" port="{out_port}" protocol="tcp" '
            f'TCP_Framing="{framing}" template="{template}" '
            'queue.type="LinkedList" queue.size="100000" action.resumeRetryCount="-1")'
        )
        with start_rsyslog(tmp_path, in_port, [fwd]) as d:
            ids = send_5424_tcp(in_port, hosts, 400)
            ok = wait_until(lambda: len(c.seqs()) >= len(ids), timeout=60)
            assert ok, f"got {len(c.seqs())} of {len(ids)}\n{d.output()}"
        formats = {p.format.name for p in c.pipeline.parsers.values()}
    got = c.seqs()
    assert sorted(got) == sorted(ids)  # each exactly once
    assert {src for src, _ in c.lines} == set(hosts)
    assert formats == {fmt_check}


@pytest.mark.skipif(syslog_ng() is None, reason="needs syslog-ng (.ci/run unpacks it)")
def test_syslog_ng_over_udp_at_2k_msgs_per_second(tmp_path: Path) -> None:
    """syslog-ng ``network(transport("udp"))`` into ``syslog+udp://`` at 2,000 msgs/s:
    at least 99.5% arrive, and any loss is counted, not hidden."""
    out_port, in_port = free_port(socket.SOCK_DGRAM), free_port()
    conf = f"""
options {{ log-fifo-size(200000); keep-hostname(yes); stats-freq(0); }};
source s_in {{ syslog(ip("127.0.0.1") port({in_port}) transport("tcp")
              log-iw-size(200000) max-connections(10)); }};
destination d_out {{ syslog("127.0.0.1" port({out_port}) transport("udp")); }};
log {{ source(s_in); destination(d_out); }};
"""
    rate, seconds = 2000, 5
    total = rate * seconds
    with (
        Collector(f"syslog+udp://127.0.0.1:{out_port}") as c,
        start_syslog_ng(tmp_path, conf, in_port) as d,
    ):
        ids: list[str] = []
        with socket.create_connection(("127.0.0.1", in_port)) as s:
            start = time.monotonic()
            step = rate // 100  # 100 batches a second
            for b in range(total // step):
                buf = bytearray()
                for i in range(step):
                    n = b * step + i
                    now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
                    sid = f"ng{n % 4}-{n}"
                    ids.append(sid)
                    m = f"<14>1 {now} ng{n % 4} app - - - udp message seq={sid}".encode()
                    buf += b"%d %s" % (len(m), m)
                s.sendall(buf)
                # pace to the target rate (this is load generation, not a wait)
                ahead = start + (b + 1) / 100 - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
        ok = wait_until(lambda: len(c.seqs()) >= total, timeout=30)
        got = c.seqs()
        assert len(got) >= 0.995 * total, (
            f"{len(got)}/{total} received ({ok=})\n{d.output()[-2000:]}"
        )
    assert len(set(got)) == len(got), "no message twice"
    assert set(got) <= set(ids)
    assert {src for src, _ in c.lines} == {f"ng{k}" for k in range(4)}
