"""Sources: where log bytes come from (files today; stdin, journald, syslog later).

I/O at the edge: threads and watchdog are fine here, Textual and Rich are not,
and nothing here knows about log formats — sources produce bytes (whole lines).
"""

from logwatch_tui.sources.file import (
    ContentView,
    FileHandle,
    FileIdentity,
    LineCutter,
    RawChunk,
    SourceEvent,
    expand_specs,
    read_chunks,
)
from logwatch_tui.sources.follower import FileFollower

__all__ = [
    "ContentView",
    "FileFollower",
    "FileHandle",
    "FileIdentity",
    "LineCutter",
    "RawChunk",
    "SourceEvent",
    "expand_specs",
    "read_chunks",
]
