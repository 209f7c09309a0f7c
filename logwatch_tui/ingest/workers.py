"""Worker processes for the TUI's columnar index, and their side of the wire.

Plain child processes (``python -m logwatch_tui.ingest.workers``) that read tasks
from stdin and write results to stdout, each a length-prefixed pickle. Not a
``multiprocessing`` pool, on purpose: ``fork`` from the UI process would copy a
process with live threads (the event loop, the pipeline, the alert router) and
its descriptors (terminal, inotify, receiver sockets); ``forkserver`` and
``spawn`` re-import the program's main module (the whole UI) in every worker.
These workers import only the range parser and numpy, inherit no descriptors,
run in their own session (a Ctrl-C in the terminal is the UI's), and end when
their stdin closes — also when the UI process dies.

Results come back in task order: task ``i`` goes to worker ``i % n``, each
worker holds at most :data:`IN_FLIGHT` tasks, and the reader (the pipeline
thread) blocks in ``read`` without the GIL while workers parse.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

IN_FLIGHT = 2
"""Tasks queued per worker: one parsing, one waiting (results stay in order)."""
_HEAD = struct.Struct("<Q")


def _read_exact(fd: int, n: int) -> bytes:
    parts = []
    while n:
        got = os.read(fd, min(n, 1 << 22))
        if not got:
            raise EOFError("worker process ended")
        parts.append(got)
        n -= len(got)
    return b"".join(parts)


def _write_frame(fd: int, payload: bytes) -> None:
    data = memoryview(_HEAD.pack(len(payload)) + payload)
    while data:
        data = data[os.write(fd, data) :]


PIPE_BYTES = 1 << 20
"""Result pipe size asked for (Linux; the default 64 KiB holds a fifth of a 1 MB range's
result, so a worker waited for the reader before it could start its next task)."""


def _widen_pipe(stream) -> None:
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError, ValueError):
        pass  # another system, or above /proc/sys/fs/pipe-max-size: the default size


def _read_frame(fd: int) -> bytes:
    (n,) = _HEAD.unpack(_read_exact(fd, _HEAD.size))
    return _read_exact(fd, n)


class WorkerSet:
    """``n`` worker processes running ``func`` (a module-level function) on tasks."""

    def __init__(self, n: int, func: Callable[[Any], Any] | str, *, nice: int = 0) -> None:
        """``func``: a module-level function, or its ``"module:name"`` (which spares
        this process importing the module)."""
        self.func = func if isinstance(func, str) else f"{func.__module__}:{func.__qualname__}"
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        argv = [sys.executable, "-m", "logwatch_tui.ingest.workers", self.func, str(nice)]
        self.procs: list[subprocess.Popen[bytes]] = []
        self._sent = self._got = 0
        try:
            for _ in range(max(1, n)):
                self.procs.append(
                    subprocess.Popen(
                        argv,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL,
                        env=env,
                        close_fds=True,
                        start_new_session=True,
                    )
                )
        except BaseException:
            self.close()
            raise
        for p in self.procs:
            _widen_pipe(p.stdout)

    def submit(self, task: Any) -> None:
        """Send one task (its result comes from :meth:`receive`, in submission order)."""
        p = self.procs[self._sent % len(self.procs)]
        assert p.stdin is not None
        _write_frame(p.stdin.fileno(), pickle.dumps(task, protocol=5))
        self._sent += 1

    def receive(self) -> Any:
        """The result of the oldest task submitted and not yet received."""
        if self._got >= self._sent:
            raise RuntimeError("no task in flight")
        p = self.procs[self._got % len(self.procs)]
        assert p.stdout is not None
        result = pickle.loads(_read_frame(p.stdout.fileno()))
        self._got += 1
        return result

    @property
    def in_flight(self) -> int:
        """Tasks submitted whose results have not been received."""
        return self._sent - self._got

    @property
    def depth(self) -> int:
        """Tasks worth keeping in flight: :data:`IN_FLIGHT` per worker."""
        return len(self.procs) * IN_FLIGHT

    def map(self, tasks: list[Any]) -> Iterator[Any]:
        """``func(task)`` for each task, in order."""
        pending = iter(tasks)
        for task in pending:
            self.submit(task)
            if self.in_flight >= self.depth:
                break
        while self.in_flight:  # (a caller that stops early and keeps the set: drain())
            result = self.receive()
            task = next(pending, None)
            if task is not None:
                self.submit(task)
            yield result

    def drain(self) -> None:
        """Wait for and drop the results still in flight (the set stays usable)."""
        try:
            while self.in_flight:
                self.receive()
        except (EOFError, OSError):
            self._got = self._sent

    def close(self) -> None:
        for p in self.procs:
            try:
                if p.stdin is not None:
                    p.stdin.close()
            except OSError:
                pass
            if p.poll() is None:
                p.kill()
        for p in self.procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            if p.stdout is not None:
                p.stdout.close()
        self.procs = []


def main(argv: list[str]) -> int:
    """The worker's loop: a task in, a result out, until stdin ends."""
    import importlib
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    module, _, name = argv[0].partition(":")
    if len(argv) > 1 and int(argv[1]):
        os.nice(int(argv[1]))
    func = getattr(importlib.import_module(module), name)
    inp, out = os.dup(0), os.dup(1)
    os.dup2(2, 1)  # a stray print must not corrupt the results on the wire
    while True:
        try:
            task = pickle.loads(_read_frame(inp))
        except EOFError:
            return 0
        try:
            _write_frame(out, pickle.dumps(func(task), protocol=5))
        except BrokenPipeError:
            return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
