"""Tests for the ZCL Door Lock PIN frames (plain pytest, no Home Assistant)."""

from __future__ import annotations

import ast
import asyncio
import contextlib
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import given, strategies as st
import pytest
from zigpy.zcl import foundation
from zigpy.zcl.clusters.closures import DoorLock

from custom_components.alarmhub.panels.hub import zcl
from custom_components.alarmhub.panels.hub.zcl import (
    CLUSTER_ID,
    DEFAULT_MAX_USERS,
    PinStatus,
    UserStatus,
    UserType,
    ZclCommand,
    ZclError,
    ZclRequest,
    ZclResponse,
    decode_request,
    decode_response,
    encode_clear_pin_code,
    encode_response,
    encode_set_pin_code,
    hub_slot,
    zcl_user_id,
)

SET = ZclCommand.SET_PIN_CODE
CLEAR = ZclCommand.CLEAR_PIN_CODE
PIN = "835142"


def zigpy_frame(
    cluster_is_server: bool, command: str, tsn: int, *args: Any, **kwargs: Any
) -> bytes:
    """Return the bytes zigpy's own ``Cluster`` sends for ``command``.

    A server-side cluster object (the lock's cluster, as seen by the
    coordinator) sends requests; a client-side one sends the lock's replies.
    """
    endpoint = mock.MagicMock()
    endpoint.request = mock.AsyncMock()
    endpoint.reply = mock.AsyncMock()
    cluster = DoorLock(endpoint, is_server=cluster_is_server)
    asyncio.run(getattr(cluster, command)(*args, tsn=tsn, **kwargs))
    sent = endpoint.request if cluster_is_server else endpoint.reply
    sent.assert_awaited_once()
    assert sent.await_args is not None
    assert sent.await_args.kwargs["cluster"] == CLUSTER_ID
    data = sent.await_args.kwargs["data"]
    assert isinstance(data, bytes)
    return data


def zigpy_decode(frame: bytes) -> tuple[foundation.ZCLHeader, Any]:
    """Parse ``frame`` with zigpy's ``Cluster.deserialize``."""
    return DoorLock(mock.MagicMock(), is_server=True).deserialize(frame)


# -- constants -------------------------------------------------------------


def test_constants() -> None:
    assert CLUSTER_ID == 0x0101
    assert DEFAULT_MAX_USERS == 250
    assert DoorLock.ServerCommandDefs.set_pin_code.id == 0x05
    assert DoorLock.ServerCommandDefs.clear_pin_code.id == 0x07
    assert [int(s) for s in PinStatus] == [0, 1, 2, 3]


# -- round trips -----------------------------------------------------------


@pytest.mark.parametrize("tsn", [0, 1, 0x7F, 0xFF])
@pytest.mark.parametrize("user_id", [0, 1, 249, 0xFFFF])
@pytest.mark.parametrize("pin", ["0", "7350", PIN, "29471638", "9" * 254])
def test_set_pin_code_round_trip(tsn: int, user_id: int, pin: str) -> None:
    frame = encode_set_pin_code(tsn, user_id, pin)
    assert decode_request(frame) == ZclRequest(
        tsn=tsn,
        command=SET,
        user_id=user_id,
        pin=pin,
        user_status=UserStatus.Enabled,
        user_type=UserType.Unrestricted,
    )


@pytest.mark.parametrize("status", list(UserStatus))
@pytest.mark.parametrize("user_type", list(UserType))
def test_set_pin_code_round_trip_status_and_type(
    status: UserStatus, user_type: UserType
) -> None:
    frame = encode_set_pin_code(3, 4, PIN, user_status=status, user_type=user_type)
    request = decode_request(frame)
    assert request.user_status is status
    assert request.user_type is user_type


@pytest.mark.parametrize("tsn", [0, 42, 0xFF])
@pytest.mark.parametrize("user_id", [0, 17, 0xFFFF])
def test_clear_pin_code_round_trip(tsn: int, user_id: int) -> None:
    request = decode_request(encode_clear_pin_code(tsn, user_id))
    assert request == ZclRequest(tsn=tsn, command=CLEAR, user_id=user_id)
    assert request.pin is None
    assert request.user_status is None
    assert request.user_type is None


@pytest.mark.parametrize("command", [SET, CLEAR, "set_pin_code", "clear_pin_code"])
@pytest.mark.parametrize(
    ("status", "ok", "name"),
    [
        (PinStatus.SUCCESS, True, "success"),
        (PinStatus.GENERAL_FAILURE, False, "general_failure"),
        (PinStatus.MEMORY_FULL, False, "memory_full"),
        (PinStatus.DUPLICATE_CODE, False, "duplicate_code"),
        (0, True, "success"),
        (3, False, "duplicate_code"),
        (0x85, False, "unknown_0x85"),
        (0xFF, False, "unknown_0xff"),
    ],
)
def test_response_round_trip(command: str, status: int, ok: bool, name: str) -> None:
    response = decode_response(encode_response(200, command, status))
    assert response == ZclResponse(tsn=200, command=ZclCommand(command), status=status)
    assert response.command == command
    assert response.ok is ok
    assert response.status_name == name


@given(
    tsn=st.integers(0, 0xFF),
    user_id=st.integers(0, 0xFFFF),
    pin=st.text(alphabet="0123456789", min_size=1, max_size=254),
    status=st.sampled_from(list(UserStatus)),
    user_type=st.sampled_from(list(UserType)),
)
def test_set_pin_code_round_trip_property(
    tsn: int, user_id: int, pin: str, status: UserStatus, user_type: UserType
) -> None:
    frame = encode_set_pin_code(
        tsn, user_id, pin, user_status=status, user_type=user_type
    )
    request = decode_request(frame)
    assert (request.tsn, request.user_id, request.pin) == (tsn, user_id, pin)
    assert (request.user_status, request.user_type) == (status, user_type)


# -- the bytes are zigpy's -------------------------------------------------


def test_set_pin_code_known_bytes() -> None:
    # frame control 0x01: cluster command, client to server, default response
    # enabled; tsn; command 0x05; user id LE; status; type; length-prefixed PIN.
    assert encode_set_pin_code(9, 3, "123456") == (
        b"\x01\x09\x05\x03\x00\x01\x00\x06123456"
    )
    assert encode_clear_pin_code(10, 0x0102) == b"\x01\x0a\x07\x02\x01"
    # frame control 0x19: cluster command, server to client, no default response.
    assert encode_response(9, "set_pin_code", 3) == b"\x19\x09\x05\x03"
    assert encode_response(10, "clear_pin_code", 0) == b"\x19\x0a\x07\x00"


@pytest.mark.parametrize(
    ("tsn", "user_id", "pin", "status", "user_type"),
    [
        (9, 3, PIN, UserStatus.Enabled, UserType.Unrestricted),
        (0, 0, "0000", UserStatus.Disabled, UserType.Master_User),
        (255, 0xFFFF, "9" * 254, UserStatus.Enabled, UserType.Non_Access_User),
    ],
)
def test_set_pin_code_matches_zigpy_schema_and_header(
    tsn: int, user_id: int, pin: str, status: UserStatus, user_type: UserType
) -> None:
    command = DoorLock.ServerCommandDefs.set_pin_code
    header = foundation.ZCLHeader.cluster(tsn=tsn, command_id=command.id)
    payload = command.schema(
        user_id=user_id, user_status=status, user_type=user_type, pin_code=pin
    )
    expected = header.serialize() + payload.serialize()
    ours = encode_set_pin_code(
        tsn, user_id, pin, user_status=status, user_type=user_type
    )
    assert ours == expected
    # And what zigpy's Cluster.request actually hands to the endpoint.
    assert ours == zigpy_frame(
        True, "set_pin_code", tsn, user_id, status, user_type, pin
    )


def test_clear_pin_code_matches_zigpy() -> None:
    command = DoorLock.ServerCommandDefs.clear_pin_code
    header = foundation.ZCLHeader.cluster(tsn=77, command_id=command.id)
    expected = header.serialize() + command.schema(user_id=12).serialize()
    assert encode_clear_pin_code(77, 12) == expected
    assert encode_clear_pin_code(77, 12) == zigpy_frame(True, "clear_pin_code", 77, 12)


@given(
    tsn=st.integers(0, 0xFF),
    user_id=st.integers(0, 0xFFFF),
    pin=st.text(alphabet="0123456789", min_size=1, max_size=254),
    status=st.sampled_from(list(UserStatus)),
    user_type=st.sampled_from(list(UserType)),
)
def test_hand_packed_requests_are_zigpys_bytes(
    tsn: int, user_id: int, pin: str, status: UserStatus, user_type: UserType
) -> None:
    """The requests are packed without zigpy: byte for byte what zigpy writes."""
    to_lock = foundation.Direction.Client_to_Server
    assert encode_set_pin_code(
        tsn, user_id, pin, user_status=status, user_type=user_type
    ) == zcl._frame(
        tsn,
        DoorLock.ServerCommandDefs.set_pin_code,
        to_lock,
        user_id=user_id,
        user_status=status,
        user_type=user_type,
        pin_code=pin,
    )
    assert encode_clear_pin_code(tsn, user_id) == zcl._frame(
        tsn, DoorLock.ServerCommandDefs.clear_pin_code, to_lock, user_id=user_id
    )


def test_responses_read_without_zigpy_as_zigpy_reads_them() -> None:
    """Every frame control and command of a 4-byte answer: the fast path
    (bytes) decides as the zigpy path (the same bytes as a bytearray) does."""
    fast = 0
    for control in range(256):
        for command in [*range(16), 0x55, 0xFF]:
            frame = bytes([control, 0x42, command, 0x03])
            outcomes = []
            for given_as in (frame, bytearray(frame)):
                try:
                    outcomes.append(decode_response(given_as))
                except ZclError:
                    outcomes.append(None)
            assert outcomes[0] == outcomes[1], frame.hex()
            fast += outcomes[0] is not None
    assert fast == 4  # 0x09 and 0x19, set and clear


@pytest.mark.parametrize("status", [0, 1, 2, 3])
@pytest.mark.parametrize("command", [SET, CLEAR])
def test_response_matches_zigpy_reply(command: ZclCommand, status: int) -> None:
    expected = zigpy_frame(False, f"{command}_response", 5, status)
    assert encode_response(5, command, status) == expected


def test_zigpy_parses_our_frames() -> None:
    header, args = zigpy_decode(encode_set_pin_code(4, 6, PIN))
    assert header.frame_control.frame_type == foundation.FrameType.CLUSTER_COMMAND
    assert header.direction == foundation.Direction.Client_to_Server
    assert (header.tsn, header.command_id) == (4, 0x05)
    assert (args.user_id, args.pin_code) == (6, PIN)
    assert args.user_status == UserStatus.Enabled

    header, args = zigpy_decode(encode_response(4, SET, PinStatus.DUPLICATE_CODE))
    assert header.direction == foundation.Direction.Server_to_Client
    assert header.frame_control.disable_default_response
    # zigpy types the status as the generic ZCL status, so 3 has no name there.
    assert int(args.status) == 3


# -- malformed frames ------------------------------------------------------

VALID_REQUESTS = [
    encode_set_pin_code(1, 2, PIN),
    encode_set_pin_code(1, 2, "7"),
    encode_clear_pin_code(1, 2),
]
VALID_RESPONSES = [encode_response(1, SET, 0), encode_response(1, CLEAR, 1)]


def request_frame(payload: bytes, *, control: int = 0x01, command: int = 0x05) -> bytes:
    return bytes([control, 0x33, command]) + payload


SET_PAYLOAD = b"\x02\x00\x01\x00"  # user 2, enabled, unrestricted; then the PIN


@pytest.mark.parametrize("frame", VALID_REQUESTS)
def test_truncated_requests(frame: bytes) -> None:
    for end in range(len(frame)):
        with pytest.raises(ZclError):
            decode_request(frame[:end])


@pytest.mark.parametrize("frame", VALID_RESPONSES)
def test_truncated_responses(frame: bytes) -> None:
    for end in range(len(frame)):
        with pytest.raises(ZclError):
            decode_response(frame[:end])


@pytest.mark.parametrize(
    ("frame", "what"),
    [
        (request_frame(b"\x02\x00", command=0x06), "get_pin_code"),
        (request_frame(b"", command=0x08), "clear_all_pin_codes"),
        (request_frame(b"\x00", command=0x00), "lock_door"),
        (request_frame(b"\x02\x00", command=0x55), "unknown command"),
        (request_frame(b"\x00\x00", control=0x00, command=0x00), "general read"),
        (request_frame(SET_PAYLOAD + b"\x04" + b"7350", control=0x00), "general"),
        (bytes([0x05, 0x34, 0x12, 0x33, 0x05]) + SET_PAYLOAD + b"\x047350", "manuf"),
        (request_frame(SET_PAYLOAD + b"\x047350", control=0x09), "wrong direction"),
        (request_frame(SET_PAYLOAD + b"\x047350", control=0x21), "reserved bit"),
        (request_frame(SET_PAYLOAD + b"\x047350\x00"), "trailing byte"),
        (request_frame(b"\x02\x00\x00", command=0x07), "trailing after clear"),
        (request_frame(b"\x02\x00\x02\x00\x047350"), "undefined user status"),
        (request_frame(b"\x02\x00\x01\x07\x047350"), "undefined user type"),
        (request_frame(SET_PAYLOAD + b"\x00"), "empty PIN"),
        (request_frame(SET_PAYLOAD + b"\xff"), "invalid (0xff) PIN"),
        (request_frame(SET_PAYLOAD + b"\x0473a0"), "letter in PIN"),
        (request_frame(SET_PAYLOAD + b"\x0473\x000"), "NUL in PIN"),
        (request_frame(SET_PAYLOAD + b"\x04735\xff"), "invalid UTF-8 in PIN"),
        (request_frame(SET_PAYLOAD + b"\x04" + "٣٤".encode()), "non-ASCII digits"),
        (request_frame(SET_PAYLOAD + b"\x057350"), "PIN length too long"),
        (encode_response(1, SET, 0), "a response"),
        (b"", "empty"),
    ],
)
def test_malformed_requests(frame: bytes, what: str) -> None:
    with pytest.raises(ZclError):
        decode_request(frame)


@pytest.mark.parametrize(
    "frame",
    [
        b"\x19\x01\x05",  # no status
        b"\x19\x01\x05\x00\x00",  # trailing byte
        b"\x19\x01\x06\x00",  # get_pin_code_response
        b"\x11\x01\x05\x00",  # client-to-server direction bit clear, 0x10 set
        b"\x18\x01\x0b\x00",  # general default response
        b"\x1d\x34\x12\x01\x05\x00",  # manufacturer specific
        b"\x39\x01\x05\x00",  # reserved bit
        encode_set_pin_code(1, 2, PIN),
        encode_clear_pin_code(1, 2),
    ],
)
def test_malformed_responses(frame: bytes) -> None:
    with pytest.raises(ZclError):
        decode_response(frame)


def test_default_response_bit_is_accepted_either_way() -> None:
    frame = encode_set_pin_code(1, 2, PIN)
    assert frame[0] == 0x01
    assert decode_request(bytes([0x11]) + frame[1:]).pin == PIN
    response = encode_response(1, SET, 0)
    assert response[0] == 0x19
    assert decode_response(bytes([0x09]) + response[1:]).ok


@pytest.mark.parametrize("value", ["\x01\x01\x05", 12345, None, [1, 2, 5]])
def test_non_bytes_input(value: Any) -> None:
    with pytest.raises(ZclError):
        decode_request(value)
    with pytest.raises(ZclError):
        decode_response(value)


def test_bytes_like_input() -> None:
    frame = encode_set_pin_code(1, 2, PIN)
    assert decode_request(bytearray(frame)).pin == PIN
    assert decode_request(memoryview(frame)).pin == PIN


def test_errors_never_quote_the_pin() -> None:
    good = encode_set_pin_code(1, 2, "29471638")
    for frame in (
        good + b"\x00",
        good[:-1],
        request_frame(SET_PAYLOAD + b"\x082947163a"),
        request_frame(b"\x02\x00\x02\x00\x0829471638"),
    ):
        with pytest.raises(ZclError) as info:
            decode_request(frame)
        text = f"{info.value} {info.value!r} {info.value.__cause__!r}"
        assert "2947163" not in text


@given(st.binary(max_size=64))
def test_random_bytes_only_raise_zcl_error(frame: bytes) -> None:
    for decode in (decode_request, decode_response):
        with contextlib.suppress(ZclError):
            decode(frame)


@given(
    st.sampled_from(
        [
            b"\x01\x00\x05",
            b"\x11\x00\x05",
            b"\x01\x00\x07",
            b"\x19\x00\x05",
            b"\x19\x00\x07",
        ]
    ),
    st.binary(max_size=40),
)
def test_random_payloads_only_raise_zcl_error(header: bytes, payload: bytes) -> None:
    for decode in (decode_request, decode_response):
        with contextlib.suppress(ZclError):
            decode(header + payload)


@given(st.binary(min_size=4, max_size=12))
def test_random_set_pin_payloads(tail: bytes) -> None:
    try:
        request = decode_request(request_frame(SET_PAYLOAD + tail))
    except ZclError:
        return
    assert request.pin is not None
    assert request.pin.isascii() and request.pin.isdigit()
    assert encode_set_pin_code(0x33, 2, request.pin) == request_frame(
        SET_PAYLOAD + tail
    )


# -- encoder arguments -----------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: encode_set_pin_code(256, 1, PIN),
        lambda: encode_set_pin_code(-1, 1, PIN),
        lambda: encode_set_pin_code(1, 0x10000, PIN),
        lambda: encode_set_pin_code(1, -1, PIN),
        lambda: encode_set_pin_code(1, 1, ""),
        lambda: encode_set_pin_code(1, 1, "12a4"),
        lambda: encode_set_pin_code(1, 1, "١٢٣٤"),
        lambda: encode_set_pin_code(1, 1, "1" * 255),
        lambda: encode_set_pin_code(
            1,
            1,
            PIN,
            user_status=UserStatus(2),  # type: ignore[no-untyped-call]
        ),
        lambda: encode_clear_pin_code(1, 0x10000),
        lambda: encode_clear_pin_code(300, 1),
        lambda: encode_response(1, "get_pin_code", 0),
        lambda: encode_response(1, SET, 256),
        lambda: encode_response(1, SET, -1),
    ],
)
def test_encoder_rejects_bad_arguments(call: Any) -> None:
    with pytest.raises(ValueError) as info:
        call()
    assert "12a4" not in str(info.value)


def test_encoder_error_does_not_quote_the_pin() -> None:
    with pytest.raises(ValueError) as info:
        encode_set_pin_code(1, 1, "2947163x")
    assert "2947163" not in str(info.value)


# -- slots -----------------------------------------------------------------


def test_slot_mapping() -> None:
    assert zcl_user_id(1) == 0
    assert zcl_user_id(250) == 249
    assert hub_slot(0) == 1
    assert hub_slot(249) == 250
    for slot in range(1, DEFAULT_MAX_USERS + 1):
        assert hub_slot(zcl_user_id(slot)) == slot
    assert zcl_user_id(30, max_users=30) == 29
    assert hub_slot(29, max_users=30) == 30
    assert zcl_user_id(0xFFFF, max_users=0xFFFF) == 0xFFFE


@pytest.mark.parametrize(
    "call",
    [
        lambda: zcl_user_id(0),
        lambda: zcl_user_id(-1),
        lambda: zcl_user_id(251),
        lambda: zcl_user_id(31, max_users=30),
        lambda: zcl_user_id(1, max_users=0),
        lambda: zcl_user_id(1, max_users=0x10000),
        lambda: hub_slot(-1),
        lambda: hub_slot(250),
        lambda: hub_slot(30, max_users=30),
        lambda: hub_slot(0, max_users=0),
    ],
)
def test_slot_bounds(call: Any) -> None:
    with pytest.raises(ValueError):
        call()


def test_slot_types() -> None:
    with pytest.raises(TypeError):
        zcl_user_id(True)
    with pytest.raises(TypeError):
        hub_slot(1.0)  # type: ignore[arg-type]


# -- secrecy and purity ----------------------------------------------------


def test_repr_without_pin() -> None:
    request = decode_request(encode_set_pin_code(7, 8, "29471638"))
    for text in (repr(request), str(request), f"{request}"):
        assert "29471638" not in text
        assert "pin=" not in text
        assert "user_id=8" in text
        assert "tsn=7" in text
    assert request.pin == "29471638"


def test_module_is_home_assistant_free() -> None:
    tree = ast.parse(Path(zcl.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        assert not any(name.split(".")[0] == "homeassistant" for name in names)
