"""Clips from a hub's Stream Video Recorders: ask, fetch, fall back, join.

A download is two steps: ``clip_download`` makes the recorder cut the clip
and answers with a one-time path on the hub's HTTP port, and the client
streams that file to disk chunk by chunk (:func:`fetch_file`), so memory
stays flat whatever the clip's length. Over a serial line there is no HTTP
port: :class:`~.exceptions.AlarmHubNotSupportedError`.

A recorder on a slow link times out on long clips (the hub answers
``timeout``, or nothing in time). :func:`download_clip` then fetches the rest
of the span in shorter pieces (:func:`~.recorders.fallback_pieces`,
:func:`~.recorders.split_plan`), keeping the pieces it already has; only when
the shortest piece times out does it give up (:class:`ClipTimeoutError`).
:func:`join_clips` joins the pieces with ffmpeg's concat demuxer, by stream
copy (no re-encoding), in one pass: the index stays at the end, where
players find it too.

Nothing here logs or raises the one-time paths: they are keys to a file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Self

from ..exceptions import (
    AlarmHubConnectionError,
    AlarmHubError,
    AlarmHubRejectedError,
    AlarmHubTimeoutError,
)
from ..models import CloudStatus, _get, _required_time
from .file_writer import FileWriter
from .protocol import ErrorCode
from .recorders import fallback_pieces, split_plan

if TYPE_CHECKING:
    from .client import AlarmHubClient

#: The most read from the hub and handed to the disk writer at a time.
CHUNK: Final = 256 * 1024

type Progress = Callable[[float], None]
"""Called with how many seconds of the clip have arrived so far."""


_LOGGER = logging.getLogger(__name__)


class ClipTimeoutError(AlarmHubError):
    """The recorder timed out even on the shortest piece."""

    def __init__(self, piece: int) -> None:
        """Record the length of the piece that timed out last."""
        super().__init__(f"the recorder timed out on a {piece} s piece")
        self.piece = piece


class ClipJoinError(AlarmHubError):
    """ffmpeg could not join (or rewrite) the clip's pieces."""


class ClipTransferCut(AlarmHubConnectionError):
    """A piece's transfer broke off part-way (the hub may well be up)."""

    def __init__(self, received: int, size: int, attempts: int = 1) -> None:
        """Record how far the last try got, and how many tries were cut."""
        super().__init__(f"the clip transfer broke off at {received} of {size} bytes")
        self.received = received
        self.size = size
        self.attempts = attempts


#: Times a piece whose transfer broke off is asked for again.
TRANSFER_RETRIES = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class ClipTicket:
    """A clip the recorder prepared: where to fetch it, and its size."""

    path: str
    size: int
    start: datetime
    length: int

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> Self:
        """Parse ``clip_download``'s answer."""
        return cls(
            path=_get(obj, "path", str),
            size=_get(obj, "size", int),
            start=_required_time(obj, "start"),
            length=_get(obj, "length", int),
        )

    def __repr__(self) -> str:
        """Leave the one-time path out of logs."""
        return f"ClipTicket(size={self.size}, start={self.start}, length={self.length})"


@dataclass(frozen=True, slots=True, kw_only=True)
class UploadedClip:
    """A clip the recorder put in the cloud store."""

    id: str
    camera: str
    start: datetime
    length: int
    size: int

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> Self:
        """Parse the ``clip`` of ``clip_upload``'s answer."""
        return cls(
            id=_get(obj, "id", str),
            camera=_get(obj, "camera", str),
            start=_required_time(obj, "start"),
            length=_get(obj, "length", int),
            size=_get(obj, "size", int),
        )


def is_timeout(err: AlarmHubError) -> bool:
    """Return True when ``err`` says the recorder (or hub) ran out of time."""
    if isinstance(err, AlarmHubRejectedError):
        return err.code == ErrorCode.TIMEOUT
    return isinstance(err, AlarmHubTimeoutError)


def _clip_args(camera: str, start: datetime, length: int) -> dict[str, Any]:
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    return {"camera": camera, "start": start.isoformat(), "length": length}


def can_fetch_files(client: AlarmHubClient) -> bool:
    """Return True when the connection reaches the hub's HTTP port."""
    return client.transport.http_url("/") is not None


async def live_stream_url(client: AlarmHubClient, camera: str) -> str | None:
    """Return the URL of a camera's live view, or None without HTTP."""
    if not can_fetch_files(client):
        return None
    result = await client.request("camera_stream", camera=camera)
    return client.transport.http_url(_get(result, "path", str))


async def upload_clip(
    client: AlarmHubClient, camera: str, start: datetime, length: int
) -> tuple[UploadedClip, CloudStatus]:
    """Have the recorder upload a clip; return it and the store's new status."""
    result = await client.request("clip_upload", **_clip_args(camera, start, length))
    return (
        UploadedClip.from_dict(_get(result, "clip", dict)),
        CloudStatus.from_dict(_get(result, "cloud", dict)),
    )


async def request_download(
    client: AlarmHubClient, camera: str, start: datetime, length: int
) -> ClipTicket:
    """Have the recorder prepare a clip for download."""
    result = await client.request("clip_download", **_clip_args(camera, start, length))
    return ClipTicket.from_dict(result)


async def fetch_file(
    client: AlarmHubClient,
    ticket: ClipTicket,
    dest: Path,
    on_bytes: Callable[[int], None] | None = None,
) -> None:
    """Stream a prepared clip into ``dest``, a chunk at a time.

    The loop receives while a worker thread writes (:class:`.FileWriter`):
    one pass over the file, and memory bounded by what may wait for the disk.

    Raises :class:`ClipTransferCut` when the transfer broke off part-way or
    the file is not the size the hub announced (``AlarmHubConnectionError``
    when it could not start), ``OSError`` when the disk refused it (not a
    broken transfer: never asked for again); ``dest`` may then hold part of it.
    """
    writer = await FileWriter.open(dest)
    try:
        received = await _receive(client, ticket, writer, on_bytes)
    finally:
        await writer.close()  # raises the disk's failure, if any
    if received != ticket.size:
        raise ClipTransferCut(received, ticket.size)


async def _receive(
    client: AlarmHubClient,
    ticket: ClipTicket,
    writer: FileWriter,
    on_bytes: Callable[[int], None] | None,
) -> int:
    """Hand the clip to ``writer`` until it ends or the disk fails; return bytes."""
    received = 0
    started = False
    try:
        async with client.transport.open_http(ticket.path) as response:
            started = True
            async for chunk in response.content.iter_chunked(CHUNK):
                if not await writer.write(chunk):
                    break  # the disk failed (outside open_http: not the hub's)
                received += len(chunk)
                if on_bytes is not None:
                    on_bytes(received)
    except AlarmHubConnectionError as err:
        if started:  # it began, then broke off: not an unreachable hub
            raise ClipTransferCut(received, ticket.size) from err
        raise
    return received


async def download_clip(
    client: AlarmHubClient,
    camera: str,
    start: datetime,
    length: int,
    workdir: Path,
    *,
    on_progress: Progress | None = None,
) -> list[Path]:
    """Fetch ``[start, start + length)`` into ``workdir``; return the pieces.

    Asks for the whole clip first; after a timeout, fetches what is left in
    the next shorter piece length, keeping what arrived. Raises
    :class:`ClipTimeoutError` when the shortest piece times out.
    """
    sizes = (length, *fallback_pieces(length))
    level = 0
    done = 0
    parts: list[Path] = []
    while done < length:
        for piece_start, piece_length in split_plan(
            start + timedelta(seconds=done), length - done, sizes[level]
        ):
            try:
                ticket = await request_download(
                    client, camera, piece_start, piece_length
                )
            except AlarmHubError as err:
                if not is_timeout(err):
                    raise
                if level + 1 == len(sizes):
                    raise ClipTimeoutError(piece_length) from err
                level += 1
                break
            part = workdir / f"part-{len(parts):04d}.mp4"

            report = None
            if on_progress is not None:
                report = _piece_progress(on_progress, done, ticket)
            cuts = 0
            while True:
                try:
                    await fetch_file(client, ticket, part, report)
                    break
                except ClipTransferCut as err:
                    cuts += 1
                    if cuts > TRANSFER_RETRIES or not client.connected:
                        err.attempts = cuts
                        raise
                    _LOGGER.info(
                        "The transfer of a clip piece broke off at %s of %s bytes;"
                        " asking for it again (%s of %s)",
                        err.received,
                        err.size,
                        cuts,
                        TRANSFER_RETRIES,
                    )
                    ticket = await request_download(
                        client, camera, piece_start, piece_length
                    )
            parts.append(part)
            done += piece_length
    return parts


def _piece_progress(
    on_progress: Progress, done: int, ticket: ClipTicket
) -> Callable[[int], None]:
    """Turn bytes of one piece into seconds of the whole clip."""

    def report(received: int) -> None:
        share = min(received / ticket.size, 1.0) if ticket.size else 1.0
        on_progress(done + ticket.length * share)

    return report


def _concat_listing(parts: Sequence[Path]) -> str:
    lines = ["ffconcat version 1.0"]
    for part in parts:
        path = str(part.resolve())
        if "\n" in path or "\r" in path:
            raise ClipJoinError("a piece's path has a line break")
        quoted = path.replace("'", "'\\''")
        lines.append(f"file '{quoted}'")
    return "\n".join(lines) + "\n"


async def join_clips(ffmpeg: str, parts: Sequence[Path], dest: Path) -> None:
    """Join ``parts`` (one or more) into the MP4 ``dest``: stream copy, one pass.

    ``dest`` should be a temporary name the caller renames when this returns;
    on failure it may hold part of the output. The ffmpeg process is killed
    when the calling task is cancelled.
    """
    if not parts:
        raise ValueError("nothing to join")
    listing = dest.with_name(dest.name + ".ffconcat")
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, listing.write_text, _concat_listing(parts))
    command = (
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-xerror",
        "-y",
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        str(listing),
        "-map",
        "0",
        "-c",
        "copy",
        "-f",
        "mp4",
        str(dest),
    )
    try:
        try:
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as err:
            raise ClipJoinError(f"cannot run {ffmpeg!r}: {err.strerror}") from err
        try:
            _, stderr = await process.communicate()
        except BaseException:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
            raise
        if process.returncode:
            lines = stderr.decode(errors="replace").strip().splitlines()
            last = lines[-1] if lines else f"exit status {process.returncode}"
            raise ClipJoinError(f"ffmpeg could not join the clip: {last[:200]}")
    finally:
        await loop.run_in_executor(None, listing.unlink, True)
