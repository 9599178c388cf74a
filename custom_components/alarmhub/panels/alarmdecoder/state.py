"""The panel's state as shared models, rebuilt from every AD2 message.

:class:`PanelState` turns keypad, expander, RF and LRR messages into one
:class:`~..models.Partition`, its zones and users, and reports each change
as an event (``partition``, ``zone``, ``user``, ``alarm``, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from msgspec.structs import replace

from ..models import (
    CodeStatus,
    Partition,
    PartitionState,
    User,
    Zone,
    ZoneType,
    to_dict,
)
from .keypad import SUPPORTED_OPTIONS, KeypadState, interpret
from .messages import (
    AD2Message,
    ExpanderReport,
    KeypadMessage,
    LRRReport,
    RFReport,
)
from .tracker import ZoneTracker, expander_zone

PARTITION_ID = "1"
#: Contact ID open/close events whose data is a user number.
OPEN_CLOSE_CODES = frozenset({0x401, 0x403, 0x406, 0x407, 0x408, 0x409, 0x441})


class PanelType(StrEnum):
    """The panel family behind the AD2."""

    VISTA = "vista"
    DSC = "dsc"


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneConfig:
    """A zone as the user described it (the keypad bus does not say)."""

    number: int
    name: str
    type: ZoneType
    #: Serial number of the 5800-series sensor on this zone, if wireless.
    rf_serial: str | None = None


type Emit = Callable[[str, dict[str, Any]], None]


#: The partition's name: the panel (device) carries the name the user gave,
#: so entities read "Vista Alarm", "Vista Alarm Front door".
PARTITION_NAME = "Alarm"


class PanelState:
    """One partition, its zones and users, kept from AD2 messages."""

    def __init__(
        self,
        *,
        name: str,
        zones: Mapping[int, ZoneConfig],
        users: Mapping[int, str],
        emit: Emit,
        monotonic: Callable[[], float],
    ) -> None:
        """Start disarmed with the configured zones closed."""
        self._emit = emit
        self.tracker = ZoneTracker(monotonic)
        self.configs: dict[int, ZoneConfig] = dict(zones)
        self.zones: dict[str, Zone] = {}
        for number, config in zones.items():
            self.zones[str(number)] = self._zone(number, config)
        self.users: dict[str, User] = {
            # A Vista's user is their number (the bus tells no more).
            str(slot): User(
                slot=slot, name=user, status=CodeStatus.ACTIVE, uid=str(slot)
            )
            for slot, user in users.items()
        }
        self.user_names = dict(users)
        self.keypad = KeypadState(PartitionState.DISARMED, None)
        self.last: KeypadMessage | None = None
        self.partition = Partition(
            id=PARTITION_ID,
            name=PARTITION_NAME,
            state=PartitionState.DISARMED,
            supported_options=SUPPORTED_OPTIONS,
            chime=False,
        )

    def _zone(self, number: int, config: ZoneConfig | None) -> Zone:
        return Zone(
            id=str(number),
            name=config.name if config else f"Zone {number:02d}",
            partition=PARTITION_ID,
            type=config.type if config else ZoneType.OTHER,
        )

    def configure(self, zones: Mapping[int, ZoneConfig]) -> None:
        """Take new zone names and types; report the zones that changed."""
        self.configs = dict(zones)
        for number, config in zones.items():
            old = self.zones.get(str(number))
            base = self._zone(number, config)
            new = base if old is None else replace(old, name=base.name, type=base.type)
            self._put_zone(new)

    def zone_name(self, zone_id: str) -> str:
        """Return a zone's name (its number when unknown)."""
        zone = self.zones.get(zone_id)
        return zone.name if zone else f"Zone {int(zone_id):02d}"

    def user_label(self, number: int) -> str:
        """Return who a user number is."""
        return self.user_names.get(number) or f"User {number:02d}"

    def _put_zone(self, zone: Zone) -> None:
        if self.zones.get(zone.id) != zone:
            self.zones[zone.id] = zone
            self._emit("zone", to_dict(zone))

    def _put_partition(self, partition: Partition) -> None:
        if partition != self.partition:
            self.partition = partition
            self._emit("partition", to_dict(partition))

    def put_user(self, user: User) -> None:
        """Record a user (after programming) and report it."""
        self.users[user.id] = user
        self.user_names[user.slot] = user.name
        self._emit("user", to_dict(user))

    def remove_user(self, slot: int) -> None:
        """Forget a user (after deleting their code) and report it."""
        self.users.pop(str(slot), None)
        self.user_names.pop(slot, None)
        self._emit("user_removed", {"id": str(slot)})

    def handle(self, message: AD2Message) -> None:
        """Apply one message."""
        if isinstance(message, KeypadMessage):
            self._keypad(message)
        elif isinstance(message, ExpanderReport) and not message.relay:
            zone = expander_zone(message.address, message.channel)
            self.tracker.report(zone, message.value != 0)
            self.sync_zones()
        elif isinstance(message, RFReport):
            self._rf(message)
        elif isinstance(message, LRRReport):
            self._lrr(message)

    def _keypad(self, msg: KeypadMessage) -> None:
        self.last = msg
        self.tracker.keypad(msg)
        before = self.keypad.state
        self.keypad = interpret(msg, self.keypad)
        self.sync_zones()
        partition = replace(
            self.partition,
            state=self.keypad.state,
            arm_mode=self.keypad.arm_mode,
            ready=msg.ready,
            chime=msg.chime,
            ac_power=msg.ac_power,
            low_battery=msg.battery_low,
            fire=msg.fire,
        )
        self._put_partition(partition)
        if (
            self.keypad.state is PartitionState.TRIGGERED
            and before is not PartitionState.TRIGGERED
        ):
            zone = msg.zone if msg.text.upper().startswith("ALARM") else None
            self._emit(
                "alarm",
                {
                    "partition": PARTITION_ID,
                    "zone": None if zone is None else str(zone),
                    "zone_name": None if zone is None else self.zone_name(str(zone)),
                    "silent": False,
                    "fire": msg.fire,
                },
            )

    def sync_zones(self) -> None:
        """Report zones whose open or bypassed state changed."""
        open_zones = self.tracker.open_zones
        bypassed = self.tracker.bypassed
        for number in open_zones | bypassed:
            if str(number) not in self.zones:
                self._put_zone(self._zone(number, self.configs.get(number)))
        for zone in list(self.zones.values()):
            number = int(zone.id)
            self._put_zone(
                replace(zone, open=number in open_zones, bypassed=number in bypassed)
            )
        self._put_partition(
            replace(
                self.partition,
                open_zones=tuple(str(z) for z in sorted(open_zones)),
                bypassed_zones=tuple(str(z) for z in sorted(bypassed)),
            )
        )

    def _rf(self, report: RFReport) -> None:
        for number, config in self.configs.items():
            if config.rf_serial != report.serial:
                continue
            self.tracker.report(number, report.loops[0])
            zone = self.zones.get(str(number)) or self._zone(number, config)
            self._put_zone(replace(zone, low_battery=report.battery_low))
            self.sync_zones()

    def _lrr(self, report: LRRReport) -> None:
        if report.event_code is not None:
            is_open_close = report.event_code in OPEN_CLOSE_CODES
        else:
            is_open_close = report.event_type.startswith(("ARM", "OPEN", "DISARM"))
        if not is_open_close or not report.event_data.isdigit():
            return
        who = self.user_label(int(report.event_data))
        self._put_partition(replace(self.partition, changed_by=who))
