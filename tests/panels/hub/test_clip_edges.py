"""Clip helpers at their edges: secrets out of logs, timeouts, joins that fail."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
import os
from pathlib import Path

import pytest

from custom_components.alarmhub.panels.exceptions import (
    AlarmHubRejectedError,
    AlarmHubTimeoutError,
    ErrorCode,
)
from custom_components.alarmhub.panels.hub import AlarmHubClient, SerialTransport
from custom_components.alarmhub.panels.hub.clips import (
    ClipJoinError,
    ClipTicket,
    is_timeout,
    join_clips,
    request_download,
)

START = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)


def test_a_ticket_keeps_its_one_time_path_out_of_logs() -> None:
    """The path is a one-time secret URL: repr shows everything else."""
    ticket = ClipTicket(path="/clips/one-time-7f3a", size=10, start=START, length=30)
    assert "one-time-7f3a" not in repr(ticket)
    assert "size=10" in repr(ticket)


def test_which_errors_are_timeouts() -> None:
    """A recorder's timeout refusal and the client's own timeout; nothing else."""
    assert is_timeout(AlarmHubRejectedError(ErrorCode.TIMEOUT, "recorder slow"))
    assert is_timeout(AlarmHubTimeoutError("no answer"))
    assert not is_timeout(AlarmHubRejectedError(ErrorCode.BUSY, "busy"))


async def test_a_naive_start_is_refused_before_asking() -> None:
    """A start without a time zone never reaches the hub."""
    client = AlarmHubClient(SerialTransport("/dev/null-alarmhub"))
    with pytest.raises(ValueError, match="timezone-aware"):
        await request_download(client, "1", START.replace(tzinfo=None), 30)


async def test_a_piece_with_a_line_break_in_its_path(tmp_path: Path) -> None:
    """ffmpeg's concat listing cannot carry it: refused, ffmpeg never runs."""
    odd = tmp_path / "piece\n1.mp4"
    with pytest.raises(ClipJoinError, match="line break"):
        await join_clips("/usr/bin/ffmpeg", [odd], tmp_path / "out.mp4")


async def test_no_ffmpeg(tmp_path: Path) -> None:
    """An ffmpeg that cannot run is a join error naming it."""
    with pytest.raises(ClipJoinError, match="cannot run"):
        await join_clips(
            str(tmp_path / "no-ffmpeg"), [tmp_path / "a.mp4"], tmp_path / "out.mp4"
        )


async def test_cancelling_a_join_kills_ffmpeg(tmp_path: Path) -> None:
    """The export is cancelled mid-join: the ffmpeg process does not outlive it."""
    pid_file = tmp_path / "pid"
    slow = tmp_path / "slow-ffmpeg"
    slow.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 60\n")
    slow.chmod(0o755)
    task = asyncio.ensure_future(
        join_clips(str(slow), [tmp_path / "a.mp4"], tmp_path / "out.mp4")
    )
    while not pid_file.exists() or not pid_file.read_text().strip():
        await asyncio.sleep(0.01)  # a condition, not a duration: ffmpeg has started
    pid = int(pid_file.read_text())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped
