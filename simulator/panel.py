"""The panel's rules: partitions, zones, arming, delays, codes and lockout.

State machine of a partition::

    disarmed --arm--> arming --exit delay--> armed_{stay,away,night}
    armed_* --entry zone opens--> pending --entry delay--> triggered
    armed_* --instant zone opens--> triggered
    any --disarm with a valid code--> disarmed (bypasses cleared)

Armed Away arms contact and motion zones; Armed Stay and Night arm contact
zones only. Smoke, CO and water zones are armed at all times. Arming is
refused while an unbypassed contact zone is open, naming the zones, unless
``force_bypass`` is asked for. Wrong codes are counted; after
``max_attempts`` the keypad is locked out for ``lockout_seconds``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
import hmac
from typing import Any, Final

from custom_components.alarmhub.panels.hub.protocol import ErrorCode
from custom_components.alarmhub.panels.hub.schedules import Schedule
from custom_components.alarmhub.panels.models import (
    ArmMode,
    ArmOption,
    PartitionState,
    ZoneType,
)

from .clock import Clock, Timer, utc

ALWAYS_ARMED = frozenset({ZoneType.SMOKE, ZoneType.CO, ZoneType.WATER})
ARMED_STATES = {
    ArmMode.STAY: PartitionState.ARMED_STAY,
    ArmMode.AWAY: PartitionState.ARMED_AWAY,
    ArmMode.NIGHT: PartitionState.ARMED_NIGHT,
}
HOME_AUTOMATION = "Home Assistant"

type Emit = Callable[[str, dict[str, Any]], None]


class Rejection(Exception):
    """A request the hub refuses, with the protocol's error code."""

    def __init__(
        self, code: ErrorCode, reason: str, details: dict[str, Any] | None = None
    ) -> None:
        """Keep the code, reason and details for the response."""
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.details = details or {}


@dataclass(slots=True, kw_only=True)
class SimZone:
    """A zone as the panel knows it."""

    id: str
    name: str
    partition: str
    type: ZoneType
    entry_delay: bool
    open: bool = False
    bypassed: bool = False
    tamper: bool = False
    low_battery: bool = False

    def view(self) -> dict[str, Any]:
        """Return the wire form."""
        return {
            "id": self.id,
            "name": self.name,
            "partition": self.partition,
            "type": self.type.value,
            "open": self.open,
            "bypassed": self.bypassed,
            "tamper": self.tamper,
            "low_battery": self.low_battery,
        }

    def armed_in(self, mode: ArmMode | None) -> bool:
        """Return True when the zone is armed in ``mode`` (None: disarmed)."""
        if self.type in ALWAYS_ARMED:
            return True
        if mode is None or self.bypassed:
            return False
        if self.type.is_contact or self.type is ZoneType.GLASS_BREAK:
            return True
        return self.type is ZoneType.MOTION and mode is ArmMode.AWAY


@dataclass(slots=True, kw_only=True)
class SimPartition:
    """A partition as the panel knows it."""

    id: str
    name: str
    exit_delay: int
    entry_delay: int
    options: frozenset[ArmOption]
    state: PartitionState = PartitionState.DISARMED
    arm_mode: ArmMode | None = None
    changed_by: str | None = None
    no_entry_delay: bool = False
    silent: bool = False
    timer: Timer | None = None

    def set_timer(self, timer: Timer | None) -> None:
        """Replace the running delay, if any."""
        if self.timer is not None:
            self.timer.cancel()
        self.timer = timer


@dataclass(slots=True, kw_only=True)
class SimUser:
    """A user and their (secret) code."""

    slot: int
    name: str
    code: str = field(repr=False)
    status: str = "active"
    last_changed: str | None = None
    #: Lock id -> sync state of this user's code there (``LockSyncState``).
    locks: dict[str, str] = field(default_factory=dict)
    #: Lock id -> why the lock refused the code (a ZCL status name).
    lock_errors: dict[str, str] = field(default_factory=dict)
    #: Never reused (the slot number for a slot's first user).
    uid: str = ""
    #: When the code is valid (None: always).
    schedule: Schedule | None = None


#: Who the duress code disarms as: no user, nothing that stands out.
DURESS_USER: Final = SimUser(slot=0, name="Keypad", code="")


class Panel:
    """Partitions, zones and users, following the panel's rules."""

    def __init__(
        self,
        clock: Clock,
        emit: Emit,
        *,
        partitions: Iterable[SimPartition],
        zones: Iterable[SimZone],
        users: Iterable[SimUser],
        max_attempts: int = 5,
        lockout_seconds: int = 300,
        duress_code: str | None = None,
    ) -> None:
        """Hold the panel's state; ``emit`` publishes every change."""
        self.clock = clock
        self._emit = emit
        self.partitions = {p.id: p for p in partitions}
        self.zones = {z.id: z for z in zones}
        self.users = {u.slot: u for u in users}
        self.max_attempts = max_attempts
        self.lockout_seconds = lockout_seconds
        self.failed_attempts = 0
        self.locked_out_until = 0.0
        #: Disarms like a user's code and raises a silent ``duress`` event.
        self.duress_code = duress_code

    # ----- views -------------------------------------------------------

    def partition_view(self, partition: SimPartition) -> dict[str, Any]:
        """Return the wire form of a partition."""
        zones = [z for z in self.zones.values() if z.partition == partition.id]
        open_zones = [z.id for z in zones if z.open]
        return {
            "id": partition.id,
            "name": partition.name,
            "state": partition.state.value,
            "arm_mode": partition.arm_mode.value if partition.arm_mode else None,
            "changed_by": partition.changed_by,
            "ready": not self.blocking_zones(partition, ArmMode.AWAY),
            "open_zones": open_zones,
            "bypassed_zones": [z.id for z in zones if z.bypassed],
            "supported_options": sorted(o.value for o in partition.options),
            "exit_delay": partition.exit_delay,
            "entry_delay": partition.entry_delay,
        }

    def _publish(self, partition: SimPartition) -> None:
        self._emit("partition", self.partition_view(partition))

    def _publish_zone(self, zone: SimZone) -> None:
        self._emit("zone", zone.view())
        self._publish(self.partitions[zone.partition])

    # ----- lookups -----------------------------------------------------

    def partition(self, partition_id: object) -> SimPartition:
        """Return a partition or refuse."""
        partition = self.partitions.get(str(partition_id))
        if partition is None:
            raise Rejection(ErrorCode.NOT_FOUND, "no such partition")
        return partition

    def zone(self, zone_id: object) -> SimZone:
        """Return a zone or refuse."""
        zone = self.zones.get(str(zone_id))
        if zone is None:
            raise Rejection(ErrorCode.NOT_FOUND, "no such zone")
        return zone

    def blocking_zones(self, partition: SimPartition, mode: ArmMode) -> list[SimZone]:
        """Return the open, unbypassed zones that would stop arming."""
        del mode  # every mode arms the contact zones, which are the ones that block
        return [
            z
            for z in self.zones.values()
            if z.partition == partition.id
            and z.open
            and not z.bypassed
            and (z.type.is_contact or z.type is ZoneType.GLASS_BREAK)
        ]

    # ----- codes -------------------------------------------------------

    def check_code(self, code: object) -> SimUser:
        """Return the user whose code this is; count and lock out wrong ones.

        The duress code passes as :data:`DURESS_USER`. A code whose activation
        is pending is refused with ``code_pending`` and counts as a wrong one.
        """
        self.check_lockout()
        pending = outside = False
        if isinstance(code, str):
            if self.duress_code is not None and hmac.compare_digest(
                self.duress_code.encode(), code.encode()
            ):
                self.failed_attempts = 0
                return DURESS_USER
            for user in self.users.values():
                if hmac.compare_digest(user.code.encode(), code.encode()):
                    if user.status == "active" and (
                        user.schedule is None or user.schedule.is_open(utc(self.clock))
                    ):
                        self.failed_attempts = 0
                        return user
                    pending = pending or user.status == "pending"
                    outside = outside or user.schedule is not None
        refusal = None
        if pending:
            refusal = Rejection(ErrorCode.CODE_PENDING, "this code is not active yet")
        elif outside:
            refusal = Rejection(
                ErrorCode.CODE_OUTSIDE_SCHEDULE, "this code is not valid now"
            )
        raise self.wrong_attempt(refusal)

    def check_lockout(self) -> None:
        """Refuse while the keypad is locked out."""
        now = self.clock.time()
        if now < self.locked_out_until:
            raise Rejection(
                ErrorCode.LOCKED_OUT,
                "keypad locked out after too many wrong codes",
                {"retry_after": round(self.locked_out_until - now)},
            )

    def wrong_attempt(self, refusal: Rejection | None = None) -> Rejection:
        """Count a wrong code; return the refusal to raise (lockout at the last)."""
        self.failed_attempts += 1
        remaining = self.max_attempts - self.failed_attempts
        if remaining <= 0:
            self.failed_attempts = 0
            self.locked_out_until = self.clock.time() + self.lockout_seconds
            self._emit("lockout", {"retry_after": self.lockout_seconds})
            return Rejection(
                ErrorCode.LOCKED_OUT,
                "keypad locked out after too many wrong codes",
                {"retry_after": self.lockout_seconds},
            )
        if refusal is None:
            refusal = Rejection(ErrorCode.INVALID_CODE, "invalid code")
        refusal.details["attempts_left"] = remaining
        return refusal

    # ----- arming ------------------------------------------------------

    def arm(
        self,
        partition_id: object,
        mode: ArmMode,
        *,
        code: str | None = None,
        options: frozenset[ArmOption] = frozenset(),
    ) -> dict[str, Any]:
        """Arm a partition; return the zones bypassed by force."""
        partition = self.partition(partition_id)
        by = self.check_code(code).name if code is not None else HOME_AUTOMATION
        if unsupported := options - partition.options:
            names = sorted(o.value for o in unsupported)
            raise Rejection(
                ErrorCode.NOT_SUPPORTED,
                f"{partition.name} does not support {', '.join(names)}",
                {"options": names, "partition": partition.name},
            )
        if partition.state is not PartitionState.DISARMED:
            raise Rejection(
                ErrorCode.SYSTEM_ARMED,
                f"{partition.name} is {partition.state.value.replace('_', ' ')}",
                {"partition": partition.name, "state": partition.state.value},
            )
        blocking = self.blocking_zones(partition, mode)
        if blocking and ArmOption.FORCE_BYPASS not in options:
            names = [z.name for z in blocking]
            self._emit(
                "arm_refused",
                {
                    "partition": partition.id,
                    "mode": mode.value,
                    "reason": ErrorCode.ZONES_OPEN.value,
                    "zones": [{"id": z.id, "name": z.name} for z in blocking],
                },
            )
            raise Rejection(
                ErrorCode.ZONES_OPEN,
                f"open: {', '.join(names)}",
                {"zones": [{"id": z.id, "name": z.name} for z in blocking]},
            )
        for zone in blocking:
            zone.bypassed = True
            self._emit("zone", zone.view())
        partition.arm_mode = mode
        partition.changed_by = by
        partition.no_entry_delay = ArmOption.NO_ENTRY_DELAY in options
        partition.silent = ArmOption.SILENT in options
        if partition.exit_delay > 0:
            partition.state = PartitionState.ARMING
            partition.set_timer(
                self.clock.call_later(
                    partition.exit_delay, lambda: self._exit_delay_over(partition)
                )
            )
        else:
            partition.state = ARMED_STATES[mode]
        self._publish(partition)
        return {"bypassed": [{"id": z.id, "name": z.name} for z in blocking]}

    def _exit_delay_over(self, partition: SimPartition) -> None:
        partition.timer = None
        if partition.state is PartitionState.ARMING and partition.arm_mode:
            partition.state = ARMED_STATES[partition.arm_mode]
            self._publish(partition)

    def disarm(self, partition_id: object, code: object) -> None:
        """Disarm a partition with a valid code; clear its bypasses."""
        partition = self.partition(partition_id)
        user = self.check_code(code)
        self.disarm_by(partition, user.name)
        if user is DURESS_USER:
            # Silent: nothing at the keypad differs from an ordinary disarm.
            self._emit(
                "duress", {"partition": partition.id, "partition_name": partition.name}
            )

    def disarm_by(self, partition: SimPartition, who: str) -> None:
        """Disarm on the hub's own authority (a scene); clear the bypasses."""
        partition.set_timer(None)
        partition.state = PartitionState.DISARMED
        partition.arm_mode = None
        partition.changed_by = who
        partition.no_entry_delay = partition.silent = False
        for zone in self.zones.values():
            if zone.partition == partition.id and zone.bypassed:
                zone.bypassed = False
                self._emit("zone", zone.view())
        self._publish(partition)

    def bypass(self, zone_id: object, bypassed: bool) -> None:
        """Bypass or restore one zone (only while its partition is disarmed)."""
        zone = self.zone(zone_id)
        partition = self.partitions[zone.partition]
        if partition.state is not PartitionState.DISARMED:
            raise Rejection(
                ErrorCode.SYSTEM_ARMED,
                f"{partition.name} is {partition.state.value.replace('_', ' ')}",
                {"partition": partition.name, "state": partition.state.value},
            )
        if zone.bypassed != bypassed:
            zone.bypassed = bypassed
            self._publish_zone(zone)

    # ----- sensors -----------------------------------------------------

    def set_zone(self, zone_id: object, is_open: bool) -> None:
        """Report a sensor open (faulted) or closed."""
        zone = self.zone(zone_id)
        if zone.open == is_open:
            return
        zone.open = is_open
        self._emit("zone", zone.view())
        partition = self.partitions[zone.partition]
        if is_open:
            self._fault(partition, zone)
        self._publish(partition)

    def _fault(self, partition: SimPartition, zone: SimZone) -> None:
        state = partition.state
        if zone.type in ALWAYS_ARMED:
            self._trigger(partition, zone)
            return
        if state not in ARMED_STATES.values() and state is not PartitionState.PENDING:
            return
        if not zone.armed_in(partition.arm_mode):
            return
        if state is PartitionState.PENDING:
            if zone.type is not ZoneType.MOTION and not zone.entry_delay:
                self._trigger(partition, zone)
            return
        if zone.entry_delay and not partition.no_entry_delay and partition.entry_delay:
            partition.state = PartitionState.PENDING
            partition.set_timer(
                self.clock.call_later(
                    partition.entry_delay, lambda: self._trigger(partition, zone)
                )
            )
            return
        self._trigger(partition, zone)

    def _trigger(self, partition: SimPartition, zone: SimZone) -> None:
        partition.set_timer(None)
        if partition.state is PartitionState.TRIGGERED:
            return
        partition.state = PartitionState.TRIGGERED
        self._emit(
            "alarm",
            {
                "partition": partition.id,
                "zone": zone.id,
                "zone_name": zone.name,
                "silent": partition.silent,
            },
        )
        self._publish(partition)

    def add_partition(self, partition: SimPartition) -> None:
        """Create a partition (the installer split off an area)."""
        if partition.id in self.partitions:
            raise Rejection(ErrorCode.BAD_REQUEST, "partition exists")
        self.partitions[partition.id] = partition
        self._publish(partition)

    def set_zone_trouble(
        self,
        zone_id: object,
        *,
        low_battery: bool | None = None,
        tamper: bool | None = None,
    ) -> None:
        """Report a sensor's battery low (or replaced), or its cover opened."""
        zone = self.zone(zone_id)
        before = (zone.low_battery, zone.tamper)
        if low_battery is not None:
            zone.low_battery = low_battery
        if tamper is not None:
            zone.tamper = tamper
        if (zone.low_battery, zone.tamper) != before:
            self._emit("zone", zone.view())

    def add_zone(self, zone: SimZone) -> None:
        """Enrol a new sensor (the installer added a zone)."""
        if zone.id in self.zones:
            raise Rejection(ErrorCode.BAD_REQUEST, "zone exists")
        self.partition(zone.partition)
        self.zones[zone.id] = zone
        self._publish_zone(zone)

    def remove_zone(self, zone_id: object) -> None:
        """Remove a sensor from the panel."""
        zone = self.zones.pop(self.zone(zone_id).id)
        self._emit("zone_removed", {"id": zone.id})
        self._publish(self.partitions[zone.partition])

    def walk_past(self, zone_id: object, seconds: float = 3.0) -> None:
        """Someone walks past a motion sensor: active for a few seconds."""
        zone = self.zone(zone_id)
        self.set_zone(zone.id, True)
        self.clock.call_later(seconds, lambda: self.set_zone(zone.id, False))
