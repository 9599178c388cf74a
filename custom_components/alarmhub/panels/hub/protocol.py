"""AlarmHub wire protocol: messages, serial framing and error codes.

The protocol is described in ``docs/protocol.md``. This module is the only
place that knows how bytes become messages; both the client and the hub
simulator use it, so the two can never drift apart.

A message is a JSON object of one of three kinds:

* request  ``{"type": "req", "id": 7, "cmd": "arm", "args": {...}}``
* response ``{"type": "res", "id": 7, "ok": true, "result": {...}}`` or
  ``{"type": "res", "id": 7, "ok": false, "error": {"code": ..., "reason": ...}}``
* event    ``{"type": "evt", "seq": 42, "event": "zone", "data": {...}}``

Over WebSocket one text message carries one protocol message. Over the serial
line each message is framed::

    STX | length (u32 BE) | ~length (u32 BE) | payload (UTF-8 JSON) | CRC-16 | ETX

The length is sent twice (the second time inverted) so a damaged length can
never make a receiver wait for bytes that are not coming. The CRC is
CRC-16/CCITT-FALSE over the length fields and the payload. ``STX``
(0x02) can never appear inside a payload because JSON escapes every control
character, so a receiver that loses sync scans for the next ``STX``.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterator
from dataclasses import dataclass, field
import json
import struct
from typing import Any, Final

import orjson

from ..base import Event
from ..exceptions import ErrorCode, ProtocolError
from ..models import MAX_INT

# Events, error codes and protocol errors are shared by every panel family
# (``..base``, ``..exceptions``); they are part of this protocol too.
__all__ = [
    "ETX",
    "HEADER",
    "MAX_INT",
    "MAX_PAYLOAD",
    "PROTOCOL_VERSION",
    "SERIAL_BAUDRATE",
    "STX",
    "TRAILER",
    "ErrorCode",
    "Event",
    "FrameDecoder",
    "Message",
    "ProtocolError",
    "Request",
    "Response",
    "crc16",
    "decode_message",
    "encode_frame",
    "encode_message",
    "frame",
    "parse_message",
]

PROTOCOL_VERSION: Final = 1

STX: Final = 0x02
ETX: Final = 0x03
HEADER: Final = struct.Struct(">BII")
TRAILER: Final = struct.Struct(">HB")
#: Largest payload accepted on either transport, in bytes.
MAX_PAYLOAD: Final = 256 * 1024
SERIAL_BAUDRATE: Final = 115200


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """A request from the client to the hub."""

    id: int
    cmd: str
    args: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        return {"type": "req", "id": self.id, "cmd": self.cmd, "args": self.args}


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """The hub's answer to one request."""

    id: int
    ok: bool
    result: dict[str, Any] = field(default_factory=dict)
    error_code: str | None = None
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        if self.ok:
            return {"type": "res", "id": self.id, "ok": True, "result": self.result}
        error: dict[str, Any] = {"code": self.error_code, "reason": self.reason or ""}
        if self.details:
            error["details"] = self.details
        return {"type": "res", "id": self.id, "ok": False, "error": error}


type Message = Request | Response | Event


def _int(obj: dict[str, Any], key: str) -> int:
    value = obj.get(key)
    if type(value) is not int or not 0 <= value < MAX_INT:
        raise ProtocolError(f"field {key!r} must be a non-negative 63-bit integer")
    return value


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise ProtocolError(f"field {key!r} must be a non-empty string")
    return value


def _obj(obj: dict[str, Any], key: str) -> dict[str, Any]:
    value = obj.get(key, {})
    if not isinstance(value, dict):
        raise ProtocolError(f"field {key!r} must be an object")
    return value


def parse_message(obj: Any) -> Message:
    """Validate a decoded JSON value and return the message it holds."""
    if not isinstance(obj, dict):
        raise ProtocolError("a message must be a JSON object")
    kind = obj.get("type")
    if kind == "req":
        return Request(id=_int(obj, "id"), cmd=_str(obj, "cmd"), args=_obj(obj, "args"))
    if kind == "evt":
        return Event(
            seq=_int(obj, "seq"), event=_str(obj, "event"), data=_obj(obj, "data")
        )
    if kind == "res":
        ok = obj.get("ok")
        if ok is True:
            return Response(id=_int(obj, "id"), ok=True, result=_obj(obj, "result"))
        if ok is False:
            error = _obj(obj, "error")
            reason = error.get("reason", "")
            return Response(
                id=_int(obj, "id"),
                ok=False,
                error_code=_str(error, "code"),
                reason=reason if isinstance(reason, str) else "",
                details=_obj(error, "details"),
            )
        raise ProtocolError("field 'ok' must be a boolean")
    raise ProtocolError("unknown message type")


def encode_message(message: Message) -> bytes:
    """Return the UTF-8 JSON payload of a message."""
    try:
        payload = json.dumps(
            message.to_dict(),
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
        ).encode()
    except ValueError as err:  # NaN or infinity: JSON has neither
        raise ProtocolError("message holds a number JSON cannot carry") from err
    if len(payload) > MAX_PAYLOAD:
        raise ProtocolError("message exceeds the maximum payload size")
    return payload


def decode_message(payload: bytes | str) -> Message:
    """Decode one payload (a WebSocket text message or a frame's body)."""
    if len(payload) > MAX_PAYLOAD:
        raise ProtocolError("message exceeds the maximum payload size")
    try:
        # orjson (Home Assistant's own JSON library): a few times faster than
        # json.loads, and strict JSON (no NaN or Infinity).
        obj = orjson.loads(payload)
    except (ValueError, RecursionError) as err:
        raise ProtocolError("payload is not valid JSON") from err
    return parse_message(obj)


def crc16(data: bytes) -> int:
    """Return CRC-16/CCITT-FALSE of ``data``."""
    return binascii.crc_hqx(data, 0xFFFF)


def frame(payload: bytes) -> bytes:
    """Wrap a payload in a serial frame."""
    if len(payload) > MAX_PAYLOAD:
        raise ProtocolError("payload exceeds the maximum frame size")
    head = HEADER.pack(STX, len(payload), len(payload) ^ 0xFFFFFFFF)
    return head + payload + TRAILER.pack(crc16(head[1:] + payload), ETX)


def encode_frame(message: Message) -> bytes:
    """Encode a message as one serial frame."""
    return frame(encode_message(message))


@dataclass(slots=True)
class FrameDecoder:
    """Turn a stream of serial bytes into payloads, resyncing after damage.

    Feed it whatever the line delivered; it yields every complete, intact
    payload. Damaged frames (bad CRC, bad length, missing ETX) are counted
    in ``dropped`` and skipped by scanning for the next ``STX``.
    """

    max_payload: int = MAX_PAYLOAD
    dropped: int = 0
    _buffer: bytearray = field(default_factory=bytearray)

    @property
    def pending(self) -> int:
        """Return how many bytes wait for the rest of a frame."""
        return len(self._buffer)

    def expire(self) -> Iterator[bytes]:
        """Give up on the partial frame at the head of the buffer.

        A sender writes a frame in one go, so a line that goes quiet in the
        middle of one has lost its tail (or damaged its length). Drop that
        frame's ``STX`` and yield whatever intact frames the rest holds.
        """
        if self._buffer:
            del self._buffer[:1]
            self.dropped += 1
        yield from self.feed(b"")

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Add bytes from the line and yield the payloads they complete."""
        buf = self._buffer
        buf += data
        overhead = HEADER.size + TRAILER.size
        while True:
            start = buf.find(STX)
            if start < 0:
                buf.clear()
                return
            if start:
                del buf[:start]
                self.dropped += 1
            if len(buf) < HEADER.size:
                return
            _, length, check = HEADER.unpack_from(buf)
            if length ^ check != 0xFFFFFFFF or length > self.max_payload:
                del buf[:1]
                self.dropped += 1
                continue
            if len(buf) < length + overhead:
                return
            end = HEADER.size + length
            crc, etx = TRAILER.unpack_from(buf, end)
            if etx != ETX or crc != crc16(bytes(buf[1:end])):
                del buf[:1]
                self.dropped += 1
                continue
            payload = bytes(buf[HEADER.size : end])
            del buf[: end + TRAILER.size]
            yield payload
