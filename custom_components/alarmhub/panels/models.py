"""Typed models of what a panel reports, shared by every panel family.

The AlarmHub hub sends them as JSON (``from_dict`` parses its wire form);
other panel families build them from what their own bus says.

Every object is parsed from the wire with strict checks: a wrong type or an
unknown enum value raises :class:`ProtocolError`, so nothing malformed ever
reaches Home Assistant. The wire never carries a user code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Final, Self

import msgspec

from .exceptions import ProtocolError

#: Integers on the wire (ids, seq, sizes) stay below this; a bigger one is
#: hostile (a huge seq would blind the client to gaps from then on).
MAX_INT: Final = 2**63
#: An integer field as the typed decoder (``hub/state.py``) checks it: the
#: same range ``from_dict`` allows. Plain ``int`` to everything else.
WireInt = Annotated[int, msgspec.Meta(ge=1 - MAX_INT, le=MAX_INT - 1)]


class PartitionState(StrEnum):
    """States of a partition, as the panel names them."""

    DISARMED = "disarmed"
    ARMING = "arming"
    ARMED_STAY = "armed_stay"
    ARMED_AWAY = "armed_away"
    ARMED_NIGHT = "armed_night"
    PENDING = "pending"
    TRIGGERED = "triggered"


class ArmMode(StrEnum):
    """The ways a partition can be armed."""

    STAY = "stay"
    AWAY = "away"
    NIGHT = "night"


class ArmOption(StrEnum):
    """Options a partition may accept when arming."""

    FORCE_BYPASS = "force_bypass"
    NO_ENTRY_DELAY = "no_entry_delay"
    SILENT = "silent"


class ZoneType(StrEnum):
    """What a zone's sensor is."""

    DOOR = "door"
    WINDOW = "window"
    GARAGE_DOOR = "garage_door"
    MOTION = "motion"
    SMOKE = "smoke"
    CO = "co"
    GLASS_BREAK = "glass_break"
    WATER = "water"
    #: A zone whose sensor nobody described yet (a keypad bus does not say).
    OTHER = "other"

    @property
    def is_contact(self) -> bool:
        """Return True for contact sensors (armed in every mode)."""
        return self in (ZoneType.DOOR, ZoneType.WINDOW, ZoneType.GARAGE_DOOR)


class CodeStatus(StrEnum):
    """Whether a user's code works at the panel yet."""

    PENDING = "pending"
    ACTIVE = "active"
    FAILED = "failed"


class LockState(StrEnum):
    """States of a door lock."""

    LOCKED = "locked"
    UNLOCKED = "unlocked"
    LOCKING = "locking"
    UNLOCKING = "unlocking"
    JAMMED = "jammed"


class LockSyncState(StrEnum):
    """Whether a user's code is on a lock as it should be."""

    PENDING = "pending"
    IN_SYNC = "in_sync"
    REMOVING = "removing"
    FAILED = "failed"


def _get[T](obj: Mapping[str, Any], key: str, kind: type[T], default: Any = ...) -> T:
    """Return ``obj[key]`` checked to be of ``kind``."""
    if key not in obj:
        if default is ...:
            raise ProtocolError(f"missing field {key!r}")
        return default  # type: ignore[no-any-return]
    value = obj[key]
    if type(value) is int and not -MAX_INT < value < MAX_INT:
        raise ProtocolError(f"field {key!r} is out of range")
    if kind is float and type(value) is int:
        value = float(value)
    if kind is int and type(value) is bool:
        raise ProtocolError(f"field {key!r} must be {kind.__name__}")
    if not isinstance(value, kind):
        raise ProtocolError(f"field {key!r} must be {kind.__name__}")
    return value


def _opt[T](obj: Mapping[str, Any], key: str, kind: type[T]) -> T | None:
    """Return ``obj[key]`` checked to be of ``kind``, or None."""
    if obj.get(key) is None:
        return None
    return _get(obj, key, kind)


def _enum[E: StrEnum](obj: Mapping[str, Any], key: str, kind: type[E]) -> E:
    value = _get(obj, key, str)
    try:
        return kind(value)
    except ValueError:
        raise ProtocolError(f"unknown {key} {value[:32]!r}") from None


def _strs(obj: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = _get(obj, key, list, [])
    if not all(isinstance(value, str) for value in values):
        raise ProtocolError(f"field {key!r} must be a list of strings")
    return tuple(values)


def _time(obj: Mapping[str, Any], key: str) -> datetime | None:
    value = _opt(obj, key, str)
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ProtocolError(f"field {key!r} must be an ISO 8601 time") from None


def _required_time(obj: Mapping[str, Any], key: str) -> datetime:
    """Return ``obj[key]`` as a time; it must be there."""
    if (value := _time(obj, key)) is None:
        raise ProtocolError(f"missing field {key!r}")
    return value


class _Model(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Base of the objects a panel reports: immutable, compared by value.

    ``msgspec.Struct`` rather than a dataclass: the hub's whole state (a
    large site has ~600 of these) is decoded straight into them in one typed
    pass (``hub/state.py``), about twice as fast as into dataclasses. Change
    one with ``msgspec.structs.replace``. Not tracked by the garbage
    collector: they hold only strings, numbers, enums, times and containers
    of those, so they can never be part of a reference cycle.
    """


@dataclass(frozen=True, slots=True, kw_only=True)
class HubInfo:
    """What the hub says about itself in ``hello``."""

    model: str
    serial: str
    firmware: str
    name: str
    capabilities: frozenset[str] = frozenset()
    max_code_length: int = 8
    min_code_length: int = 4
    #: Who made the panel (an AlarmDecoder reports the alarm panel's maker).
    manufacturer: str = "AlarmHub"

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse the ``hello`` result."""
        return cls(
            model=_get(obj, "model", str),
            serial=_get(obj, "serial", str),
            firmware=_get(obj, "firmware", str),
            name=_get(obj, "name", str),
            capabilities=frozenset(_strs(obj, "capabilities")),
            min_code_length=_get(obj, "min_code_length", int, 4),
            max_code_length=_get(obj, "max_code_length", int, 8),
        )


class Partition(_Model, frozen=True, kw_only=True):
    """One partition of the panel: an area armed and disarmed as one."""

    id: str
    name: str
    state: PartitionState
    arm_mode: ArmMode | None = None
    changed_by: str | None = None
    ready: bool = True
    open_zones: tuple[str, ...] = ()
    bypassed_zones: tuple[str, ...] = ()
    supported_options: frozenset[ArmOption] = frozenset()
    exit_delay: WireInt = 0
    entry_delay: WireInt = 0
    #: Chime on (True), off (False), or the panel has none (None).
    chime: bool | None = None
    #: Mains power present; None where the panel does not report it.
    ac_power: bool | None = None
    #: The panel's own standby battery is low; None where not reported.
    low_battery: bool | None = None
    #: A fire alarm is sounding on the partition.
    fire: bool = False

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse a partition."""
        mode = obj.get("arm_mode")
        try:
            options = frozenset(ArmOption(o) for o in _strs(obj, "supported_options"))
        except ValueError:
            raise ProtocolError("unknown arming option") from None
        return cls(
            id=_get(obj, "id", str),
            name=_get(obj, "name", str),
            state=_enum(obj, "state", PartitionState),
            arm_mode=None if mode is None else _enum(obj, "arm_mode", ArmMode),
            changed_by=_opt(obj, "changed_by", str),
            ready=_get(obj, "ready", bool, True),
            open_zones=_strs(obj, "open_zones"),
            bypassed_zones=_strs(obj, "bypassed_zones"),
            supported_options=options,
            exit_delay=_get(obj, "exit_delay", int, 0),
            entry_delay=_get(obj, "entry_delay", int, 0),
            chime=_opt(obj, "chime", bool),
            ac_power=_opt(obj, "ac_power", bool),
            low_battery=_opt(obj, "low_battery", bool),
            fire=_get(obj, "fire", bool, False),
        )


class Zone(_Model, frozen=True, kw_only=True):
    """One sensor zone."""

    id: str
    name: str
    partition: str
    type: ZoneType
    open: bool = False
    bypassed: bool = False
    tamper: bool = False
    low_battery: bool = False

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse a zone."""
        return cls(
            id=_get(obj, "id", str),
            name=_get(obj, "name", str),
            partition=_get(obj, "partition", str),
            type=_enum(obj, "type", ZoneType),
            open=_get(obj, "open", bool, False),
            bypassed=_get(obj, "bypassed", bool, False),
            tamper=_get(obj, "tamper", bool, False),
            low_battery=_get(obj, "low_battery", bool, False),
        )


class User(_Model, frozen=True, kw_only=True):
    """A user of the panel. The code itself never leaves the hub."""

    slot: WireInt
    name: str
    status: CodeStatus
    last_changed: datetime | None = None
    locks: Mapping[str, LockSyncState] = msgspec.field(default_factory=dict)
    lock_errors: Mapping[str, str] = msgspec.field(default_factory=dict)
    #: Who this is, never reused: a new user in a freed slot gets another
    #: (the slot number for a slot's first user; a hub without it: the slot).
    uid: str = ""
    #: When the code is valid (``hub/schedules.Schedule``'s wire form), if not always.
    schedule: Mapping[str, Any] | None = None

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse a user."""
        locks = _get(obj, "locks", dict, {})
        errors = _get(obj, "lock_errors", dict, {})
        try:
            sync = {str(k): LockSyncState(v) for k, v in locks.items()}
        except ValueError:
            raise ProtocolError("unknown lock sync state") from None
        return cls(
            slot=_get(obj, "slot", int),
            name=_get(obj, "name", str),
            status=_enum(obj, "status", CodeStatus),
            last_changed=_time(obj, "last_changed"),
            locks=sync,
            lock_errors={str(k): str(v) for k, v in errors.items()},
            uid=_opt(obj, "uid", str) or str(_get(obj, "slot", int)),
            schedule=_opt(obj, "schedule", dict),
        )

    @property
    def id(self) -> str:
        """Return the user's key in :class:`HubState`."""
        return str(self.slot)


class Lock(_Model, frozen=True, kw_only=True):
    """A Zigbee door lock paired with the hub."""

    id: str
    name: str
    state: LockState
    min_pin_length: WireInt = 4
    max_pin_length: WireInt = 8
    online: bool = True

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse a lock."""
        return cls(
            id=_get(obj, "id", str),
            name=_get(obj, "name", str),
            state=_enum(obj, "state", LockState),
            min_pin_length=_get(obj, "min_pin_length", int, 4),
            max_pin_length=_get(obj, "max_pin_length", int, 8),
            online=_get(obj, "online", bool, True),
        )


class Camera(_Model, frozen=True, kw_only=True):
    """A camera on a stream video recorder."""

    id: str
    name: str
    recorder: str
    online: bool = True

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse a camera."""
        return cls(
            id=_get(obj, "id", str),
            name=_get(obj, "name", str),
            recorder=_get(obj, "recorder", str),
            online=_get(obj, "online", bool, True),
        )


class Recorder(_Model, frozen=True, kw_only=True):
    """A stream video recorder (SVR/CSVR)."""

    id: str
    name: str
    model: str
    serial: str
    online: bool = True

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse a recorder."""
        return cls(
            id=_get(obj, "id", str),
            name=_get(obj, "name", str),
            model=_get(obj, "model", str),
            serial=_get(obj, "serial", str),
            online=_get(obj, "online", bool, True),
        )


class Scene(_Model, frozen=True, kw_only=True):
    """A scene defined on the hub."""

    id: str
    name: str

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse a scene."""
        return cls(id=_get(obj, "id", str), name=_get(obj, "name", str))


class CloudStatus(_Model, frozen=True, kw_only=True):
    """The account's cloud clip store: uploads and storage, used and allowed.

    There is one, with id ``account``; sizes are in bytes.
    """

    id: str
    uploads: WireInt
    upload_limit: WireInt
    storage_used: WireInt
    storage_limit: WireInt

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse the cloud store's status."""
        return cls(
            id=_get(obj, "id", str),
            uploads=_get(obj, "uploads", int),
            upload_limit=_get(obj, "upload_limit", int),
            storage_used=_get(obj, "storage_used", int),
            storage_limit=_get(obj, "storage_limit", int),
        )


def to_dict(obj: msgspec.Struct) -> dict[str, Any]:
    """Return a model in the dict form its ``from_dict`` reads (the hub's wire form).

    Panels other than the hub build models from their own bus and push them
    as :class:`~.base.Event` data in this form.
    """
    return {name: _plain(getattr(obj, name)) for name in obj.__struct_fields__}


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return value


#: Event name -> (HubState collection, parser, key of the object).
type _Parser = Callable[[Mapping[str, Any]], Any]
COLLECTIONS: Mapping[str, tuple[str, _Parser]] = {
    "partition": ("partitions", Partition.from_dict),
    "zone": ("zones", Zone.from_dict),
    "user": ("users", User.from_dict),
    "lock": ("locks", Lock.from_dict),
    "camera": ("cameras", Camera.from_dict),
    "recorder": ("recorders", Recorder.from_dict),
    "scene": ("scenes", Scene.from_dict),
    "cloud": ("clouds", CloudStatus.from_dict),
}


def _parse_list[T](
    obj: Mapping[str, Any], key: str, parse: Callable[[Any], T]
) -> list[T]:
    items = _get(obj, key, list, [])
    for item in items:
        if not isinstance(item, dict):
            raise ProtocolError(f"{key} must hold objects")
    return [parse(item) for item in items]


@dataclass(slots=True, kw_only=True)
class HubState:
    """Everything the hub reports, keyed by id, as of event ``seq``."""

    seq: int
    partitions: dict[str, Partition] = field(default_factory=dict)
    zones: dict[str, Zone] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    locks: dict[str, Lock] = field(default_factory=dict)
    cameras: dict[str, Camera] = field(default_factory=dict)
    recorders: dict[str, Recorder] = field(default_factory=dict)
    scenes: dict[str, Scene] = field(default_factory=dict)
    clouds: dict[str, CloudStatus] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse a ``get_state`` result."""
        if (seq := _get(obj, "seq", int)) < 0:
            raise ProtocolError("field 'seq' must not be negative")
        state = cls(seq=seq)
        for collection, parse in COLLECTIONS.values():
            target: dict[str, Any] = getattr(state, collection)
            for item in _parse_list(obj, collection, parse):
                target[item.id] = item
        return state

    def user_by_uid(self, uid: str) -> User | None:
        """Return the user of this identity (their slot may be reused later)."""
        return next((user for user in self.users.values() if user.uid == uid), None)

    def apply(self, event: str, data: Mapping[str, Any]) -> bool:
        """Apply a state event; return True when something changed.

        ``<kind>`` events carry the whole new object; ``<kind>_removed``
        events carry its ``id``. Other events change no state.
        """
        kind, removed = event.removesuffix("_removed"), event.endswith("_removed")
        if kind not in COLLECTIONS:
            return False
        collection, parse = COLLECTIONS[kind]
        target: dict[str, Any] = getattr(self, collection)
        if removed:
            key = data.get("id")
            if type(key) is int:  # users are keyed by their slot number
                key = str(key)
            if not isinstance(key, str):
                raise ProtocolError("field 'id' must be a string or an integer")
            return target.pop(key, None) is not None
        item = parse(data)
        if target.get(item.id) == item:
            return False
        target[item.id] = item
        return True
