"""The serial line to a hub: the link layer, or one framed payload each.

A hub with the link layer (``link.py``) gets every payload in small
acknowledged fragments, resent when noise damages them; a hub without it
(an old peer) one CRC-checked frame per payload, as before.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterator
import contextlib
import logging

import serialx

from ..exceptions import AlarmHubConnectionError
from ..serial_secrets import HIDE_BYTES
from .link import (
    START_TIMEOUT,
    START_TRIES,
    Link,
    LinkDecoder,
    LinkFrame,
    LinkLost,
    start_link,
)
from .protocol import MAX_PAYLOAD, SERIAL_BAUDRATE, FrameDecoder, frame
from .transports import CONNECT_TIMEOUT, Transport

_LOGGER = logging.getLogger(__name__)

#: A line quiet this long in the middle of a frame has lost the frame's tail.
FRAME_GAP_TIMEOUT = 0.5


class SerialTransport(Transport):
    """Protocol payloads on a serial line (8N1): link layer, or one frame each.

    A hub with the link layer (``link.py``) gets every payload in small
    acknowledged fragments, resent when noise damages them; a hub without
    it, in one CRC-checked frame per payload as before.
    """

    lossy = True

    def __init__(self, url: str, baudrate: int = SERIAL_BAUDRATE) -> None:
        """Prepare a serial port: a device path or a serialx URL.

        ``socket://host:port`` reaches a hub behind a serial-to-network bridge.
        """
        self._url = url
        self._baudrate = baudrate
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._decoder = FrameDecoder()
        self._ready: deque[bytes] = deque()
        self._hiding = False
        self._link: Link | None = None
        self._link_decoder = LinkDecoder()
        self._heard = 0.0  # when the line last delivered bytes (loop time)
        #: Link starts tried at :meth:`open` before taking the hub for an old one.
        self.link_start_tries = START_TRIES
        self.link_start_timeout = START_TIMEOUT

    @property
    def description(self) -> str:
        """Return the port."""
        return self._url

    @property
    def link(self) -> Link | None:
        """Return the link layer in use (None: an old hub, one frame a payload)."""
        return self._link

    @property
    def receiving(self) -> bool:
        """Return True while part of a message has arrived over the link."""
        return self._link is not None and self._link.receiving

    @property
    def dropped_frames(self) -> int:
        """Return how many damaged frames were skipped."""
        return self._decoder.dropped + self._link_decoder.dropped

    async def open(self) -> None:
        """Open the serial port and start the link layer if the hub has it."""
        self._decoder = FrameDecoder()
        self._link, self._link_decoder = None, LinkDecoder()
        self._ready.clear()
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                self._reader, self._writer = await serialx.open_serial_connection(
                    self._url, baudrate=self._baudrate
                )
        except (serialx.SerialException, OSError, TimeoutError, ValueError) as err:
            raise AlarmHubConnectionError(f"cannot open {self._url}") from err
        if not self._hiding:
            self._hiding = True
            HIDE_BYTES.open_ports += 1
        link, decoder, heard = await start_link(
            self._reader,
            self._writer,
            tries=self.link_start_tries,
            wait=self.link_start_timeout,
        )
        if link is None:
            _LOGGER.debug("No link layer on %s: one frame a message", self._url)
            self._ready.extend(self._decoder.feed(heard))
        else:
            link.max_message = MAX_PAYLOAD
            self._link, self._link_decoder = link, decoder

    async def send(self, payload: bytes) -> None:
        """Write a payload: as link fragments, or framed for an old hub."""
        if self._writer is None or self._writer.is_closing():
            raise AlarmHubConnectionError("not connected")
        link = self._link
        if link is None:
            data = frame(payload)
        else:
            loop = asyncio.get_running_loop()
            data = b"".join(link.send(payload, loop.time()))
        await self._write(data)

    async def _write(self, data: bytes) -> None:
        assert self._writer is not None
        try:
            self._writer.write(data)
            await self._writer.drain()
        except (OSError, serialx.SerialException) as err:
            raise AlarmHubConnectionError("serial write failed") from err

    async def receive(self) -> bytes:
        """Return the next intact payload, skipping damaged frames."""
        if self._reader is None:
            raise AlarmHubConnectionError("not connected")
        if self._link is not None:
            return await self._receive_linked(self._link)
        while not self._ready:
            try:
                async with asyncio.timeout(
                    FRAME_GAP_TIMEOUT if self._decoder.pending else None
                ):
                    data = await self._read()
            except TimeoutError:
                # Without this a frame whose tail was lost would hold the
                # next answer hostage until enough other bytes arrived.
                self._ready.extend(self._deliver(self._decoder.expire()))
                continue
            self._ready.extend(self._deliver(self._decoder.feed(data)))
        return self._ready.popleft()

    async def _read(self) -> bytes:
        assert self._reader is not None
        try:
            data = await self._reader.read(4096)
        except ConnectionResetError as err:  # a bridge that hung up on us
            raise AlarmHubConnectionError("serial port closed") from err
        except (OSError, serialx.SerialException) as err:
            raise AlarmHubConnectionError("serial read failed") from err
        if not data:
            raise AlarmHubConnectionError("serial port closed")
        return data

    async def _receive_linked(self, link: Link) -> bytes:
        """Read until the link has a whole message; ack and resend meanwhile."""
        loop = asyncio.get_running_loop()
        decoder = self._link_decoder
        while not link.messages:
            waits = [link.deadline()]
            if decoder.pending:
                waits.append(self._heard + FRAME_GAP_TIMEOUT)
            until = min((w for w in waits if w is not None), default=None)
            frames: Iterator[LinkFrame] = iter(())
            try:
                async with asyncio.timeout_at(until):
                    data = await self._read()
            except TimeoutError:
                if decoder.pending and loop.time() >= self._heard + FRAME_GAP_TIMEOUT:
                    frames = decoder.expire()  # the tail of a frame was lost
            else:
                self._heard = loop.time()
                frames = decoder.feed(data)
            lost = link.lost_messages
            try:
                out = link.absorb(frames, loop.time())
            except LinkLost as err:
                raise AlarmHubConnectionError(str(err)) from err
            if out:
                await self._write(out)
            if link.lost_messages > lost and self.on_damage is not None:
                self.on_damage()  # a whole message failed its CRC-32
        return link.messages.popleft()

    def _deliver(self, payloads: Iterator[bytes]) -> list[bytes]:
        """Return the decoded payloads; say so if a frame was damaged."""
        dropped = self._decoder.dropped
        ready = list(payloads)
        if self._decoder.dropped > dropped and self.on_damage is not None:
            self.on_damage()
        return ready

    async def close(self) -> None:
        """Close the port."""
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError, serialx.SerialException):
                await self._writer.wait_closed()
            self._writer = None
            self._reader = None
        if self._hiding:
            self._hiding = False
            HIDE_BYTES.open_ports -= 1
