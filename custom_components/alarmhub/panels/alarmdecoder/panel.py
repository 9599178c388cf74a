"""A Honeywell/Resideo Vista (or DSC) panel behind an AlarmDecoder AD2.

:class:`AlarmDecoderPanel` is a :class:`~..base.Panel`: it keeps the AD2
line open (:mod:`.connection`), rebuilds the panel's state from keypad,
expander, RF and LRR messages (:mod:`.state`), and carries out commands as
keypresses, each confirmed by the keypad message that shows its result.

Codes (the master code included) only ever travel as keypresses: they are
in no log line, event, exception or repr.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
import logging
import time
from typing import Any

from ..base import Backoff, Capability, Event, EventCallback, UserChange
from ..exceptions import (
    AlarmHubConnectionError,
    AlarmHubRejectedError,
    AlarmHubTimeoutError,
    ErrorCode,
)
from ..models import (
    ArmMode,
    ArmOption,
    HubInfo,
    HubState,
    PartitionState,
)
from . import keypad, users
from .connection import AD2Connection
from .messages import AD2Message, KeypadMessage
from .state import PARTITION_ID, PanelState, PanelType, ZoneConfig
from .transport import AD2Transport

_LOGGER = logging.getLogger(__name__)

CAPABILITIES = frozenset(
    {
        Capability.ARM_AWAY,
        Capability.ARM_HOME,
        Capability.ARM_NIGHT,
        Capability.BYPASS,
        Capability.USER_CODES,
        Capability.CHIME,
        Capability.TROUBLE,
        Capability.TEMPORARY_CODES,
    }
)
#: A DSC's keypad messages are read (armed, ready, alarm, trouble); its
#: commands are not carried out yet.
DSC_CAPABILITIES = frozenset({Capability.TROUBLE})
#: How many change ids are remembered to answer a repeat.
REMEMBERED_CHANGES = 64

#: A check of one keypad message: True = done, False = refused, None = not yet.
type Check = Callable[[KeypadMessage], bool | None]


@dataclass(slots=True)
class _Waiter:
    check: Check
    future: asyncio.Future[bool]


class AlarmDecoderPanel(AD2Connection):
    """One panel on one AD2: a :class:`~..base.Panel`."""

    def __init__(
        self,
        transport: AD2Transport,
        *,
        panel_type: PanelType,
        master_code: str,
        name: str,
        keypad_address: int | None = None,
        zones: Mapping[int, ZoneConfig] = {},
        users: Mapping[int, str] = {},
        backoff: Backoff | None = None,
        command_timeout: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Prepare a panel; nothing is sent until :meth:`connect`."""
        super().__init__(
            transport,
            backoff=backoff,
            command_timeout=command_timeout,
            monotonic=monotonic,
        )
        self.panel_type = panel_type
        self.__master = master_code
        self.name = name
        self.keypad_address = keypad_address
        self._seq = 0
        self._event_callbacks: list[EventCallback] = []
        self._waiters: list[_Waiter] = []
        self._lock = asyncio.Lock()
        self._changes: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.state = PanelState(
            name=name, zones=zones, users=users, emit=self._emit, monotonic=monotonic
        )
        self.info: HubInfo | None = None
        self.auth_failed = False
        self.certificate_changed = False

    def __repr__(self) -> str:
        """Name the panel and its line, never its codes."""
        return (
            f"<AlarmDecoderPanel {self.name!r} {self.panel_type.value} "
            f"on {self.transport.description}>"
        )

    @property
    def capabilities(self) -> frozenset[Capability]:
        """Return what the panel can do here.

        A DSC only reports its state for now (every command is refused), so
        Home Assistant offers no controls for it.
        """
        if self.panel_type is PanelType.DSC:
            return DSC_CAPABILITIES
        return CAPABILITIES

    async def connect(self) -> HubInfo:
        """Open the line and identify the AD2; raise on failure."""
        self._closing = False
        version = await self._open_line()
        config = self.config
        if self.keypad_address is None and config is not None:
            self.keypad_address = config.address
        family = "DSC" if self.panel_type is PanelType.DSC else "Vista"
        self.info = HubInfo(
            model=f"{family} (AD2)",
            serial=version.serial,
            firmware=version.firmware,
            name=self.name,
            capabilities=frozenset(c.value for c in self.capabilities),
            min_code_length=keypad.CODE_LENGTH,
            max_code_length=keypad.CODE_LENGTH,
        )
        self._start_keeper()
        return self.info

    def subscribe(self, callback: EventCallback) -> Callable[[], None]:
        """Call ``callback`` for every event; return a function that stops it."""
        self._event_callbacks.append(callback)
        return lambda: self._event_callbacks.remove(callback)

    def _emit(self, name: str, data: dict[str, Any]) -> None:
        self._seq += 1
        event = Event(seq=self._seq, event=name, data=data)
        for callback in list(self._event_callbacks):
            try:
                callback(event, False)
            except Exception:
                _LOGGER.exception("Error in an AlarmDecoder event callback")

    def handle(self, message: AD2Message) -> None:
        """Apply a message to the state, then to the commands waiting."""
        self.state.handle(message)
        if isinstance(message, KeypadMessage):
            for waiter in list(self._waiters):
                if not waiter.future.done():
                    result = waiter.check(message)
                    if result is not None:
                        waiter.future.set_result(result)

    def connection_lost(self) -> None:
        """Fail the commands waiting for the panel."""
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.set_exception(AlarmHubConnectionError("connection lost"))

    def configure_zones(self, zones: Mapping[int, ZoneConfig]) -> None:
        """Take new zone names and types (the options changed)."""
        self.state.configure(zones)

    async def get_state(self, *, known: HubState | None = None) -> HubState:
        """Return the whole state, as of the last event (``known`` saves nothing).

        The state is kept here, from the keypad: nothing travels to read it.
        """
        del known
        if not self.connected:
            raise AlarmHubConnectionError("not connected")
        state = self.state
        return HubState(
            seq=self._seq,
            partitions={PARTITION_ID: state.partition},
            zones=dict(state.zones),
            users=dict(state.users),
        )

    # ----- commands ----------------------------------------------------

    async def command(self, keys: str, check: Check, what: str) -> bool:
        """Send keys; return True when confirmed, False when refused."""
        if not self.connected:
            raise AlarmHubConnectionError("not connected")
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(check, future)
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(self.command_timeout):
                await self.send(keys.encode("ascii"))
                return await future
        except TimeoutError:
            raise AlarmHubTimeoutError(f"the panel did not confirm {what}") from None
        finally:
            self._waiters.remove(waiter)

    def master_keys(self, keys: str) -> str:
        """Return the master code followed by ``keys`` (for keypresses only)."""
        return keypad.check_code(self.__master) + keys

    def _partition(self, partition: str) -> None:
        if partition != PARTITION_ID:
            raise AlarmHubRejectedError(ErrorCode.NOT_FOUND, "no such partition")

    def _not_armed(self) -> None:
        part = self.state.partition
        if part.state is not PartitionState.DISARMED:
            raise AlarmHubRejectedError(
                ErrorCode.SYSTEM_ARMED,
                f"{part.name} is {part.state.value.replace('_', ' ')}",
                {"partition": part.name, "state": part.state.value},
            )

    def _dsc_refuses(self, what: str) -> None:
        if self.panel_type is PanelType.DSC:
            raise AlarmHubRejectedError(
                ErrorCode.NOT_SUPPORTED, f"{what} is not supported on a DSC panel yet"
            )

    async def arm(
        self,
        partition: str,
        mode: ArmMode,
        *,
        code: str | None = None,
        options: frozenset[ArmOption] = frozenset(),
    ) -> dict[str, Any]:
        """Arm; with FORCE_BYPASS the open zones are bypassed first (code + 6 #)."""
        self._partition(partition)
        self._dsc_refuses("arming")
        user_code = keypad.check_code(self.__master if code is None else code)
        keys = keypad.arm_keys(mode, options)
        async with self._lock:
            self._not_armed()
            state = self.state
            blocking = sorted(state.tracker.open_zones - state.tracker.bypassed)
            zones = [{"id": str(z), "name": state.zone_name(str(z))} for z in blocking]
            ready = state.last is None or state.last.ready
            if (blocking or not ready) and ArmOption.FORCE_BYPASS not in options:
                self._emit(
                    "arm_refused",
                    {
                        "partition": PARTITION_ID,
                        "mode": mode.value,
                        "reason": ErrorCode.ZONES_OPEN.value,
                        "zones": zones,
                    },
                )
                raise AlarmHubRejectedError(
                    ErrorCode.ZONES_OPEN,
                    "open: " + ", ".join(z["name"] for z in zones),
                    {"zones": zones, "partition": state.partition.name},
                )
            if blocking or not ready:
                await self._expect(
                    user_code + keypad.BYPASS_KEY + "#",
                    lambda m: m.zone_bypassed or m.ready,
                    "the force bypass",
                )
                state.tracker.bypassed.update(blocking)
                state.sync_zones()
            await self._expect(
                user_code + keys,
                lambda m: keypad.arm_confirmed(m, mode),
                f"arming {mode.value}",
            )
        return {"bypassed": zones}

    async def _expect(
        self, keys: str, done: Callable[[KeypadMessage], bool], what: str
    ) -> None:
        """Send keys; raise INVALID_CODE on the error tone."""

        def check(msg: KeypadMessage) -> bool | None:
            if done(msg):
                return True
            return False if keypad.refused(msg) else None

        if not await self.command(keys, check, what):
            raise AlarmHubRejectedError(
                ErrorCode.INVALID_CODE, "the panel refused the code"
            )

    async def disarm(self, partition: str, code: str) -> None:
        """Disarm (and silence an alarm) with a user code: code + 1."""
        self._partition(partition)
        self._dsc_refuses("disarming")
        user_code = keypad.check_code(code)
        async with self._lock:
            if self.state.partition.state is PartitionState.DISARMED:
                return
            await self._expect(
                user_code + keypad.DISARM_KEY,
                lambda m: not m.armed and not m.alarm_sounding,
                "disarming",
            )

    async def bypass(self, zone: str, bypassed: bool) -> None:
        """Bypass a zone (master code + 6 + zone) while disarmed.

        A Vista restores bypassed zones only all at once, by disarming
        (code + 1): restoring one zone is refused with BYPASS_BY_DISARM.
        """
        self._dsc_refuses("bypassing")
        state = self.state
        if zone not in state.zones or not zone.isdigit():
            raise AlarmHubRejectedError(ErrorCode.NOT_FOUND, "no such zone")
        number = int(zone)
        if (number in state.tracker.bypassed) == bypassed:
            return
        if not bypassed:
            raise AlarmHubRejectedError(
                ErrorCode.BYPASS_BY_DISARM,
                "a Vista restores bypassed zones only by disarming",
                {"partition": state.partition.name},
            )
        async with self._lock:
            self._not_armed()
            await self._expect(
                self.master_keys(keypad.BYPASS_KEY + f"{number:02d}"),
                lambda m: m.zone_bypassed,
                "the bypass",
            )
            state.tracker.bypassed.add(number)
            state.sync_zones()

    async def set_chime(self, partition: str, on: bool) -> None:
        """Turn the chime on or off (master code + 9 toggles it)."""
        self._partition(partition)
        self._dsc_refuses("chime")
        async with self._lock:
            if self.state.partition.chime is on:
                return
            await self._expect(
                self.master_keys(keypad.CHIME_KEY),
                lambda m: m.chime is on,
                "the chime",
            )

    async def change_user(
        self,
        change: UserChange,
        *,
        change_id: str,
        slot: int | None = None,
        name: str | None = None,
        code: str | None = None,
    ) -> dict[str, Any]:
        """Program a user code: master + 8 + NN + code, or + #0 to delete."""
        if (done := self._changes.get(change_id)) is not None:
            return done
        self._dsc_refuses("user code programming")
        async with self._lock:
            self._not_armed()
            if (done := self._changes.get(change_id)) is not None:
                return done
            slot = users.pick_slot(change, slot, self.state)
            result = await users.program(self, change, slot, name, code)
            self._changes[change_id] = result
            while len(self._changes) > REMEMBERED_CHANGES:
                self._changes.popitem(last=False)
            return result
