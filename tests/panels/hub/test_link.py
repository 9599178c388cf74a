"""The serial link layer, client side, without I/O: golden frames and rules.

Two :class:`Link` ends pass frames to each other through a lossy "line" (a
list the test filters), so every rule of docs/protocol.md ("Serial link
layer") is checked one at a time; tests/panels/hub/test_serial_link.py runs
the real thing over a pty against the simulator.
"""

from __future__ import annotations

import binascii
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.alarmhub.panels.hub.link import (
    ACK,
    DATA,
    END,
    FRAGMENT,
    RESET,
    START,
    STARTED,
    WINDOW,
    Link,
    LinkDecoder,
    LinkFrame,
    LinkLost,
    fragments,
    link_frame,
)

ROOT = Path(__file__).parents[3]
GOLDEN: dict[str, Any] = json.loads(
    (ROOT / "tests" / "fixtures" / "golden_link.json").read_text()
)


def frames_of(data: bytes) -> list[LinkFrame]:
    """Return the frames in ``data``."""
    return list(LinkDecoder().feed(data))


def test_golden_frames() -> None:
    """Start, started, the fragments of a message, an ack, a reset."""
    assert link_frame(START, 0, b"\x01").hex() == GOLDEN["start"]
    assert link_frame(STARTED, 0, b"\x01").hex() == GOLDEN["started"]
    message = GOLDEN["message"].encode()
    assert f"{binascii.crc32(message):08x}" == GOLDEN["message_crc32"]
    cut = [link_frame(k, i, p).hex() for i, (k, p) in enumerate(fragments(message))]
    assert cut == GOLDEN["fragments"]
    ack = GOLDEN["ack"]
    assert (
        link_frame(ACK, ack["next"], ack["bitmap"].to_bytes(4)).hex() == (ack["frame"])
    )
    assert link_frame(RESET, 0).hex() == GOLDEN["reset"]


def test_docs_quote_the_golden_frames() -> None:
    """docs/protocol.md shows every golden link frame, byte for byte."""
    docs = (ROOT / "docs" / "protocol.md").read_text().replace(" ", "")
    quoted = [GOLDEN["start"], GOLDEN["started"], GOLDEN["reset"]]
    quoted += [*GOLDEN["fragments"], GOLDEN["ack"]["frame"]]
    for frame in quoted:
        assert frame in docs


def test_golden_stream_decodes_at_any_split() -> None:
    """The golden fragments, cut anywhere, give the message back."""
    stream = b"".join(bytes.fromhex(f) for f in GOLDEN["fragments"])
    for cut in range(len(stream) + 1):
        decoder = LinkDecoder()
        link = Link()
        for frame in [*decoder.feed(stream[:cut]), *decoder.feed(stream[cut:])]:
            link.receive(frame, 0.0)
        assert list(link.messages) == [GOLDEN["message"].encode()]
        assert link.ack() == link_frame(ACK, 3, bytes(4))


def test_decoder_skips_damage_and_keeps_what_follows() -> None:
    """Bad length, unknown kind, bad CRC: skipped; the next frame decodes."""
    good = link_frame(DATA, 5, b'{"a":1}')
    bad_length = bytes([1, DATA, 0, 3, 3]) + b"abc" + b"\0\0"
    too_long = bytes([1, DATA, 0, FRAGMENT + 1, (FRAGMENT + 1) ^ 0xFF])
    bad_kind = link_frame(DATA, 0, b"x").replace(b"\x01D", b"\x01Z", 1)
    bad_crc = bytearray(link_frame(DATA, 1, b"hello"))
    bad_crc[-1] ^= 0xFF
    decoder = LinkDecoder()
    stream = b"noise" + bad_length + too_long + bad_kind + bytes(bad_crc) + good
    assert list(decoder.feed(stream)) == [LinkFrame(DATA, 5, b'{"a":1}')]
    assert decoder.dropped >= 4
    assert decoder.pending == 0


def test_decoder_expire_gives_up_a_stalled_frame() -> None:
    """A frame whose tail never comes is dropped; what follows it decodes."""
    good = link_frame(END, 2, b"x")
    stalled = bytes([1, DATA, 1, 20, 20 ^ 0xFF]) + b"abc"
    decoder = LinkDecoder()
    assert list(decoder.feed(stalled + good)) == []
    assert decoder.pending
    assert list(decoder.expire()) == [LinkFrame(END, 2, b"x")]
    assert list(decoder.expire()) == []


class Line:
    """Two link ends and the frames between them; the test loses some."""

    def __init__(self) -> None:
        self.a, self.b = Link(), Link()
        self.now = 0.0

    def carry(self, frames: bytes, to: Link, lose: set[int] | None = None) -> bytes:
        """Deliver ``frames`` to ``to`` (but the ``lose``-th ones); return its reply."""
        kept = [f for i, f in enumerate(frames_of(frames)) if i not in (lose or set())]
        return to.absorb(kept, self.now)


def test_message_crosses_with_fragments_lost() -> None:
    """Lost fragments are resent (at once when a later one arrived)."""
    line = Line()
    message = b'{"type":"res","id":1,"ok":true,"result":{"x":"' + b"y" * 200 + b'"}}'
    sent = b"".join(line.a.send(message, line.now))
    assert len(frames_of(sent)) == -(-(len(message) + 4) // FRAGMENT)
    ack = line.carry(sent, line.b, lose={0, 3})
    assert not line.b.messages
    assert line.b.receiving
    resent = line.carry(ack, line.a)
    assert [f.seq for f in frames_of(resent)] == [0, 3]  # not the ones after
    assert line.a.resent == 2
    ack = line.carry(resent, line.b)
    assert list(line.b.messages) == [message]
    assert not line.b.receiving
    assert line.carry(ack, line.a) == b""
    assert line.a.idle


def test_lost_tail_is_resent_on_its_timer() -> None:
    """The last fragment lost: nothing tells the sender but its timer."""
    line = Line()
    sent = b"".join(line.a.send(b'{"n":1}' * 10, line.now))
    count = len(frames_of(sent))
    ack = line.carry(sent, line.b, lose={count - 1})
    assert line.carry(ack, line.a) == b""  # nothing arrived after it
    deadline = line.a.deadline()
    assert deadline is not None
    assert line.a.expire(deadline - 0.001) == []
    line.now = deadline
    resent = b"".join(line.a.expire(line.now))
    assert [f.seq for f in frames_of(resent)] == [count - 1]
    line.carry(resent, line.b)
    assert list(line.b.messages) == [b'{"n":1}' * 10]


def test_window_holds_back_the_rest_until_acked() -> None:
    """No more than WINDOW fragments in flight; acks let the rest out."""
    line = Line()
    message = b"z" * (FRAGMENT * (WINDOW + 10))
    sent = b"".join(line.a.send(message, line.now))
    assert len(frames_of(sent)) == WINDOW
    more = line.carry(line.carry(sent, line.b), line.a)
    assert len(frames_of(more)) == 11
    line.carry(line.carry(more, line.b), line.a)
    assert list(line.b.messages) == [message]
    assert line.a.idle


def test_duplicates_are_acked_not_delivered_twice() -> None:
    """A fragment resent because its ack was lost is acked again, once used."""
    line = Line()
    sent = b"".join(line.a.send(b'{"k":2}', line.now))
    line.carry(sent, line.b)  # its ack is lost
    ack = line.carry(sent, line.b)  # the timer resent it
    assert list(line.b.messages) == [b'{"k":2}']
    assert ack == link_frame(ACK, 1, bytes(4))
    line.carry(ack, line.a)
    assert line.a.idle


def test_stale_ack_is_ignored() -> None:
    """An ack about sequence numbers not in flight changes nothing."""
    link = Link()
    link.send(b"{}", 0.0)
    assert link.receive(LinkFrame(ACK, 200, bytes(4)), 0.0) == []
    assert not link.idle
    assert link.receive(LinkFrame(ACK, 0, bytes(3)), 0.0) == []  # malformed
    assert not link.idle


def test_corrupt_message_is_never_delivered() -> None:
    """A fragment that fooled its CRC-16 still fails the message's CRC-32."""
    forged = bytearray(b'{"open":false}' + bytes(4))
    forged[-4:] = binascii.crc32(b'{"open":false}').to_bytes(4)
    forged[9] = ord("t")  # {"open":tfalse}... a wrong byte, valid fragment CRC
    link = Link()
    link.receive(LinkFrame(END, 0, bytes(forged)), 0.0)
    assert not link.messages
    assert link.lost_messages == 1


def test_message_too_big_is_dropped() -> None:
    """Fragments beyond the largest message are not kept; the message is lost."""
    link = Link()
    link.max_message = FRAGMENT
    for seq, (kind, payload) in enumerate(fragments(b"a" * FRAGMENT * 3)):
        link.receive(LinkFrame(kind, seq, payload), 0.0)
    assert not link.messages
    assert link.lost_messages == 1
    assert not link.receiving


def test_reset_and_silence_lose_the_link() -> None:
    """RESET (the hub forgot the link) and no ack for long both raise."""
    with pytest.raises(LinkLost):
        Link().receive(LinkFrame(RESET, 0, b""), 0.0)
    link = Link()
    link.send(b"{}", 0.0)
    now = 0.0
    while now < link.lost_after - 1:
        deadline = link.deadline()
        assert deadline is not None
        now = deadline
        assert link.expire(now)
    with pytest.raises(LinkLost):
        link.expire(link.lost_after)
    assert Link().expire(99.0) == []
    assert Link().deadline() is None


def test_start_frames_are_ignored_once_linked() -> None:
    """A late start answer (the client retried the start) changes nothing."""
    link = Link()
    assert link.receive(LinkFrame(STARTED, 0, b"\x01"), 0.0) == []
    assert link.ack() is None
