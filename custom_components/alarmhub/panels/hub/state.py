"""The hub's ``get_state`` answer, decoded in one typed pass.

The whole state of a large site is ~70 KiB of JSON: 250 users, 256 zones and
the rest. Decoding it to dicts and then checking every field in Python
(``HubState.from_dict``) cost several times the JSON parse itself. Here the
answer's bytes go straight into the models with msgspec, which checks every
type, enum, range and required field while it parses (the models' own
annotations: ``WireInt`` for integers), so the whole answer costs about one
JSON parse.

``from_dict`` stays the reference: whenever the typed pass refuses an answer
(or meets one of the few things it reads differently, below), the answer is
decoded again the old way, which either accepts it exactly as before or
raises the same :class:`ProtocolError` with the same message. The fast path
may only accept what ``from_dict`` accepts, with the same result; the tests
hold it to that.

Read differently, so left to ``from_dict``: a ``null`` ``uid``, a lock
error that is not a string, a date-only ``last_changed`` (refused by msgspec,
accepted by ``from_dict``); a schedule (any JSON object to this layer) nested
deeper than a schedule ever is, or holding integers beyond 63 bits (orjson,
the JSON parser in front of ``from_dict``, sets those limits). A user without
``uid`` (or an empty one) is given the slot number here, as ``from_dict``
does. One difference is kept: a time with more than six fractional digits is
rounded to the microsecond, where ``from_dict`` cuts the rest.

The client tries this only while it waits for a ``get_state``, and only the
answer to one is taken from it; every other message is decoded by
:func:`~.protocol.decode_message`, as always.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final

import msgspec
from msgspec.structs import replace

from ..models import (
    MAX_INT,
    Camera,
    CloudStatus,
    HubState,
    Lock,
    Partition,
    Recorder,
    Scene,
    User,
    Zone,
)
from .protocol import MAX_PAYLOAD, Response

#: Schedules are three levels deep on the wire (object, windows, days).
_SCHEDULE_DEPTH: Final = 8


class StateWire(msgspec.Struct, kw_only=True, gc=False):
    """A ``get_state`` result as the wire carries it: lists, not dicts."""

    seq: Annotated[int, msgspec.Meta(ge=0, le=MAX_INT - 1)]
    unchanged: bool | None = None
    partitions: list[Partition] = msgspec.field(default_factory=list)
    zones: list[Zone] = msgspec.field(default_factory=list)
    users: list[User] = msgspec.field(default_factory=list)
    locks: list[Lock] = msgspec.field(default_factory=list)
    cameras: list[Camera] = msgspec.field(default_factory=list)
    recorders: list[Recorder] = msgspec.field(default_factory=list)
    scenes: list[Scene] = msgspec.field(default_factory=list)
    clouds: list[CloudStatus] = msgspec.field(default_factory=list)


class _Message(msgspec.Struct):
    """A successful answer carrying a state (what a ``get_state`` gets)."""

    type: str
    id: Annotated[int, msgspec.Meta(ge=0, le=MAX_INT - 1)]
    ok: bool
    result: StateWire


_DECODER: Final = msgspec.json.Decoder(_Message)


@dataclass(frozen=True, slots=True, kw_only=True)
class StateResponse(Response):
    """A successful ``get_state`` answer, already decoded (``result`` is empty)."""

    wire: StateWire


@dataclass(frozen=True, slots=True)
class Unchanged:
    """The hub's answer to ``since_seq``: nothing changed since ``seq``."""

    seq: object


def state_answer(payload: bytes | str) -> StateResponse | None:
    """Decode a payload that is a successful ``get_state`` answer, else None.

    One typed pass over the bytes. None for anything else (events, other
    answers, refusals) and for an answer the typed pass refuses or reads
    differently from ``from_dict``: those go to
    :func:`~.protocol.decode_message` and, for a state, to ``from_dict``,
    which accepts or refuses them as it always did.
    """
    if len(payload) > MAX_PAYLOAD:
        return None
    try:
        message = _DECODER.decode(payload)
    except msgspec.DecodeError:
        return None
    if (
        message.type != "res"
        or message.ok is not True
        or not all(
            _plain(user.schedule, _SCHEDULE_DEPTH)
            for user in message.result.users
            if user.schedule is not None
        )
    ):
        return None
    return StateResponse(id=message.id, ok=True, wire=message.result)


def decode_state(result: StateWire | dict[str, Any]) -> HubState | Unchanged:
    """Return the state a ``get_state`` result holds, or :class:`Unchanged`.

    ``result`` is what :func:`state_answer` decoded or, when the answer came
    the ordinary way, its dict (parsed by ``from_dict``, which raises
    :class:`ProtocolError` when it is malformed).
    """
    if isinstance(result, dict):
        return _exact(result)
    if result.unchanged is True:
        return Unchanged(result.seq)
    return HubState(
        seq=result.seq,
        partitions={item.id: item for item in result.partitions},
        zones={item.id: item for item in result.zones},
        # A hub that sends no uid: the slot number, as from_dict does.
        users={
            str(user.slot): user if user.uid else replace(user, uid=str(user.slot))
            for user in result.users
        },
        locks={item.id: item for item in result.locks},
        cameras={item.id: item for item in result.cameras},
        recorders={item.id: item for item in result.recorders},
        scenes={item.id: item for item in result.scenes},
        clouds={item.id: item for item in result.clouds},
    )


def _exact(obj: dict[str, Any]) -> HubState | Unchanged:
    """Decode the result the reference way (``HubState.from_dict``)."""
    if obj.get("unchanged") is True:
        return Unchanged(obj.get("seq"))
    return HubState.from_dict(obj)


def _plain(value: object, depth: int) -> bool:
    if type(value) is int:
        return -MAX_INT < value < MAX_INT
    if isinstance(value, dict):
        return depth > 0 and all(_plain(v, depth - 1) for v in value.values())
    if isinstance(value, list):
        return depth > 0 and all(_plain(v, depth - 1) for v in value)
    return True
