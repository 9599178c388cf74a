"""The hub's end of its serial line: one frame a message, or the link layer.

The reference implementation of the serial link layer in docs/protocol.md
("Serial link layer"), written apart from the client's
(``custom_components/alarmhub/panels/hub/link.py``): the two meet only on the
wire, so a mistake in one is not silently shared by the other.

A line starts in today's framing (one CRC-checked frame per message, parsed
by the protocol module as before). A client's link start (``S``) switches it
to the link layer: every message is cut into fragments of at most 32 bytes,
each acknowledged by the client and resent until it is. A frame in today's
framing from the client switches back (a client that gave up on the link
start, or one without the link layer). A hub made without the link layer
(``link=False``) ignores link frames entirely: the old peer.

One task writes everything, one frame at a time, so frames never interleave
on a paced line; acknowledgements go first. Timers run on real time: they
are the line's physics, like the pacing, not the hub's behaviour.
"""

from __future__ import annotations

import asyncio
import binascii
from collections import deque
from collections.abc import Awaitable, Callable
import contextlib
from dataclasses import dataclass
import logging
import struct

from custom_components.alarmhub.panels.hub.protocol import (
    MAX_PAYLOAD,
    FrameDecoder,
    frame,
)

_LOGGER = logging.getLogger(__name__)

SOH = 0x01
FRAGMENT = 32
WINDOW = 32
VERSION = 1
#: Resend after this long unacknowledged (s), doubling up to MAX_RTO.
RTO = 0.1
MAX_RTO = 0.3
#: Nothing acknowledged for this long while fragments wait: the client is gone.
LOST_AFTER = 10.0
_HEAD = struct.Struct(">BBBBB")
_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")


def link_frame(kind: str, seq: int, payload: bytes = b"") -> bytes:
    """Return a link frame: SOH, kind, seq, length, ~length, payload, CRC-16."""
    head = _HEAD.pack(SOH, ord(kind), seq & 0xFF, len(payload), len(payload) ^ 0xFF)
    body = head + payload
    return body + _U16.pack(binascii.crc_hqx(body[1:], 0xFFFF))


def wire_bytes(payload: int) -> int:
    """Return the bytes a message of ``payload`` bytes takes on the link."""
    data = payload + _U32.size
    return data + -(-data // FRAGMENT) * (_HEAD.size + _U16.size)


@dataclass(slots=True)
class _Flight:
    frame: bytes
    order: int = 0
    sent_at: float | None = None  # None: waiting to be (re)written


class HubLine:
    """The hub's end of one serial line."""

    def __init__(
        self,
        write: Callable[[bytes], Awaitable[None]],
        deliver: Callable[[bytes], None],
        *,
        link: bool = True,
    ) -> None:
        """Write with ``write``; hand every message received to ``deliver``."""
        self._write = write
        self._deliver = deliver
        self.supports_link = link
        self.linked = False
        self._legacy = FrameDecoder()
        self._scan = bytearray()
        #: Damaged link frames skipped; fragments resent; messages received.
        self.dropped = 0
        self.resent = 0
        self.messages = 0
        self._control: deque[bytes] = deque()
        self._wake = asyncio.Event()
        self._reset_link()
        self._task = asyncio.create_task(self._run(), name="simulator serial line")

    @property
    def legacy_dropped(self) -> int:
        """Return how many damaged frames of today's framing were skipped."""
        return self._legacy.dropped

    def _reset_link(self) -> None:
        self._next = self._base = self._expected = 0
        self._flight: dict[int, _Flight] = {}
        self._queue: deque[tuple[str, bytes]] = deque()
        self._resend: deque[int] = deque()
        self._early: dict[int, tuple[str, bytes]] = {}
        self._message = bytearray()
        self._too_big = False
        self._ack_due = False
        self._order = 0
        self._backoff = 0
        self._progress = 0.0

    def close(self) -> None:
        """Stop writing."""
        self._task.cancel()

    # ----- sending -------------------------------------------------------

    async def send(self, payload: bytes) -> None:
        """Send one message in the line's current framing."""
        if self.linked:
            data = payload + _U32.pack(binascii.crc32(payload))
            chunks = [data[i : i + FRAGMENT] for i in range(0, len(data), FRAGMENT)]
            self._queue.extend(("D", chunk) for chunk in chunks[:-1])
            self._queue.append(("E", chunks[-1]))
        else:
            self._control.append(frame(payload))
        self._wake.set()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            picked = self._pick()
            if picked is None:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout_at(self._deadline()):
                        await self._wake.wait()
                self._expire(loop.time())
                continue
            data, flight = picked
            await self._write(data)
            if flight is not None:
                flight.sent_at = loop.time()

    def _pick(self) -> tuple[bytes, _Flight | None] | None:
        if self._control:
            return self._control.popleft(), None
        if self._ack_due:
            self._ack_due = False
            bitmap = sum(
                1 << i
                for i in range(WINDOW)
                if (self._expected + 1 + i) & 0xFF in self._early
            )
            return link_frame("A", self._expected, _U32.pack(bitmap)), None
        while self._resend:
            flight = self._flight.get(self._resend.popleft())
            if flight is not None and flight.sent_at is None:
                self.resent += 1
                return self._stamp(flight)
        if self._queue and (self._next - self._base) & 0xFF < WINDOW:
            kind, chunk = self._queue.popleft()
            if not self._flight:
                self._progress = asyncio.get_running_loop().time()
            flight = _Flight(link_frame(kind, self._next, chunk))
            self._flight[self._next] = flight
            self._next = (self._next + 1) & 0xFF
            return self._stamp(flight)
        return None

    def _stamp(self, flight: _Flight) -> tuple[bytes, _Flight]:
        self._order += 1
        flight.order, flight.sent_at = self._order, None
        return flight.frame, flight

    def _timeout(self) -> float:
        return float(min(RTO * 2**self._backoff, MAX_RTO))

    def _oldest(self) -> _Flight | None:
        """Return the fragment sent longest ago and not acknowledged since."""
        sent = [f for f in self._flight.values() if f.sent_at is not None]
        return min(sent, key=lambda f: f.order) if sent else None

    def _deadline(self) -> float | None:
        oldest = self._oldest()
        if oldest is None or oldest.sent_at is None:
            return None
        return oldest.sent_at + self._timeout()

    def _expire(self, now: float) -> None:
        if not self._flight:
            return
        if now - self._progress >= LOST_AFTER:
            _LOGGER.debug("Serial link: nothing acknowledged; the client is gone")
            self.linked = False
            self._reset_link()
            return
        # Only the oldest: its ack tells which others were lost (resent then),
        # and a client slow to ack costs one fragment's line time, no more.
        oldest = self._oldest()
        if oldest is None or oldest.sent_at is None:
            return
        if oldest.sent_at + self._timeout() <= now:
            self._backoff += 1
            oldest.sent_at = None
            seq = next(s for s, f in self._flight.items() if f is oldest)
            self._resend.append(seq)
            self._wake.set()

    # ----- receiving -----------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Take the bytes the line delivered."""
        for payload in self._legacy.feed(data):
            if self.linked:
                _LOGGER.debug("Serial link: the client speaks one frame a message")
                self.linked = False
                self._reset_link()
            self._deliver(payload)
        if self.supports_link:
            self._scan += data
            for kind, seq, payload in self._frames():
                self._on_frame(kind, seq, payload)

    def _frames(self) -> list[tuple[str, int, bytes]]:
        buf = self._scan
        found: list[tuple[str, int, bytes]] = []
        while (start := buf.find(SOH)) >= 0:
            del buf[:start]
            if len(buf) < _HEAD.size:
                return found
            _, kind, seq, length, check = _HEAD.unpack_from(buf)
            if length ^ check != 0xFF or length > FRAGMENT:
                del buf[:1]
                self.dropped += 1
                continue
            end = _HEAD.size + length
            if len(buf) < end + _U16.size:
                return found
            if _U16.unpack_from(buf, end)[0] != binascii.crc_hqx(buf[1:end], 0xFFFF):
                del buf[:1]
                self.dropped += 1
                continue
            found.append((chr(kind), seq, bytes(buf[_HEAD.size : end])))
            del buf[: end + _U16.size]
        buf.clear()
        return found

    def _on_frame(self, kind: str, seq: int, payload: bytes) -> None:
        if kind == "S":
            if payload == bytes([VERSION]):
                self._control.clear()
                self._reset_link()
                self.linked = True
                self._control.append(link_frame("s", 0, payload))
                self._wake.set()
        elif not self.linked:
            if kind in "DEA":
                self._control.append(link_frame("R", 0))  # "I know no link"
                self._wake.set()
        elif kind in "DE":
            self._on_data(kind, seq, payload)
        elif kind == "A" and len(payload) == _U32.size:
            self._on_ack(seq, _U32.unpack(payload)[0])

    def _on_data(self, kind: str, seq: int, payload: bytes) -> None:
        self._ack_due = True
        self._wake.set()
        if (seq - self._expected) & 0xFF >= WINDOW:
            return  # a copy of one received already
        self._early[seq] = (kind, payload)
        while (got := self._early.pop(self._expected, None)) is not None:
            self._expected = (self._expected + 1) & 0xFF
            if not self._too_big:
                self._message += got[1]
            if len(self._message) > MAX_PAYLOAD + _U32.size:
                self._too_big, self._message = True, bytearray()
            if got[0] == "E":
                data, self._message = bytes(self._message), bytearray()
                body, crc = data[:-4], data[-4:]
                too_big, self._too_big = self._too_big, False
                if too_big:
                    _LOGGER.debug("Serial link: a message beyond the maximum size")
                elif len(crc) == 4 and _U32.unpack(crc)[0] == binascii.crc32(body):
                    self.messages += 1
                    self._deliver(body)
                else:
                    _LOGGER.debug("Serial link: a message failed its CRC-32")

    def _on_ack(self, cum: int, bitmap: int) -> None:
        if (cum - self._base) & 0xFF > (self._next - self._base) & 0xFF:
            return  # stale
        seqs = [(self._base + i) & 0xFF for i in range((cum - self._base) & 0xFF)]
        seqs += [(cum + 1 + i) & 0xFF for i in range(WINDOW) if bitmap >> i & 1]
        newest = 0
        for seq in seqs:
            if (flight := self._flight.pop(seq, None)) is not None:
                newest = max(newest, flight.order)
        self._base = cum
        while self._base != self._next and self._base not in self._flight:
            self._base = (self._base + 1) & 0xFF
        if newest:
            self._progress = asyncio.get_running_loop().time()
            self._backoff = 0
            # The line keeps order: sent before one that arrived, and not
            # acknowledged with it, means lost.
            for seq, flight in sorted(self._flight.items(), key=lambda i: i[1].order):
                if flight.sent_at is not None and flight.order < newest:
                    flight.sent_at = None
                    self._resend.append(seq)
        self._wake.set()
