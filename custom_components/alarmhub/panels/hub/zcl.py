"""Zigbee ZCL Door Lock (cluster 0x0101) PIN code frames.

The hub pushes user codes to Zigbee locks with the Door Lock cluster's
``set_pin_code`` (0x05) and ``clear_pin_code`` (0x07) commands; the lock
answers with ``set_pin_code_response`` / ``clear_pin_code_response``. This
module builds and parses those frames (ZCL header + payload, as carried in
one APS data frame) with zigpy's own cluster definitions, so the bytes are
exactly what zigpy sends and expects. The client encodes requests and decodes
responses; the simulated lock does the opposite.

Slot numbering: the hub numbers user slots from 1, ZCL Door Lock user ids
start at 0. :func:`zcl_user_id` maps slot ``n`` to user id ``n - 1`` and
:func:`hub_slot` maps user id ``u`` to slot ``u + 1``; both refuse values
outside slot ``1..max_users`` (user id ``0..max_users - 1``). Every other
function here speaks ZCL user ids.

zigpy declares the status of both responses as the generic
``foundation.Status``, whose names do not match the Door Lock values (2 is
``MAC_PAN_ACCESS_DENIED`` there); :class:`PinStatus` names them as the
Door Lock specification does. The bytes are the same.

Decoding is strict: a frame must be a cluster-specific, non manufacturer
specific command in the expected direction, with no reserved frame control
bits set, a known command id, defined enum values, a non-empty PIN of ASCII
digits and no trailing bytes. Anything else raises :class:`ZclError`, and
nothing else is ever raised for bad input. PINs are secrets: they never
appear in an error message or a ``repr``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, Final

from zigpy.zcl import foundation
from zigpy.zcl.clusters.closures import DoorLock, UserStatus, UserType

__all__ = [
    "CLUSTER_ID",
    "DEFAULT_MAX_USERS",
    "MAX_PIN_BYTES",
    "PinStatus",
    "UserStatus",
    "UserType",
    "ZclCommand",
    "ZclError",
    "ZclRequest",
    "ZclResponse",
    "decode_request",
    "decode_response",
    "encode_clear_pin_code",
    "encode_response",
    "encode_set_pin_code",
    "hub_slot",
    "zcl_user_id",
]

CLUSTER_ID: Final[int] = int(DoorLock.cluster_id)
#: Default number of user slots on a lock.
DEFAULT_MAX_USERS: Final = 250
#: Longest PIN a ZCL character string can carry (0xFF means "invalid").
MAX_PIN_BYTES: Final = 254

_SET: Final = DoorLock.ServerCommandDefs.set_pin_code
_CLEAR: Final = DoorLock.ServerCommandDefs.clear_pin_code
_SET_RSP: Final = DoorLock.ClientCommandDefs.set_pin_code_response
_CLEAR_RSP: Final = DoorLock.ClientCommandDefs.clear_pin_code_response


class ZclError(ValueError):
    """A ZCL frame that is malformed or not one this module handles."""


class ZclCommand(StrEnum):
    """The Door Lock PIN commands (the responses share the request's id)."""

    SET_PIN_CODE = "set_pin_code"
    CLEAR_PIN_CODE = "clear_pin_code"


class PinStatus(IntEnum):
    """Status of a ``set_pin_code_response`` / ``clear_pin_code_response``.

    ``clear_pin_code_response`` only uses ``SUCCESS`` and ``GENERAL_FAILURE``.
    """

    SUCCESS = 0x00
    GENERAL_FAILURE = 0x01
    MEMORY_FULL = 0x02
    DUPLICATE_CODE = 0x03


_COMMAND_IDS: Final[dict[ZclCommand, int]] = {
    ZclCommand.SET_PIN_CODE: int(_SET.id),
    ZclCommand.CLEAR_PIN_CODE: int(_CLEAR.id),
}
_COMMANDS_BY_ID: Final[dict[int, ZclCommand]] = {
    command_id: command for command, command_id in _COMMAND_IDS.items()
}
_RESPONSE_DEFS: Final[dict[ZclCommand, foundation.ZCLCommandDef]] = {
    ZclCommand.SET_PIN_CODE: _SET_RSP,
    ZclCommand.CLEAR_PIN_CODE: _CLEAR_RSP,
}
#: Frame control of a cluster-specific command to the lock (default response
#: enabled, as zigpy's ``Cluster.request`` sends it) and of the lock's reply
#: (default response disabled or not; never manufacturer-specific).
_TO_SERVER: Final = 0x01
_REPLY_CONTROLS: Final = frozenset({0x19, 0x09})
_SET_ID: Final = int(_SET.id)
_CLEAR_ID: Final = int(_CLEAR.id)
_REQUEST_DEFS: Final[dict[ZclCommand, foundation.ZCLCommandDef]] = {
    ZclCommand.SET_PIN_CODE: _SET,
    ZclCommand.CLEAR_PIN_CODE: _CLEAR,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ZclRequest:
    """A decoded ``set_pin_code`` or ``clear_pin_code`` request.

    ``pin``, ``user_status`` and ``user_type`` are ``None`` for
    ``clear_pin_code``. The PIN is left out of the ``repr``.
    """

    tsn: int
    command: ZclCommand
    user_id: int
    pin: str | None = field(default=None, repr=False)
    user_status: UserStatus | None = None
    user_type: UserType | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ZclResponse:
    """A decoded ``set_pin_code_response`` or ``clear_pin_code_response``.

    ``command`` names the request this answers.
    """

    tsn: int
    command: ZclCommand
    status: int

    @property
    def ok(self) -> bool:
        """Return whether the lock accepted the request."""
        return self.status == PinStatus.SUCCESS

    @property
    def status_name(self) -> str:
        """Return the status as a name such as ``duplicate_code``."""
        try:
            return PinStatus(self.status).name.lower()
        except ValueError:
            return f"unknown_0x{self.status:02x}"


def _check_int(name: str, value: int, low: int, high: int) -> int:
    """Return ``value`` if it is an int from ``low`` to ``high``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int")
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low} to {high}")
    return value


def _check_max_users(max_users: int) -> int:
    return _check_int("max_users", max_users, 1, 0xFFFF)


def zcl_user_id(slot: int, *, max_users: int = DEFAULT_MAX_USERS) -> int:
    """Return the ZCL user id of hub slot ``slot`` (``1..max_users``)."""
    return _check_int("slot", slot, 1, _check_max_users(max_users)) - 1


def hub_slot(user_id: int, *, max_users: int = DEFAULT_MAX_USERS) -> int:
    """Return the hub slot of ZCL user id ``user_id`` (``0..max_users - 1``)."""
    return _check_int("user_id", user_id, 0, _check_max_users(max_users) - 1) + 1


def _is_pin(pin: str) -> bool:
    return 0 < len(pin) <= MAX_PIN_BYTES and pin.isascii() and pin.isdigit()


def _frame(
    tsn: int,
    command: foundation.ZCLCommandDef,
    direction: foundation.Direction,
    **fields: Any,
) -> bytes:
    """Serialize a cluster command the way ``Cluster.request``/``reply`` do.

    ``ZCLHeader.cluster`` disables the default response for server-to-client
    frames only, which is zigpy's default for both.
    """
    header = foundation.ZCLHeader.cluster(
        tsn=_check_int("tsn", tsn, 0, 0xFF),
        command_id=command.id,
        direction=direction,
    )
    return bytes(header.serialize() + command.schema(**fields).serialize())


def encode_set_pin_code(
    tsn: int,
    user_id: int,
    pin: str,
    *,
    user_status: UserStatus = UserStatus.Enabled,
    user_type: UserType = UserType.Unrestricted,
) -> bytes:
    """Return a ``set_pin_code`` frame (client to server).

    Raises :class:`ValueError` for a ``tsn`` or ``user_id`` out of range or a
    PIN that is not 1 to 254 ASCII digits.
    """
    _check_int("user_id", user_id, 0, 0xFFFF)
    if not isinstance(pin, str) or not _is_pin(pin):
        raise ValueError(f"the PIN must be 1 to {MAX_PIN_BYTES} ASCII digits")
    if user_status not in list(UserStatus) or user_type not in list(UserType):
        raise ValueError("user_status and user_type must be defined enum values")
    # The bytes zigpy's schema writes (the tests hold the two equal), packed
    # by hand: zigpy's structs cost ~0.5 ms a frame, a site syncs thousands.
    return bytes(
        (
            _TO_SERVER,
            _check_int("tsn", tsn, 0, 0xFF),
            _SET_ID,
            user_id & 0xFF,
            user_id >> 8,
            int(user_status),
            int(user_type),
            len(pin),
        )
    ) + pin.encode("ascii")


def encode_clear_pin_code(tsn: int, user_id: int) -> bytes:
    """Return a ``clear_pin_code`` frame (client to server)."""
    _check_int("user_id", user_id, 0, 0xFFFF)
    tsn = _check_int("tsn", tsn, 0, 0xFF)
    return bytes((_TO_SERVER, tsn, _CLEAR_ID, user_id & 0xFF, user_id >> 8))


def encode_response(tsn: int, command: str, status: int) -> bytes:
    """Return the lock's response (server to client) to ``command``.

    ``command`` is the request's name (``set_pin_code`` or
    ``clear_pin_code``); ``status`` is a byte, usually a :class:`PinStatus`.
    """
    try:
        zcl_command = ZclCommand(command)
    except ValueError:
        raise ValueError(f"unknown command {command!r}") from None
    _check_int("status", status, 0, 0xFF)
    return _frame(
        tsn,
        _RESPONSE_DEFS[zcl_command],
        foundation.Direction.Server_to_Client,
        status=status,
    )


def _split(
    frame: bytes | bytearray | memoryview, direction: foundation.Direction
) -> tuple[int, ZclCommand, bytes]:
    """Check the ZCL header of ``frame``; return tsn, command and payload."""
    if not isinstance(frame, bytes | bytearray | memoryview):
        raise ZclError("a ZCL frame must be bytes")
    # zigpy's deserializers raise assorted exception types; any of them means
    # the bytes are malformed.
    try:
        header, payload = foundation.ZCLHeader.deserialize(bytes(frame))
        control = header.frame_control
        frame_type = control.frame_type
        manufacturer_specific = bool(control.is_manufacturer_specific)
        frame_direction = control.direction
        reserved = int(control.reserved)
        tsn = int(header.tsn)
        command_id = int(header.command_id)
    except Exception as err:
        raise ZclError("truncated or malformed ZCL header") from err
    if frame_type != foundation.FrameType.CLUSTER_COMMAND:
        raise ZclError("not a cluster-specific command")
    if manufacturer_specific:
        raise ZclError("manufacturer-specific commands are not supported")
    if frame_direction != direction:
        raise ZclError(f"wrong direction, expected {direction.name}")
    if reserved:
        raise ZclError("reserved frame control bits are set")
    command = _COMMANDS_BY_ID.get(command_id)
    if command is None:
        raise ZclError(f"unsupported Door Lock command 0x{command_id:02x}")
    return tsn, command, payload


def _parse_payload(command: foundation.ZCLCommandDef, payload: bytes) -> Any:
    """Deserialize ``payload`` exactly; the error never quotes the bytes.

    Returns zigpy's command schema instance, a class zigpy builds at run time
    (hence ``Any``). Re-serializing it must give ``payload`` back, which
    rejects what zigpy's lenient ``CharacterString`` would otherwise hide:
    a NUL inside the PIN, invalid UTF-8 or a length that is not the byte count.
    """
    try:
        args, rest = command.schema.deserialize(payload)
        canonical = args.serialize() == payload[: len(payload) - len(rest)]
    except Exception:
        # Not chained: the payload may hold a PIN.
        raise ZclError(f"truncated or malformed {command.name} payload") from None
    if rest:
        raise ZclError(f"trailing bytes after the {command.name} payload")
    if not canonical:
        raise ZclError(f"malformed {command.name} payload")
    return args


def _member[E: (UserStatus, UserType)](enum: type[E], value: object) -> E:
    """Return ``value`` if it is a declared member of ``enum``."""
    if value not in list(enum):
        raise ZclError(f"undefined {enum.__name__} value")
    return enum(value)


def decode_request(frame: bytes | bytearray | memoryview) -> ZclRequest:
    """Decode a ``set_pin_code`` or ``clear_pin_code`` frame.

    Raises :class:`ZclError`, and nothing else, for any other bytes.
    """
    tsn, command, payload = _split(frame, foundation.Direction.Client_to_Server)
    args = _parse_payload(_REQUEST_DEFS[command], payload)
    user_id = int(args.user_id)
    if command is ZclCommand.CLEAR_PIN_CODE:
        return ZclRequest(tsn=tsn, command=command, user_id=user_id)
    pin = str(args.pin_code)
    if not _is_pin(pin):
        raise ZclError(f"the PIN must be 1 to {MAX_PIN_BYTES} ASCII digits")
    return ZclRequest(
        tsn=tsn,
        command=command,
        user_id=user_id,
        pin=pin,
        user_status=_member(UserStatus, args.user_status),
        user_type=_member(UserType, args.user_type),
    )


def decode_response(frame: bytes | bytearray | memoryview) -> ZclResponse:
    """Decode a ``set_pin_code_response`` or ``clear_pin_code_response`` frame.

    Raises :class:`ZclError`, and nothing else, for any other bytes.
    """
    if (
        type(frame) is bytes
        and len(frame) == 4  # header, status
        and frame[0] in _REPLY_CONTROLS
        and (command := _COMMANDS_BY_ID.get(frame[2])) is not None
    ):
        # What every lock answers, read without zigpy (the tests hold it
        # to what zigpy reads); anything else is checked by zigpy below.
        return ZclResponse(tsn=frame[1], command=command, status=frame[3])
    tsn, command, payload = _split(frame, foundation.Direction.Server_to_Client)
    args = _parse_payload(_RESPONSE_DEFS[command], payload)
    return ZclResponse(tsn=tsn, command=command, status=int(args.status))
