"""The simulator's end of the serial link, against the golden link frames.

The simulator has its own implementation of the link layer; these tests feed
it the golden frames and check what it writes, byte for byte.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from custom_components.alarmhub.panels.hub.protocol import frame
from simulator import serial_link
from simulator.serial_link import HubLine, link_frame

GOLDEN: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "golden_link.json").read_text()
)


class Wire:
    """The line as the hub writes it: every frame, and the messages it got."""

    def __init__(self, *, link: bool = True) -> None:
        self.written: list[bytes] = []
        self.delivered: list[bytes] = []
        self.changed = asyncio.Event()
        self.line = HubLine(self._write, self.delivered.append, link=link)

    async def _write(self, data: bytes) -> None:
        self.written.append(data)
        self.changed.set()

    async def wait_for(self, count: int) -> list[bytes]:
        """Wait until ``count`` frames were written; return and forget them."""
        async with asyncio.timeout(5):
            while len(self.written) < count:
                self.changed.clear()
                await self.changed.wait()
        out, self.written[:] = self.written[:count], self.written[count:]
        return out

    def feed_hex(self, *frames: str) -> None:
        """Deliver golden frames from the client."""
        self.line.feed(b"".join(bytes.fromhex(f) for f in frames))


async def test_golden_start_and_message_both_ways() -> None:
    """Start -> started; the golden fragments in -> the message and its ack."""
    wire = Wire()
    try:
        wire.feed_hex(GOLDEN["start"])
        assert [f.hex() for f in await wire.wait_for(1)] == [GOLDEN["started"]]
        assert wire.line.linked
        wire.feed_hex(*GOLDEN["fragments"])
        assert wire.delivered == [GOLDEN["message"].encode()]
        assert await wire.wait_for(1) == [link_frame("A", 3, bytes(4))]
        await wire.line.send(GOLDEN["message"].encode())
        sent = await wire.wait_for(3)
        assert [f.hex() for f in sent] == GOLDEN["fragments"]
    finally:
        wire.line.close()


async def test_golden_ack_resends_only_the_lost_fragment() -> None:
    """Ack "next 3, 4 arrived": fragment 3 is resent at once, 5 is not."""
    wire = Wire()
    try:
        wire.feed_hex(GOLDEN["start"])
        await wire.wait_for(1)
        await wire.line.send(b"x" * (serial_link.FRAGMENT * 6 - 4))
        sent = await wire.wait_for(6)
        await asyncio.sleep(0)  # the last write's time is stamped
        wire.feed_hex(GOLDEN["ack"]["frame"])
        assert await wire.wait_for(1) == [sent[3]]
        assert wire.line.resent == 1
    finally:
        wire.line.close()


async def test_link_frames_without_a_link_get_reset() -> None:
    """A hub that knows no link (it rebooted) answers data with RESET."""
    wire = Wire()
    try:
        wire.feed_hex(GOLDEN["fragments"][0])
        assert [f.hex() for f in await wire.wait_for(1)] == [GOLDEN["reset"]]
        assert not wire.delivered
    finally:
        wire.line.close()


async def test_todays_framing_switches_the_link_off() -> None:
    """A client that gave up on the link start speaks one frame a message."""
    wire = Wire()
    try:
        wire.feed_hex(GOLDEN["start"])
        await wire.wait_for(1)
        wire.line.feed(frame(b'{"type":"req","id":1,"cmd":"hello","args":{}}'))
        assert not wire.line.linked
        await wire.line.send(b'{"x":1}')
        assert await wire.wait_for(1) == [frame(b'{"x":1}')]
    finally:
        wire.line.close()


async def test_old_hub_ignores_the_link() -> None:
    """A hub without the link layer never answers a start."""
    wire = Wire(link=False)
    try:
        wire.feed_hex(GOLDEN["start"], *GOLDEN["fragments"])
        await wire.line.send(b'{"x":1}')
        assert await wire.wait_for(1) == [frame(b'{"x":1}')]
        assert not wire.line.linked
        assert not wire.delivered
    finally:
        wire.line.close()


async def test_damaged_and_forged_fragments_are_not_delivered() -> None:
    """A bad CRC-16 is skipped; a fragment forged past it fails the CRC-32."""
    wire = Wire()
    try:
        wire.feed_hex(GOLDEN["start"])
        await wire.wait_for(1)
        damaged = bytearray(bytes.fromhex(GOLDEN["fragments"][0]))
        damaged[10] ^= 0x01
        wire.line.feed(bytes(damaged))
        assert wire.line.dropped == 1
        bad_length = bytes([1, ord("D"), 0, 40, 40 ^ 0xFF])
        wire.line.feed(bad_length)
        assert wire.line.dropped == 2
        payload = bytes.fromhex(GOLDEN["fragments"][0])[5:-2]
        forged = payload.replace(b"req", b"res")
        wire.line.feed(link_frame("D", 0, forged))
        wire.feed_hex(*GOLDEN["fragments"][1:])
        assert wire.delivered == []  # the CRC-32 of the message failed
        assert wire.line.messages == 0
    finally:
        wire.line.close()


async def test_silent_client_is_given_up(monkeypatch: Any) -> None:
    """Nothing acknowledged for LOST_AFTER: the hub drops the link."""
    monkeypatch.setattr(serial_link, "RTO", 0.01)
    monkeypatch.setattr(serial_link, "LOST_AFTER", 0.05)
    wire = Wire()
    try:
        wire.feed_hex(GOLDEN["start"])
        await wire.wait_for(1)
        await wire.line.send(b'{"x":1}')
        async with asyncio.timeout(5):
            while wire.line.linked:  # the line's timers run on real time
                await asyncio.sleep(0.01)
        assert wire.line.resent >= 1
    finally:
        wire.line.close()


async def test_too_big_message_is_dropped(monkeypatch: Any) -> None:
    """Fragments beyond the largest message are not kept."""
    monkeypatch.setattr(serial_link, "MAX_PAYLOAD", 40)
    wire = Wire()
    try:
        wire.feed_hex(GOLDEN["start"])
        await wire.wait_for(1)
        wire.feed_hex(*GOLDEN["fragments"])
        assert wire.delivered == []
    finally:
        wire.line.close()
