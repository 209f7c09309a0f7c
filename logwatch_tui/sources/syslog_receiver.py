"""``syslog+udp://``, ``syslog+tcp://``, ``syslog+tls://``: a built-in syslog receiver.

logwatch-tui sits at the receiving end of the transport a fleet already has
(rsyslog ``omfwd``, syslog-ng ``network()``); it does not ship logs itself.

* Messages: RFC 5424 and RFC 3164 (parsed afterwards by the ``rfc5424`` and
  ``syslog`` formats, detected per sender as for a file).
* TCP framing (RFC 6587): octet counting (``LEN SP MSG``) and LF-delimited
  ("non-transparent") framing, decided per frame, so a sender may even mix
  them. Many concurrent senders (one asyncio loop on its own thread).
* Each record's source is the *sending host*: the HOSTNAME of the message
  header, or the peer address when the header has none — so the merged view,
  the per-source cycle and ``group_by = ["host"]`` work across a fleet.
* Back-pressure, never silent loss on TCP: when the pipeline's queue is full,
  handing a batch over blocks the receiver's loop, the kernel's socket buffers
  fill and senders wait (rsyslog and syslog-ng queue meanwhile).
* UDP cannot push back; losses are counted with ``SO_RXQ_OVFL`` (the kernel's
  per-socket drop counter, delivered with each datagram) and reported as a
  source event ("N messages lost"), never hidden.
* TLS: certificate and key from ``config.toml`` (``[syslog] tls_cert``,
  ``tls_key``; optional ``tls_ca`` to require client certificates).

A message's own newlines are escaped as ``#012`` (what rsyslog does on
receive), so one message stays one line.
"""

from __future__ import annotations

import asyncio
import errno
import re
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from logwatch_tui.sources.stream import StreamSource

SCHEMES = ("syslog+udp", "syslog+tcp", "syslog+tls")
MAX_MESSAGE = 1 << 20
"""Longest message accepted on TCP (a larger octet count closes that connection)."""
_TRAILING = (b"\r", b"\n", b"\x00")
FLUSH_SECONDS = 0.05
"""How often held messages are checked."""
MAX_DELAY = 0.25
"""A sender's messages are held at most this long, to hand the pipeline few big
batches instead of many small ones (its cost is largely per batch)."""
HOST_BATCH = 2000
"""A sender's held messages go on at once when this many have gathered."""
FLUSH_BYTES = 8 << 20
"""Everything held goes on when this many bytes are held in all."""
SO_RXQ_OVFL = getattr(socket, "SO_RXQ_OVFL", 40)
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
UDP_BUFFER = 8 << 20

_tls_options: dict[str, str] = {}


class ReceiverError(OSError):
    """A receiver that can't start (bad address, port taken, privileged port)."""


def configure(options: dict | None) -> None:
    """Take the ``[syslog]`` table of config.toml (TLS certificate and key)."""
    _tls_options.clear()
    for k in ("tls_cert", "tls_key", "tls_ca"):
        v = (options or {}).get(k)
        if v is not None:
            _tls_options[k] = str(v)


@dataclass(frozen=True, slots=True)
class Endpoint:
    scheme: str
    host: str
    port: int

    @property
    def transport(self) -> str:
        return self.scheme.split("+", 1)[1]


def parse_endpoint(spec: str) -> Endpoint:
    parts = urlsplit(spec)
    if parts.scheme not in SCHEMES:
        raise ReceiverError(f"{spec}: unknown scheme (use {', '.join(s + '://' for s in SCHEMES)})")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None or parts.path not in ("", "/"):
        raise ReceiverError(f"{spec}: give HOST:PORT, e.g. {parts.scheme}://127.0.0.1:5514")
    host = parts.hostname if parts.hostname is not None else "0.0.0.0"
    return Endpoint(parts.scheme, host, port)


def _bind(ep: Endpoint, spec: str, kind: int) -> socket.socket:
    """A bound socket, or a one-line error a user can act on."""
    try:
        infos = socket.getaddrinfo(ep.host, ep.port, type=kind, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ReceiverError(f"cannot listen on {spec}: unknown address {ep.host} ({exc})") from exc
    family, _, _, _, addr = infos[0]
    sock = socket.socket(family, kind)
    try:
        if kind == socket.SOCK_STREAM:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            why = f"port {ep.port} is already in use (another syslog daemon or logwatch-tui?)"
        elif exc.errno == errno.EACCES and ep.port < 1024:
            why = (
                f"port {ep.port} is privileged: run as root, grant CAP_NET_BIND_SERVICE, "
                "or use a port of 1024 or above"
            )
        elif exc.errno == errno.EADDRNOTAVAIL:
            why = f"{ep.host} is not an address of this machine"
        else:
            why = exc.strerror or str(exc)
        err = ReceiverError(f"cannot listen on {spec}: {why}")
        err.errno = exc.errno
        raise err from exc
    return sock


def check_endpoint(spec: str) -> None:
    """Fail now (one line) if ``spec`` can't be received on: syntax, TLS files, the port."""
    ep = parse_endpoint(spec)
    if ep.transport == "tls":
        _tls_context(spec)
    sock = _bind(ep, spec, socket.SOCK_DGRAM if ep.transport == "udp" else socket.SOCK_STREAM)
    sock.close()


def _tls_context(spec: str) -> ssl.SSLContext:
    cert = _tls_options.get("tls_cert")
    key = _tls_options.get("tls_key")
    if not cert:
        raise ReceiverError(
            f"{spec}: TLS needs a certificate: set tls_cert (and tls_key) under [syslog] in config.toml"
        )
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # No TLS 1.3 session tickets: a sender that closes without reading them makes its
    # kernel answer with a reset, which throws away what we had not read yet.
    ctx.options |= ssl.OP_NO_TICKET
    ctx.num_tickets = 0
    try:
        ctx.load_cert_chain(cert, key or None)
        ca = _tls_options.get("tls_ca")
        if ca:
            ctx.load_verify_locations(ca)
            ctx.verify_mode = ssl.CERT_REQUIRED
    except (OSError, ssl.SSLError) as exc:
        raise ReceiverError(f"{spec}: cannot load TLS certificate/key {cert}: {exc}") from exc
    return ctx


# ----------------------------------------------------------------------------- messages

_HOST_3164 = re.compile(
    rb"(?:<\d{1,3}>)?(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\S+) (\S+) "
)


_host_names: dict[bytes, str] = {}


def _host_name(host: bytes, peer: str) -> str:
    name = _host_names.get(host)
    if name is None:
        if host == b"-" or host.endswith(b":") or b"[" in host or not host:
            return peer
        if len(_host_names) > 100_000:
            _host_names.clear()
        text = host[:255].decode("utf-8", "replace")
        # a source name is shown and printed: no control characters from the network
        name = _host_names[host] = "".join(
            "?" if (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0) else c for c in text
        )
    return name


def sender_host(msg: bytes, peer: str) -> str:
    """The HOSTNAME in the header, else the peer address.

    RFC 5424 (``<PRI>1 TIMESTAMP HOSTNAME …``) is found with two ``find`` calls —
    this runs once per message at tens of thousands a second; RFC 3164 and
    anything else go through a regex.
    """
    if msg[:1] == b"<":
        gt = msg.find(b">", 1, 5)
        if gt > 0 and msg[gt + 1 : gt + 3] == b"1 ":
            ts_end = msg.find(b" ", gt + 3)
            if ts_end > 0:
                host_end = msg.find(b" ", ts_end + 1)
                if host_end > 0:
                    return _host_name(msg[ts_end + 1 : host_end], peer)
            return peer
    m = _HOST_3164.match(msg)
    if m is not None:
        return _host_name(m.group(1), peer)
    return peer


def clean(msg: bytes) -> bytes:
    """One line: trailing CR/LF/NUL off, inner newlines escaped as ``#012``."""
    msg = msg.rstrip(b"\r\n\x00")
    if b"\n" in msg:
        msg = msg.replace(b"\r\n", b"\n").replace(b"\n", b"#012")
    return msg


class FrameDecoder:
    """RFC 6587 framing of one TCP stream: octet counting or LF, per frame."""

    __slots__ = ("buf",)

    def __init__(self) -> None:
        self.buf = b""

    def feed(self, data: bytes) -> list[bytes]:
        buf = self.buf + data if self.buf else data
        out: list[bytes] = []
        pos = 0
        n = len(buf)
        while pos < n:
            c = buf[pos]
            if 48 <= c <= 57:  # a digit: octet counting "LEN SP MSG" — or a LF-framed
                # message that starts with a digit (a timestamp without PRI)
                sp = buf.find(b" ", pos, pos + 11)
                if sp < 0 and n - pos < 11 and buf[pos:n].isdigit():
                    break  # the count is not complete yet
                if sp > pos and buf[pos:sp].isdigit():
                    length = int(buf[pos:sp])
                    if length > MAX_MESSAGE:
                        raise ValueError(f"message of {length} bytes is too long")
                    end = sp + 1 + length
                    if end > n:
                        break
                    out.append(buf[sp + 1 : end])
                    pos = end
                    continue
                nl = buf.find(b"\n", pos)
                if nl < 0:
                    if n - pos > MAX_MESSAGE:
                        raise ValueError("message too long")
                    break
                out.append(buf[pos:nl])
                pos = nl + 1
            elif c in (10, 13, 0):  # stray delimiters between frames
                pos += 1
            else:  # LF framing: up to the next newline
                nl = buf.find(b"\n", pos)
                if nl < 0:
                    if n - pos > MAX_MESSAGE:
                        raise ValueError("message too long")
                    break
                out.append(buf[pos:nl])
                pos = nl + 1
        self.buf = buf[pos:]
        return out


# ----------------------------------------------------------------------------- receiver


class SyslogReceiver(StreamSource):
    """Receives on one endpoint; delivers messages grouped by sending host."""

    def __init__(self, spec, on_chunk, on_event) -> None:
        super().__init__(spec, on_chunk, on_event)
        self.endpoint = parse_endpoint(spec)
        self._sock: socket.socket | None = None
        self._pending: dict[str, list[bytes]] = {}
        self._since: dict[str, float] = {}
        self._pending_bytes = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.received = 0
        self.dropped = 0
        self.connections = 0

    # -- batching ----------------------------------------------------------------
    def add(self, peer: str, msgs: list[bytes]) -> None:
        if not msgs:
            return
        size = 0
        full: list[str] = []
        now = time.monotonic()
        with self._lock:
            pending = self._pending
            since = self._since
            for m in msgs:
                if not m:
                    continue
                if m[-1:] in _TRAILING or b"\n" in m:
                    m = clean(m)
                    if not m:
                        continue
                host = sender_host(m, peer)
                bucket = pending.get(host)
                if bucket is None:
                    bucket = pending[host] = []
                    since[host] = now
                bucket.append(m)
                if len(bucket) == HOST_BATCH:
                    full.append(host)
                size += len(m)
            self._pending_bytes += size + len(msgs)
            big = self._pending_bytes >= FLUSH_BYTES
        if big:
            self.flush()
        elif full:
            self._flush_hosts(full)

    def flush(self) -> None:
        """Hand on everything held."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._since = {}
            self._pending_bytes = 0
        self._emit(pending)

    def flush_due(self) -> None:
        """Hand on the senders whose oldest held message has waited MAX_DELAY."""
        limit = time.monotonic() - MAX_DELAY
        with self._lock:
            due = [h for h, t in self._since.items() if t <= limit]
        if due:
            self._flush_hosts(due)

    def _flush_hosts(self, hosts: list[str]) -> None:
        taken: dict[str, list[bytes]] = {}
        with self._lock:
            for h in hosts:
                msgs = self._pending.pop(h, None)
                self._since.pop(h, None)
                if msgs:
                    taken[h] = msgs
                    self._pending_bytes -= sum(map(len, msgs)) + len(msgs)
        self._emit(taken)

    def _emit(self, pending: dict[str, list[bytes]]) -> None:
        for host, msgs in pending.items():
            self.received += len(msgs)
            # may block while the pipeline is busy: that is the back-pressure
            self.emitter.emit(host, b"\n".join(msgs) + b"\n")

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> None:
        ep = self.endpoint
        ctx = _tls_context(self.spec) if ep.transport == "tls" else None
        kind = socket.SOCK_DGRAM if ep.transport == "udp" else socket.SOCK_STREAM
        self._sock = _bind(ep, self.spec, kind)
        self.event("caught-up", f"listening on {self.spec}")
        if kind == socket.SOCK_DGRAM:
            self._setup_udp(self._sock)
            self.spawn(self._run_udp, "logwatch-syslog-udp")
        else:
            self._sock.listen(512)
            self.spawn(lambda: self._run_tcp(ctx), "logwatch-syslog-tcp")

    def stop(self) -> None:
        self._stop.set()
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        super().stop()
        if self._sock is not None:
            self._sock.close()

    # -- TCP / TLS ---------------------------------------------------------------
    def _run_tcp(self, ctx: ssl.SSLContext | None) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        receiver = self

        class Conn(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                self.transport = transport
                peer = transport.get_extra_info("peername")
                self.peer = str(peer[0]) if peer else "?"
                self.decoder = FrameDecoder()
                receiver.connections += 1

            def data_received(self, data: bytes) -> None:
                try:
                    msgs = self.decoder.feed(data)
                except ValueError as exc:
                    receiver.event(
                        "error", f"{receiver.spec}: closed connection from {self.peer}: {exc}"
                    )
                    self.transport.close()
                    return
                receiver.add(self.peer, msgs)

            def eof_received(self) -> bool | None:
                rest = self.decoder.buf
                if rest.strip(b"\r\n\x00"):
                    receiver.add(self.peer, [rest])  # a last LF-framed line without its LF
                self.decoder.buf = b""
                return None

            def connection_lost(self, exc: Exception | None) -> None:
                receiver.connections -= 1

        async def serve() -> asyncio.AbstractServer:
            return await loop.create_server(Conn, sock=self._sock, ssl=ctx, backlog=512)

        def tick() -> None:
            self.flush_due()
            if not self._stop.is_set():
                loop.call_later(FLUSH_SECONDS, tick)

        try:
            server = loop.run_until_complete(serve())
            loop.call_later(FLUSH_SECONDS, tick)
            loop.run_forever()
            server.close()
        finally:
            self.flush()
            loop.close()

    # -- UDP -----------------------------------------------------------------------
    def _setup_udp(self, sock: socket.socket) -> None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, SO_RXQ_OVFL, 1)
        except OSError:
            pass
        for opt in (SO_RCVBUFFORCE, socket.SO_RCVBUF):
            try:
                sock.setsockopt(socket.SOL_SOCKET, opt, UDP_BUFFER)
                break
            except OSError:
                continue
        sock.settimeout(FLUSH_SECONDS)

    def _run_udp(self) -> None:
        sock = self._sock
        assert sock is not None
        anc_size = socket.CMSG_SPACE(4)
        last_flush = time.monotonic()
        reported = 0
        last_report = 0.0
        peers: dict[str, str] = {}
        while not self._stop.is_set():
            try:
                data, anc, _flags, addr = sock.recvmsg(65536, anc_size)
            except TimeoutError:
                data = None
            except OSError:
                if self._stop.is_set():
                    break
                raise
            if data is not None:
                for level, kind, payload in anc:
                    if level == socket.SOL_SOCKET and kind == SO_RXQ_OVFL and len(payload) >= 4:
                        self.dropped = struct.unpack("=I", payload[:4])[0]
                ip = addr[0] if addr else "?"
                peer = peers.setdefault(ip, ip)
                self.add(peer, [data])
            now = time.monotonic()
            if now - last_flush >= FLUSH_SECONDS:
                last_flush = now
                self.flush_due()
                if self.dropped != reported and now - last_report >= 1.0:
                    last_report = now
                    reported = self.dropped
                    self.event(
                        "error",
                        f"{self.spec}: {self.dropped} message(s) lost so far "
                        "(the receive buffer overflowed; UDP cannot slow senders down — "
                        "use syslog+tcp:// for no loss)",
                    )
        self.flush()
