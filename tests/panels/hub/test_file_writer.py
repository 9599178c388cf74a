"""The download writer: chunks in order, a bounded queue, a full disk said at close.

The files are real, and so is the full disk: ``/dev/full`` refuses every
write with ``ENOSPC``, as a disk with no room left does.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from custom_components.alarmhub.panels.hub.file_writer import MAX_QUEUED, FileWriter

FULL = Path("/dev/full")


async def test_chunks_arrive_whole_and_in_order(tmp_path: Path) -> None:
    """Chunks past the queue's bound wait for the disk, and all of them land."""
    chunks = [bytes([n]) * size for n, size in enumerate((1, MAX_QUEUED + 1, 7) * 3)]
    dest = tmp_path / "clip.mp4"
    writer = await FileWriter.open(dest)
    for chunk in chunks:
        assert await writer.write(chunk)
    await writer.close()
    assert dest.read_bytes() == b"".join(chunks)


async def test_a_full_disk_refuses_the_next_write() -> None:
    """A chunk past the bound waits for its write, so the next one hears of it."""
    writer = await FileWriter.open(FULL)
    assert await writer.write(b"x" * (MAX_QUEUED + 1))  # waits for the worker
    assert not await writer.write(b"more")
    with pytest.raises(OSError) as err:
        await writer.close()
    assert err.value.errno == errno.ENOSPC


async def test_a_full_disk_fails_the_close() -> None:
    """A small write returns at once; its failure comes out of close."""
    writer = await FileWriter.open(FULL)
    assert await writer.write(b"x" * 1024)
    with pytest.raises(OSError) as err:
        await writer.close()
    assert err.value.errno == errno.ENOSPC
