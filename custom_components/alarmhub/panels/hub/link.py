"""The serial link layer: small CRC-checked fragments, acknowledged and resent.

A serial line with 1 % byte noise damages about one frame in four hundred
bytes; a 2.3 kB state sent as one frame would almost never arrive whole. The
link layer cuts every message into fragments of at most :data:`FRAGMENT`
bytes, each in its own CRC-checked link frame, and resends those the other
end did not acknowledge (selective repeat: only the lost ones). A message
also carries a CRC-32 of its own bytes, so a fragment that slipped through
its CRC-16 still cannot produce a wrong message. Described, with golden
frames, in ``docs/protocol.md`` ("Serial link layer").

:class:`Link` knows nothing of I/O: it takes the frames read from the line
and the time, and returns the bytes to write; the serial transport does the
reading and writing (and :func:`start_link` the opening handshake). The
simulator (the reference hub) has its own implementation,
``simulator/serial_link.py``; nothing is shared with it.
"""

from __future__ import annotations

import asyncio
import binascii
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
import struct
from typing import Final, NamedTuple

SOH: Final = 0x01
#: Link frame kinds (one ASCII letter each).
START: Final = ord("S")  # client: start a new link (payload: version)
STARTED: Final = ord("s")  # hub: link started (payload: version)
DATA: Final = ord("D")  # a fragment; more of the message follows
END: Final = ord("E")  # the message's last fragment
ACK: Final = ord("A")  # seq: next expected; payload: u32 bitmap of seq+1...
RESET: Final = ord("R")  # "I know no link": start again
KINDS: Final = frozenset({START, STARTED, DATA, END, ACK, RESET})

LINK_VERSION: Final = 1
#: Largest fragment payload: at 1 % byte noise about two in three
#: 39-byte frames arrive intact, the best payload per byte of line.
FRAGMENT: Final = 32
#: Fragments in flight (sequence numbers are one byte; selective repeat).
WINDOW: Final = 32
#: SOH, kind, seq, length, length XOR 0xFF.
HEAD: Final = struct.Struct(">BBBBB")
CRC: Final = struct.Struct(">H")
MESSAGE_CRC: Final = struct.Struct(">I")
OVERHEAD: Final = HEAD.size + CRC.size


class LinkLost(Exception):
    """The other end stopped acknowledging, or no longer knows the link."""


class LinkFrame(NamedTuple):
    """One intact link frame."""

    kind: int
    seq: int
    payload: bytes


def crc16(data: bytes) -> int:
    """Return CRC-16/CCITT-FALSE of ``data``."""
    return binascii.crc_hqx(data, 0xFFFF)


def link_frame(kind: int, seq: int, payload: bytes = b"") -> bytes:
    """Return one link frame: SOH kind seq len ~len payload CRC-16."""
    body = HEAD.pack(SOH, kind, seq & 0xFF, len(payload), len(payload) ^ 0xFF)
    body += payload
    return body + CRC.pack(crc16(body[1:]))


def fragments(message: bytes) -> list[tuple[int, bytes]]:
    """Return the (kind, payload) fragments of a message and its CRC-32."""
    data = message + MESSAGE_CRC.pack(binascii.crc32(message))
    chunks = [data[i : i + FRAGMENT] for i in range(0, len(data), FRAGMENT)]
    return [(DATA, chunk) for chunk in chunks[:-1]] + [(END, chunks[-1])]


@dataclass(slots=True)
class LinkDecoder:
    """Find intact link frames in the bytes a line delivered."""

    dropped: int = 0
    _buffer: bytearray = field(default_factory=bytearray)

    @property
    def pending(self) -> int:
        """Return how many bytes wait for the rest of a frame."""
        return len(self._buffer)

    def expire(self) -> Iterator[LinkFrame]:
        """Give up on a stalled partial frame; yield what the rest holds."""
        if self._buffer:
            del self._buffer[:1]
            self.dropped += 1
        yield from self.feed(b"")

    def feed(self, data: bytes) -> Iterator[LinkFrame]:
        """Add bytes and yield the frames they complete, skipping damage."""
        buf = self._buffer
        buf += data
        while True:
            start = buf.find(SOH)
            if start < 0:
                buf.clear()
                return
            if start:
                del buf[:start]
            if len(buf) < HEAD.size:
                return
            _, kind, seq, length, check = HEAD.unpack_from(buf)
            if length ^ check != 0xFF or length > FRAGMENT or kind not in KINDS:
                del buf[:1]
                self.dropped += 1
                continue
            end = HEAD.size + length
            if len(buf) < end + CRC.size:
                return
            if CRC.unpack_from(buf, end)[0] != crc16(bytes(buf[1:end])):
                del buf[:1]
                self.dropped += 1
                continue
            payload = bytes(buf[HEAD.size : end])
            del buf[: end + CRC.size]
            yield LinkFrame(kind, seq, payload)


@dataclass(slots=True)
class _Sent:
    """A fragment in flight."""

    frame: bytes
    order: int
    sent_at: float


class Link:
    """Both directions of one started link, without I/O.

    Sending: :meth:`send` queues a message's fragments and returns the frames
    the window lets out now. Every frame read goes to :meth:`receive`, which
    returns frames to write (fragments resent, new ones the window let out)
    and collects whole messages in :attr:`messages`. :meth:`ack` returns the
    acknowledgement owed, :meth:`expire` resends what timed out.
    """

    #: Resend a fragment unacknowledged this long (s); it doubles per resend
    #: of the oldest fragment, up to :attr:`max_rto`.
    rto = 0.1
    max_rto = 0.3
    #: No acknowledgement for this long while fragments wait: the link is lost.
    lost_after = 10.0

    def __init__(self) -> None:
        """Start with sequence numbers 0 both ways."""
        self.messages: deque[bytes] = deque()
        #: Messages whose CRC-32 failed or that grew too big (never delivered).
        self.lost_messages = 0
        self.resent = 0
        self._next = 0  # next sequence number to send
        self._base = 0  # oldest unacknowledged
        self._flight: dict[int, _Sent] = {}
        self._queue: deque[tuple[int, bytes]] = deque()
        self._order = 0
        self._progress: float | None = None
        self._backoff = 0
        self._expected = 0  # next in-order sequence number to receive
        self._early: dict[int, LinkFrame] = {}
        self._message = bytearray()
        self._too_big = False
        self._ack_due = False
        #: Largest message accepted (longer ones are dropped as they arrive).
        self.max_message = 256 * 1024

    @property
    def receiving(self) -> bool:
        """Return True while part of a message has arrived."""
        return bool(self._message or self._early)

    @property
    def idle(self) -> bool:
        """Return True when everything sent was acknowledged."""
        return not self._flight and not self._queue

    def send(self, message: bytes, now: float) -> list[bytes]:
        """Queue a message; return the frames to write now."""
        self._queue.extend(fragments(message))
        return self._fill(now)

    def _fill(self, now: float) -> list[bytes]:
        out: list[bytes] = []
        while self._queue and (self._next - self._base) & 0xFF < WINDOW:
            kind, payload = self._queue.popleft()
            frame = link_frame(kind, self._next, payload)
            if not self._flight:
                self._progress = now
            self._flight[self._next] = _Sent(frame, self._tick(), now)
            self._next = (self._next + 1) & 0xFF
            out.append(frame)
        return out

    def _tick(self) -> int:
        self._order += 1
        return self._order

    def receive(self, frame: LinkFrame, now: float) -> list[bytes]:
        """Take one intact frame from the line; return frames to write."""
        if frame.kind == RESET:
            raise LinkLost("the hub no longer knows the link")
        if frame.kind == ACK and len(frame.payload) == MESSAGE_CRC.size:
            return self._acked(frame.seq, MESSAGE_CRC.unpack(frame.payload)[0], now)
        if frame.kind in (DATA, END):
            self._data(frame)
        return []

    def absorb(self, frames: Iterable[LinkFrame], now: float) -> bytes:
        """Take the frames read (maybe none); return everything to write.

        The acknowledgement owed comes first, then fragments resent and new
        ones the window let out. Raises :class:`LinkLost`.
        """
        out: list[bytes] = []
        for frame in frames:
            out += self.receive(frame, now)
        out += self.expire(now)
        if (ack := self.ack()) is not None:
            out.insert(0, ack)
        return b"".join(out)

    def _acked(self, cum: int, bitmap: int, now: float) -> list[bytes]:
        outstanding = (self._next - self._base) & 0xFF
        if (cum - self._base) & 0xFF > outstanding:
            return []  # not about anything in flight: stale
        acked = [(self._base + i) & 0xFF for i in range((cum - self._base) & 0xFF)]
        acked += [(cum + 1 + i) & 0xFF for i in range(WINDOW) if bitmap >> i & 1]
        newest = 0
        for seq in acked:
            if (sent := self._flight.pop(seq, None)) is not None:
                newest = max(newest, sent.order)
        self._base = cum
        while self._base != self._next and self._base not in self._flight:
            self._base = (self._base + 1) & 0xFF
        out: list[bytes] = []
        if newest:
            self._progress, self._backoff = now, 0
            # A line never reorders: a fragment sent before one that arrived,
            # and not acknowledged with it, was lost. Resend it at once.
            for sent in self._flight.values():
                if sent.order < newest:
                    out.append(self._resend(sent, now))
        return out + self._fill(now)

    def _resend(self, sent: _Sent, now: float) -> bytes:
        sent.order, sent.sent_at = self._tick(), now
        self.resent += 1
        return sent.frame

    def _data(self, frame: LinkFrame) -> None:
        self._ack_due = True
        if (frame.seq - self._expected) & 0xFF >= WINDOW:
            return  # a copy of one delivered already (its ack was lost)
        self._early[frame.seq] = frame
        while (next_frame := self._early.pop(self._expected, None)) is not None:
            self._expected = (self._expected + 1) & 0xFF
            if not self._too_big:
                self._message += next_frame.payload
            if len(self._message) > self.max_message + MESSAGE_CRC.size:
                self._too_big, self._message = True, bytearray()
            if next_frame.kind == END:
                self._deliver()

    def _deliver(self) -> None:
        data, self._message = bytes(self._message), bytearray()
        too_big, self._too_big = self._too_big, False
        body, tail = data[: -MESSAGE_CRC.size], data[-MESSAGE_CRC.size :]
        if (
            not too_big
            and len(tail) == MESSAGE_CRC.size
            and MESSAGE_CRC.unpack(tail)[0] == binascii.crc32(body)
        ):
            self.messages.append(body)
        else:
            self.lost_messages += 1

    def ack(self) -> bytes | None:
        """Return the acknowledgement owed for data received, if any."""
        if not self._ack_due:
            return None
        self._ack_due = False
        bitmap = 0
        for i in range(WINDOW):
            if (self._expected + 1 + i) & 0xFF in self._early:
                bitmap |= 1 << i
        return link_frame(ACK, self._expected, MESSAGE_CRC.pack(bitmap))

    def deadline(self) -> float | None:
        """Return when :meth:`expire` has something to do (None: nothing)."""
        if not self._flight:
            return None
        return min(self._flight.values(), key=_order).sent_at + self._timeout()

    def _timeout(self) -> float:
        return float(min(self.rto * 2**self._backoff, self.max_rto))

    def expire(self, now: float) -> list[bytes]:
        """Resend the oldest fragment if unacknowledged too long; raise once lost.

        Only the oldest: its acknowledgement tells which of the others were
        lost (they are resent at once then), while a late acknowledgement
        (a busy peer) costs one fragment's line time, not the whole window's.
        """
        if not self._flight:
            return []
        assert self._progress is not None
        if now - self._progress >= self.lost_after:
            raise LinkLost("no acknowledgement from the hub")
        oldest = min(self._flight.values(), key=_order)
        if oldest.sent_at + self._timeout() > now:
            return []
        self._backoff += 1
        return [self._resend(oldest, now)]


def _order(sent: _Sent) -> int:
    return sent.order


#: Link starts tried, and how long each waits for the hub's answer, before
#: the client takes the hub for one without the link layer.
START_TRIES = 5
START_TIMEOUT = 0.25


async def start_link(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    *,
    tries: int = START_TRIES,
    wait: float = START_TIMEOUT,
) -> tuple[Link | None, LinkDecoder, bytes]:
    """Start a link over an open line; return it, its decoder and the bytes read.

    The link is None when the hub did not answer; the bytes read meanwhile
    are then for today's framing.

    A hub without the link layer ignores the start frame (its own framing
    begins with STX, never SOH), so after ``tries`` unanswered starts the
    caller speaks today's framing instead (each try waits ``wait`` seconds).
    A start and its answer are 8 bytes each: at 1 % byte noise five tries
    all go unanswered about once in 14,000 connects. A line that fails or
    closes meanwhile is left for today's framing to find out.
    """
    loop = asyncio.get_running_loop()
    decoder = LinkDecoder()
    heard = bytearray()
    hello = bytes([LINK_VERSION])
    for _ in range(tries):
        try:
            writer.write(link_frame(START, 0, hello))
            await writer.drain()
        except OSError:
            break
        until = loop.time() + wait
        while (left := until - loop.time()) > 0:
            try:
                async with asyncio.timeout(left):
                    data = await reader.read(4096)
            except TimeoutError:
                break
            except OSError:
                return None, decoder, bytes(heard)
            if not data:
                return None, decoder, bytes(heard)
            heard += data
            for frame in decoder.feed(data):
                if frame.kind == STARTED and frame.payload == hello:
                    return Link(), decoder, b""
    return None, decoder, bytes(heard)
