"""Scheduled and temporary codes in Home Assistant: edges, sensor, clean-up.

The hub enforces each user's schedule itself (``panels/hub/schedules.py``):
nothing needs to happen at the edges for the panel, so an armed system is no
obstacle. This module follows the edges for everything else:

* a ``<user> next code change`` timestamp sensor (attribute ``valid_now``)
  per user with a schedule;
* the dispatcher signal :data:`SIGNAL_SCHEDULE_EDGE` (formatted with the
  entry id) at each edge, with the user's slot, uid and whether the code is
  now valid: household locks set or clear the code there;
* a temporary user whose subentry asks for it (``remove_when_expired``) is
  deleted once the schedule has ended, at the first moment every partition
  is disarmed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER
from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .entity import AlarmHubEntity, async_add_hub_entities
from .panels.base import Capability
from .panels.exceptions import ProtocolError
from .panels.hub import AlarmHubClient, PartitionState, User
from .panels.hub.schedules import Schedule
from .pending import Change, Kind, Status
from .user_subentries import user_subentries

#: ``async_dispatcher_send(hass, SIGNAL_SCHEDULE_EDGE.format(entry_id), slot,
#: uid, valid)`` at each edge of a user's schedule.
SIGNAL_SCHEDULE_EDGE: Final = DOMAIN + "_schedule_edge_{}"
#: Subentry data: delete the user once their schedule has ended.
DATA_REMOVE_WHEN_EXPIRED: Final = "remove_when_expired"

#: The time (tests put the hub simulator's manual clock here: Home Assistant's
#: own clock cannot be frozen while the hub talks to it over a socket).
NOW: Callable[[], datetime] = dt_util.utcnow


def schedule_of(user: User) -> Schedule | None:
    """Return the user's schedule, if the hub reports a valid one."""
    if user.schedule is None:
        return None
    try:
        return Schedule.from_dict(user.schedule)
    except ProtocolError:
        return None


class ScheduleTracker:
    """Follow the edges of every scheduled user of one entry."""

    def __init__(self, hass: HomeAssistant, entry: AlarmHubConfigEntry) -> None:
        """Start with no timers."""
        self.hass = hass
        self.entry = entry
        self.coordinator: AlarmHubCoordinator = entry.runtime_data
        #: uid -> (next edge, valid now)
        self.edges: dict[str, tuple[datetime | None, bool]] = {}
        self._timer: CALLBACK_TYPE | None = None
        self._listeners: list[Callable[[], None]] = []
        self._removing: set[str] = set()

    @callback
    def async_listen(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` whenever an edge passes or schedules change."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def follows(self, key: str) -> bool:
        """Return True if the user in slot ``key`` has or had a schedule."""
        user = self.coordinator.data.users.get(key)
        return user is None or user.schedule is not None or user.uid in self.edges

    @callback
    def async_update(self, *_: Any) -> None:
        """Recompute every edge; tell of the ones that passed; set the timer."""
        if self._timer is not None:
            self._timer()
            self._timer = None
        now = NOW()
        edges: dict[str, tuple[datetime | None, bool]] = {}
        for user in self.coordinator.data.users.values():
            if (schedule := schedule_of(user)) is None:
                continue
            valid = schedule.is_open(now)
            edges[user.uid] = (schedule.next_edge(now), valid)
            before = self.edges.get(user.uid)
            if before is not None and before[1] != valid:
                async_dispatcher_send(
                    self.hass,
                    SIGNAL_SCHEDULE_EDGE.format(self.entry.entry_id),
                    user.slot,
                    user.uid,
                    valid,
                )
            if schedule.expired(now):
                self._remove_expired(user)
        self.edges = edges
        upcoming = [edge for edge, _ in edges.values() if edge is not None]
        if upcoming:
            # A relative timer, re-armed at every poll: a clock change (or a
            # suspended host) is corrected within one poll interval.
            delay = (min(upcoming) - now).total_seconds()
            self._timer = async_call_later(self.hass, max(delay, 0), self.async_update)
        for listener in list(self._listeners):
            listener()

    def _remove_expired(self, user: User) -> None:
        subentry = user_subentries(self.entry).get(user.uid)
        if (
            subentry is None
            or not subentry.data.get(DATA_REMOVE_WHEN_EXPIRED)
            or user.uid in self._removing
            or any(
                p.state is not PartitionState.DISARMED
                for p in self.coordinator.data.partitions.values()
            )
        ):
            return
        self._removing.add(user.uid)
        LOGGER.debug("Removing user %s: their code has expired", user.slot)
        clears = [
            Change(kind=Kind.CLEAR_PIN, slot=user.slot, lock=lock)
            for lock in user.locks
            if lock in self.coordinator.data.locks
        ]
        self.hass.async_create_task(self._delete(user.uid, clears, user.slot))

    async def _delete(self, uid: str, clears: list[Change], slot: int) -> None:
        """Delete an expired user; on a refusal, try again at the next update."""
        *_, deleted = await self.coordinator.changes.submit(
            [*clears, Change(kind=Kind.DELETE_USER, slot=slot)]
        )
        if (await deleted).status is Status.FAILED:
            self._removing.discard(uid)
            return
        household = self.coordinator.household  # their codes off household locks
        await household.async_take_off(slot, household.targets_of(slot))

    @callback
    def async_stop(self) -> None:
        """Cancel the timer."""
        if self._timer is not None:
            self._timer()
            self._timer = None
        self.entry.runtime_data.schedules = None


@callback
def async_setup_schedules(hass: HomeAssistant, entry: AlarmHubConfigEntry) -> None:
    """Follow the entry's scheduled users (a hub's; a Vista keeps none)."""
    if not isinstance(entry.runtime_data.client, AlarmHubClient):
        return
    tracker = ScheduleTracker(hass, entry)
    entry.runtime_data.schedules = tracker
    tracker.async_update()

    @callback
    def on_update() -> None:
        # Syncing codes updates users thousands of times: only a user who
        # has (or had) a schedule can move an edge. Other objects still count
        # (a disarmed partition lets an expired user be removed).
        topics = entry.runtime_data.updated_topics
        if topics is None or any(
            kind != "user" or tracker.follows(key) for kind, key in topics
        ):
            tracker.async_update()

    entry.async_on_unload(entry.runtime_data.async_add_listener(on_update))
    entry.async_on_unload(tracker.async_stop)


def async_add_schedule_sensors(
    entry: AlarmHubConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a next-change sensor for each user with a schedule."""
    coordinator = entry.runtime_data
    if Capability.SCHEDULES not in coordinator.client.capabilities:
        return
    async_add_hub_entities(
        entry,
        async_add_entities,
        lambda state: [u.uid for u in state.users.values() if u.schedule],
        lambda uid: [AlarmHubScheduleSensor(coordinator, uid)],
        kinds=frozenset({"user"}),
    )


class NextCodeChangeSensor(AlarmHubEntity, SensorEntity):
    """When a user's code next changes (a schedule's edge, a temporary end)."""

    entity_description = SensorEntityDescription(
        key="next_code_change",
        translation_key="user_code_next_change",
        device_class=SensorDeviceClass.TIMESTAMP,
    )

    def __init__(self, coordinator: AlarmHubCoordinator, uid: str) -> None:
        """Show one user's next change."""
        super().__init__(coordinator, f"user_{uid}_next_code_change")
        self.uid = uid
        user = self._user()
        self._attr_translation_placeholders = {"user": user.name if user else uid}

    def _user(self) -> User | None:
        return self.coordinator.data.user_by_uid(self.uid)


class AlarmHubScheduleSensor(NextCodeChangeSensor):
    """When a user's code next becomes valid or invalid."""

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the tracker's edges."""
        await super().async_added_to_hass()
        if (tracker := self.coordinator.schedules) is not None:
            self.async_on_remove(tracker.async_listen(self._async_edge))

    @callback
    def _async_edge(self) -> None:
        if self._snapshot() is not None:
            self.async_write_ha_state()

    def _edge(self) -> tuple[datetime | None, bool] | None:
        tracker = self.coordinator.schedules
        return None if tracker is None else tracker.edges.get(self.uid)

    @override
    def _snapshot(self) -> tuple[datetime | None, bool] | None:
        user = self._user()
        if user is None or user.schedule is None:
            return None
        return self._edge() or (None, False)

    @property
    @override
    def native_value(self) -> datetime | None:
        """Return the next edge (None: the code will not change again)."""
        return None if (snapshot := self._snapshot()) is None else snapshot[0]

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Say whether the code is valid now."""
        snapshot = self._snapshot()
        return None if snapshot is None else {"valid_now": snapshot[1]}
