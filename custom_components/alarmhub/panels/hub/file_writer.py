"""Write a download to disk in a worker thread while the event loop receives it.

Writing each received chunk with its own executor job costs a thread hand-off
per chunk (a 440 MiB clip arrives in ~7,000 of them), and the event loop waits
for every write before it reads on. :class:`FileWriter` runs one executor job
for the whole file instead: the loop queues chunks and goes back to the
socket, the worker writes whatever has queued up and tells the loop once per
batch how much it wrote. Chunks are handed over :data:`BATCH` bytes at a time
(the worker wakes ~440 times for a 440 MiB clip, not 7,000), and at most
:data:`MAX_QUEUED` bytes wait in the queue; past that the loop stops reading
(so the hub's sending slows down to the disk's pace, and memory stays
bounded).

A write that fails (a full disk) stops the worker, which drops what is still
queued; :meth:`write` answers False from then on and :meth:`close` raises the
failure. (The caller is inside an HTTP response whose context manager takes
any ``OSError`` for the connection's: the disk's failure must come out after.)
"""

from __future__ import annotations

import asyncio
from pathlib import Path
import queue
from typing import BinaryIO, Final

#: Bytes the loop gathers before it hands them to the worker (one wake-up).
BATCH: Final = 1024 * 1024
#: Bytes handed over that may wait for the disk before the loop stops reading.
MAX_QUEUED: Final = 2 * 1024 * 1024


class FileWriter:
    """A file written by one worker thread from chunks the loop hands it."""

    def __init__(self, file: BinaryIO) -> None:
        """Start writing into ``file`` (open for binary writing; closed at the end)."""
        self._loop = asyncio.get_running_loop()
        self._file = file
        self._queue: queue.SimpleQueue[list[bytes] | None] = queue.SimpleQueue()
        self._batch: list[bytes] = []
        self._batched = 0
        self._queued = 0
        self._room = asyncio.Event()
        self._room.set()
        self._error: OSError | None = None
        self._job = self._loop.run_in_executor(None, self._run)

    @classmethod
    async def open(cls, path: Path) -> FileWriter:
        """Create (or truncate) ``path`` and start writing into it."""
        file = await asyncio.get_running_loop().run_in_executor(None, path.open, "wb")
        return cls(file)

    async def write(self, chunk: bytes) -> bool:
        """Take ``chunk``; wait while too much is still waiting for the disk.

        Return False, dropping ``chunk``, once a write has failed.
        """
        if self._error is not None:
            return False
        self._batch.append(chunk)
        self._batched += len(chunk)
        if self._batched >= BATCH:
            self._hand_over()
            if self._queued > MAX_QUEUED:
                self._room.clear()
                await self._room.wait()
        return True

    async def close(self) -> None:
        """Write what is left, close the file; raise a write's failure."""
        if self._batch:
            self._hand_over()
        self._queue.put(None)
        await self._job
        if self._error is not None:
            raise self._error

    def _hand_over(self) -> None:
        self._queue.put(self._batch)
        self._queued += self._batched
        self._batch = []
        self._batched = 0

    def _written(self, size: int) -> None:
        """Count ``size`` bytes off the queue (on the loop)."""
        self._queued -= size
        if self._queued <= MAX_QUEUED:
            self._room.set()

    def _run(self) -> None:
        """Write handed-over batches until the end mark (in the worker thread)."""
        with self._file:
            while True:
                batches = [self._queue.get()]
                while not self._queue.empty():
                    batches.append(self._queue.get())
                chunks = [chunk for batch in batches if batch for chunk in batch]
                if self._error is None:
                    try:
                        for chunk in chunks:
                            self._file.write(chunk)
                    except OSError as err:
                        self._error = err
                self._loop.call_soon_threadsafe(self._written, sum(map(len, chunks)))
                if batches[-1] is None:
                    return
