"""Temporary codes on a panel that keeps no schedules (a Vista through the AD2).

A Vista takes a user's code or deletes it, nothing in between: it cannot be
told when a code ends. Home Assistant keeps the end in the user's subentry
(``valid_until``, an aware ISO time, so it survives a restart) and applies
it: at the first moment at or after the end at which every partition is
disarmed, the user's code is deleted on the panel by keypad programming
(master code + 8 + user number + #0), which on a Vista deletes the user. The
panel cannot be programmed while armed, so an end that passes while the
system is armed waits for the disarm: the code works until then.

The end is shown by the same ``<user> next code change`` sensor as the hub's
schedules; its ``valid_now`` says the code still works, and
``waiting_for_disarm`` that the end has passed and the deletion waits for
the system to be disarmed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final, override

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .const import LOGGER
from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .entity import async_add_hub_entities
from .panels.base import Capability
from .panels.hub import PartitionState, User
from .pending import Change, Kind, Status
from .user_schedules import NextCodeChangeSensor
from .user_subentries import user_subentries

#: Subentry data: when the user's code ends (aware ISO time).
DATA_VALID_UNTIL: Final = "valid_until"

#: The time (tests put the emulator's manual clock here).
NOW: Callable[[], datetime] = dt_util.utcnow


def valid_until(subentry: ConfigSubentry) -> datetime | None:
    """Return the end a subentry keeps, if any."""
    raw = subentry.data.get(DATA_VALID_UNTIL)
    end = dt_util.parse_datetime(raw) if isinstance(raw, str) else None
    return None if end is None or end.tzinfo is None else end


class TemporaryCodes:
    """Apply the ends of one entry's temporary codes."""

    def __init__(self, hass: HomeAssistant, entry: AlarmHubConfigEntry) -> None:
        """Start with no timer."""
        self.hass = hass
        self.entry = entry
        self.coordinator: AlarmHubCoordinator = entry.runtime_data
        self._timer: CALLBACK_TYPE | None = None
        self._listeners: list[Callable[[], None]] = []
        self._removing: set[str] = set()

    def ends(self) -> dict[str, datetime]:
        """Return each present user's end, by uid."""
        present = {user.uid for user in self.coordinator.data.users.values()}
        return {
            uid: end
            for uid, subentry in user_subentries(self.entry).items()
            if uid in present and (end := valid_until(subentry)) is not None
        }

    @callback
    def async_listen(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` whenever an end passes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_update(self, *_: Any) -> None:
        """Apply the ends that passed; set a timer for the next one."""
        if self._timer is not None:
            self._timer()
            self._timer = None
        now = NOW()
        ends = self.ends()
        users = {user.uid: user for user in self.coordinator.data.users.values()}
        for uid, end in ends.items():
            if end <= now:
                self._expire(users[uid])
        if upcoming := [end for end in ends.values() if end > now]:
            # Relative, and set again at every update: a clock change is
            # corrected at the next one.
            delay = (min(upcoming) - now).total_seconds()
            self._timer = async_call_later(self.hass, delay, self.async_update)
        for listener in list(self._listeners):
            listener()

    def _expire(self, user: User) -> None:
        if user.uid in self._removing or any(
            partition.state is not PartitionState.DISARMED
            for partition in self.coordinator.data.partitions.values()
        ):
            return  # being deleted, or armed: the panel cannot be programmed
        self._removing.add(user.uid)
        LOGGER.debug("User %s: their temporary code has ended", user.slot)
        self.hass.async_create_task(self._delete(user.uid, user.slot))

    async def _delete(self, uid: str, slot: int) -> None:
        """Delete the code; on a refusal, try again at the next update."""
        (deleted,) = await self.coordinator.changes.submit(
            [Change(kind=Kind.DELETE_USER, slot=slot)]
        )
        if (await deleted).status is Status.FAILED:
            self._removing.discard(uid)

    @callback
    def async_stop(self) -> None:
        """Cancel the timer."""
        if self._timer is not None:
            self._timer()
            self._timer = None
        self.entry.runtime_data.temporary_codes = None


@callback
def async_setup_temporary_codes(
    hass: HomeAssistant, entry: AlarmHubConfigEntry
) -> None:
    """Apply the entry's temporary codes (a panel that keeps no schedules)."""
    coordinator = entry.runtime_data
    if Capability.TEMPORARY_CODES not in coordinator.client.capabilities:
        return
    tracker = TemporaryCodes(hass, entry)
    entry.runtime_data.temporary_codes = tracker

    async def subentries_changed(
        hass: HomeAssistant, _entry: AlarmHubConfigEntry
    ) -> None:
        tracker.async_update()
        coordinator.async_update_listeners()  # a new end may need a sensor

    tracker.async_update()
    entry.async_on_unload(coordinator.async_add_listener(tracker.async_update))
    entry.async_on_unload(entry.add_update_listener(subentries_changed))
    entry.async_on_unload(tracker.async_stop)


def async_add_temporary_code_sensors(
    entry: AlarmHubConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a next-change sensor for each user with a temporary code."""
    coordinator = entry.runtime_data
    if Capability.TEMPORARY_CODES not in coordinator.client.capabilities:
        return

    def with_end(_state: Any) -> list[str]:
        tracker = entry.runtime_data.temporary_codes
        return [] if tracker is None else list(tracker.ends())

    async_add_hub_entities(
        entry,
        async_add_entities,
        with_end,
        lambda uid: [TemporaryCodeSensor(coordinator, uid)],
    )


class TemporaryCodeSensor(NextCodeChangeSensor):
    """When a user's temporary code ends."""

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the tracker's ends."""
        await super().async_added_to_hass()
        if (tracker := self.coordinator.temporary_codes) is not None:
            self.async_on_remove(tracker.async_listen(self._handle_coordinator_update))

    @override
    def _snapshot(self) -> tuple[datetime, bool] | None:
        tracker = self.coordinator.temporary_codes
        end = None if tracker is None else tracker.ends().get(self.uid)
        return None if end is None else (end, end <= NOW())

    @property
    @override
    def native_value(self) -> datetime | None:
        """Return the end (still shown while the deletion waits for a disarm)."""
        return None if (snapshot := self._snapshot()) is None else snapshot[0]

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Say the code still works, and whether it waits for a disarm."""
        if (snapshot := self._snapshot()) is None:
            return None
        return {"valid_now": True, "waiting_for_disarm": snapshot[1]}
