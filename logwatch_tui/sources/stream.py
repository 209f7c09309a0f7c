"""Sources that are streams of lines, not files: the shared plumbing.

Standard input, ``journalctl`` and the syslog receiver all produce lines that
exist nowhere on disk to ``pread`` later, so their chunks carry no file
handle (the store keeps their text in memory) and their offsets simply count
bytes received. :class:`LineEmitter` turns "some complete lines of source X"
into :class:`~logwatch_tui.sources.content.RawChunk` objects with running line
numbers, so every stream source speaks the same vocabulary as the file
follower and the pipeline needs no special case.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from logwatch_tui.sources.content import RawChunk, SourceEvent

ChunkCallback = Callable[[RawChunk], None]
EventCallback = Callable[[SourceEvent], None]


class LineEmitter:
    """Running byte offset and line number per source name; thread-safe."""

    def __init__(self, on_chunk: ChunkCallback) -> None:
        self._on_chunk = on_chunk
        self._pos: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def emit(self, name: str, data: bytes, *, initial: bool = False) -> None:
        """Deliver ``data`` (whole lines, each ending with ``\\n``) as one chunk."""
        if not data:
            return
        with self._lock:
            offset, line = self._pos.get(name, (0, 1))
            self._pos[name] = (offset + len(data), line + data.count(b"\n"))
        self._on_chunk(RawChunk(name, data, offset, line, None, initial))  # type: ignore[arg-type]


class StreamSource:
    """A source with its own thread(s): ``start()`` returns at once, ``stop()`` joins.

    ``name`` is what the caught-up event carries (the spec as the user wrote it),
    ``finite`` says whether the source can end by itself (stdin at EOF) — a
    headless run whose sources are all finite stops when they have all ended.
    """

    finite = False

    def __init__(self, spec: str, on_chunk: ChunkCallback, on_event: EventCallback) -> None:
        self.spec = spec
        self.name = spec
        self.emitter = LineEmitter(on_chunk)
        self.on_event = on_event
        self.ended = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def event(self, kind: str, message: str, path: str | None = None) -> None:
        self.on_event(SourceEvent(self.name if path is None else path, kind, message))

    def spawn(self, target: Callable[[], None], name: str) -> None:
        t = threading.Thread(target=self._guard(target), name=name, daemon=True)
        self._threads.append(t)
        t.start()

    def _guard(self, target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except Exception as exc:  # a bug or an I/O failure: say so, never die silently
                if not self._stop.is_set():
                    self.event("error", f"{self.spec}: stopped reading: {exc}")

        return run

    def start(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(timeout=2.0)
