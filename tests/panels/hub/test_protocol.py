"""The wire format, checked against the golden frames (client side)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.alarmhub.panels.hub.protocol import (
    MAX_PAYLOAD,
    STX,
    FrameDecoder,
    ProtocolError,
    Request,
    decode_message,
    encode_message,
    frame,
    parse_message,
)

GOLDEN = json.loads(
    (Path(__file__).parents[2] / "fixtures" / "golden_frames.json").read_text()
)["frames"]


@pytest.mark.parametrize("golden", GOLDEN, ids=[g["name"] for g in GOLDEN])
def test_golden_encoding(golden: dict[str, Any]) -> None:
    """Each golden message encodes to its exact payload and frame."""
    message = parse_message(golden["message"])
    payload = encode_message(message)
    assert payload.decode() == golden["payload"]
    assert frame(payload).hex() == golden["frame"]
    assert decode_message(payload) == message


def test_golden_stream_decodes_at_any_split() -> None:
    """All golden frames in one stream, cut at every byte, decode in order."""
    stream = b"".join(bytes.fromhex(g["frame"]) for g in GOLDEN)
    expected = [g["payload"].encode() for g in GOLDEN]
    for cut in range(len(stream)):
        decoder = FrameDecoder()
        got = [*decoder.feed(stream[:cut]), *decoder.feed(stream[cut:])]
        assert got == expected
        assert decoder.dropped == 0


def test_damaged_frame_is_skipped_and_next_one_decodes() -> None:
    """A flipped bit fails the CRC; the decoder resyncs on the next frame."""
    first, second = (bytes.fromhex(g["frame"]) for g in GOLDEN[:2])
    damaged = bytearray(first)
    damaged[20] ^= 0x01
    decoder = FrameDecoder()
    expected = [GOLDEN[1]["payload"].encode()]
    assert list(decoder.feed(bytes(damaged) + second)) == expected
    assert decoder.dropped >= 1


def test_damaged_length_does_not_stall() -> None:
    """A damaged length field cannot make the decoder wait for phantom bytes."""
    first, second = (bytes.fromhex(g["frame"]) for g in GOLDEN[:2])
    damaged = bytearray(first)
    damaged[2] ^= 0x40  # the length and its complement now disagree
    decoder = FrameDecoder()
    expected = [GOLDEN[1]["payload"].encode()]
    assert list(decoder.feed(bytes(damaged) + second)) == expected


def test_oversized_frame_refused() -> None:
    """Neither side builds or accepts a payload over the maximum."""
    with pytest.raises(ProtocolError):
        frame(b"x" * (MAX_PAYLOAD + 1))
    with pytest.raises(ProtocolError):
        decode_message(b"{" * (MAX_PAYLOAD + 1))
    header = (
        bytes([STX])
        + (MAX_PAYLOAD + 1).to_bytes(4)
        + ((MAX_PAYLOAD + 1) ^ 0xFFFFFFFF).to_bytes(4)
    )
    decoder = FrameDecoder()
    assert list(decoder.feed(header + b"\x00" * 64)) == []


@pytest.mark.parametrize(
    "bad",
    [
        b"not json",
        b"[]",
        b'{"type":"req","id":-1,"cmd":"x"}',
        b'{"type":"req","id":true,"cmd":"x"}',
        b'{"type":"req","id":1,"cmd":""}',
        b'{"type":"res","id":1,"ok":"yes"}',
        b'{"type":"res","id":1,"ok":false,"error":{}}',
        b'{"type":"evt","seq":1,"event":"zone","data":[]}',
        b'{"type":"other"}',
        b"[" * 100_000,
        b'{"type":"req","id":1,"cmd":"x","args":{"n":Infinity}}',
        b'{"type":"req","id":1,"cmd":"x","args":{"n":NaN}}',
        b'{"type":"req","id":' + b"9" * 25 + b',"cmd":"x"}',
        b'{"type":"evt","seq":9223372036854775808,"event":"x","data":{}}',
    ],
)
def test_malformed_messages(bad: bytes) -> None:
    """Anything off-protocol raises ProtocolError and nothing else."""
    with pytest.raises(ProtocolError):
        decode_message(bad)


@pytest.mark.parametrize("number", [float("inf"), float("-inf"), float("nan")])
def test_numbers_json_cannot_carry_are_not_sent(number: float) -> None:
    """NaN and infinity are refused when encoding, never put on the line."""
    with pytest.raises(ProtocolError):
        encode_message(Request(id=1, cmd="x", args={"n": number}))
